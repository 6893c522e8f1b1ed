"""What the progress figures are computed from, read from the store for one scope.

Why a loader apart from the figures: the SQL runs once per report (a handful of grouped
queries over indexed columns, integer fen), and the figures are plain functions over these
records, so they can be tested and cross-checked without a database.

Money is integer fen. Only households that owed something at plan start are loaded: the
plan is about them (the building map loads the rest itself).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from callqueue.plan.baselines import arrears_at_start, fen, first_day, paid_on_start_lines
from callqueue.store.models import (
    Building,
    ChargeLine,
    Complaint,
    ComplaintStatus,
    Contact,
    Household,
    Payment,
    PaymentAllocation,
    Promise,
    table_of,
)

H = table_of(Household).c
B = table_of(Building).c
K = table_of(Contact).c
M = table_of(Promise).c
Q = table_of(Complaint).c
A = table_of(PaymentAllocation).c
P = table_of(Payment).c
C = table_of(ChargeLine).c

CONVERSATION_CHANNELS = ("call", "visit")
OPEN_DISPUTE = (ComplaintStatus.OPEN.value, ComplaintStatus.IN_PROGRESS.value)


@dataclass(frozen=True, slots=True)
class PromiseRow:
    id: int
    made_at: dt.datetime
    promised_date: dt.date
    status: str
    settled_at: dt.datetime | None
    amount: int | None  # fen; None: "the arrears"

    def status_at(self, moment: dt.datetime) -> str:
        """The promise's status at `moment`: open until it was settled."""
        if self.settled_at is not None and self.settled_at > moment:
            return "open"
        return self.status


@dataclass(slots=True)
class HouseholdData:
    id: int
    key: str
    building: str
    start: dict[str, int] = field(default_factory=dict)  # fee -> arrears at plan start
    collected: dict[str, int] = field(default_factory=dict)  # fee -> collected by `until`
    contacts: list[tuple[dt.datetime, str, str, bool]] = field(default_factory=list)
    promises: list[PromiseRow] = field(default_factory=list)  # every promise made by `until`
    disputed_since: dt.datetime | None = None

    @property
    def start_total(self) -> int:
        return sum(self.start.values())

    @property
    def collected_total(self) -> int:
        return sum(self.collected.values())

    @property
    def left(self) -> int:
        """Plan-start arrears still owed at `until`."""
        return self.start_total - self.collected_total


@dataclass(frozen=True)
class ScopeData:
    plan_start: dt.datetime
    until: dt.datetime
    households: dict[int, HouseholdData]
    payments: list[tuple[dt.datetime, str, str, int]]  # (paid_at, building, fee, fen) in scope


def _scoped(query: Select[Any], buildings: Collection[str] | None) -> Select[Any]:
    return query if buildings is None else query.where(B.code.in_(sorted(buildings)))


def load_scope(
    session: Session,
    start_month: str,
    until: dt.datetime,
    buildings: Collection[str] | None,
    *,
    payments_since: dt.datetime | None = None,
) -> ScopeData:
    """Everything the figures need for `buildings` (None: all) as of `until`.

    `payments_since` (default: plan start) bounds the dated payment list for the trend.
    """
    plan_start = dt.datetime.combine(first_day(start_month), dt.time())
    start = arrears_at_start(session, start_month, by="household", buildings=buildings)
    paid = paid_on_start_lines(
        session,
        plan_start.date(),
        by="household",
        since=plan_start,
        until=until,
        buildings=buildings,
    )
    ids = sorted({household for household, _fee in start})
    households: dict[int, HouseholdData] = {}
    query = select(H.id, H.key, B.code).join_from(
        table_of(Household), table_of(Building), B.id == H.building_id
    )
    wanted = set(ids)
    for household_id, key, code in session.execute(_scoped(query, buildings)):
        if household_id in wanted:
            households[household_id] = HouseholdData(household_id, key, code)
    for (household_id, fee), amount in start.items():
        households[household_id].start[fee] = amount
    for (household_id, fee), amount in paid.items():
        if household_id in households:
            households[household_id].collected[fee] = amount

    contacts = (
        select(K.household_id, K.at, K.channel, K.outcome, K.reached)
        .join(table_of(Household), H.id == K.household_id)
        .join(table_of(Building), B.id == H.building_id)
        .where(K.at >= plan_start, K.at <= until, K.channel.in_(CONVERSATION_CHANNELS))
        .order_by(K.household_id, K.at, K.id)
    )
    for household_id, *rest in session.execute(_scoped(contacts, buildings)):
        record = households.get(household_id)
        if record is not None:
            record.contacts.append((rest[0], rest[1], rest[2], bool(rest[3])))

    promises = (
        select(
            M.household_id, M.id, M.made_at, M.promised_date, M.status, M.settled_at,
            fen(M.amount),
        )
        .join(table_of(Household), H.id == M.household_id)
        .join(table_of(Building), B.id == H.building_id)
        .where(M.made_at <= until)
        .order_by(M.household_id, M.made_at, M.id)
    )  # fmt: skip
    for household_id, *rest in session.execute(_scoped(promises, buildings)):
        record = households.get(household_id)
        if record is not None:
            record.promises.append(PromiseRow(*rest))

    disputes = (
        select(Q.household_id, Q.opened_at)
        .join(table_of(Household), H.id == Q.household_id)
        .join(table_of(Building), B.id == H.building_id)
        .where(Q.pauses_collection, Q.status.in_(OPEN_DISPUTE), Q.opened_at <= until)
    )
    for household_id, opened_at in session.execute(_scoped(disputes, buildings)):
        record = households.get(household_id)
        if record is not None and (
            record.disputed_since is None or opened_at < record.disputed_since
        ):
            record.disputed_since = opened_at

    dated = (
        select(P.paid_at, B.code, C.fee_type, fen(A.amount))
        .select_from(table_of(PaymentAllocation))
        .join(table_of(Payment), P.id == A.payment_id)
        .join(table_of(ChargeLine), C.id == A.charge_line_id)
        .join(table_of(Household), H.id == C.household_id)
        .join(table_of(Building), B.id == H.building_id)
        .where(
            C.due_date < plan_start.date(),
            P.paid_at >= max(plan_start, payments_since or plan_start),
            P.paid_at <= until,
        )
    )
    payments = [(a, b, f, int(x)) for a, b, f, x in session.execute(_scoped(dated, buildings))]
    return ScopeData(plan_start, until, households, payments)


def collected_by_building(data: ScopeData) -> dict[tuple[str, str], int]:
    """Collected on plan-start arrears by `until`, per (building, fee), in fen."""
    found: dict[tuple[str, str], int] = defaultdict(int)
    for record in data.households.values():
        for fee, amount in record.collected.items():
            found[record.building, fee] += amount
    return dict(found)


def promise_history(session: Session, until: dt.datetime) -> list[PromiseRow]:
    """Every promise of the project made by `until` (for the promise-keeping prior, which
    is the project's, so a building's forecast is the same in every report)."""
    query = select(M.id, M.made_at, M.promised_date, M.status, M.settled_at, fen(M.amount)).where(
        M.made_at <= until
    )
    return [PromiseRow(*row) for row in session.execute(query)]
