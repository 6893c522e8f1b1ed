"""`callqueue plan`: import a plan file, show the plan in force, check a plan's figures."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from callqueue.cli.common import Commands, UserError, console, open_store_for, signed_in
from callqueue.i18n import _

if TYPE_CHECKING:
    from rich.console import Console

    from callqueue.plan.resolve import ResolvedPlan
    from callqueue.plan.spec import PlanInvalid


def register(commands: Commands) -> None:
    plan = commands.add(
        "plan",
        cmd_plan,
        "the collection plan: import a TOML or CSV plan, show the plan in force, check one",
    )
    plan.add_argument(
        "action",
        choices=["import", "show", "check"],
        help="import FILE: replace the plan (all or nothing); show: the plan in force, per "
        "building; check [FILE]: do the typed rates agree with the amounts?",
    )
    plan.add_argument("file", nargs="?", type=Path, help="a plan file (.toml or .csv)")
    plan.add_argument("--dry-run", action="store_true", help="import: check only, write nothing")


def cmd_plan(args: argparse.Namespace) -> int:
    from callqueue.access import Need
    from callqueue.ledger.readers import FileProblem
    from callqueue.plan.files import read_plan_file
    from callqueue.plan.resolve import resolve_in
    from callqueue.plan.saved import plan_in_force, save_plan
    from callqueue.plan.spec import PlanInvalid

    if args.action == "import" and args.file is None:
        raise UserError(_("plan import needs a file: callqueue plan import plan.toml"))
    if args.action == "show" and args.file is not None:
        raise UserError(_("plan show takes no file; use plan check FILE to look at a file"))
    spec = None
    if args.file is not None:
        try:
            spec = read_plan_file(args.file)
        except FileProblem as error:
            raise UserError(
                _("{file}: {error}; nothing was saved").format(file=args.file, error=error)
            ) from None
        except PlanInvalid as invalid:
            _print_invalid(args.file, invalid)
            return 1
    store = open_store_for(args)
    try:
        with store.session() as session:
            need = Need.MANAGE if args.action == "import" else Need.LEAD
            access = signed_in(args, store, session, need)
        if spec is not None and args.action == "import" and not args.dry_run:
            try:
                save_plan(store, spec, staff_code=access.code, now=args.moment)
            except PlanInvalid as invalid:
                _print_invalid(args.file, invalid)
                return 1
        with store.session() as session:
            plan = resolve_in(session, spec) if spec is not None else plan_in_force(session)
    finally:
        store.close()
    if plan is None:
        raise UserError(_("there is no plan yet; import one with `callqueue plan import FILE`"))
    out = console()
    if args.action == "import":
        done = (
            _("checked, nothing saved") if args.dry_run else _("saved; it replaces any plan before")
        )
        out.print(
            _("Plan {name!r} from {file}: {done}").format(name=plan.name, file=args.file, done=done)
        )
    print_plan(out, plan, per_building=args.action == "show")
    slips = plan.slips()
    if args.action == "check":
        return 1 if slips else 0
    return 0


def _print_invalid(file: Path, invalid: PlanInvalid) -> None:
    err = sys.stderr
    print(
        _("callqueue: {file}: {n} problem(s); nothing was saved.").format(
            file=file, n=len(invalid.problems)
        ),
        file=err,
    )
    for problem in invalid.problems:
        print(f"  {problem}", file=err)


def print_plan(out: Console, plan: ResolvedPlan, *, per_building: bool) -> None:
    """The plan's months per fee type with rates derived, its slips, and (with
    `per_building`) each building's baseline and targets."""
    from rich.table import Table

    from callqueue.i18n import fee_label
    from callqueue.money import format_yuan, from_fen

    out.print(
        _("{name}: {start} to {end}").format(
            name=plan.name, start=plan.start_month, end=plan.end_month
        )
    )
    for fee in plan.fee_types:
        base = from_fen(plan.project_baseline.get(fee, 0))
        title = _("{fee}: arrears at plan start {amount}").format(
            fee=fee_label(fee), amount=format_yuan(base)
        )
        difference = plan.ledger_difference(fee)
        if difference:
            title += " " + _("(the ledger gives {amount})").format(
                amount=format_yuan(from_fen(plan.ledger_baseline.get(fee, 0)))
            )
        table = Table(title=title, title_justify="left")
        table.add_column(_("month"))
        for header in (_("amount"), _("cumulative"), _("rate %"), _("typed %")):
            table.add_column(header, justify="right")
        table.add_column("")
        for row in plan.project_rates(fee):
            flag = ""
            if row.disagrees:
                flag = _("typed rate disagrees by {points} points").format(points=row.difference)
            table.add_row(
                row.month,
                format_yuan(row.amount),
                format_yuan(row.cumulative),
                "" if row.rate is None else f"{row.rate}",
                "" if row.typed_rate is None else f"{row.typed_rate}",
                flag,
            )
        out.print(table)
    slips = plan.slips()
    if slips:
        out.print(
            _(
                "The plan contradicts itself in {n} place(s): "
                "rates are worked out from the amounts."
            ).format(n=len(slips))
        )
    if plan.split_fees:
        out.print(
            _(
                "Project-wide targets are split to buildings in proportion to their arrears "
                "at plan start (exact to the fen)."
            )
        )
    if not per_building:
        return
    table = Table(title=_("per building"), title_justify="left")
    table.add_column(_("building"))
    table.add_column(_("fee type"))
    table.add_column(_("arrears at plan start"), justify="right")
    for month in plan.months:
        table.add_column(month, justify="right")
    for building in plan.buildings:
        for fee in plan.fee_types:
            rates = plan.building_rates(building, fee)
            table.add_row(
                building,
                fee_label(fee),
                format_yuan(from_fen(plan.baseline.get((building, fee), 0))),
                *(f"{format_yuan(r.amount)} ({'' if r.rate is None else r.rate}%)" for r in rates),
            )
    out.print(table)
