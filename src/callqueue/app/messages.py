"""Messages that workers post to the app: results of database work, never widgets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from callqueue.queue.build import Queue
from callqueue.workspace import StaffInfo

if TYPE_CHECKING:
    from callqueue.recording.entries import Problem
    from callqueue.recording.save import Recorded


class StaffListed(Message):
    def __init__(self, staff: list[StaffInfo]) -> None:
        self.staff = staff
        super().__init__()


class QueueReady(Message):
    """A new or updated queue; `focus` is the household the cursor should stay near."""

    def __init__(self, queue: Queue, *, focus: int | None = None, note: str = "") -> None:
        self.queue = queue
        self.focus = focus
        self.note = note
        super().__init__()


class WorkFailed(Message):
    """Database work failed; `text` says what the user can do."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__()


class Saved(Message):
    """Posted to a form: its entry was saved."""

    def __init__(self, recorded: Recorded) -> None:
        self.recorded = recorded
        super().__init__()


class Refused(Message):
    """Posted to a form: what was wrong, each problem under its field."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__()
