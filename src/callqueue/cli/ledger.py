"""Ledger commands: import a billing export, the arrears summary, one household."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from callqueue.cli.common import (
    Commands,
    UserError,
    console,
    fee_label,
    open_store_for,
    policy_for,
    signed_in,
)
from callqueue.i18n import (
    SOURCE_LANGUAGE,
    _,
    current_language,
    join_list,
    ngettext,
    pgettext,
    role_label,
)
from callqueue.i18n import fee_label as fee_words

if TYPE_CHECKING:
    from callqueue.household_view import HouseholdView
    from callqueue.ledger.importer import ImportReport
    from callqueue.ledger.lines import RowProblem
    from callqueue.store.database import Store


def register(commands: Commands) -> None:
    imp = commands.add("import", cmd_import, "import a billing export (CSV in UTF-8/GBK, or XLSX)")
    imp.add_argument("file", type=Path, help="the export file")
    imp.add_argument("--dry-run", action="store_true", help="check the file, write nothing")
    imp.add_argument(
        "--max-size",
        metavar="MB",
        type=_megabytes,
        default=None,
        help="refuse a file larger than this many MB (default: 200)",
    )
    commands.add("summary", cmd_summary, "arrears per fee type and per building")
    house = commands.add("household", cmd_household, "show one household by key, e.g. 6-2-1203")
    house.add_argument("key", help="building-unit-room (6-2-1203) or building-room (8-1501)")
    house.add_argument("--show-phones", action="store_true", help="do not mask phone numbers")


# How much of a refused import is printed: enough to see what is wrong, never a flood.
SHOWN_PROBLEMS = 200
SHOWN_SKIPPED = 20
SHOWN_COLUMNS = 20
SHOWN_PROBLEM_CHARS = 500  # one problem line (it may quote a long cell)


def _megabytes(text: str) -> float:
    """`--max-size MB`: a positive number of megabytes (MiB)."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < 1e9:
        raise argparse.ArgumentTypeError(
            _("{value} is not a size in MB; give a positive number, e.g. 500").format(
                value=repr(text)
            )
        )
    return value


def cmd_import(args: argparse.Namespace) -> int:
    """Import a billing export, all or nothing.

    Whose problem it is decides the exit status (the rule of `callqueue.ledger.readers`):
    the user can fix their input → 1 (a wrong path, a folder, an .xls, a file too large or
    of an absurd shape, an unknown encoding, bad rows, a header with no rows below it);
    the machine or a damaged file → 3 (no permission to read it, an I/O error, a broken
    zip or workbook, UTF-16 that breaks off). Either way the message names the file.

    A header with no rows is refused (1), not imported as nothing (0): it is almost always
    the wrong file or an export that failed, and a script importing every night must notice.
    """
    from callqueue.access import Need
    from callqueue.cli.common import EnvironmentProblem
    from callqueue.ledger.importer import ImportRefused, import_ledger
    from callqueue.ledger.readers import MIB, FileProblem, FileUnreadable, Limits

    limits = Limits() if args.max_size is None else Limits(max_bytes=int(args.max_size * MIB))
    at = args.moment
    store = open_store_for(args)
    try:
        with store.session() as session:  # billing's whole ledger: managers (or the owner)
            signed_in(args, store, session, Need.MANAGE)
        with _progress() as progress:
            report = import_ledger(
                store, args.file, at=at, dry_run=args.dry_run, progress=progress, limits=limits
            )
    except FileProblem as error:
        message = _("{file}: {problem}; nothing was imported").format(file=args.file, problem=error)
        if isinstance(error, FileUnreadable):
            raise EnvironmentProblem(message) from None
        raise UserError(message) from None
    except ImportRefused as refused:
        for line in refusal_lines(args.file, refused.problems):
            print(line, file=sys.stderr)
        return 1
    finally:
        store.close()
    _print_import(report)
    return 0


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def refusal_lines(file: Path, problems: Sequence[RowProblem]) -> list[str]:
    """An import refused: how many rows are bad, the first 200 bad lines (then how many
    more), and what to do."""
    rest = len(problems) - SHOWN_PROBLEMS
    return [
        _("callqueue: {file}: {count} bad row(s); nothing was imported.").format(
            file=file, count=len(problems)
        ),
        *(
            f"  {_shorten(str(problem), SHOWN_PROBLEM_CHARS)}"
            for problem in problems[:SHOWN_PROBLEMS]
        ),
        *(
            [
                "  "
                + ngettext(
                    "… and {count} more bad line", "… and {count} more bad lines", rest
                ).format(count=f"{rest:,}")
            ]
            if rest > 0
            else []
        ),
        _("Correct these lines and import the file again."),
    ]


