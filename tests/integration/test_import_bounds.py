"""`callqueue import` on files too large, of absurd shape, damaged or unreadable: each is
refused quickly, with one line naming the file and what to do, the right exit status
(1 the user's input, 3 the machine or a damaged file; never 70 "not your fault"), and
nothing written to the database."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from callqueue.cli import main
from callqueue.store.database import open_store
from callqueue.store.models import ChargeLine, Household, ImportBatch, Person
from tests.ledger_files import (
    HEADER_ZH,
    SHEET,
    SHEET_END,
    SHEET_START,
    declare_size,
    ledger_rows,
    sheet_row,
    write_csv,
    write_xlsx,
    xlsx_with_sheet,
)

MIB = 1024 * 1024


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/bounds.db"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def stored(db: str) -> tuple[int, int, int, int]:
    """(households, charge lines, people, import batches) in the database."""
    store = open_store(db)
    try:
        with store.session() as s:
            return (
                s.scalar(select(func.count()).select_from(Household)) or 0,
                s.scalar(select(func.count()).select_from(ChargeLine)) or 0,
                s.scalar(select(func.count()).select_from(Person)) or 0,
                s.scalar(select(func.count()).select_from(ImportBatch)) or 0,
            )
    finally:
        store.close()


NOTHING = (0, 0, 0, 0)


def refused(
    capsys: pytest.CaptureFixture[str], db: str, path: Path, status: int, *extra: str
) -> str:
    """Import `path`; assert it is refused with `status`, one line naming the file, no
    trace, and nothing written. Returns the message."""
    code, out, err = run(capsys, "import", str(path), "--db", db, *extra)
    assert code == status, err
    assert out == ""
    assert err.startswith(f"callqueue: {path}: ") and err.count("\n") == 1, err
    assert "nothing was imported" in err
    assert "Traceback" not in err and "not your fault" not in err
    assert stored(db) == NOTHING
    return err


# --- size ---------------------------------------------------------------------------------


def sparse(path: Path, size: int) -> Path:
    """A file of `size` bytes on disk that costs no disk space: a header, then holes."""
    with path.open("wb") as file:
        file.write(",".join(HEADER_ZH).encode() + b"\r\n")
        file.truncate(size)
    return path


@pytest.mark.xdist_group("serial")  # a 5 s budget: never beside the 8-process hammer
def test_a_file_over_200_mb_is_refused_at_once(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = sparse(tmp_path / "huge.csv", 201 * MIB)
    started = time.perf_counter()
    err = refused(capsys, db, path, 1)
    assert time.perf_counter() - started < 5
    assert "the file is 201 MB, more than the 200 MB an import reads" in err
    assert "split it into smaller files" in err and "--max-size 201" in err


def test_a_44_mb_file_over_a_lowered_limit(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = sparse(tmp_path / "export-44mb.xlsx", 44 * MIB + 300 * 1024)
    err = refused(capsys, db, path, 1, "--max-size", "40")
    assert "the file is 44.3 MB, more than the 40.0 MB" in err and "--max-size 45" in err


def test_max_size_raises_the_limit(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    """A real 1.7 MB export (long remarks): refused under --max-size 1, imported under 2."""
    rows = ledger_rows(10)
    rows[0] = [*rows[0], "备注"]
    for row in rows[1:]:
        row.append("业主说下个月一起交。" * 3000)  # 30,000 characters, 90 KB in UTF-8
    path = write_csv(tmp_path / "remarks.csv", rows)
    assert 1 * MIB < path.stat().st_size < 2 * MIB
    err = refused(capsys, db, path, 1, "--max-size", "1")
    assert "the file is 1.7 MB, more than the 1.0 MB an import reads" in err
    assert "--max-size 2" in err
    code, out, err = run(capsys, "import", str(path), "--db", db, "--max-size", "2")
    assert code == 0, err
    assert "households: 10   charge lines: 20" in out and "columns ignored: 备注" in out
    assert stored(db) == (10, 20, 10, 1)


@pytest.mark.parametrize("value", ["0", "-5", "lots"])
def test_max_size_must_be_a_positive_number(
    capsys: pytest.CaptureFixture[str], db: str, value: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["import", "x.csv", "--db", db, "--max-size", value])
    assert exit_.value.code == 2
    assert "is not a size in MB" in capsys.readouterr().err


# --- XLSX that would unpack to an absurd size --------------------------------------------


def one_huge_cell(megabytes: int) -> Iterator[bytes]:
    """A sheet: the header, then a row whose owner cell is `megabytes` MiB of one letter."""
    yield SHEET_START + sheet_row(1, HEADER_ZH)
    yield b'<row r="2"><c r="D2" t="inlineStr"><is><t>'
    block = b"A" * MIB
    for _ in range(megabytes):
        yield block
    yield b"</t></is></c></row>" + SHEET_END


@pytest.mark.xdist_group("serial")  # a 5 s budget: never beside the 8-process hammer
def test_zip_bomb_one_390_mb_cell_is_refused_before_unpacking(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = xlsx_with_sheet(tmp_path / "bomb.xlsx", one_huge_cell(390))
    assert path.stat().st_size < 1 * MIB  # about 400 KB on disk
    started = time.perf_counter()
    err = refused(capsys, db, path, 1)
    assert time.perf_counter() - started < 5
    assert f"its part {SHEET} would unpack 1,0" in err  # about a thousand times over
    assert "to 390 MB" in err and "zip bomb" in err


def test_a_member_declaring_a_huge_size_is_refused(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = declare_size(write_xlsx(tmp_path / "liar.xlsx", ledger_rows(2)), SHEET, 0xFFFF0000)
    err = refused(capsys, db, path, 1)
    assert "would unpack" in err and "to 4,096 MB" in err  # from a few hundred bytes


@pytest.mark.xdist_group("serial")  # a 5 s budget: never beside the 8-process hammer
def test_a_workbook_of_many_rows_is_measured_unpacked(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    """A workbook's XML is ~10× its zip: the limit is on what is read, not what is stored
    (a 44 MB workbook of a million bad rows took minutes and gigabytes to list them)."""
    rows = (sheet_row(n, ["6栋", "1单元", str(n), "王芳", "", "89.5", "物业费", "2026-13",
                          "1.234", "0", "x", ""]) for n in range(2, 20_000))  # fmt: skip
    path = xlsx_with_sheet(tmp_path / "many.xlsx", [SHEET_START, sheet_row(1, HEADER_ZH),
                                                    *rows, SHEET_END])  # fmt: skip
    assert path.stat().st_size < 1 * MIB
    started = time.perf_counter()
    err = refused(capsys, db, path, 1, "--max-size", "1")
    assert time.perf_counter() - started < 5
    assert "the workbook would unpack to" in err and "more than the 1.0 MB" in err
    assert "split it into smaller files, or raise the limit with --max-size 13" in err
    assert "bad row" not in err  # refused for its size, before a row is read


@pytest.mark.xdist_group("serial")  # a 5 s budget: never beside the 8-process hammer
def test_a_10_mb_cell_that_does_not_compress_is_found_by_the_scan(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    def sheet() -> Iterator[bytes]:
        yield SHEET_START + sheet_row(1, HEADER_ZH)
        yield b'<row r="2"><c r="D2" t="inlineStr"><is><t>'
        for _ in range(10):
            yield os.urandom(MIB // 2).hex().encode()  # 1 MiB of hex digits
        yield b"</t></is></c></row>" + SHEET_END

    path = xlsx_with_sheet(tmp_path / "cell.xlsx", sheet())
    err = refused(capsys, db, path, 1)
    assert "a cell (cell D2) holds more than 32,767 characters" in err
    assert "Excel's own limit" in err


def test_a_declared_sheet_size_does_not_pad_rows(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    """A sheet declaring A1:XFD1048576 around three rows is read as its three rows."""
    rows = ledger_rows(1)
    body = b"".join(sheet_row(n, [str(c) for c in row]) for n, row in enumerate(rows, 1))
    declared = SHEET_START.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>')
    path = xlsx_with_sheet(tmp_path / "wide.xlsx", [declared + body + SHEET_END])
    started = time.perf_counter()
    code, out, err = run(capsys, "import", str(path), "--db", db)
    assert code == 0, err
    assert time.perf_counter() - started < 5
    assert "charge lines: 2" in out
    assert stored(db) == (1, 2, 1, 1)


def test_a_row_beyond_excel_is_a_damaged_workbook(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    rows = [SHEET_START, sheet_row(1, HEADER_ZH), sheet_row(999_999_999, ["6栋"]), SHEET_END]
    path = xlsx_with_sheet(tmp_path / "far.xlsx", rows)
    err = refused(capsys, db, path, 3)
    assert "damaged" in err and "a row numbered 999999999" in err


# --- shape: columns, cells, lines --------------------------------------------------------


def test_600_columns_are_refused(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    rows = ledger_rows(2)
    rows[0] = [*rows[0], *(f"extra{n}" for n in range(588))]
    path = write_csv(tmp_path / "wide.csv", rows)
    err = refused(capsys, db, path, 1)
    assert "line 1 has 600 columns; a billing export has at most 500" in err
    xlsx = write_xlsx(tmp_path / "wide.xlsx", rows)
    assert "line 1 has 600 columns" in refused(capsys, db, xlsx, 1)


def test_200000_columns_are_refused_without_listing_them(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = tmp_path / "columns.csv"
    path.write_text(",".join(HEADER_ZH) + ",x" * 200_000 + "\r\n", encoding="utf-8")
    err = refused(capsys, db, path, 1)
    assert "line 1 has 200,012 columns" in err and len(err) < 400


def test_many_ignored_columns_are_counted_not_listed(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    rows = ledger_rows(1)
    rows[0] = [*rows[0], *(f"note{n}" for n in range(400))]
    path = write_csv(tmp_path / "notes.csv", rows)
    code, out, err = run(capsys, "import", str(path), "--db", db)
    assert code == 0, err
    (line,) = [line for line in out.splitlines() if "columns ignored" in line]
    assert line == "  columns ignored: " + ", ".join(f"note{n}" for n in range(20)) + (
        ", and 380 more"
    )


def test_a_40_kb_cell_is_refused(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    rows = ledger_rows(2)
    rows[2][4] = "1" * 40_000  # the phone of line 3
    err = refused(capsys, db, write_csv(tmp_path / "cell.csv", rows), 1)
    assert "a cell (line 3, column 5) holds 40,000 characters" in err
    assert "a cell holds at most 32,767 (Excel's own limit)" in err
    # openpyxl cuts a cell to 32,767 characters when it saves; billing systems may not.
    sheet = [
        SHEET_START,
        *(sheet_row(n, [str(c) for c in row]) for n, row in enumerate(rows, 1)),
        SHEET_END,
    ]
    err = refused(capsys, db, xlsx_with_sheet(tmp_path / "cell.xlsx", sheet), 1)
    assert "a cell (cell E3) holds more than 32,767 characters" in err


def test_a_10_mb_csv_line_is_refused(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = tmp_path / "line.csv"
    with path.open("w", encoding="utf-8") as file:
        file.write(",".join(HEADER_ZH) + "\n6栋,1单元,101室,")
        for _ in range(10):
            file.write("王" * MIB)
    err = refused(capsys, db, path, 1)
    assert "line 2 is longer than 1,048,576 characters" in err


def test_a_quoted_cell_over_many_lines_is_refused(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = tmp_path / "quoted.csv"
    lines = "\n".join(["x" * 60] * 3000)  # 183,000 characters in one quoted cell
    path.write_text(",".join(HEADER_ZH) + f'\n6栋,1单元,101室,"{lines}"\n', encoding="utf-8")
    err = refused(capsys, db, path, 1)
    assert "a cell (line 2) holds more than 32,767 characters" in err


# --- bad rows: listed, capped --------------------------------------------------------------


def test_1000_bad_rows_list_200_and_count_the_rest(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    rows = ledger_rows(500)  # 1,000 lines
    for row in rows[1:]:
        row[7] = "2026-13"
    path = write_csv(tmp_path / "bad.csv", rows)
    code, out, err = run(capsys, "import", str(path), "--db", db)
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0] == f"callqueue: {path}: 1000 bad row(s); nothing was imported."
    listed = [line for line in lines if line.startswith("  line ")]
    assert [int(line.split()[1].rstrip(":")) for line in listed] == list(range(2, 202))
    assert lines[-2:] == [
        "  … and 800 more bad lines",
        "Correct these lines and import the file again.",
    ]
    assert len(lines) == 203
    assert stored(db) == NOTHING


def test_one_bad_row_after_a_good_import_changes_nothing(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    good = write_csv(tmp_path / "good.csv", ledger_rows(30))
    assert run(capsys, "import", str(good), "--db", db)[0] == 0
    before = stored(db)
    rows = ledger_rows(40)
    rows[-1][8] = "12.345"
    code, _, err = run(capsys, "import", str(write_csv(tmp_path / "b.csv", rows)), "--db", db)
    assert code == 1 and "1 bad row(s)" in err
    assert stored(db) == before == (30, 60, 30, 1)


# --- no rows -------------------------------------------------------------------------------


def test_a_header_only_file_imports_nothing_and_says_so(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "header.csv", [HEADER_ZH])
    err = refused(capsys, db, path, 1)
    assert err == (
        f"callqueue: {path}: no rows to import, only a header (line 1); nothing was imported\n"
    )
    blank = write_csv(tmp_path / "blank-rows.csv", [["月报"], HEADER_ZH, [""] * 12, []])
    assert "only a header (line 2)" in refused(capsys, db, blank, 1)
    assert "only a header" in refused(capsys, db, write_xlsx(tmp_path / "h.xlsx", [HEADER_ZH]), 1)
    assert "only a header" in refused(capsys, db, path, 1, "--dry-run")


# --- damaged, unreadable, not a ledger at all ----------------------------------------------


def test_a_damaged_utf16_file(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "x.csv", ledger_rows(3), encoding="utf-16")
    data = good.read_bytes()
    path = tmp_path / "damaged-utf16.csv"
    cut = data.index("1单元".encode("utf-16-le"), 200)  # in line 3
    path.write_bytes(data[:cut] + b"\x00\xdc" + data[cut:])  # a lone low surrogate
    err = refused(capsys, db, path, 3)
    assert "the file is damaged: it is marked as UTF-16 text but has a bad byte" in err
    assert "(line 3)" in err and "export it again" in err
    odd = tmp_path / "odd-utf16.csv"
    odd.write_bytes(data + b"\x41")  # a final half character
    assert "marked as UTF-16 text" in refused(capsys, db, odd, 3)


def test_zero_bytes_in_a_text_export(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    """A copy broken off and padded with zero bytes (a crashed USB stick, a half download)."""
    good = write_csv(tmp_path / "x.csv", ledger_rows(3)).read_bytes()
    cut = good.index("1单元".encode(), good.index(b"\n", good.index(b"\n") + 1))  # line 3
    path = tmp_path / "zeros.csv"
    path.write_bytes(good[:cut] + b"\x00" * 512)
    err = refused(capsys, db, path, 3)
    assert "the file is damaged: line 3 holds zero bytes" in err


def test_a_damaged_utf8_with_bom(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ",".join(HEADER_ZH).encode() + b"\r\n6\xff\xfe,\r\n")
    err = refused(capsys, db, path, 3)
    assert "marked as UTF-8 text but has a bad byte at offset" in err and "(line 2)" in err


def test_bytes_in_no_known_encoding(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(",".join(HEADER_ZH).encode("gb18030") + b"\r\n" + bytes([0x80, 0xFF]) * 50)
    err = refused(capsys, db, path, 1)
    assert "neither UTF-8 nor GBK/GB18030 text (bad byte at offset" in err and "line 2" in err


def test_a_damaged_xlsx(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", ledger_rows(50)).read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good[: len(good) // 2])  # a download that broke off
    assert "not a readable .xlsx workbook, it is damaged" in refused(capsys, db, cut, 3)
    garbled = bytearray(good)
    start = good.index(b"xl/worksheets/sheet1.xml") + 40  # inside the sheet's data
    garbled[start : start + 200] = bytes(200)
    flipped = tmp_path / "flipped.xlsx"
    flipped.write_bytes(bytes(garbled))
    assert "it is damaged" in refused(capsys, db, flipped, 3)


def test_a_zip_that_is_not_a_workbook(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    import zipfile

    path = tmp_path / "exports.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("ledger.csv", ",".join(HEADER_ZH))
    assert "a zip archive but not an Excel workbook" in refused(capsys, db, path, 1)


def test_an_old_xls(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    err = refused(capsys, db, path, 1)
    assert "old Excel .xls file" in err and "save it as .xlsx or CSV" in err


def test_a_missing_file_and_a_folder(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    assert "no such file" in refused(capsys, db, tmp_path / "missing.csv", 1)
    assert "this is a folder, not a file" in refused(capsys, db, tmp_path, 1)
    assert "the file is empty" in refused(capsys, db, write_csv(tmp_path / "e.csv", []), 1)


def test_a_file_without_permission_chmod(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "locked.csv", ledger_rows(2))
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("this user (root) reads files whatever their permissions")
        err = refused(capsys, db, path, 3)
    finally:
        path.chmod(0o644)
    assert "no permission to read the file" in err


def test_a_file_without_permission(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As chmod 000 is for anyone but root: opening the file is refused by the system."""
    path = write_csv(tmp_path / "locked.csv", ledger_rows(2))
    real_open = Path.open

    def locked_open(self: Path, *args: object, **kwargs: object) -> object:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", locked_open)
    err = refused(capsys, db, path, 3)
    assert "no permission to read the file; ask whoever looks after this machine" in err


def test_an_io_error_while_reading(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk that fails half-way through the file is the machine's problem (3)."""
    path = write_csv(tmp_path / "bad-disk.csv", ledger_rows(200))
    real_open = Path.open

    class FailingDisk(io.BufferedReader):
        def read(self, size: int | None = -1) -> bytes:
            if self.tell() > 4096:
                raise OSError(5, "Input/output error")
            return super().read(size)

        def read1(self, size: int = -1) -> bytes:
            return self.read(size)

    def failing_open(self: Path, *args: object, **kwargs: object) -> object:
        if self == path:
            return FailingDisk(io.FileIO(self))
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", failing_open)
    err = refused(capsys, db, path, 3)
    assert "the file cannot be read (Input/output error); copy it again" in err
