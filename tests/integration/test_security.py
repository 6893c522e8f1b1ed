"""The attacks of the security issue, repeated as written, on SQLite and PostgreSQL: one access
rule for every command, event time and entry time, the append-only history in the database
itself, masked phones in the audit, the stored sign-in pause and the password rules."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from callqueue import auth, entry_time
from callqueue.cli import main
from callqueue.policy import DEFAULT_POLICY as P
from callqueue.recording.entries import EntryInvalid, LetterEntry, OutcomeEntry, PaymentEntry
from callqueue.recording.save import record_letter, record_outcome, record_payment
from callqueue.store.database import Store, open_store
from callqueue.store.models import AuditEntry, Contact, Staff, Team
from tests.conftest import AT
from tests.integration.test_recording import prepare, state

KEY = "6-2-1203"  # 李秀英, 138-1234-5670 / 0755-83456789
PASSWORD = "a long enough secret"
ME = auth.current_os_user()


def run(capsys: pytest.CaptureFixture[str], store: Store, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--db", store.url, "--lang", "en"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def ledger(store: Store) -> Store:
    return with_more_staff(prepare(store))


@pytest.fixture
def single(sqlite_store: Store) -> Store:
    """One person's own file (single-user mode: `--as` picks who works)."""
    return with_more_staff(prepare(sqlite_store))


def with_more_staff(prepared: Store) -> Store:
    """lina (collector) and wang (team leader) of the one team, zhaolei, and a manager."""
    with prepared.session() as s, s.begin():
        team = s.execute(select(Team)).scalars().first()
        assert team is not None
        s.add(Staff(code="zhaolei", name="赵雷", role="collector", team_id=team.id))
        s.add(Staff(code="boss", name="周总", role="manager"))
    return prepared


@pytest.fixture
def shared(ledger: Store) -> Store:
    """A team database: the leader has a password, and this process's operating-system
    account signs lina in (as a collector connecting over SSH would be)."""
    auth.set_password(ledger, "wang", PASSWORD)
    auth.set_os_user(ledger, "lina", ME)
    return ledger


def sign_in_as(store: Store, code: str) -> None:
    """This process's account signs `code` in from now on."""
    with store.write_session() as s, s.begin():
        s.execute(text("UPDATE staff SET os_user = NULL"))
    auth.set_os_user(store, code, ME)


# --- one access rule ------------------------------------------------------------------------


def test_record_and_report_ignore_no_sign_in(
    capsys: pytest.CaptureFixture[str], shared: Store
) -> None:
    before = state(shared)
    code, out, err = run(
        capsys, shared, "record", KEY, "outcome", "--outcome", "no_answer", "--as", "zhaolei",
        "--at", "2026-11-27T10:30",
    )  # fmt: skip
    assert (code, out) == (1, "") and f"the account {ME} signs in lina, not zhaolei" in err
    code, out, err = run(capsys, shared, "report", "--as", "boss", "--at", "2026-11-27T10:30")
    assert (code, out) == (1, "") and "not zhaolei" not in err and "signs in lina" in err
    code, out, err = run(capsys, shared, "report", "--at", "2026-11-27T10:30")
    assert (code, out) == (1, "") and "progress reports are for team leaders" in err
    code, out, err = run(capsys, shared, "--as", "nobody", "queue", "--at", "2026-11-27T10:30")
    assert (code, out) == (1, "") and "signs in lina, not nobody" in err
    for argv in (["summary"], ["audit"], ["household", KEY]):  # lina's own: allowed
        code, out, err = run(capsys, shared, *argv, "--at", "2026-11-27T10:30")
        assert code == 0, (argv, err)
    for argv in (["import", "data/ledger-sample.csv"], ["plan", "show"], ["staff", "list"]):
        code, out, err = run(capsys, shared, *argv, "--at", "2026-11-27T10:30")
        assert (code, out) == (1, ""), (argv, out)
    assert state(shared) == before


def test_nobody_on_a_shared_database_reads_nothing(
    capsys: pytest.CaptureFixture[str], shared: Store
) -> None:
    with shared.write_session() as s, s.begin():
        s.execute(text("UPDATE staff SET os_user = NULL"))
    for argv in (
        ["summary"], ["queue"], ["household", KEY], ["audit"], ["report"], ["plan", "show"],
        ["record", KEY, "outcome", "--outcome", "no_answer"], ["staff", "list"], [],
    ):  # fmt: skip
        code, out, err = run(capsys, shared, *argv)
        assert (code, out) == (1, ""), argv
        assert "signs in nobody" in err, argv


