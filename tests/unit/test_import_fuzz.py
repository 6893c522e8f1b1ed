"""Fuzzing `callqueue import`: whatever the file holds, the import ends in a status a user
can act on (0 imported, 1 their input, 3 the machine or a damaged file), never a trace or
"not your fault" (70), and writes all of its rows or none."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from callqueue.cli import main
from callqueue.store.database import open_store
from callqueue.store.models import ChargeLine, Household, ImportBatch
from tests.ledger_files import HEADER_ZH, ledger_rows, write_xlsx

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated empty database, copied for each example (migrating takes 0.5 s)."""
    path = tmp_path_factory.mktemp("fuzz") / "empty.db"
    open_store(f"sqlite:///{path}").close()
    return path


@pytest.fixture
def fresh(empty_db: Path, tmp_path: Path) -> Iterator[Fresh]:
    yield Fresh(empty_db, tmp_path)


class Fresh:
    """A new copy of the empty database for each example, and a file to import."""

    def __init__(self, empty: Path, folder: Path) -> None:
        self.empty = empty
        self.folder = folder
        self.count = 0

    def database(self) -> str:
        self.count += 1
        path = self.folder / f"db{self.count}.db"
        shutil.copyfile(self.empty, path)
        return f"sqlite:///{path}"

    def file(self, suffix: str) -> Path:
        return self.folder / f"export{self.count}{suffix}"


def stored(db: str) -> tuple[int, int, int]:
    store = open_store(db)
    try:
        with store.session() as s:
            return (
                s.scalar(select(func.count()).select_from(Household)) or 0,
                s.scalar(select(func.count()).select_from(ChargeLine)) or 0,
                s.scalar(select(func.count()).select_from(ImportBatch)) or 0,
            )
    finally:
        store.close()


def import_status(
    capsys: pytest.CaptureFixture[str], db: str, path: Path
) -> tuple[int, str, tuple[int, int, int]]:
    code = main(["import", str(path), "--db", db, "--at", "2026-11-27T10:30"])
    out, err = capsys.readouterr()
    assert code in (0, 1, 3), err
    assert "Traceback" not in out + err and "not your fault" not in err
    if code != 0:
        assert "nothing was imported" in err
        assert out == ""
    return code, err, stored(db)


@FUZZ
@given(data=st.binary(max_size=4000), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_random_bytes(
    capsys: pytest.CaptureFixture[str], fresh: Fresh, data: bytes, suffix: str
) -> None:
    db = fresh.database()
    path = fresh.file(suffix)
    path.write_bytes(data)
    code, err, counts = import_status(capsys, db, path)
    assert code != 0, err  # random bytes are no ledger
    assert counts == (0, 0, 0)


@FUZZ
@given(data=st.binary(min_size=1, max_size=2000), at=st.integers(min_value=0))
def test_a_real_export_with_damaged_bytes(
    capsys: pytest.CaptureFixture[str], fresh: Fresh, data: bytes, at: int
) -> None:
    """A real XLSX or CSV with a stretch of its bytes overwritten: never a trace, never a
    partial write. A workbook's zip checks its bytes, so it is imported whole or not at all;
    damaged text can still read as a smaller ledger (overwritten line breaks run a row into
    the header), and then exactly what the command reported is written, in one batch."""
    db = fresh.database()
    rows = ledger_rows(3)
    source = write_xlsx(fresh.file(".src.xlsx"), rows).read_bytes()
    text = bool(at % 2)
    if text:
        source = "\r\n".join(",".join(map(str, row)) for row in rows).encode("utf-16")
    start = at % len(source)
    path = fresh.file(".xlsx")
    path.write_bytes(source[:start] + data + source[start + len(data) :])
    code, _, counts = import_status(capsys, db, path)
    if code != 0:
        assert counts == (0, 0, 0)
    elif not text:
        assert counts == (3, 6, 1)
    else:
        reported = dry_run_counts(fresh, path)
        assert counts == (*reported, 1)


def dry_run_counts(fresh: Fresh, path: Path) -> tuple[int, int]:
    """Households and charge lines the file holds, by a dry run on a new database."""
    from callqueue.ledger.importer import import_ledger

    store = open_store(fresh.database())
    try:
        report = import_ledger(store, path, at=dt.datetime(2026, 11, 27, 10, 30), dry_run=True)
    finally:
        store.close()
    return report.households, report.lines


TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"),  # openpyxl cannot save control characters
    ),
    max_size=40,
)
GOOD = ["6栋", "1单元", "101室", "王明", "13800000000", "88.00", "物业费", "2026年8月",
        "246.40", "0", "", ""]  # fmt: skip


@FUZZ
@given(
    cells=st.lists(
        st.lists(st.one_of(st.none(), TEXT, st.sampled_from(GOOD)), min_size=12, max_size=12),
        min_size=0,
        max_size=6,
    ),
    header=st.booleans(),
)
def test_random_workbooks(
    capsys: pytest.CaptureFixture[str],
    fresh: Fresh,
    cells: list[list[str | None]],
    header: bool,
) -> None:
    """Small workbooks of drawn text, one household per row (rooms 101, 102, …): imported
    whole, every row a charge line, or refused with nothing written."""
    db = fresh.database()
    rows: list[Sequence[object]] = [HEADER_ZH] if header else []
    for number, row in enumerate(cells):
        row = list(row)
        if row[2] in GOOD:  # keep each row its own household, so none merges with another
            row[2] = f"{101 + number}室"
        rows.append(row)
    path = write_xlsx(fresh.file(".xlsx"), rows)
    code, _, counts = import_status(capsys, db, path)
    if code == 0:
        households, lines, batches = counts
        assert batches == 1 and 0 < lines <= len(cells) and households <= lines
    else:
        assert counts == (0, 0, 0)


def test_the_fuzzed_workbooks_can_import(capsys: pytest.CaptureFixture[str], fresh: Fresh) -> None:
    """The strategy above reaches success: a header and good rows import (not only refusals)."""
    db = fresh.database()
    rows: list[Sequence[object]] = [HEADER_ZH, GOOD, [*GOOD[:2], "102室", *GOOD[3:]]]
    path = write_xlsx(fresh.file(".xlsx"), rows)
    code, err, counts = import_status(capsys, db, path)
    assert code == 0, err
    assert counts == (2, 2, 1)


def test_a_workbook_of_many_members(capsys: pytest.CaptureFixture[str], fresh: Fresh) -> None:
    """A zip whose members are random names and bytes is refused like any other."""
    db = fresh.database()
    path = fresh.file(".xlsx")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00\x01 not xml")
    code, err, counts = import_status(capsys, db, path)
    assert code == 3 and "damaged" in err
    assert counts == (0, 0, 0)
