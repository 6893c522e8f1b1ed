"""Plain per-household records for the queue, loaded in bulk or for one household.

One code path serves both: the whole store (or the buildings of one team) at start-up, a
handful of queries, and a single household after a collector records something. Money is
kept as integer fen here: the queue adds and compares, and only shows Decimal at the edge.

Loading is the slowest step of a first paint, so the bulk path is lean: it asks only for
the columns the queue's rules read, takes the driver's own rows (SQLAlchemy's `Row`
objects and result processors cost more than SQLite's own work at 50,000 households) and
converts the few values a driver hands back as text (SQLite's dates and booleans) itself.
Line records are named tuples: cheaper to build than dataclasses, and unpacked in `facts`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Integer,
    Select,
    String,
    TableClause,
    and_,
    column,
    not_,
    select,
    table,
    type_coerce,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

# --- the columns the queue reads ------------------------------------------------------------
# Light table clauses, not the models of `callqueue.store.models`: importing those builds a
# pydantic schema per model, which would add about half a second to the app's first paint.
# tests/unit/test_queue_records.py checks every column here against the models.


def _table(name: str, *columns: tuple[str, Any]) -> TableClause:
    return table(name, *(column(n, t) for n, t in columns))


_I, _S, _B, _D, _T = Integer, String, Boolean, Date, DateTime
BUILDINGS = _table("buildings", ("id", _I), ("code", _S), ("team_id", _I))
STAFF = _table("staff", ("code", _S), ("name", _S), ("role", _S), ("team_id", _I), ("active", _B))
HOUSEHOLDS = _table(
    "households", ("id", _I), ("key", _S), ("building_id", _I), ("elderly", _B),
    ("do_not_call", _B), ("chronic_defaulter", _B), ("difficult", _B), ("litigation_since", _D),
)  # fmt: skip
PEOPLE = _table("people", ("id", _I), ("household_id", _I), ("name", _S), ("is_primary", _B))
PHONES = _table("phones", ("id", _I), ("person_id", _I), ("number", _S), ("wrong_number", _B))
CHARGE_LINES = _table(
    "charge_lines", ("id", _I), ("household_id", _I), ("fee_type", _S), ("period", _S),
    ("due_date", _D), ("amount_due", BigInteger), ("paid_billing", BigInteger),
    ("paid_pending", BigInteger),
)  # fmt: skip
CONTACTS = _table(
    "contacts", ("id", _I), ("household_id", _I), ("at", _T), ("channel", _S),
    ("outcome", _S), ("reached", _B), ("note", _S), ("proof", _S), ("callback_at", _T),
    ("letter_kind", _S), ("deadline", _D), ("corrects_id", _I),
)  # fmt: skip
PROMISES = _table(
    "promises", ("id", _I), ("household_id", _I), ("made_at", _T), ("promised_date", _D),
    ("status", _S),
)  # fmt: skip
PAYMENTS = _table(
    "payments", ("id", _I), ("household_id", _I), ("paid_at", _T), ("corrects_id", _I)
)
COMPLAINTS = _table(
    "complaints", ("id", _I), ("household_id", _I), ("opened_at", _T), ("category", _S),
    ("status", _S), ("pauses_collection", _B), ("report_back_on", _D),
)  # fmt: skip


class ChargeRec(NamedTuple):
    fee_type: str
    period: str
    due: dt.date
    outstanding: int  # fen


class ContactRec(NamedTuple):
    at: dt.datetime
    channel: str
    outcome: str
    reached: bool
    has_note: bool
    has_proof: bool
    callback_at: dt.datetime | None
    letter_kind: str | None
    deadline: dt.date | None


class PromiseRec(NamedTuple):
    made_at: dt.datetime
    promised_date: dt.date
    status: str


class ComplaintRec(NamedTuple):
    id: int
    opened_at: dt.datetime
    category: str
    status: str
    pauses_collection: bool
    report_back_on: dt.date | None


@dataclass(slots=True)
class HouseholdRecord:
    id: int
    key: str
    building: str
    team_id: int | None
    elderly: bool
    do_not_call: bool
    chronic: bool
    difficult: bool
    litigation_since: dt.date | None
    owner: str = ""
    phones: list[str] = field(default_factory=list)  # working numbers, for search and dialling
    charges: list[ChargeRec] = field(default_factory=list)  # by due date, then fee type
    contacts: list[ContactRec] = field(default_factory=list)  # in time order
    promises: list[PromiseRec] = field(default_factory=list)
    payments: list[dt.datetime] = field(default_factory=list)
    complaints: list[ComplaintRec] = field(default_factory=list)

    @property
    def working_phones(self) -> int:
        return len(self.phones)


# --- what the driver hands back -------------------------------------------------------------

_new = tuple.__new__
_BOOL = (False, True)  # indexed by SQLite's 0/1 (and by PostgreSQL's False/True alike)


def _raw(connection: Connection, query: Select[Any]) -> Sequence[Any]:
    """All rows of `query` as the driver's own tuples, fetched at once.

    SQLAlchemy still compiles the query and binds its parameters; only the rows skip its
    `Row` objects and result processors. Every column selected by this module is an
    integer, a string, a boolean, a date or a datetime: exact as the driver gives them
    (money is integer fen in the database), apart from SQLite's text dates and 0/1
    booleans, which `_TEXT` converts.
    """
    result = connection.execute(query)
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    return rows


_DAYS: dict[str, dt.date] = {}


def _day(text: str | None) -> dt.date | None:
    """SQLite's `YYYY-MM-DD` as a date (few distinct values: memoised)."""
    if text is None:
        return None
    day = _DAYS.get(text)
    if day is None:
        day = _DAYS[text] = dt.date.fromisoformat(text)
    return day


