"""The command line as a user meets it: exit codes, messages, no tracebacks."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from callqueue import i18n
from callqueue.cli import main
from callqueue.ledger.lines import RowProblem, column_label
from callqueue.store.database import Store
from tests.i18n_checks import assert_chinese, english_words, language
from tests.ledger_files import SAMPLE


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/cli.db"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_prints_the_summary(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, err = run(capsys, "import", str(SAMPLE), "--db", db, "--at", "2026-11-27T10:30")
    assert code == 0, err
    assert "households: 6   charge lines: 13" in out
    assert "物业费 property fee" in out and "1,835.64" in out
    assert "total arrears: 3,654.84" in out
    assert "skipped line 16: total row" in out


def test_bad_file_lists_every_line_and_exits_non_zero(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, err = run(capsys, "import", str(SAMPLE.with_name("ledger-bad-rows.csv")), "--db", db)
    assert code == 1
    assert "5 bad row(s); nothing was imported" in err
    for line in (3, 4, 5, 6, 7):
        assert f"  line {line}: " in err
    assert "Traceback" not in err + out
    code, out, _ = run(capsys, "summary", "--db", db)
    assert code == 0 and "0 households" in out


def test_dry_run_then_household_view(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, _ = run(capsys, "import", str(SAMPLE), "--dry-run", "--db", db)
    assert code == 0 and "dry run, nothing written" in out
    assert run(capsys, "import", str(SAMPLE), "--db", db)[0] == 0
    code, out, _ = run(capsys, "household", "6-2-1203", "--db", db)
    assert code == 0
    assert "李秀英 (owner, primary): 138****5670 / 0755-****6789" in out
    assert "arrears: 1,677.10" in out
    code, out, _ = run(capsys, "household", "6-2-1203", "--show-phones", "--db", db)
    assert "13812345670 / 0755-83456789" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["household", "6-9-9999"], "no household 6-9-9999"),
        (["household", "six"], "not a household key"),
        (["summary", "--at", "yesterday"], "cannot read the time"),
        (["import", "/nonexistent/export.csv"], "no such file; nothing was imported"),
    ],
)
def test_user_errors_are_one_clear_line(
    capsys: pytest.CaptureFixture[str], db: str, argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, *argv, "--db", db)
    assert code == 1
    assert message in err and "Traceback" not in err


def test_db_status_and_upgrade(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/fresh.db"
    code, out, _ = run(capsys, "db", "status", "--db", db)
    assert code == 0 and "schema none: needs upgrade" in out
    code, out, _ = run(capsys, "db", "upgrade", "--db", db)
    assert code == 0 and "upgraded from an empty database" in out
    code, out, _ = run(capsys, "db", "status", "--db", db)
    assert "up to date" in out


def test_unopenable_database_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "summary", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/x")
    assert code == 3  # the machine's problem, not the input's
    assert "cannot open the database" in err and "Traceback" not in err


def test_unexpected_error_is_logged_not_shown(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db: str
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("callqueue.ledger.summary.ledger_summary", boom)
    code, _, err = run(capsys, "summary", "--db", db)
    assert code == 70  # a bug: EX_SOFTWARE
    assert "not your fault" in err and "Traceback" not in err and "disk on fire" not in err
    logs = list((tmp_path / "state").rglob("callqueue.log"))
    assert logs and "disk on fire" in logs[0].read_text()


@pytest.fixture
def keep_language() -> Iterator[None]:
    before = i18n._language
    yield
    i18n._language = before


def test_household_in_chinese(
    capsys: pytest.CaptureFixture[str], db: str, keep_language: None
) -> None:
    assert run(capsys, "import", str(SAMPLE), "--db", db)[0] == 0
    code, out, err = run(
        capsys, "household", "6-2-1203", "--lang", "zh_CN", "--db", db, "--at", "2026-11-27T10:30"
    )
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("房屋 6-2-1203（")
    assert "  李秀英（业主，主要联系人）：138****5670 / 0755-****6789" in lines
    assert "  欠费：1,677.10" in lines
    assert any(line.startswith("  下一步：") for line in lines)
    for line in lines:
        assert not english_words(line), line
    code, _, err = run(capsys, "household", "6-9-9999", "--lang", "zh_CN", "--db", db)
    assert code == 1 and "找不到房屋 6-9-9999" in err
    code, _, err = run(capsys, "household", "six", "--lang", "zh_CN", "--db", db)
    assert code == 1 and "'six' 不是有效的房号" in err


# --- every command's own words in Chinese -----------------------------------------------------

OPTION = re.compile(r"--[a-z][a-z-]*")


def assert_all_chinese(text: str, *, drop: Sequence[str] = (), allowed: Sequence[str] = ()) -> None:
    """Every non-blank line of `text` has no English word left, once file paths and options
    (what the user typed) are dropped; every line with words is Chinese."""
    assert text.strip()
    for line in text.splitlines():
        for typed in drop:
            line = line.replace(typed, "")
        line = OPTION.sub("", line)
        assert not english_words(line, ["callqueue", *allowed]), line
        if re.search(r"[^\W\d_]", line.replace("callqueue", "")):
            assert_chinese(line, ["callqueue", *allowed])


def test_import_refusal_in_chinese(
    capsys: pytest.CaptureFixture[str], db: str, keep_language: None
) -> None:
    bad = SAMPLE.with_name("ledger-bad-rows.csv")
    code, out, err = run(capsys, "import", str(bad), "--lang", "zh_CN", "--db", db)
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0] == f"callqueue：{bad}：有 5 行数据有误，未导入任何数据。"
    assert [line.split("：")[0] for line in lines[1:-1]] == [
        f"  第 {n} 行" for n in (3, 4, 5, 6, 7)
    ]
    assert (
        "  第 6 行：欠费金额 200.00 不等于应收金额 250.60 减已收金额 0.00（应为 250.60）" in lines
    )
    assert lines[-1] == "请更正以上各行后重新导入该文件。"
    assert_all_chinese(err, drop=[str(bad)])


def test_import_and_summary_in_chinese(
    capsys: pytest.CaptureFixture[str], db: str, keep_language: None
) -> None:
    at = ("--at", "2026-11-27T10:30", "--lang", "zh_CN", "--db", db)
    code, out, err = run(capsys, "import", str(SAMPLE), "--dry-run", *at)
    assert code == 0, err
    assert out.startswith(
        "已校验（试导入，未写入任何数据）：ledger-sample.csv（UTF-8，表头在第 2 行）"
    )
    code, out, err = run(capsys, "import", str(SAMPLE), *at)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "已导入：ledger-sample.csv（UTF-8，表头在第 2 行）"
    assert "  房屋：6 户   费用明细：13 条" in lines
    assert "  已跳过第 16 行：合计行" in lines
    assert "  欠费合计：3,654.84" in lines
    assert any(line.startswith("    物业费 ") and line.endswith("1,835.64") for line in lines)
    assert any(line.startswith("    6 栋 ") and line.endswith("2,264.70") for line in lines)
    assert_all_chinese(out, drop=["ledger-sample.csv"])
    code, out, _ = run(capsys, "summary", *at)
    assert code == 0 and out.splitlines()[0] == "共 6 户，截至 2026-11-27 欠费 6 户，费用明细 13 条"
    assert "欠费合计：3,654.84" in out.splitlines()
    assert_all_chinese(out)


def test_import_of_a_changed_export_in_chinese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: str, keep_language: None
) -> None:
    """A conflicting owner and a total that does not add up, named in Chinese."""
    rows = [line.split(",") for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    header = next(n for n, row in enumerate(rows) if row[0] == "楼栋")
    first = rows[header + 1]
    rows.insert(header + 2, [*first[:3], "别人", *first[4:6], "电费", *first[7:]])
    path = tmp_path / "changed.csv"
    path.write_text("\n".join(",".join(row) for row in rows), encoding="utf-8")
    code, _, err = run(capsys, "import", str(path), "--lang", "zh_CN", "--db", db)
    assert code == 1
    assert f"与第 {header + 2} 行的" in err and "不一致" in err
    assert_all_chinese(err, drop=[str(path)])


@pytest.fixture
def demo_db(demo_store: Store) -> str:
    return demo_store.url


def test_record_refusal_and_success_in_chinese(
    capsys: pytest.CaptureFixture[str], demo_db: str, keep_language: None
) -> None:
    at = ("--at", "2026-11-27T10:30", "--lang", "zh_CN", "--db", demo_db, "--as", "lina")
    code, out, err = run(
        capsys, "record", "6-1-101", "payment", "--amount", "1.234", "--pay-channel", "cash",
        "--periods", "2026-13", "--deadline", "+3", *at,
    )  # fmt: skip
    assert code == 1 and out == ""
    assert err.splitlines()[:3] == [
        "callqueue：未登记，原因如下：",
        "  --deadline：登记缴费时不使用此项",
        "  金额（--amount）：“1.234”的小数超过两位",
    ]
    assert "  收据号（--receipt）：" in err
    assert_all_chinese(err)
    code, out, err = run(
        capsys, "record", "6-1-101", "outcome", "--outcome", "callback", "--callback", "nope",
        *at,
    )  # fmt: skip
    assert code == 1 and "  回拨时间（--callback）：" in err and "  备注（--note）：" in err
    assert_all_chinese(err, allowed=["nope"])
    code, out, err = run(
        capsys, "record", "6-1-101", "letter", "--delivered", "--complaint", "3", *at
    )
    assert code == 1 and "  函件类型（--kind）：请填写函件类型" in err
    assert_all_chinese(err, allowed=["written_demand", "collection_letter"])

    key = _owing_household(capsys, demo_db)
    code, out, err = run(
        capsys, "record", key, "payment", "--amount", "1", "--pay-channel", "wechat", *at
    )
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(f"{key}：收款 1.00 元（微信）")
    assert len(lines) == 2 and re.fullmatch(
        r"  \d{4}-\d\d \S+ 本次缴 1\.00，仍欠 [\d,]+\.\d\d", lines[1]
    )
    assert_all_chinese(out)


def _owing_household(capsys: pytest.CaptureFixture[str], db: str) -> str:
    """A household of building 6 with more than one yuan owed on its oldest charge."""
    code, out, _ = run(capsys, "queue", "--json", "--as", "lina", "--db", db, "--lang", "en")
    assert code == 0
    return str(json.loads(out)[0]["household"])


def test_queue_in_chinese(
    capsys: pytest.CaptureFixture[str], demo_db: str, keep_language: None
) -> None:
    code, out, err = run(
        capsys, "queue", "--as", "lina", "--limit", "5", "--at", "2026-11-27T10:30",
        "--lang", "zh_CN", "--db", demo_db,
    )  # fmt: skip
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "催收队列：李娜（6 栋），2026-11-27 10:30（北京时间）"
    assert "  电话时段至 12:00" in lines
    assert any(re.match(r"共 [\d,]+ 项（显示 5 项）", line) for line in lines)
    assert_all_chinese(out)
    code, out, err = run(
        capsys, "queue", "--at", "2026-11-27T09:30", "--channel", "call", "--lang", "zh_CN",
        "--db", demo_db,
    )  # fmt: skip
    assert code == 0, err
    assert "  10:00 开始可以打电话" in out.splitlines() and "当前可进行：上门和书面" in out
    assert "等待可联系时段：电话 " in out
    assert_all_chinese(out)
    for argv, message in (
        (["--as", "nobody"], "callqueue：没有工号为 'nobody' 的员工"),
        (["--building", "99"], "callqueue：找不到 99 栋"),
        (["--limit", "0"], "callqueue：--limit 至少为 1"),
    ):
        code, _, err = run(capsys, "queue", *argv, "--lang", "zh_CN", "--db", demo_db)
        assert code == 1 and err.strip() == message


def test_policy_and_errors_in_chinese(
    capsys: pytest.CaptureFixture[str], db: str, keep_language: None
) -> None:
    code, out, _ = run(capsys, "policy", "show", "--at", "2026-10-01T10:00", "--lang", "zh_CN")
    assert code == 0
    status = out.split("\n\n")[0].splitlines()
    assert status == [
        "# 当前生效的收费策略：内置默认设置",
        "# 2026-10-01 10:00（北京时间）：2026-10-01 是法定节假日（国庆节）",
        "# 电话时段关闭：法定节假日（国庆节）不打电话；下一时段 10-08（周四）10:00",
        "# 上门时段关闭：法定节假日（国庆节）不上门；下一时段 10-08（周四）09:00",
    ]
    code, out, _ = run(capsys, "policy", "show", "--at", "2027-05-01T10:00", "--lang", "zh_CN")
    assert "# 2027-05-01 10:00（北京时间）：2027-05-01 是周六" in out
    assert "# 注意：节假日数据只到 2026 年为止；" in out
    assert (
        run(capsys, "policy", "check", "--lang", "zh_CN")[1] == "收费策略检查通过：内置默认设置\n"
    )
    code, _, err = run(capsys, "summary", "--at", "yesterday", "--lang", "zh_CN", "--db", db)
    assert code == 1
    assert (
        err == "callqueue：无法识别时间 'yesterday'；请按 2026-11-27T10:30 的格式填写（北京时间）\n"
    )
    bad = "postgresql+psycopg://nobody@127.0.0.1:1/x"
    code, _, err = run(capsys, "summary", "--db", bad, "--lang", "zh_CN")
    assert code == 3 and err.startswith(f"callqueue：无法打开数据库 {bad}：")
    code, out, _ = run(capsys, "db", "status", "--db", db, "--lang", "zh_CN")
    assert code == 0 and out.startswith("数据库结构版本 ")


def test_crash_in_chinese(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    db: str,
    keep_language: None,
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("callqueue.ledger.summary.ledger_summary", boom)
    code, _, err = run(capsys, "summary", "--db", db, "--lang", "zh_CN")
    assert code == 70
    assert err.startswith("callqueue：程序出现了并非您操作造成的错误（RuntimeError）。")
    assert "disk on fire" not in err


def test_english_frames_unchanged(capsys: pytest.CaptureFixture[str], demo_db: str) -> None:
    """The words the English tests and the README show are still the English msgids."""
    with language("en"):
        assert str(RowProblem(3, "x")) == "line 3: x"
        assert column_label("period") == "账期/period"
    with language("zh_CN"):
        assert str(RowProblem(3, "x")) == "第 3 行：x"
        assert column_label("period") == "账期"


def test_policy_file_problems_and_comments_in_chinese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, keep_language: None
) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(
        '[caps]\nvisit_per_day = 2\n[hours]\ncall = ["07:00-12:00", 3]\non_weekends = "yes"\n',
        encoding="utf-8",
    )
    code, _, err = run(capsys, "policy", "check", "--policy", str(path), "--lang", "zh_CN")
    assert code == 1
    assert err.startswith(f"callqueue：{path}：[caps] 中没有设置项 'visit_per_day'（是否应为 ")
    assert "hours.on_weekends：应为 true 或 false，而不是文本 'yes'" in err
    path.write_text('[hours]\ncall = ["07:00-12:00"]\n[limitation]\nyears = 2\n', encoding="utf-8")
    code, _, err = run(capsys, "policy", "check", "--policy", str(path), "--lang", "zh_CN")
    assert code == 1 and "hours.call：电话时段 07:00-12:00 包含 21:00 至次日 08:00" in err
    assert "诉讼时效期间为 3 年（《民法典》第一百八十八条）" in err
    code, out, _ = run(capsys, "policy", "show", "--lang", "zh_CN")
    comments = [line for line in out.splitlines() if line.startswith("# ")]
    assert "# callqueue 收费策略。时间均为北京时间。" in comments
    for line in comments:
        assert_chinese(line, ["callqueue"])


def test_record_correct_and_reverse(capsys: pytest.CaptureFixture[str], demo_db: str) -> None:
    at = ("--at", "2026-11-27T10:30", "--lang", "en", "--db", demo_db, "--as", "lina")
    code, out, err = run(capsys, "record", "6-2-302", "outcome", "--outcome", "busy", *at)
    assert code == 0, err
    code, out, err = run(capsys, "audit", "--household", "6-2-302", *at)
    contact = out.split("contacts#")[1].split()[0]
    code, out, err = run(capsys, "record", "6-2-302", "correct", "--contact", contact, *at)
    assert code == 1 and "--reason" in err  # nothing written without a reason
    code, out, err = run(
        capsys, "record", "6-2-302", "correct", "--contact", contact, "--outcome",
        "no_answer", "--reason", "wrong button", *at,
    )  # fmt: skip
    assert code == 0, err
    assert f"contact #{contact} corrected" in out and "no answer" in out
    code, out, err = run(
        capsys, "record", "6-2-302", "payment", "--amount", "10", "--pay-channel", "wechat", *at
    )
    assert code == 0, err
    code, out, err = run(capsys, "audit", "--household", "6-2-302", *at)
    payment = out.split("payments#")[1].split()[0]
    code, out, err = run(
        capsys, "record", "6-2-302", "reverse", "--payment", payment, "--reason", "twice", *at
    )
    assert code == 0, err
    code, out, err = run(
        capsys, "record", "6-2-302", "reverse", "--payment", "x", "--note", "n", *at
    )
    assert code == 1 and "--payment" in err and "--reason" in err and "--note" in err
