"""Corrections on SQLite and PostgreSQL: contacts and payments are append-only, a correction
is a new row pointing back, and everything that reads them (the queue's facts, arrears,
promises, the progress figures) comes out right afterwards, to the fen."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from callqueue.audit import read_audit
from callqueue.household_view import household_id_for_key, load_household_view
from callqueue.ledger.importer import import_ledger
from callqueue.policy import DEFAULT_POLICY as P
from callqueue.progress.data import load_scope
from callqueue.queue.facts import Facts, facts_for
from callqueue.queue.records import HouseholdRecord, load_records
from callqueue.recording.corrections import (
    ContactCorrection,
    PaymentReversal,
    contact_chain,
    correct_contact,
    latest_contact_id,
    reverse_payment,
)
from callqueue.recording.entries import (
    EntryInvalid,
    LetterEntry,
    OutcomeEntry,
    PaymentEntry,
    PromiseEntry,
)
from callqueue.recording.save import (
    household_outstanding,
    record_letter,
    record_outcome,
    record_payment,
    record_promise,
)
from callqueue.store.database import Store
from callqueue.store.models import (
    AuditEntry,
    Building,
    ChargeLine,
    Contact,
    Payment,
    PaymentAllocation,
    Promise,
    Staff,
    Team,
)
from tests.conftest import AT
from tests.integration.test_recording import prepare, state
from tests.ledger_files import SAMPLE

D = Decimal

KEY = "6-2-1203"  # owes 352.80 + 1,024.30 + 300.00 = 1,677.10


@pytest.fixture
def ledger(store: Store) -> Store:
    prepared = prepare(store)
    with prepared.session() as s, s.begin():
        other = Team(name="八栋")
        s.add(other)
        s.flush()
        eight = s.execute(select(Building).where(col(Building.code) == "8")).scalar_one()
        eight.team_id = other.id  # building 8 is another team's
        s.add(Staff(code="zhao", name="赵敏", role="collector", team_id=other.id))
        s.add(Staff(code="boss", name="周总", role="manager"))
    return prepared


def owed(store: Store, key: str = KEY) -> Decimal:
    with store.session() as s:
        return household_outstanding(s, household_id_for_key(s, key))


def facts(
    store: Store, key: str = KEY, day: dt.date | None = None
) -> tuple[HouseholdRecord, Facts]:
    day = day or AT.date()
    with store.session() as s:
        household_id = household_id_for_key(s, key)
        record = load_records(s, due_by=day + dt.timedelta(days=30), ids=[household_id])[
            household_id
        ]
        return record, facts_for(record, day, P)


def audit_rows(store: Store, action: str) -> list[AuditEntry]:
    with store.session() as s:
        return list(
            s.execute(
                select(AuditEntry)
                .where(col(AuditEntry.action) == action)
                .order_by(col(AuditEntry.id))
            ).scalars()
        )


# --- contacts -----------------------------------------------------------------------------


def test_contact_correction_is_a_new_row_and_the_queue_uses_it(ledger: Store) -> None:
    first = record_outcome(
        ledger,
        OutcomeEntry(KEY, "lina", AT - dt.timedelta(hours=2), "call", "refused", note="不交"),
        now=AT - dt.timedelta(hours=2),
        policy=P,
    )
    record, before = facts(ledger)
    assert [c.outcome for c in record.contacts] == ["refused"]
    with ledger.session() as s:
        original = s.get(Contact, first.contact_id)
        assert original is not None
        kept = original.model_dump()
    before_rows = state(ledger)
    fix = ContactCorrection(
        first.contact_id or 0,
        "wang",
        AT,
        reason="录错了：其实无人接听",
        outcome="no_answer",
        note="",
    )
    done = correct_contact(ledger, fix, now=AT, policy=P)
    assert done.corrects_id == first.contact_id and done.contact_id != first.contact_id
    assert state(ledger)["Contact"] == before_rows["Contact"] + 1
    with ledger.session() as s:
        again = s.get(Contact, first.contact_id)
        assert again is not None and again.model_dump() == kept  # never updated
        new = s.get(Contact, done.contact_id)
        assert new is not None
        assert (new.outcome, new.reached, new.note, new.corrects_id) == (
            "no_answer",
            False,
            "",
            first.contact_id,
        )
        assert new.at == original.at and new.staff_id == original.staff_id  # who made the call
        assert contact_chain(s, first.contact_id or 0) == [first.contact_id, done.contact_id]
        assert latest_contact_id(s, first.contact_id or 0) == done.contact_id
    record, after = facts(ledger)
    assert [c.outcome for c in record.contacts] == ["no_answer"]  # the chain's latest only
    assert before.last_conversation is not None and after.last_conversation is None
    # the audit row: who corrected, when, why, before and after
    (row,) = audit_rows(ledger, "correct_contact")
    detail = json.loads(row.detail)
    assert (row.at, row.table_name, row.row_id) == (AT, "contacts", done.contact_id)
    assert detail["reason"] == "录错了：其实无人接听"
    assert detail["before"] == {"outcome": "refused", "note": "不交"}
    assert detail["after"] == {"outcome": "no_answer", "note": ""}
    # the timeline shows both, the original marked as corrected
    with ledger.session() as s:
        view = load_household_view(s, done.household_id, day=AT.date(), policy=P)
    entries = {e.ref_id: e for e in view.timeline if e.kind == "contact"}
    assert entries[first.contact_id].status == "corrected"
    assert "王强" in entries[first.contact_id].detail
    assert "录错了" in entries[first.contact_id].detail
    assert f"#{first.contact_id}" in entries[done.contact_id].detail


def test_a_corrected_contact_is_refused_and_the_latest_named(ledger: Store) -> None:
    first = record_outcome(
        ledger, OutcomeEntry(KEY, "lina", AT, "call", "no_answer"), now=AT, policy=P
    )
    fix = ContactCorrection(first.contact_id or 0, "lina", AT, "打错号码", outcome="busy")
    second = correct_contact(ledger, fix, now=AT, policy=P)
    before = state(ledger)
    with pytest.raises(EntryInvalid) as raised:
        correct_contact(ledger, fix, now=AT, policy=P)
    assert f"#{second.contact_id}" in str(raised.value)
    third = correct_contact(
        ledger,
        dataclasses.replace(fix, contact_id=second.contact_id or 0, outcome="switched_off"),
        now=AT,
        policy=P,
    )
    assert state(ledger)["Contact"] == before["Contact"] + 1
    record, _facts = facts(ledger)
    assert [c.outcome for c in record.contacts] == ["switched_off"]
    with ledger.session() as s:
        assert contact_chain(s, second.contact_id or 0) == [
            first.contact_id,
            second.contact_id,
            third.contact_id,
        ]


def test_bad_corrections_write_nothing_and_say_everything(ledger: Store) -> None:
    first = record_outcome(
        ledger, OutcomeEntry(KEY, "lina", AT, "call", "no_answer"), now=AT, policy=P
    )
    cid = first.contact_id or 0
    before = state(ledger)
    cases = {
        ContactCorrection(cid, "lina", AT, "", outcome="busy"): ["reason"],
        ContactCorrection(cid, "lina", AT, "why"): ["contact_id"],  # nothing changes
        ContactCorrection(cid, "lina", AT, "x", outcome="refused"): ["note"],
        ContactCorrection(cid, "lina", AT, "x", outcome="promise"): ["outcome"],
        ContactCorrection(cid, "lina", AT, "x", channel="letter"): ["channel"],
        ContactCorrection(cid, "lina", AT, "x", contact_at=AT + dt.timedelta(hours=1)): [
            "contact_at"
        ],
        ContactCorrection(cid, "zhao", AT, "x", outcome="busy"): ["household_key"],
        ContactCorrection(cid, "lina", AT, "x", outcome="busy", household_key="8-1501"): [
            "household_key"
        ],
        ContactCorrection(99999, "nobody", AT, ""): ["staff_code", "reason", "contact_id"],
    }
    for entry, expected in cases.items():
        with pytest.raises(EntryInvalid) as raised:
            correct_contact(ledger, entry, now=AT, policy=P)
        assert sorted({p.field for p in raised.value.problems}) == sorted(expected), entry
    assert state(ledger) == before
    assert audit_rows(ledger, "correct_contact") == []


def test_letter_correction_adds_the_delivery_proof(ledger: Store) -> None:
    sent = record_letter(
        ledger,
        LetterEntry(KEY, "lina", AT, "written_demand", False, None, None),
        now=AT,
        policy=P,
    )
    _record, before = facts(ledger)
    with pytest.raises(EntryInvalid) as raised:
        correct_contact(
            ledger,
            ContactCorrection(sent.contact_id or 0, "lina", AT, "签收了", outcome="delivered"),
            now=AT,
            policy=P,
        )
    assert [p.field for p in raised.value.problems] == ["proof"]
    correct_contact(
        ledger,
        ContactCorrection(
            sent.contact_id or 0, "lina", AT, "EMS 已签收", outcome="delivered", proof="EMS1"
        ),
        now=AT,
        policy=P,
    )
    record, after = facts(ledger)
    assert [(c.outcome, c.reached, c.has_proof) for c in record.contacts] == [
        ("delivered", True, True)
    ]
    assert before.demand_deadline is None and after.demand_deadline is not None


# --- payments -----------------------------------------------------------------------------


def allocations_of(store: Store, payment_id: int) -> list[tuple[int, Decimal]]:
    with store.session() as s:
        return [
            (a.charge_line_id, a.amount)
            for a in s.execute(
                select(PaymentAllocation)
                .where(col(PaymentAllocation.payment_id) == payment_id)
                .order_by(col(PaymentAllocation.id))
            ).scalars()
        ]


def test_reversal_mirrors_the_payment_to_the_fen(ledger: Store) -> None:
    start = state(ledger)
    assert owed(ledger) == D("1677.10")
    paid = record_payment(
        ledger,
        PaymentEntry(KEY, "lina", AT - dt.timedelta(hours=1), D("1000.01"), "wechat", None),
        now=AT,
        policy=P,
    )
    assert owed(ledger) == D("677.09")
    undo = reverse_payment(
        ledger, PaymentReversal(paid.payment_id or 0, "wang", AT, "金额录错"), now=AT, policy=P
    )
    assert owed(ledger) == D("1677.10")
    after = state(ledger)
    assert after["pending"] == start["pending"]  # every line back to what it was
    with ledger.session() as s:
        original = s.get(Payment, paid.payment_id)
        reversal = s.get(Payment, undo.payment_id)
        assert original is not None and reversal is not None
        assert original.amount == D("1000.01") and original.corrects_id is None
        assert (reversal.amount, reversal.corrects_id, reversal.paid_at) == (
            D("-1000.01"),
            paid.payment_id,
            AT,
        )
        total = s.execute(
            select(func.sum(Payment.amount)).where(col(Payment.household_id) == paid.household_id)
        ).scalar_one()
        assert Decimal(total) == D("0.00")
    mirror = [(line, -amount) for line, amount in allocations_of(ledger, paid.payment_id or 0)]
    assert allocations_of(ledger, undo.payment_id or 0) == mirror
    assert sum((a.amount for a in undo.allocations), D(0)) == D("-1000.01")
    # a new payment recorded normally after the reversal
    record_payment(
        ledger, PaymentEntry(KEY, "lina", AT, D("100.01"), "wechat", None), now=AT, policy=P
    )
    assert owed(ledger) == D("1577.09")
    record, _facts = facts(ledger)
    assert record.payments == [AT]  # the reversed payment is no evidence of anything
    # neither the reversal nor the reversed payment can be reversed again
    before = state(ledger)
    for payment_id in (paid.payment_id, undo.payment_id):
        with pytest.raises(EntryInvalid) as raised:
            reverse_payment(
                ledger, PaymentReversal(payment_id or 0, "wang", AT, "again"), now=AT, policy=P
            )
        assert [p.field for p in raised.value.problems] == ["payment_id"]
    assert state(ledger) == before
    (row,) = audit_rows(ledger, "reverse_payment")
    detail = json.loads(row.detail)
    assert detail["amount"] == "-1000.01" and detail["reason"] == "金额录错"
    assert sum(D(a["amount"]) for a in detail["allocations"]) == D("-1000.01")


def _export_with_paid(tmp_path: Path) -> Path:
    """The sample export later: billing shows 352.80 paid on 6-2-1203's electricity."""
    text = SAMPLE.read_text(encoding="utf-8")
    old = '电费,202609,"1,024.30",0,"1,024.30",,'
    assert text.count(old) == 1
    text = text.replace(old, '电费,202609,"1,024.30",352.80,671.50,,')
    text = text.replace('"3,842.84",188.00,"3,654.84"', '"3,842.84",540.80,"3,302.04"')
    path = tmp_path / "later.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_reconciled_payment_is_refused(ledger: Store, tmp_path: Path) -> None:
    paid = record_payment(
        ledger,
        PaymentEntry(KEY, "lina", AT - dt.timedelta(days=1), D("352.80"), "wechat", None),
        now=AT,
        policy=P,
    )
    import_ledger(ledger, _export_with_paid(tmp_path), at=AT - dt.timedelta(hours=1))
    before = state(ledger)
    with pytest.raises(EntryInvalid) as raised:
        reverse_payment(
            ledger, PaymentReversal(paid.payment_id or 0, "wang", AT, "错"), now=AT, policy=P
        )
    message = str(raised.value)
    assert "352.80" in message and "billing" in message
    assert state(ledger) == before
    assert owed(ledger) == D("1324.30")