def _phase_label(phase: str) -> str:
    labels = {
        "reading": pgettext("import phase", "reading"),
        "checking": pgettext("import phase", "checking"),
        "writing": pgettext("import phase", "writing"),
    }
    return labels.get(phase, phase)


class _progress:
    """A progress bar on stderr for large files (only when stderr is a terminal)."""

    def __enter__(self) -> Callable[[str, int, int], None] | None:
        if not sys.stderr.isatty():
            self.bar = None
            return None
        from rich.progress import Progress

        self.bar = Progress(console=console(stderr=True), transient=True)
        self.bar.start()
        self.tasks: dict[str, object] = {}
        return self.update

    def update(self, phase: str, done: int, total: int) -> None:
        assert self.bar is not None
        if phase not in self.tasks:
            self.tasks[phase] = self.bar.add_task(_phase_label(phase), total=total or 1)
        self.bar.update(self.tasks[phase], completed=done)  # type: ignore[arg-type]

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _skip_reason(why: str) -> str:
    """Why the reader skipped a line (ledger.readers writes it in English)."""
    return pgettext("skipped line", "total row") if why == "total row" else why


def _encoding_label(encoding: str) -> str:
    """How the file was read: the codec's name in English (utf-8, gb18030, xlsx)."""
    if current_language() == SOURCE_LANGUAGE:
        return encoding
    labels = {
        "utf-8-sig": pgettext("file encoding", "UTF-8 with BOM"),
        "gb18030": "GBK/GB18030",
        "xlsx": pgettext("file encoding", "XLSX workbook"),
    }
    return labels.get(encoding, encoding.upper())


def _money(amount: object) -> str:
    return f"{amount:,.2f}"


def import_lines(report: ImportReport) -> list[str]:
    """What an import read and changed, and the arrears in the file."""
    from callqueue.household_key import building_order

    title = _("Checked (dry run, nothing written)") if report.dry_run else _("Imported")
    lines = [
        _("{title}: {file} ({encoding}, header on line {line})").format(
            title=title,
            file=report.file.name,
            encoding=_encoding_label(report.encoding),
            line=report.header_line,
        ),
        "  "
        + _("households: {households}   charge lines: {lines}").format(
            households=f"{report.households:,}", lines=f"{report.lines:,}"
        ),
    ]
    if not report.dry_run:
        lines.append(
            "  "
            + _("new households: {new}   owners changed: {owners}   phones added: {phones}").format(
                new=f"{report.households_added:,}",
                owners=f"{report.owners_changed:,}",
                phones=f"{report.phones_added:,}",
            )
        )
        lines.append(
            "  "
            + _("charge lines new: {new}   updated: {updated}   unchanged: {unchanged}").format(
                new=f"{report.charges_added:,}",
                updated=f"{report.charges_updated:,}",
                unchanged=f"{report.charges_unchanged:,}",
            )
        )
        if report.reconciled:
            lines.append(
                "  "
                + _("callqueue payments now shown by billing: {amount}").format(
                    amount=_money(report.reconciled)
                )
            )
    for line, why in report.skipped[:SHOWN_SKIPPED]:
        lines.append(
            "  " + _("skipped line {line}: {why}").format(line=line, why=_skip_reason(why))
        )
    more_skipped = len(report.skipped) - SHOWN_SKIPPED
    if more_skipped > 0:
        lines.append(
            "  "
            + ngettext(
                "… and {count} more skipped line", "… and {count} more skipped lines", more_skipped
            ).format(count=f"{more_skipped:,}")
        )
    if report.ignored_columns:
        lines.append("  " + _("columns ignored: {columns}").format(columns=_ignored(report)))
    lines.append("  " + _("arrears in this file on {date}, by fee type:").format(date=report.as_of))
    for fee, amount in sorted(report.arrears_by_fee.items()):
        lines.append(f"    {_fee_cell(fee, 24)}{amount:>16,.2f}")
    lines.append("  " + _("by building:"))
    for building, amount in sorted(
        report.arrears_by_building.items(), key=lambda kv: building_order(kv[0])
    ):
        lines.append(f"    {_building_cell(building, 24)}{amount:>16,.2f}")
    total = sum(report.arrears_by_fee.values())
    lines.append("  " + _("total arrears: {amount}").format(amount=_money(total)))
    if report.not_yet_due:
        lines.append(
            "  " + _("billed but not yet due: {amount}").format(amount=_money(report.not_yet_due))
        )
    return lines


