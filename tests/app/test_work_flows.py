"""Flows beyond a single call: filters, the palette, the visit round, letters, complaint
progress, leaders' prepared words, the payment preview and an unexpected error."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import Input, OptionList, Select, Static, TextArea

from callqueue.app.app import CallqueueApp
from callqueue.app.choice import ChoiceScreen
from callqueue.app.forms import ComplaintProgressForm, LetterForm, OutcomeForm, PaymentForm
from callqueue.app.household_screen import HouseholdScreen
from callqueue.app.prepared_words import FaqForm, ScriptForm
from callqueue.app.queue_list import QueueList
from callqueue.app.visit_screen import VisitScreen
from callqueue.store.database import Store
from callqueue.store.models import (
    Building,
    CallScript,
    Complaint,
    ComplaintStatus,
    ComplaintUpdate,
    Contact,
    FaqEntry,
    Household,
    table_of,
)
from tests.app.conftest import AT
from tests.app.test_flows import count, make_app, settle


async def started(app: CallqueueApp, pilot: object) -> QueueList:
    await settle(app)
    await pilot.pause()  # type: ignore[attr-defined]
    return app.queue_screen.query_one(QueueList)


async def test_filter_by_building_and_action(demo_store: Store) -> None:
    app = make_app(demo_store, staff="manager")  # every building
    async with app.run_test(size=(100, 30)) as pilot:
        listing = await started(app, pilot)
        everything = list(listing.items)
        assert len({i.building for i in everything}) == 3
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("down", "down", "enter")  # every building, 6, then 7
        await pilot.pause()
        assert listing.items and {i.building for i in listing.items} == {"7"}
        assert [i for i in everything if i.building == "7"] == listing.items  # order kept
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("down", "enter")  # the first action in the building
        await pilot.pause()
        first = listing.items[0].action
        assert all(i.action is first and i.building == "7" for i in listing.items)
        status = str(app.queue_screen.query_one("#status", Static).render())
        assert "building 7" in status
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("escape")  # leaves the filter as it was
        await pilot.pause()
        assert {i.building for i in listing.items} == {"7"}
        await pilot.press("b", "home", "enter", "a", "home", "enter")
        await pilot.pause()
        assert listing.items == everything


async def test_palette_finds_a_household_the_queue_holds_back(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        queue = app.workspace.queue
        assert queue is not None and queue.excluded
        held = next(iter(queue.excluded))  # e.g. a promise not yet due
        assert app.workspace.book is not None
        record = app.workspace.book.facts[held].record
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*record.key)
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(app)
        await pilot.pause()
        panel = app.screen
        assert isinstance(panel, HouseholdScreen) and panel.item.key == record.key


async def test_visit_round_records_at_the_door(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("v")
        await pilot.pause()
        visits = app.screen
        assert isinstance(visits, VisitScreen) and visits.stops
        floors = [
            s.floor or 0
            for s in visits.stops
            if (s.building, s.unit) == visits.stops[0].landing[:2]
        ]
        assert floors == sorted(floors, reverse=True)  # top floor down
        first = visits.current
        assert first is not None
        before = count(demo_store, Contact)
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, OutcomeForm)
        assert form.query_one("#field-channel", Select).value == "visit"
        assert not form.query_one("#field-phone_number").display  # no number at the door
        form.query_one("#field-outcome", Select).value = "not_home"
        await pilot.press("ctrl+s")
        await settle(app)
        await pilot.pause()
        assert app.screen is visits and count(demo_store, Contact) == before + 1
        assert first.item.household_id in visits.done
        head = str(visits.query_one("#round", Static).render())
        assert f"{len(visits.stops) - 1} still to knock on" in head
        assert visits.current is not first  # on to the next door
        await pilot.press("t")  # every debtor in the building
        await pilot.pause()
        assert len(visits.stops) > len(visits.done)
        assert first.item.household_id in visits.done  # the round remembers


async def test_letter_form_with_proof(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(100, 40)) as pilot:
        listing = await started(app, pilot)
        demand = next(i for i in listing.items if i.action.value == "limitation_demand")
        listing.cursor = listing.items.index(demand)
        before = count(demo_store, Contact)
        await pilot.press("l")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, LetterForm)
        assert form.query_one("#field-kind", Select).value == "written_demand"
        form.query_one("#field-deadline", Input).value = "2026-11-30"  # too soon
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "2026-11-30" in str(form.query_one("#problem-deadline", Static).render())
        assert "proof" in str(form.query_one("#problem-proof", Static).render()).lower()
        form.query_one("#field-deadline", Input).value = "2026-12-14"
        form.query_one("#field-proof", Input).value = "EMS 1180 2233 4455"
        await pilot.press("ctrl+s")
        await settle(app)
        await pilot.pause()
        assert app.screen is not form and count(demo_store, Contact) == before + 1
        assert listing.current is not None and listing.current.household_id != demand.household_id


def open_complaint_household(store: Store) -> tuple[str, int]:
    with store.session() as session:
        h, b, c = table_of(Household), table_of(Building), table_of(Complaint)
        row = session.execute(
            select(b.c.code, h.c.unit, h.c.room, c.c.id)
            .join(h, h.c.building_id == b.c.id)
            .join(c, c.c.household_id == h.c.id)
            .where(b.c.code == "6", c.c.status != ComplaintStatus.CLOSED.value)
            .order_by(c.c.id)
        ).first()
        assert row is not None
        code, unit, room, complaint_id = row
        return (f"{code}-{unit}-{room}" if unit else f"{code}-{room}"), complaint_id


async def open_panel(app: CallqueueApp, pilot: object, key: str) -> HouseholdScreen:
    await open_panel_of(app, pilot, key)
    await settle(app)
    await pilot.pause()  # type: ignore[attr-defined]
    panel = app.screen
    assert isinstance(panel, HouseholdScreen) and panel.item.key == key
    return panel


async def test_complaint_progress_until_closed(demo_store: Store) -> None:
    key, complaint_id = open_complaint_household(demo_store)
    app = make_app(demo_store)
    async with app.run_test(size=(100, 40)) as pilot:
        await started(app, pilot)
        panel = await open_panel(app, pilot, key)
        for status in ("resolved", "closed"):
            await pilot.press("g")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, ComplaintProgressForm)
            form.query_one("#field-complaint_id", Select).value = str(complaint_id)
            form.query_one("#field-status", Select).value = status
            await pilot.press("ctrl+s")  # no note: refused, the choices stay
            await pilot.pause()
            assert app.screen is form
            assert form.query_one("#field-status", Select).value == status
            form.query_one("#field-note", Input).value = f"{status}: told the owner on the phone"
            await pilot.press("ctrl+s")
            await settle(app)
            await pilot.pause()
            assert app.screen is panel
        with demo_store.session() as session:
            complaint = session.get(Complaint, complaint_id)
            assert complaint is not None and complaint.status == ComplaintStatus.CLOSED
            updates = session.scalars(
                select(ComplaintUpdate).where(ComplaintUpdate.complaint_id == complaint_id)  # type: ignore[arg-type]
            ).all()
            assert {u.status for u in updates} >= {"resolved", "closed"}
        await settle(app)
        await pilot.pause()
        assert panel.view is not None
        assert complaint_id not in {c.id for c in panel.view.open_complaints}


async def test_leader_changes_a_faq_answer_and_a_script(demo_store: Store) -> None:
    app = make_app(demo_store, staff="wangfang")
    async with app.run_test(size=(100, 40)) as pilot:
        listing = await started(app, pilot)
        assert listing.current is not None
        await pilot.press("enter")
        await settle(app)
        await pilot.pause()
        panel = app.screen
        assert isinstance(panel, HouseholdScreen)
        await pilot.press("4", "enter")  # the FAQ tab; Enter leaves the search box for the list
        await pilot.pause()
        assert panel.query_one("#faq-list", OptionList).has_focus
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FaqForm)
        await pilot.press("ctrl+s")  # empty: refused, nothing written
        await pilot.pause()
        assert app.screen is form and "question" in str(
            form.query_one("#problem-question", Static).render()
        )
        form.query_one("#field-question", Input).value = "Can I pay by instalments?"
        form.query_one("#field-answer", TextArea).text = "Yes: agree the dates with your collector."
        form.query_one("#field-tags", Input).value = "instalments, hardship"
        before = count(demo_store, FaqEntry)
        await pilot.press("ctrl+s")
        await settle(app)
        await pilot.pause()
        assert app.screen is panel and count(demo_store, FaqEntry) == before + 1
        await pilot.press("3", "e")
        await pilot.pause()
        script = app.screen
        assert isinstance(script, ScriptForm)
        area = script.query_one("#field-text", TextArea)
        area.text = area.text + " {nonsense}"
        await pilot.press("ctrl+s")
        await settle(app)
        await pilot.pause()
        assert app.screen is script and "nonsense" in str(
            script.query_one("#problem-text", Static).render()
        )
        area.text = "{owner}, this is {collector}: {amount} yuan is owed; when can you pay?"
        await pilot.press("ctrl+s")
        await settle(app)
        await pilot.pause()
        assert app.screen is panel and count(demo_store, CallScript) == 1
        await settle(app)
        await pilot.pause()
        shown = str(panel.query_one("#script", Static).render())
        assert f"{panel.view.total:,.2f} yuan is owed" in shown  # type: ignore[union-attr]


async def test_a_collector_cannot_change_the_prepared_words(demo_store: Store) -> None:
    app = make_app(demo_store)  # lina, a collector
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("enter")
        await settle(app)
        await pilot.pause()
        await pilot.press("3", "e")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdScreen)


async def test_payment_preview_shows_what_it_settles(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(100, 40)) as pilot:
        listing = await started(app, pilot)
        item = listing.current
        assert item is not None
        await pilot.press("y")
        await settle(app)
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PaymentForm)
        preview = str(form.query_one("#preview", Static).render())
        assert "settled" in preview  # the whole amount settles every charge
        form.query_one("#field-amount", Input).value = "1"
        await settle(app)
        await pilot.pause()
        preview = str(form.query_one("#preview", Static).render())
        assert "still owed" in preview and "1.00" in preview
        form.query_one("#field-amount", Input).value = "abc"
        await settle(app)
        await pilot.pause()
        assert str(form.query_one("#preview", Static).render()) == ""
        assert form.query_one("#field-amount", Input).value == "abc"


async def test_an_unexpected_error_is_logged_not_shown(
    demo_store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from callqueue import crash

    log = tmp_path / "callqueue.log"
    monkeypatch.setattr(crash, "log_path", lambda: log)
    app = make_app(demo_store)

    def broken() -> None:
        raise RuntimeError("a bug in a key handler")

    with pytest.raises(RuntimeError):
        async with app.run_test(size=(100, 30)) as pilot:
            await started(app, pilot)
            app.queue_screen.action_next = broken  # type: ignore[method-assign]
            await pilot.press("n")
            await pilot.pause()
    assert app.crash_log == log and "a bug in a key handler" in log.read_text()
    shown = capsys.readouterr().err
    assert "Start callqueue again" in shown and log.name in shown
    assert "Traceback" not in shown


async def test_correct_a_call_and_reverse_a_payment(demo_store: Store) -> None:
    from textual.widgets import DataTable

    from callqueue.app.forms import ContactCorrectionForm, PaymentForm, PaymentReversalForm
    from callqueue.store.models import Payment

    app = make_app(demo_store)
    async with app.run_test(size=(100, 40)) as pilot:
        listing = await started(app, pilot)
        call = next(i for i in listing.items if i.channel.value == "call")
        listing.cursor = listing.items.index(call)
        await pilot.press("enter")
        await settle(app)
        await pilot.pause()
        panel = app.screen
        assert isinstance(panel, HouseholdScreen)
        await pilot.press("o")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, OutcomeForm)
        form.query_one("#field-outcome", Select).value = "busy"
        await pilot.press("ctrl+s")
        await settle(app)
        await pilot.pause()
        await pilot.press("2")  # the timeline, newest first: the call just recorded
        await pilot.pause()
        table = panel.query_one("#events", DataTable)
        table.move_cursor(row=0)
        contacts = count(demo_store, Contact)
        await pilot.press("c")
        await pilot.pause()
        correction = app.screen
        assert isinstance(correction, ContactCorrectionForm)
        correction.query_one("#field-outcome", Select).value = "no_answer"
        await pilot.press("ctrl+s")  # no reason: refused
        await pilot.pause()
        assert app.screen is correction
        correction.query_one("#field-reason", Input).value = "wrong button"
        await pilot.press("ctrl+s")
        await settle(app)
        await pilot.pause()
        assert app.screen is panel and count(demo_store, Contact) == contacts + 1
        await settle(app)
        await pilot.pause()
        assert panel.view is not None
        statuses = [e.status for e in panel.view.timeline if e.kind == "contact"]
        assert "corrected" in statuses  # the original stays, marked
        await pilot.press("y")
        await settle(app)
        await pilot.pause()
        pay = app.screen
        assert isinstance(pay, PaymentForm)
        pay.query_one("#field-amount", Input).value = "10"
        pay.query_one("#field-channel", Select).value = "wechat"
        await pilot.press("ctrl+s")
        await settle(app)
        await pilot.pause()
        await settle(app)
        await pilot.pause()
        await pilot.press("2")
        row = next(n for n, e in enumerate(panel.view.timeline) if e.kind == "payment")
        table.move_cursor(row=row)
        payments = count(demo_store, Payment)
        await pilot.press("c")
        await pilot.pause()
        reversal = app.screen
        assert isinstance(reversal, PaymentReversalForm)
        reversal.query_one("#field-reason", Input).value = "recorded twice"
        await pilot.press("ctrl+s")
        await settle(app)
        await pilot.pause()
        assert app.screen is panel and count(demo_store, Payment) == payments + 1


async def test_a_household_is_held_while_open_and_others_keep_out(demo_store: Store) -> None:
    from callqueue import claims

    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        listing = await started(app, pilot)
        mine, theirs = listing.items[0], listing.items[1]
        taken = claims.claim(demo_store, theirs.household_id, "zhangwei", AT, claims.DEFAULT_LEASE)
        assert isinstance(taken, claims.Claimed)
        app.refresh_held()
        await settle(app)
        await pilot.pause()
        assert theirs.household_id not in {i.household_id for i in listing.items}
        await pilot.press("enter")  # open the first household: it is held for lina
        await settle(app)
        await pilot.pause()
        assert isinstance(app.screen, HouseholdScreen)
        with demo_store.session() as session:
            held = claims.held_by_others(session, "zhangwei", AT)
        assert held[mine.household_id].staff_code == "lina"
        await pilot.press("escape")  # leaving lets it go
        await settle(app)
        await pilot.pause()
        with demo_store.session() as session:
            assert mine.household_id not in claims.held_by_others(session, "zhangwei", AT)
        await open_panel_of(app, pilot, theirs.key)  # found by the palette, held by 张伟
        await settle(app)
        await pilot.pause()
        assert app.screen is app.queue_screen  # the panel closed again, saying who holds it


async def open_panel_of(app: CallqueueApp, pilot: object, key: str) -> None:
    await pilot.press("ctrl+p")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.press(*key)  # type: ignore[attr-defined]
    await pilot.pause(0.5)  # type: ignore[attr-defined]
    await pilot.press("enter")  # type: ignore[attr-defined]