def _moment(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True, slots=True)
class _Convert:
    """How to turn the driver's date, datetime and boolean values into Python's."""

    day: Callable[[Any], Any]
    moment: Callable[[Any], Any]
    text: bool  # SQLite: dates and datetimes come back as text, booleans as 0/1


_TEXT = _Convert(_day, _moment, True)
_NATIVE = _Convert(_same, _same, False)


# --- loading --------------------------------------------------------------------------------


def load_records(
    session: Session,
    *,
    due_by: dt.date,
    ids: Sequence[int] | None = None,
    buildings: Collection[str] | None = None,
    skip_due: tuple[dt.date, dt.date] | None = None,
) -> dict[int, HouseholdRecord]:
    """Records for the households `ids`, or those of `buildings`, or all (both None).

    Only charges due by `due_by` are loaded: later bills need no action yet. Charges due
    within `skip_due` (first and last day, both included) are left out too: the queue
    passes the days that are neither overdue nor in the pre-due reminder window.
    """
    connection = session.connection()
    convert = _TEXT if connection.dialect.name == "sqlite" else _NATIVE
    h, b = HOUSEHOLDS.c, BUILDINGS.c
    households: Any = None  # the ids of the households wanted, as a subquery (None: all)
    if ids is not None:
        households = list(ids)
    elif buildings is not None:
        codes = sorted(buildings)
        building_ids = list(connection.execute(select(b.id).where(b.code.in_(codes))).scalars())
        # never correlated: the households query itself reads the households table
        households = select(h.id).where(h.building_id.in_(building_ids)).correlate(None)

    def wanted(query: Select[Any], column: Any) -> Select[Any]:
        return query if households is None else query.where(column.in_(households))

    records = _households(connection, wanted, convert)
    if not records:
        return records
    _people(connection, wanted, records)
    _charges(connection, wanted, records, convert, due_by, skip_due)
    _contacts(connection, wanted, records, convert)
    _others(connection, wanted, records, convert)
    return records


Wanted = Callable[[Select[Any], Any], Select[Any]]


def _households(
    connection: Connection, wanted: Wanted, convert: _Convert
) -> dict[int, HouseholdRecord]:
    h, b = HOUSEHOLDS.c, BUILDINGS.c
    query = select(
        h.id, h.key, b.code, b.team_id, h.elderly, h.do_not_call, h.chronic_defaulter,
        h.difficult, h.litigation_since,
    ).join_from(HOUSEHOLDS, BUILDINGS, h.building_id == b.id)  # fmt: skip
    day, yes = convert.day, _BOOL
    return {
        hid: HouseholdRecord(
            hid, key, code, team, yes[elderly], yes[dnc], yes[chronic], yes[difficult], day(suit)
        )
        for hid, key, code, team, elderly, dnc, chronic, difficult, suit in _raw(
            connection, wanted(query, h.id)
        )
    }


def _people(connection: Connection, wanted: Wanted, records: dict[int, HouseholdRecord]) -> None:
    p, ph = PEOPLE.c, PHONES.c
    owners = select(p.household_id, p.name).where(p.is_primary)
    for household_id, name in _raw(connection, wanted(owners, p.household_id)):
        records[household_id].owner = name
    phones = (
        select(p.household_id, ph.number)
        .join_from(PHONES, PEOPLE, ph.person_id == p.id)
        .where(~ph.wrong_number)
        .order_by(p.household_id, p.is_primary.desc(), ph.id)
    )
    for household_id, number in _raw(connection, wanted(phones, p.household_id)):
        records[household_id].phones.append(number)


_DUE_ORDER = itemgetter(2, 0)  # ChargeRec: due, then fee type


