"""The command line as a user meets it: exit codes, messages, no tracebacks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from callqueue import i18n
from callqueue.cli import main
from tests.i18n_checks import english_words
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
    assert code == 2
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
    assert code == 2
    assert "cannot open the database" in err and "Traceback" not in err


def test_unexpected_error_is_logged_not_shown(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db: str
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("callqueue.ledger.summary.ledger_summary", boom)
    code, _, err = run(capsys, "summary", "--db", db)
    assert code == 1
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
    assert code == 2 and "找不到房屋 6-9-9999" in err
    code, _, err = run(capsys, "household", "six", "--lang", "zh_CN", "--db", db)
    assert code == 2 and "'six' 不是有效的房号" in err
