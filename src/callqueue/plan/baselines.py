"""Arrears at plan start, from the ledger: per building and fee type, or per household.

The rule (docs/progress.md): a charge line belongs to the plan when it fell due before the
plan's first day. What it owed at plan start is what it owes now plus what callqueue has
recorded paid on it since then:

    amount_due - paid_billing - paid_pending + Σ allocations of payments dated ≥ plan start

Money recorded in callqueue is counted whether billing has reconciled it yet (it moved
from `paid_pending` to `paid_billing`) or not, so reconciling never changes the figure.
Only money billing received directly after plan start (not recorded in callqueue) makes
it look as if it had been paid before: that is the rule's known limit, and why the demo
and a plan's own `arrears_at_start` are kept as typed.

Sums run in SQL over integer fen (exact), grouped as asked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Select, func, select, type_coerce
from sqlalchemy.orm import Session

from callqueue.store.models import (
    Building,
    ChargeLine,
    Household,
    Payment,
    PaymentAllocation,
    table_of,
)

C = table_of(ChargeLine).c
H = table_of(Household).c
B = table_of(Building).c
A = table_of(PaymentAllocation).c
P = table_of(Payment).c


def first_day(month: str) -> dt.date:
    year, number = month.split("-")
    return dt.date(int(year), int(number), 1)


def fen(expression: ColumnElement[Any]) -> ColumnElement[int]:
    """A money expression read as integer fen (the storage form), so sums stay exact."""
    return type_coerce(expression, BigInteger)


def _in_buildings(query: Select[Any], buildings: Collection[str] | None) -> Select[Any]:
    return query if buildings is None else query.where(B.code.in_(sorted(buildings)))


def _grouping(by: str) -> list[Any]:
    if by == "building":
        return [B.code, C.fee_type]
    if by == "household":
        return [H.id, C.fee_type]
    raise ValueError(f"group by building or household, not {by!r}")


def outstanding_on_start_lines(
    session: Session, start: dt.date, *, by: str, buildings: Collection[str] | None = None
) -> dict[tuple[Any, str], int]:
    """What the plan's lines (due before `start`) owe now, in fen, grouped `by`.

    Settled lines add nothing, so only lines that still owe are read (most are settled).
    """
    group = _grouping(by)
    owed = C.amount_due - C.paid_billing - C.paid_pending
    query = (
        select(*group, fen(func.sum(owed)))
        .select_from(table_of(ChargeLine))
        .join(table_of(Household), H.id == C.household_id)
        .join(table_of(Building), B.id == H.building_id)
        .where(C.due_date < start, owed > 0)
        .group_by(*group)
    )
    return {(k, fee): int(v or 0) for k, fee, v in session.execute(_in_buildings(query, buildings))}


def paid_on_start_lines(
    session: Session,
    start: dt.date,
    *,
    by: str,
    since: dt.datetime,
    until: dt.datetime | None = None,
    buildings: Collection[str] | None = None,
) -> dict[tuple[Any, str], int]:
    """Money recorded in callqueue on the plan's lines, paid in [since, until], in fen."""
    group = _grouping(by)
    query = (
        select(*group, fen(func.sum(A.amount)))
        .select_from(table_of(PaymentAllocation))
        .join(table_of(Payment), P.id == A.payment_id)
        .join(table_of(ChargeLine), C.id == A.charge_line_id)
        .join(table_of(Household), H.id == C.household_id)
        .join(table_of(Building), B.id == H.building_id)
        .where(C.due_date < start, P.paid_at >= since)
        .group_by(*group)
    )
    if until is not None:
        query = query.where(P.paid_at <= until)
    return {(k, fee): int(v or 0) for k, fee, v in session.execute(_in_buildings(query, buildings))}


def arrears_at_start(
    session: Session,
    start_month: str,
    *,
    by: str = "building",
    buildings: Collection[str] | None = None,
) -> dict[tuple[Any, str], int]:
    """Arrears at plan start in fen, per (building code | household id, fee type); lines
    that owed nothing at plan start are left out."""
    start = first_day(start_month)
    since = dt.datetime.combine(start, dt.time())
    owed = outstanding_on_start_lines(session, start, by=by, buildings=buildings)
    paid = paid_on_start_lines(session, start, by=by, since=since, buildings=buildings)
    found: dict[tuple[Any, str], int] = {}
    for key in owed.keys() | paid.keys():
        amount = owed.get(key, 0) + paid.get(key, 0)
        if amount > 0:
            found[key] = amount
    return found


def building_codes(session: Session) -> list[str]:
    """Every building of the project, as people count them (6, 7, 8, 9, 10…)."""
    from callqueue.household_key import building_order

    return sorted(session.execute(select(B.code)).scalars(), key=building_order)
