"""Exports carry no live formula, typed text cannot break them, and evidence is never left
half-made: recorded through the real savers and the CLI, read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import errno
import gc
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from callqueue.access import owner_access
from callqueue.audit import read_audit
from callqueue.cli import main
from callqueue.evidence import export_evidence
from callqueue.household_view import household_id_for_key
from callqueue.plan.files import plan_from_toml
from callqueue.plan.saved import save_plan
from callqueue.policy import DEFAULT_POLICY as P
from callqueue.progress.report import build_report
from callqueue.progress.scope import project_scope
from callqueue.progress.workbook import write_workbook
from callqueue.recording.entries import ComplaintEntry, OutcomeEntry, PaymentEntry
from callqueue.recording.save import record_complaint, record_outcome, record_payment
from callqueue.store.database import Store, open_store
from callqueue.store.models import Contact, Person
from tests.conftest import AT
from tests.integration.test_recording import prepare

KEY = "6-2-1203"
CLOCK = ["--at", "2026-11-27T10:30", "--lang", "en"]
NOTE = '=HYPERLINK("http://x","y")'
RECEIPT = "=1+1"
COMPLAINT = "=cmd|' /C calc'!A0"
ESCAPED = "门口说\x1b[31m不交\x07，下周再来"
PLAN = """name = "=1+1"
start_month = "2026-11"

