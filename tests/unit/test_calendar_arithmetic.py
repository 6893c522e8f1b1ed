"""Calendar arithmetic (callqueue.clock): months and years on, months between, month keys.

Each rule is checked against a slow, obvious reference (stepping month by month, or
dateutil's relativedelta), over the whole range of dates `datetime` allows where it can.
"""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from callqueue.clock import (
    add_months,
    add_years,
    month_end,
    month_from_key,
    month_from_ordinal,
    month_key,
    month_ordinal,
    month_start,
    months_between,
)
from callqueue.limitation import add_years as limitation_add_years

D = dt.date

# Far enough from year 1 and 9999 that a few centuries of months stay in range.
days = st.dates(min_value=D(1000, 1, 1), max_value=D(9000, 12, 31))
months = days.map(month_start)
leap_days = st.integers(1000, 8996).filter(calendar.isleap).map(lambda year: D(year, 2, 29))
steps = st.integers(-2400, 2400)  # two centuries either way, in months
year_steps = st.integers(-500, 500)


def slow_months_between(start: dt.date, end: dt.date) -> int:
    """Count months by stepping one month at a time from `start`'s month to `end`'s."""
    month, target, count = (start.year, start.month), (end.year, end.month), 0
    step = 1 if month <= target else -1
    while month != target:
        year, number = month
        number += step
        if number == 13:
            year, number = year + 1, 1
        elif number == 0:
            year, number = year - 1, 12
        month, count = (year, number), count + step
    return count


def slow_add_months(day: dt.date, count: int) -> dt.date:
    """Step month by month, then clamp the day to the target month's length."""
    year, number = day.year, day.month
    for _ in range(abs(count)):
        number += 1 if count > 0 else -1
        if number == 13:
            year, number = year + 1, 1
        elif number == 0:
            year, number = year - 1, 12
    return D(year, number, min(day.day, calendar.monthrange(year, number)[1]))


# --- examples -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (D(2026, 10, 1), 1, D(2026, 11, 1)),
        (D(2026, 12, 1), 1, D(2027, 1, 1)),
        (D(2027, 1, 1), -1, D(2026, 12, 1)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # end of month: the shorter month's last day
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 5, 31), 1, D(2026, 6, 30)),
        (D(2026, 10, 15), -12, D(2025, 10, 15)),
        (D(2026, 10, 15), 0, D(2026, 10, 15)),
    ],
)
def test_adding_months(day: dt.date, count: int, expected: dt.date) -> None:
    assert add_months(day, count) == expected


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (D(2023, 10, 31), 3, D(2026, 10, 31)),
        (D(2024, 2, 29), 3, D(2027, 2, 28)),  # 29 February becomes 28 February
        (D(2024, 2, 29), 1, D(2025, 2, 28)),
        (D(2024, 2, 29), 4, D(2028, 2, 29)),  # a leap year keeps it
        (D(2024, 2, 29), -3, D(2021, 2, 28)),
        (D(2026, 11, 27), -3, D(2023, 11, 27)),
        (D(2025, 2, 28), 3, D(2028, 2, 28)),  # 28 February never becomes 29
    ],
)
def test_adding_years(day: dt.date, years: int, expected: dt.date) -> None:
    assert add_years(day, years) == expected


def test_limitation_add_years_is_the_clocks() -> None:
    assert limitation_add_years is add_years


def test_adding_years_past_the_calendar_fails_as_before() -> None:
    with pytest.raises(ValueError):
        add_years(D(9999, 2, 1), 1)
    with pytest.raises(ValueError):
        add_years(D(9996, 2, 29), 4)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 10, 1), D(2026, 10, 31), 0),
        (D(2026, 1, 31), D(2026, 2, 1), 1),  # the days of the month do not count
        (D(2026, 12, 1), D(2027, 1, 1), 1),
        (D(2026, 10, 1), D(2025, 10, 1), -12),
        (D(2023, 11, 30), D(2026, 11, 1), 36),
    ],
)
def test_months_between(start: dt.date, end: dt.date, expected: int) -> None:
    assert months_between(start, end) == expected


