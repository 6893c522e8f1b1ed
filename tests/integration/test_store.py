"""The store: engine settings, migrations in step with the models, upgrades in place."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from callqueue.store.database import (
    current_revision,
    head_revision,
    make_engine,
    open_store,
    resolve_url,
    upgrade,
)
from callqueue.store.models import Household
from callqueue.store.types import Hundredths


def test_migrations_match_the_models(db_url: str) -> None:
    store = open_store(db_url)
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    assert current_revision(store.engine) == head_revision()
    store.close()


def test_upgrade_from_the_first_schema_keeps_every_row(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    with engine.begin() as c:
        c.execute(text("INSERT INTO buildings (id, code) VALUES (1, '6')"))
        c.execute(
            text(
                "INSERT INTO households (id, key, building_id, unit, room, floor, area, "
                "chronic_defaulter, difficult, elderly, no_phone, do_not_call) VALUES "
                "(1, '6-2-1203', 1, '2', '1203', 12, 12600, false, false, true, false, false)"
            )
        )
        c.execute(
            text(
                "INSERT INTO charge_lines (id, household_id, fee_type, period, due_date, "
                "amount_due, paid_billing, paid_pending) VALUES "
                "(1, 1, 'property', '2026-09', '2026-09-30', 35280, 0, 0)"
            )
        )
    engine.dispose()
    store = open_store(db_url)  # opening upgrades in place
    assert current_revision(store.engine) == head_revision()
    with store.session() as s:
        household = s.get(Household, 1)
        assert household is not None
        assert (household.key, household.area, household.elderly) == (
            "6-2-1203",
            Decimal("126.00"),
            True,
        )
        amount = s.execute(text("SELECT amount_due FROM charge_lines WHERE id = 1")).scalar()
        assert amount == 35280
        # the tables of the later migration are there and usable
        assert s.execute(text("SELECT count(*) FROM contacts")).scalar() == 0
    store.close()


def test_upgrade_keeps_rows_that_reference_altered_tables(db_url: str) -> None:
    """0003 alters complaints and contacts, which other rows point at (SQLite copies them)."""
    engine = make_engine(db_url)
    upgrade(engine, "0002")
    with engine.begin() as c:
        c.execute(text("INSERT INTO buildings (id, code) VALUES (1, '6')"))
        c.execute(
            text(
                "INSERT INTO households (id, key, building_id, unit, room, chronic_defaulter, "
                "difficult, elderly, no_phone, do_not_call) VALUES "
                "(1, '6-1-101', 1, '1', '101', false, false, false, false, false)"
            )
        )
        c.execute(
            text(
                "INSERT INTO contacts (id, household_id, at, channel, outcome, reached, note) "
                "VALUES (1, 1, '2026-11-20 10:30:00', 'call', 'promise', true, '月底前缴清')"
            )
        )
        c.execute(
            text(
                "INSERT INTO promises (id, household_id, contact_id, made_at, promised_date, "
                "instalment, status) VALUES (1, 1, 1, '2026-11-20 10:30:00', '2026-11-23', "
                "false, 'open')"
            )
        )
        c.execute(
            text(
                "INSERT INTO complaints (id, household_id, opened_at, category, within_duty, "
                "description, status) VALUES (1, 1, '2026-11-20 10:30:00', 'cleaning', true, "
                "'楼道没人打扫', 'open')"
            )
        )
        c.execute(
            text(
                "INSERT INTO complaint_updates (id, complaint_id, at, status, note) VALUES "
                "(1, 1, '2026-11-21 09:00:00', 'in_progress', '已联系保洁主管')"
            )
        )
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM complaint_updates")).scalar() == 1
        assert c.execute(text("SELECT contact_id FROM promises")).scalar() == 1
        assert c.execute(text("SELECT pauses_collection FROM complaints")).scalar() in (0, False)
        if engine.dialect.name == "sqlite":
            assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_a_failed_schema_change_leaves_nothing_behind(db_url: str) -> None:
    """DDL is transactional on both databases (pysqlite alone would commit it at once)."""
    store = open_store(db_url)
    with pytest.raises(RuntimeError), store.engine.begin() as c:
        c.execute(text("CREATE TABLE half_done (id INTEGER)"))
        c.execute(text("ALTER TABLE households ADD COLUMN half_done_too INTEGER"))
        raise RuntimeError("the migration fails here")
    with store.engine.connect() as c:
        from sqlalchemy import inspect

        assert not inspect(c).has_table("half_done")
        columns = {col["name"] for col in inspect(c).get_columns("households")}
        assert "half_done_too" not in columns
    store.close()


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "plain-path.db"))
    with store.engine.connect() as c:
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert c.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
    store.close()


def test_resolve_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CALLQUEUE_DB", raising=False)
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path}/a.db"
    monkeypatch.setenv("CALLQUEUE_DB", f"sqlite:///{tmp_path}/env.db")
    assert resolve_url(None) == f"sqlite:///{tmp_path}/env.db"
    monkeypatch.delenv("CALLQUEUE_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert resolve_url(None).endswith("/callqueue/callqueue.db")


def test_money_columns_refuse_floats() -> None:
    with pytest.raises(TypeError):
        Hundredths().process_bind_param(0.1, make_engine("sqlite://").dialect)


def test_head_revision_read_off_the_file_names_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    from callqueue.store.database import MIGRATIONS, head_revision

    assert head_revision() == ScriptDirectory(str(MIGRATIONS)).get_current_head()
