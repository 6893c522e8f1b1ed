"""The queue's rules, one table row each, on hand-built households (no database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from callqueue.policy import DEFAULT_POLICY, ContactHours, Policy
from callqueue.queue.actions import Action, Channel
from callqueue.queue.build import Exclusion, Item, Waiting, build_queue, evaluate
from callqueue.queue.facts import facts_for
from callqueue.queue.records import (
    ChargeRec,
    ComplaintRec,
    ContactRec,
    HouseholdRecord,
    PromiseRec,
)

FRI = dt.datetime(2026, 11, 27, 10, 30)  # a Friday, a workday
TODAY = FRI.date()
ALL = frozenset(Channel)
OPEN = frozenset(Channel)  # every window open


def day(n: int) -> dt.date:
    """`n` days from today (negative: in the past)."""
    return TODAY + dt.timedelta(days=n)


def at(n: int, hour: int = 10, minute: int = 30) -> dt.datetime:
    return dt.datetime.combine(day(n), dt.time(hour, minute))


def household(**changes: object) -> HouseholdRecord:
    """A household in building 6 owing 500.00 property fee, due 20 days ago."""
    record = HouseholdRecord(
        id=1, key="6-1-101", building="6", team_id=1, elderly=False, do_not_call=False,
        chronic=False, difficult=False, litigation_since=None, owner="王芳", phones=["13812345678"],
        charges=[ChargeRec("property", "2026-10", day(-20), 50_000)],
    )  # fmt: skip
    for name, value in changes.items():
        setattr(record, name, value)
    return record


def call(
    n: int, outcome: str, *, reached: bool = False, hour: int = 10, **kw: object
) -> ContactRec:
    return ContactRec(
        at=at(n, hour), channel="call", outcome=outcome, reached=reached,
        has_note=reached, has_proof=False, callback_at=kw.get("callback_at"),  # type: ignore[arg-type]
        letter_kind=None, deadline=None,
    )  # fmt: skip


def letter(n: int, kind: str, deadline: dt.date | None = None) -> ContactRec:
    return ContactRec(at(n, 9), "letter", "delivered", True, False, True, None, kind, deadline)


def outcome(
    record: HouseholdRecord,
    moment: dt.datetime = FRI,
    *,
    policy: Policy = DEFAULT_POLICY,
    channels: frozenset[Channel] = ALL,
    open_: frozenset[Channel] = OPEN,
) -> object:
    return evaluate(facts_for(record, moment.date(), policy), moment, policy, channels, open_)


def action_of(result: object) -> Action:
    assert isinstance(result, Item), result
    return result.action


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, Action.CALL),  # 20 days overdue with a phone: call (visits too, lower tier)
        ({"phones": []}, Action.VISIT),
        ({"do_not_call": True}, Action.VISIT),
        ({"charges": [ChargeRec("property", "2026-11", day(-5), 50_000)]}, Action.CALL),
        ({"charges": [ChargeRec("property", "2026-09", day(-45), 50_000)]}, Action.CALL),
        ({"charges": [ChargeRec("property", "2026-12", day(17), 50_000)]}, Action.REMINDER),
        ({"charges": [ChargeRec("property", "2026-12", day(25), 50_000)]}, None),
        ({"charges": [ChargeRec("property", "2026-12", day(14), 50_000)]}, None),
        ({"charges": []}, None),
    ],
)
def test_the_ladder_by_days_overdue(changes: dict[str, object], expected: Action | None) -> None:
    result = outcome(household(**changes))
    assert (None if result is None else action_of(result)) == expected


def test_visit_when_the_phone_failed_on_three_days() -> None:
    tries = [call(-3, "no_answer"), call(-2, "busy"), call(-1, "switched_off")]
    result = outcome(household(contacts=tries), channels=frozenset({Channel.VISIT}))
    assert action_of(result) is Action.VISIT
    assert "3 unanswered calls on different days" in [r.text() for r in result.reasons]  # type: ignore[union-attr]
    two_days = [call(-2, "no_answer"), call(-2, "no_answer", hour=15), call(-1, "busy")]
    early = household(contacts=two_days, charges=[ChargeRec("property", "2026-11", day(-5), 1)])
    assert outcome(early, channels=frozenset({Channel.VISIT})) is None


@pytest.mark.parametrize(
    ("moment", "channels", "expected"),
    [
        (at(0, 9, 30), {Channel.CALL}, Waiting(Channel.CALL)),
        (at(0, 9, 59), {Channel.CALL}, Waiting(Channel.CALL)),
        (at(0, 10, 0), {Channel.CALL}, Action.CALL),
        (at(0, 12, 0), {Channel.CALL}, Waiting(Channel.CALL)),
        (at(0, 9, 30), ALL, Action.VISIT),  # calls wait; visits are open
        (at(0, 13, 0), ALL, Action.WRITTEN_DEMAND),  # lunch: only letters
    ],
)
def test_contact_windows(moment: dt.datetime, channels: set[Channel], expected: object) -> None:
    record = household(charges=[ChargeRec("property", "2026-09", day(-45), 50_000)])
    facts = facts_for(record, moment.date(), DEFAULT_POLICY)
    queue = build_queue([facts], moment, DEFAULT_POLICY, frozenset(channels))
    if isinstance(expected, Waiting):
        assert queue.items == [] and queue.waiting == {1: expected.channel}
    else:
        assert [item.action for item in queue.items] == [expected]


def test_statutory_holiday_closes_calls_and_says_when_they_open() -> None:
    national_day = dt.datetime(2026, 10, 2, 10, 30)
    record = household(charges=[ChargeRec("property", "2026-09", dt.date(2026, 9, 20), 50_000)])
    queue = build_queue(
        [facts_for(record, national_day.date(), DEFAULT_POLICY)], national_day, DEFAULT_POLICY
    )
    assert not queue.windows[Channel.CALL].open_now
    assert queue.windows[Channel.CALL].next_opens_at == dt.datetime(2026, 10, 8, 10, 0)
    assert all(item.channel is Channel.LETTER for item in queue.items)


@pytest.mark.parametrize(
    ("promise", "expected"),
    [
        (PromiseRec(at(-1), day(2), "open"), Exclusion("promise_pending", (("date", "11-29"),))),
        (PromiseRec(at(-4), day(0), "open"), Exclusion("promise_pending", (("date", "11-27"),))),
        (PromiseRec(at(-5), day(-1), "open"), Exclusion("promise_pending", (("date", "11-26"),))),
        (PromiseRec(at(-6), day(-2), "open"), Action.BROKEN_PROMISE),  # date + grace day passed
        (PromiseRec(at(-9), day(-6), "broken"), Action.BROKEN_PROMISE),
        (PromiseRec(at(-9), day(-6), "kept"), Action.CALL),
        (PromiseRec(at(-9), day(-6), "cancelled"), Action.CALL),
    ],
)
def test_promises_hide_until_due_and_come_back_on_top(
    promise: PromiseRec, expected: object
) -> None:
    result = outcome(household(promises=[promise]))
    assert (result if isinstance(result, Exclusion) else action_of(result)) == expected


def test_a_broken_promise_followed_up_is_an_ordinary_call_again() -> None:
    promise = PromiseRec(at(-9), day(-6), "broken")
    since = [call(-1, "no_answer")]
    assert action_of(outcome(household(promises=[promise], contacts=since))) is Action.CALL


@pytest.mark.parametrize(
    ("contacts", "expected"),
    [
        ([call(0, "no_answer", hour=10), call(0, "busy", hour=10)], "call_cap"),
        ([call(0, "refused", reached=True)], "conversation_today"),
        ([call(-2, "refused", reached=True)], "cooling_off"),
        ([call(-3, "refused", reached=True)], "cooling_off"),
        ([call(-4, "refused", reached=True)], None),
    ],
)
def test_contact_caps(contacts: list[ContactRec], expected: str | None) -> None:
    record = household(contacts=contacts)
    result = outcome(record, channels=frozenset({Channel.CALL}))
    if expected is None:
        assert action_of(result) is Action.CALL
    else:
        assert isinstance(result, Exclusion) and result.code == expected


def test_callbacks() -> None:
    booked = [call(0, "callback", reached=True, hour=9, callback_at=at(0, 15, 0))]
    # spoke today: no more calls, even for the callback, until tomorrow
    assert isinstance(outcome(household(contacts=booked)), Exclusion)
    yesterday = [call(-1, "callback", reached=True, callback_at=at(0, 15, 0))]
    later = outcome(household(contacts=yesterday))
    assert isinstance(later, Exclusion) and later.code == "callback_later"
    due = outcome(household(contacts=yesterday), at(0, 15, 5))
    assert action_of(due) is Action.CALLBACK  # cooling off does not stop a booked callback
    assert due.reasons[0].text() == "callback booked for 15:00"  # type: ignore[union-attr]


def test_limitation_risk_leads_and_time_barred_is_not_collectable() -> None:
    near = ChargeRec("property", "2023-12", dt.date(2023, 12, 31), 30_000)
    barred = ChargeRec("property", "2023-10", dt.date(2023, 10, 31), 20_000)
    recent = ChargeRec("property", "2026-10", day(-27), 50_000)
    result = outcome(household(charges=[barred, near, recent]))
    assert action_of(result) is Action.LIMITATION_DEMAND
    assert isinstance(result, Item)
    assert result.tier == 1
    assert result.reasons[0].text() == "oldest charge (property fee 2023-12) expires in 34 days"
    assert str(result.total) == "800.00"  # the time-barred 200.00 is not collectable
    assert "200.00 time-barred, not collectable" in [r.text() for r in result.reasons]
    only_barred = outcome(household(charges=[barred]))
    assert isinstance(only_barred, Exclusion) and only_barred.code == "time_barred"
    # a reached call with its note restarted the period: no longer at risk
    spoken = [call(-10, "refused", reached=True)]
    assert action_of(outcome(household(charges=[near, recent], contacts=spoken))) is Action.CALL
    # an unanswered call restarts nothing
    unanswered = [call(-10, "no_answer")]
    result = outcome(household(charges=[near, recent], contacts=unanswered))
    assert action_of(result) is Action.LIMITATION_DEMAND


def test_disputes_pause_except_to_save_a_claim() -> None:
    dispute = ComplaintRec(7, at(-3), "service", "open", True, None)
    paused = outcome(household(complaints=[dispute]))
    assert isinstance(paused, Exclusion) and paused.code == "dispute"
    near = ChargeRec("property", "2023-12", dt.date(2023, 12, 31), 30_000)
    saved = outcome(household(complaints=[dispute], charges=[near]))
    assert action_of(saved) is Action.LIMITATION_DEMAND
    no_pause = replace(DEFAULT_POLICY, pause_on_dispute=False)
    assert action_of(outcome(household(complaints=[dispute]), policy=no_pause)) is Action.CALL


def test_litigation_and_complaint_report_back() -> None:
    suing = outcome(household(litigation_since=day(-30)))
    assert isinstance(suing, Exclusion) and suing.code == "litigation"
    resolved = ComplaintRec(8, at(-10), "cleaning", "resolved", False, day(0))
    told = outcome(household(complaints=[resolved]))
    assert action_of(told) is Action.COMPLAINT_REPORT_BACK
    not_yet = ComplaintRec(8, at(-10), "cleaning", "resolved", False, day(1))
    assert action_of(outcome(household(complaints=[not_yet]))) is Action.CALL


@pytest.mark.parametrize(
    ("days_overdue", "letters", "expected"),
    [
        (30, [], None),
        (31, [], Action.WRITTEN_DEMAND),
        (60, [letter(-20, "written_demand", day(-5))], None),  # deadline passed 5 days ago
        (60, [letter(-40, "written_demand", day(-16))], Action.COLLECTION_LETTER),
        (90, [letter(-60, "written_demand", day(-45)), letter(-29, "collection_letter")], None),
        (
            90,
            [letter(-60, "written_demand", day(-45)), letter(-30, "collection_letter")],
            Action.LAWYER_LETTER,
        ),
        (
            150,
            [
                letter(-120, "written_demand", day(-105)),
                letter(-80, "collection_letter"),
                letter(-30, "lawyer_letter"),
            ],
            Action.LITIGATION_CANDIDATE,
        ),
        (
            150,
            [letter(-80, "collection_letter"), letter(-30, "lawyer_letter")],
            Action.WRITTEN_DEMAND,  # no written demand was ever delivered: no suit
        ),
    ],
)
def test_the_written_ladder(
    days_overdue: int, letters: list[ContactRec], expected: Action | None
) -> None:
    record = household(
        charges=[ChargeRec("property", "2026-06", day(-days_overdue), 50_000)], contacts=letters
    )
    result = outcome(record, channels=frozenset({Channel.LETTER}))
    assert (None if result is None else action_of(result)) == expected


def test_company_days_off_and_weekends() -> None:
    saturday = dt.datetime(2026, 11, 28, 10, 30)
    record = household()
    no_weekends = replace(DEFAULT_POLICY, hours=ContactHours(on_weekends=False))
    facts = facts_for(record, saturday.date(), no_weekends)
    assert build_queue([facts], saturday, no_weekends, frozenset({Channel.CALL})).items == []
    facts = facts_for(record, saturday.date(), DEFAULT_POLICY)
    assert len(build_queue([facts], saturday, DEFAULT_POLICY, frozenset({Channel.CALL})).items) == 1
