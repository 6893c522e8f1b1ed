"""The clock: every time in callqueue is China Standard Time (UTC+08:00, no DST).

Times are stored as naive wall-clock datetimes in CST; `--at` accepts an ISO date-time with
or without an offset (one with an offset is converted to CST). Commands take their moment
from `resolve_moment`, so every behaviour can be pinned in tests.
"""

from __future__ import annotations

import datetime as dt

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
