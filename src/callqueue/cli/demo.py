"""Demo commands: `callqueue demo` and the fresh demo behind `callqueue --demo`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from callqueue.cli.common import Commands, UserError, console, fee_label, open_store_for

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
        f"Demo project: {summary.households} households in buildings 6, 7 and 8, "
        f"plan from {summary.plan_start}. Database: {store.url}"
    )
    return store


def cmd_demo(args: argparse.Namespace) -> int:
    from callqueue.demo import DEFAULT_HOUSEHOLDS, fill_demo

    households = args.households or DEFAULT_HOUSEHOLDS
    if households < 1:
        raise UserError("--households must be at least 1")
    store = open_store_for(args)
    status_console = console(stderr=True)
    try:
        with status_console.status("building the demo project…") as status:
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
            f"{fee_label(fee)} {amount:,.2f}"
            for fee, amount in sorted(summary.arrears_at_plan_start.items())
        )
    )
    store.close()
    return 0