def _ignored(report: ImportReport) -> str:
    """The ignored columns' names: the first 20, then how many more."""
    shown = [_shorten(name, 60) for name in report.ignored_columns[:SHOWN_COLUMNS]]
    rest = len(report.ignored_columns) - SHOWN_COLUMNS
    if rest > 0:
        shown.append(
            ngettext("and {count} more", "and {count} more", rest).format(count=f"{rest:,}")
        )
    return join_list(shown)


def _print_import(report: ImportReport) -> None:
    for line in import_lines(report):
        print(line)


def _fee_cell(fee: str, width: int) -> str:
    """A fee type padded to `width` cells: `物业费 property fee` in English, 物业费 in Chinese."""
    from callqueue.cli.queue import pad

    if current_language() == SOURCE_LANGUAGE:
        return f"{fee_label(fee):<{width}}"
    return pad(fee_words(fee), width)


def _building_cell(building: str, width: int) -> str:
    """A building padded to `width` cells: its code in English, `6栋` in Chinese."""
    from callqueue.cli.queue import pad

    if current_language() == SOURCE_LANGUAGE:
        return f"{building:<{width}}"
    return pad(_("building {code}").format(code=building), width)


def summary_lines(
    store: Store, moment: dt.datetime, buildings: frozenset[str] | None = None
) -> list[str]:
    """The arrears summary: households, arrears per fee type and per building (of
    `buildings` only, when given: what the person asking may see)."""
    from callqueue.ledger.summary import ledger_summary

    with store.session() as session:
        summary = ledger_summary(session, moment.date(), buildings)
    lines = [
        _(
            "{households} households, {in_arrears} in arrears on {date}, {lines} charge lines"
        ).format(
            households=f"{summary.households:,}",
            in_arrears=f"{summary.households_in_arrears:,}",
            date=summary.as_of,
            lines=f"{summary.charge_lines:,}",
        ),
        _("Arrears by fee type:"),
    ]
    for fee, amount in summary.arrears_by_fee.items():
        lines.append(f"  {_fee_cell(fee, 24)}{amount:>16,.2f}")
    lines.append(_("Arrears by building:"))
    for building, amount in summary.arrears_by_building.items():
        lines.append(f"  {_building_cell(building, 24)}{amount:>16,.2f}")
    lines.append(_("Total arrears: {amount}").format(amount=_money(summary.total)))
    if summary.not_yet_due:
        lines.append(
            _("Billed but not yet due: {amount}").format(amount=_money(summary.not_yet_due))
        )
    return lines


def print_summary(args: argparse.Namespace, store: Store, heading: str | None = None) -> None:
    """The summary of what the person running the command may see: signed in first, and
    nothing printed (not even `heading`) before that."""
    with store.session() as session:
        access = signed_in(args, store, session)
    if heading:
        print(heading)
    for line in summary_lines(store, args.moment, access.buildings):
        print(line)


def cmd_summary(args: argparse.Namespace) -> int:
    store = open_store_for(args)
    try:
        print_summary(args, store)
    finally:
        store.close()
    return 0


