"""Contact windows: whether a channel may be used at a moment, and when it next may.

Channels with a window are "call" and "visit"; letters and SMS have none (they are
prepared any time). Windows are half-open, [start, end): with calls at 10:00-12:00 a call
at 10:00 is allowed and one at 12:00 is not. A window applies only on a day
`workdays.may_contact_on` allows. All times are naive China Standard Time.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from callqueue.policy import Policy, Window
from callqueue.workdays import DayKind, day_kind, holiday_name, may_contact_on

CHANNELS = ("call", "visit")
SEARCH_DAYS = 60  # how far ahead next_opens_at looks
_NOUNS = {"call": "calls", "visit": "visits"}
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAY_PLURALS = (
    "Mondays",
    "Tuesdays",
    "Wednesdays",
    "Thursdays",
    "Fridays",
    "Saturdays",
    "Sundays",
)


@dataclass(frozen=True)
class WindowState:
    channel: str
    open_now: bool
    closes_at: dt.datetime | None  # when open: the end of the window
    next_opens_at: dt.datetime | None  # the next window start after now (after closes_at
    # when open); None when nothing opens within SEARCH_DAYS
    reason: str  # plain English, e.g. "calls are open until 12:00"


@functools.lru_cache(maxsize=64)
def _merged(windows: tuple[Window, ...]) -> tuple[Window, ...]:
    """Sorted, with touching windows (10-12, 12-14) joined so closes_at is the real close."""
    merged: list[Window] = []
    for start, end in sorted(w for w in windows if w[0] < w[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _windows(channel: str, policy: Policy) -> tuple[Window, ...]:
    if channel not in CHANNELS:
        raise ValueError(
            f"unknown channel {channel!r}: only 'call' and 'visit' have contact windows"
        )
    windows: tuple[Window, ...] = getattr(policy.hours, channel)
    return _merged(windows)


def _containing(windows: tuple[Window, ...], time: dt.time) -> Window | None:
    for start, end in windows:
        if start <= time < end:
            return (start, end)
    return None


def is_open(channel: str, moment: dt.datetime, policy: Policy) -> bool:
    """Whether `channel` may be used at `moment`."""
    if _containing(_windows(channel, policy), moment.time()) is None:
        return False
    return may_contact_on(moment.date(), policy.hours)


def window_bounds(
    channel: str, moment: dt.datetime, policy: Policy
) -> tuple[dt.datetime, dt.datetime] | None:
    """The open window [start, end) containing `moment`, or None when `channel` is closed."""
    window = _containing(_windows(channel, policy), moment.time())
    if window is None or not may_contact_on(moment.date(), policy.hours):
        return None
    day = moment.date()
    return dt.datetime.combine(day, window[0]), dt.datetime.combine(day, window[1])


def _next_start(
    windows: tuple[Window, ...], after: dt.datetime, policy: Policy
) -> dt.datetime | None:
    """The first window start strictly after `after` on a contact day, within SEARCH_DAYS."""
    first = after.date()
    for offset in range(SEARCH_DAYS + 1):
        day = first + dt.timedelta(days=offset)
        if not may_contact_on(day, policy.hours):
            continue
        for start, _ in windows:
            candidate = dt.datetime.combine(day, start)
            if candidate > after:
                return candidate
    return None


def _when(moment: dt.datetime, today: dt.date) -> str:
    if moment.date() == today:
        return moment.strftime("%H:%M")
    return f"{_WEEKDAYS[moment.weekday()]} {moment.strftime('%m-%d %H:%M')}"


def window_state(channel: str, moment: dt.datetime, policy: Policy) -> WindowState:
    """Whether `channel` is open at `moment`, until when, when it next opens, and why."""
    windows = _windows(channel, policy)
    noun = _NOUNS[channel]
    if not windows:
        return WindowState(channel, False, None, None, f"the policy has no {channel} windows")
    day = moment.date()
    contact_day = may_contact_on(day, policy.hours)
    window = _containing(windows, moment.time()) if contact_day else None
    if window is not None:
        closes = dt.datetime.combine(day, window[1])
        return WindowState(
            channel,
            True,
            closes,
            _next_start(windows, closes, policy),
            f"{noun} are open until {window[1].strftime('%H:%M')}",
        )
    next_opens = _next_start(windows, moment, policy)
    later = (
        f"next window {_when(next_opens, day)}"
        if next_opens is not None
        else f"no window in the next {SEARCH_DAYS} days"
    )
    if contact_day:
        if next_opens is not None and next_opens.date() == day:
            again = " again" if moment.time() >= windows[0][1] else ""
            reason = f"{noun} open{again} at {next_opens.strftime('%H:%M')}"
        else:
            reason = f"{noun} are over for today; {later}"
    else:
        kind = day_kind(day, policy.hours.extra_days_off)
        if kind is DayKind.HOLIDAY:
            why = f"on statutory holidays ({holiday_name(day)})"
        elif kind is DayKind.COMPANY_DAY_OFF:
            why = "on company days off"
        else:
            why = f"on {_WEEKDAY_PLURALS[day.weekday()]} by company policy"
        reason = f"no {noun} {why}; {later}"
    return WindowState(channel, False, None, next_opens, reason)
