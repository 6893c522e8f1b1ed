"""A newer export over a database where collectors have been at work: nothing lost or doubled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from callqueue.ledger.importer import import_ledger
from callqueue.ledger.summary import ledger_summary
from callqueue.store.database import Store
from callqueue.store.models import (
    ChargeLine,
    Contact,
    Household,
    Payment,
    PaymentAllocation,
    Person,
    Promise,
)
from tests.conftest import AT
from tests.ledger_files import SAMPLE, sample_rows, write_csv

D = Decimal


def line_of(store: Store, key: str, fee: str, period: str) -> ChargeLine:
    with store.session() as s:
        return s.scalars(
            select(ChargeLine)
            .join(Household)
            .where(Household.key == key, ChargeLine.fee_type == fee, ChargeLine.period == period)
        ).one()


def record_payment(store: Store, key: str, fee: str, period: str, amount: Decimal) -> None:
    """What the `record` command will do: a payment, its allocation, and paid_pending."""
    charge = line_of(store, key, fee, period)
    with store.session() as s, s.begin():
        payment = Payment(
            household_id=charge.household_id, paid_at=AT, amount=amount, channel="wechat"
        )
        s.add(payment)
        s.flush()
        assert payment.id is not None and charge.id is not None
        s.add(PaymentAllocation(payment_id=payment.id, charge_line_id=charge.id, amount=amount))
        row = s.get(ChargeLine, charge.id)
        assert row is not None
        row.paid_pending += amount
        s.add(Contact(household_id=charge.household_id, at=AT, channel="call", outcome="promise",
                      reached=True, note="业主答应本周缴清"))  # fmt: skip
        s.add(Promise(household_id=charge.household_id, made_at=AT,
                      promised_date=AT.date() + dt.timedelta(days=3)))  # fmt: skip


def newer_export(tmp_path: Path, changes: dict[tuple[str, str, str], tuple[str, str]]) -> Path:
    """The sample with (room, fee, period-as-written) lines given new (paid, arrears).

    The sample's 合计 row no longer fits the changed lines, so it is left out.
    """
    rows = sample_rows()[:-1]
    for row in rows[2:-1]:
        change = changes.get((row[2], row[6], row[7]))
        if change is not None:
            row[9], row[10] = change
    return write_csv(tmp_path / "newer.csv", rows)


def test_callqueue_payment_then_billing_shows_it(store: Store, tmp_path: Path) -> None:
    import_ledger(store, SAMPLE, at=AT)
    record_payment(store, "6-2-1203", "electricity", "2026-09", D("1024.30"))
    with store.session() as s:
        assert ledger_summary(s, AT.date()).total == D("3654.84") - D("1024.30")
    # The cashier entered the payment into billing; the next export shows it paid.
    path = newer_export(tmp_path, {("1203", "电费", "202609"): ("1,024.30", "0")})
    report = import_ledger(store, path, at=AT + dt.timedelta(days=2))
    assert report.charges_updated == 1 and report.reconciled == D("1024.30")
    line = line_of(store, "6-2-1203", "electricity", "2026-09")
    assert (line.paid_billing, line.paid_pending) == (D("1024.30"), D("0.00"))
    with store.session() as s:
        assert ledger_summary(s, AT.date()).total == D("3654.84") - D(
            "1024.30"
        )  # not counted twice
        allocation = s.scalars(select(PaymentAllocation)).one()
        assert allocation.reconciled == D("1024.30")
        # nothing recorded in callqueue is lost
        assert s.scalar(select(func.count()).select_from(Contact)) == 1
        assert s.scalar(select(func.count()).select_from(Promise)) == 1
        assert s.scalar(select(func.count()).select_from(Payment)) == 1


def test_billing_not_yet_updated_keeps_callqueue_payment(store: Store) -> None:
    import_ledger(store, SAMPLE, at=AT)
    record_payment(store, "6-2-1203", "property", "2026-09", D("100.00"))
    report = import_ledger(store, SAMPLE, at=AT + dt.timedelta(days=1))  # same old export
    assert report.charges_unchanged == 13 and report.reconciled == D("0.00")
    line = line_of(store, "6-2-1203", "property", "2026-09")
    assert (line.paid_billing, line.paid_pending) == (D("0.00"), D("100.00"))
    with store.session() as s:
        assert ledger_summary(s, AT.date()).total == D("3554.84")


def test_part_of_a_payment_seen_by_billing(sqlite_store: Store, tmp_path: Path) -> None:
    import_ledger(sqlite_store, SAMPLE, at=AT)
    record_payment(sqlite_store, "6-2-1203", "property", "2026-09", D("200.00"))
    path = newer_export(tmp_path, {("1203", "物业费", "202609"): ("150.00", "202.80")})
    report = import_ledger(sqlite_store, path, at=AT)
    assert report.reconciled == D("150.00")
    line = line_of(sqlite_store, "6-2-1203", "property", "2026-09")
    assert (line.paid_billing, line.paid_pending) == (D("150.00"), D("50.00"))
    assert line.amount_due - line.paid_billing - line.paid_pending == D("152.80")


def test_new_owner_keeps_the_old_one_as_former(store: Store, tmp_path: Path) -> None:
    import_ledger(store, SAMPLE, at=AT)
    rows = sample_rows()
    for row in rows[2:-1]:
        if row[2] == "0804室":
            row[3] = "赵磊"
    import_ledger(store, write_csv(tmp_path / "sold.csv", rows), at=AT)
    with store.session() as s:
        people = s.execute(
            select(Person.name, Person.role, Person.is_primary)
            .join(Household)
            .where(Household.key == "7-2-804")
            .order_by(Person.id)
        ).all()
    assert [tuple(p) for p in people] == [("张伟", "former_owner", False), ("赵磊", "owner", True)]


def test_newer_export_adds_lines_and_keeps_missing_ones(store: Store, tmp_path: Path) -> None:
    import_ledger(store, SAMPLE, at=AT)
    rows = sample_rows()
    header, lines = rows[:2], rows[2:-1]
    newer = [*lines[3:], [*lines[3][:7], "2026年10月", "352.80", "0", "352.80", ""]]
    report = import_ledger(store, write_csv(tmp_path / "oct.csv", [*header, *newer]), at=AT)
    assert (report.charges_added, report.households_added) == (1, 0)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(ChargeLine)) == 14
        assert ledger_summary(s, AT.date()).total == D("3654.84") + D("352.80")
