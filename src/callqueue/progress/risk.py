"""Households of the scope whose debts are close to their limitation deadline.

Why: keeping every debt inside its three-year limitation period is a principle of the
plan (Civil Code arts. 188, 195). The deadline rules are the queue's (`limitation`,
`queue.facts`): this module only picks the households whose oldest open charge is old
enough to be near a deadline, and asks the queue's facts about them, so a report and the
queue never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqueue.limitation import add_years
from callqueue.money import from_fen
from callqueue.plan.baselines import fen
from callqueue.policy import Policy
from callqueue.queue.facts import facts_for
from callqueue.queue.records import load_records
from callqueue.store.models import Building, ChargeLine, Household, table_of

H, B, C = table_of(Household).c, table_of(Building).c, table_of(ChargeLine).c


@dataclass(frozen=True)
class AtRiskHousehold:
    key: str
    building: str
    fee_type: str
    period: str
    deadline: dt.date
    days_left: int
    collectable: Decimal  # everything the household owes that is still enforceable


def limitation_risk(
    session: Session, buildings: Collection[str], day: dt.date, policy: Policy
) -> list[AtRiskHousehold]:
    """Households with a collectable charge within the policy's warning window of its
    deadline on `day`, soonest deadline first."""
    rules = policy.limitation
    horizon = add_years(day, -rules.years) + dt.timedelta(days=rules.warn_days)
    outstanding = fen(C.amount_due - C.paid_billing - C.paid_pending)
    candidates = sorted(
        set(
            session.execute(
                select(C.household_id)
                .join(table_of(Household), H.id == C.household_id)
                .join(table_of(Building), B.id == H.building_id)
                .where(B.code.in_(sorted(buildings)), C.due_date <= horizon, outstanding > 0)
            ).scalars()
        )
    )
    if not candidates:
        return []
    records = load_records(session, due_by=day, ids=candidates)
    found: list[AtRiskHousehold] = []
    for record in records.values():
        facts = facts_for(record, day, policy)
        risk = facts.at_risk
        if risk is None:
            continue
        found.append(
            AtRiskHousehold(
                record.key,
                record.building,
                risk.fee_type,
                risk.period,
                risk.deadline,
                risk.days_left,
                from_fen(facts.total),
            )
        )
    found.sort(key=lambda r: (r.deadline, r.key))
    return found
