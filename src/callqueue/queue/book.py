"""The queue's working memory: every household's facts for one day, kept current.

Loading reads the store once; after a collector records something, `refresh` re-reads that
one household and the ranked queue moves it (see `Queue.place`), so the queue is current
again in milliseconds instead of being rebuilt.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqueue.household_key import building_order
from callqueue.policy import Policy
from callqueue.queue.actions import Channel
from callqueue.queue.build import ALL_CHANNELS, Exclusion, Queue, build_queue
from callqueue.queue.facts import Facts, facts_for
from callqueue.queue.records import BUILDINGS, STAFF, load_records
from callqueue.store.database import Store


class UnknownScope(LookupError):
    """No such staff member or building; the message says which."""


@dataclass(frozen=True)
class Scope:
    """Which buildings a queue covers (None: every building) and what to call it."""

    buildings: frozenset[str] | None
    label: str

    def covers(self, building: str) -> bool:
        return self.buildings is None or building in self.buildings

    def includes(self, other: Scope) -> bool:
        """Whether every building of `other` is in this scope."""
        if self.buildings is None:
            return True
        return other.buildings is not None and other.buildings <= self.buildings


EVERY_BUILDING = Scope(None, "every building")


def scope_for_staff(session: Session, code: str) -> Scope:
    """A collector or team leader sees their team's buildings; a manager sees all."""
    s, b = STAFF.c, BUILDINGS.c
    row = session.execute(select(s.name, s.role, s.team_id).where(s.code == code)).first()
    if row is None:
        raise UnknownScope(f"no staff member with the code {code!r}")
    name, role, team_id = row
    if role == "manager":  # Role.MANAGER
        return Scope(None, f"{name} (manager): every building")
    codes: frozenset[str] = frozenset()  # no team: no building (not those without a team)
    if team_id is not None:
        codes = frozenset(session.execute(select(b.code).where(b.team_id == team_id)).scalars())
    listed = ", ".join(sorted(codes, key=building_order))
    return Scope(codes, f"{name}: building{'s' if len(codes) > 1 else ''} {listed}")


def scope_for_building(session: Session, text: str) -> Scope:
    from callqueue.ledger.values import ValueProblem, parse_building

    try:
        code = parse_building(text)
    except ValueProblem as problem:
        raise UnknownScope(str(problem)) from None
    b = BUILDINGS.c
    if session.execute(select(b.id).where(b.code == code)).first() is None:
        raise UnknownScope(f"no building {code}")
    return Scope(frozenset({code}), f"building {code}")


LARGE_BOOK = 100_000  # new objects (about 7,000 households): collect in the worker at once


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a book is built.

    A book is up to a million small objects with no cycles among them. With the collector
    on, their allocation triggers collections that walk them again and again: a third of
    the load at 50,000 households. Paused, they still need walking once, as they join the
    oldest generation; left to itself that full collection (about 0.3 s at 50,000) would
    fall on a later allocation, a keystroke's as likely as not. So a large book is
    collected right here, in the loading worker. (`gc.freeze` would spare the walk, but it
    would also keep whatever else lives at that moment, an open form's widgets, out of
    every later collection: a leak once they are closed.)
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            if gc.get_count()[0] > LARGE_BOOK:
                gc.collect()


class QueueBook:
    """Facts of every household in a scope (by default every building) for one day.

    A collector's book holds only their team's buildings: the store is read for those
    alone, so their first queue does not wait for 50,000 households.
    """

    def __init__(
        self, store: Store, day: dt.date, policy: Policy, scope: Scope = EVERY_BUILDING
    ) -> None:
        self.store = store
        self.day = day
        self.policy = policy
        self.scope = scope
        with collector_paused(), store.session() as session:
            records = load_records(
                session, due_by=self.due_by, skip_due=self.quiet_days, buildings=scope.buildings
            )
            self.facts: dict[int, Facts] = {
                household_id: facts_for(record, day, policy)
                for household_id, record in records.items()
            }

    @property
    def due_by(self) -> dt.date:
        """Bills due later than this need nothing yet (beyond the pre-due reminder window)."""
        return self.day + dt.timedelta(days=self.policy.escalation.reminder_days_before_due[1])

    @property
    def quiet_days(self) -> tuple[dt.date, dt.date] | None:
        """Bills due on these days (from today until the pre-due reminder window opens) are
        neither overdue nor to be reminded of: they change no fact (see `facts._charges`).
        On many days they are the month's whole new bill run, so they are not read."""
        low = self.policy.escalation.reminder_days_before_due[0]
        return (self.day, self.day + dt.timedelta(days=low - 1)) if low > 0 else None

    def refresh(self, household_id: int) -> Facts | None:
        """Re-read one household after something was recorded; None if it is gone (or is
        not in the book's scope)."""
        with self.store.session() as session:
            records = load_records(
                session, due_by=self.due_by, skip_due=self.quiet_days, ids=[household_id]
            )
        record = records.get(household_id)
        if record is None or not self.scope.covers(record.building):
            self.facts.pop(household_id, None)
            return None
        facts = self.facts[household_id] = facts_for(record, self.day, self.policy)
        return facts

    def in_scope(self, scope: Scope) -> Iterator[Facts]:
        for facts in self.facts.values():
            if scope.covers(facts.record.building):
                yield facts

    def queue(
        self,
        moment: dt.datetime,
        scope: Scope = EVERY_BUILDING,
        channels: frozenset[Channel] = ALL_CHANNELS,
        held: Mapping[int, Exclusion] | None = None,
    ) -> Queue:
        """The ranked queue at `moment` (which must fall on the book's day); households in
        `held` (other collectors' claims) are left out as held."""
        if moment.date() != self.day:
            raise ValueError(f"the book holds {self.day}; load a new one for {moment.date()}")
        if not self.scope.includes(scope):
            raise ValueError(f"the book holds {self.scope.label}; load one for {scope.label}")
        return build_queue(self.in_scope(scope), moment, self.policy, channels, held)

    def record_changed(self, queue: Queue, household_id: int, scope: Scope) -> None:
        """After an outcome, payment… was saved: bring `queue` up to date for that household."""
        facts = self.refresh(household_id)
        if facts is None or not scope.covers(facts.record.building):
            queue.forget(household_id)
        else:
            queue.place(facts)
