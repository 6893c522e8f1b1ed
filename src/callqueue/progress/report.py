"""The whole progress report for a scope, a month and a moment: what `callqueue report`
prints and writes, and what the leader panels show.

The month defaults to the moment's. Figures for a month that is over are as of its last
second; for the current month, as of the moment. Statuses and forecasts are taken at that
same moment (`until`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlalchemy.orm import Session

from callqueue.i18n import _
from callqueue.ledger.values import ValueProblem, parse_period
from callqueue.plan.baselines import arrears_at_start, building_codes
from callqueue.plan.rates import RateRow
from callqueue.plan.resolve import ResolvedPlan, resolve
from callqueue.plan.saved import load_plan
from callqueue.policy import Policy
from callqueue.progress.calendar import MonthPace, month_days, month_pace
from callqueue.progress.complaints import CategoryRow, complaint_rows
from callqueue.progress.data import ScopeData, load_scope, promise_counts
from callqueue.progress.figures import ALL_FEES, FeeProgress, fee_progress
from callqueue.progress.forecast import expected_from_promise, project_prior
from callqueue.progress.people import CollectorFigures, collector_figures
from callqueue.progress.risk import AtRiskHousehold, limitation_risk
from callqueue.progress.scope import ReportScope
from callqueue.progress.statuses import PLAN_STATUSES, Status, status_of
from callqueue.progress.trend import DayPoint, day_points
from callqueue.workdays import calendar_warning


class ReportError(LookupError):
    """No plan, or a month the plan does not cover; the message says what to do."""


@dataclass(frozen=True)
class BuildingProgress:
    building: str
    fees: tuple[FeeProgress, ...]
    total: FeeProgress  # every fee type together
    statuses: dict[str, int]  # Status -> households (in the plan)

    @property
    def households(self) -> int:
        return sum(self.statuses.values())

    @property
    def behind(self) -> bool:
        return any(not fee.on_track for fee in self.fees)


@dataclass(frozen=True)
class Report:
    scope: ReportScope
    moment: dt.datetime
    until: dt.datetime
    month: str
    plan: ResolvedPlan
    pace: MonthPace
    buildings: tuple[BuildingProgress, ...]
    totals: tuple[FeeProgress, ...]  # per fee type over the scope
    total: FeeProgress  # everything in scope
    statuses: dict[str, int]
    trend: tuple[DayPoint, ...]
    collectors: tuple[CollectorFigures, ...]
    complaints: tuple[CategoryRow, ...]
    at_risk: tuple[AtRiskHousehold, ...]
    keeping_prior: Decimal  # the project's promise-keeping rate, percent
    slips: tuple[tuple[str | None, str, RateRow], ...]
    warning: str | None = None

    @property
    def behind(self) -> list[BuildingProgress]:
        """The buildings behind, furthest behind first."""
        late = [b for b in self.buildings if b.behind]
        return sorted(late, key=lambda b: (b.total.gap, b.building))


def report_month(text: str | None, moment: dt.datetime, start_month: str) -> str:
    """The month asked for (`YYYY-MM`, `2026年11月`…), else the moment's; checked."""
    if text is None:
        month = f"{moment.year:04d}-{moment.month:02d}"
    else:
        try:
            month = parse_period(text)
        except ValueProblem as problem:
            raise ReportError(str(problem)) from None
    if month < start_month:
        raise ReportError(
            _("the plan starts in {start}; there are no figures for {month}").format(
                start=start_month, month=month
            )
        )
    return month


def _window(month: str, moment: dt.datetime) -> tuple[dt.datetime, dt.datetime, dt.date]:
    """(month start, figures as of, the day the pace is counted on)."""
    days = month_days(month)
    start = dt.datetime.combine(days[0], dt.time())
    end = dt.datetime.combine(days[-1], dt.time(23, 59, 59))
    if moment > end:
        return start, end, days[-1] + dt.timedelta(days=1)
    if moment < start:
        return start, moment, days[0]
    return start, moment, moment.date()


def _sum_progress(
    building: str | None, fee: str, parts: list[FeeProgress], pace: MonthPace
) -> FeeProgress:
    """Rows added up in fen, then the derived figures worked out again (never averaged)."""

    def fen(value: Decimal) -> int:
        return int(value * 100)

    return fee_progress(
        building,
        fee,
        baseline=sum(fen(p.baseline) for p in parts),
        collected=sum(fen(p.collected) for p in parts),
        month_target=sum(fen(p.month_target) for p in parts),
        prev_cumulative=sum(fen(p.cumulative_target - p.month_target) for p in parts),
        pace=pace,
        promised=sum(fen(p.promised) for p in parts),
        expected=sum(fen(p.expected_from_promises) for p in parts),
    )


