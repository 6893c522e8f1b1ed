"""The `callqueue` command line. Every command takes `--db` and `--at` (a fixed clock).

Handlers are thin: they parse arguments, call the core, and print. Heavy modules (the
store, openpyxl, rich, textual) are imported inside the handlers, so `--help` is instant.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from callqueue import __version__

if TYPE_CHECKING:
    from rich.console import Console

    from callqueue.store.database import Store


class UserError(Exception):
    """A mistake the user can fix; printed without a traceback."""


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--db",
        metavar="URL",
        default=default,
        help="database: a SQLite file path, sqlite:///…, or postgresql+psycopg://… "
        "(default: $CALLQUEUE_DB, else callqueue.db in your data folder)",
    )
    parser.add_argument(
        "--at",
        metavar="DATETIME",
        default=default,
        help="run as if it were this moment, China Standard Time (e.g. 2026-11-27T10:30)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="callqueue",
        description="A prioritised call and visit queue for property-fee collectors.",
    )
    parser.add_argument("--version", action="version", version=f"callqueue {__version__}")
    parser.add_argument(
        "--demo", action="store_true", help="open on a fresh demo database (buildings 6, 7, 8)"
    )
    _common(parser, top=True)
    parser.set_defaults(handler=cmd_open)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(
        name: str, handler: Callable[[argparse.Namespace], int], help_: str
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_, description=help_)
        _common(sub, top=False)
        sub.set_defaults(handler=handler)
        return sub

    imp = command("import", cmd_import, "import a billing export (CSV in UTF-8/GBK, or XLSX)")
    imp.add_argument("file", type=Path, help="the export file")
    imp.add_argument("--dry-run", action="store_true", help="check the file, write nothing")

    demo = command("demo", cmd_demo, "fill a database with a realistic demo project")
    demo.add_argument("--households", type=int, default=None, metavar="N", help="default 360")
    demo.add_argument("--seed", type=int, default=2018, help="same seed, same demo (2018)")

    command("summary", cmd_summary, "arrears per fee type and per building")

    house = command("household", cmd_household, "show one household by key, e.g. 6-2-1203")
    house.add_argument("key", help="building-unit-room (6-2-1203) or building-room (8-1501)")
    house.add_argument("--show-phones", action="store_true", help="do not mask phone numbers")

    db = command("db", cmd_db, "database schema: status, or upgrade in place")
    db.add_argument("action", choices=["status", "upgrade"])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.moment = _moment(getattr(args, "at", None))
        return int(args.handler(args))
    except UserError as error:
        print(f"callqueue: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `callqueue summary | head`: the reader left; not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("callqueue: interrupted; nothing more was written", file=sys.stderr)
        return 130
    except Exception as error:
        from callqueue.store.database import DatabaseError

        if isinstance(error, DatabaseError):
            print(f"callqueue: {error}", file=sys.stderr)
            return 2
        from callqueue.crash import record_crash

        log = record_crash(error)
        print(
            f"callqueue: something went wrong that is not your fault ({type(error).__name__}). "
            f"Nothing half-done was saved. Details are in {log}; please send it to support.",
            file=sys.stderr,
        )
        return 1


# --- helpers ------------------------------------------------------------------------------


def _moment(text: str | None) -> dt.datetime:
    """The moment every command runs at: `--at`, else now (CST). Checked for every command."""
    from callqueue.clock import resolve_moment

    try:
        return resolve_moment(text)
    except ValueError as error:
        raise UserError(str(error)) from None


def _store(args: argparse.Namespace) -> Store:
    from callqueue.store.database import open_store

    return open_store(getattr(args, "db", None))


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _fee_label(fee_type: str) -> str:
    from callqueue.ledger.values import FEE_TYPE_LABELS_EN, FEE_TYPE_LABELS_ZH

    return f"{FEE_TYPE_LABELS_ZH.get(fee_type, fee_type)} {FEE_TYPE_LABELS_EN.get(fee_type, '')}"


# --- commands -----------------------------------------------------------------------------


def cmd_open(args: argparse.Namespace) -> int:
    """Open callqueue. The full-screen app arrives with the workspace; until then, a summary."""
    store = _fresh_demo_store(args) if args.demo else _store(args)
    _print_summary(store, args.moment)
    store.close()
    return 0


def _fresh_demo_store(args: argparse.Namespace) -> Store:
    from callqueue.demo import fill_demo
    from callqueue.store.database import default_path, open_store

    if args.db:
        store = open_store(args.db)
    else:
        path = default_path().with_name("demo.db")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        store = open_store(str(path))
    summary = fill_demo(store, today=args.moment)
    print(
        f"Demo project: {summary.households} households in buildings 6, 7 and 8, "
        f"plan from {summary.plan_start}. Database: {store.url}"
    )
    return store


def cmd_demo(args: argparse.Namespace) -> int:
    from callqueue.demo import DEFAULT_HOUSEHOLDS, fill_demo

    households = args.households or DEFAULT_HOUSEHOLDS
    if households < 1:
        raise UserError("--households must be at least 1")
    store = _store(args)
    console = _console(stderr=True)
    try:
        with console.status("building the demo project…") as status:
            summary = fill_demo(
                store,
                households=households,
                seed=args.seed,
                today=args.moment,
                progress=lambda phase: status.update(f"demo: {phase}…"),
            )
    except ValueError as error:
        raise UserError(f"{error} ({store.url})") from None
    print(
        f"Demo project written to {store.url}\n"
        f"  {summary.households:,} households, {summary.buildings} buildings, "
        f"{summary.teams} teams, {summary.staff} staff\n"
        f"  {summary.charge_lines:,} charge lines, {summary.contacts:,} contacts, "
        f"{summary.promises:,} promises, {summary.payments:,} payments, "
        f"{summary.complaints:,} complaints\n"
        f"  plan from {summary.plan_start}; arrears at plan start: "
        + ", ".join(
            f"{_fee_label(fee)} {amount:,.2f}"
            for fee, amount in sorted(summary.arrears_at_plan_start.items())
        )
    )
    store.close()
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from callqueue.ledger.importer import ImportRefused, import_ledger
    from callqueue.ledger.readers import FileProblem

    at = args.moment
    store = _store(args)
    try:
        with _progress() as progress:
            report = import_ledger(store, args.file, at=at, dry_run=args.dry_run, progress=progress)
    except FileProblem as error:
        raise UserError(f"{args.file}: {error}; nothing was imported") from None
    except ImportRefused as refused:
        err = sys.stderr
        print(
            f"callqueue: {args.file}: {len(refused.problems)} bad row(s); nothing was imported.",
            file=err,
        )
        for problem in refused.problems:
            print(f"  {problem}", file=err)
        print("Correct these lines and import the file again.", file=err)
        return 1
    finally:
        store.close()
    _print_import(report)
    return 0


class _progress:
    """A progress bar on stderr for large files (only when stderr is a terminal)."""

    def __enter__(self) -> Callable[[str, int, int], None] | None:
        if not sys.stderr.isatty():
            self.bar = None
            return None
        from rich.progress import Progress

        self.bar = Progress(console=_console(stderr=True), transient=True)
        self.bar.start()
        self.tasks: dict[str, object] = {}
        return self.update

    def update(self, phase: str, done: int, total: int) -> None:
        assert self.bar is not None
        if phase not in self.tasks:
            self.tasks[phase] = self.bar.add_task(phase, total=total or 1)
        self.bar.update(self.tasks[phase], completed=done)  # type: ignore[arg-type]

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _print_import(report) -> None:  # type: ignore[no-untyped-def]
    from callqueue.ledger.summary import building_order

    title = "Checked (dry run, nothing written)" if report.dry_run else "Imported"
    print(f"{title}: {report.file.name} ({report.encoding}, header on line {report.header_line})")
    print(f"  households: {report.households:,}   charge lines: {report.lines:,}")
    if not report.dry_run:
        print(
            f"  new households: {report.households_added:,}   owners changed: "
            f"{report.owners_changed:,}   phones added: {report.phones_added:,}"
        )
        print(
            f"  charge lines new: {report.charges_added:,}   updated: {report.charges_updated:,}"
            f"   unchanged: {report.charges_unchanged:,}"
        )
        if report.reconciled:
            print(f"  callqueue payments now shown by billing: {report.reconciled:,.2f}")
    for line, why in report.skipped:
        print(f"  skipped line {line}: {why}")
    if report.ignored_columns:
        print(f"  columns ignored: {', '.join(report.ignored_columns)}")
    print(f"  arrears in this file on {report.as_of}, by fee type:")
    for fee, amount in sorted(report.arrears_by_fee.items()):
        print(f"    {_fee_label(fee):<24}{amount:>16,.2f}")
    print("  by building:")
    for building, amount in sorted(
        report.arrears_by_building.items(), key=lambda kv: building_order(kv[0])
    ):
        print(f"    {building:<24}{amount:>16,.2f}")
    total = sum(report.arrears_by_fee.values())
    print(f"  total arrears: {total:,.2f}")
    if report.not_yet_due:
        print(f"  billed but not yet due: {report.not_yet_due:,.2f}")


def _print_summary(store: Store, moment: dt.datetime) -> None:
    from callqueue.ledger.summary import ledger_summary

    with store.session() as session:
        summary = ledger_summary(session, moment.date())
    print(
        f"{summary.households:,} households, {summary.households_in_arrears:,} in arrears "
        f"on {summary.as_of}, {summary.charge_lines:,} charge lines"
    )
    print("Arrears by fee type:")
    for fee, amount in summary.arrears_by_fee.items():
        print(f"  {_fee_label(fee):<24}{amount:>16,.2f}")
    print("Arrears by building:")
    for building, amount in summary.arrears_by_building.items():
        print(f"  {building:<24}{amount:>16,.2f}")
    print(f"Total arrears: {summary.total:,.2f}")
    if summary.not_yet_due:
        print(f"Billed but not yet due: {summary.not_yet_due:,.2f}")


def cmd_summary(args: argparse.Namespace) -> int:
    store = _store(args)
    _print_summary(store, args.moment)
    store.close()
    return 0


def cmd_household(args: argparse.Namespace) -> int:
    from callqueue.ledger.household import UnknownHousehold, load_household
    from callqueue.privacy import mask_phone

    store = _store(args)
    try:
        with store.session() as session:
            info = load_household(session, args.key)
    except (ValueError, UnknownHousehold) as error:
        raise UserError(str(error)) from None
    finally:
        store.close()
    area = f"{info.area} m²" if info.area is not None else "area unknown"
    floor = f"floor {info.floor}" if info.floor is not None else "floor unknown"
    print(f"Household {info.key}  ({floor}, {area})")
    if info.flags:
        print(f"  flags: {', '.join(info.flags)}")
    for person in info.people:
        phones = [p if args.show_phones else mask_phone(p) for p in person.phones]
        primary = ", primary" if person.is_primary else ""
        print(f"  {person.name} ({person.role}{primary}): {' / '.join(phones) or 'no phone'}")
    print("  charges:")
    for charge in info.charges:
        state = "paid" if charge.outstanding == 0 else f"owes {charge.outstanding:,.2f}"
        print(
            f"    {charge.period}  {_fee_label(charge.fee_type):<22} due {charge.due_date}  "
            f"{charge.amount_due:>10,.2f}  {state}"
        )
    print(f"  arrears: {info.arrears:,.2f}")
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from callqueue.store.database import (
        current_revision,
        head_revision,
        make_engine,
        resolve_url,
        upgrade,
    )

    engine = make_engine(resolve_url(args.db))
    current, head = current_revision(engine), head_revision()
    if args.action == "upgrade" and current != head:
        upgrade(engine)
        print(f"upgraded from {current or 'an empty database'} to {head}")
    else:
        state = "up to date" if current == head else f"needs upgrade to {head}"
        print(f"schema {current or 'none'}: {state}")
    engine.dispose()
    return 0
