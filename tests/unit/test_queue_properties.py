"""Invariants of the queue over random households and moments (hypothesis)."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from callqueue.policy import DEFAULT_POLICY
from callqueue.queue.actions import Channel
from callqueue.queue.build import build_queue
from callqueue.queue.facts import facts_for
from callqueue.queue.records import (
    ChargeRec,
    ComplaintRec,
    ContactRec,
    HouseholdRecord,
    PromiseRec,
)
from callqueue.store.models import REACHED_OUTCOMES, ContactOutcome
from callqueue.windows import is_open

BASE = dt.date(2026, 11, 23)  # a Monday; moments fall in the week after
POLICY = DEFAULT_POLICY
CAP = POLICY.caps.call_attempts_per_day


def moments() -> st.SearchStrategy[dt.datetime]:
    return st.builds(
        lambda d, minute: (
            dt.datetime.combine(BASE + dt.timedelta(days=d), dt.time(7))
            + dt.timedelta(minutes=minute)
        ),
        st.integers(0, 6),
        st.integers(0, 14 * 60),
    )


@st.composite
def households(draw: st.DrawFn, household_id: int, moment: dt.datetime) -> HouseholdRecord:
    charges = sorted(
        draw(
            st.lists(
                st.builds(
                    lambda days, fen: ChargeRec(
                        "property", "2026-01", BASE + dt.timedelta(days=days), fen
                    ),
                    st.integers(-1300, 25),
                    st.integers(1, 500_000),
                ),
                max_size=4,
            )
        ),
        key=lambda c: c.due,
    )
    contacts = []
    for _ in range(draw(st.integers(0, 6))):
        when = dt.datetime.combine(BASE, dt.time(8)) + dt.timedelta(
            days=draw(st.integers(-40, 6)), minutes=draw(st.integers(0, 12 * 60))
        )
        channel = draw(st.sampled_from(["call", "call", "visit", "sms", "letter"]))
        outcome = draw(st.sampled_from(list(ContactOutcome)))
        callback = when + dt.timedelta(hours=draw(st.integers(1, 30)))
        contacts.append(
            ContactRec(
                when, channel, outcome, outcome in REACHED_OUTCOMES, draw(st.booleans()),
                draw(st.booleans()), callback if outcome == "callback" else None,
                draw(st.sampled_from([None, "written_demand", "collection_letter"])),
                when.date() + dt.timedelta(days=15),
            )
        )  # fmt: skip
    for minutes in draw(st.lists(st.integers(1, 180), max_size=3)):  # earlier the same day
        when = moment - dt.timedelta(minutes=minutes)
        outcome = draw(st.sampled_from(["no_answer", "busy", "refused", "callback"]))
        contacts.append(
            ContactRec(when, "call", outcome, outcome in REACHED_OUTCOMES, True, False,
                       when + dt.timedelta(hours=2) if outcome == "callback" else None, None, None)
        )  # fmt: skip
    contacts.sort(key=lambda c: c.at)
    promises = [
        PromiseRec(
            dt.datetime.combine(BASE + dt.timedelta(days=made), dt.time(11)),
            BASE + dt.timedelta(days=made + draw(st.integers(1, 5))),
            draw(st.sampled_from(["open", "kept", "broken", "cancelled"])),
        )
        for made in sorted(draw(st.lists(st.integers(-30, 6), max_size=2)))
    ]
    complaints = [
        ComplaintRec(
            household_id,
            dt.datetime.combine(BASE, dt.time(9)),
            "cleaning",
            draw(st.sampled_from(["open", "in_progress", "resolved", "closed"])),
            draw(st.booleans()),
            BASE,
        )
        for _ in range(draw(st.integers(0, 1)))
    ]
    return HouseholdRecord(
        id=household_id, key=f"6-1-{100 + household_id}", building="6", team_id=1,
        elderly=draw(st.booleans()), do_not_call=draw(st.booleans()), chronic=False,
        difficult=False, litigation_since=None, owner="张伟",
        phones=["13800000000", "0755-83456789"][: draw(st.integers(0, 2))],
        charges=charges, contacts=contacts,
        promises=promises, complaints=complaints,
    )  # fmt: skip


@st.composite
def books(draw: st.DrawFn) -> tuple[list[HouseholdRecord], dt.datetime]:
    moment = draw(moments())
    return [draw(households(n, moment)) for n in range(draw(st.integers(1, 8)))], moment


@settings(max_examples=150, deadline=None)
@given(books())
def test_queue_invariants(book: tuple[list[HouseholdRecord], dt.datetime]) -> None:
    records, moment = book
    facts = [facts_for(r, moment.date(), POLICY) for r in records]
    queue = build_queue(facts, moment, POLICY)
    by_id = {f.record.id: f for f in facts}
    for item in queue.items:
        f = by_id[item.household_id]
        if item.channel is Channel.CALL:  # no call outside a call window
            assert is_open("call", moment, POLICY)
            assert f.calls_today < CAP  # never more attempts than the cap
            assert not f.conversation_today
            assert not f.record.do_not_call and f.record.working_phones > 0
        if item.channel is Channel.VISIT:
            assert is_open("visit", moment, POLICY)
        assert f.pending_promise is None  # a promise not yet due hides the household
        assert f.dispute_since is None or item.tier == 1
    keys = [item.sort_key for item in queue.items]
    assert keys == sorted(keys)  # tier, then score, then key


@settings(max_examples=100, deadline=None)
@given(books(), st.randoms(use_true_random=False))
def test_order_is_deterministic_and_incremental_updates_agree(
    book: tuple[list[HouseholdRecord], dt.datetime], rng: random.Random
) -> None:
    records, moment = book
    facts = [facts_for(r, moment.date(), POLICY) for r in records]
    full = build_queue(facts, moment, POLICY)
    shuffled = facts[:]
    rng.shuffle(shuffled)
    again = build_queue(shuffled, moment, POLICY)
    assert [(i.key, i.action) for i in again.items] == [(i.key, i.action) for i in full.items]
    # one household at a time, as after recorded outcomes, gives the same queue
    incremental = build_queue([], moment, POLICY)
    for f in shuffled:
        incremental.place(f)
    for f in shuffled[: len(shuffled) // 2]:
        incremental.place(f)  # placing again replaces, never duplicates
    assert [(i.key, i.action) for i in incremental.items] == [(i.key, i.action) for i in full.items]
    assert incremental.excluded == full.excluded and incremental.waiting == full.waiting


@settings(max_examples=100, deadline=None)
@given(
    st.integers(0, 4),
    st.sampled_from([dt.time(10, 40), dt.time(11, 50), dt.time(15, 30), dt.time(17, 45)]),
    st.integers(0, 4),
    st.booleans(),
)
def test_never_more_call_attempts_than_the_cap(
    attempts: int, time: dt.time, weekday: int, reached_last: bool
) -> None:
    moment = dt.datetime.combine(BASE + dt.timedelta(days=weekday), time)
    contacts = [
        ContactRec(moment - dt.timedelta(minutes=5 * (attempts - n)), "call",
                   "refused" if reached_last and n == attempts - 1 else "no_answer",
                   reached_last and n == attempts - 1, True, False, None, None, None)
        for n in range(attempts)
    ]  # fmt: skip
    record = HouseholdRecord(
        1, "6-1-101", "6", 1, False, False, False, False, None, "张伟", ["13800000000"],
        [ChargeRec("property", "2026-10", BASE - dt.timedelta(days=10), 10_000)], contacts,
    )  # fmt: skip
    queue = build_queue([facts_for(record, moment.date(), POLICY)], moment, POLICY)
    calls = [item for item in queue.items if item.channel is Channel.CALL]
    assert bool(calls) == (attempts < CAP and not (reached_last and attempts > 0))