[[target]]
month = "2026-11"
fee_type = "electricity"
amount = "500.00"
"""


@pytest.fixture
def ledger(store: Store) -> Store:
    """Both backends: the real savers and exporters."""
    return prepare(store)


@pytest.fixture
def lite(sqlite_store: Store) -> Store:
    """SQLite: the command line (on PostgreSQL a command signs in its OS account)."""
    return prepare(sqlite_store)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _record_dangerous_text(store: Store) -> None:
    at = AT - dt.timedelta(hours=2)
    record_outcome(
        store, OutcomeEntry(KEY, "lina", at, "call", "refused", note=NOTE), now=at, policy=P
    )
    record_payment(
        store, PaymentEntry(KEY, "lina", at, Decimal("10.00"), "cash", RECEIPT), now=at, policy=P
    )
    record_complaint(
        store,
        ComplaintEntry(KEY, "lina", at, "cleaning", True, COMPLAINT, None, None),
        now=at,
        policy=P,
    )
    record_outcome(
        store, OutcomeEntry(KEY, "lina", at, "visit", "refused", note=ESCAPED), now=at, policy=P
    )


def _old_rows_with_control_characters(store: Store) -> None:
    """Rows written before text was cleaned on input (or by another program)."""
    with store.session() as s, s.begin():
        household_id = household_id_for_key(s, KEY)
        s.add(
            Contact(
                household_id=household_id,
                at=AT - dt.timedelta(days=30),
                channel="call",
                outcome="refused",
                reached=True,
                note="旧记录\x1b[2J\x07",
            )
        )
        person = (
            s.execute(select(Person).where(col(Person.household_id) == household_id))
            .scalars()
            .first()
        )
        assert person is not None
        person.name = "王\x1b[31m芳"


def _unsafe_cells(path: Path) -> list[tuple[str, str, Any]]:
    """Every cell that is a formula, or text a spreadsheet would take for one."""
    from openpyxl import load_workbook

    found = []
    for sheet in load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                text = cell.value if isinstance(cell.value, str) else ""
                if cell.data_type == "f" or text.startswith(("=", "＝", "+", "@")):
                    found.append((sheet.title, cell.coordinate, cell.value))
    return found


def _texts(path: Path) -> list[str]:
    from openpyxl import load_workbook

    return [
        cell.value
        for sheet in load_workbook(path).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]


def test_typed_text_is_kept_clean(ledger: Store) -> None:
    _record_dangerous_text(ledger)
    with ledger.session() as s:
        notes = [c.note for c in s.execute(select(Contact)).scalars()]
    assert NOTE in notes  # formulas are text like any other: kept as typed
    assert "门口说[31m不交，下周再来" in notes  # the control characters are gone
    assert not any(ch in note for note in notes for ch in "\x1b\x07")


def test_evidence_has_no_formula_and_survives_control_characters(
    ledger: Store, tmp_path: Path
) -> None:
    _record_dangerous_text(ledger)
    _old_rows_with_control_characters(ledger)
    folder = tmp_path / "out"
    out = folder / "evidence.xlsx"
    written = export_evidence(ledger, KEY, out, access=owner_access(), now=AT, policy=P)
    assert _unsafe_cells(out) == []
    texts = _texts(out)
    for typed in (NOTE, RECEIPT, COMPLAINT):
        assert "'" + typed in texts  # shown as typed, behind a text mark
    assert any("旧记录[2J" in t for t in texts)  # the old row, exported
    assert not any(ch in t for t in texts for ch in "\x1b\x07")
    with ledger.session() as s:
        (row,) = [r for r in read_audit(s) if r.action == "evidence_export"]
    assert row.detail["file_name"] == out.name and row.detail["sha256"] == written.sha256
    assert [p.name for p in folder.iterdir()] == [out.name]  # no .part left behind


def test_report_workbook_has_no_formula(ledger: Store, tmp_path: Path) -> None:
    _record_dangerous_text(ledger)
    save_plan(ledger, plan_from_toml(PLAN, source="plan.toml"))
    with ledger.session() as s:
        report = build_report(s, project_scope(s), AT, P)
    out = write_workbook(report, tmp_path / "out" / "review.xlsx")
    assert _unsafe_cells(out) == []
    assert any(t.startswith("'=1+1 (2026-11") for t in _texts(out))  # the plan's name


def test_the_commands_export_no_formula(
    lite: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _record_dangerous_text(lite)
    _old_rows_with_control_characters(lite)
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN, "utf-8")
    code, _out, err = run(capsys, "plan", "import", str(plan), "--db", lite.url, *CLOCK)
    assert code == 0, err
    review, evidence = tmp_path / "review.xlsx", tmp_path / "evidence.xlsx"
    code, _out, err = run(capsys, "report", "--db", lite.url, *CLOCK, "--xlsx", str(review))
    assert code == 0, err
    code, _out, err = run(capsys, "evidence", KEY, "--db", lite.url, *CLOCK, "--out", str(evidence))
    assert code == 0, err
    assert _unsafe_cells(review) == [] and _unsafe_cells(evidence) == []
    assert "'=1+1 (2026-11 – 2026-11)" in _texts(review)
    assert "'" + NOTE in _texts(evidence)


def test_household_and_audit_show_no_raw_escape(
    lite: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    _old_rows_with_control_characters(lite)
    code, out, err = run(capsys, "household", KEY, "--db", lite.url, *CLOCK)
    assert code == 0, err
    assert "\x1b" not in out and "王\\x1b[31m芳" in out
    code, out, err = run(capsys, "audit", "--household", KEY, "--db", lite.url, *CLOCK)
    assert code == 0, err
    assert "\x1b" not in out


# --- evidence that is whole or absent -----------------------------------------------------


@pytest.fixture
def unraisable(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """What Python would print as "Exception ignored in…" (a failing __del__ or generator)."""
    seen: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", seen.append)
    yield seen


def _read_only_url(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    if store.is_sqlite:
        monkeypatch.chdir(tmp_path)  # SQLite's URI form names a path the store resolves
        path = store.url.removeprefix("sqlite:///")
        return f"sqlite:///file:{path}?mode=ro&uri=true"
    return f"{store.url}%20-cdefault_transaction_read_only%3Don"


def _full_disk(*_args: Any, **_kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


FAILURES = ["read-only database", "database disk full", "disk full"]


def _make_fail(failure: str, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Make the export's write fail as `failure`; the database URL to export with."""
    if failure == "read-only database":
        return _read_only_url(store, tmp_path, monkeypatch)
    if failure == "database disk full":
        monkeypatch.setattr("callqueue.evidence.add_audit", _full_disk)
    else:
        monkeypatch.setattr(os, "fsync", _full_disk)  # the file's blocks never reach the disk
    return store.url


def _target(tmp_path: Path, earlier: bool) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "6-2-1203.xlsx"
    if earlier:
        target.write_bytes(b"the earlier export")
    return target


def _nothing_left(store: Store, target: Path, earlier: bool) -> None:
    assert sorted(p.name for p in target.parent.iterdir()) == ([target.name] if earlier else [])
    if earlier:
        assert target.read_bytes() == b"the earlier export"  # not clobbered
    with store.session() as s:
        assert not [r for r in read_audit(s) if r.action == "evidence_export"]