def test_reversed_payment_is_never_reconciled(ledger: Store, tmp_path: Path) -> None:
    """Billing's later increase is matched to payments that still count, not to a reversed one."""
    wrong = record_payment(
        ledger,
        PaymentEntry(KEY, "lina", AT - dt.timedelta(days=2), D("352.80"), "cash", "SK-1"),
        now=AT,
        policy=P,
    )
    reverse_payment(
        ledger,
        PaymentReversal(wrong.payment_id or 0, "wang", AT - dt.timedelta(days=2), "重复录入"),
        now=AT,
        policy=P,
    )
    right = record_payment(
        ledger,
        PaymentEntry(KEY, "lina", AT - dt.timedelta(days=2), D("352.80"), "cash", "SK-2"),
        now=AT,
        policy=P,
    )
    import_ledger(ledger, _export_with_paid(tmp_path), at=AT - dt.timedelta(hours=1))
    with ledger.session() as s:
        reconciled: dict[int, Decimal] = {
            a.payment_id: a.reconciled for a in s.execute(select(PaymentAllocation)).scalars()
        }
        lines = s.execute(select(ChargeLine)).scalars().all()
        assert all(line.paid_pending >= 0 for line in lines)
    assert reconciled[wrong.payment_id or 0] == D("0.00")
    assert reconciled[right.payment_id or 0] == D("352.80")
    assert owed(ledger) == D("1324.30")


