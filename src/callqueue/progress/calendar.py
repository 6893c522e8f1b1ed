"""Working days of a month, for pacing a monthly target.

Why: collectors call and visit on working days (statutory holidays and make-up workdays
from `workdays`), so "where should we be by now" and "how much a day to catch up" are
counted in working days, not calendar days. Days before `day` are gone; `day` itself
still counts as remaining (the report is read in the morning).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from callqueue.clock import month_end, month_from_key
from callqueue.workdays import DayKind, day_kind

WORKING = frozenset({DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY})


def month_days(month: str) -> list[dt.date]:
    """Every day of the month `month` (`2026-10`), in order."""
    first = month_from_key(month)
    return [first + dt.timedelta(days=n) for n in range(month_end(first).day)]


def is_working_day(day: dt.date, extra_days_off: Iterable[dt.date] = ()) -> bool:
    return day_kind(day, extra_days_off) in WORKING


@dataclass(frozen=True)
class MonthPace:
    """A month's working days and how many are gone on a day."""

    month: str
    working_days: tuple[dt.date, ...]
    elapsed: int  # working days before the day (all of them once the month is over)

    @property
    def total(self) -> int:
        return len(self.working_days)

    @property
    def remaining(self) -> int:
        return self.total - self.elapsed

    def elapsed_through(self, day: dt.date) -> int:
        """Working days up to and including `day`."""
        return sum(1 for d in self.working_days if d <= day)


def month_pace(month: str, day: dt.date, extra_days_off: Iterable[dt.date] = ()) -> MonthPace:
    """The pace of `month` on `day` (a day after the month: all gone; before it: none)."""
    off = tuple(extra_days_off)
    working = tuple(d for d in month_days(month) if is_working_day(d, off))
    return MonthPace(month, working, sum(1 for d in working if d < day))
