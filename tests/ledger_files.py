"""Billing exports for tests, written the way billing systems and Excel write them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import struct
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

HEADER_ZH = [
    "楼栋", "单元", "房号", "业主姓名", "联系电话", "建筑面积(㎡)", "费用项目", "账期",
    "应收金额(元)", "已收金额(元)", "欠费金额(元)", "应缴日期",
]  # fmt: skip


def write_csv(path: Path, rows: Sequence[Sequence[object]], *, encoding: str = "utf-8") -> Path:
    """A CSV file in `encoding` (`utf-8-sig` adds the BOM Excel writes)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


SHEET = "xl/worksheets/sheet1.xml"


def sheet_row(number: int, cells: Sequence[str]) -> bytes:
    """One `<row>` of inline strings, as openpyxl writes them."""
    parts = [f'<row r="{number}">']
    for position, cell in enumerate(cells):
        ref = f"{_column_letters(position + 1)}{number}"
        parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(cell)}</t></is></c>')
    parts.append("</row>")
    return "".join(parts).encode("utf-8")


def _column_letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


SHEET_START = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = b"</sheetData></worksheet>"


def xlsx_with_sheet(path: Path, chunks: Iterable[bytes]) -> Path:
    """An XLSX whose first sheet's XML is `chunks`, streamed into the zip (deflated), so a
    sheet of hundreds of megabytes is never held; the other parts are openpyxl's."""
    template = write_xlsx(path.with_name(path.name + ".template.xlsx"), [["x"]])
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w") as out:
        for info in source.infolist():
            if info.filename != SHEET:
                out.writestr(info, source.read(info))
                continue
            member = zipfile.ZipInfo(SHEET, date_time=info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            with out.open(member, "w", force_zip64=True) as sheet:
                for chunk in chunks:
                    sheet.write(chunk)
    template.unlink()
    return path


def declare_size(path: Path, member: str, size: int) -> Path:
    """Make the zip's central directory claim `member` unpacks to `size` bytes (a lie)."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_length].decode() == member:
            struct.pack_into("<I", data, at + 24, size)
            path.write_bytes(bytes(data))
            return path
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{member} not in {path}")


def ledger_rows(
    households: int, *, periods: Sequence[str] = ("2026-08", "2026-09"), paid: str = "0"
) -> list[list[object]]:
    """A plain export: `households` flats in buildings 6-8, property and electricity lines."""
    rows: list[list[object]] = [HEADER_ZH]
    for n in range(households):
        building = 6 + n % 3
        unit = 1 + (n // 3) % 2
        room = f"{1 + (n // 6) % 15}{1 + (n // 90) % 4:02d}"
        phone = f"138{n:08d}"
        for period in periods:
            year, month = period.split("-")
            rows.append(
                [
                    f"{building}栋", f"{unit}单元", f"{room}室", f"业主{n:05d}"[:2] + "明",
                    phone, "88.00", "物业费", f"{year}年{int(month)}月", "246.40", paid, "", "",
                ]
            )  # fmt: skip
    # make owners distinct per household and names realistic
    for index, row in enumerate(rows[1:]):
        household = index // len(periods)
        row[3] = "王李张刘陈杨"[household % 6] + "明华伟芳静丽"[household // 6 % 6]
    return rows


SAMPLE = Path(__file__).resolve().parent.parent / "data" / "ledger-sample.csv"


def sample_rows() -> list[list[str]]:
    """The rows of data/ledger-sample.csv (title row, header, lines, total row)."""
    return list(csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8"))))


def as_excel_cells(rows: list[list[str]]) -> list[list[object]]:
    """The sample as Excel would hold it: numbers as numbers, dates as datetimes."""
    out: list[list[object]] = [list(rows[0]), list(rows[1])]
    for row in rows[2:-1]:
        cells: list[object] = list(row)
        for i in (8, 9, 10):
            text = str(cells[i]).replace(",", "").replace("￥", "")
            if text and all(c in "0123456789." for c in text):
                cells[i] = float(text) if "." in text else int(text)
        if row[11] == "2026-08-31":
            cells[11] = dt.datetime(2026, 8, 31)
        out.append(cells)
    out.append(list(rows[-1]))
    return out