def test_promise_kept_by_a_reversed_payment_is_open_again(ledger: Store) -> None:
    made = AT - dt.timedelta(days=2)
    promise = record_promise(
        ledger,
        PromiseEntry(KEY, "lina", made, made.date() + dt.timedelta(days=3), D("500.00"), "wechat"),
        now=made,
        policy=P,
    )
    paid = record_payment(
        ledger,
        PaymentEntry(KEY, "lina", AT - dt.timedelta(days=1), D("500.00"), "wechat", None),
        now=AT,
        policy=P,
    )
    assert paid.kept_promise_ids == (promise.promise_id,)
    _record, kept = facts(ledger)
    assert (kept.promises_kept, kept.pending_promise) == (1, None)
    undo = reverse_payment(
        ledger, PaymentReversal(paid.payment_id or 0, "wang", AT, "款未到账"), now=AT, policy=P
    )
    assert undo.reopened_promise_ids == (promise.promise_id,)
    with ledger.session() as s:
        row = s.get(Promise, promise.promise_id)
        assert row is not None and (row.status, row.settled_at) == ("open", None)
    _record, reopened = facts(ledger)
    assert reopened.promises_kept == 0
    assert reopened.pending_promise == made.date() + dt.timedelta(days=3)
    # the promise is broken once its date (plus grace) passes unpaid
    late = AT.date() + dt.timedelta(days=10)
    _record, later = facts(ledger, day=late)
    assert later.broken_promise == made.date() + dt.timedelta(days=3)
    # the money arrives for real: the promise is kept again
    again = record_payment(
        ledger, PaymentEntry(KEY, "lina", AT, D("500.00"), "wechat", None), now=AT, policy=P
    )
    assert again.kept_promise_ids == (promise.promise_id,)


