"""Signing in on a shared database: argon2 passwords, operating-system accounts, the rule for
`--as`, the `staff` commands, the app's password form, and what `serve` hands a session."""

from __future__ import annotations

import datetime as dt
import json
import shlex
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from textual.widgets import Input, Label

from callqueue import auth
from callqueue.app.app import CallqueueApp
from callqueue.app.signin import PasswordSignInScreen, SignInScreen
from callqueue.cli import main
from callqueue.cli.serve import absolute_sqlite, session_command
from callqueue.policy import DEFAULT_POLICY
from callqueue.store.database import Store, open_store
from callqueue.store.models import Staff
from callqueue.workspace import StaffInfo

AT = dt.datetime(2026, 11, 27, 10, 30)
PASSWORD = "leader-pass-6"
STAFF = Staff.__table__.c  # type: ignore[attr-defined]


def add_staff(store: Store, code: str = "lina", role: str = "collector") -> None:
    with store.session() as session, session.begin():
        session.add(Staff(code=code, name=code.title(), role=role))


# -- the core ------------------------------------------------------------------------------------


def test_password_is_stored_as_an_argon2_hash_and_verified(store: Store) -> None:
    add_staff(store, "wangfang", "team_leader")
    auth.set_password(store, "wangfang", PASSWORD)
    with store.session() as session:
        stored = session.execute(select(STAFF.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert auth.verify(store, "wangfang", PASSWORD) == StaffInfo(
        "wangfang", "Wangfang", "team_leader"
    )
    assert auth.verify(store, " wangfang ", PASSWORD) is not None  # as typed, with spaces
    assert auth.verify(store, "wangfang", "leader-pass-7") is None
    assert auth.verify(store, "wangfang", "") is None
    auth.set_password(store, "wangfang", None)
    assert auth.verify(store, "wangfang", PASSWORD) is None


def test_unknown_code_and_wrong_password_do_the_same_work(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every refusal runs one argon2 verification: the time does not tell which part was wrong."""
    add_staff(store, "wangfang", "team_leader")
    add_staff(store, "lina")  # no password
    auth.set_password(store, "wangfang", PASSWORD)
    hasher = auth._hasher()
    calls: list[str] = []
    real_verify = type(hasher).verify

    def counting(self: object, hashed: str, password: str) -> bool:
        calls.append(hashed[:9])
        return bool(real_verify(hasher, hashed, password))

    monkeypatch.setattr(type(hasher), "verify", counting)
    for code, password in [
        ("wangfang", "wrong-password"),
        ("nobody", PASSWORD),
        ("lina", PASSWORD),
        ("wangfang", "x" * 500),
    ]:
        calls.clear()
        assert auth.verify(store, code, password) is None
        assert calls == ["$argon2id"], (code, calls)


def test_inactive_staff_cannot_sign_in(store: Store) -> None:
    add_staff(store, "lina")
    auth.set_password(store, "lina", PASSWORD)
    with store.session() as session, session.begin():
        session.execute(update(Staff.__table__).values(active=False))  # type: ignore[attr-defined]
    assert auth.verify(store, "lina", PASSWORD) is None


def test_password_rules_and_unknown_staff(store: Store) -> None:
    add_staff(store)
    with pytest.raises(auth.SignInError, match="at least 8"):
        auth.set_password(store, "lina", "short")
    with pytest.raises(auth.SignInError, match="no staff member has the code nobody"):
        auth.set_password(store, "nobody", PASSWORD)


def test_shared_database_and_the_rule_for_as(store: Store) -> None:
    add_staff(store)
    add_staff(store, "wangfang", "team_leader")
    shared = not store.is_sqlite  # PostgreSQL is always shared
    assert auth.is_shared(store) is shared
    if not shared:
        auth.check_as(store, "lina", demo=False)  # single-user: --as works
    auth.set_os_user(store, "lina", "lina_os")
    assert auth.is_shared(store)
    with pytest.raises(auth.SignInError, match="--as is for the demo and single-user mode"):
        auth.check_as(store, "lina", demo=False)
    auth.check_as(store, "lina", demo=True)  # the demo may


def test_operating_system_account(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    add_staff(store)
    add_staff(store, "liuyang")
    me = auth.current_os_user()
    auth.set_os_user(store, "lina", me)
    assert auth.os_user_staff(store) == StaffInfo("lina", "Lina", "collector")
    monkeypatch.setenv("USER", "somebody-else")  # $USER and $LOGNAME are anyone's to set
    monkeypatch.setenv("LOGNAME", "somebody-else")
    assert auth.current_os_user() == me
    with pytest.raises(auth.SignInError, match="already signs in lina"):
        auth.set_os_user(store, "liuyang", me)
    auth.set_os_user(store, "lina", None)
    assert auth.os_user_staff(store) is None


# -- the command line ----------------------------------------------------------------------------


@pytest.fixture
def team_db(demo_store: Store) -> str:
    return demo_store.url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--lang", "en"])
    out, err = capsys.readouterr()
    return code, out, err


def test_staff_commands(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, team_db: str
) -> None:
    code, out, _err = run(capsys, "staff", "list", "--db", team_db)
    assert code == 0 and "wangfang" in out and "team leader" in out
    assert "Single-user database" in out
    monkeypatch.setattr("sys.stdin", _Stdin(PASSWORD + "\n"))
    code, out, err = run(
        capsys, "staff", "password", "wangfang", "--password-stdin", "--db", team_db
    )
    assert (code, out) == (0, "wangfang: password set\n"), err
    # Now someone signs in: staff settings are for a signed-in manager only.
    code, out, err = run(capsys, "staff", "os-user", "lina", "lina_os", "--db", team_db)
    assert code == 1 and not out and "signs in nobody" in err
    code, out, err = run(
        capsys, "--as", "manager", "staff", "os-user", "lina", "x", "--db", team_db
    )
    assert code == 1 and "--as is for the demo and single-user mode" in err
    code, _out, err = run(
        capsys, "staff", "os-user", "manager", auth.current_os_user(), "--db", team_db
    )
    assert code == 1  # not even to map oneself: setting up is over
    auth.set_os_user(open_store(team_db), "manager", auth.current_os_user())  # the IT person
    code, out, _err = run(capsys, "staff", "os-user", "lina", "lina_os", "--db", team_db)
    assert code == 0 and "lina_os" in out
    code, out, _err = run(capsys, "staff", "--db", team_db)
    assert "Shared database" in out
    wangfang = next(line for line in out.splitlines() if line.startswith("wangfang"))
    lina = next(line for line in out.splitlines() if line.startswith("lina"))
    assert " set " in wangfang and "lina_os" in lina
    assert PASSWORD not in out and "$argon2" not in out
    code, out, _err = run(capsys, "audit", "--json", "--db", team_db)
    changes = [json.loads(line) for line in out.splitlines()]
    assert [(c["action"], c["staff"], c["detail"]) for c in changes] == [
        ("set_password", None, {"code": "wangfang", "password": "set"}),
        ("set_os_user", None, {"code": "manager", "os_user": auth.current_os_user()}),
        ("set_os_user", "manager", {"code": "lina", "os_user": "lina_os"}),
    ]
    assert PASSWORD not in out and "$argon2" not in out


def test_staff_password_from_the_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, team_db: str
) -> None:
    typed = iter(["first-password", "other-password"])
    monkeypatch.setattr("sys.stdin", _Stdin("", tty=True))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    code, _out, err = run(capsys, "staff", "password", "lina", "--db", team_db)
    assert code == 1 and "the two passwords differ" in err
    typed = iter(["short", "short"])
    code, _out, err = run(capsys, "staff", "password", "lina", "--db", team_db)
    assert code == 1 and "at least 8 characters" in err
    typed = iter([PASSWORD, PASSWORD])
    code, out, _err = run(capsys, "staff", "password", "lina", "--db", team_db)
    assert code == 0 and "password set" in out


def test_as_is_refused_on_a_shared_database(
    capsys: pytest.CaptureFixture[str], demo_store: Store
) -> None:
    code, out, _err = run(capsys, "--as", "lina", "--db", demo_store.url)
    assert code == 0 and "arrears summary" in out  # single-user: fine (no terminal here)
    auth.set_password(demo_store, "wangfang", PASSWORD)
    code, out, err = run(capsys, "--as", "lina", "--db", demo_store.url)
    assert code == 1 and not out
    assert "--as is for the demo and single-user mode" in err
    code, _out, err = run(capsys, "--served", "shared", "--as", "wangfang", "--db", demo_store.url)
    assert code == 1 and "not for a session served in a browser" in err


def test_serve_needs_a_password_first(capsys: pytest.CaptureFixture[str], team_db: str) -> None:
    code, _out, err = run(capsys, "serve", "--db", team_db, "--port", "1")
    assert code == 1 and "nobody has a password yet" in err


def test_a_served_session_gets_no_identity(tmp_path: Path) -> None:
    command = shlex.split(
        session_command(served="shared", lang="zh_CN", at="2026-11-27T10:30", policy=None)
    )
    assert command[1:] == [
        "-m", "callqueue", "--served", "shared", "--lang", "zh_CN", "--at", "2026-11-27T10:30",
    ]  # fmt: skip
    assert "--as" not in command and "--db" not in command  # the database: $CALLQUEUE_DB
    assert absolute_sqlite("sqlite:///team.db") == f"sqlite:///{Path.cwd() / 'team.db'}"
    assert absolute_sqlite("sqlite:////srv/team.db") == "sqlite:////srv/team.db"


# -- the app's sign-in ---------------------------------------------------------------------------


def make_app(store: Store, *, password_required: bool = False, demo: bool = False) -> CallqueueApp:
    app = CallqueueApp(store, DEFAULT_POLICY, staff_code=None, clock=lambda: AT)
    app.password_required = password_required
    app.demo = demo
    return app


async def settle(app: CallqueueApp, pilot: object) -> None:
    await app.workers.wait_for_complete()
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


async def type_in(app: CallqueueApp, pilot: object, code: str, password: str) -> str:
    screen = app.screen
    assert isinstance(screen, PasswordSignInScreen)
    screen.query_one("#code", Input).value = code
    screen.query_one("#password", Input).value = password
    screen.query_one("#password", Input).focus()
    await pilot.press("enter")  # type: ignore[attr-defined]
    await screen.workers.wait_for_complete()
    await settle(app, pilot)
    if not screen.is_attached:  # signed in
        return ""
    return str(screen.query_one("#signin-message", Label).render())


async def test_single_user_keeps_the_list(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, SignInScreen)


async def test_the_demo_keeps_the_list_on_a_shared_database(demo_store: Store) -> None:
    auth.set_password(demo_store, "wangfang", PASSWORD)  # as on PostgreSQL: shared
    app = make_app(demo_store, demo=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, SignInScreen)


async def test_shared_database_asks_for_code_and_password(demo_store: Store) -> None:
    auth.set_password(demo_store, "wangfang", PASSWORD)
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, PasswordSignInScreen)
        assert screen.query_one("#password", Input).password  # masked
        await pilot.press("escape")
        assert app.screen is screen  # nobody works unsigned
        said = await type_in(app, pilot, "wangfang", "wrong-password")
        assert said == "Wrong staff code or password. Try again."
        assert screen.query_one("#password", Input).value == ""
        assert await type_in(app, pilot, "nobody", PASSWORD) == said  # the same words
        assert await type_in(app, pilot, "wangfang", PASSWORD) == ""
        assert app.workspace.staff_code == "wangfang"
        assert app.screen is app.queue_screen


async def test_three_wrong_tries_pause_the_form(demo_store: Store) -> None:
    auth.set_password(demo_store, "wangfang", PASSWORD)
    app = make_app(demo_store, password_required=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, PasswordSignInScreen)
        for _try in range(2):
            await type_in(app, pilot, "wangfang", "wrong-password")
        said = await type_in(app, pilot, "wangfang", "wrong-password")
        assert said.startswith("Wrong staff code or password 3 times. Wait 30 seconds")
        assert screen.query_one("#password", Input).disabled
        other = make_app(demo_store, password_required=True)  # another tab: another process
        async with other.run_test(size=(100, 30)) as other_pilot:
            await settle(other, other_pilot)
            said = await type_in(other, other_pilot, "wangfang", PASSWORD)
            assert said.startswith("Wrong staff code or password 3 times. Wait ")
            assert not other.signed_in
        with demo_store.write_session() as s, s.begin():  # the 30 seconds are over
            s.execute(text("DELETE FROM sign_in_attempts"))
        screen._resume()
        await pilot.pause()
        await type_in(app, pilot, "wangfang", PASSWORD)
        assert app.workspace.staff_code == "wangfang"


async def test_a_browser_session_always_asks_for_the_password(demo_store: Store) -> None:
    """`--served shared` on a database nobody has a password on: nobody gets in by the list."""
    app = make_app(demo_store, password_required=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, PasswordSignInScreen)


class _Stdin:
    def __init__(self, text: str, *, tty: bool = False) -> None:
        self.text, self.tty = text, tty

    def readline(self) -> str:
        line, _sep, self.text = self.text.partition("\n")
        return line + "\n"

    def isatty(self) -> bool:
        return self.tty


def test_serve_on_every_address_needs_the_public_url(
    capsys: pytest.CaptureFixture[str], team_db: str
) -> None:
    code, _out, err = run(capsys, "serve", "--db", team_db, "--host", "0.0.0.0")
    assert code == 1 and "--public-url http://NAME-OR-ADDRESS:8000" in err


def test_who_a_one_shot_command_acts_as(store: Store) -> None:
    """`queue`, `record`, `report`: `--as` in single-user mode; the account on a shared one."""
    add_staff(store)
    add_staff(store, "liuyang")
    if store.is_sqlite:
        assert auth.command_actor(store, "liuyang") == "liuyang"  # single-user
    auth.set_os_user(store, "liuyang", "someone-else")
    with pytest.raises(auth.SignInError, match="signs in nobody"):
        auth.command_actor(store, "lina")
    auth.set_os_user(store, "lina", auth.current_os_user())
    assert auth.command_actor(store, None) == "lina"
    assert auth.command_actor(store, "lina") == "lina"
    with pytest.raises(auth.SignInError, match="not liuyang"):
        auth.command_actor(store, "liuyang")