def test_global_options_mean_the_same_before_and_after_the_command(
    capsys: pytest.CaptureFixture[str], single: Store, tmp_path: Path
) -> None:
    ledger = single
    policy = tmp_path / "policy.toml"
    policy.write_text('[hours]\ncall = ["09:00-11:00"]\n', encoding="utf-8")
    at = ("--at", "2026-11-27T10:30")
    _, before, _ = run(capsys, ledger, "--policy", str(policy), *at, "policy", "show")
    _, after, _ = run(capsys, ledger, "policy", "show", "--policy", str(policy), *at)
    _, default, _ = run(capsys, ledger, "policy", "show", *at)
    assert before == after != default and 'call = ["09:00-11:00"]' in before
    code, out, err = run(capsys, ledger, "--as", "nobody", "queue", *at)
    assert (code, out) == (1, "") and "no staff member has the code 'nobody'" in err
    code, out, err = run(capsys, ledger, "--as", "lina", "queue", "--json", *at)
    code2, out2, _ = run(capsys, ledger, "queue", "--as", "lina", "--json", *at)
    assert code == code2 == 0 and out == out2
    _, everyone, _ = run(capsys, ledger, "queue", "--as", "boss", "--json", *at)
    assert out == everyone  # one team covers every building here: the same queue


# --- small holes ------------------------------------------------------------------------------


def test_a_payment_of_zero_is_refused(capsys: pytest.CaptureFixture[str], shared: Store) -> None:
    ledger = shared  # lina signed in by this process's account
    before = state(ledger)
    for amount in ("0", "0.00", "０"):  # full-width digits read the same
        code, out, err = run(
            capsys, ledger, "record", KEY, "payment", "--amount", amount, "--pay-channel",
            "wechat", "--at", "2026-11-27T10:30",
        )  # fmt: skip
        assert (code, out) == (1, "") and "amount: must be more than 0" in err, amount
    assert state(ledger) == before


@pytest.mark.parametrize("year", ["9999-01-01", "1970-01-01T08:00", "2101-01-01"])
def test_at_outside_2000_to_2100_is_refused(
    capsys: pytest.CaptureFixture[str], shared: Store, year: str
) -> None:
    ledger = shared
    before = state(ledger)
    code, out, err = run(
        capsys, ledger, "record", KEY, "payment", "--amount", "10", "--pay-channel", "wechat",
        "--at", year,
    )  # fmt: skip
    assert (code, out) == (1, "")
    assert err == (
        f"callqueue: --at {year} is outside the years 2000-2100; give the moment the work was "
        "done, e.g. 2026-11-27T10:30 (China Standard Time)\n"
    )
    assert state(ledger) == before
    code, _, _ = run(capsys, ledger, "queue", "--at", "2026-11-27T10:30")
    assert code == 0  # nothing was written that could stop anyone's queue


def test_passwords_of_spaces_are_refused(ledger: Store) -> None:
    for password in (" " * 8, " " * 20, "\t" * 9):
        with pytest.raises(auth.SignInError, match="only spaces"):
            auth.set_password(ledger, "lina", password)
    auth.set_password(ledger, "lina", " with spaces ")  # spaces inside a password are fine


def test_the_sign_in_pause_holds_across_processes(ledger: Store) -> None:
    auth.set_password(ledger, "wang", PASSWORD)
    for _try in range(2):
        with pytest.raises(auth.SignInError, match="wrong staff code or password"):
            auth.sign_in(ledger, "wang", "guess-guess", now=AT)
    with pytest.raises(auth.SignInPaused):
        auth.sign_in(ledger, "wang", "guess-guess", now=AT)
    other = open_store(ledger.url)  # another process: its own engine, the same database
    try:
        with pytest.raises(auth.SignInPaused) as paused:
            auth.sign_in(other, "wang", PASSWORD, now=AT + dt.timedelta(seconds=10))
        assert paused.value.seconds == 20
        staff = auth.sign_in(other, "wang", PASSWORD, now=AT + dt.timedelta(seconds=31))
        assert staff.code == "wang"
        with pytest.raises(auth.SignInError, match="wrong"):  # three new tries after success
            auth.sign_in(other, "wang", "guess-guess", now=AT + dt.timedelta(seconds=32))
    finally:
        other.close()


# --- event time and entry time ----------------------------------------------------------------


