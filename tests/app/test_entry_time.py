"""The entry-time rule at the moment of saving, in the app: on a shared database a collector
whose screen says 27 November cannot save it on 6 December; the form keeps what was typed."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import col, select
from textual.widgets import Select, Static

from callqueue import auth, entry_time
from callqueue.app.forms import OutcomeForm
from callqueue.app.queue_list import QueueList
from callqueue.store.database import Store
from callqueue.store.models import Contact
from tests.app.conftest import AT
from tests.app.test_flows import count, make_app, settle


@pytest.mark.real_entry_clock
async def test_a_week_old_call_cannot_be_saved_by_a_collector(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth.set_password(demo_store, "wangfang", "a long enough secret")  # a shared database
    real = [AT + dt.timedelta(days=9)]  # the machine's clock
    monkeypatch.setattr(entry_time, "real_now", lambda: real[0])
    app = make_app(demo_store)  # lina, a collector; the app's clock says AT
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app)
        await pilot.pause()
        listing = app.queue_screen.query_one(QueueList)
        call = next(i for i in listing.items if i.channel.value == "call")
        listing.cursor = listing.items.index(call)
        before = count(demo_store, Contact)
        await pilot.press("o")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, OutcomeForm)
        form.query_one("#field-outcome", Select).value = "no_answer"
        await pilot.press("ctrl+s")
        await settle(app)
        await pilot.pause()
        assert app.screen is form and count(demo_store, Contact) == before
        said = str(form.query_one("#problem-general", Static).render())
        assert "2026-11-27 10:30 is more than 7 days ago; a collector enters" in said
        assert form.query_one("#field-outcome", Select).value == "no_answer"  # kept
        real[0] = AT + dt.timedelta(hours=1)  # typed in within the hour: saved
        await pilot.press("ctrl+s")
        await settle(app)
        await pilot.pause()
        assert app.screen is not form and count(demo_store, Contact) == before + 1
    with demo_store.session() as s:
        row = s.execute(select(Contact).order_by(col(Contact.id).desc())).scalars().first()
    assert row is not None and (row.at, row.entered_at) == (AT, AT + dt.timedelta(hours=1))
