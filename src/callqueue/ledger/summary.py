"""Arrears totals from the store: per fee type and per building, as of a day.

Arrears are what is overdue on that day: charges whose due date has passed, less what
billing has seen paid and what callqueue has recorded (`amount_due - paid_billing -
paid_pending`), summed in SQL over integer fen: exact. Charges not yet due are counted
apart, never as arrears.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, func, true, type_coerce
from sqlalchemy.orm import Session
from sqlmodel import col, select

from callqueue.household_key import building_order
from callqueue.money import ZERO
from callqueue.store.models import Building, ChargeLine, Household
from callqueue.store.types import Money


@dataclass(frozen=True)
class LedgerSummary:
    as_of: dt.date
    households: int
    households_in_arrears: int
    charge_lines: int
    arrears_by_fee: dict[str, Decimal]
    arrears_by_building: dict[str, Decimal]
    not_yet_due: Decimal

    @property
    def total(self) -> Decimal:
        return sum(self.arrears_by_fee.values(), ZERO)


def outstanding_expression() -> ColumnElement[Decimal]:
    """The SQL expression for a charge line's arrears, typed as money (exact)."""
    return type_coerce(
        col(ChargeLine.amount_due) - col(ChargeLine.paid_billing) - col(ChargeLine.paid_pending),
        Money,
    )


def ledger_summary(
    session: Session, as_of: dt.date, buildings: frozenset[str] | None = None
) -> LedgerSummary:
    """Totals on the day `as_of` (a charge due that day is not late), over the whole ledger
    or only `buildings` (what the person asking may see; None: every building)."""
    outstanding = outstanding_expression()
    seen: ColumnElement[bool] = true()
    counted: ColumnElement[bool] = true()
    if buildings is not None:
        ids = select(Household.id).join(Building, col(Household.building_id) == col(Building.id))
        ids = ids.where(col(Building.code).in_(sorted(buildings)))
        seen = col(ChargeLine.household_id).in_(ids)
        counted = col(Household.id).in_(ids)
    overdue = (outstanding > 0) & (col(ChargeLine.due_date) < as_of) & seen
    by_fee = {
        fee: amount
        for fee, amount in session.execute(
            select(ChargeLine.fee_type, type_coerce(func.sum(outstanding), Money))
            .where(overdue)
            .group_by(ChargeLine.fee_type)
            .order_by(ChargeLine.fee_type)
        )
    }
    by_building = {
        code: amount
        for code, amount in session.execute(
            select(Building.code, type_coerce(func.sum(outstanding), Money))
            .join(Household, col(Household.building_id) == col(Building.id))
            .join(ChargeLine, col(ChargeLine.household_id) == col(Household.id))
            .where(overdue)
            .group_by(Building.code)
        )
    }
    households = session.execute(
        select(func.count()).select_from(Household).where(counted)
    ).scalar_one()
    in_arrears = session.execute(
        select(func.count(func.distinct(ChargeLine.household_id))).where(overdue)
    ).scalar_one()
    not_yet_due = session.execute(
        select(type_coerce(func.sum(outstanding), Money)).where(
            outstanding > 0, col(ChargeLine.due_date) >= as_of, seen
        )
    ).scalar_one()
    lines = session.execute(select(func.count()).select_from(ChargeLine).where(seen)).scalar_one()
    return LedgerSummary(
        as_of=as_of,
        households=households,
        households_in_arrears=in_arrears,
        charge_lines=lines,
        arrears_by_fee=by_fee,
        arrears_by_building=dict(sorted(by_building.items(), key=lambda kv: building_order(kv[0]))),
        not_yet_due=not_yet_due or ZERO,
    )
