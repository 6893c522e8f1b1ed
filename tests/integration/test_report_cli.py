"""`callqueue report` and `callqueue plan` as users meet them: JSON shape, the workbook
opened back, role refusals, plan files refused line by line; never a traceback."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from callqueue.cli import main
from callqueue.store.database import Store
from tests.conftest import DATA

AT = "2026-11-27T10:30"


@pytest.fixture
def db(demo_store: Store, tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/demo.db"  # the demo_store copy


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_json_shape_and_money_as_strings(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, err = run(capsys, "report", "--db", db, "--at", AT, "--as", "manager", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert list(data) == [
        "scope", "moment", "as_of", "month", "plan", "working_days", "warning", "total", "fees",
        "statuses", "promise_keeping_prior", "buildings", "trend", "collectors", "complaints",
        "limitation_risk",
    ]  # fmt: skip
    assert data["month"] == "2026-11" and data["working_days"]["remaining"] == 2
    fees = {f["fee_type"]: f for f in data["fees"]}
    assert fees["electricity"]["arrears_at_start"] == "152700.00"
    assert fees["electricity"]["target_rate"] == "52.39"
    assert data["plan"]["slips"][0] == {
        "building": None, "fee_type": "electricity", "month": "2026-11",
        "typed_rate": "58.93", "rate": "52.39",
    }  # fmt: skip
    building = data["buildings"][0]
    assert building["building"] == "6" and set(building["statuses"]) == {
        "paid", "disputed", "promised", "promise_broken", "refused", "reached",
        "unreachable", "not_contacted",
    }  # fmt: skip
    for fee in building["fees"]:
        for key in ("collected", "forecast", "expected_by_now"):
            assert Decimal(fee[key]) == Decimal(fee[key]).quantize(Decimal("0.01"))
            assert isinstance(fee[key], str)
    total = sum(Decimal(b["total"]["collected"]) for b in data["buildings"])
    assert total == Decimal(data["total"]["collected"])


def test_building_report_for_a_leader(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, err = run(capsys, "report", "--db", db, "--at", AT, "--as", "wangfang")
    assert code == 0, err
    assert "Progress for 王芳 (team leader): buildings 6, 2026-11" in out
    assert "plan slip: electricity 2026-11: typed 58.93%, the amounts give 52.39%" in out
    assert "Households by status" in out and "Per collector" in out
    code, out, err = run(capsys, "report", "--db", db, "--at", AT, "--building", "6栋", "--json")
    assert code == 0 and [b["building"] for b in json.loads(out)["buildings"]] == ["6"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--as", "lina"], "is a collector; progress reports are for team leaders and managers"),
        (["--as", "wangfang", "--building", "7"], "building 7 is not among the buildings"),
        (["--as", "nobody"], "no staff member has the code 'nobody'"),
        (["--month", "2026-09"], "the plan starts in 2026-10"),
        (["--month", "2026-13"], "has month 13"),
        (["--xlsx", "out.csv"], "must end in .xlsx"),
    ],
)
def test_refusals_are_one_line(
    capsys: pytest.CaptureFixture[str], db: str, argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "report", "--db", db, "--at", AT, *argv)
    assert code == 1 and message in err and not out


def test_workbook_opens_with_numbers(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "review" / "月度.xlsx"
    code, out, err = run(capsys, "report", "--db", db, "--at", AT, "--xlsx", str(path))
    assert code == 0, err
    assert str(path) in out
    book = load_workbook(path)
    assert book.sheetnames == [
        "summary", "per building", "per collector", "complaints", "limitation risk", "by day",
    ]  # fmt: skip
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
    summary = book["summary"]
    assert summary["A1"].value == "fee type" and summary["B1"].value == "arrears at plan start"
    assert summary["B2"].value == 152700 and summary["B2"].number_format.endswith("0.00")
    assert summary["D2"].value == pytest.approx(float(summary["C2"].value) / 1527, abs=0.005)
    assert summary["D2"].number_format == "0.00"
    per_building = book["per building"]
    assert per_building["A2"].value == "6" and isinstance(per_building["D2"].value, float)
    people = book["per collector"]
    codes = [people.cell(row=r, column=1).value for r in range(2, people.max_row + 1)]
    assert "lina" in codes and isinstance(people["H2"].value, float)
    assert book["per collector"].column_dimensions["B"].width >= 6


def test_plan_commands(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "plan", "check", "--db", db)
    assert code == 1  # the demo keeps the source plan's slips
    assert "58.93" in out and "typed rate disagrees" in out and "6.54" in out
    code, out, _ = run(capsys, "plan", "check", str(DATA / "plan-source.toml"), "--db", db)
    assert code == 1 and "152,700.00" in out and "(the ledger gives" in out
    good = tmp_path / "plan.csv"
    good.write_text("月份,费用类型,金额\n2026-11,电费,50000\n2026-11,物业费,40000\n", "utf-8")
    code, out, err = run(capsys, "plan", "import", str(good), "--db", db)
    assert code == 0, err
    assert "saved" in out
    code, out, _ = run(capsys, "plan", "show", "--db", db)
    assert code == 0 and "per building" in out and "2026-11" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("月份,费用类型,金额\n2026-11,电费,-5\n2026-11,金币,5\n", "utf-8")
    code, out, err = run(capsys, "plan", "import", str(bad), "--db", db)
    assert code == 1 and "2 problem(s); nothing was saved" in err
    assert "  line 2: amount '-5' is negative" in err and "  line 3: fee type" in err
    code, out, _ = run(capsys, "plan", "show", "--db", db)
    assert "plan: 2026-11" in out  # the imported plan is still in force
    code, out, err = run(capsys, "plan", "import", "--db", db)
    assert code == 1 and "needs a file" in err