@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("earlier", [False, True], ids=["new file", "over an earlier file"])
def test_a_failed_evidence_export_leaves_nothing_behind(
    ledger: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    unraisable: list[Any],
    failure: str,
    earlier: bool,
) -> None:
    target = _target(tmp_path, earlier)
    url = _make_fail(failure, ledger, tmp_path, monkeypatch)
    store = ledger if url == ledger.url else open_store(url)
    try:
        with pytest.raises(Exception) as raised:
            export_evidence(store, KEY, target, access=owner_access(), now=AT, policy=P)
    finally:
        if store is not ledger:
            store.close()
    gc.collect()
    assert unraisable == []
    if failure == "disk full":
        assert isinstance(raised.value, OSError) and raised.value.filename == str(target)
    _nothing_left(ledger, target, earlier)


@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("earlier", [False, True], ids=["new file", "over an earlier file"])
def test_a_failed_evidence_command_says_one_plain_sentence(
    lite: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    unraisable: list[Any],
    failure: str,
    earlier: bool,
) -> None:
    target = _target(tmp_path, earlier)
    url = _make_fail(failure, lite, tmp_path, monkeypatch)
    code, out, err = run(capsys, "evidence", KEY, "--db", url, *CLOCK, "--out", str(target))
    gc.collect()
    assert code == 3, err
    assert out == "" and err.startswith("callqueue: ") and err.count("\n") == 1
    assert "Traceback" not in err and "Exception ignored" not in err and unraisable == []
    expected = {
        "read-only database": "callqueue: the database is read-only for this account",
        "database disk full": "callqueue: the disk is full while writing a file",
        "disk full": f"callqueue: the disk is full while writing {target}; nothing half-done",
    }
    assert err.startswith(expected[failure])
    _nothing_left(lite, target, earlier)


def test_an_interrupted_evidence_export_leaves_nothing_behind(
    ledger: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_args: Any, **_kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("callqueue.evidence.add_audit", interrupted)
    target = _target(tmp_path, earlier=True)
    with pytest.raises(KeyboardInterrupt):
        export_evidence(ledger, KEY, target, access=owner_access(), now=AT, policy=P)
    _nothing_left(ledger, target, earlier=True)


def test_a_report_workbook_on_a_full_disk_leaves_nothing_behind(
    demo_store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    unraisable: list[Any],
) -> None:
    folder = tmp_path / "review"
    folder.mkdir()
    target = folder / "月度.xlsx"
    target.write_bytes(b"last month")
    monkeypatch.setattr(os, "fsync", _full_disk)
    code, out, err = run(capsys, "report", "--db", demo_store.url, *CLOCK, "--xlsx", str(target))
    gc.collect()
    assert code == 3 and out == "" and unraisable == []
    assert err == f"callqueue: the disk is full while writing {target}; nothing half-done was " \
        "kept. Free some space and try again\n"  # fmt: skip
    assert [p.name for p in folder.iterdir()] == [target.name]
    assert target.read_bytes() == b"last month"


def test_evidence_on_a_really_full_disk(lite: Store, tmp_path: Path) -> None:
    """The measured case: a full file system (a tiny tmpfs), the real CLI in a process."""
    store = lite
    full = tmp_path / "full"
    full.mkdir()
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tiny tmpfs needs root on Linux")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(full)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        earlier = full / "earlier.xlsx"
        earlier.write_bytes(b"x" * 4096)
        (full / "filler").write_bytes(b"\0" * 8192)
        argv = [sys.executable, "-m", "callqueue", "evidence", KEY, "--db", store.url, *CLOCK]
        for target in (full / "new.xlsx", earlier):
            done = subprocess.run([*argv, "--out", str(target)], capture_output=True, text=True)
            assert done.returncode == 3, done.stderr
            assert done.stderr.startswith("callqueue: the disk is full while writing ")
            assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
            assert sorted(p.name for p in full.iterdir()) == ["earlier.xlsx", "filler"]
            assert earlier.read_bytes() == b"x" * 4096
    finally:
        subprocess.run(["umount", str(full)], check=False)
    with store.session() as s:
        assert not [r for r in read_audit(s) if r.action == "evidence_export"]