def _charges(
    connection: Connection,
    wanted: Wanted,
    records: dict[int, HouseholdRecord],
    convert: _Convert,
    due_by: dt.date,
    skip_due: tuple[dt.date, dt.date] | None,
) -> None:
    c = CHARGE_LINES.c
    outstanding = type_coerce(c.amount_due - c.paid_billing - c.paid_pending, BigInteger)
    query = select(c.household_id, c.fee_type, c.period, c.due_date, outstanding).where(
        outstanding > 0, c.due_date <= due_by
    )
    if skip_due is not None:
        query = query.where(not_(c.due_date.between(*skip_due)))
    # Ordered by id, sorted per household below: ordering by household in SQL makes SQLite
    # walk the household index and jump about the table, twice as slow as a plain scan.
    rows = _raw(connection, wanted(query.order_by(c.id), c.household_id))
    if convert.text:
        day = convert.day
        for household_id, fee_type, period, due, fen in rows:
            records[household_id].charges.append(_new(ChargeRec, (fee_type, period, day(due), fen)))
    else:
        for row in rows:
            records[row[0]].charges.append(_new(ChargeRec, row[1:]))
    for record in records.values():
        if len(record.charges) > 1:
            record.charges.sort(key=_DUE_ORDER)


_AT = itemgetter(0)


def _contacts(
    connection: Connection, wanted: Wanted, records: dict[int, HouseholdRecord], convert: _Convert
) -> None:
    k = CONTACTS.c
    query = select(
        k.household_id, k.at, k.channel, k.outcome, k.reached, k.note != "",
        and_(k.proof.is_not(None), k.proof != ""), k.callback_at, k.letter_kind, k.deadline,
    ).order_by(k.id)  # fmt: skip
    # A corrected contact gives way to its correction (recording.corrections): the latest
    # row of each chain is the contact. Looked up per household, on the household index.
    k2 = CONTACTS.alias("corrections").c
    corrected = wanted(select(k2.corrects_id).where(k2.corrects_id.is_not(None)), k2.household_id)
    query = query.where(k.id.not_in(corrected))
    rows = _raw(connection, wanted(query, k.household_id))
    if convert.text:
        day, moment, yes = convert.day, dt.datetime.fromisoformat, _BOOL
        for hid, at, channel, outcome, reached, note, proof, callback, letter, until in rows:
            records[hid].contacts.append(
                _new(ContactRec, (
                    moment(at), channel, outcome, yes[reached], yes[note], yes[proof],
                    None if callback is None else moment(callback), letter,
                    None if until is None else day(until),
                ))
            )  # fmt: skip
    else:
        for row in rows:
            records[row[0]].contacts.append(_new(ContactRec, row[1:]))
    # in time order; ties keep the order of entry (the rows came by id; the sort is stable)
    for record in records.values():
        if len(record.contacts) > 1:
            record.contacts.sort(key=_AT)


def _others(
    connection: Connection, wanted: Wanted, records: dict[int, HouseholdRecord], convert: _Convert
) -> None:
    """Promises, payments and complaints: few rows, ordered in SQL."""
    day, moment, yes = convert.day, convert.moment, _BOOL
    m = PROMISES.c
    promises = select(m.household_id, m.made_at, m.promised_date, m.status).order_by(
        m.household_id, m.made_at, m.id
    )
    for household_id, made_at, promised, status in _raw(
        connection, wanted(promises, m.household_id)
    ):
        records[household_id].promises.append(
            _new(PromiseRec, (moment(made_at), day(promised), status))
        )

    y, y2 = PAYMENTS.c, PAYMENTS.alias("reversals").c
    # A reversed payment and its reversal are no payment at all (recording.corrections).
    reversed_ids = select(y2.corrects_id).where(y2.corrects_id.is_not(None))
    payments = (
        select(y.household_id, y.paid_at)
        .where(y.corrects_id.is_(None), y.id.not_in(wanted(reversed_ids, y2.household_id)))
        .order_by(y.household_id, y.paid_at, y.id)
    )
    for household_id, paid_at in _raw(connection, wanted(payments, y.household_id)):
        records[household_id].payments.append(moment(paid_at))

    q = COMPLAINTS.c
    complaints = select(
        q.household_id, q.id, q.opened_at, q.category, q.status, q.pauses_collection,
        q.report_back_on,
    ).order_by(q.household_id, q.opened_at, q.id)  # fmt: skip
    for household_id, cid, opened, category, status, pauses, report in _raw(
        connection, wanted(complaints, q.household_id)
    ):
        records[household_id].complaints.append(
            _new(ComplaintRec, (cid, moment(opened), category, status, yes[pauses], day(report)))
        )