def test_promise_kept_by_other_payments_stays_kept(ledger: Store) -> None:
    made = AT - dt.timedelta(days=2)
    record_promise(
        ledger,
        PromiseEntry(KEY, "lina", made, made.date() + dt.timedelta(days=3), D("300.00"), None),
        now=made,
        policy=P,
    )
    good = record_payment(
        ledger,
        PaymentEntry(KEY, "lina", AT - dt.timedelta(hours=3), D("300.00"), "alipay", None),
        now=AT,
        policy=P,
    )
    assert good.kept_promise_ids
    extra = record_payment(
        ledger,
        PaymentEntry(KEY, "lina", AT - dt.timedelta(hours=2), D("300.00"), "alipay", None),
        now=AT,
        policy=P,
    )
    undo = reverse_payment(
        ledger, PaymentReversal(extra.payment_id or 0, "lina", AT, "重复"), now=AT, policy=P
    )
    assert undo.reopened_promise_ids == ()
    _record, after = facts(ledger)
    assert after.promises_kept == 1


def test_collected_figures_leave_reversed_payments_out(ledger: Store) -> None:
    paid_at = AT - dt.timedelta(days=1)
    with ledger.session() as s:
        before = load_scope(s, "2026-11", AT, None)
    paid = record_payment(
        ledger, PaymentEntry(KEY, "lina", paid_at, D("400.00"), "wechat", None), now=AT, policy=P
    )
    with ledger.session() as s:
        during = load_scope(s, "2026-11", AT, None)
    reverse_payment(
        ledger, PaymentReversal(paid.payment_id or 0, "wang", AT, "错"), now=AT, policy=P
    )
    with ledger.session() as s:
        after = load_scope(s, "2026-11", AT, None)
        household_id = household_id_for_key(s, KEY)
    assert during.households[household_id].collected_total == 40000
    assert after.households[household_id].collected_total == 0
    assert after.households[household_id].start == before.households[household_id].start
    assert after.payments == before.payments == []
    assert after.by_staff == before.by_staff