def build_report(
    session: Session,
    scope: ReportScope,
    moment: dt.datetime,
    policy: Policy,
    month: str | None = None,
) -> Report:
    """Every figure of the report for `scope` (see docs/progress.md for definitions)."""
    found = load_plan(session)
    if found is None:
        raise ReportError(_("there is no plan yet; import one with `callqueue plan import FILE`"))
    plan_id, spec = found
    chosen = report_month(month, moment, spec.start_month)
    since, until, pace_day = _window(chosen, moment)
    pace = month_pace(chosen, pace_day, policy.hours.extra_days_off)
    data = load_scope(
        session, spec.start_month, until, None if scope.whole_project else scope.buildings
    )
    # The split to buildings needs every building's arrears at plan start: the scope's
    # own read has them when it covers the project.
    ledger = (
        data.building_baselines()
        if scope.whole_project
        else arrears_at_start(session, spec.start_month, by="building")
    )
    plan = resolve(spec, building_codes(session), ledger, plan_id)
    buildings = [b for b in plan.buildings if scope.covers(b)]
    grace = policy.promises.grace_days
    prior = project_prior(*promise_counts(session, until, grace))
    last_day = month_days(chosen)[-1]

    collected: Counter[tuple[str, str]] = Counter()
    promised: Counter[tuple[str, str]] = Counter()
    expected: Counter[tuple[str, str]] = Counter()
    statuses: dict[str, Counter[str]] = {b: Counter() for b in buildings}
    for record in data.households.values():
        for fee, amount in record.collected.items():
            collected[record.building, fee] += amount
        statuses[record.building][status_of(record, until, data.plan_start, grace)] += 1
        likely, promise = expected_from_promise(record, until, grace, last_day, prior)
        for fee, amount in likely.items():
            expected[record.building, fee] += amount
        for fee, amount in promise.items():
            promised[record.building, fee] += amount

    rows: list[BuildingProgress] = []
    for building in buildings:
        fees = tuple(
            fee_progress(
                building,
                fee,
                baseline=plan.baseline.get((building, fee), 0),
                collected=collected[building, fee],
                month_target=plan.month_target(building, fee, chosen),
                prev_cumulative=plan.cumulative_target(building, fee, chosen)
                - plan.month_target(building, fee, chosen),
                pace=pace,
                promised=promised[building, fee],
                expected=expected[building, fee],
            )
            for fee in plan.fee_types
        )
        counts = {s.value: statuses[building][s] for s in PLAN_STATUSES}
        rows.append(
            BuildingProgress(
                building, fees, _sum_progress(building, ALL_FEES, list(fees), pace), counts
            )
        )
    totals = tuple(
        _sum_progress(None, fee, [b.fees[i] for b in rows], pace)
        for i, fee in enumerate(plan.fee_types)
    )
    all_statuses = {s.value: sum(b.statuses[s.value] for b in rows) for s in PLAN_STATUSES}
    targets = {
        t.fee_type: (
            int((t.cumulative_target - t.month_target) * 100),
            int(t.month_target * 100),
        )
        for t in totals
    }
    trend = day_points(pace, until, data.payments, targets)
    return Report(
        scope=scope,
        moment=moment,
        until=until,
        month=chosen,
        plan=plan,
        pace=pace,
        buildings=tuple(rows),
        totals=totals,
        total=_sum_progress(None, ALL_FEES, list(totals), pace),
        statuses=all_statuses,
        trend=tuple(trend),
        collectors=tuple(
            collector_figures(session, buildings, since, until, _by_staff(data, since.date()))
        ),
        complaints=tuple(complaint_rows(session, buildings, since, until)),
        at_risk=tuple(limitation_risk(session, buildings, until.date(), policy)),
        keeping_prior=_percent(prior),
        slips=tuple(plan.slips()),
        warning=calendar_warning(pace_day),
    )


def _by_staff(data: ScopeData, first: dt.date) -> dict[int | None, int]:
    return {
        staff: sum(amount for day, amount in days if day >= first)
        for staff, days in data.by_staff.items()
    }


def _percent(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) * 100 / Decimal(value.denominator)).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )


def household_statuses(data: ScopeData, until: dt.datetime, grace_days: int) -> dict[int, Status]:
    """Each loaded household's status at `until` (the map and tests use it)."""
    return {
        household_id: status_of(record, until, data.plan_start, grace_days)
        for household_id, record in data.households.items()
    }
