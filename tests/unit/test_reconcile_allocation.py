"""The money rules: oldest-first allocation and reconciling billing with callqueue payments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callqueue.ledger.allocation import AllocationError, OpenCharge, allocate_oldest_first
from callqueue.ledger.reconcile import absorb_oldest_first, pending_to_absorb

D = Decimal
fen = st.integers(min_value=1, max_value=10**8).map(lambda n: D(n) / 100)


def charge(charge_id: int, period: str, outstanding: str, fee: str = "property") -> OpenCharge:
    year, month = map(int, period.split("-"))
    return OpenCharge(charge_id, fee, period, dt.date(year, month, 28), D(outstanding))


CHARGES = [
    charge(3, "2026-09", "300.00"),
    charge(1, "2026-07", "100.00"),
    charge(2, "2026-08", "200.00", "electricity"),
]


@pytest.mark.parametrize(
    ("amount", "periods", "expected"),
    [
        ("50.00", None, [(1, "50.00")]),
        ("100.00", None, [(1, "100.00")]),
        ("250.00", None, [(1, "100.00"), (2, "150.00")]),
        ("600.00", None, [(1, "100.00"), (2, "200.00"), (3, "300.00")]),
        ("250.00", ["2026-09"], [(3, "250.00")]),
        ("350.00", ["2026-09", "2026-08"], [(2, "200.00"), (3, "150.00")]),
    ],
)
def test_allocation_table(
    amount: str, periods: list[str] | None, expected: list[tuple[int, str]]
) -> None:
    got = allocate_oldest_first(CHARGES, D(amount), periods=periods)
    assert [(a.charge_id, a.amount) for a in got] == [(i, D(x)) for i, x in expected]


@pytest.mark.parametrize(
    ("amount", "periods", "message"),
    [
        ("0.00", None, "must be positive"),
        ("-5.00", None, "must be positive"),
        ("600.01", None, "more than the 600.00 outstanding"),
        ("10.00", ["2026-10"], "no arrears for period"),
        ("301.00", ["2026-09"], "more than the 300.00 outstanding"),
    ],
)
def test_allocation_refusals(amount: str, periods: list[str] | None, message: str) -> None:
    with pytest.raises(AllocationError, match=message):
        allocate_oldest_first(CHARGES, D(amount), periods=periods)


@given(st.lists(fen, min_size=1, max_size=12), st.data())
def test_allocation_is_exact_and_oldest_first(
    outstanding: list[Decimal], data: st.DataObject
) -> None:
    charges = [
        OpenCharge(i, "property", f"2026-{1 + i % 12:02d}", dt.date(2020 + i, 1, 1), amount)
        for i, amount in enumerate(outstanding)
    ]
    total = sum(outstanding, D(0))
    amount = data.draw(
        st.integers(min_value=1, max_value=int(total * 100)).map(lambda n: D(n) / 100)
    )
    got = allocate_oldest_first(charges, amount)
    assert sum((a.amount for a in got), D(0)) == amount
    for allocation in got:
        assert D(0) < allocation.amount <= outstanding[allocation.charge_id]
    # every charge but the last touched is settled in full, and in due-date order
    ids = [a.charge_id for a in got]
    assert ids == sorted(ids)
    for allocation in got[:-1]:
        assert allocation.amount == outstanding[allocation.charge_id]


@pytest.mark.parametrize(
    ("due", "old", "new", "pending", "absorbed"),
    [
        ("500", "0", "0", "100", "0"),  # billing has not seen it yet
        ("500", "0", "100", "100", "100"),  # billing shows exactly our payment
        ("500", "0", "60", "100", "60"),  # billing shows part of it
        ("500", "0", "300", "100", "100"),  # billing shows ours and another payment
        ("500", "100", "100", "50", "0"),  # no change in billing
        ("500", "200", "100", "50", "0"),  # billing reversed a payment: ours still pending
        ("500", "0", "480", "50", "50"),  # would overflow the amount due: billing wins
        ("500", "0", "460", "50", "50"),  # increase 460 >= pending
        ("500", "450", "460", "50", "10"),  # increase 10 absorbs 10; 460+40 = 500 fits
    ],
)
def test_pending_to_absorb(due: str, old: str, new: str, pending: str, absorbed: str) -> None:
    assert pending_to_absorb(
        amount_due=D(due), old_billing=D(old), new_billing=D(new), pending=D(pending)
    ) == D(absorbed)


@given(fen, fen, fen, fen)
def test_reconciled_line_never_overpaid_or_negative(
    due: Decimal, old: Decimal, new: Decimal, pending: Decimal
) -> None:
    new = min(new, due)  # an export never shows more paid than due (import refuses it)
    absorbed = pending_to_absorb(amount_due=due, old_billing=old, new_billing=new, pending=pending)
    assert D(0) <= absorbed <= pending
    left = pending - absorbed
    assert new + left <= max(due, new)  # never more paid than due
    if new > old:  # billing's increase is matched first
        assert absorbed >= min(pending, new - old)


def test_absorb_oldest_first() -> None:
    allocations = [(7, D("30.00")), (9, D("50.00")), (12, D("20.00"))]
    assert absorb_oldest_first(D("60.00"), allocations) == [(7, D("30.00")), (9, D("30.00"))]
    assert absorb_oldest_first(D("0.00"), allocations) == []
    assert absorb_oldest_first(D("500.00"), allocations) == allocations
