"""The clock: every time in callqueue is China Standard Time (UTC+08:00, no DST).

Times are stored as naive wall-clock datetimes in CST; `--at` accepts an ISO date-time with
or without an offset (one with an offset is converted to CST). Commands take their moment
from `resolve_moment`, so every behaviour can be pinned in tests.

Calendar arithmetic lives here too, in one place: months between two months, a date some
months or years on, and month keys (`2026-10`). A month is held as its first day (a
`datetime.date`); `month_ordinal` turns it into one integer for ranges and for code that
counts months as numbers. Why here and not in a module of its own: the clock is the core's
small, dependency-light home for dates that every layer already imports, and a new core
module would also have to join the import contract in pyproject.toml.
"""

from __future__ import annotations

import calendar
import datetime as dt

from dateutil.relativedelta import relativedelta

CST = dt.timezone(dt.timedelta(hours=8), "CST")
# The years a moment may fall in: a collection record of 1970 or 9999 is a typing slip or an
# attack, and one such row would stop every later calendar sum (the holiday calendar, the
# limitation deadlines three years on, SQLite's date functions).
FIRST_YEAR, LAST_YEAR = 2000, 2100


class OutOfRange(ValueError):
    """A moment outside FIRST_YEAR..LAST_YEAR."""


def now() -> dt.datetime:
    """The current CST wall-clock time, naive, to the second."""
    return dt.datetime.now(CST).replace(tzinfo=None, microsecond=0)


def parse_moment(text: str) -> dt.datetime:
    """Parse `--at`: `2026-11-27T10:30`, `2026-11-27 10:30:00`, `2026-11-27` (midnight),
    or with an offset such as `2026-11-27T02:30Z` (converted to CST)."""
    cleaned = text.strip().replace("Z", "+00:00")
    try:
        moment = dt.datetime.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(
            f"cannot read the time {text!r}; use e.g. 2026-11-27T10:30 (China Standard Time)"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(CST).replace(tzinfo=None)
    check_year(moment)
    return moment


def check_year(moment: dt.date) -> None:
    """`OutOfRange` unless `moment` falls in FIRST_YEAR..LAST_YEAR."""
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise OutOfRange(
            f"{moment.isoformat()} is outside the years {FIRST_YEAR}-{LAST_YEAR} callqueue accepts"
        )


def resolve_moment(text: str | None) -> dt.datetime:
    """The moment a command runs at: `--at` when given, else now (CST)."""
    return parse_moment(text) if text else now()


# --- calendar arithmetic ---------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    """The month `day` falls in, as its first day (how callqueue holds a month)."""
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    """The last day of the month `day` falls in."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by `months` calendar months (back when negative). A day the target month
    lacks becomes its last day: 31 January plus one month is 28 (or 29) February. A month's
    first day stays a first day, so this also adds months to a month."""
    moved: dt.date = day + relativedelta(months=months)
    return moved


def months_between(start: dt.date, end: dt.date) -> int:
    """Calendar months from `start`'s month to `end`'s (negative when `end` is earlier); the
    days of the month do not count: 31 January to 1 February is one month."""
    return month_ordinal(end) - month_ordinal(start)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (earlier when negative); 29 February becomes 28 February.

    The same as `day + relativedelta(years=years)` (tests/unit/test_calendar_arithmetic.py
    checks it), written out because limitation deadlines call it for every old charge and
    `date.replace` is about nine times faster."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def month_ordinal(day: dt.date) -> int:
    """The month `day` falls in as one integer, counting months from January of year 0
    (2026-10 is 24321), so a range of months is a `range`. `month_from_ordinal` reverses it."""
    return day.year * 12 + day.month - 1


def month_from_ordinal(number: int) -> dt.date:
    """The first day of the month `month_ordinal` numbered `number`."""
    year, index = divmod(number, 12)
    return dt.date(year, index + 1, 1)


def month_key(day: dt.date) -> str:
    """The month `day` falls in as a key: `2026-10` (how billing periods and plans store it)."""
    return f"{day.year:04d}-{day.month:02d}"


def month_from_key(key: str) -> dt.date:
    """`2026-10` as its first day, 1 October 2026; ValueError when it is not a month."""
    year, number = key.split("-")
    return dt.date(int(year), int(number), 1)
