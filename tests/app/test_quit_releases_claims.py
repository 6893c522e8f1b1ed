"""Quitting the app with a household open gives the household up (issue 18, deliverable 7).

A household open on a collector's screen is held for them (`callqueue.claims`); leaving it
releases it, and so must quitting: otherwise every other collector's queue leaves it out
("held by 李娜") until the ten-minute lease runs out.

The household panel also lets go when it is unmounted, but through a worker that races the
app's shutdown: sometimes it runs, sometimes not. Quitting must not depend on it, so the
second test stops that worker from releasing anything, and the third holds a household the
way an outcome form opened from the queue does (no panel at all, and nothing else to let
it go on quitting).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from callqueue import claims
from callqueue.app.forms import OutcomeForm
from callqueue.app.household_screen import HouseholdScreen
from callqueue.store.database import Store
from callqueue.store.models import Claim, Staff
from tests.app.conftest import AT
from tests.app.test_flows import make_app, settle
from tests.app.test_work_flows import started


def claims_of_lina(store: Store) -> list[int]:
    """Every claim row of lina's, live or not: quitting must leave none behind."""
    with store.session() as session:
        query = (
            select(Claim.household_id)
            .join(Staff, Staff.id == Claim.staff_id)  # type: ignore[arg-type]
            .where(Staff.code == "lina")
            .order_by(Claim.household_id)
        )
        return list(session.execute(query).scalars())


def all_claims(store: Store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(Claim)) or 0


async def test_quitting_with_a_household_open_releases_its_claim(demo_store: Store) -> None:
    app = make_app(demo_store)
    assert all_claims(demo_store) == 0
    async with app.run_test(size=(100, 30)) as pilot:
        listing = await started(app, pilot)
        first = listing.items[0]
        await pilot.press("enter")  # open the first household: it is held for lina
        await settle(app)
        await pilot.pause()
        assert isinstance(app.screen, HouseholdScreen)
        assert app.screen.item.household_id == first.household_id
        assert claims_of_lina(demo_store) == [first.household_id]
        with demo_store.session() as session:
            held = claims.held_by_others(session, "zhangwei", AT)
        assert held[first.household_id].staff_code == "lina"
        await pilot.press("q")  # quit, as a collector does, with the household still open
        await pilot.pause()
    assert app.return_code == 0
    assert claims_of_lina(demo_store) == []
    assert all_claims(demo_store) == 0
    with demo_store.session() as session:
        assert claims.held_by_others(session, "zhangwei", AT) == {}


async def test_quitting_releases_even_when_the_panel_does_not_let_go(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(demo_store)
    let_go: list[int] = []
    monkeypatch.setattr(app, "let_go", let_go.append)  # the panel's racing worker: a no-op
    async with app.run_test(size=(100, 30)) as pilot:
        listing = await started(app, pilot)
        first = listing.items[0]
        await pilot.press("enter")
        await settle(app)
        await pilot.pause()
        assert isinstance(app.screen, HouseholdScreen)
        assert claims_of_lina(demo_store) == [first.household_id]
        await pilot.press("q")
        await pilot.pause()
    assert let_go == [first.household_id]  # the panel did ask, and was ignored
    assert claims_of_lina(demo_store) == []
    assert all_claims(demo_store) == 0


async def test_quitting_from_a_form_opened_in_the_queue_releases_its_claim(
    demo_store: Store,
) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        listing = await started(app, pilot)
        call = next(i for i in listing.items if i.channel.value == "call")
        listing.cursor = listing.items.index(call)
        await pilot.press("o")  # the outcome form, straight from the queue: it holds the household
        await settle(app)
        await pilot.pause()
        assert isinstance(app.screen, OutcomeForm)
        assert claims_of_lina(demo_store) == [call.household_id]
        await pilot.press("ctrl+q")  # quit (a form's fields take the plain q)
        await pilot.pause()
    assert app.return_code == 0
    assert claims_of_lina(demo_store) == []
    assert all_claims(demo_store) == 0
