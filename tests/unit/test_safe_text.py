"""`safe_text`: typed text kept without control characters, shown without raw escapes, and
written to a spreadsheet as text that is never a formula; numbers stay numbers."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callqueue.safe_text import (
    FORMULA_TRIGGERS,
    append_row,
    cell_value,
    clean_input,
    staged_file,
    visible,
    workbook_bytes,
    write_whole,
)

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Text as people type it and as old rows hold it: Chinese, formulas, control characters,
# full-width triggers, line breaks, lone surrogates (undecodable bytes of a command line).
PIECES = st.sampled_from(
    [
        "=", "+", "-", "@", "\t", "\r", "\n", "\r\n", " ", "\u3000", "＝", "＋", "－", "＠",
        "\x1b[31m", "\x07", "\x00", "\x7f", "\x9b", "\x85", "\ud800", "\ufffe", "#N/A",
        "=HYPERLINK(\"http://x\",\"y\")", "cmd|' /C calc'!A0", "1+1", "SUM(A1)", "业主说",
        "下周缴费", "'", "_x0041_", "-300.00",
    ]
)  # fmt: skip
TYPED = st.one_of(
    st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=8).map("".join),
    st.text(max_size=30),
)


def _spreadsheet_text(text: str) -> str:
    """What a cell can hold of `text`: no XML-illegal characters, line breaks as \\n."""
    return ILLEGAL_XML.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


# --- clean_input --------------------------------------------------------------------------


def test_clean_input_examples() -> None:
    assert clean_input("门口说\x1b[31m不交\x07") == "门口说[31m不交"
    assert clean_input("a\r\nb\rc\td") == "a\nb\nc d"
    assert clean_input("\x00\x7f\x85\x9b") == ""
    assert clean_input("坏字节\udcff") == "坏字节\ufffd"
    assert clean_input("=1+1") == "=1+1"  # a formula is text like any other: kept
    assert clean_input("  王芳  ") == "  王芳  "  # trimming is the validators' job


@given(TYPED)
def test_clean_input_leaves_no_control_character(text: str) -> None:
    cleaned = clean_input(text)
    assert not CONTROL.search(cleaned)
    assert "\r" not in cleaned and "\t" not in cleaned
    assert not re.search("[\ud800-\udfff]", cleaned)
    cleaned.encode("utf-8")  # storable on both databases
    assert clean_input(cleaned) == cleaned


@given(st.text(alphabet=st.characters(blacklist_categories=["Cc", "Cs"])))
def test_clean_input_keeps_ordinary_text(text: str) -> None:
    assert clean_input(text) == text


# --- visible ------------------------------------------------------------------------------


def test_visible_examples() -> None:
    assert visible("王\x1b[31m芳\x07") == "王\\x1b[31m芳\\x07"
    assert visible("a\r\nb\tc\n") == "a\nb\tc\n"
    assert visible("\x9b\ud800") == "\\x9b\\ud800"


@given(TYPED)
def test_visible_sends_no_control_character_to_a_terminal(text: str) -> None:
    shown = visible(text)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]", shown)
    assert visible(shown) == shown


# --- cell_value ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("=1+1", "'=1+1"),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+86 138", "'+86 138"),
        ("-300", "'-300"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\n=1"),
        ("  =1", "'  =1"),
        ("＝1+1", "'＝1+1"),
        ("\u3000＋1", "'\u3000＋1"),
        ("－5", "'－5"),
        ("＠x", "'＠x"),
        ("#N/A", "'#N/A"),
        ("\x1b=1", "'=1"),
        ("说\x1b[31m不交\x07", "说[31m不交"),
        ("业主说 = 不交", "业主说 = 不交"),
        ("", ""),
    ],
)
def test_cell_value_examples(typed: str, written: str) -> None:
    assert cell_value(typed) == written


@pytest.mark.parametrize(
    "value",
    [
        Decimal("-300.00"),
        Decimal("1234.50"),
        -5,
        0,
        2.5,
        dt.date(2026, 11, 27),
        dt.datetime(2026, 11, 27, 10, 30),
        None,
        True,
    ],
)
def test_cell_value_passes_numbers_and_dates(value: Any) -> None:
    assert cell_value(value) is value


@given(TYPED)
def test_cell_value_is_never_a_formula(text: str) -> None:
    from openpyxl import Workbook

    written = cell_value(text)
    assert isinstance(written, str)
    assert not written.startswith(FORMULA_TRIGGERS)
    assert not written.lstrip().startswith(FORMULA_TRIGGERS) or written.startswith("'")
    assert not ILLEGAL_XML.search(written)
    sheet = Workbook().active
    sheet["A1"] = written  # openpyxl's own rule: text starting with "=" is a formula
    assert sheet["A1"].data_type == "s"


@settings(max_examples=40, deadline=None)
@given(st.lists(TYPED, min_size=1, max_size=12))
def test_written_text_reads_back_as_typed(texts: list[str]) -> None:
    """openpyxl writes cell_value(x) and reads it back: text, never a formula, and without
    the added mark it is x less what a cell cannot hold."""
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    cells = append_row(book.active, [*texts, Decimal("-12.30"), -7])
    assert all(c.data_type == "s" for c in cells[: len(texts)])
    loaded = load_workbook(io.BytesIO(workbook_bytes(book))).active
    row = [cell for cell in loaded[1]]
    for typed, cell in zip(texts, row, strict=False):
        value = cell.value if cell.value is not None else ""  # openpyxl reads "" as None
        assert cell.data_type != "f"
        assert value == cell_value(typed)
        assert value in (_spreadsheet_text(typed), "'" + _spreadsheet_text(typed))
    assert row[len(texts)].value == pytest.approx(-12.3) and row[len(texts)].data_type == "n"
    assert row[len(texts) + 1].value == -7


def test_append_row_stores_text_as_text_whatever_it_starts_with() -> None:
    from openpyxl import Workbook

    sheet = Workbook().active
    cells = append_row(sheet, ["=1+1", "#DIV/0!", Decimal("-1.00"), dt.date(2026, 1, 1)])
    assert [c.data_type for c in cells] == ["s", "s", "n", "d"]
    assert [c.row for c in cells] == [1, 1, 1, 1]
    assert append_row(sheet, ["x"])[0].row == 2


# --- whole or absent ----------------------------------------------------------------------


def test_write_whole_replaces_and_leaves_no_part(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "file.xlsx"
    write_whole(target, b"first")
    write_whole(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["file.xlsx"]


def test_a_failure_in_the_block_keeps_the_earlier_file(tmp_path: Path) -> None:
    target = tmp_path / "file.xlsx"
    target.write_bytes(b"earlier")
    with pytest.raises(RuntimeError), staged_file(target, b"new") as part:
        assert part.parent == tmp_path and part.name.startswith(".file.xlsx.")
        assert part.suffix == ".part" and part.read_bytes() == b"new"
        raise RuntimeError("the audit row could not be written")
    assert target.read_bytes() == b"earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["file.xlsx"]
