"""Shared fixtures: a migrated store on SQLite, and on PostgreSQL when CALLQUEUE_TEST_PG is set.

Each PostgreSQL test gets a schema of its own (dropped afterwards), so tests never see
each other's rows and need no cleanup order.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from callqueue.store.database import Store, open_store

PG_ENV = "CALLQUEUE_TEST_PG"
AT = dt.datetime(2026, 11, 27, 10, 30)  # the fixed clock of the tests (CST)
DATA = Path(__file__).resolve().parent.parent / "data"


def pg_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def _pg_schema_url(base: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL on each backend (PostgreSQL skipped, visibly, without a server)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/callqueue.db"
        return
    base = pg_url()
    if base is None:
        pytest.skip(
            f"PostgreSQL tests need {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1/test)"
        )
    yield from _pg_schema_url(base)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A migrated, empty store on each backend."""
    opened = open_store(db_url)
    yield opened
    opened.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path}/callqueue.db")
    yield opened
    opened.close()