def cmd_household(args: argparse.Namespace) -> int:
    """One household as the app's panel sees it on `--at`: people, charges, limitation."""
    from callqueue.access import NotAllowed, check_household
    from callqueue.household_view import (
        UnknownHousehold,
        household_id_for_key,
        load_household_view,
    )

    policy = policy_for(args)
    store = open_store_for(args)
    try:
        with store.session() as session:
            access = signed_in(args, store, session)
            household_id = household_id_for_key(session, args.key)
            check_household(session, access, household_id, args.key)
            view = load_household_view(session, household_id, day=args.moment.date(), policy=policy)
    except (ValueError, UnknownHousehold, NotAllowed) as error:
        raise UserError(str(error)) from None
    finally:
        store.close()
    for line in household_lines(view, show_phones=args.show_phones):
        print(line)
    return 0


def _flag_label(flag: str) -> str:
    labels = {
        "chronic_defaulter": _("chronic defaulter"),
        "difficult": _("difficult customer"),
        "elderly": _("elderly"),
        "no_phone": _("no phone"),
        "do_not_call": _("do not call"),
    }
    return labels.get(flag, flag)


def _limitation_label(state: str) -> str:
    """A charge's limitation state: the code in English, words in any other language."""
    if current_language() == SOURCE_LANGUAGE:
        return state
    labels = {
        "running": pgettext("limitation", "running"),
        "at_risk": pgettext("limitation", "expiring soon"),
        "time_barred": pgettext("limitation", "time-barred"),
    }
    return labels.get(state, state)


def household_lines(view: HouseholdView, *, show_phones: bool = False) -> list[str]:
    """`callqueue household`: people, charges, arrears and the next step, in the current
    language (English: flags, roles and states as codes)."""
    from callqueue.cli.queue import pad

    english = current_language() == SOURCE_LANGUAGE
    area = _("{area} m²").format(area=view.area) if view.area is not None else _("area unknown")
    floor = (
        _("floor {floor}").format(floor=view.floor)
        if view.floor is not None
        else _("floor unknown")
    )
    lines = [_("Household {key}  ({floor}, {area})").format(key=view.key, floor=floor, area=area)]
    if view.flags:
        flags = view.flags if english else [_flag_label(flag) for flag in view.flags]
        lines.append("  " + _("flags: {flags}").format(flags=join_list(flags)))
    for person in view.people:
        phones = [p.number if show_phones else p.masked for p in person.phones]
        role = person.role if english else role_label(person.role)
        if person.primary:
            role = _("{role}, primary").format(role=role)
        lines.append(
            "  "
            + _("{name} ({role}): {phones}").format(
                name=person.name, role=role, phones=" / ".join(phones) or _("no phone")
            )
        )
    lines.append("  " + _("charges:"))
    for charge in view.charges:
        state = (
            _("paid")
            if charge.outstanding == 0
            else pgettext("charge state", "owes {amount}").format(
                amount=f"{charge.outstanding:,.2f}"
            )
        )
        if charge.limitation is not None and charge.outstanding:
            state = _("{state}, enforceable until {date} ({limitation})").format(
                state=state, date=charge.deadline, limitation=_limitation_label(charge.limitation)
            )
        lines.append(
            "    "
            + _("{period}  {fee} due {due}  {amount}  {state}").format(
                period=charge.period,
                fee=f"{fee_label(charge.fee_type):<22}"
                if english
                else pad(fee_words(charge.fee_type), 22),
                due=charge.due_date,
                amount=f"{charge.amount_due:>10,.2f}",
                state=state,
            )
        )
    lines.append("  " + _("arrears: {amount}").format(amount=f"{view.total:,.2f}"))
    if view.time_barred:
        lines.append(
            "  "
            + _("time-barred, not collectable: {amount}").format(amount=f"{view.time_barred:,.2f}")
        )
    if view.not_yet_due:
        lines.append(
            "  " + _("billed, not yet due: {amount}").format(amount=f"{view.not_yet_due:,.2f}")
        )
    lines.append("  " + _("next step: {step}").format(step=view.next_step))
    return lines
