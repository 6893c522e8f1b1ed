"""The audit log for every kind of write, the evidence workbook read back, and roles refused
through every command (the core on SQLite and PostgreSQL; the command line on a file)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import col, select

from callqueue.access import NotAllowed, access_for, owner_access
from callqueue.audit import read_audit
from callqueue.cli import main
from callqueue.evidence import export_evidence, sha256_of
from callqueue.faq import FaqDraft, deactivate_faq, save_faq
from callqueue.household_view import household_id_for_key
from callqueue.plan.saved import save_plan, set_target
from callqueue.plan.spec import PlanSpec, TargetRow
from callqueue.policy import DEFAULT_POLICY as P
from callqueue.recording.corrections import (
    ContactCorrection,
    PaymentReversal,
    correct_contact,
    reverse_payment,
)
from callqueue.recording.entries import (
    ComplaintEntry,
    ComplaintProgressEntry,
    LetterEntry,
    OutcomeEntry,
    PaymentEntry,
    PromiseEntry,
)
from callqueue.recording.save import (
    record_complaint,
    record_complaint_progress,
    record_letter,
    record_outcome,
    record_payment,
    record_promise,
)
from callqueue.scripts import reset_script, save_script
from callqueue.store.database import Store
from callqueue.store.models import AuditEntry, Building, Staff, Team
from tests.conftest import AT
from tests.integration.test_recording import prepare

KEY = "6-2-1203"


@pytest.fixture
def ledger(store: Store) -> Store:
    prepared = prepare(store)
    with prepared.session() as s, s.begin():
        other = Team(name="八栋")
        s.add(other)
        s.flush()
        eight = s.execute(select(Building).where(col(Building.code) == "8")).scalar_one()
        eight.team_id = other.id
        s.add(Staff(code="zhao", name="赵敏", role="collector", team_id=other.id))
        s.add(Staff(code="boss", name="周总", role="manager"))
    return prepared


def actions(store: Store) -> list[tuple[str, str, int | None]]:
    with store.session() as s:
        return [
            (a.action, a.table_name, a.staff_id)
            for a in s.execute(select(AuditEntry).order_by(col(AuditEntry.id))).scalars()
        ]


def test_every_kind_of_write_adds_an_audit_row(ledger: Store) -> None:
    with ledger.session() as s:
        lina = s.execute(select(Staff).where(col(Staff.code) == "lina")).scalar_one().id
        boss = s.execute(select(Staff).where(col(Staff.code) == "boss")).scalar_one().id
    assert actions(ledger) == [("import", "import_batches", None)]  # one summary row
    at = AT - dt.timedelta(hours=3)
    outcome = record_outcome(
        ledger, OutcomeEntry(KEY, "lina", at, "call", "no_answer"), now=at, policy=P
    )
    record_promise(
        ledger,
        PromiseEntry(KEY, "lina", at, at.date() + dt.timedelta(days=3), Decimal("10.00"), None),
        now=at,
        policy=P,
    )
    complaint = record_complaint(
        ledger,
        ComplaintEntry(KEY, "lina", at, "cleaning", True, "楼道脏", None, None),
        now=at,
        policy=P,
    )
    record_complaint_progress(
        ledger,
        ComplaintProgressEntry(complaint.complaint_id or 0, "lina", at, "in_progress", "已派保洁"),
        now=at,
        policy=P,
    )
    paid = record_payment(
        ledger, PaymentEntry(KEY, "lina", at, Decimal("10.00"), "wechat", None), now=at, policy=P
    )
    record_letter(
        ledger, LetterEntry(KEY, "lina", at, "reminder", False, None, None), now=at, policy=P
    )
    correct_contact(
        ledger,
        ContactCorrection(outcome.contact_id or 0, "lina", AT, "忙音", outcome="busy"),
        now=AT,
        policy=P,
    )
    reverse_payment(
        ledger, PaymentReversal(paid.payment_id or 0, "lina", AT, "重复"), now=AT, policy=P
    )
    with ledger.session() as s:
        faq = save_faq(s, FaqDraft("为什么收电费？", "按表计量。", "电费", "zh_CN"), boss, now=AT)
        deactivate_faq(s, faq, boss, now=AT)
        save_script(s, "phone", "zh_CN", "您好，{owner}。", boss, now=AT)
        reset_script(s, "phone", "zh_CN", boss, now=AT)
    spec = PlanSpec("计划", "2026-11", (TargetRow("2026-11", "property", Decimal("100.00")),))
    save_plan(ledger, spec, staff_code="boss", now=AT)
    set_target(ledger, staff_code="boss", fee_type="物业费", month="2026-11", amount="200", now=AT)
    assert actions(ledger)[1:] == [
        ("record_outcome", "contacts", lina),
        ("record_promise", "promises", lina),
        ("record_complaint", "complaints", lina),
        ("record_progress", "complaint_updates", lina),
        ("record_payment", "payments", lina),
        ("record_letter", "contacts", lina),
        ("correct_contact", "contacts", lina),
        ("reverse_payment", "payments", lina),
        ("save_faq", "faq_entries", boss),
        ("deactivate_faq", "faq_entries", boss),
        ("save_script", "call_scripts", boss),
        ("reset_script", "call_scripts", boss),
        ("save_plan", "collection_plans", boss),
        ("set_target", "collection_plans", boss),
    ]
    with ledger.session() as s:
        rows = read_audit(s, household_id=household_id_for_key(s, KEY))
    assert len(rows) == 8 and all(r.household_key == KEY for r in rows)
    payment = next(r for r in rows if r.action == "record_payment")
    assert payment.detail["payment"]["amount"] == "10.00"  # exact, as a string
    assert payment.detail["payment"]["paid_at"] == at.isoformat()
    assert json.loads(payment.detail_json) == payment.detail


def test_failed_writes_leave_no_audit_row(ledger: Store) -> None:
    before = actions(ledger)
    with pytest.raises(ValueError):
        record_outcome(
            ledger, OutcomeEntry(KEY, "lina", AT, "call", "refused"), now=AT, policy=P
        )  # no note
    with pytest.raises(ValueError):
        record_outcome(
            ledger, OutcomeEntry("8-1501", "lina", AT, "call", "busy"), now=AT, policy=P
        )  # another team's household
    assert actions(ledger) == before


def _history(store: Store) -> None:
    at = AT - dt.timedelta(days=1)
    first = record_outcome(
        store,
        OutcomeEntry(
            KEY, "lina", at, "call", "refused", note="说物业不管事", phone_number="13812345670"
        ),
        now=at,
        policy=P,
    )
    correct_contact(
        store,
        ContactCorrection(first.contact_id or 0, "wang", AT, "业主原话", note="说保洁不到位"),
        now=AT,
        policy=P,
    )
    record_letter(
        store,
        LetterEntry(KEY, "lina", at, "written_demand", True, "EMS1234567890CN", None),
        now=at,
        policy=P,
    )
    record_promise(
        store,
        PromiseEntry(KEY, "lina", at, at.date() + dt.timedelta(days=3), Decimal("300.00"), None),
        now=at,
        policy=P,
    )
    paid = record_payment(
        store, PaymentEntry(KEY, "lina", at, Decimal("300.00"), "wechat", None), now=at, policy=P
    )
    reverse_payment(
        store, PaymentReversal(paid.payment_id or 0, "wang", AT, "未到账"), now=AT, policy=P
    )
    record_complaint(
        store,
        ComplaintEntry(KEY, "lina", at, "cleaning", True, "楼道脏", None, None),
        now=at,
        policy=P,
    )


def test_evidence_workbook_reads_back(ledger: Store, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    _history(ledger)
    out = tmp_path / "evidence.xlsx"
    with ledger.session() as s:
        lina = access_for(s, "lina")
    written = export_evidence(ledger, KEY, out, access=lina, now=AT, policy=P)
    assert written.sha256 == sha256_of(out)
    with ledger.session() as s:
        (row,) = [r for r in read_audit(s) if r.action == "evidence_export"]
    assert row.detail["sha256"] == written.sha256 and row.id == written.audit_id
    book = load_workbook(out)
    assert book.sheetnames == [
        "Household",
        "Charges",
        "Written demands",
        "Contacts",
        "Promises",
        "Payments",
        "Complaints",
        "Audit log",
    ]
    for sheet in book.worksheets:
        assert sheet.max_row >= 2, sheet.title  # a header and something under it
        assert all(cell.value for cell in sheet[1]), sheet.title
    cover = {r[0]: r[1] for r in book["Household"].iter_rows(min_row=2, values_only=True)}
    assert cover["household"] == KEY
    assert "13812345670" in str(cover.get("person (owner)"))  # lina's own team: in full
    charges = book["Charges"]
    header = [c.value for c in charges[1]]
    due = charges.cell(row=2, column=header.index("amount due") + 1)
    assert isinstance(due.value, int | float) and due.number_format == "0.00"
    assert Decimal(str(due.value)) in {Decimal("352.80"), Decimal("1024.30"), Decimal("300.00")}
    assert isinstance(charges.cell(row=2, column=header.index("due date") + 1).value, dt.datetime)
    restarted = [r[header.index("deadline last restarted by")] for r in charges.iter_rows(
        min_row=2, values_only=True)]  # fmt: skip
    assert any("promise" in str(text) or "demand" in str(text) for text in restarted)
    demands = list(book["Written demands"].iter_rows(min_row=2, values_only=True))
    assert any("EMS1234567890CN" in str(r) for r in demands)
    contacts = list(book["Contacts"].iter_rows(min_row=2, values_only=True))
    assert any("业主原话" in str(r) for r in contacts)  # the reason
    payments = list(book["Payments"].iter_rows(min_row=2, values_only=True))
    amounts = sorted(Decimal(str(r[2])) for r in payments)
    assert amounts[0] == Decimal("-300.00") and amounts[-1] == Decimal("300.00")
    audit = list(book["Audit log"].iter_rows(min_row=2, values_only=True))
    assert {r[3] for r in audit} >= {"record_outcome", "correct_contact", "reverse_payment"}
    # the file, once changed, no longer matches the hash kept
    out.write_bytes(out.read_bytes() + b"x")
    assert sha256_of(out) != written.sha256


def test_evidence_masks_phones_without_a_person_and_refuses_other_teams(
    ledger: Store, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    _history(ledger)
    out = tmp_path / "owner.xlsx"
    export_evidence(ledger, KEY, out, access=owner_access(), now=AT, policy=P)
    book = load_workbook(out)
    text = " ".join(
        str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
        for v in row if v is not None
    )  # fmt: skip
    assert "13812345670" not in text and "138****5670" in text
    with ledger.session() as s:
        zhao = access_for(s, "zhao")
    with pytest.raises(NotAllowed, match="building 6"):
        export_evidence(ledger, KEY, tmp_path / "no.xlsx", access=zhao, now=AT, policy=P)
    assert not (tmp_path / "no.xlsx").exists()


# --- the command line ---------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_commands_refuse_another_teams_households(
    sqlite_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = prepare(sqlite_store)
    with store.session() as s, s.begin():
        other = Team(name="八栋")
        s.add(other)
        s.flush()
        eight = s.execute(select(Building).where(col(Building.code) == "8")).scalar_one()
        eight.team_id = other.id
    db = ["--db", store.url, "--at", "2026-11-27T10:30", "--lang", "en"]
    refusals = [
        ["household", "8-1501", "--as", "lina"],
        ["evidence", "8-1501", "--out", str(tmp_path / "x.xlsx"), "--as", "lina"],
        ["audit", "--household", "8-1501", "--as", "lina"],
        ["queue", "--as", "lina", "--building", "8"],
    ]
    for argv in refusals:
        code, out, err = run(capsys, argv[0], *db, *argv[1:])
        assert code == 1 and "building 8" in err and out == "", argv
    code, _out, err = run(
        capsys, "record", "8-1501", "outcome", *db, "--as", "lina", "--outcome", "no_answer"
    )
    assert code == 1 and "building 8" in err
    assert not (tmp_path / "x.xlsx").exists()
    # their own building, and single-user mode (no --as), are allowed
    assert run(capsys, "household", "6-2-1203", *db, "--as", "lina")[0] == 0
    assert run(capsys, "household", "8-1501", *db)[0] == 0
    assert run(capsys, "queue", *db, "--as", "lina", "--building", "6")[0] == 0


def test_evidence_and_audit_commands(
    sqlite_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = prepare(sqlite_store)
    _history(store)
    db = ["--db", store.url, "--at", "2026-11-27T10:30", "--lang", "en"]
    out_file = tmp_path / "6-2-1203.xlsx"
    code, out, err = run(capsys, "evidence", KEY, *db, "--out", str(out_file), "--as", "lina")
    assert code == 0, err
    assert sha256_of(out_file) in out
    code, out, _err = run(capsys, "audit", *db, "--household", KEY, "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[-1]["action"] == "evidence_export"
    assert rows[-1]["detail"]["sha256"] == sha256_of(out_file)
    code, out, _err = run(capsys, "audit", *db, "--staff", "wang", "--since", "2026-11-27")
    assert code == 0 and "correct_contact" in out and "reverse_payment" in out
    assert "record_outcome" not in out  # lina's
