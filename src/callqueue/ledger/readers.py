"""Reading billing exports: CSV in UTF-8, UTF-8 with BOM, UTF-16 or GBK/GB18030, and XLSX.

A reader yields raw rows keyed by canonical column names, each with its line number in the
file (the header is line 1 when it is the first row). Title rows above the header and total
rows (合计, 小计), which billing systems like to add, are recognised: they are not charges,
but a grand total is kept so the lines can be checked against it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from callqueue.ledger.values import COLUMN_LABELS, REQUIRED_COLUMNS, clean_text, parse_header

HEADER_SEARCH_ROWS = 10  # a header this far down is still found (title rows above it)
GRAND_TOTAL_WORDS = frozenset({"合计", "总计", "total", "grand total", "sum"})
TOTAL_WORDS = GRAND_TOTAL_WORDS | {"小计", "subtotal"}


class FileProblem(Exception):
    """The file as a whole cannot be read as a ledger; nothing was imported."""


@dataclass(frozen=True, slots=True)
class RawRow:
    line: int
    cells: dict[str, object]


@dataclass
class RawLedger:
    """What a file holds before any value is checked."""

    path: Path
    header_line: int
    columns: dict[str, int]  # canonical column -> position
    ignored_columns: list[str]
    rows: list[RawRow]
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, why)
    grand_totals: list[RawRow] = field(default_factory=list)  # to check the lines against
    encoding: str = ""


def read_ledger(path: Path) -> RawLedger:
    """Read `path` (CSV or XLSX by content, not only by name) into raw rows."""
    if not path.exists():
        raise FileProblem(f"{path}: no such file")
    if path.is_dir():
        raise FileProblem(f"{path} is a folder, not a file")
    data = path.read_bytes()
    if not data.strip():
        raise FileProblem(f"{path} is empty")
    if data[:4] == b"PK\x03\x04":
        return _from_table(path, _xlsx_rows(path, data), encoding="xlsx")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileProblem(
            f"{path} is an old Excel .xls file; save it as .xlsx or CSV in Excel and import that"
        )
    text, encoding = decode(data)
    return _from_table(path, _csv_rows(text), encoding=encoding)


def decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: a BOM decides; else UTF-8 if it is valid; else GB18030 (GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as error:
        raise FileProblem(
            f"the file is neither UTF-8 nor GBK/GB18030 text (bad byte at offset {error.start}); "
            "save it from Excel as CSV (UTF-8) or as .xlsx"
        ) from None


def _csv_rows(text: str) -> Iterator[tuple[int, Sequence[object]]]:
    sample = text[:4096]
    first_line = sample.splitlines()[0] if sample else ""
    delimiter = max([",", "\t", ";", "|"], key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1  # a quoted cell may span lines


def _xlsx_rows(path: Path, data: bytes) -> Iterator[tuple[int, Sequence[object]]]:
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise FileProblem(f"{path} is not a readable .xlsx workbook: {error}") from None
    try:
        sheet = workbook.worksheets[0]
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    finally:
        workbook.close()


def _is_blank(cells: Sequence[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _from_table(
    path: Path, rows: Iterator[tuple[int, Sequence[object]]], *, encoding: str
) -> RawLedger:
    header: tuple[int, dict[str, int], list[str]] | None = None
    best_missing: list[str] = list(REQUIRED_COLUMNS)
    for _ in range(HEADER_SEARCH_ROWS):
        item = next(rows, None)
        if item is None:
            break
        line, cells = item
        columns, ignored, duplicates = _map_header(cells)
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if len(missing) < len(best_missing):
            best_missing = missing
        if not missing:
            if duplicates:
                raise FileProblem(
                    f"line {line}: more than one column means "
                    + ", ".join(COLUMN_LABELS[d] for d in duplicates)
                )
            header = (line, columns, ignored)
            break
    if header is None:
        raise FileProblem(
            "no header row found in the first 10 lines; missing columns: "
            + ", ".join(COLUMN_LABELS[c] for c in best_missing)
        )
    header_line, columns, ignored = header
    ledger = RawLedger(path, header_line, columns, ignored, [], encoding=encoding)
    for line, cells in rows:
        if _is_blank(cells):
            continue
        values = {name: (cells[i] if i < len(cells) else None) for name, i in columns.items()}
        word = _total_word(cells)
        if word is not None:
            ledger.skipped.append((line, "total row"))
            if word in GRAND_TOTAL_WORDS:
                ledger.grand_totals.append(RawRow(line, values))
            continue
        ledger.rows.append(RawRow(line, values))
    return ledger


def _map_header(cells: Sequence[object]) -> tuple[dict[str, int], list[str], list[str]]:
    columns: dict[str, int] = {}
    ignored: list[str] = []
    duplicates: list[str] = []
    for position, cell in enumerate(cells):
        name = parse_header(cell)
        if name is None:
            if cell is not None and str(cell).strip():
                ignored.append(str(cell).strip())
        elif name in columns:
            duplicates.append(name)
        else:
            columns[name] = position
    return columns, ignored, duplicates


def _total_word(cells: Sequence[object]) -> str | None:
    """`合计` for a total row (its first non-empty cell names it), else None."""
    first = next((c for c in cells if c is not None and str(c).strip()), None)
    if first is None:
        return None
    word = clean_text(str(first)).lower().rstrip(":：")
    return word if word in TOTAL_WORDS else None
