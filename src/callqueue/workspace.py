"""A collector's workspace without any UI: who is signed in, the day's book, the live queue.

The app runs these methods in worker threads and shows what they return; tests drive them
directly. Everything the workspace hands out is plain data: no session leaves it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from callqueue.policy import Policy
from callqueue.queue.actions import Channel
from callqueue.queue.book import EVERY_BUILDING, QueueBook, Scope, scope_for_staff
from callqueue.queue.build import ALL_CHANNELS, Item, Queue
from callqueue.queue.records import STAFF
from callqueue.store.database import Store


@dataclass(frozen=True, slots=True)
class StaffInfo:
    code: str
    name: str
    role: str


def list_staff(store: Store) -> list[StaffInfo]:
    """Active staff, for the sign-in list: managers and leaders first, then by name."""
    s = STAFF.c
    order = {"manager": 0, "team_leader": 1, "collector": 2}
    with store.session() as session:
        rows = session.execute(select(s.code, s.name, s.role).where(s.active)).all()
    staff = [StaffInfo(code, name, role) for code, name, role in rows]
    return sorted(staff, key=lambda m: (order.get(m.role, 9), m.code))


class Workspace:
    """One signed-in staff member's view of the queue, kept current as they record things."""

    def __init__(
        self,
        store: Store,
        policy: Policy,
        *,
        staff_code: str | None,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self.store = store
        self.policy = policy
        self.staff_code = staff_code
        self.clock = clock
        self.scope: Scope = EVERY_BUILDING
        self.book: QueueBook | None = None
        self.queue: Queue | None = None
        self.channels: frozenset[Channel] = ALL_CHANNELS
        self.staff_name = ""

    def load(self) -> Queue:
        """Read the day's book and rank the queue (run it in a worker).

        The book holds the signed-in staff member's scope only: a collector's team's
        buildings load in milliseconds; a manager's every building takes longer.
        """
        now = self.clock()
        if self.staff_code:
            with self.store.session() as session:
                self.scope = scope_for_staff(session, self.staff_code)
                s = STAFF.c
                name = session.execute(select(s.name).where(s.code == self.staff_code)).scalar()
                self.staff_name = name or ""
        self.book = QueueBook(self.store, now.date(), self.policy, self.scope)
        return self.rank()

    def rank(self, channels: frozenset[Channel] | None = None) -> Queue:
        """Rank again for the current moment (a new day reloads the book)."""
        now = self.clock()
        if self.book is None or self.book.day != now.date():
            return self.load()
        if channels is not None:
            self.channels = channels
        self.queue = self.book.queue(now, self.scope, self.channels)
        return self.queue

    def changed(self, household_id: int) -> Queue:
        """After something was recorded for a household: move it, keep the rest."""
        assert self.book is not None and self.queue is not None
        self.book.record_changed(self.queue, household_id, self.scope)
        return self.queue

    def search(self, text: str) -> list[Item]:
        """Items whose room, key, owner name or phone number contains `text`."""
        assert self.queue is not None
        needle = text.strip().upper()
        if not needle:
            return self.queue.items
        return [item for item in self.queue.items if _matches(item, needle)]


def _matches(item: Item, needle: str) -> bool:
    record = item.facts.record
    if needle in record.key or needle in record.owner.upper():
        return True
    digits = needle.replace("-", "")
    return bool(digits) and any(digits in phone.replace("-", "") for phone in record.phones)
