"""`callqueue import` on real file shapes, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from callqueue.ledger.importer import ImportRefused, ImportReport, import_ledger
from callqueue.ledger.readers import FileProblem
from callqueue.ledger.summary import ledger_summary
from callqueue.store.database import Store
from callqueue.store.models import ChargeLine, Household, ImportBatch, Person, Phone
from tests.conftest import AT
from tests.ledger_files import SAMPLE, as_excel_cells, sample_rows, write_csv, write_xlsx

SAMPLE_BY_FEE = {
    "electricity": Decimal("1519.20"),
    "parking": Decimal("300.00"),
    "property": Decimal("1835.64"),
}
SAMPLE_BY_BUILDING = {"6": Decimal("2264.70"), "7": Decimal("892.68"), "8": Decimal("497.46")}


def counts(store: Store) -> tuple[int, int, int, int]:
    with store.session() as s:
        return (
            s.scalar(select(func.count()).select_from(Household)) or 0,
            s.scalar(select(func.count()).select_from(ChargeLine)) or 0,
            s.scalar(select(func.count()).select_from(Person)) or 0,
            s.scalar(select(func.count()).select_from(Phone)) or 0,
        )


def assert_sample_totals(store: Store) -> None:
    with store.session() as s:
        summary = ledger_summary(s, AT.date())
    assert summary.arrears_by_fee == SAMPLE_BY_FEE
    assert summary.arrears_by_building == SAMPLE_BY_BUILDING
    assert summary.total == Decimal("3654.84")
    assert (summary.households, summary.charge_lines) == (6, 13)


def test_sample_csv_imports_with_exact_totals(store: Store) -> None:
    report = import_ledger(store, SAMPLE, at=AT)
    assert (report.households, report.lines, report.header_line) == (6, 13, 2)
    assert report.skipped == [(16, "total row")]
    assert report.ignored_columns == ["备注"]
    assert report.arrears_by_fee["property"] == Decimal("1835.64")
    assert_sample_totals(store)
    with store.session() as s:
        keys = set(s.scalars(select(Household.key)))
        assert keys == {"6-1-101", "6-2-1203", "7-1-1502", "7-2-804", "8-1501", "8-302"}
        names = set(s.scalars(select(Person.name)))
        assert "阿依古丽·买买提" in names and "陈静" in names
        phones = set(s.scalars(select(Phone.number)))
        assert {"13812345670", "0755-83456789", "13900012233", "15012345678"} <= phones
        assert "0755-86543210" in phones
        no_phone = s.scalar(select(Household.no_phone).where(Household.key == "8-302"))
        assert no_phone is True
        floor = s.scalar(select(Household.floor).where(Household.key == "6-2-1203"))
        assert floor == 12
        default_due = s.scalar(
            select(ChargeLine.due_date)
            .join(Household)
            .where(Household.key == "6-2-1203", ChargeLine.fee_type == "parking")
        )
        assert default_due == dt.date(2026, 9, 30)  # no due date: the period's last day


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-16"])
def test_encodings_give_the_same_ledger(sqlite_store: Store, tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / f"export-{encoding}.csv", sample_rows(), encoding=encoding)
    report = import_ledger(sqlite_store, path, at=AT)
    # GBK text is read as GB18030, its superset: the bytes mean the same.
    assert report.encoding == {"gbk": "gb18030"}.get(encoding, encoding)
    assert_sample_totals(sqlite_store)


def test_xlsx_with_numbers_and_dates(store: Store, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "export.xlsx", as_excel_cells(sample_rows()))
    report = import_ledger(store, path, at=AT)
    assert report.encoding == "xlsx"
    assert_sample_totals(store)


def test_bad_rows_write_nothing_and_are_all_named(store: Store) -> None:
    bad = SAMPLE.with_name("ledger-bad-rows.csv")
    with pytest.raises(ImportRefused) as refused:
        import_ledger(store, bad, at=AT)
    lines = [p.line for p in refused.value.problems]
    assert lines == [3, 4, 5, 6, 7]
    reasons = {p.line: p.reason for p in refused.value.problems}
    assert "1381234" in reasons[3]
    assert "2026-13" in reasons[4] and "2026-02-30" in reasons[4]
    assert "owner" in reasons[5] and "装修押金" in reasons[5] and "negative" in reasons[5]
    assert "arrears 200.00" in reasons[6]
    assert "line 2" in reasons[7]
    assert counts(store) == (0, 0, 0, 0)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_one_bad_row_among_many_writes_nothing(sqlite_store: Store, tmp_path: Path) -> None:
    rows = sample_rows()
    rows[9][8] = "12.345"  # line 10 of the file
    path = write_csv(tmp_path / "one-bad.csv", rows)
    with pytest.raises(ImportRefused) as refused:
        import_ledger(sqlite_store, path, at=AT)
    assert [p.line for p in refused.value.problems] == [10]
    assert "more than 2 decimal places" in refused.value.problems[0].reason
    assert counts(sqlite_store) == (0, 0, 0, 0)


def test_dry_run_writes_nothing(sqlite_store: Store) -> None:
    report = import_ledger(sqlite_store, SAMPLE, at=AT, dry_run=True)
    assert report.dry_run and report.lines == 13
    assert counts(sqlite_store) == (0, 0, 0, 0)


def test_same_file_twice_is_idempotent(store: Store) -> None:
    import_ledger(store, SAMPLE, at=AT)
    before = counts(store)
    report = import_ledger(store, SAMPLE, at=AT + dt.timedelta(days=1))
    assert (report.households_added, report.charges_added, report.charges_updated) == (0, 0, 0)
    assert report.charges_unchanged == 13 and report.phones_added == 0
    assert counts(store) == before
    assert_sample_totals(store)


@pytest.mark.parametrize(
    "rows",
    [
        [["楼栋", "房号", "业主姓名"], ["6栋", "101", "王明"]],
        [["a", "b"], ["1", "2"]],
    ],
)
def test_missing_columns_are_named(
    sqlite_store: Store, tmp_path: Path, rows: list[list[str]]
) -> None:
    path = write_csv(tmp_path / "cols.csv", rows)
    with pytest.raises(FileProblem, match="费用项目/fee type"):
        import_ledger(sqlite_store, path, at=AT)


def test_english_headers_any_order_extra_columns(sqlite_store: Store, tmp_path: Path) -> None:
    rows = [
        ["Period", "Remark", "Amount_Due", "Room", "Building", "Owner", "Fee_Type", "Unit"],
        ["2026-09", "x", "1,000.10", "1203", "6", "Li Na", "property", "2"],
        ["2026-09", "y", "99.90", "1203", "6", "Li Na", "electricity", "2"],
    ]
    path = write_csv(tmp_path / "english.csv", rows)
    import_ledger(sqlite_store, path, at=AT)
    with sqlite_store.session() as s:
        summary = ledger_summary(s, AT.date())
    assert summary.total == Decimal("1100.00")
    assert summary.arrears_by_building == {"6": Decimal("1100.00")}


def test_unreadable_files(sqlite_store: Store, tmp_path: Path) -> None:
    binary = tmp_path / "x.csv"
    binary.write_bytes(bytes(range(128, 256)) * 4)
    with pytest.raises(FileProblem, match="neither UTF-8 nor GBK"):
        import_ledger(sqlite_store, binary, at=AT)
    with pytest.raises(FileProblem, match="no such file"):
        import_ledger(sqlite_store, tmp_path / "missing.csv", at=AT)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(FileProblem, match="empty"):
        import_ledger(sqlite_store, empty, at=AT)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(FileProblem, match=r"not a readable \.xlsx"):
        import_ledger(sqlite_store, broken, at=AT)


def test_charges_not_yet_due_are_not_arrears(store: Store) -> None:
    """On 2026-09-30 the September lines are due that day: billed, not yet late."""
    on_due_day = dt.datetime(2026, 9, 30, 10, 0)
    report = import_ledger(store, SAMPLE, at=on_due_day)
    with store.session() as s:
        summary = ledger_summary(s, on_due_day.date())
    assert summary.total == report_total(report) == Decimal("841.88")
    assert summary.not_yet_due == report.not_yet_due == Decimal("3654.84") - Decimal("841.88")
    assert summary.arrears_by_building == {"6": Decimal("437.00"), "7": Decimal("404.88")}
    assert summary.households_in_arrears == 2
    with store.session() as s:
        assert ledger_summary(s, dt.date(2026, 11, 1)).total == Decimal("3654.84")


def report_total(report: ImportReport) -> Decimal:
    return sum(report.arrears_by_fee.values(), Decimal(0))


@pytest.mark.parametrize("name", ["ledger-sample-gbk.csv", "ledger-sample.xlsx"])
def test_shipped_samples_agree(sqlite_store: Store, name: str) -> None:
    import_ledger(sqlite_store, SAMPLE.with_name(name), at=AT)
    assert_sample_totals(sqlite_store)


def test_total_row_must_agree_with_the_lines(sqlite_store: Store, tmp_path: Path) -> None:
    rows = sample_rows()
    truncated = [*rows[:-2], rows[-1]]  # the last line lost, the billing total kept
    with pytest.raises(ImportRefused) as refused:
        import_ledger(sqlite_store, write_csv(tmp_path / "cut.csv", truncated), at=AT)
    (problem,) = refused.value.problems
    assert problem.line == 15
    assert "应收金额/amount due 3,842.84 but the lines add up to 3,746.34" in problem.reason
    assert "欠费金额/arrears 3,654.84 but the lines add up to 3,558.34" in problem.reason
    assert counts(sqlite_store) == (0, 0, 0, 0)
    subtotal = [*rows[:-2], ["小计", *rows[-1][1:]]]  # a subtotal is not checked
    import_ledger(sqlite_store, write_csv(tmp_path / "sub.csv", subtotal), at=AT)