def test_month_keys_and_ordinals() -> None:
    assert month_key(D(2026, 10, 15)) == "2026-10"
    assert month_key(D(987, 3, 1)) == "0987-03"
    assert month_from_key("2026-10") == D(2026, 10, 1)
    assert month_ordinal(D(2026, 10, 15)) == 2026 * 12 + 9  # what plan.spec.month_number was
    assert month_from_ordinal(2026 * 12 + 11) == D(2026, 12, 1)
    assert month_end(D(2026, 2, 10)) == D(2026, 2, 28)
    assert month_end(D(2024, 2, 1)) == D(2024, 2, 29)
    assert month_end(D(2026, 12, 31)) == D(2026, 12, 31)


@pytest.mark.parametrize("key", ["2026-13", "2026-00", "2026", "2026-10-01", "abcd-10", ""])
def test_a_key_that_is_not_a_month_is_refused(key: str) -> None:
    with pytest.raises(ValueError):
        month_from_key(key)


# --- properties -----------------------------------------------------------------------------


@given(days, steps)
def test_adding_months_agrees_with_stepping_month_by_month(day: dt.date, count: int) -> None:
    assert add_months(day, count) == slow_add_months(day, count)


@given(days, steps)
def test_adding_then_subtracting_months_round_trips_on_days_every_month_has(
    day: dt.date, count: int
) -> None:
    moved = add_months(day, count)
    assert months_between(day, moved) == count
    back = add_months(moved, -count)
    if day.day <= 28:
        assert back == day
    else:  # clamped on the way out: at most the day it started from, in the same month
        assert month_start(back) == month_start(day) and back <= day


@given(months, steps)
def test_a_month_plus_months_is_a_month(month: dt.date, count: int) -> None:
    moved = add_months(month, count)
    assert moved.day == 1
    assert add_months(moved, -count) == month
    assert month_from_ordinal(month_ordinal(month) + count) == moved


@given(days, days)
def test_months_between_agrees_with_counting_month_by_month(start: dt.date, end: dt.date) -> None:
    assert months_between(start, end) == slow_months_between(start, end)
    assert months_between(end, start) == -months_between(start, end)
    assert add_months(month_start(start), months_between(start, end)) == month_start(end)


@given(days, year_steps)
def test_adding_years_agrees_with_relativedelta(day: dt.date, years: int) -> None:
    assert add_years(day, years) == day + relativedelta(years=years)


@given(days, year_steps)
def test_adding_then_subtracting_years_round_trips_except_on_29_february(
    day: dt.date, years: int
) -> None:
    back = add_years(add_years(day, years), -years)
    if (day.month, day.day) != (2, 29):
        assert back == day
    else:
        assert back in (day, D(day.year, 2, 28))


@given(leap_days, year_steps)
def test_29_february_is_28_february_in_a_common_year(day: dt.date, years: int) -> None:
    later = add_years(day, years)
    assert later.year == day.year + years and later.month == 2
    assert later.day == (29 if calendar.isleap(later.year) else 28)


@given(days)
def test_month_keys_round_trip(day: dt.date) -> None:
    key = month_key(day)
    assert len(key) == 7 and key[4] == "-"
    assert month_from_key(key) == month_start(day)
    assert month_key(month_from_key(key)) == key
    assert month_from_ordinal(month_ordinal(day)) == month_start(day)


@given(days, days)
def test_month_keys_sort_like_months(first: dt.date, second: dt.date) -> None:
    assert (month_key(first) < month_key(second)) == (month_start(first) < month_start(second))


@given(days)
def test_month_end_is_the_day_before_the_next_month(day: dt.date) -> None:
    assert month_end(day) == add_months(month_start(day), 1) - dt.timedelta(days=1)
    assert month_start(day) <= day <= month_end(day)
