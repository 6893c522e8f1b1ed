"""Claims: a household open for a call or a visit is held by its collector for a lease.

Why: two collectors working the same team's queue must never ring the same owner at once.
Opening a household claims it (`claim`) for `DEFAULT_LEASE` (10 minutes); while it stays
open the app renews the claim (`renew`), and leaving releases it (`release`). Other
collectors' queues leave a household out while someone else's claim is live
(`held_by_others`, read once per ranking), with the reason "held by 李娜 until 10:40". A
process that crashes never releases: its claims free themselves when their lease runs out.

A claim is one row of `claims` per household (the household is the primary key), so two
collectors can never both hold one. Taking it is a single conditional upsert, atomic on
both databases:

    INSERT INTO claims … ON CONFLICT (household_id) DO UPDATE SET …
        WHERE claims.expires_at <= :now OR claims.staff_id = :me

and the rows it returns say whether it was taken (one row: RETURNING the claim's times) or
is held by someone else (none; SQLite's row count would be 0).
`claim_next` takes the first household of a ranked list nobody else holds: on PostgreSQL it
locks the household's row `FOR NO KEY UPDATE SKIP LOCKED` first, so collectors asking at
the same moment each get a different household at once instead of queueing on one row (NO
KEY: a save inserting a contact for that household only takes a KEY SHARE lock, and is
neither blocked nor skipped); on SQLite the whole step runs under the write lock (BEGIN
IMMEDIATE), which makes it atomic.

Times are the callers' clock (CST wall clock, like everything stored): collectors sharing
a database should keep their clocks in step (NTP); a lease of minutes forgives seconds.
The core never imports textual.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, String, and_, bindparam, case, column, delete, or_, select, table
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from callqueue.store.database import Store
from callqueue.store.types import CstDateTime

__all__ = [
    "DEFAULT_LEASE",
    "Claimed",
    "HeldBy",
    "UnknownStaff",
    "claim",
    "claim_next",
    "held_by_others",
    "release",
    "release_all",
    "renew",
]

DEFAULT_LEASE = dt.timedelta(minutes=10)
"""How long a claim lasts unless renewed. Not in the policy: the policy is how owners may
be contacted; the lease is how long a crashed terminal may keep a household from others."""

# Light table clauses, as in queue/records.py: no ORM models imported (tests tie them).
CLAIMS = table(
    "claims",
    column("household_id", Integer),
    column("staff_id", Integer),
    column("claimed_at", CstDateTime()),
    column("expires_at", CstDateTime()),
)
STAFF = table("staff", column("id", Integer), column("code", String), column("name", String))

_NEXT_BATCH = 200  # candidates looked at per statement by claim_next


class UnknownStaff(LookupError):
    """No staff member with that code."""


@dataclass(frozen=True, slots=True)
class Claimed:
    """The household is held by `staff_code` from `claimed_at` until `expires_at`."""

    household_id: int
    staff_code: str
    claimed_at: dt.datetime
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class HeldBy:
    """Someone else holds the household: who (code and name) and until when."""

    household_id: int
    staff_code: str
    staff_name: str
    until: dt.datetime


def _staff_id(session: Session, staff_code: str) -> int:
    found = session.execute(select(STAFF.c.id).where(STAFF.c.code == staff_code)).scalar()
    if found is None:
        raise UnknownStaff(f"no staff member with the code {staff_code!r}")
    return int(found)


def _insert(session: Session) -> Any:
    """The dialect's INSERT, which has ON CONFLICT (the two spell it the same way)."""
    from sqlalchemy.dialects import postgresql, sqlite

    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _take(
    session: Session, household_id: int, staff_id: int, now: dt.datetime, lease: dt.timedelta
) -> tuple[dt.datetime, dt.datetime] | None:
    """The conditional upsert: take the household unless someone else's claim is live.

    A live claim of one's own is extended and keeps its `claimed_at`; an expired one (anyone's)
    is replaced. The row it wrote comes back (RETURNING: one row when taken, none when the
    WHERE refused the update), so no second statement is needed: (claimed_at, expires_at),
    or None when someone else holds it.
    """
    c = CLAIMS.c
    insert = _insert(session)(CLAIMS).values(
        household_id=household_id, staff_id=staff_id, claimed_at=now, expires_at=now + lease
    )
    mine_and_live = and_(c.staff_id == staff_id, c.expires_at > now)
    statement = insert.on_conflict_do_update(
        index_elements=[c.household_id],
        set_={
            "staff_id": insert.excluded.staff_id,
            "claimed_at": case((mine_and_live, c.claimed_at), else_=insert.excluded.claimed_at),
            "expires_at": insert.excluded.expires_at,
        },
        where=or_(c.expires_at <= now, c.staff_id == staff_id),
    ).returning(c.claimed_at, c.expires_at)
    row = session.execute(statement).first()
    return None if row is None else (row[0], row[1])


