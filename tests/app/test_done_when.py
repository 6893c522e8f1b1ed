"""The workspace issue's "done when", as a collector lives it, in Chinese and in English.

A collector signs in from the list, then works ten households in a row from the top of her
queue with the keyboard: opens each (Enter), records what happened in the form the
household needs (a call with no answer, a promise, a complaint, a payment, a callback,
a letter for a written demand, a visit), sees it land at the top of the household's
timeline, goes back (Escape) and finds the queue moved on. Two of the forms get bad input
first: the form stays open, says what is wrong, and keeps every character typed. Every
screen along the way is checked for words of the other language.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Input, Select, Static

from callqueue.app.app import CallqueueApp
from callqueue.app.forms import EntryForm
from callqueue.app.household_screen import HouseholdScreen
from callqueue.app.queue_list import QueueList
from callqueue.app.signin import SignInScreen
from callqueue.i18n import current_language, set_language
from callqueue.policy import DEFAULT_POLICY
from callqueue.store.database import Store
from callqueue.store.models import Complaint, Contact, Payment, Promise
from tests.app.conftest import AT

# Words the same in both languages: key names, EMS and POS.
SHARED_WORDS = {
    "EMS",
    "POS",
    "Ctrl",
    "Esc",
    "Enter",
    "Tab",
    "T1",
    "T2",
    "T3",
    "T4",
    "T5",
    "T6",
    "T7",
    "T8",
    "T9",
}
_TEXT = re.compile(r"<text[^>]*>(.*?)</text>", re.S)
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z']{2,}")


@pytest.fixture(params=["zh_CN", "en"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    before = current_language()
    set_language(request.param)
    yield request.param
    set_language(before)


def screen_text(app: CallqueueApp) -> str:
    """What the terminal shows, as text (from the screenshot Textual would export)."""
    svg = app.export_screenshot()
    return html.unescape("".join(_TEXT.findall(svg))).replace("\xa0", " ")


def foreign_words(app: CallqueueApp, language: str) -> set[str]:
    text = screen_text(app)
    if language == "zh_CN":
        return set(_LATIN_WORD.findall(text)) - SHARED_WORDS - ALLOWED
    return set(re.findall(r"[\u4e00-\u9fff]+", text)) - ALLOWED


# Either language shows these as they are: the app's name, staff codes (typed with --as),
# and people's names.
ALLOWED: set[str] = {"callqueue"}


def rows(store: Store, model: type) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def choose(pilot: Pilot[None], form: EntryForm, field: str, value: str) -> None:
    """Pick `value` in a Select from the keyboard: open it, walk down to it, Enter."""
    select_widget = form.query_one(f"#field-{field}", Select)
    select_widget.focus()
    await pilot.press("enter")
    await pilot.pause()
    from textual.widgets._select import SelectOverlay

    target = [v for _label, v in select_widget._options].index(value)
    now = select_widget.query_one(SelectOverlay).highlighted or 0
    step = "down" if target >= now else "up"
    await pilot.press(*[step] * abs(target - now), "enter")
    await pilot.pause()
    assert select_widget.value == value


async def type_into(pilot: Pilot[None], form: EntryForm, field: str, text: str) -> None:
    """Clear a text field (the collector's Ctrl+A, Delete) and fill in `text`.

    The text goes in as one value rather than key by key: the flow's keys (navigation,
    Enter, Escape, the form's shortcuts) are still pressed, only the typing inside the box
    is one assignment (each key press costs a Pilot round trip to an idle app)."""
    box = form.query_one(f"#field-{field}", Input)
    box.focus()
    await pilot.press("ctrl+a", "delete") if box.value else None
    box.value = text
    box.cursor_position = len(text)
    await pilot.pause()
    assert box.value == text


async def save(pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)


def problem(form: EntryForm, field: str) -> str:
    return str(form.query_one(f"#problem-{field}", Static).render())


async def work_one(pilot: Pilot[None], kind: str, language: str, typed: list[str]) -> None:
    """Fill and save the form `kind` on the open household panel (bad input first for some)."""
    app = pilot.app
    key = {"no_answer": "o", "busy": "o", "callback": "o", "visit": "o", "promise": "p",
           "complaint": "x", "payment": "y", "letter": "l"}[kind]  # fmt: skip
    await pilot.press(key)
    await settle(pilot)
    form = app.screen
    assert isinstance(form, EntryForm)
    if kind in ("no_answer", "busy", "callback"):
        await choose(pilot, form, "outcome", kind)
        if kind == "callback":
            await type_into(pilot, form, "callback_at", "15:30")
        await type_into(pilot, form, "note", "响了很久" if language == "zh_CN" else "rang long")
    elif kind == "visit":
        await choose(pilot, form, "outcome", "not_home")
    elif kind == "promise":
        await type_into(pilot, form, "promised_date", "+9")  # too far out: refused
        await choose(pilot, form, "method", "wechat")
        await save(pilot)
        assert app.screen is form, "a promise nine days out must be refused"
        assert problem(form, "promised_date")
        assert form.query_one("#field-promised_date", Input).value == "+9"  # kept
        assert form.query_one("#field-method", Select).value == "wechat"  # kept
        typed.append("+9")
        await type_into(pilot, form, "promised_date", "+3")
    elif kind == "complaint":
        await choose(pilot, form, "category", "facilities")
        text = "楼道灯坏了" if language == "zh_CN" else "stair light broken"
        await type_into(pilot, form, "description", text)
    elif kind == "payment":
        await type_into(pilot, form, "amount", "100.50")
        await choose(pilot, form, "channel", "cash")
        await save(pilot)  # cash needs a receipt number: refused
        assert app.screen is form and problem(form, "receipt_no")
        assert form.query_one("#field-amount", Input).value == "100.50"
        await type_into(pilot, form, "receipt_no", "SJ-000123")
    elif kind == "letter":
        form.query_one("#field-delivered", Checkbox).focus()
        await type_into(pilot, form, "proof", "EMS 1180 2233 4455")
    assert not foreign_words(app, language), foreign_words(app, language)
    await save(pilot)
    assert not isinstance(app.screen, EntryForm), problem(form, "general")


@pytest.mark.parametrize("language", ["zh_CN", "en"], indirect=True)
async def test_ten_households_in_a_row(demo_store: Store, language: str) -> None:
    app = CallqueueApp(demo_store, DEFAULT_POLICY, staff_code=None, clock=lambda: AT)
    counts = {m: rows(demo_store, m) for m in (Contact, Promise, Complaint, Payment)}
    call_kinds = iter(["no_answer", "promise", "complaint", "payment", "callback", "busy"] * 3)
    done: list[str] = []
    typed: list[str] = []
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        signin = app.screen
        assert isinstance(signin, SignInScreen)
        ALLOWED.update(m.code for m in signin.staff)
        ALLOWED.update(m.name for m in signin.staff)
        assert not foreign_words(app, language)
        index = [m.code for m in signin.staff].index("lina")
        await pilot.press(*["down"] * index, "enter")
        await settle(pilot)
        listing = app.queue_screen.query_one(QueueList)
        ALLOWED.update(i.owner for i in listing.items)
        assert not foreign_words(app, language)
        for _ in range(10):
            item = listing.current
            assert item is not None
            following = listing.items[listing.cursor + 1].household_id
            if item.action.value in ("limitation_demand", "written_demand"):
                kind = "letter"
            elif item.channel.value == "visit":
                kind = "visit"
            else:
                kind = next(call_kinds)
            await pilot.press("enter")
            await settle(pilot)
            panel = app.screen
            assert isinstance(panel, HouseholdScreen) and panel.view is not None
            ALLOWED.update(person.name for person in panel.view.people)
            assert not foreign_words(app, language)
            table = panel.query_one("#events", DataTable)
            before = table.row_count
            await work_one(pilot, kind, language, typed)
            assert app.screen is panel
            await settle(pilot)
            assert table.row_count > before, f"{kind} did not land in the timeline"
            newest = str(table.get_row_at(0)[1])
            if language == "zh_CN":
                assert re.search(r"[\u4e00-\u9fff]", newest), newest
            assert not foreign_words(app, language)
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is app.queue_screen
            assert listing.current is not None and listing.current.household_id == following
            done.append(kind)
    assert {"no_answer", "promise", "complaint", "payment", "callback"} <= set(done), done
    assert typed == ["+9"] * done.count("promise")
    assert rows(demo_store, Contact) > counts[Contact]
    assert rows(demo_store, Promise) == counts[Promise] + done.count("promise")
    assert rows(demo_store, Complaint) == counts[Complaint] + done.count("complaint")
    assert rows(demo_store, Payment) == counts[Payment] + done.count("payment")
