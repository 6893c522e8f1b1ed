"""`kill -9` inside a write transaction loses nothing that was saved and leaves nothing
half-written, on SQLite and PostgreSQL; a killed import simply runs again to completion.

The killed process pauses inside its transaction at a chosen insert (tests/concurrency/
crash.py), so the kill lands there every time.
"""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from benchmarks.bench_import import write_export
from sqlalchemy import func, select

from callqueue.demo import DEMO_COLLECTOR, fill_demo
from callqueue.ledger.importer import import_ledger
from callqueue.policy import DEFAULT_POLICY
from callqueue.recording.entries import PaymentEntry
from callqueue.recording.save import household_outstanding, record_payment
from callqueue.store.database import Store
from callqueue.store.models import (
    AuditEntry,
    ChargeLine,
    Household,
    ImportBatch,
    Payment,
    PaymentAllocation,
    Person,
    Phone,
)
from tests.concurrency.crash import AT
from tests.conftest import DEMO_DAY

# Processes of their own, killed mid-write under a deadline: never alongside another test of
# the group (docs/testing.md).
pytestmark = pytest.mark.xdist_group("serial")

ROOT = Path(__file__).resolve().parents[2]
LINES = 24_000  # 1,000 households, 12 months of two fees


def _killed_inside(kind: str, url: str, table: str, folder: Path, *args: str) -> str:
    """Run tests/concurrency/crash.py, wait until it pauses inside its transaction, kill -9."""
    paused = folder / f"{kind}.paused"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.concurrency.crash", kind, url, str(paused), table, *args],
        cwd=ROOT,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not paused.exists():
        if child.poll() is not None:
            raise AssertionError(f"the {kind} ended before the kill: {child.stderr.read()!r}")  # type: ignore[union-attr]
        if time.monotonic() > deadline:
            child.kill()
            raise AssertionError(f"the {kind} never reached {table}")
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(30) == -signal.SIGKILL
    child.stderr.close()  # type: ignore[union-attr]
    return paused.read_text(encoding="utf-8")  # the statement it was about to run


def _sqlite_is_sound(store: Store) -> None:
    if not store.is_sqlite:
        return
    connection = sqlite3.connect(store.url.split(":///", 1)[1])
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        connection.close()


def _figures(store: Store) -> dict[str, Any]:
    with store.session() as session:

        def count(model: Any) -> int:
            return int(session.execute(select(func.count()).select_from(model)).scalar() or 0)

        def total(column: Any) -> Decimal:
            return Decimal(session.execute(select(func.sum(column))).scalar() or 0)

        return {
            "households": count(Household),
            "people": count(Person),
            "phones": count(Phone),
            "lines": count(ChargeLine),
            "batches": count(ImportBatch),
            "payments": count(Payment),
            "allocations": count(PaymentAllocation),
            "audit": count(AuditEntry),
            "due": total(ChargeLine.amount_due),
            "paid_billing": total(ChargeLine.paid_billing),
            "paid_pending": total(ChargeLine.paid_pending),
            "paid": total(Payment.amount),
            "allocated": total(PaymentAllocation.amount),
        }


def _export_totals(path: Path) -> tuple[int, Decimal, Decimal]:
    with path.open(encoding="gbk", newline="") as file:
        rows = list(csv.reader(file))[1:]

    def money(text: str) -> Decimal:
        return Decimal(text.replace(",", ""))

    return len(rows), sum(money(r[8]) for r in rows), sum(money(r[9]) for r in rows)  # type: ignore[return-value]


def test_an_import_killed_mid_write_leaves_nothing_and_runs_again(
    store: Store, tmp_path: Path
) -> None:
    export = tmp_path / "export.csv"
    write_export(export, LINES)
    before = _figures(store)

    statement = _killed_inside("import", store.url, "charge_lines", tmp_path, str(export))
    assert "charge_lines" in statement  # households, owners and phones were written by then

    _sqlite_is_sound(store)
    assert _figures(store) == before  # nothing half-written: not one household

    report = import_ledger(store, export, at=AT)  # simply run again
    lines, due, paid = _export_totals(export)
    after = _figures(store)
    assert after["lines"] == lines == LINES
    assert after["households"] == report.households_added == report.households == 1_000
    assert report.charges_added == LINES
    assert (after["due"], after["paid_billing"], after["batches"]) == (due, paid, 1)
    _sqlite_is_sound(store)


def test_a_payment_killed_inside_its_transaction_is_all_or_nothing(
    store: Store, tmp_path: Path
) -> None:
    fill_demo(store, households=120, today=DEMO_DAY)
    with store.session() as session:
        outstanding = ChargeLine.amount_due - ChargeLine.paid_billing - ChargeLine.paid_pending
        household_id, key, open_lines = session.execute(
            select(Household.id, Household.key, func.count(ChargeLine.id))
            .join(ChargeLine, ChargeLine.household_id == Household.id)
            .where(outstanding > 0)
            .group_by(Household.id, Household.key)
            .order_by(func.count(ChargeLine.id).desc(), Household.key)
            .limit(1)
        ).one()
        owed = household_outstanding(session, household_id)
    assert open_lines >= 8
    before = _figures(store)

    statement = _killed_inside(
        "payment", store.url, "audit_log", tmp_path, key, str(owed), DEMO_COLLECTOR
    )
    assert "audit_log" in statement  # payment, allocations and lines written by then

    _sqlite_is_sound(store)
    assert _figures(store) == before  # not a payment, not one allocation, not one cent
    with store.session() as session:
        assert household_outstanding(session, household_id) == owed

    entry = PaymentEntry(key, DEMO_COLLECTOR, AT, owed, "cash", "SK-KILL-9")
    saved = record_payment(store, entry, now=AT, policy=DEFAULT_POLICY)  # saved again, whole
    assert len(saved.allocations) == open_lines
    after = _figures(store)
    assert after["payments"] == before["payments"] + 1
    assert after["allocations"] == before["allocations"] + open_lines
    assert after["paid"] - before["paid"] == owed
    assert after["allocated"] - before["allocated"] == owed
    assert after["paid_pending"] - before["paid_pending"] == owed
    with store.session() as session:
        assert household_outstanding(session, household_id) == 0
    _sqlite_is_sound(store)
