"""SQLite: writers take the write lock at BEGIN (BEGIN IMMEDIATE), so a save waits for another
process's write instead of failing with "database is locked"; readers never wait."""

from __future__ import annotations

import sqlite3
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import event, text

from callqueue.demo import DEMO_COLLECTOR
from callqueue.policy import DEFAULT_POLICY
from callqueue.recording.entries import OutcomeEntry, PaymentEntry
from callqueue.recording.save import record_outcome, record_payment
from callqueue.store.database import Store, open_store
from callqueue.workspace import Workspace
from tests.conftest import AT


def _other(path: Path) -> sqlite3.Connection:
    """Another process's connection, with no busy timeout: a lock it meets fails at once."""
    return sqlite3.connect(path, timeout=0, isolation_level=None)


def _path(store: Store) -> Path:
    return Path(store.url.split(":///", 1)[1])


def test_a_write_session_holds_the_write_lock_from_its_begin(sqlite_store: Store) -> None:
    other = _other(_path(sqlite_store))
    with sqlite_store.session() as session, session.begin():
        session.execute(text("SELECT 1"))  # a reader: never in a writer's way
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    with sqlite_store.write_session() as session, session.begin():
        session.execute(text("SELECT 1"))
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        assert other.execute("SELECT count(*) FROM staff").fetchone() == (0,)  # reads go on
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()


def test_a_deferred_writer_fails_where_an_immediate_one_waits(sqlite_store: Store) -> None:
    """Why: a transaction that read first cannot wait for a newer commit to upgrade its
    snapshot, busy timeout or not. A writer that locked at BEGIN waits and goes on."""
    store = sqlite_store
    other = _other(_path(store))
    insert = text("INSERT INTO teams (name) VALUES (:name)")
    with (
        pytest.raises(Exception, match="database is locked"),
        store.session() as session,
        session.begin(),
    ):
        session.execute(text("SELECT count(*) FROM teams")).scalar()
        other.execute("INSERT INTO teams (name) VALUES ('meanwhile')")  # commits
        session.execute(insert, {"name": "deferred"})

    locked = threading.Event()

    def hold_the_lock() -> None:
        with store.write_session() as session, session.begin():
            session.execute(insert, {"name": "first"})
            locked.set()
            time.sleep(0.3)

    first = threading.Thread(target=hold_the_lock)
    first.start()
    locked.wait()
    began = time.perf_counter()
    with store.write_session() as session, session.begin():  # waits in the busy timeout
        count = session.execute(text("SELECT count(*) FROM teams")).scalar()
        session.execute(insert, {"name": "second"})
    first.join()
    assert time.perf_counter() - began > 0.2
    assert count == 2  # it read after the first writer committed: 'meanwhile' and 'first'
    other.close()


def test_every_save_begins_immediate(demo_store: Store) -> None:
    begins: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.startswith("BEGIN"):
            begins.append(statement)

    event.listen(demo_store.engine, "before_cursor_execute", seen)
    workspace = Workspace(demo_store, DEFAULT_POLICY, staff_code=DEMO_COLLECTOR, clock=lambda: AT)
    item = workspace.load().items[0]
    begins.clear()
    record_outcome(
        demo_store,
        OutcomeEntry(item.key, DEMO_COLLECTOR, AT, "call", "no_answer"),
        now=AT,
        policy=DEFAULT_POLICY,
    )
    record_payment(
        demo_store,
        PaymentEntry(item.key, DEMO_COLLECTOR, AT, Decimal("1.00"), "wechat", None),
        now=AT,
        policy=DEFAULT_POLICY,
    )
    assert begins == ["BEGIN IMMEDIATE", "BEGIN IMMEDIATE"]


def test_readers_begin_deferred(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/x.db")
    begins: list[str] = []
    event.listen(
        store.engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_a: begins.append(statement) if "BEGIN" in statement else None,
    )
    with store.session() as session:
        session.execute(text("SELECT 1"))
    assert begins == ["BEGIN"]
    store.close()
