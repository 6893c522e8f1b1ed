"""A collector's workspace without any UI: who is signed in, the day's book, the live queue.

The app runs these methods in worker threads and shows what they return; tests drive them
directly. Everything the workspace hands out is plain data: no session leaves it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from callqueue import claims
from callqueue.claims import DEFAULT_LEASE, Claimed, HeldBy, held_by_others
from callqueue.policy import Policy
from callqueue.queue.actions import Channel
from callqueue.queue.book import EVERY_BUILDING, QueueBook, Scope, scope_for_staff
from callqueue.queue.build import ALL_CHANNELS, Exclusion, Item, Queue, held_exclusion
from callqueue.queue.filters import QueueFilter
from callqueue.queue.records import STAFF
from callqueue.store.database import Store


@dataclass(frozen=True, slots=True)
class StaffInfo:
    code: str
    name: str
    role: str

    @property
    def leads(self) -> bool:
        """Team leaders and managers: they see building progress, change the prepared words."""
        return self.role in ("team_leader", "manager")

    @property
    def manages(self) -> bool:
        """Managers: they also set the plan."""
        return self.role == "manager"


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
        self.staff_role = ""
        self.lease = DEFAULT_LEASE

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
                row = session.execute(
                    select(s.name, s.role).where(s.code == self.staff_code)
                ).first()
                self.staff_name, self.staff_role = row if row is not None else ("", "")
        self.book = QueueBook(self.store, now.date(), self.policy, self.scope)
        return self.rank()

    @property
    def staff(self) -> StaffInfo:
        """Who is signed in (empty fields before the first load)."""
        return StaffInfo(self.staff_code or "", self.staff_name, self.staff_role)

    def rank(self, channels: frozenset[Channel] | None = None) -> Queue:
        """Rank again for the current moment (a new day reloads the book)."""
        now = self.clock()
        if self.book is None or self.book.day != now.date():
            return self.load()
        if channels is not None:
            self.channels = channels
        self.queue = self.book.queue(now, self.scope, self.channels, self._held(now))
        return self.queue

    # --- claims: a household open on one collector's screen is left out of the others' ---

    def _held(self, now: dt.datetime) -> dict[int, Exclusion]:
        """Households other staff hold now, as the queue's exclusions (one small query)."""
        with self.store.session() as session:
            held = held_by_others(session, self.staff_code, now)
        return {i: held_exclusion(h.staff_name, h.until, now.date()) for i, h in held.items()}

    def refresh_held(self) -> Queue:
        """Re-read other collectors' claims and move only the households whose claim came or
        went (for a timer: the rest of the queue stays as ranked)."""
        assert self.book is not None and self.queue is not None
        queue = self.queue
        held = self._held(self.clock())
        changed = {i for i in held.keys() | queue.held.keys() if held.get(i) != queue.held.get(i)}
        queue.held = held
        for household_id in changed:
            facts = self.book.facts.get(household_id)
            if facts is not None and self.scope.covers(facts.record.building):
                queue.place(facts)
        return queue

    def claim(self, household_id: int) -> Claimed | HeldBy:
        """Hold a household while it is open (see `callqueue.claims.claim`)."""
        return claims.claim(self.store, household_id, self._me(), self.clock(), self.lease)

    def renew(self, household_id: int) -> Claimed | HeldBy:
        """Keep holding the open household (call it well within the lease, e.g. each minute)."""
        return claims.renew(self.store, household_id, self._me(), self.clock(), self.lease)

    def release(self, household_id: int) -> bool:
        """Leaving the household: others' queues may offer it again."""
        return claims.release(self.store, household_id, self._me())

    def release_all(self) -> int:
        """Signing out or quitting: every claim of the signed-in staff member is given up."""
        return claims.release_all(self.store, self._me())

    def claim_next(self, items: list[Item] | None = None) -> Claimed | None:
        """Claim the first household of `items` (default: the ranked queue) nobody else holds."""
        assert self.queue is not None
        ranked = self.queue.items if items is None else items
        ids = [item.household_id for item in ranked]
        return claims.claim_next(self.store, self._me(), ids, self.clock(), self.lease)

    def _me(self) -> str:
        if not self.staff_code:
            raise ValueError("claims need a signed-in staff member")
        return self.staff_code

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
        return QueueFilter(text=text).apply(self.queue.items)
