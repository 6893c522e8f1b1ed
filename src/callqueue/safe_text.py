"""Text people type, made safe to keep, to show and to put in a spreadsheet.

Typed text can do harm in three places, and each has one function here:

- **Kept** (`clean_input`, on every free-text field as it is entered): control characters
  (ESC, BEL, NUL, the C1 block…) are removed, line breaks become `\\n`, a tab becomes a
  space, and a lone surrogate (undecodable bytes of a command line) becomes U+FFFD.
  Removed rather than kept as `\\x1b`-style escapes: a control character in a note is
  never content (a stray key or a paste from another program), and an escape kept in the
  record would become words a lawyer reads as part of what the collector wrote, and count
  against the note's length. A tab becomes a space because it misaligns every table it is
  printed in, and a leading tab is a spreadsheet's formula trigger.
- **Shown** (`visible`, for text already stored: rows older than `clean_input`): a
  terminal must never receive a raw ESC, so control characters are shown as `\\x1b`-style
  escapes. Here escapes, not removal: the record is what it is, and the screen says so.
- **Exported** (`cell_value`, on every cell of every workbook; `append_row` writes a row
  through it): text that a spreadsheet would take as a formula (it starts with `=`, `+`,
  `-`, `@`, a tab or a carriage return, or their full-width forms, which WPS and Excel
  may read as the same) gets a leading `'`, and characters XML forbids are removed, so
  no typed note, receipt or plan name becomes a live formula and no old row makes an
  export fail. Numbers, Decimals, dates and None pass unchanged: a negative number stays
  a number; only text is neutralised.

`workbook_bytes` and `staged_file` make a file that is whole or absent: the workbook is
built in memory, written to a hidden `.part` file beside the target, and moved into place
only when everything (for evidence: the audit row with its hash) succeeded. No module of
the user interface is imported here; openpyxl only inside the functions that need it.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "FORMULA_TRIGGERS",
    "append_row",
    "cell_value",
    "clean_input",
    "clean_optional",
    "staged_file",
    "strip_illegal",
    "visible",
    "workbook_bytes",
    "write_whole",
]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
"""The first characters that make a spreadsheet (Excel, WPS, LibreOffice) read text as a
formula; the full-width forms are NFKC-equal to the ASCII ones, and typed by Chinese
input methods."""

_ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})
"""Text that openpyxl stores as an error cell instead of text."""

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 but tab and newline, DEL, C1
_SURROGATE = re.compile("[\ud800-\udfff]")
_SHOWN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""What XML 1.0 cannot hold (openpyxl refuses the C0 part with IllegalCharacterError)."""


def clean_input(text: str) -> str:
    """Typed text as it is kept: line breaks as `\\n`, a tab as a space, no control
    characters (C0 but newline, DEL, C1), lone surrogates as U+FFFD. Nothing else changes:
    no trimming, no normalisation (validators and savers do their own)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))


def clean_optional(text: str | None) -> str | None:
    """`clean_input` for an optional field (None stays None)."""
    return None if text is None else clean_input(text)


def visible(text: str) -> str:
    """Stored text as a terminal may show it: `\\r\\n` as a line break, every other control
    character (and a lone surrogate) as an escape such as `\\x1b`; newline and tab kept."""
    text = text.replace("\r\n", "\n")
    return _SHOWN.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def strip_illegal(text: str) -> str:
    """`text` without the characters an XLSX (XML 1.0) file cannot hold."""
    return _XML_ILLEGAL.sub("", text)


def cell_value(value: Any) -> Any:
    """A value as a spreadsheet cell may safely hold it.

    Text: characters XML forbids removed, line breaks as `\\n` (a bare carriage return
    comes back from an XLSX file as a line feed anyway), and `'` put in front when it would
    be read as a formula (it starts with a trigger, also after leading spaces) or as an
    error code such as `#N/A`. Anything else (numbers, Decimals, dates, booleans, None) is
    returned unchanged.
    """
    if not isinstance(value, str):
        return value
    text = strip_illegal(value)
    risky = (
        text.startswith(FORMULA_TRIGGERS)
        or text.lstrip().startswith(FORMULA_TRIGGERS)
        or text.strip() in _ERROR_CODES
    )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "'" + text if risky else text


def append_row(sheet: Any, values: Iterable[Any]) -> tuple[Any, ...]:
    """Append one row of `values` to an openpyxl worksheet, every value through
    `cell_value`, and every text cell stored as text (data type "s": never a formula or
    an error), whatever its first character. Returns the row's cells (for formats)."""
    from openpyxl.cell.cell import Cell

    cells = []
    for value in values:
        cell = Cell(sheet, value=cell_value(value))
        if isinstance(cell.value, str):
            cell.data_type = "s"
        cells.append(cell)
    sheet.append(cells)
    return tuple(cells)


def workbook_bytes(book: Any) -> bytes:
    """The XLSX file of an openpyxl workbook, made in memory: a failure leaves no file (and
    no half-closed zip file whose clean-up would fail later, outside any handler)."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@contextlib.contextmanager
def staged_file(target: Path, data: bytes) -> Iterator[Path]:
    """Write `data` to a hidden `.part` file in `target`'s folder, synced to disk, and yield
    its path; when the block ends normally, move it onto `target` (one atomic rename).

    On any failure or interruption, in the block or in the writing, the `.part` file is
    removed and `target` is left as it was (absent, or the earlier file unchanged). An
    OSError of the writing names `target`, not the `.part` file.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    part: Path | None = None
    try:
        try:
            handle, name = tempfile.mkstemp(
                dir=target.parent, prefix="." + target.name + ".", suffix=".part"
            )
            part = Path(name)
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        except OSError as error:
            raise _naming(error, target) from None
        yield part
        try:
            os.replace(part, target)
        except OSError as error:
            raise _naming(error, target) from None
        part = None
        _sync_folder(target.parent)
    finally:
        if part is not None:
            with contextlib.suppress(OSError):
                part.unlink()


def write_whole(target: Path, data: bytes) -> None:
    """Write `data` to `target` whole or not at all (`staged_file` with nothing in between)."""
    with staged_file(target, data):
        pass


def _naming(error: OSError, target: Path) -> OSError:
    """The same error (same class, by errno) about `target`."""
    if error.errno is None:
        return error
    return OSError(error.errno, error.strerror or os.strerror(error.errno), str(target))


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX); a best effort elsewhere."""
    flags = getattr(os, "O_DIRECTORY", None)
    if flags is None:
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY | flags)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
