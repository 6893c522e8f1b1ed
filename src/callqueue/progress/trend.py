"""Collected against target, day by day through the month, for a chart in the terminal.

Each day of the month up to the report's moment gets what was collected that day and the
running totals since plan start, beside the target paced by working days (the same
"expected by now" as `progress.figures`, taken at the end of that day).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from callqueue.money import from_fen
from callqueue.progress.calendar import MonthPace, month_days
from callqueue.progress.figures import expected_by


@dataclass(frozen=True)
class DayPoint:
    day: dt.date
    working_day: bool
    collected: Decimal  # that day, every fee type in scope
    cumulative: Decimal  # since plan start, to the end of that day
    target: Decimal  # the paced cumulative target at the end of that day
    by_fee: dict[str, tuple[Decimal, Decimal, Decimal]]  # fee -> (day, cumulative, target)


def day_points(
    pace: MonthPace,
    until: dt.datetime,
    payments: Iterable[tuple[dt.date, str, int]],
    targets: Mapping[str, tuple[int, int]],
) -> list[DayPoint]:
    """Points for each day of `pace.month` up to `until`.

    `payments` are (day, fee, fen) collected since plan start; `targets` fee -> (cumulative target
    of the months before, this month's target), in fen.
    """
    days = [d for d in month_days(pace.month) if d <= until.date()]
    if not days:
        return []
    first = days[0]
    before: dict[str, int] = defaultdict(int)
    daily: dict[tuple[dt.date, str], int] = defaultdict(int)
    for paid_on, fee, amount in payments:
        if paid_on < first:
            before[fee] += amount
        else:
            daily[paid_on, fee] += amount
    fees = sorted(set(targets) | set(before) | {f for _d, f in daily})
    running = dict(before)
    points: list[DayPoint] = []
    for day in days:
        by_fee: dict[str, tuple[Decimal, Decimal, Decimal]] = {}
        totals = [0, 0, 0]
        done = pace.elapsed_through(day)
        for fee in fees:
            today = daily.get((day, fee), 0)
            running[fee] = running.get(fee, 0) + today
            prev, month = targets.get(fee, (0, 0))
            target = expected_by(prev, month, done, pace.total)
            by_fee[fee] = (from_fen(today), from_fen(running[fee]), from_fen(target))
            totals = [totals[0] + today, totals[1] + running[fee], totals[2] + target]
        points.append(
            DayPoint(
                day,
                day in pace.working_days,
                from_fen(totals[0]),
                from_fen(totals[1]),
                from_fen(totals[2]),
                by_fee,
            )
        )
    return points
