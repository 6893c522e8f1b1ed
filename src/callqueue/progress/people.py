"""Per collector, for the month to the moment: attempts, conversations, promises made and
kept, and money collected, on the households of the scope.

- attempts: calls and visits; conversations: those that reached the owner;
- promises made this month, and how many of them were kept by the moment;
- collected: the collector's recorded payments this month allocated to plan-start arrears
  (the same money as the building's "collected"); received: all their payments this month.

Everyone of the teams that cover the scope is listed, active or not yet, and anyone else
who recorded something there.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, Select, case, func, select
from sqlalchemy.orm import Session

from callqueue.money import from_fen
from callqueue.plan.baselines import fen
from callqueue.progress.data import EFFECTIVE_PAYMENT, LATEST_CONTACT
from callqueue.store.models import (
    Building,
    Contact,
    Household,
    Payment,
    Promise,
    PromiseStatus,
    Staff,
    table_of,
)

H, B, S = table_of(Household).c, table_of(Building).c, table_of(Staff).c
K, M, P = table_of(Contact).c, table_of(Promise).c, table_of(Payment).c


@dataclass(frozen=True)
class CollectorFigures:
    code: str
    name: str
    role: str
    attempts: int = 0
    conversations: int = 0
    promises_made: int = 0
    promises_kept: int = 0
    collected: Decimal = Decimal("0.00")
    received: Decimal = Decimal("0.00")


def _scoped(query: Select[Any], household_id: Any, buildings: Collection[str]) -> Select[Any]:
    return (
        query.join(table_of(Household), H.id == household_id)
        .join(table_of(Building), B.id == H.building_id)
        .where(B.code.in_(sorted(buildings)))
    )


def collector_figures(
    session: Session,
    buildings: Collection[str],
    since: dt.datetime,
    until: dt.datetime,
    collected_by: Mapping[int | None, int],
) -> list[CollectorFigures]:
    """Figures per staff member for [since, until] on `buildings`, busiest first.

    `collected_by` is what each staff member collected on plan-start arrears in the period
    (fen), from the report's one read of the payments (`progress.data`).
    """
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    contacts = select(
        K.staff_id, func.count(), func.sum(case((K.reached, 1), else_=0), type_=Integer)
    ).where(K.at >= since, K.at <= until, K.channel.in_(("call", "visit")), LATEST_CONTACT)
    for staff_id, attempts, reached in session.execute(
        _scoped(contacts, K.household_id, buildings).group_by(K.staff_id)
    ):
        counts[staff_id]["attempts"] = int(attempts)
        counts[staff_id]["conversations"] = int(reached or 0)
    kept = (M.status == PromiseStatus.KEPT.value) & (M.settled_at <= until)
    promises = select(
        M.staff_id, func.count(), func.sum(case((kept, 1), else_=0), type_=Integer)
    ).where(M.made_at >= since, M.made_at <= until)
    for staff_id, made, kept_count in session.execute(
        _scoped(promises, M.household_id, buildings).group_by(M.staff_id)
    ):
        counts[staff_id]["promises_made"] = int(made)
        counts[staff_id]["promises_kept"] = int(kept_count or 0)
    received = select(P.staff_id, fen(func.sum(P.amount))).where(
        P.paid_at >= since, P.paid_at <= until, EFFECTIVE_PAYMENT
    )
    for staff_id, amount in session.execute(
        _scoped(received, P.household_id, buildings).group_by(P.staff_id)
    ):
        counts[staff_id]["received"] = int(amount or 0)
    for staff_id, amount in collected_by.items():
        counts[staff_id]["collected"] = amount  # type: ignore[index]

    teams = select(B.team_id).where(B.code.in_(sorted(buildings)))
    people = session.execute(
        select(S.id, S.code, S.name, S.role).where(
            S.id.in_([i for i in counts if i is not None]) | S.team_id.in_(teams)
        )
    ).all()
    found = [
        CollectorFigures(
            code,
            name,
            role,
            attempts=counts[staff_id]["attempts"] if staff_id in counts else 0,
            conversations=counts[staff_id]["conversations"] if staff_id in counts else 0,
            promises_made=counts[staff_id]["promises_made"] if staff_id in counts else 0,
            promises_kept=counts[staff_id]["promises_kept"] if staff_id in counts else 0,
            collected=from_fen(counts[staff_id]["collected"] if staff_id in counts else 0),
            received=from_fen(counts[staff_id]["received"] if staff_id in counts else 0),
        )
        for staff_id, code, name, role in people
    ]
    if None in counts:  # payments or contacts recorded without a staff member (imports)
        row = counts[None]  # type: ignore[index]
        found.append(
            CollectorFigures(
                "",
                "",
                "",
                row["attempts"],
                row["conversations"],
                row["promises_made"],
                row["promises_kept"],
                from_fen(row["collected"]),
                from_fen(row["received"]),
            )
        )
    found.sort(key=lambda c: (-c.collected, -c.attempts, c.code))
    return found
