"""Opening the database: which URL, engine settings, and bringing the schema up to date.

The default is a SQLite file in the user's data directory; `--db URL` or `CALLQUEUE_DB`
chooses another (`sqlite:///path.db`, a plain file path, or `postgresql+psycopg://…`).
SQLite runs with WAL, foreign keys on and a busy timeout, so several processes can share
one file. The schema is managed by Alembic migrations under `store/migrations/`.

Writers use `Store.write_session()`: on SQLite its transactions begin with `BEGIN
IMMEDIATE`, taking the write lock up front. A plain (deferred) `BEGIN` that reads first and
writes later must upgrade its read snapshot to the write lock; if another process committed
meanwhile SQLite cannot wait for it (the snapshot is stale) and fails at once with
"database is locked", busy timeout or not. Taking the lock at BEGIN waits in the busy
timeout instead, and then reads the latest data. Readers keep deferred transactions, which
in WAL mode never wait for writers. On PostgreSQL both kinds are the same; saves lock the
rows they change (`SELECT … FOR UPDATE`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

ENV_VAR = "CALLQUEUE_DB"
SQLITE_BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "callqueue_write"  # an execution option: this connection's transactions write
MIGRATIONS = Path(__file__).with_name("migrations")


class DatabaseError(Exception):
    """The database cannot be opened or brought up to date; the message says why."""


def default_path() -> Path:
    """The embedded default: `callqueue.db` in the user's data directory."""
    from platformdirs import user_data_path

    return user_data_path("callqueue", appauthor=False) / "callqueue.db"


def resolve_url(url: str | None = None) -> str:
    """`--db` first, then `CALLQUEUE_DB`, then the default SQLite file. A bare path is SQLite."""
    chosen = url or os.environ.get(ENV_VAR) or str(default_path())
    if "://" not in chosen:
        path = Path(chosen).expanduser()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    if chosen.startswith(("postgresql://", "postgres://")):
        # psycopg 3 is the driver we ship; the bare scheme would ask for psycopg2.
        chosen = "postgresql+psycopg://" + chosen.split("://", 1)[1]
    return chosen


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite opens transactions itself, and not before DDL: a failed migration would be
    # left half-done. SQLAlchemy's recipe: the driver never begins, SQLAlchemy emits BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """SQLAlchemy's BEGIN (the driver never begins, see `_sqlite_pragmas`): IMMEDIATE for a
    writer's transaction, so it holds the write lock (waiting in the busy timeout) at once."""
    write = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for `url` with callqueue's connection settings."""
    if url.startswith("sqlite"):
        if url not in ("sqlite://", "sqlite:///:memory:"):
            Path(url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration that runs the packaged migrations on `engine`."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest migration shipped with this version of callqueue.

    Migrations are numbered (`0005_claims….py`, revision "0005") and form one line, so the
    highest number is the head: read off the file names, not through Alembic, whose import
    is a sixth of a second of the app's start (tests/integration/test_store.py checks the
    two agree).
    """
    numbers = [p.name[:4] for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")]
    return max(numbers)


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None for an empty database)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision`, in place, keeping every row."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


@dataclass
class Store:
    """An open database: the engine and session factories. Widgets never hold one."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    writes: sessionmaker[Session] | None = None

    def __post_init__(self) -> None:
        if self.writes is None:
            writer = self.engine.execution_options(**{WRITE_OPTION: True})
            self.writes = sessionmaker(writer, expire_on_commit=False)

    def session(self) -> Session:
        """A session for reading (on SQLite a deferred transaction: never waits for writers)."""
        return self.sessions()

    def write_session(self) -> Session:
        """A session for one write transaction: on SQLite `BEGIN IMMEDIATE`, the write lock
        taken at the start (see the module's docstring); on PostgreSQL a plain session."""
        assert self.writes is not None
        return self.writes()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def close(self) -> None:
        self.engine.dispose()


def open_store(url: str | None = None, *, migrate: bool = True) -> Store:
    """Open (and by default upgrade) the database at `url` (see `resolve_url`)."""
    resolved = resolve_url(url)
    try:
        engine = make_engine(resolved)
        if migrate and current_revision(engine) != head_revision():
            upgrade(engine)
    except Exception as error:  # driver errors vary by backend; the user needs one message
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(error, SQLAlchemyError | OSError | ImportError):
            from callqueue.i18n import _

            raise DatabaseError(
                _("cannot open the database {url}: {error}").format(
                    url=_redact(resolved), error=driver_text(error)
                )
            ) from error
        raise
    return Store(resolved, engine, sessionmaker(engine, expire_on_commit=False))


def driver_text(error: BaseException) -> str:
    """What the database driver said, in its own first line: without SQLAlchemy's wrapping
    (the statement, the parameters, a help link) that means nothing to a user."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(error, DBAPIError) and error.orig is not None:
        error = error.orig
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
