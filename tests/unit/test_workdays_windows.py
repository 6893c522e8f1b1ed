"""The work calendar (holidays, 调休, company days off) and the contact windows."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callqueue.policy import DEFAULT_POLICY, ContactHours, Policy
from callqueue.windows import WindowState, is_open, window_bounds, window_state
from callqueue.workdays import (
    DayKind,
    calendar_covers,
    calendar_warning,
    calendar_years,
    day_kind,
    describe_day,
    holiday_name,
    may_contact_on,
)

D = dt.date
FRIDAY = D(2026, 11, 27)  # an ordinary workday
SATURDAY, SUNDAY = D(2026, 11, 28), D(2026, 11, 29)
NATIONAL_DAY = D(2026, 10, 1)
SPRING_FESTIVAL = D(2026, 2, 17)
MAKEUP_SATURDAY = D(2026, 10, 10)  # worked in exchange for National Day 2026 (调休)
MAKEUP_SUNDAY = D(2025, 9, 28)  # worked in exchange for National Day 2025
BEYOND = D(2027, 5, 1)  # a Saturday after the holiday data ends


def policy_with(**hours: object) -> Policy:
    return replace(DEFAULT_POLICY, hours=replace(DEFAULT_POLICY.hours, **hours))  # type: ignore[arg-type]


def at(day: dt.date, time: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(time))


# --- the calendar -----------------------------------------------------------------------


def test_the_calendar_covers_2004_to_2026() -> None:
    assert calendar_years() == (2004, 2026)


@pytest.mark.parametrize(
    ("day", "kind", "name"),
    [
        (FRIDAY, DayKind.WORKDAY, None),
        (SATURDAY, DayKind.WEEKEND, None),
        (SUNDAY, DayKind.WEEKEND, None),
        (NATIONAL_DAY, DayKind.HOLIDAY, "National Day"),
        (D(2026, 10, 3), DayKind.HOLIDAY, "National Day"),  # a Saturday inside the holiday
        (D(2026, 10, 7), DayKind.HOLIDAY, "National Day"),
        (D(2026, 10, 8), DayKind.WORKDAY, None),
        (SPRING_FESTIVAL, DayKind.HOLIDAY, "Spring Festival"),
        (D(2026, 2, 14), DayKind.MAKEUP_WORKDAY, None),  # Saturday before Spring Festival
        (MAKEUP_SATURDAY, DayKind.MAKEUP_WORKDAY, None),
        (MAKEUP_SUNDAY, DayKind.MAKEUP_WORKDAY, None),
        (BEYOND, DayKind.WEEKEND, None),  # would be Labour Day: unknown yet
        (D(2027, 5, 3), DayKind.WORKDAY, None),
        (D(2003, 10, 1), DayKind.WORKDAY, None),  # before the data starts
    ],
)
def test_day_kind(day: dt.date, kind: DayKind, name: str | None) -> None:
    assert day_kind(day) is kind
    assert holiday_name(day) == name


@pytest.mark.parametrize("day", [FRIDAY, SATURDAY, NATIONAL_DAY, MAKEUP_SATURDAY, BEYOND])
def test_a_company_day_off_wins(day: dt.date) -> None:
    assert day_kind(day, (D(2026, 1, 1), day)) is DayKind.COMPANY_DAY_OFF
    assert day_kind(day, iter([day])) is DayKind.COMPANY_DAY_OFF  # any iterable


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (NATIONAL_DAY, "a statutory holiday (National Day)"),
        (MAKEUP_SATURDAY, "a make-up workday (调休) for National Day"),
        (SUNDAY, "a Sunday"),
        (FRIDAY, "a workday"),
    ],
)
def test_describe_day(day: dt.date, expected: str) -> None:
    assert describe_day(day) == expected


@pytest.mark.parametrize(
    ("day", "covered"),
    [
        (D(2004, 1, 1), True),
        (D(2026, 12, 31), True),
        (D(2027, 1, 1), False),
        (D(2003, 12, 31), False),
    ],
)
def test_calendar_covers(day: dt.date, covered: bool) -> None:
    assert calendar_covers(day) is covered
    assert (calendar_warning(day) is None) is covered


def test_the_warning_beyond_the_calendar() -> None:
    assert calendar_warning(D(2027, 2, 10)) == (
        "the holiday calendar ends with 2026; for 2027-02-10 only weekends are known, "
        "statutory holidays are not (update the chinesecalendar package)"
    )
    assert "starts with 2004" in (calendar_warning(D(2003, 5, 1)) or "")


@pytest.mark.parametrize(
    ("day", "on_weekends", "on_holidays", "days_off", "allowed"),
    [
        (FRIDAY, True, False, (), True),
        (FRIDAY, True, False, (FRIDAY,), False),
        (SATURDAY, True, False, (), True),
        (SATURDAY, False, False, (), False),
        (SUNDAY, False, True, (), False),
        (NATIONAL_DAY, True, False, (), False),
        (NATIONAL_DAY, True, True, (), True),
        (NATIONAL_DAY, True, True, (NATIONAL_DAY,), False),
        (SPRING_FESTIVAL, True, False, (), False),
        (MAKEUP_SATURDAY, False, False, (), True),  # a make-up workday is a workday
        (MAKEUP_SUNDAY, False, False, (), True),
        (BEYOND, False, False, (), False),  # fallback: a Saturday
        (BEYOND, True, False, (), True),
    ],
)
def test_may_contact_on(
    day: dt.date, on_weekends: bool, on_holidays: bool, days_off: tuple[dt.date, ...], allowed: bool
) -> None:
    hours = ContactHours(on_weekends=on_weekends, on_holidays=on_holidays, extra_days_off=days_off)
    assert may_contact_on(day, hours) is allowed


# --- windows on a workday -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("time", "calls", "visits"),
    [
        ("08:59:59", False, False),
        ("09:00", False, True),
        ("09:59:59", False, True),
        ("10:00", True, True),
        ("11:59", True, True),
        ("11:59:59.999999", True, True),
        ("12:00", False, False),
        ("13:59:59", False, False),
        ("14:00", False, True),
        ("14:59", False, True),
        ("15:00", True, True),
        ("17:59", True, True),
        ("18:00", False, True),
        ("19:59:59", False, True),
        ("20:00", False, False),
        ("23:30", False, False),
        ("00:00", False, False),
    ],
)
def test_windows_are_half_open(time: str, calls: bool, visits: bool) -> None:
    moment = at(FRIDAY, time)
    assert is_open("call", moment, DEFAULT_POLICY) is calls
    assert is_open("visit", moment, DEFAULT_POLICY) is visits
    assert window_state("call", moment, DEFAULT_POLICY).open_now is calls
    assert (window_bounds("call", moment, DEFAULT_POLICY) is not None) is calls


@pytest.mark.parametrize(
    ("time", "state"),
    [
        (
            "09:59:59",
            WindowState("call", False, None, at(FRIDAY, "10:00"), "calls open at 10:00"),
        ),
        (
            "10:00",
            WindowState(
                "call", True, at(FRIDAY, "12:00"), at(FRIDAY, "15:00"), "calls are open until 12:00"
            ),
        ),
        (
            "12:00",
            WindowState("call", False, None, at(FRIDAY, "15:00"), "calls open again at 15:00"),
        ),
        (
            "17:59",
            WindowState(
                "call",
                True,
                at(FRIDAY, "18:00"),
                at(SATURDAY, "10:00"),
                "calls are open until 18:00",
            ),
        ),
        (
            "18:00",
            WindowState(
                "call",
                False,
                None,
                at(SATURDAY, "10:00"),
                "calls are over for today; next window Sat 11-28 10:00",
            ),
        ),
    ],
)
def test_window_state_on_a_workday(time: str, state: WindowState) -> None:
    assert window_state("call", at(FRIDAY, time), DEFAULT_POLICY) == state


def test_window_bounds() -> None:
    assert window_bounds("call", at(FRIDAY, "16:30"), DEFAULT_POLICY) == (
        at(FRIDAY, "15:00"),
        at(FRIDAY, "18:00"),
    )
    assert window_bounds("call", at(NATIONAL_DAY, "16:30"), DEFAULT_POLICY) is None


def test_touching_windows_close_at_the_real_close() -> None:
    policy = policy_with(
        call=((dt.time(10), dt.time(12)), (dt.time(12), dt.time(14))),
    )
    state = window_state("call", at(FRIDAY, "11:00"), policy)
    assert state.closes_at == at(FRIDAY, "14:00")
    assert window_bounds("call", at(FRIDAY, "12:00"), policy) == (
        at(FRIDAY, "10:00"),
        at(FRIDAY, "14:00"),
    )


# --- days without contact -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "moment", "next_opens", "reason"),
    [
        (
            DEFAULT_POLICY,
            at(NATIONAL_DAY, "10:30"),
            at(D(2026, 10, 8), "10:00"),
            "no calls on statutory holidays (National Day); next window Thu 10-08 10:00",
        ),
        (  # the Saturday inside the holiday week, with weekends allowed
            DEFAULT_POLICY,
            at(D(2026, 10, 3), "11:00"),
            at(D(2026, 10, 8), "10:00"),
            "no calls on statutory holidays (National Day); next window Thu 10-08 10:00",
        ),
        (  # the evening before the holiday
            DEFAULT_POLICY,
            at(D(2026, 9, 30), "18:30"),
            at(D(2026, 10, 8), "10:00"),
            "calls are over for today; next window Thu 10-08 10:00",
        ),
        (
            DEFAULT_POLICY,
            at(SPRING_FESTIVAL, "10:30"),
            at(D(2026, 2, 24), "10:00"),
            "no calls on statutory holidays (Spring Festival); next window Tue 02-24 10:00",
        ),
        (
            policy_with(on_weekends=False),
            at(SUNDAY, "11:00"),
            at(D(2026, 11, 30), "10:00"),
            "no calls on Sundays by company policy; next window Mon 11-30 10:00",
        ),
        (  # Friday evening, weekends off: Monday
            policy_with(on_weekends=False),
            at(FRIDAY, "19:00"),
            at(D(2026, 11, 30), "10:00"),
            "calls are over for today; next window Mon 11-30 10:00",
        ),
        (  # weekends off, holidays off: the make-up Saturday after National Day is open
            policy_with(on_weekends=False),
            at(D(2026, 10, 7), "11:00"),
            at(D(2026, 10, 8), "10:00"),
            "no calls on statutory holidays (National Day); next window Thu 10-08 10:00",
        ),
        (
            policy_with(extra_days_off=(FRIDAY,)),
            at(FRIDAY, "11:00"),
            at(SATURDAY, "10:00"),
            "no calls on company days off; next window Sat 11-28 10:00",
        ),
        (  # holidays allowed: National Day is an ordinary contact day
            policy_with(on_holidays=True),
            at(NATIONAL_DAY, "09:00"),
            at(NATIONAL_DAY, "10:00"),
            "calls open at 10:00",
        ),
    ],
)
def test_closed_days(
    policy: Policy, moment: dt.datetime, next_opens: dt.datetime, reason: str
) -> None:
    state = window_state("call", moment, policy)
    assert not state.open_now and state.closes_at is None
    assert state.next_opens_at == next_opens
    assert state.reason == reason
    assert not is_open("call", moment, policy)


def test_a_makeup_saturday_is_open_with_weekends_off() -> None:
    policy = policy_with(on_weekends=False)
    assert is_open("call", at(MAKEUP_SATURDAY, "10:00"), policy)
    assert window_state("call", at(D(2026, 10, 9), "18:00"), policy).next_opens_at == at(
        MAKEUP_SATURDAY, "10:00"
    )


def test_beyond_the_calendar_only_weekends_are_known() -> None:
    moment = at(BEYOND, "11:00")  # Labour Day 2027 is not in the data
    assert is_open("call", moment, DEFAULT_POLICY)
    state = window_state("call", moment, policy_with(on_weekends=False))
    assert state.reason == "no calls on Saturdays by company policy; next window Mon 05-03 10:00"


def test_nothing_within_the_search_horizon() -> None:
    everyday = tuple(D(2026, 11, 1) + dt.timedelta(days=n) for n in range(90))
    state = window_state("call", at(FRIDAY, "11:00"), policy_with(extra_days_off=everyday))
    assert state.next_opens_at is None
    assert state.reason == "no calls on company days off; no window in the next 60 days"


def test_no_windows_at_all() -> None:
    state = window_state("visit", at(FRIDAY, "11:00"), policy_with(visit=()))
    assert state == WindowState("visit", False, None, None, "the policy has no visit windows")


@pytest.mark.parametrize("channel", ["sms", "letter", "CALL"])
def test_only_calls_and_visits_have_windows(channel: str) -> None:
    with pytest.raises(ValueError, match="only 'call' and 'visit'"):
        is_open(channel, at(FRIDAY, "11:00"), DEFAULT_POLICY)


# --- properties ----------------------------------------------------------------------------

moments = st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31))


@settings(max_examples=200, deadline=None)
@given(moments)
def test_calls_only_inside_the_windows_on_contact_days(moment: dt.datetime) -> None:
    if is_open("call", moment, DEFAULT_POLICY):
        time = moment.time()
        assert dt.time(10) <= time < dt.time(12) or dt.time(15) <= time < dt.time(18)
        assert may_contact_on(moment.date(), DEFAULT_POLICY.hours)


@settings(max_examples=200, deadline=None)
@given(moments, st.sampled_from(["call", "visit"]), st.booleans())
def test_next_opens_at_is_later_and_open(moment: dt.datetime, channel: str, weekends: bool) -> None:
    policy = policy_with(on_weekends=weekends)
    state = window_state(channel, moment, policy)
    assert state.open_now is is_open(channel, moment, policy)
    if state.open_now:
        assert state.closes_at is not None and state.closes_at > moment
        assert not is_open(channel, state.closes_at, policy)
    else:
        assert state.next_opens_at is not None
        assert state.next_opens_at > moment
        assert is_open(channel, state.next_opens_at, policy)
        assert not is_open(channel, state.next_opens_at - dt.timedelta(microseconds=1), policy)
