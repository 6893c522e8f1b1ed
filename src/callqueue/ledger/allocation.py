"""How a payment is spread over a household's charges: oldest charge first.

A payer may name the periods instead; then only those charges are settled, oldest first.
Nothing here touches the database, so the same rule serves the CLI, the app and the demo.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from callqueue.money import ZERO


@dataclass(frozen=True, slots=True)
class OpenCharge:
    """A charge line that still has arrears."""

    charge_id: int
    fee_type: str
    period: str
    due_date: dt.date
    outstanding: Decimal


@dataclass(frozen=True, slots=True)
class Allocation:
    charge_id: int
    amount: Decimal


class AllocationError(ValueError):
    """The payment cannot be allocated as asked; the message says why."""


def allocate_oldest_first(
    charges: Iterable[OpenCharge],
    amount: Decimal,
    *,
    periods: Sequence[str] | None = None,
) -> list[Allocation]:
    """Split `amount` over `charges`, oldest due date first (then period, fee type).

    With `periods`, only charges of those periods are settled. An amount larger than what is
    outstanding is refused: callqueue records no credit balances.
    """
    if amount <= ZERO:
        raise AllocationError(f"the amount must be positive, not {amount}")
    chosen = [c for c in charges if c.outstanding > ZERO]
    if periods is not None:
        wanted = set(periods)
        chosen = [c for c in chosen if c.period in wanted]
        missing = wanted - {c.period for c in chosen}
        if missing:
            raise AllocationError(f"no arrears for period(s) {', '.join(sorted(missing))}")
    chosen.sort(key=lambda c: (c.due_date, c.period, c.fee_type, c.charge_id))
    total = sum((c.outstanding for c in chosen), ZERO)
    if amount > total:
        raise AllocationError(f"{amount} is more than the {total} outstanding")
    allocations: list[Allocation] = []
    left = amount
    for charge in chosen:
        if left == ZERO:
            break
        part = min(left, charge.outstanding)
        allocations.append(Allocation(charge.charge_id, part))
        left -= part
    return allocations
