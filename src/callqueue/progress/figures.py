"""Progress of one building (or the scope) and fee type against the month's target.

Definitions (docs/progress.md):

- collected: money recorded in callqueue, dated from plan start to the moment, allocated
  to charge lines that fell due before plan start (`plan.baselines`);
- rate: collected / arrears at plan start; target rate: cumulative target / arrears;
- expected by now: the cumulative target of the months before, plus this month's target
  in proportion to the working days gone (days before today; all of them once the month
  is over), half up to the fen;
- on track when collected ≥ expected by now; otherwise behind by the difference;
- per working day: what is still missing of this month's cumulative target, divided by
  the working days left (today included), rounded up to the fen (None when none are left);
- forecast: collected plus the weighted open promises falling due this month
  (`progress.forecast`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from callqueue.money import from_fen
from callqueue.plan.rates import rate_percent
from callqueue.progress.calendar import MonthPace

ALL_FEES = "all"


@dataclass(frozen=True)
class FeeProgress:
    building: str | None  # None: the whole scope
    fee_type: str  # a fee type code, or "all"
    baseline: Decimal
    collected: Decimal
    rate: Decimal | None
    month_target: Decimal
    cumulative_target: Decimal
    target_rate: Decimal | None
    expected_by_now: Decimal
    gap: Decimal  # collected - expected by now: negative means behind
    to_go: Decimal  # cumulative target - collected, at least 0
    per_working_day: Decimal | None
    promised: Decimal  # open promises due this month, capped at what is owed
    expected_from_promises: Decimal
    forecast: Decimal
    forecast_rate: Decimal | None

    @property
    def on_track(self) -> bool:
        return self.gap >= 0

    @property
    def behind_by(self) -> Decimal:
        return max(-self.gap, Decimal("0.00"))

    @property
    def forecast_short(self) -> Decimal:
        """What the forecast still misses of the month's cumulative target (0: none)."""
        return max(self.cumulative_target - self.forecast, Decimal("0.00"))


def expected_by(prev_cumulative: int, month_target: int, done: int, total: int) -> int:
    """Cumulative target paced by working days, half up to the fen."""
    if total <= 0:
        return prev_cumulative + month_target
    return prev_cumulative + (2 * month_target * done + total) // (2 * total)


def fee_progress(
    building: str | None,
    fee_type: str,
    *,
    baseline: int,
    collected: int,
    month_target: int,
    prev_cumulative: int,
    pace: MonthPace,
    promised: int = 0,
    expected: int = 0,
) -> FeeProgress:
    """The figures from integer fen (exact), shown as yuan."""
    cumulative = prev_cumulative + month_target
    by_now = expected_by(prev_cumulative, month_target, pace.elapsed, pace.total)
    to_go = max(cumulative - collected, 0)
    per_day = -(-to_go // pace.remaining) if pace.remaining > 0 else None
    forecast = collected + expected
    return FeeProgress(
        building=building,
        fee_type=fee_type,
        baseline=from_fen(baseline),
        collected=from_fen(collected),
        rate=rate_percent(collected, baseline),
        month_target=from_fen(month_target),
        cumulative_target=from_fen(cumulative),
        target_rate=rate_percent(cumulative, baseline),
        expected_by_now=from_fen(by_now),
        gap=from_fen(collected - by_now),
        to_go=from_fen(to_go),
        per_working_day=None if per_day is None else from_fen(per_day),
        promised=from_fen(promised),
        expected_from_promises=from_fen(expected),
        forecast=from_fen(forecast),
        forecast_rate=rate_percent(forecast, baseline),
    )
