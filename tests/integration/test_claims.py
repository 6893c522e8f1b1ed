"""Claims: a household open on one collector's screen is held for a lease, on both databases,
and other collectors' queues leave it out as "held by 李娜 until 10:40"."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from callqueue import claims
from callqueue.claims import DEFAULT_LEASE, Claimed, HeldBy, UnknownStaff
from callqueue.demo import DEMO_COLLECTOR, DEMO_LEADER, DEMO_MANAGER, fill_demo
from callqueue.i18n import exclusion_label, exclusion_text, set_language
from callqueue.policy import DEFAULT_POLICY
from callqueue.store.database import Store
from callqueue.store.models import Claim, Staff
from callqueue.workspace import Workspace
from tests.conftest import DEMO_DAY

AT = dt.datetime(2026, 11, 27, 10, 30)
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def small_demo(store: Store) -> Store:
    """A small demo (24 households) on each database."""
    fill_demo(store, households=24, today=DEMO_DAY)
    return store


def _collectors(store: Store) -> list[str]:
    """The demo's collectors of team 6 (lina first)."""
    with store.session() as session:
        team = session.execute(select(Staff.team_id).where(Staff.code == DEMO_COLLECTOR)).scalar()
        codes = session.execute(
            select(Staff.code).where(Staff.team_id == team, Staff.role == "collector")
        ).scalars()
        return sorted(codes, key=lambda code: (code != DEMO_COLLECTOR, code))


def _name(store: Store, code: str) -> str:
    with store.session() as session:
        return str(session.execute(select(Staff.name).where(Staff.code == code)).scalar())


def _households(store: Store) -> list[int]:
    from callqueue.store.models import Household

    with store.session() as session:
        return sorted(session.execute(select(Household.id)).scalars())


def test_a_claim_holds_a_household_until_its_lease_runs_out(small_demo: Store) -> None:
    store = small_demo
    lina, other = _collectors(store)[:2]
    home = _households(store)[0]

    mine = claims.claim(store, home, lina, AT)
    assert mine == Claimed(home, lina, AT, AT + DEFAULT_LEASE)

    theirs = claims.claim(store, home, other, AT + MINUTE)
    assert theirs == HeldBy(home, lina, _name(store, lina), AT + DEFAULT_LEASE)
    assert claims.release(store, home, other) is False  # not theirs to release

    renewed = claims.renew(store, home, lina, AT + 5 * MINUTE)
    assert renewed == Claimed(home, lina, AT, AT + 5 * MINUTE + DEFAULT_LEASE)  # same start

    expired = AT + 5 * MINUTE + DEFAULT_LEASE  # lina's terminal crashed: nobody renewed
    assert claims.claim(store, home, other, expired) == Claimed(
        home, other, expired, expired + DEFAULT_LEASE
    )
    # lina comes back too late: the household is the other collector's now
    assert isinstance(claims.renew(store, home, lina, expired + MINUTE), HeldBy)

    assert claims.release(store, home, other) is True
    assert claims.claim(store, home, lina, expired + MINUTE, lease=2 * MINUTE) == Claimed(
        home, lina, expired + MINUTE, expired + 3 * MINUTE
    )
    with pytest.raises(UnknownStaff):
        claims.claim(store, home, "nobody", AT)


def test_held_by_others_and_release_all(small_demo: Store) -> None:
    store = small_demo
    lina, other = _collectors(store)[:2]
    first, second, third = _households(store)[:3]
    claims.claim(store, first, lina, AT)
    claims.claim(store, second, other, AT)
    claims.claim(store, third, other, AT - DEFAULT_LEASE)  # already expired at AT

    with store.session() as session:
        for_lina = claims.held_by_others(session, lina, AT)
        for_other = claims.held_by_others(session, other, AT)
        everyone = claims.held_by_others(session, None, AT)
        assert list(claims.claims_of(session, lina, AT)) == [
            Claimed(first, lina, AT, AT + DEFAULT_LEASE)
        ]
    assert set(for_lina) == {second} and for_lina[second].staff_code == other
    assert set(for_other) == {first} and for_other[first].until == AT + DEFAULT_LEASE
    assert set(everyone) == {first, second}

    assert claims.release_all(store, other) == 2
    with store.session() as session:
        assert claims.held_by_others(session, lina, AT) == {}