def letter(at: dt.datetime, staff: str, late_reason: str | None = None) -> LetterEntry:
    return LetterEntry(
        KEY, staff, at, "written_demand", True, "EMS1234567890", None, late_reason=late_reason
    )


@pytest.mark.real_entry_clock
def test_backdated_evidence_is_refused_and_the_real_entry_time_kept(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    shared: Store,
    tmp_path: Path,
) -> None:
    """A collector signed in on a shared database records a delivered demand dated 2024."""
    monkeypatch.setattr(entry_time, "real_now", lambda: AT)  # the machine's clock, fixed
    before = state(shared)
    code, out, err = run(
        capsys, shared, "record", KEY, "letter", "--kind", "written_demand", "--delivered",
        "--proof", "EMS1234567890", "--at", "2024-06-01T10:00",
    )  # fmt: skip
    assert (code, out) == (1, "")
    assert "2024-06-01 10:00 is more than 7 days ago; a collector enters" in err
    assert state(shared) == before
    two_days_ago = AT - dt.timedelta(days=2)
    code, out, err = run(
        capsys, shared, "record", KEY, "outcome", "--outcome", "no_answer", "--at",
        two_days_ago.isoformat(),
    )  # fmt: skip
    assert code == 0, err
    with shared.session() as s:
        contact = s.execute(select(Contact).order_by(col(Contact.id).desc())).scalars().first()
        audit = s.execute(select(AuditEntry).order_by(col(AuditEntry.id).desc())).scalars().first()
    assert contact is not None and audit is not None
    assert (contact.at, contact.entered_at) == (two_days_ago, AT)
    assert (audit.at, audit.entered_at) == (two_days_ago, AT)
    code, out, _ = run(capsys, shared, "audit", "--household", KEY, "--json")
    last = json.loads(out.splitlines()[-1])
    assert (last["at"], last["entered_at"]) == (two_days_ago.isoformat(), AT.isoformat())
    evidence = tmp_path / "evidence.xlsx"
    code, out, err = run(capsys, shared, "evidence", KEY, "--out", str(evidence))
    assert code == 0, err
    from openpyxl import load_workbook

    sheet = load_workbook(evidence)["Contacts"]
    header = [c.value for c in sheet[1]]
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == contact.id]
    when, entered = header.index("when"), header.index("entered (typed in)")
    assert [(r[when], r[entered]) for r in rows] == [(two_days_ago, AT)]


@pytest.mark.real_entry_clock
def test_late_entry_rules_by_role(monkeypatch: pytest.MonkeyPatch, shared: Store) -> None:
    monkeypatch.setattr(entry_time, "real_now", lambda: AT)

    def refused(entry: LetterEntry, now: dt.datetime) -> str:
        with pytest.raises(EntryInvalid) as invalid:
            record_letter(shared, entry, now=now, policy=P)
        return " ".join(f"{p.field}: {p.message}" for p in invalid.value.problems)

    eight_days, twenty_days, forty_days = (AT - dt.timedelta(days=d) for d in (8, 20, 40))
    assert "more than 7 days ago; a collector" in refused(letter(eight_days, "lina"), eight_days)
    assert "say why it is entered late" in refused(letter(twenty_days, "wang"), twenty_days)
    assert "nothing that old can be entered" in refused(
        letter(forty_days, "wang", "纸质登记补录"), forty_days
    )
    future = AT + dt.timedelta(hours=1)  # the command's clock says so; the machine's does not
    said = refused(letter(future, "wang"), future)
    assert "is in the future (it is now 2026-11-27 10:30)" in said
    before = state(shared)
    late = letter(twenty_days, "wang", "纸质登记补录")
    done = record_letter(shared, late, now=twenty_days, policy=P)
    with shared.session() as s:
        row = s.get(Contact, done.contact_id)
        audit = s.execute(select(AuditEntry).order_by(col(AuditEntry.id).desc())).scalars().first()
    assert row is not None and audit is not None
    assert (row.at, row.entered_at) == (twenty_days, AT)
    assert json.loads(audit.detail)["late_reason"] == "纸质登记补录"
    assert state(shared) != before


@pytest.mark.real_entry_clock
def test_single_user_file_keeps_the_command_clock(
    monkeypatch: pytest.MonkeyPatch, sqlite_store: Store
) -> None:
    monkeypatch.setattr(entry_time, "real_now", lambda: dt.datetime(2030, 1, 1))
    store = prepare(sqlite_store)
    entry = OutcomeEntry(KEY, "lina", AT, "call", "no_answer")
    done = record_outcome(store, entry, now=AT, policy=P)
    with store.session() as s:
        row = s.get(Contact, done.contact_id)
    assert row is not None and row.entered_at == AT  # one person's file: --at pins it all


