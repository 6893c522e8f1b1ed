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

from sqlalchemy import Integer, Select, case, func, select
from sqlalchemy.orm import Session

from callqueue.plan.baselines import fen, first_day, outstanding_on_start_lines
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
    PromiseStatus,
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

P2 = table_of(Payment).alias("reversals").c
K2 = table_of(Contact).alias("corrections").c

# Corrections (recording.corrections): a reversed payment and its reversal are no money
# collected at all, and a corrected contact gives way to its correction.
EFFECTIVE_PAYMENT = P.corrects_id.is_(None) & P.id.not_in(
    select(P2.corrects_id).where(P2.corrects_id.is_not(None))
)
LATEST_CONTACT = K.id.not_in(select(K2.corrects_id).where(K2.corrects_id.is_not(None)))

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
    attempts: int = 0  # calls and visits since plan start, by `until`
    last_conversation: str | None = None  # the outcome of the latest one that reached the owner
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
    payments: list[tuple[dt.date, str, int]]  # (day, fee, fen) collected in scope by `until`
    by_staff: dict[int | None, list[tuple[dt.date, int]]]  # staff -> (day, fen), by `until`

    def building_baselines(self) -> dict[tuple[str, str], int]:
        """Arrears at plan start per (building, fee), in fen, from the loaded households."""
        found: dict[tuple[str, str], int] = defaultdict(int)
        for record in self.households.values():
            for fee, amount in record.start.items():
                found[record.building, fee] += amount
        return dict(found)


def _scoped(query: Select[Any], buildings: Collection[str] | None) -> Select[Any]:
    return query if buildings is None else query.where(B.code.in_(sorted(buildings)))


def load_scope(
    session: Session,
    start_month: str,
    until: dt.datetime,
    buildings: Collection[str] | None,
) -> ScopeData:
    """Everything the figures need for `buildings` (None: all) as of `until`.

    Money recorded since plan start on plan lines is read once, grouped by household, fee
    type, day and staff member: it gives the arrears at plan start (with what the lines
    owe now), what was collected by `until`, the days for the trend and each collector's
    share, so they can never disagree.
    """
    plan_start = dt.datetime.combine(first_day(start_month), dt.time())
    owed = outstanding_on_start_lines(
        session, plan_start.date(), by="household", buildings=buildings
    )
    day = func.date(P.paid_at)
    by_until = case((P.paid_at <= until, 1), else_=0)
    allocations = (
        select(H.id, C.fee_type, day, P.staff_id, by_until, fen(func.sum(A.amount)))
        .select_from(table_of(PaymentAllocation))
        .join(table_of(Payment), P.id == A.payment_id)
        .join(table_of(ChargeLine), C.id == A.charge_line_id)
        .join(table_of(Household), H.id == C.household_id)
        .join(table_of(Building), B.id == H.building_id)
        .where(C.due_date < plan_start.date(), P.paid_at >= plan_start, EFFECTIVE_PAYMENT)
        .group_by(H.id, C.fee_type, day, P.staff_id, by_until)
    )
    start: dict[tuple[int, str], int] = defaultdict(int, owed)
    collected: dict[tuple[int, str], int] = defaultdict(int)
    daily: dict[tuple[dt.date, str], int] = defaultdict(int)
    by_staff: dict[int | None, list[tuple[dt.date, int]]] = defaultdict(list)
    for household_id, fee, paid_on, staff_id, counted, amount in session.execute(
        _scoped(allocations, buildings)
    ):
        start[household_id, fee] += int(amount)
        if counted:
            paid_day = _as_date(paid_on)
            collected[household_id, fee] += int(amount)
            daily[paid_day, fee] += int(amount)
            by_staff[staff_id].append((paid_day, int(amount)))

    households: dict[int, HouseholdData] = {}
    wanted = {household for (household, _fee), amount in start.items() if amount > 0}
    query = select(H.id, H.key, B.code).join_from(
        table_of(Household), table_of(Building), B.id == H.building_id
    )
    for household_id, key, code in session.execute(_scoped(query, buildings)):
        if household_id in wanted:
            households[household_id] = HouseholdData(household_id, key, code)
    for (household_id, fee), amount in start.items():
        if amount > 0:
            households[household_id].start[fee] = amount
    for (household_id, fee), amount in collected.items():
        if household_id in households:
            households[household_id].collected[fee] = amount

    # Calls and visits since plan start: how many, and how the latest conversation ended
    # (a window function, so only one row per household comes back).
    window = (
        (K.at >= plan_start)
        & (K.at <= until)
        & K.channel.in_(CONVERSATION_CHANNELS)
        & LATEST_CONTACT
    )
    attempts = (
        select(K.household_id, func.count())
        .join(table_of(Household), H.id == K.household_id)
        .join(table_of(Building), B.id == H.building_id)
        .where(window)
        .group_by(K.household_id)
    )
    for household_id, count in session.execute(_scoped(attempts, buildings)):
        record = households.get(household_id)
        if record is not None:
            record.attempts = int(count)
    latest = func.row_number().over(
        partition_by=K.household_id, order_by=(K.at.desc(), K.id.desc())
    )
    ranked = (
        select(K.household_id.label("household_id"), K.outcome.label("outcome"), latest.label("n"))
        .join(table_of(Household), H.id == K.household_id)
        .join(table_of(Building), B.id == H.building_id)
        .where(window, K.reached)
    )
    last = _scoped(ranked, buildings).subquery()
    for household_id, outcome in session.execute(
        select(last.c.household_id, last.c.outcome).where(last.c.n == 1)
    ):
        record = households.get(household_id)
        if record is not None:
            record.last_conversation = outcome

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
    payments = [(paid_day, fee, amount) for (paid_day, fee), amount in sorted(daily.items())]
    return ScopeData(plan_start, until, households, payments, dict(by_staff))


def _as_date(value: object) -> dt.date:
    """SQLite's date() gives text, PostgreSQL's a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def promise_counts(session: Session, until: dt.datetime, grace_days: int) -> tuple[int, int]:
    """(kept, broken) over every promise of the project as they stood at `until`: the
    forecast's prior is the project's, so a building's forecast is the same in any report.

    The same reading as `PromiseRow.status_at`: a promise settled after `until` was open
    then, and an open one past its date plus the grace days counts as broken.
    """
    settled = M.settled_at.is_not(None) & (M.settled_at <= until)
    open_then = (M.status == PromiseStatus.OPEN.value) | (
        M.settled_at.is_not(None) & (M.settled_at > until)
    )
    lapsed = M.promised_date < until.date() - dt.timedelta(days=grace_days)
    kept = settled & (M.status == PromiseStatus.KEPT.value)
    broken = (settled & (M.status == PromiseStatus.BROKEN.value)) | (open_then & lapsed)
    row = session.execute(
        select(
            func.sum(case((kept, 1), else_=0), type_=Integer),
            func.sum(case((broken, 1), else_=0), type_=Integer),
        ).where(M.made_at <= until)
    ).one()
    return int(row[0] or 0), int(row[1] or 0)
