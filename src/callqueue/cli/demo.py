"""Demo commands: `callqueue demo` and the fresh demo behind `callqueue --demo`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from callqueue.cli.common import Commands, UserError, console, fee_label, open_store_for
from callqueue.i18n import SOURCE_LANGUAGE, _, current_language, join_list

if TYPE_CHECKING:
    from callqueue.store.database import Store


def register(commands: Commands) -> None:
    demo = commands.add("demo", cmd_demo, "fill a database with a realistic demo project")
    demo.add_argument("--households", type=int, default=None, metavar="N", help="default 360")
    demo.add_argument("--seed", type=int, default=2018, help="same seed, same demo (2018)")


def fresh_demo_store(args: argparse.Namespace) -> Store:
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
        _(
            "Demo project: {households} households in buildings 6, 7 and 8, plan from {start}. "
            "Database: {url}"
        ).format(households=summary.households, start=summary.plan_start, url=store.url)
    )
    return store


def cmd_demo(args: argparse.Namespace) -> int:
    from callqueue.demo import DEFAULT_HOUSEHOLDS, fill_demo

    households = args.households or DEFAULT_HOUSEHOLDS
    if households < 1:
        raise UserError(_("--households must be at least 1"))
    store = open_store_for(args)
    status_console = console(stderr=True)
    building = _("building the demo project…")
    english = current_language() == SOURCE_LANGUAGE
    try:
        with status_console.status(building) as status:
            summary = fill_demo(
                store,
                households=households,
                seed=args.seed,
                today=args.moment,
                # The phases are the demo builder's own words (English): shown in English only.
                progress=lambda phase: status.update(f"demo: {phase}…" if english else building),
            )
    except ValueError as error:
        raise UserError(f"{error} ({store.url})") from None
    arrears = join_list(
        f"{fee_label(fee)} {amount:,.2f}"
        for fee, amount in sorted(summary.arrears_at_plan_start.items())
    )
    print(
        _(
            "Demo project written to {url}\n"
            "  {households} households, {buildings} buildings, {teams} teams, {staff} staff\n"
            "  {lines} charge lines, {contacts} contacts, {promises} promises, "
            "{payments} payments, {complaints} complaints\n"
            "  plan from {start}; arrears at plan start: {arrears}"
        ).format(
            url=store.url,
            households=f"{summary.households:,}",
            buildings=summary.buildings,
            teams=summary.teams,
            staff=summary.staff,
            lines=f"{summary.charge_lines:,}",
            contacts=f"{summary.contacts:,}",
            promises=f"{summary.promises:,}",
            payments=f"{summary.payments:,}",
            complaints=f"{summary.complaints:,}",
            start=summary.plan_start,
            arrears=arrears,
        )
    )
    store.close()
    return 0