# --- the history in the database itself -------------------------------------------------------


def test_direct_sql_cannot_change_the_history(ledger: Store) -> None:
    paid = PaymentEntry(KEY, "lina", AT, Decimal("100.00"), "wechat", None)
    record_payment(ledger, paid, now=AT, policy=P)
    record_outcome(ledger, OutcomeEntry(KEY, "lina", AT, "call", "no_answer"), now=AT, policy=P)
    refused = [
        "UPDATE payments SET amount = 1",
        "UPDATE payments SET paid_at = paid_at",
        "DELETE FROM payments",
        "UPDATE contacts SET at = '2024-01-01 10:00:00'",
        "UPDATE contacts SET note = 'changed'",
        "DELETE FROM contacts",
        "UPDATE audit_log SET detail = '{}'",
        "DELETE FROM audit_log",
        "UPDATE payment_allocations SET amount = 1",
        "DELETE FROM payment_allocations",
    ]
    if not ledger.is_sqlite:
        refused += ["TRUNCATE payments CASCADE", "TRUNCATE audit_log"]
    before = _dump(ledger)
    for statement in refused:
        with pytest.raises(DBAPIError, match="append-only"), ledger.engine.begin() as db:
            db.execute(text(statement))
    assert _dump(ledger) == before
    with ledger.engine.begin() as db:  # what reconciliation legitimately changes
        db.execute(text("UPDATE payment_allocations SET reconciled = amount"))


def _dump(store: Store) -> dict[str, Any]:
    with store.engine.connect() as db:
        return {
            table: sorted(map(tuple, db.execute(text(f"SELECT * FROM {table}"))))
            for table in ("payments", "contacts", "audit_log", "payment_allocations")
        }


# --- the audit's phone numbers ----------------------------------------------------------------


def test_audit_masks_phones_unless_a_leader_asks(
    capsys: pytest.CaptureFixture[str], shared: Store
) -> None:
    entry = OutcomeEntry(
        KEY, "lina", AT, "call", "wrong_number", "新号码 13987654321", phone_number="13812345670"
    )
    record_outcome(shared, entry, now=AT, policy=P)
    code, out, err = run(capsys, shared, "audit", "--household", KEY, "--at", AT.isoformat())
    assert code == 0, err
    assert "138****5670" in out and "139****4321" in out
    assert "13812345670" not in out and "13987654321" not in out
    code, out, err = run(capsys, shared, "audit", "--show-phones", "--at", AT.isoformat())
    assert (code, out) == (1, "") and "is a collector; this is for team leaders and managers" in err
    sign_in_as(shared, "wang")
    code, out, err = run(
        capsys, shared, "audit", "--household", KEY, "--show-phones", "--json", "--at",
        AT.isoformat(),
    )  # fmt: skip
    assert code == 0 and "13812345670" in out, err
    code, out, _ = run(capsys, shared, "audit", "--json", "--at", AT.isoformat())
    shown = [json.loads(line) for line in out.splitlines()][-1]
    assert (shown["action"], shown["staff"], shown["household"]) == ("show_phones", "wang", KEY)


def test_setting_up_a_new_database_then_signing_in(
    capsys: pytest.CaptureFixture[str], store: Store
) -> None:
    """A new database (PostgreSQL is shared from the start): while nobody can sign in,
    whoever holds the database sets it up; once someone can, every command signs in."""
    code, out, err = run(capsys, store, "import", "data/ledger-sample.csv")
    assert code == 0, err
    prepare_staff = with_more_staff  # the staff a company's IT person adds (issue 11)
    with store.write_session() as s, s.begin():
        s.add(Team(name="全体"))
    prepare_staff(store)
    code, _, err = run(capsys, store, "--as", "boss", "summary")
    assert code == (0 if store.is_sqlite else 1)  # --as: single-user files only
    code, out, err = run(capsys, store, "staff", "os-user", "boss", ME)
    assert code == 0, err
    code, out, err = run(capsys, store, "staff", "password", "zhaolei", "--clear")
    assert code == 0, err  # boss, signed in by this account, is a manager
    sign_in_as(store, "zhaolei")
    code, out, err = run(capsys, store, "import", "data/ledger-sample.csv")
    assert (code, out) == (1, "") and "is not a manager" in err
