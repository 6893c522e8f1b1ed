"""Plain per-household records for the queue, loaded in bulk or for one household.

One code path serves both: the whole store at start-up (a handful of queries over indexed
columns) and a single household after a collector records something. Money is kept as
integer fen here: the queue adds and compares, and only shows Decimal at the edge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import BigInteger, Select, and_, select, type_coerce
from sqlalchemy.orm import Session

from callqueue.store.models import (
    Building,
    ChargeLine,
    Complaint,
    Contact,
    Household,
    Payment,
    Person,
    Phone,
    Promise,
    table_of,
)


@dataclass(frozen=True, slots=True)
class ChargeRec:
    fee_type: str
    period: str
    due: dt.date
    outstanding: int  # fen


@dataclass(frozen=True, slots=True)
class ContactRec:
    at: dt.datetime
    channel: str
    outcome: str
    reached: bool
    has_note: bool
    has_proof: bool
    callback_at: dt.datetime | None
    letter_kind: str | None
    deadline: dt.date | None


@dataclass(frozen=True, slots=True)
class PromiseRec:
    made_at: dt.datetime
    promised_date: dt.date
    status: str


@dataclass(frozen=True, slots=True)
class ComplaintRec:
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
    charges: list[ChargeRec] = field(default_factory=list)
    contacts: list[ContactRec] = field(default_factory=list)
    promises: list[PromiseRec] = field(default_factory=list)
    payments: list[dt.datetime] = field(default_factory=list)
    complaints: list[ComplaintRec] = field(default_factory=list)

    @property
    def working_phones(self) -> int:
        return len(self.phones)


def _rows(session: Session, query: Select[Any], column: Any, ids: Sequence[int] | None) -> Any:
    """All rows at once (row-by-row fetching costs more than the query itself)."""
    if ids is not None:
        query = query.where(column.in_(ids))
    return session.execute(query).all()


def load_records(
    session: Session, *, due_by: dt.date, ids: Sequence[int] | None = None
) -> dict[int, HouseholdRecord]:
    """Records for the households `ids` (all households when None).

    Only charges due by `due_by` are loaded: later bills need no action yet.
    """
    h, b = table_of(Household).c, table_of(Building).c
    records: dict[int, HouseholdRecord] = {}
    query = select(
        h.id, h.key, b.code, b.team_id, h.elderly, h.do_not_call, h.chronic_defaulter,
        h.difficult, h.litigation_since,
    ).join_from(table_of(Household), table_of(Building), h.building_id == b.id)  # fmt: skip
    for row in _rows(session, query, h.id, ids):
        records[row[0]] = HouseholdRecord(*row)

    p = table_of(Person).c
    owners = select(p.household_id, p.name).where(p.is_primary)
    for household_id, name in _rows(session, owners, p.household_id, ids):
        records[household_id].owner = name
    ph = table_of(Phone).c
    phones = (
        select(p.household_id, ph.number)
        .join_from(table_of(Phone), table_of(Person), ph.person_id == p.id)
        .where(~ph.wrong_number)
        .order_by(p.household_id, p.is_primary.desc(), ph.id)
    )
    for household_id, number in _rows(session, phones, p.household_id, ids):
        records[household_id].phones.append(number)

    c = table_of(ChargeLine).c
    outstanding = type_coerce(c.amount_due - c.paid_billing - c.paid_pending, BigInteger)
    charges = (
        select(c.household_id, c.fee_type, c.period, c.due_date, outstanding)
        .where(outstanding > 0, c.due_date <= due_by)
        .order_by(c.household_id, c.due_date, c.fee_type)
    )
    for household_id, *rest in _rows(session, charges, c.household_id, ids):
        records[household_id].charges.append(ChargeRec(*rest))

    k = table_of(Contact).c
    contacts = select(
        k.household_id, k.at, k.channel, k.outcome, k.reached, k.note != "",
        and_(k.proof.is_not(None), k.proof != ""), k.callback_at, k.letter_kind, k.deadline,
    ).order_by(k.household_id, k.at, k.id)  # fmt: skip
    for household_id, *rest in _rows(session, contacts, k.household_id, ids):
        records[household_id].contacts.append(ContactRec(*rest))

    m = table_of(Promise).c
    promises = select(m.household_id, m.made_at, m.promised_date, m.status).order_by(
        m.household_id, m.made_at, m.id
    )
    for household_id, *rest in _rows(session, promises, m.household_id, ids):
        records[household_id].promises.append(PromiseRec(*rest))

    y = table_of(Payment).c
    payments = select(y.household_id, y.paid_at).order_by(y.household_id, y.paid_at)
    for household_id, paid_at in _rows(session, payments, y.household_id, ids):
        records[household_id].payments.append(paid_at)

    q = table_of(Complaint).c
    complaints = select(
        q.household_id, q.id, q.opened_at, q.category, q.status, q.pauses_collection,
        q.report_back_on,
    ).order_by(q.household_id, q.opened_at)  # fmt: skip
    for household_id, *rest in _rows(session, complaints, q.household_id, ids):
        records[household_id].complaints.append(ComplaintRec(*rest))
    return records