def test_another_teams_household_is_refused_for_every_write(ledger: Store) -> None:
    before = state(ledger)
    writes: list[Callable[[], object]] = [
        lambda: record_outcome(
            ledger, OutcomeEntry("8-1501", "lina", AT, "call", "no_answer"), now=AT, policy=P
        ),
        lambda: record_payment(
            ledger, PaymentEntry("8-1501", "lina", AT, D("1.00"), "wechat", None), now=AT, policy=P
        ),
        lambda: record_letter(
            ledger,
            LetterEntry("8-1501", "lina", AT, "reminder", False, None, None),
            now=AT,
            policy=P,
        ),
    ]
    for write in writes:
        with pytest.raises(EntryInvalid) as raised:
            write()
        assert [p.field for p in raised.value.problems] == ["household_key"]
        assert "building 8" in str(raised.value)
    assert state(ledger) == before
    # the other team's collector and a manager may
    record_outcome(
        ledger, OutcomeEntry("8-1501", "zhao", AT, "call", "no_answer"), now=AT, policy=P
    )
    record_outcome(
        ledger, OutcomeEntry("8-1501", "boss", AT, "call", "no_answer"), now=AT, policy=P
    )
    with ledger.session() as s:
        rows = read_audit(s, household_id=household_id_for_key(s, "8-1501"))
    assert [(r.staff_code, r.action) for r in rows] == [
        ("zhao", "record_outcome"),
        ("boss", "record_outcome"),
    ]


def test_collectors_figures_leave_corrections_and_reversals_out(ledger: Store) -> None:
    from callqueue.progress.people import collector_figures

    since, until = AT - dt.timedelta(days=30), AT

    def lina() -> tuple[int, D]:
        with ledger.session() as s:
            rows = collector_figures(s, ["6"], since, until, {})
        row = next(r for r in rows if r.code == "lina")
        return row.attempts, row.received

    attempts, received = lina()
    called = record_outcome(
        ledger, OutcomeEntry(KEY, "lina", AT, "call", "no_answer"), now=AT, policy=P
    )
    correct_contact(
        ledger,
        ContactCorrection(called.contact_id or 0, "lina", AT, "wrong button", outcome="busy"),
        now=AT,
        policy=P,
    )
    paid = record_payment(
        ledger, PaymentEntry(KEY, "lina", AT, D("50.00"), "wechat", None), now=AT, policy=P
    )
    assert lina() == (attempts + 1, received + D("50.00"))  # the correction is one attempt
    reverse_payment(
        ledger, PaymentReversal(paid.payment_id or 0, "lina", AT, "twice"), now=AT, policy=P
    )
    assert lina() == (attempts + 1, received)
