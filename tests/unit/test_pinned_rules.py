"""Rules pinned with fixed expected values (issue 18, deliverable 7), no database.

Each test here was written against a deliberate one-line bug that the rest of the suite let
through, and fails with that bug in place:

1. a demand made on the very last day of the limitation period restarts it (`<=`, not `<`);
3. scripts and letters ask only for the collectable amount, never time-barred money;
4. the daily visit cap takes the visit out of the queue, and says so;
6. the ranking: tiers in the documented order, then a higher score first, then the key.

(2 and the household view's totals need a database: tests/integration/test_pinned_rules.py;
5 is a Pilot test: tests/app/test_quit_releases_claims.py.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from callqueue.household_view import ChargeView, HouseholdView, PersonView, PhoneView
from callqueue.limitation import (
    Evidence,
    EvidenceKind,
    LimitationState,
    add_years,
    deadline,
    state_on,
)
from callqueue.policy import DEFAULT_POLICY, ContactCaps
from callqueue.queue.actions import Action, Channel, Stage
from callqueue.queue.build import Exclusion, Item, build_queue, evaluate
from callqueue.queue.facts import facts_for
from callqueue.queue.records import (
    ChargeRec,
    ComplaintRec,
    ContactRec,
    HouseholdRecord,
    PromiseRec,
)
from callqueue.scripts import (
    BROKEN_PROMISE,
    PHONE,
    VISIT,
    WRITTEN_DEMAND,
    render_script,
    script_values,
)

MOMENT = dt.datetime(2026, 11, 27, 10, 30)  # a Friday, a workday: calls and visits open
TODAY = MOMENT.date()
EVERY = frozenset(Channel)


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def record(hid: int, key: str, **changes: object) -> HouseholdRecord:
    """A household with a phone owing 500.00 property fee due 20 days ago."""
    made = HouseholdRecord(
        id=hid, key=key, building=key.split("-")[0], team_id=1, elderly=False,
        do_not_call=False, chronic=False, difficult=False, litigation_since=None,
        owner="王芳", phones=["13812345678"],
        charges=[ChargeRec("property", "2026-10", days(-20), 50_000)],
    )  # fmt: skip
    for name, value in changes.items():
        setattr(made, name, value)
    return made


def reached_call(when: dt.datetime, **kw: object) -> ContactRec:
    """A call that reached the owner, with its note: evidence of a demand."""
    return ContactRec(
        at=when, channel="call", outcome=str(kw.get("outcome", "refused")), reached=True,
        has_note=True, has_proof=False, callback_at=kw.get("callback_at"),  # type: ignore[arg-type]
        letter_kind=None, deadline=None,
    )  # fmt: skip


def visit(when: dt.datetime, outcome: str = "not_home", reached: bool = False) -> ContactRec:
    return ContactRec(when, "visit", outcome, reached, reached, False, None, None, None)


# --- 1. a demand on the deadline day restarts the period ------------------------------------

DUE = dt.date(2023, 5, 10)
LAST_DAY = dt.date(2026, 5, 10)  # add_years(DUE, 3): the last day it can be enforced


def test_the_last_day_is_three_years_after_the_due_date() -> None:
    assert add_years(DUE, 3) == LAST_DAY
    assert deadline(DUE, []) == LAST_DAY
    assert state_on(LAST_DAY, LAST_DAY, warn_days=90) is LimitationState.AT_RISK
    assert state_on(LAST_DAY, dt.date(2026, 5, 11), warn_days=90) is LimitationState.TIME_BARRED


def test_a_demand_reaching_the_owner_on_the_last_day_restarts_the_period() -> None:
    on_the_day = [Evidence(LAST_DAY, EvidenceKind.DEMAND)]
    assert deadline(DUE, on_the_day) == dt.date(2029, 5, 10)
    assert deadline(DUE, on_the_day, years=3) == add_years(LAST_DAY, 3)


def test_a_demand_one_day_late_revives_nothing() -> None:
    late = [Evidence(dt.date(2026, 5, 11), EvidenceKind.DEMAND)]
    assert deadline(DUE, late) == LAST_DAY
    assert state_on(deadline(DUE, late), TODAY, warn_days=90) is LimitationState.TIME_BARRED
    # ... but the owner's own promise a day late does revive it (art. 192)
    promise = [Evidence(dt.date(2026, 5, 11), EvidenceKind.PROMISE)]
    assert deadline(DUE, promise) == dt.date(2029, 5, 11)


@pytest.mark.parametrize(
    ("called_on", "total", "barred"),
    [
        (dt.date(2026, 5, 10), 30_000, 0),  # on the last day: restarted, collectable
        (dt.date(2026, 5, 11), 0, 30_000),  # a day late: time-barred
    ],
)
def test_the_queue_sees_the_demand_on_the_last_day(
    called_on: dt.date, total: int, barred: int
) -> None:
    old = record(
        1, "6-1-101",
        charges=[ChargeRec("property", "2023-04", DUE, 30_000)],
        contacts=[reached_call(at(called_on, 15))],
    )  # fmt: skip
    facts = facts_for(old, TODAY, DEFAULT_POLICY)
    assert (facts.total, facts.barred) == (total, barred)
    result = evaluate(facts, MOMENT, DEFAULT_POLICY, EVERY, EVERY)
    if barred:
        assert result == Exclusion("time_barred")
    else:
        assert isinstance(result, Item) and result.total == Decimal("300.00")


# --- 3. scripts and letters ask for the collectable amount only ------------------------------

SCRIPT_DAY = dt.date(2026, 11, 27)


def charge_view(
    n: int, period: str, due: dt.date, outstanding: str, state: LimitationState
) -> ChargeView:
    amount = Decimal(outstanding)
    return ChargeView(
        charge_id=n, fee_type="property", period=period, due_date=due, amount_due=amount,
        paid=Decimal("0.00"), pending=Decimal("0.00"), outstanding=amount, overdue=True,
        deadline=add_years(due, 3), limitation=state,
    )  # fmt: skip


def barred_and_live_view() -> HouseholdView:
    """王芳 owes 300.00 property fee of April 2023, time-barred, and 500.00 of October 2026."""
    charges = (
        charge_view(1, "2023-04", dt.date(2023, 4, 30), "300.00", LimitationState.TIME_BARRED),
        charge_view(2, "2026-10", dt.date(2026, 10, 31), "500.00", LimitationState.RUNNING),
    )
    return HouseholdView(
        id=1, key="6-2-1203", day=SCRIPT_DAY, building="6", unit="2", room="1203", floor=12,
        area=Decimal("126.00"), chronic_defaulter=False, difficult=False, elderly=False,
        no_phone=False, do_not_call=False, nonpayment_reason=None, note=None,
        move_in_date=None, new_owner=False, litigation_since=None,
        people=(
            PersonView(1, "王芳", "owner", True, (PhoneView(1, "13812345678", "mobile", False),)),
        ),
        charges=charges, arrears=(), total=Decimal("500.00"), time_barred=Decimal("300.00"),
        not_yet_due=Decimal("0.00"), days_overdue=27, stage=Stage.VISIT,
        next_action=Action.CALL, next_step="call", at_risk=None, promises_made=0,
        promises_kept=0, pending_promise=None, broken_promise=None, last_promise_date=None,
        demand_deadline=None, suggested_deadline=SCRIPT_DAY + dt.timedelta(days=15),
        callable=True, report_back=None, open_complaints=(), timeline=(),
    )  # fmt: skip


def test_only_the_live_charge_is_collectable() -> None:
    view = barred_and_live_view()
    assert [c.period for c in view.collectable_charges()] == ["2026-10"]


@pytest.mark.parametrize("kind", [PHONE, VISIT, BROKEN_PROMISE, WRITTEN_DEMAND])
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_scripts_ask_only_for_the_live_amount(kind: str, lang: str) -> None:
    view = barred_and_live_view()
    values = script_values(kind, view, collector="李娜", lang=lang)
    assert values["amount"] == "500.00"
    assert values["fees"] == ("物业费 500.00 元" if lang == "zh_CN" else "property fee 500.00 yuan")
    assert values["periods"] == ("2026年10月" if lang == "zh_CN" else "October 2026")
    text = render_script(kind, view, collector="李娜", lang=lang)
    assert "500.00" in text
    for never in ("800.00", "300.00", "2023"):
        assert never not in text, (kind, lang, never)


# --- 4. the daily visit cap -------------------------------------------------------------------


def no_phone(**changes: object) -> HouseholdRecord:
    """Owes 500.00 for 20 days and has no phone: the queue can only send someone round."""
    return record(1, "6-1-101", phones=[], **changes)


def test_a_household_without_a_visit_today_gets_one() -> None:
    yesterday = no_phone(contacts=[visit(at(days(-1), 9))])
    facts = facts_for(yesterday, TODAY, DEFAULT_POLICY)
    queue = build_queue([facts], MOMENT, DEFAULT_POLICY)
    assert [(i.key, i.action, i.channel) for i in queue.items] == [
        ("6-1-101", Action.VISIT, Channel.VISIT)
    ]


@pytest.mark.parametrize("outcome", ["not_home", "refused"])
def test_one_visit_today_reaches_the_default_cap(outcome: str) -> None:
    assert DEFAULT_POLICY.caps.visits_per_day == 1
    visited = no_phone(contacts=[visit(at(TODAY, 9), outcome, reached=outcome == "refused")])
    facts = facts_for(visited, TODAY, DEFAULT_POLICY)
    result = evaluate(facts, MOMENT, DEFAULT_POLICY, EVERY, EVERY)
    assert result == Exclusion("visit_cap")
    assert isinstance(result, Exclusion) and result.text() == "visited today already"
    queue = build_queue([facts], MOMENT, DEFAULT_POLICY, frozenset({Channel.VISIT}))
    assert queue.items == [] and queue.excluded == {1: Exclusion("visit_cap")}
    assert dict(queue.exclusions_by_reason()) == {"visit_cap": 1}


def test_the_visit_cap_leaves_the_call_of_a_household_with_a_phone() -> None:
    elderly = record(1, "6-1-101", elderly=True, contacts=[visit(at(TODAY, 9))])
    result = evaluate(
        facts_for(elderly, TODAY, DEFAULT_POLICY), MOMENT, DEFAULT_POLICY, EVERY, EVERY
    )
    assert isinstance(result, Item) and result.action is Action.CALL
    only_visits = frozenset({Channel.VISIT})
    capped = evaluate(
        facts_for(elderly, TODAY, DEFAULT_POLICY), MOMENT, DEFAULT_POLICY, only_visits, EVERY
    )
    assert capped == Exclusion("visit_cap")


TWO_VISITS = replace(DEFAULT_POLICY, caps=ContactCaps(visits_per_day=2))


def test_a_cap_of_two_visits_allows_a_second_one() -> None:
    once = no_phone(contacts=[visit(at(TODAY, 9))])
    result = evaluate(facts_for(once, TODAY, TWO_VISITS), MOMENT, TWO_VISITS, EVERY, EVERY)
    assert isinstance(result, Item) and result.action is Action.VISIT


def test_a_cap_of_two_visits_stops_the_third() -> None:
    twice = no_phone(contacts=[visit(at(TODAY, 9)), visit(at(TODAY, 10))])
    result = evaluate(facts_for(twice, TODAY, TWO_VISITS), MOMENT, TWO_VISITS, EVERY, EVERY)
    assert result == Exclusion("visit_cap")


# --- 6. the ranking ---------------------------------------------------------------------------

OLD_CHARGE = ChargeRec("property", "2023-12", dt.date(2023, 12, 31), 30_000)  # 34 days left
RECENT = ChargeRec("property", "2026-10", days(-20), 50_000)


RESOLVED = ComplaintRec(40, at(days(-10)), "cleaning", "resolved", False, TODAY)
BROKEN = PromiseRec(at(days(-9)), days(-6), "broken")


def callback_booked() -> ContactRec:
    """Yesterday the owner asked to be called back today at 10:00."""
    return reached_call(at(days(-1)), outcome="callback", callback_at=at(TODAY, 10, 0))


def one_per_tier() -> list[HouseholdRecord]:
    """One household per tier, their keys in the reverse order of their tiers."""
    return [
        record(5, "6-1-101"),  # plain call
        record(4, "6-2-101", complaints=[RESOLVED]),  # report back today
        record(3, "7-1-101", promises=[BROKEN]),
        record(2, "7-2-201", contacts=[callback_booked()]),
        record(1, "8-1-101", charges=[OLD_CHARGE, RECENT]),  # limitation risk
    ]


EXPECTED_BY_TIER = [
    ("8-1-101", 1, Action.LIMITATION_DEMAND),
    ("7-2-201", 2, Action.CALLBACK),
    ("7-1-101", 3, Action.BROKEN_PROMISE),
    ("6-2-101", 4, Action.COMPLAINT_REPORT_BACK),
    ("6-1-101", 5, Action.CALL),
]


def ranked(records: list[HouseholdRecord]) -> list[Item]:
    facts = [facts_for(r, TODAY, DEFAULT_POLICY) for r in records]
    return build_queue(facts, MOMENT, DEFAULT_POLICY).items


def placed(records: list[HouseholdRecord]) -> list[Item]:
    """The same queue, built one household at a time (as after each recording)."""
    queue = build_queue([], MOMENT, DEFAULT_POLICY)
    for r in records:
        queue.place(facts_for(r, TODAY, DEFAULT_POLICY))
    return queue.items


@pytest.mark.parametrize("rank", [ranked, placed])
def test_one_household_per_tier_in_the_documented_order(rank: object) -> None:
    items = rank(one_per_tier())  # type: ignore[operator]
    assert [(i.key, i.tier, i.action) for i in items] == EXPECTED_BY_TIER


def test_a_booked_callback_comes_before_a_broken_promise() -> None:
    broken = record(2, "6-1-102", promises=[BROKEN])
    booked = record(3, "6-1-103", contacts=[callback_booked()])
    assert [(i.key, i.tier) for i in ranked([broken, booked])] == [("6-1-103", 2), ("6-1-102", 3)]


def owing(hid: int, key: str, fen: int) -> HouseholdRecord:
    return record(hid, key, charges=[ChargeRec("property", "2026-10", days(-20), fen)])


def test_within_a_tier_a_higher_score_comes_first_then_the_key() -> None:
    # score = 1 per 100 yuan + 1 per 6 days overdue (20 // 6 = 3) + 30 (never contacted)
    households = [
        owing(1, "6-1-101", 50_000),  # 500 yuan: 5 + 3 + 30 = 38
        owing(2, "6-1-102", 500_000),  # 5,000 yuan: 50 + 3 + 30 = 83
        owing(3, "6-1-103", 200_000),  # 2,000 yuan: 20 + 3 + 30 = 53
        owing(4, "6-1-104", 2_000_000),  # 20,000 yuan: capped at 100: 133
        owing(5, "6-1-100", 200_000),  # 2,000 yuan: 53, the same as 6-1-103
    ]
    expected = [
        ("6-1-104", 5, 133),
        ("6-1-102", 5, 83),
        ("6-1-100", 5, 53),
        ("6-1-103", 5, 53),
        ("6-1-101", 5, 38),
    ]
    assert [(i.key, i.tier, i.score) for i in ranked(households)] == expected
    assert [(i.key, i.tier, i.score) for i in placed(households)] == expected


def test_tier_beats_score() -> None:
    rich_caller = owing(1, "6-1-101", 2_000_000)  # score 133, tier 5
    poor_promise = record(
        2, "9-9-999",
        charges=[ChargeRec("property", "2026-10", days(-20), 100)],
        promises=[PromiseRec(at(days(-9)), days(-6), "broken")],
    )  # fmt: skip
    items = ranked([rich_caller, poor_promise])
    assert [(i.key, i.tier, i.score) for i in items] == [("9-9-999", 3, 41), ("6-1-101", 5, 133)]
