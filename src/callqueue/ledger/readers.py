"""Reading billing exports: CSV in UTF-8, UTF-8 with BOM, UTF-16 or GBK/GB18030, and XLSX.

A reader yields raw rows keyed by canonical column names, each with its line number in the
file (the header is line 1 when it is the first row). Title rows above the header and total
rows (合计, 小计), which billing systems like to add, are recognised: they are not charges,
but a grand total is kept so the lines can be checked against it.

Files are bounded (`Limits`): a file too large on disk, an XLSX that would unpack to an
absurd size (a "zip bomb"), more than 500 columns, a cell over 32,767 characters (Excel's
own limit) or an endless line are refused before they are read into memory: the size on
disk is checked first, the XLSX's members by their declared sizes and by a streaming scan
of the sheet's XML, and CSV is read line by line with every line bounded.

Whose problem it is decides the exception: `FileProblem` when the user can fix their input
(a wrong path, a folder, an old .xls, a file too large or of a shape no export has, text in
no known encoding); `FileUnreadable` (a `FileProblem` too) when the machine would not let
us read the file or its bytes are damaged (no permission, a broken zip, UTF-16 that breaks
off). The command line turns the first into exit 1, the second into exit 3.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.parsers import expat

from callqueue.i18n import _
from callqueue.ledger.values import COLUMN_LABELS, REQUIRED_COLUMNS, clean_text, parse_header

HEADER_SEARCH_ROWS = 10  # a header this far down is still found (title rows above it)
GRAND_TOTAL_WORDS = frozenset({"合计", "总计", "total", "grand total", "sum"})
TOTAL_WORDS = GRAND_TOTAL_WORDS | {"小计", "subtotal"}

MIB = 1024 * 1024
DEFAULT_MAX_MB = 200
EXCEL_MAX_ROW = 1_048_576  # a worksheet's last row; a row beyond it is a damaged sheet
EXCEL_MAX_COLUMN = 16_384  # XFD
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE: .xls, or a password-protected .xlsx


@dataclass(frozen=True, slots=True)
class Limits:
    """How much of a file an import will read; beyond any bound the file is refused."""

    # What an import reads (`callqueue import --max-size MB`): a CSV's size on disk, an
    # XLSX's both on disk and unpacked (a workbook's XML is ~10× its zip: 44 MB on disk
    # can hold a million rows, minutes and gigabytes of checking).
    max_bytes: int = DEFAULT_MAX_MB * MIB
    max_columns: int = 500  # the last non-empty cell of any row
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    max_line_chars: int = MIB  # one CSV line (a quoted cell may span several lines)
    max_ratio: int = 100  # XLSX: a member over 1 MiB unpacked, at most this × compressed


DEFAULT_LIMITS = Limits()


class FileProblem(Exception):
    """The file as a whole cannot be read as a ledger and the user can fix it (a wrong
    path, a folder, an .xls, too large or of an absurd shape, an unknown encoding); nothing
    was imported. The message does not name the file: the caller does."""


class FileUnreadable(FileProblem):
    """The machine would not let us read the file (permission, an I/O error), or its bytes
    are damaged (a broken zip or workbook, UTF-16 or UTF-8 with a BOM that breaks off)."""


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


def megabytes(size: int) -> str:
    """A size in MB for a message: `44.3`, `0.5`, `2,048`."""
    value = size / MIB
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def read_ledger(path: Path, limits: Limits = DEFAULT_LIMITS) -> RawLedger:
    """Read `path` (CSV or XLSX by content, not only by name) into raw rows.

    Raises `FileProblem` (or `FileUnreadable`) when the file as a whole cannot be read.
    """
    try:
        size = _regular_file_size(path)
        if size == 0:
            raise FileProblem(_("the file is empty"))
        if size > limits.max_bytes:
            raise FileProblem(
                _(
                    "the file is {size} MB, more than the {limit} MB an import reads; split "
                    "it into smaller files, or raise the limit with --max-size {suggest}"
                ).format(
                    size=megabytes(size),
                    limit=megabytes(limits.max_bytes),
                    suggest=-(-size // MIB),
                )
            )
        with path.open("rb") as file:
            head = file.read(8)
        if head[:4] == b"PK\x03\x04":
            return _from_table(path, _xlsx_rows(path, size, limits), "xlsx", limits)
        if head == _XLS_MAGIC:
            raise FileProblem(
                _(
                    "this is an old Excel .xls file (or a password-protected workbook); open "
                    "it in Excel, save it as .xlsx or CSV without a password, and import that"
                )
            )
        return _read_csv(path, head, limits)
    except FileProblem:
        raise
    except OSError as error:  # the machine would not let us read it (all along the way)
        raise _os_problem(error) from None


def _regular_file_size(path: Path) -> int:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise FileProblem(_("no such file")) from None
    except NotADirectoryError:  # a path through a file: `export.csv/x.csv`
        raise FileProblem(_("no such file")) from None
    if stat.S_ISDIR(info.st_mode):
        raise FileProblem(_("this is a folder, not a file"))
    if not stat.S_ISREG(info.st_mode):  # a pipe or a device: no size to check, no end
        raise FileProblem(
            _("this is not a regular file (a pipe or a device); save the export as a file")
        )
    return info.st_size


def _os_problem(error: OSError) -> FileProblem:
    if isinstance(error, FileNotFoundError):  # removed while being read
        return FileProblem(_("no such file"))
    if isinstance(error, IsADirectoryError):
        return FileProblem(_("this is a folder, not a file"))
    if isinstance(error, PermissionError):
        return FileUnreadable(
            _(
                "no permission to read the file; ask whoever looks after this machine, or "
                "copy the file somewhere you can read it"
            )
        )
    return FileUnreadable(
        _("the file cannot be read ({reason}); copy it again and retry").format(
            reason=error.strerror or type(error).__name__
        )
    )


# --- CSV ------------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: a BOM decides; else UTF-8 if it is valid; else GB18030 (GBK)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as error:
                line = _line_of(data[: error.start], encoding)
                raise _damaged_text(encoding, error.start, line) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as error:
        raise _not_text(error.start, _line_of(data[: error.start], "gb18030")) from None


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


_NEWLINES = re.compile(r"\r\n|\r|\n")


def _line_of(before: bytes, encoding: str) -> int:
    """The line a bad byte is on, from the bytes before it."""
    return 1 + len(_NEWLINES.findall(before.decode(encoding, errors="replace")))


def _damaged_text(encoding: str, offset: int, line: int) -> FileUnreadable:
    label = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16"}.get(encoding, encoding)
    return FileUnreadable(
        _(
            "the file is damaged: it is marked as {encoding} text but has a bad byte at "
            "offset {offset} (line {line}); export it again, or save it from Excel as .xlsx"
        ).format(encoding=label, offset=f"{offset:,}", line=line)
    )


def _not_text(offset: int, line: int) -> FileProblem:
    return FileProblem(
        _(
            "the file is neither UTF-8 nor GBK/GB18030 text (bad byte at offset {offset}, "
            "line {line}); save it from Excel as CSV (UTF-8) or as .xlsx"
        ).format(offset=f"{offset:,}", line=line)
    )


def _read_csv(path: Path, head: bytes, limits: Limits) -> RawLedger:
    """A CSV, streamed: a BOM decides the encoding; else UTF-8, and GB18030 (GBK) if the
    file turns out not to be UTF-8 (read again from the start)."""
    encodings = next(([e] for bom, e in _BOMS if head.startswith(bom)), ["utf-8", "gb18030"])
    for encoding in encodings:
        with path.open("rb") as binary:
            text = io.TextIOWrapper(binary, encoding=encoding, errors="strict", newline="")
            try:
                return _from_table(path, _csv_rows(text, limits), encoding, limits)
            except UnicodeDecodeError:
                if encoding == "utf-8":
                    continue  # not UTF-8: GBK, as Excel saves CSV in China
        offset, line = _first_bad_byte(path, encoding)
        if encoding == "gb18030":
            raise _not_text(offset, line)
        raise _damaged_text(encoding, offset, line)
    raise AssertionError("unreachable: the last encoding returns or raises")


def _first_bad_byte(path: Path, encoding: str) -> tuple[int, int]:
    """Where decoding `path` as `encoding` first fails: the byte offset and the line."""
    offset = 0
    lines = 1
    with path.open("rb") as file:
        if encoding == "utf-8-sig":  # the BOM is not text: offsets count from after it
            offset = len(file.read(len(codecs.BOM_UTF8)))
            encoding = "utf-8"
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        while True:
            chunk = file.read(MIB)
            state = decoder.getstate()
            pending = len(state[0])
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                good = codecs.getincrementaldecoder(encoding)(errors="replace")
                good.setstate(state)
                before = good.decode(chunk[: max(0, error.start - pending)])
                return offset - pending + error.start, lines + len(_NEWLINES.findall(before))
            if not chunk:  # it decodes after all (the file changed): point at its end
                return offset, lines
            offset += len(chunk)
            lines += len(_NEWLINES.findall(text))


def _csv_rows(text: IO[str], limits: Limits) -> Iterator[tuple[int, Sequence[object]]]:
    """The file's rows, each with the line it starts on; no line longer than the limit
    is ever held (a quoted cell may span lines: the bound is on the whole row)."""
    where = {"start": 1, "chars": 0}  # the row being read: its first line, its size so far

    def lines() -> Iterator[str]:
        number = 0
        while True:
            room = limits.max_line_chars - where["chars"]
            line = text.readline(room + 1)
            if not line:
                return
            number += 1
            if where["chars"] == 0:
                where["start"] = number
            where["chars"] += len(line)
            if "\x00" in line:  # zero bytes: no export writes them, a damaged copy does
                raise FileUnreadable(
                    _(
                        "the file is damaged: line {line} holds zero bytes, which no text "
                        "export has; copy or export it again"
                    ).format(line=number)
                )
            if where["chars"] > limits.max_line_chars:
                raise FileProblem(
                    _(
                        "line {line} is longer than {limit} characters, far longer than a "
                        "billing export's; check it is the right file (a cell holds at most "
                        "{cell} characters)"
                    ).format(
                        line=where["start"],
                        limit=f"{limits.max_line_chars:,}",
                        cell=f"{limits.max_cell_chars:,}",
                    )
                )
            yield line

    source = lines()
    first = next(source, None)
    if first is None:
        return
    delimiter = max([",", "\t", ";", "|"], key=first.count)
    if first.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(itertools.chain([first], source), delimiter=delimiter)
    start = 1
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as error:
            if "field larger than field limit" in str(error):  # a quoted cell, many lines
                raise _cell_too_long(where["start"], None, None, limits) from None
            raise FileProblem(
                _("line {line} is not valid CSV ({error})").format(line=where["start"], error=error)
            ) from None
        if cells is None:
            return
        where["chars"] = 0
        yield start, cells
        start = reader.line_num + 1  # a quoted cell may span lines


def _cell_too_long(line: int, column: int | None, size: int | None, limits: Limits) -> FileProblem:
    where = (
        _("line {line}").format(line=line)
        if column is None
        else _("line {line}, column {column}").format(line=line, column=column)
    )
    return _cell_problem(where, size, limits)


def _cell_problem(where: str, size: int | None, limits: Limits) -> FileProblem:
    held = (
        _("more than {limit}").format(limit=f"{limits.max_cell_chars:,}")
        if size is None
        else f"{size:,}"
    )
    return FileProblem(
        _(
            "a cell ({where}) holds {size} characters; a cell holds at most {limit} (Excel's "
            "own limit). Check it is the right file, or shorten that cell"
        ).format(where=where, size=held, limit=f"{limits.max_cell_chars:,}")
    )


# --- XLSX -----------------------------------------------------------------------------------


def _damaged_workbook(detail: str) -> FileUnreadable:
    return FileUnreadable(
        _(
            "not a readable .xlsx workbook, it is damaged ({detail}); export it again, or "
            "open it in Excel and save it again"
        ).format(detail=detail)
    )


def _check_zip(path: Path, size: int, limits: Limits) -> None:
    """Refuse an XLSX by its members' declared sizes, before anything is unpacked, then
    scan its sheets' XML for an over-long cell or an impossible row, streaming.

    The declared sizes bound what is unpacked: `zipfile` (which openpyxl reads through)
    stops at a member's declared size and refuses a member whose data disagrees with it.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {m.filename.lower() for m in members}
            if "[content_types].xml" not in names or not any(
                n.endswith("workbook.xml") for n in names
            ):
                raise FileProblem(
                    _(
                        "this is a zip archive but not an Excel workbook; save the export "
                        "as .xlsx or CSV and import that"
                    )
                )
            for member in members:
                ratio = member.file_size / max(member.compress_size, 1)
                if member.file_size > MIB and ratio > limits.max_ratio:
                    raise FileProblem(
                        _(
                            "the workbook is not a normal export: its part {part} would "
                            'unpack {ratio} times over, to {size} MB (a "zip bomb"); '
                            "do not open it, ask whoever sent it for the export again"
                        ).format(
                            part=member.filename,
                            ratio=f"{ratio:,.0f}",
                            size=megabytes(member.file_size),
                        )
                    )
            unpacked = sum(m.file_size for m in members)
            if unpacked > limits.max_bytes:
                raise FileProblem(
                    _(
                        "the workbook would unpack to {size} MB, more than the {limit} MB an "
                        "import reads; split it into smaller files, or raise the limit with "
                        "--max-size {suggest}"
                    ).format(
                        size=megabytes(unpacked),
                        limit=megabytes(limits.max_bytes),
                        suggest=-(-unpacked // MIB),
                    )
                )
            for member in members:
                if _holds_cells(member.filename):  # a small sheet may still name row 10⁹
                    with archive.open(member) as part:
                        _scan_xml(part, member.filename, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        raise _damaged_workbook(_("not a readable zip: {error}").format(error=error)) from None


def _holds_cells(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith(".xml") and (
        lowered.startswith("xl/worksheets/") or lowered.endswith("sharedstrings.xml")
    )


class _Cells:
    """Counts the characters of one cell (`<c>` in a sheet, `<si>` shared string)."""

    def __init__(self, part: str, limits: Limits) -> None:
        self.part = part
        self.limits = limits
        self.chars = -1  # -1: outside a cell
        self.ref = ""

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local in ("c", "si"):
            self.chars = 0
            self.ref = attrs.get("r", "")
        elif local == "row":
            number = attrs.get("r", "1")
            if not number.isdigit() or not 0 < int(number) <= EXCEL_MAX_ROW:
                raise _damaged_workbook(
                    _("{part} has a row numbered {number}").format(
                        part=self.part, number=number[:20]
                    )
                )

    def end(self, name: str) -> None:
        if name.rpartition(" ")[2] in ("c", "si"):
            self.chars = -1

    def text(self, data: str) -> None:
        if self.chars < 0:
            return
        self.chars += len(data)
        if self.chars > self.limits.max_cell_chars:
            where = (
                _("cell {cell}").format(cell=self.ref[:20])
                if self.ref
                else _("in {part}").format(part=self.part)
            )
            raise _cell_problem(where, None, self.limits)

    @staticmethod
    def doctype(*_args: object) -> None:
        raise _damaged_workbook(_("an XML part declares a document type"))


def _scan_xml(part: IO[bytes], name: str, limits: Limits) -> None:
    cells = _Cells(name, limits)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.buffer_size = 64 * 1024
    parser.StartElementHandler = cells.start
    parser.EndElementHandler = cells.end
    parser.CharacterDataHandler = cells.text
    parser.StartDoctypeDeclHandler = cells.doctype
    try:
        while chunk := part.read(MIB):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise _damaged_workbook(
            _("{part} is not well-formed XML: {error}").format(part=name, error=error)
        ) from None


def _xlsx_rows(path: Path, size: int, limits: Limits) -> Iterator[tuple[int, Sequence[object]]]:
    _check_zip(path, size, limits)
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
    except MemoryError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise _damaged_workbook(str(error) or type(error).__name__) from None
    try:
        if not workbook.worksheets:
            raise FileProblem(_("the workbook has no worksheet"))
        sheet = workbook.worksheets[0]
        # The sheet's declared size would pad every row to it: a tiny file declaring
        # A1:XFD1048576 would yield a million rows of 16,384 cells. Read what is there.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        line = 0
        while True:
            try:
                cells = next(rows, None)
            except MemoryError:
                raise
            except Exception as error:
                raise _damaged_workbook(str(error) or type(error).__name__) from None
            if cells is None:
                return
            line += 1
            yield line, cells
    finally:
        workbook.close()


# --- both -----------------------------------------------------------------------------------


def _is_blank(cells: Sequence[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _check_shape(line: int, cells: Sequence[object], limits: Limits) -> None:
    """Refuse a row with too many columns or an over-long cell (before it is looked at)."""
    if len(cells) > limits.max_columns:
        last = len(cells)
        while last > limits.max_columns and _is_blank(cells[last - 1 : last]):
            last -= 1
        if last > limits.max_columns:
            raise FileProblem(
                _(
                    "line {line} has {count} columns; a billing export has at most {limit}. "
                    "Check it is the right file, or delete the extra columns"
                ).format(line=line, count=f"{last:,}", limit=f"{limits.max_columns:,}")
            )
    for position, cell in enumerate(cells[: limits.max_columns], start=1):
        if isinstance(cell, str) and len(cell) > limits.max_cell_chars:
            raise _cell_too_long(line, position, len(cell), limits)


def _from_table(
    path: Path,
    rows: Iterator[tuple[int, Sequence[object]]],
    encoding: str,
    limits: Limits = DEFAULT_LIMITS,
) -> RawLedger:
    header: tuple[int, dict[str, int], list[str]] | None = None
    best_missing: list[str] = list(REQUIRED_COLUMNS)
    seen_text = False
    for _row in range(HEADER_SEARCH_ROWS):
        item = next(rows, None)
        if item is None:
            break
        line, cells = item
        _check_shape(line, cells, limits)
        seen_text = seen_text or not _is_blank(cells)
        columns, ignored, duplicates = _map_header(cells)
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if len(missing) < len(best_missing):
            best_missing = missing
        if not missing:
            if duplicates:
                raise FileProblem(
                    _("line {line}: more than one column means {columns}").format(
                        line=line, columns=", ".join(COLUMN_LABELS[d] for d in duplicates)
                    )
                )
            header = (line, columns, ignored)
            break
    if header is None:
        if not seen_text:
            raise FileProblem(_("the file is empty"))
        raise FileProblem(
            _("no header row found in the first 10 lines; missing columns: {columns}").format(
                columns=", ".join(COLUMN_LABELS[c] for c in best_missing)
            )
        )
    header_line, columns, ignored = header
    ledger = RawLedger(path, header_line, columns, ignored, [], encoding=encoding)
    for line, cells in rows:
        _check_shape(line, cells, limits)
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
