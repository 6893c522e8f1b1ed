"""Whose problem it is: the user's input (1), the machine (3), or a bug (70), and one plain
sentence without a library's trace or help link."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from callqueue.cli import main
from callqueue.cli.common import EnvironmentProblem, UserError
from callqueue.cli.problems import describe


def operational(text: str) -> OperationalError:
    return OperationalError("INSERT INTO contacts …", {}, sqlite3.OperationalError(text))


@pytest.mark.parametrize(
    ("error", "status", "words"),
    [
        (UserError("bad --at"), 1, "bad --at"),
        (EnvironmentProblem("no disk"), 3, "no disk"),
        (OSError(errno.ENOSPC, "No space left on device", "/srv/x.xlsx"), 3, "disk is full"),
        (PermissionError(errno.EACCES, "Permission denied", "/srv/x.xlsx"), 3, "no permission"),
        (OSError(errno.EROFS, "Read-only file system", "/mnt/x"), 3, "read-only disk"),
        (FileNotFoundError(errno.ENOENT, "No such file", "/srv/y"), 3, "/srv/y does not exist"),
        (operational("attempt to write a readonly database"), 3, "database is read-only"),
        (operational("database or disk is full"), 3, "disk is full"),
        (operational("database disk image is malformed"), 3, "damaged"),
        (operational("database is locked"), 3, "busy"),
        (MemoryError(), 3, "out of memory"),
    ],
)
def test_the_users_and_the_machines_problems(error: BaseException, status: int, words: str) -> None:
    problem = describe(error)
    assert problem.status == status and words in problem.message
    assert "not your fault" not in problem.message
    assert "sqlalche.me" not in problem.message and "INSERT" not in problem.message


def test_a_bug_is_logged_and_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    problem = describe(KeyError("oops"))
    assert problem.status == 70 and "not your fault (KeyError)" in problem.message
    assert str(tmp_path) in problem.message
    assert describe(operational("no such column: contacts.x")).status == 70  # our SQL: a bug


def test_an_unopenable_database_says_so_plainly(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["summary", "--db", "/proc/callqueue.db", "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 3
    assert err == (
        "callqueue: cannot open the database sqlite:////proc/callqueue.db: "
        "unable to open database file\n"
    )
