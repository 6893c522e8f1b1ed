"""The mainland China work calendar: statutory holidays (法定节假日) and make-up workdays
(调休), from the `chinesecalendar` package, plus the company's own days off.

The package knows the years the State Council has announced (2004-2026 in 1.11.0). For a
day outside them only weekends are known: callqueue never crashes on such a day, it treats
Saturdays and Sundays as weekends and every other day as a workday, and
`calendar_warning` says so.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from callqueue.policy import ContactHours


WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class DayKind(StrEnum):
    WORKDAY = "workday"
    MAKEUP_WORKDAY = "makeup_workday"  # a Saturday or Sunday worked in exchange (调休)
    WEEKEND = "weekend"
    HOLIDAY = "holiday"  # a statutory holiday, including the weekend days it swallows
    COMPANY_DAY_OFF = "company_day_off"  # the policy's extra_days_off


@functools.lru_cache(maxsize=1)
def calendar_years() -> tuple[int, int]:
    """The first and last year the holiday data covers (as the package itself decides)."""
    from chinese_calendar import constants

    years = [day.year for day in constants.holidays]
    return min(years), max(years)


def calendar_covers(day: dt.date) -> bool:
    """Whether statutory holidays and make-up workdays are known for `day`."""
    first, last = calendar_years()
    return first <= day.year <= last


def calendar_warning(day: dt.date) -> str | None:
    """A plain-words warning when `day` is outside the holiday data, else None."""
    if calendar_covers(day):
        return None
    first, last = calendar_years()
    edge = f"ends with {last}" if day.year > last else f"starts with {first}"
    return (
        f"the holiday calendar {edge}; for {day.isoformat()} only weekends are known, "
        "statutory holidays are not (update the chinesecalendar package)"
    )


@functools.lru_cache(maxsize=4096)
def _calendar_day(day: dt.date) -> tuple[DayKind, str | None]:
    weekend = day.weekday() >= 5
    if not calendar_covers(day):
        return (DayKind.WEEKEND if weekend else DayKind.WORKDAY), None
    import chinese_calendar

    try:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:  # the package disagrees about its range: weekends only
        return (DayKind.WEEKEND if weekend else DayKind.WORKDAY), None
    label = str(name) if name else None  # on a make-up workday: the holiday it pays for
    if is_holiday:
        return (DayKind.HOLIDAY, label) if label else (DayKind.WEEKEND, None)
    return (DayKind.MAKEUP_WORKDAY, label) if weekend else (DayKind.WORKDAY, None)


def day_kind(day: dt.date, extra_days_off: Iterable[dt.date] = ()) -> DayKind:
    """What kind of day `day` is. A company day off wins over everything else."""
    if isinstance(day, dt.datetime):
        day = day.date()
    if any(day == off for off in extra_days_off):
        return DayKind.COMPANY_DAY_OFF
    return _calendar_day(day)[0]


def holiday_name(day: dt.date) -> str | None:
    """The statutory holiday `day` belongs to (e.g. "National Day"), when known."""
    if isinstance(day, dt.datetime):
        day = day.date()
    kind, name = _calendar_day(day)
    return name if kind is DayKind.HOLIDAY else None


def describe_day(day: dt.date, extra_days_off: Iterable[dt.date] = ()) -> str:
    """The kind of day in plain words: "a statutory holiday (National Day)", "a make-up
    workday (调休) for National Day", "a Sunday", "a workday", "a company day off"."""
    if isinstance(day, dt.datetime):
        day = day.date()
    kind = day_kind(day, extra_days_off)
    name = _calendar_day(day)[1]
    if kind is DayKind.COMPANY_DAY_OFF:
        return "a company day off"
    if kind is DayKind.HOLIDAY:
        return f"a statutory holiday ({name})"
    if kind is DayKind.MAKEUP_WORKDAY:
        return "a make-up workday (调休)" + (f" for {name}" if name else "")
    if kind is DayKind.WEEKEND:
        return f"a {WEEKDAY_NAMES[day.weekday()]}"
    return "a workday"


def may_contact_on(day: dt.date, hours: ContactHours) -> bool:
    """Whether owners may be contacted at all on `day` under `hours` (times aside)."""
    kind = day_kind(day, hours.extra_days_off)
    if kind is DayKind.WEEKEND:
        return hours.on_weekends
    if kind is DayKind.HOLIDAY:
        return hours.on_holidays
    return kind is not DayKind.COMPANY_DAY_OFF