def _holder(
    session: Session, household_id: int
) -> tuple[int, str, str, dt.datetime, dt.datetime] | None:
    c, s = CLAIMS.c, STAFF.c
    row = session.execute(
        select(c.staff_id, s.code, s.name, c.claimed_at, c.expires_at)
        .join_from(CLAIMS, STAFF, s.id == c.staff_id)
        .where(c.household_id == household_id)
    ).first()
    return None if row is None else (row[0], row[1], row[2], row[3], row[4])


def _claim_in(
    session: Session, household_id: int, staff_code: str, now: dt.datetime, lease: dt.timedelta
) -> Claimed | HeldBy:
    staff_id = _staff_id(session, staff_code)
    while True:
        taken = _take(session, household_id, staff_id, now, lease)
        if taken is not None:
            return Claimed(household_id, staff_code, *taken)
        holder = _holder(session, household_id)
        if holder is None:  # released between the two statements (PostgreSQL): try again
            continue
        _id, code, name, _claimed_at, expires_at = holder
        return HeldBy(household_id, code, name, expires_at)


def claim(
    store: Store,
    household_id: int,
    staff_code: str,
    now: dt.datetime,
    lease: dt.timedelta = DEFAULT_LEASE,
) -> Claimed | HeldBy:
    """Hold `household_id` for `staff_code` until `now + lease`, unless someone else holds it.

    Claimed: it is yours (a live claim of your own is extended, keeping when you took it).
    HeldBy: another collector's claim is live; it says who and until when. Raises
    UnknownStaff for a staff code that does not exist.
    """
    with store.write_session() as session, session.begin():
        return _claim_in(session, household_id, staff_code, now, lease)


def renew(
    store: Store,
    household_id: int,
    staff_code: str,
    now: dt.datetime,
    lease: dt.timedelta = DEFAULT_LEASE,
) -> Claimed | HeldBy:
    """Extend one's own claim to `now + lease` (the app does this while the household is open,
    e.g. every minute).

    If the lease ran out meanwhile and nobody else took the household, it is claimed again
    (Claimed, with a new `claimed_at`); if someone else took it, HeldBy says who.
    """
    return claim(store, household_id, staff_code, now, lease)


def release(store: Store, household_id: int, staff_code: str) -> bool:
    """Give the household up (leaving it). Only one's own claim is removed; True if there was
    one. Releasing what one does not hold is harmless."""
    with store.write_session() as session, session.begin():
        staff_id = _staff_id(session, staff_code)
        c = CLAIMS.c
        done = session.execute(
            delete(CLAIMS).where(c.household_id == household_id, c.staff_id == staff_id)
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]


def release_all(store: Store, staff_code: str) -> int:
    """Give up every claim of `staff_code` (signing out, quitting); how many there were."""
    with store.write_session() as session, session.begin():
        staff_id = _staff_id(session, staff_code)
        done = session.execute(delete(CLAIMS).where(CLAIMS.c.staff_id == staff_id))
        return int(done.rowcount)  # type: ignore[attr-defined]


