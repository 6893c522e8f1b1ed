"""The collector's flows, driven from the keyboard with Textual's Pilot."""

from __future__ import annotations

from sqlalchemy import func, select
from textual.widgets import Input, Select, Static

from callqueue.app.app import CallqueueApp
from callqueue.app.forms import OutcomeForm, PaymentForm, PromiseForm
from callqueue.app.queue_list import QueueList
from callqueue.app.signin import SignInScreen
from callqueue.policy import DEFAULT_POLICY
from callqueue.store.database import Store
from callqueue.store.models import Contact, Payment, Promise
from tests.app.conftest import AT


def make_app(store: Store, staff: str | None = "lina") -> CallqueueApp:
    return CallqueueApp(store, DEFAULT_POLICY, staff_code=staff, clock=lambda: AT)


async def settle(app: CallqueueApp) -> None:
    await app.workers.wait_for_complete()
    await app.workers.wait_for_complete()  # a save starts a refresh


def count(store: Store, model: type) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


async def test_sign_in_then_the_queue(demo_store: Store) -> None:
    app = make_app(demo_store, staff=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app)
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        await pilot.press("down", "down", "enter")  # the third in the list
        await settle(app)
        await pilot.pause()
        listing = app.queue_screen.query_one(QueueList)
        assert listing.items and app.workspace.staff_code is not None


async def test_record_an_outcome_and_move_on(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app)
        await pilot.pause()
        listing = app.queue_screen.query_one(QueueList)
        call = next(i for i in listing.items if i.channel.value == "call")
        listing.cursor = listing.items.index(call)
        following = listing.items[listing.cursor + 1]
        before = count(demo_store, Contact)
        await pilot.press("o")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, OutcomeForm)
        form.query_one("#field-outcome", Select).value = "no_answer"
        await pilot.press("ctrl+s")
        await settle(app)
        await pilot.pause()
        assert count(demo_store, Contact) == before + 1
        assert not isinstance(app.screen, OutcomeForm)
        assert listing.current is not None
        assert listing.current.household_id == following.household_id
        status = str(app.queue_screen.query_one("#status", Static).render())
        assert f"{call.key}: call, no answer" in status


async def test_bad_input_is_kept_and_explained(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app)
        await pilot.pause()
        before = count(demo_store, Promise)
        await pilot.press("p")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PromiseForm)
        date = form.query_one("#field-promised_date", Input)
        date.value = "2026-02-30"
        form.query_one("#field-amount", Input).value = "-5"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # still open
        assert date.value == "2026-02-30"  # nothing typed is lost
        problem = str(form.query_one("#problem-promised_date", Static).render())
        assert "2026-02-30" in problem
        assert "negative" in str(form.query_one("#problem-amount", Static).render())
        date.value = "+9"  # too far out
        form.query_one("#field-amount", Input).value = "100"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "more than 5 days" in str(form.query_one("#problem-promised_date", Static).render())
        date.value = "+3"
        await pilot.press("ctrl+s")
        await settle(app)
        await pilot.pause()
        assert count(demo_store, Promise) == before + 1
        assert app.screen is not form


async def test_payment_over_the_arrears_is_refused_in_the_form(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app)
        await pilot.pause()
        before = count(demo_store, Payment)
        await pilot.press("y")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PaymentForm)
        form.query_one("#field-amount", Input).value = "99999999"
        form.query_one("#field-channel", Select).value = "wechat"
        await pilot.press("ctrl+s")
        await settle(app)
        await pilot.pause()
        assert app.screen is form and count(demo_store, Payment) == before
        assert "outstanding" in str(form.query_one("#problem-amount", Static).render())


async def test_search_filters_by_room_owner_or_phone(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app)
        await pilot.pause()
        listing = app.queue_screen.query_one(QueueList)
        target = listing.items[3]
        await pilot.press("slash")
        await pilot.press(*target.key.split("-")[-1])  # the room number
        await pilot.pause()
        assert target.household_id in {i.household_id for i in listing.items}
        assert all(target.key.split("-")[-1] in i.key for i in listing.items)
        search = app.queue_screen.query_one("#search", Input)
        search.value = target.facts.record.phones[0][-8:] if target.facts.record.phones else ""
        await pilot.pause()
        if target.facts.record.phones:
            assert [i.household_id for i in listing.items] == [target.household_id]


async def test_household_panel_timeline_grows_after_an_outcome(demo_store: Store) -> None:
    from textual.widgets import DataTable

    from callqueue.app.household_screen import HouseholdScreen

    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app)
        await pilot.pause()
        listing = app.queue_screen.query_one(QueueList)
        call = next(i for i in listing.items if i.channel.value == "call")
        listing.cursor = listing.items.index(call)
        await pilot.press("enter")
        await settle(app)
        await pilot.pause()
        panel = app.screen
        assert isinstance(panel, HouseholdScreen) and panel.view is not None
        table = panel.query_one("#events", DataTable)
        rows = table.row_count
        assert rows == len(panel.view.timeline) > 0
        people = str(panel.query_one("#people", Static).render())
        number = call.facts.record.phones[0]
        assert number not in people  # masked…
        await pilot.press("d")
        await pilot.pause()
        assert number in str(panel.query_one("#people", Static).render())  # …until dialled
        await pilot.press("o")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, OutcomeForm)
        form.query_one("#field-outcome", Select).value = "busy"
        await pilot.press("ctrl+s")
        await settle(app)
        await pilot.pause()
        assert app.screen is panel
        await settle(app)
        await pilot.pause()
        assert table.row_count == rows + 1
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.queue_screen


async def test_household_script_and_faq(demo_store: Store) -> None:
    from textual.widgets import TabbedContent

    from callqueue.app.household_screen import HouseholdScreen
    from callqueue.i18n import current_language, set_language

    before = current_language()
    set_language("zh_CN")
    try:
        app = make_app(demo_store)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app)
            await pilot.pause()
            item = app.queue_screen.query_one(QueueList).current
            assert item is not None
            await pilot.press("enter")
            await settle(app)
            await pilot.pause()
            panel = app.screen
            assert isinstance(panel, HouseholdScreen) and panel.view is not None
            await pilot.press("3")
            await pilot.pause()
            assert panel.query_one(TabbedContent).active == "script-pane"
            script = str(panel.query_one("#script", Static).render())
            assert item.owner in script and "李娜" in script
            assert f"{panel.view.total:,.2f}" in script
            await pilot.press("4")
            await pilot.press(*"电费")
            await settle(app)
            await pilot.pause()
            answers = str(panel.query_one("#faq", Static).render())
            assert "电费" in answers and "停电" not in answers
    finally:
        set_language(before)
