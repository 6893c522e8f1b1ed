"""Team leaders keep the prepared words: the FAQ's answers (收费答客问) and the call scripts.

Both forms save in a worker through the core (`callqueue.faq`, `callqueue.scripts`), which
checks everything (required text, lengths, unknown placeholders, wording that threatens
utilities or posting names) and refuses with problems that land next to their field.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Input, Static, TextArea

from callqueue.app.forms import FormScreen
from callqueue.app.messages import Refused
from callqueue.faq import FaqDraft, FaqItem
from callqueue.i18n import _
from callqueue.recording.entries import EntryInvalid, Problem
from callqueue.scripts import PLACEHOLDERS, SCRIPT_TITLES
from callqueue.store.models import Staff, table_of


class WordsSaved(Message):
    pass


def staff_id_of(session: Session, code: str) -> int | None:
    s = table_of(Staff).c
    found: int | None = session.execute(select(s.id).where(s.code == code)).scalar()
    return found


class WordsForm(FormScreen):
    """Saves with `write(session, staff_id)` in a worker; dismisses with True when saved."""

    def __init__(self, *, staff_code: str) -> None:
        super().__init__()
        self.staff_code = staff_code

    def write(self, session: Session, staff_id: int | None, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def submit(self) -> None:
        self.show_problems([])
        self.save({name: self.value(name) for name in self.fields})

    @work(thread=True, exclusive=True, group="words", exit_on_error=False)
    def save(self, values: dict[str, Any]) -> None:
        try:
            with self.app.store.write_session() as session:  # type: ignore[attr-defined]
                self.write(session, staff_id_of(session, self.staff_code), values)
        except EntryInvalid as refused:
            self.post_message(Refused(list(refused.problems)))
            return
        except Exception as error:
            text = self.app._failure(error)  # type: ignore[attr-defined]
            self.post_message(Refused([Problem("general", text)]))
            return
        self.post_message(WordsSaved())

    def on_words_saved(self) -> None:
        self.dismiss(True)


class FaqForm(WordsForm):
    """A new prepared answer, or a change to one."""

    AUTO_FOCUS = "#field-question"
    fields = ("question", "answer", "tags")

    def __init__(self, item: FaqItem | None, *, language: str, staff_code: str) -> None:
        super().__init__(staff_code=staff_code)
        self.item = item
        self.language = language

    def heading(self) -> str:
        return _("Change a prepared answer") if self.item else _("New prepared answer")

    def body(self) -> ComposeResult:
        item = self.item
        yield from self.field(
            "question", _("The owner's question"), Input(item.question if item else "")
        )
        yield from self.field(
            "answer", _("The answer every collector gives"), TextArea(item.answer if item else "")
        )
        yield from self.field(
            "tags",
            _("Search words, separated by commas"),
            Input(",".join(item.tags) if item else ""),
        )

    def write(self, session: Session, staff_id: int | None, values: dict[str, Any]) -> None:
        from callqueue.faq import save_faq

        draft = FaqDraft(
            question=values["question"],
            answer=values["answer"],
            tags=values["tags"],
            language=self.language,
            id=self.item.id if self.item else None,
        )
        save_faq(session, draft, staff_id)


class ScriptForm(WordsForm):
    """The team's wording of one script, in one language; placeholders are filled per owner."""

    AUTO_FOCUS = "#field-text"
    fields = ("text",)

    def __init__(self, kind: str, *, language: str, wording: str, staff_code: str) -> None:
        super().__init__(staff_code=staff_code)
        self.kind = kind
        self.language = language
        self.wording = wording

    def heading(self) -> str:
        return _("Change the script: {title}").format(title=SCRIPT_TITLES[self.kind][self.language])

    def body(self) -> ComposeResult:
        yield from self.field("text", _("Wording"), TextArea(self.wording))
        names = " ".join(f"{{{name}}}" for name in PLACEHOLDERS)
        yield Static(_("Filled in for each owner: {names}").format(names=names))

    def write(self, session: Session, staff_id: int | None, values: dict[str, Any]) -> None:
        from callqueue.scripts import save_script

        save_script(session, self.kind, self.language, values["text"], staff_id)