def claim_next(
    store: Store,
    staff_code: str,
    ordered_household_ids: Sequence[int],
    now: dt.datetime,
    lease: dt.timedelta = DEFAULT_LEASE,
) -> Claimed | None:
    """Claim the first household of `ordered_household_ids` (the queue's rank order) that
    nobody else holds, one's own live claims included; None when every one is held.

    Atomic against every other `claim` and `claim_next`: on PostgreSQL the candidate's row is
    locked with SKIP LOCKED (a household another collector is taking right now is passed
    over, not waited for); on SQLite the step runs under the write lock.
    """
    ids = list(dict.fromkeys(ordered_household_ids))
    with store.write_session() as session, session.begin():
        staff_id = _staff_id(session, staff_code)
        postgres = session.get_bind().dialect.name == "postgresql"
        for start in range(0, len(ids), _NEXT_BATCH):
            batch = ids[start : start + _NEXT_BATCH]
            while batch:
                found = (
                    _lock_first_free(session, batch, staff_id, now)
                    if postgres
                    else _first_free(session, batch, staff_id, now)
                )
                if found is None:
                    break
                taken = _take(session, found, staff_id, now, lease)
                if taken is not None:
                    return Claimed(found, staff_code, *taken)
                # Taken by a plain `claim` after our snapshot: look further down the list.
                batch = batch[batch.index(found) + 1 :]
    return None


def _first_free(session: Session, batch: list[int], staff_id: int, now: dt.datetime) -> int | None:
    """SQLite, under the write lock: the first id of `batch` with no live claim of another."""
    c = CLAIMS.c
    held = set(
        session.execute(
            select(c.household_id).where(
                c.household_id.in_(batch), c.expires_at > now, c.staff_id != staff_id
            )
        ).scalars()
    )
    return next((household_id for household_id in batch if household_id not in held), None)


_LOCK_FIRST_FREE = sql_text(
    """
    SELECT h.id
    FROM unnest(CAST(:ids AS integer[])) WITH ORDINALITY AS ranked(id, rank)
    JOIN households AS h ON h.id = ranked.id
    LEFT JOIN claims AS c ON c.household_id = h.id
    WHERE c.household_id IS NULL OR c.expires_at <= :now OR c.staff_id = :me
    ORDER BY ranked.rank
    LIMIT 1
    FOR NO KEY UPDATE OF h SKIP LOCKED
    """
).bindparams(bindparam("now", type_=CstDateTime()))


def _lock_first_free(
    session: Session, batch: list[int], staff_id: int, now: dt.datetime
) -> int | None:
    """PostgreSQL: lock and return the first id of `batch` nobody else holds or is taking."""
    found = session.execute(_LOCK_FIRST_FREE, {"ids": batch, "now": now, "me": staff_id}).scalar()
    return None if found is None else int(found)


def held_by_others(session: Session, staff_code: str | None, now: dt.datetime) -> dict[int, HeldBy]:
    """Every household someone other than `staff_code` holds at `now` (None: anyone's
    claim), by household id. One small query: a claim per collector at work."""
    c, s = CLAIMS.c, STAFF.c
    query = (
        select(c.household_id, s.code, s.name, c.expires_at)
        .join_from(CLAIMS, STAFF, s.id == c.staff_id)
        .where(c.expires_at > now)
    )
    if staff_code is not None:
        query = query.where(s.code != staff_code)
    return {
        household_id: HeldBy(household_id, code, name, until)
        for household_id, code, name, until in session.execute(query)
    }


def claims_of(session: Session, staff_code: str, now: dt.datetime) -> Iterable[Claimed]:
    """The live claims of `staff_code` (normally one: the household open on their screen)."""
    c, s = CLAIMS.c, STAFF.c
    rows = session.execute(
        select(c.household_id, c.claimed_at, c.expires_at)
        .join_from(CLAIMS, STAFF, s.id == c.staff_id)
        .where(s.code == staff_code, c.expires_at > now)
        .order_by(c.claimed_at)
    )
    return [Claimed(household_id, staff_code, at, until) for household_id, at, until in rows]
