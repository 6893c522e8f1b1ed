"""Signing in on a shared database: passwords, operating-system accounts, and the rule for `--as`.

A database is *shared* when it is PostgreSQL, or when any staff member has a password or an
operating-system account set (`callqueue staff password`, `callqueue staff os-user`). On a
shared database everyone signs in:

- with their staff code and password (argon2id hashes in `staff.password_hash`), in the
  app's sign-in form or the browser (`callqueue serve`);
- or, when callqueue runs under the operating-system account mapped to them in
  `staff.os_user` (a collector who connects over SSH as `lina`), without a password: the
  operating system already checked who they are.

`--as CODE` picks anyone without a password: it is for the demo and for one person's own
SQLite file (single-user mode), and is refused on a shared database unless `--demo`.

No UI here: the CLI and the app call these functions.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Integer, String, column, func, or_, select, table, update

from callqueue.i18n import _
from callqueue.store.types import CstDateTime
from callqueue.workspace import StaffInfo

if TYPE_CHECKING:
    from argon2 import PasswordHasher
    from sqlalchemy.orm import Session

    from callqueue.store.database import Store

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 200  # longer input is refused before hashing: no work for a flood
SIGN_IN_TRIES = 3  # wrong tries in a row before a pause
SIGN_IN_PAUSE_SECONDS = 30.0

# Light table clauses, not the ORM models: signing in must not import them (a third of a
# second of start-up). tests/unit/test_queue_records.py ties them to the models.
STAFF_SIGN_IN = table(
    "staff",
    *(column(n, String()) for n in ("code", "name", "role", "password_hash", "os_user")),
    column("id", Integer()),
    column("team_id", Integer()),
    column("active", Boolean()),
)
TEAMS = table("teams", column("id", Integer()), column("name", String()))
_STAFF = STAFF_SIGN_IN.c


class SignInError(Exception):
    """Signing in or changing sign-in settings was refused; the message says why."""


@cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id with the library's current recommended parameters


@cache
def _dummy_hash() -> str:
    """A hash nobody knows the password of: verified against when the code is unknown, so an
    unknown code costs the same time as a wrong password."""
    import secrets

    return _hasher().hash(secrets.token_hex(16))


def is_shared(store: Store) -> bool:
    """PostgreSQL, or any staff member has a password or an operating-system account."""
    if not store.is_sqlite:
        return True
    with store.session() as session:
        return shared_in(session)


def shared_in(session: Session) -> bool:
    """`is_shared`, in a session the caller has open (a save's own transaction)."""
    if session.get_bind().dialect.name != "sqlite":
        return True
    found = session.execute(
        select(_STAFF.id)
        .where(or_(_STAFF.password_hash.is_not(None), _STAFF.os_user.is_not(None)))
        .limit(1)
    ).first()
    return found is not None


def anyone_signs_in(store: Store) -> bool:
    """Whether any active staff member can sign in (a password or an account): until then a
    new database is being set up by whoever can open it."""
    with store.session() as session:
        found = session.execute(
            select(_STAFF.id)
            .where(
                or_(_STAFF.password_hash.is_not(None), _STAFF.os_user.is_not(None)), _STAFF.active
            )
            .limit(1)
        ).first()
    return found is not None


def has_passwords(store: Store) -> bool:
    """Whether any active staff member can sign in with a password."""
    with store.session() as session:
        count = session.execute(
            select(func.count())
            .select_from(STAFF_SIGN_IN)
            .where(_STAFF.password_hash.is_not(None), _STAFF.active)
        ).scalar_one()
    return bool(count)


def check_password_rules(password: str) -> None:
    """Refuse a password too short or too long to be set."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise SignInError(
            _("a password needs at least {count} characters").format(count=MIN_PASSWORD_LENGTH)
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise SignInError(
            _("a password may have at most {count} characters").format(count=MAX_PASSWORD_LENGTH)
        )
    if not password.strip():
        raise SignInError(_("a password of only spaces is no password; choose another"))


@dataclass(frozen=True)
class Change:
    """Who changes sign-in settings, and when: kept in the audit row of the change."""

    at: dt.datetime
    by: int | None = None  # the staff id of the manager (None: the owner, or setting up)


def set_password(
    store: Store, code: str, password: str | None, change: Change | None = None
) -> None:
    """Set (or with None remove) `code`'s password. Only the argon2 hash is stored; the audit
    row says that it was set or removed, never what to."""
    if password is not None:
        check_password_rules(password)
    hashed = None if password is None else _hasher().hash(password)
    detail: dict[str, object] = {"code": code, "password": "removed" if password is None else "set"}
    _update_staff(store, code, (change, "set_password", detail), password_hash=hashed)


def verify(store: Store, code: str, password: str) -> StaffInfo | None:
    """The active staff member `code` if `password` is theirs, else None.

    An unknown code, an inactive member, one without a password and a wrong password all
    return None after the same argon2 work, so neither the answer nor its time tells which.
    """
    from argon2.exceptions import InvalidHashError, VerificationError

    row = None
    if 0 < len(password) <= MAX_PASSWORD_LENGTH:
        with store.session() as session:
            row = session.execute(
                select(_STAFF.code, _STAFF.name, _STAFF.role, _STAFF.password_hash).where(
                    _STAFF.code == code.strip(), _STAFF.active
                )
            ).first()
    stored = row.password_hash if row is not None and row.password_hash else None
    hasher = _hasher()
    try:
        hasher.verify(stored or _dummy_hash(), password[:MAX_PASSWORD_LENGTH])
    except (VerificationError, InvalidHashError):
        return None
    if row is None or stored is None:
        return None  # the dummy hash's password, typed by chance: still nobody
    if hasher.check_needs_rehash(stored):  # the library's parameters got stronger
        _update_staff(store, row.code, None, password_hash=hasher.hash(password))
    return StaffInfo(row.code, row.name, row.role)


class SignInPaused(SignInError):
    """Too many wrong passwords for this code in a row: wait `seconds` before the next try."""

    def __init__(self, seconds: int) -> None:
        super().__init__(
            _("too many wrong tries: wait {seconds} s before the next").format(seconds=seconds)
        )
        self.seconds = seconds


SIGN_IN_ATTEMPTS = table(
    "sign_in_attempts",
    column("code", String()),
    column("failures", Integer()),
    column("paused_until", CstDateTime()),
)


def sign_in(store: Store, code: str, password: str, now: dt.datetime | None = None) -> StaffInfo:
    """`verify`, with the pause after SIGN_IN_TRIES wrong tries in a row kept per typed code
    in the database, so it holds across processes (each browser tab is one) and restarts.

    Raises `SignInPaused` while paused (without checking the password) and `SignInError`
    for a wrong code or password.
    """
    from callqueue.clock import now as clock_now

    moment = now or clock_now()
    key = code.strip()[:64]
    a = SIGN_IN_ATTEMPTS.c
    with store.session() as session:
        paused_until = session.execute(select(a.paused_until).where(a.code == key)).scalar()
    if paused_until is not None and paused_until > moment:
        raise SignInPaused(max(1, int((paused_until - moment).total_seconds())))
    staff = verify(store, code, password)
    with store.write_session() as session, session.begin():
        failures = session.execute(select(a.failures).where(a.code == key)).scalar()
        if staff is not None:
            if failures is not None:
                session.execute(SIGN_IN_ATTEMPTS.delete().where(a.code == key))
            return staff
        count = (failures or 0) + 1
        pause = count >= SIGN_IN_TRIES
        values = {
            "failures": 0 if pause else count,
            "paused_until": moment + dt.timedelta(seconds=SIGN_IN_PAUSE_SECONDS) if pause else None,
        }
        if failures is None:
            session.execute(SIGN_IN_ATTEMPTS.insert().values(code=key, **values))
        else:
            session.execute(SIGN_IN_ATTEMPTS.update().where(a.code == key).values(**values))
    if pause:
        raise SignInPaused(int(SIGN_IN_PAUSE_SECONDS))
    raise SignInError(_("wrong staff code or password"))


def current_os_user() -> str:
    """The operating-system account this process runs as.

    On POSIX from the process's real user id, not from `$USER`/`$LOGNAME` as
    `getpass.getuser()` reads first: anyone can set those.
    """
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):  # Windows, or a uid without a passwd entry
        import getpass

        return getpass.getuser()


def os_user_staff(store: Store, user: str | None = None) -> StaffInfo | None:
    """The active staff member mapped to operating-system account `user` (default: ours)."""
    user = user if user is not None else current_os_user()
    with store.session() as session:
        row = session.execute(
            select(_STAFF.code, _STAFF.name, _STAFF.role).where(
                _STAFF.os_user == user, _STAFF.active
            )
        ).first()
    return StaffInfo(row.code, row.name, row.role) if row else None


def set_os_user(store: Store, code: str, user: str | None, change: Change | None = None) -> None:
    """Map `code` to operating-system account `user` (None removes the mapping)."""
    user = user.strip() if user else None
    if user is not None:
        with store.session() as session:
            holder = session.execute(
                select(_STAFF.code).where(_STAFF.os_user == user, _STAFF.code != code)
            ).scalar()
        if holder is not None:
            raise SignInError(
                _("the account {user} already signs in {code}").format(user=user, code=holder)
            )
    _update_staff(
        store, code, (change, "set_os_user", {"code": code, "os_user": user}), os_user=user
    )


def check_as(store: Store, code: str, *, demo: bool) -> None:
    """The rule for `--as CODE`: the demo and single-user mode only.

    Raises SignInError on a shared database (unless `demo`).
    """
    if not demo and is_shared(store):
        raise SignInError(
            _(
                "--as is for the demo and single-user mode; this database is shared "
                "(PostgreSQL, or staff with passwords or accounts), so sign in: start "
                "callqueue without --as and give your staff code and password, or connect "
                "as your own operating-system account"
            )
        )


def command_actor(store: Store, as_code: str | None) -> str | None:
    """Who a one-shot command (`queue`, `record`, `report`) acts as.

    Single-user mode: `--as CODE`, as given. Shared database: the staff member mapped to this
    process's operating-system account (over SSH); `--as` may only name that same person.
    A shared database without such an account for this process refuses: a one-shot command
    has no password prompt, so it cannot tell who is typing. While nobody can sign in at all
    (a new PostgreSQL database) it is being set up: whoever can open it acts as its owner,
    as with the database's own tools, until the first password or account is set.
    """
    if not is_shared(store):
        return as_code
    if not anyone_signs_in(store):
        if as_code:
            check_as(store, as_code, demo=False)
        return None
    account = os_user_staff(store)
    if account is None:
        raise SignInError(
            _(
                "this database is shared, and the operating-system account {user} signs in "
                "nobody (callqueue staff os-user CODE {user}); --as is for the demo and "
                "single-user mode"
            ).format(user=current_os_user())
        )
    if as_code and as_code.strip() != account.code:
        raise SignInError(
            _("the account {user} signs in {code}, not {other}").format(
                user=current_os_user(), code=account.code, other=as_code
            )
        )
    return account.code


@dataclass(frozen=True, slots=True)
class StaffAccount:
    """One staff member's sign-in settings, for `callqueue staff list`."""

    code: str
    name: str
    role: str
    team: str | None
    active: bool
    has_password: bool
    os_user: str | None


def list_accounts(store: Store) -> list[StaffAccount]:
    """Every staff member (active or not) with how they sign in; never the hashes."""
    teams = TEAMS.c
    with store.session() as session:
        rows = session.execute(
            select(
                _STAFF.code,
                _STAFF.name,
                _STAFF.role,
                teams.name,
                _STAFF.active,
                _STAFF.password_hash.is_not(None),
                _STAFF.os_user,
            )
            .select_from(STAFF_SIGN_IN.outerjoin(TEAMS, TEAMS.c.id == _STAFF.team_id))
            .order_by(_STAFF.code)
        ).all()
    return [StaffAccount(*row) for row in rows]


def _update_staff(
    store: Store,
    code: str,
    audited: tuple[Change | None, str, dict[str, object]] | None,
    **values: str | None,
) -> None:
    """Change `code`'s sign-in columns, with an audit row in the same transaction unless
    `audited` is None (a stronger hash of the same password changes nothing anyone set)."""
    with store.write_session() as session, session.begin():
        staff_id = session.execute(select(_STAFF.id).where(_STAFF.code == code)).scalar()
        if staff_id is None:
            raise SignInError(_("no staff member has the code {code}").format(code=code))
        session.execute(update(STAFF_SIGN_IN).where(_STAFF.id == staff_id).values(**values))
        if audited is not None:
            from callqueue.audit import add_audit
            from callqueue.clock import now as clock_now

            change, action, detail = audited
            change = change or Change(clock_now())
            add_audit(
                session,
                at=change.at,
                staff_id=change.by,
                action=action,
                table_name="staff",
                row_id=staff_id,
                household_id=None,
                detail=detail,
            )