def test_claim_next_takes_the_first_household_nobody_else_holds(small_demo: Store) -> None:
    store = small_demo
    lina, other, third = _collectors(store)[:3]
    ranked = _households(store)[:6]
    claims.claim(store, ranked[0], other, AT)
    claims.claim(store, ranked[1], third, AT)
    claims.claim(store, ranked[2], other, AT - DEFAULT_LEASE)  # expired: free again

    got = claims.claim_next(store, lina, ranked, AT)
    assert got == Claimed(ranked[2], lina, AT, AT + DEFAULT_LEASE)
    # lina's own live claim is not "held by someone else": asked again, she gets it again
    assert claims.claim_next(store, lina, ranked[:3], AT + MINUTE) == Claimed(
        ranked[2], lina, AT, AT + MINUTE + DEFAULT_LEASE
    )
    assert claims.claim_next(store, other, ranked[1:3], AT) is None  # both held by others
    assert claims.claim_next(store, other, [], AT) is None
    nxt = claims.claim_next(store, other, [ranked[1], ranked[2], ranked[3]], AT)
    assert nxt is not None and nxt.household_id == ranked[3]


def test_another_collectors_queue_leaves_a_held_household_out(small_demo: Store) -> None:
    store = small_demo
    lina, other = _collectors(store)[:2]
    clock = [AT]
    mine = Workspace(store, DEFAULT_POLICY, staff_code=lina, clock=lambda: clock[0])
    theirs = Workspace(store, DEFAULT_POLICY, staff_code=other, clock=lambda: clock[0])
    before = theirs.load()
    ranked = [item.household_id for item in mine.load().items]
    assert ranked == [item.household_id for item in before.items]  # same team, same queue
    top = ranked[0]

    got = mine.claim_next()
    assert got is not None and got.household_id == top
    queue = theirs.rank()
    assert top not in {item.household_id for item in queue.items}
    exclusion = queue.excluded[top]
    name = _name(store, lina)
    assert exclusion.code == "held"
    assert exclusion.text() == f"held by {name} until 10:40"
    assert queue.exclusions_by_reason()["held"] == 1
    assert top in {item.household_id for item in mine.rank().items}  # not out of her own
    # the other collector's next is the second household, not lina's
    nxt = theirs.claim_next()
    assert nxt is not None and nxt.household_id == ranked[1]
    assert ranked[1] not in {item.household_id for item in mine.refresh_held().items}

    mine.release(top)
    queue = theirs.refresh_held()
    assert top in {item.household_id for item in queue.items} and top not in queue.excluded
    assert [i.household_id for i in queue.items] == [i.household_id for i in before.items]

    # a crashed terminal: the claim frees itself once the lease runs out
    assert isinstance(mine.claim(ranked[2]), Claimed)
    assert ranked[2] in theirs.rank().excluded
    clock[0] = AT + DEFAULT_LEASE
    assert ranked[2] in {item.household_id for item in theirs.rank().items}

    assert theirs.release_all() == 1


def test_the_held_reason_in_chinese(small_demo: Store) -> None:
    store = small_demo
    lina, other = _collectors(store)[:2]
    theirs = Workspace(store, DEFAULT_POLICY, staff_code=other, clock=lambda: AT)
    top = theirs.load().items[0].household_id
    claims.claim(store, top, lina, AT)
    exclusion = theirs.rank().excluded[top]
    try:
        set_language("zh_CN")
        assert exclusion_text(exclusion) == f"{_name(store, lina)}正在处理，保留至 10:40"
        assert exclusion_label("held") == "他人处理中"
    finally:
        set_language("en")


def test_managers_and_leaders_see_held_households_too(small_demo: Store) -> None:
    store = small_demo
    lina = _collectors(store)[0]
    for code in (DEMO_LEADER, DEMO_MANAGER):
        workspace = Workspace(store, DEFAULT_POLICY, staff_code=code, clock=lambda: AT)
        top = workspace.load().items[0].household_id
        claims.claim(store, top, lina, AT)
        assert workspace.rank().excluded[top].code == "held"
        claims.release(store, top, lina)


def test_the_light_claims_table_matches_the_model() -> None:
    real = Claim.__table__  # type: ignore[attr-defined]
    assert claims.CLAIMS.name == real.name
    for column in claims.CLAIMS.c:
        assert type(column.type) is type(real.c[column.name].type)
    for column in claims.STAFF.c:
        assert column.name in Staff.__table__.c  # type: ignore[attr-defined]
