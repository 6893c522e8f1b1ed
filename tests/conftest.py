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
REAL_ENTRY_CLOCK = "real_entry_clock"  # the marker of tests that keep the real entry clock
AT = dt.datetime(2026, 11, 27, 10, 30)  # the fixed clock of the tests (CST)
DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Under xdist (make test), a worker's temporary folders are `<basetemp>/1/…` rather than
    `<basetemp>/popen-gw1/…`: paths no longer than a serial run's by more than two characters,
    since a few tests show a tmp_path in a message wrapped at 80 columns (the crash message of
    tests/app/test_work_flows.py). Runs before pytest's tmp_path factory reads the option."""
    worker = getattr(config, "workerinput", {}).get("workerid")
    basetemp = config.option.basetemp
    if worker and basetemp and Path(basetemp).name == f"popen-{worker}":
        config.option.basetemp = str(Path(basetemp).with_name(worker.removeprefix("gw")))


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


DEMO_DAY = dt.datetime(2026, 11, 27, 9, 0)  # a Friday morning; the demo is dated from it


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default demo (360 households) on SQLite, built once per test run."""
    from callqueue.demo import fill_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    built = open_store(f"sqlite:///{path}")
    fill_demo(built, today=DEMO_DAY)
    built.close()
    return path


@pytest.fixture
def demo_store(demo_file: Path, tmp_path: Path) -> Iterator[Store]:
    """A private copy of the demo, so a test may record on it."""
    copy = tmp_path / "demo.db"
    copy.write_bytes(demo_file.read_bytes())
    opened = open_store(f"sqlite:///{copy}")
    yield opened
    opened.close()


@pytest.fixture(scope="session", autouse=True)
def private_user_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The user's state and data directories (the crash log, the default database) are a
    temporary folder of this test process, so xdist workers never write to one shared file
    nor to the real ones. A test that sets XDG_STATE_HOME or XDG_DATA_HOME itself wins."""
    home = tmp_path_factory.mktemp("xdg")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_STATE_HOME", str(home / "state"))
        patch.setenv("XDG_DATA_HOME", str(home / "data"))
        yield


@pytest.fixture(autouse=True)
def entry_clock(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entry times follow the tests' fixed clock (tests/entry_clock.py), except in tests
    marked `real_entry_clock`."""
    if not request.node.get_closest_marker(REAL_ENTRY_CLOCK):
        from callqueue import entry_time
        from tests.entry_clock import command_clock

        monkeypatch.setattr(entry_time, "entered_at", command_clock)
