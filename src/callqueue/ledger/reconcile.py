"""Reconciling a newer billing export with payments recorded in callqueue.

A payment recorded in callqueue counts at once (`paid_pending` on its charge lines). The
billing system learns of it later, when the cashier enters it there; the next export then
shows a higher paid amount. That increase is matched against the callqueue payments on the
same line, oldest first, and those are marked reconciled, so the money is never counted
twice. Whatever the export shows as paid is believed: if billing paid plus pending would
exceed the amount due, the pending part shrinks until it fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from callqueue.money import ZERO


def pending_to_absorb(
    *, amount_due: Decimal, old_billing: Decimal, new_billing: Decimal, pending: Decimal
) -> Decimal:
    """How much of a line's pending callqueue money the new export already accounts for."""
    increase = new_billing - old_billing
    overflow = new_billing + pending - amount_due
    return min(pending, max(increase, overflow, ZERO))


def absorb_oldest_first(
    amount: Decimal, open_allocations: Sequence[tuple[int, Decimal]]
) -> list[tuple[int, Decimal]]:
    """Spread `amount` over (allocation id, unreconciled part) pairs, oldest first.

    Returns (allocation id, amount to add to its `reconciled`) pairs.
    """
    taken: list[tuple[int, Decimal]] = []
    left = amount
    for allocation_id, unreconciled in open_allocations:
        if left <= ZERO:
            break
        part = min(left, unreconciled)
        if part > ZERO:
            taken.append((allocation_id, part))
            left -= part
    return taken
