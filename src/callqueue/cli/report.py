"""`callqueue report`: progress against the plan per building and fee type, for leaders and
managers, as tables, JSON, or an Excel workbook for the monthly review."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from callqueue.cli.common import Commands, UserError, console, open_store_for, signed_in
from callqueue.cli.common import policy_for as policy_in_force
from callqueue.i18n import _

if TYPE_CHECKING:
    from decimal import Decimal

    from rich.console import Console

    from callqueue.progress.figures import FeeProgress
    from callqueue.progress.report import Report

RISK_ROWS = 20
BAR_WIDTH = 30


def register(commands: Commands) -> None:
    report = commands.add(
        "report",
        cmd_report,
        "progress against the monthly plan per building and fee type (leaders and managers)",
    )
    report.add_argument("--building", metavar="B", help="one building (6, 6栋, 6号楼…)")
    report.add_argument("--month", metavar="YYYY-MM", help="the plan month (default: --at's)")
    out = report.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="every figure as JSON")
    out.add_argument("--xlsx", metavar="FILE", type=Path, help="write an Excel workbook")


def cmd_report(args: argparse.Namespace) -> int:
    from callqueue.progress.report import ReportError, build_report
    from callqueue.progress.scope import (
        NotAllowed,
        narrow_to_building,
        project_scope,
        scope_for_staff,
    )

    if args.xlsx is not None and args.xlsx.suffix.lower() != ".xlsx":
        raise UserError(_("the workbook file must end in .xlsx, not {name}").format(name=args.xlsx))
    policy = policy_in_force(args)
    store = open_store_for(args)
    try:
        with store.session() as session:
            access = signed_in(args, store, session)  # collectors: refused by scope_for_staff
            scope = scope_for_staff(session, access.code) if access.code else project_scope(session)
            if args.building:
                scope = narrow_to_building(scope, args.building)
            report = build_report(session, scope, args.moment, policy, args.month)
    except (NotAllowed, ReportError) as error:
        raise UserError(str(error)) from None
    finally:
        store.close()
    if args.json:
        from callqueue.progress.export import report_json

        json.dump(report_json(report), sys.stdout, ensure_ascii=False, indent=1)
        print()
    elif args.xlsx is not None:
        from callqueue.progress.workbook import write_workbook

        # a full disk or a folder without permission is the machine's: cli.problems says so
        # (exit 3), and write_workbook leaves no half-written file
        path = write_workbook(report, args.xlsx)
        print(_("wrote {file}").format(file=path))
    else:
        print_report(console(), report)
    return 0


def _yuan(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _rate(value: Decimal | None) -> str:
    return "" if value is None else f"{value}%"


def _state(fee: FeeProgress) -> str:
    if fee.on_track:
        return _("on track (+{amount})").format(amount=_yuan(fee.gap))
    return _("behind by {amount}").format(amount=_yuan(fee.behind_by))


def _fee_name(code: str) -> str:
    from callqueue.i18n import fee_label
    from callqueue.progress.figures import ALL_FEES

    return _("all fee types") if code == ALL_FEES else fee_label(code)


def print_report(out: Console, report: Report) -> None:
    """The report as tables, in the order a review meeting reads it."""
    from rich.table import Table

    from callqueue.progress.statuses import PLAN_STATUSES, status_label

    pace = report.pace
    out.print(
        _("Progress for {scope}, {month}, as of {until} (CST)").format(
            scope=report.scope.label, month=report.month, until=f"{report.until:%Y-%m-%d %H:%M}"
        ),
        style="bold",
    )
    out.print(
        _(
            "Plan {name} ({start} to {end}); working days: {total}, {elapsed} gone, {left} left"
        ).format(
            name=report.plan.name,
            start=report.plan.start_month,
            end=report.plan.end_month,
            total=pace.total,
            elapsed=pace.elapsed,
            left=pace.remaining,
        )
    )
    if report.warning:
        out.print(_("warning: {text}").format(text=report.warning))
    for building, code, row in report.slips:
        out.print(
            _("plan slip: {fee} {month}: typed {typed}%, the amounts give {rate}%").format(
                fee=_fee_name(code) + (f" ({building})" if building else ""),
                month=row.month,
                typed=row.typed_rate,
                rate=row.rate,
            )
        )

    table = Table(title=_("Against the plan"), title_justify="left")
    for header, right in (
        (_("building"), False),
        (_("fee type"), False),
        (_("arrears at plan start"), True),
        (_("collected"), True),
        (_("rate"), True),
        (_("target"), True),
        (_("expected by now"), True),
        (_("status"), False),
        (_("per working day"), True),
        (_("forecast"), True),
    ):
        table.add_column(header, justify="right" if right else "left")
    rows = [(b.building, f) for b in report.buildings for f in b.fees]
    if len(report.buildings) > 1 or not report.buildings:
        rows += [(_("all"), f) for f in report.totals]
    for name, fee in rows:
        table.add_row(
            name,
            _fee_name(fee.fee_type),
            _yuan(fee.baseline),
            _yuan(fee.collected),
            _rate(fee.rate),
            f"{_yuan(fee.cumulative_target)} ({_rate(fee.target_rate)})",
            _yuan(fee.expected_by_now),
            _state(fee),
            _yuan(fee.per_working_day) if fee.per_working_day is not None else "-",
            f"{_yuan(fee.forecast)} ({_rate(fee.forecast_rate)})",
            style=None if fee.on_track else "red",
        )
    out.print(table)
    behind = report.behind
    if behind:
        out.print(
            _("Behind: {buildings}").format(
                buildings=", ".join(
                    f"{b.building} ({_yuan(b.total.behind_by)})" for b in behind[:20]
                )
            )
        )

    statuses = Table(title=_("Households by status"), title_justify="left")
    statuses.add_column(_("building"))
    for status in PLAN_STATUSES:
        statuses.add_column(status_label(status), justify="right")
    statuses.add_column(_("households"), justify="right")
    for b in report.buildings:
        statuses.add_row(
            b.building, *(str(b.statuses[s.value]) for s in PLAN_STATUSES), str(b.households)
        )
    if len(report.buildings) > 1:
        statuses.add_row(
            _("all"),
            *(str(report.statuses[s.value]) for s in PLAN_STATUSES),
            str(sum(report.statuses.values())),
        )
    out.print(statuses)
    _print_trend(out, report)
    _print_people(out, report)


def _print_trend(out: Console, report: Report) -> None:
    """Cumulative collected (█) against the paced target (│), day by day."""
    if not report.trend:
        return
    top = max(max(p.cumulative, p.target) for p in report.trend) or 1
    out.print(_("Collected against target, by day (█ collected, │ target)"), style="bold")
    for point in report.trend:
        filled = int(point.cumulative * BAR_WIDTH / top)
        mark = min(int(point.target * BAR_WIDTH / top), BAR_WIDTH - 1)
        bar = ["█" if i < filled else " " for i in range(BAR_WIDTH)]
        bar[mark] = "│" if mark >= filled else "┃"
        day = f"{point.day:%m-%d}" + ("" if point.working_day else "*")
        out.print(
            f"{day:<6} {''.join(bar)} {_yuan(point.cumulative):>14} / {_yuan(point.target):>14}"
            f"  +{_yuan(point.collected)}",
            highlight=False,
        )


def _print_people(out: Console, report: Report) -> None:
    from rich.table import Table

    from callqueue.i18n import complaint_category_label, fee_label, role_label
    from callqueue.progress.complaints import AGE_BUCKETS, bucket_label

    people = Table(title=_("Per collector, this month"), title_justify="left")
    for header in (
        _("staff"),
        _("role"),
        _("attempts"),
        _("conversations"),
        _("promises made"),
        _("kept"),
        _("collected"),
        _("received"),
    ):
        people.add_column(header, justify="left" if header in (_("staff"), _("role")) else "right")
    for c in report.collectors:
        people.add_row(
            f"{c.name} ({c.code})" if c.code else _("(not recorded)"),
            role_label(c.role) if c.role else "",
            str(c.attempts),
            str(c.conversations),
            str(c.promises_made),
            str(c.promises_kept),
            _yuan(c.collected),
            _yuan(c.received),
        )
    out.print(people)

    complaints = Table(title=_("Complaints waiting, by category and age"), title_justify="left")
    complaints.add_column(_("category"))
    complaints.add_column(_("waiting"), justify="right")
    for bucket in AGE_BUCKETS:
        complaints.add_column(_("{days} days").format(days=bucket_label(bucket)), justify="right")
    complaints.add_column(_("disputes"), justify="right")
    complaints.add_column(_("resolved, owner not told"), justify="right")
    complaints.add_column(_("opened / closed this month"), justify="right")
    for r in report.complaints:
        complaints.add_row(
            complaint_category_label(r.category),
            str(r.waiting),
            *(str(n) for n in r.by_age),
            str(r.disputes),
            str(r.resolved_not_told),
            f"{r.opened_this_month} / {r.closed_this_month}",
        )
    out.print(complaints)

    risk = Table(
        title=_("Limitation risk: {n} household(s)").format(n=len(report.at_risk)),
        title_justify="left",
    )
    for header in (_("household"), _("fee type"), _("period"), _("deadline"), _("days left")):
        risk.add_column(header)
    risk.add_column(_("collectable"), justify="right")
    for at_risk in report.at_risk[:RISK_ROWS]:
        risk.add_row(
            at_risk.key,
            fee_label(at_risk.fee_type),
            at_risk.period,
            at_risk.deadline.isoformat(),
            str(at_risk.days_left),
            _yuan(at_risk.collectable),
        )
    out.print(risk)
    if len(report.at_risk) > RISK_ROWS:
        out.print(
            _("… and {n} more (see --json or --xlsx)").format(n=len(report.at_risk) - RISK_ROWS)
        )
    out.print(
        _("Promise-keeping rate of the project (the forecast's prior): {rate}%").format(
            rate=report.keeping_prior
        )
    )
