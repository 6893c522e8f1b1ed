"""Alembic environment: runs migrations on the engine callqueue hands over.

All migrations run in one transaction: a failure leaves the database as it was. SQLite
alters a table by copying it and dropping the old one, which foreign keys forbid while
other rows point at it; so on SQLite foreign keys are off while migrations run (a pragma
that only works outside a transaction) and every reference is checked before the commit
with `PRAGMA foreign_key_check`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine
from sqlmodel import SQLModel

from callqueue.store import models  # noqa: F401  (registers the tables)

config = context.config
engine = config.attributes.get("engine") or create_engine(
    config.get_main_option("sqlalchemy.url", "")
)
sqlite = engine.dialect.name == "sqlite"


def pragma(connection: Connection, statement: str) -> None:
    """Run a pragma on the driver connection, outside any transaction."""
    connection.connection.driver_connection.execute(statement)  # type: ignore[union-attr]


with engine.connect() as connection:
    if sqlite:
        pragma(connection, "PRAGMA foreign_keys=OFF")
    with connection.begin():
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            render_as_batch=sqlite,
            compare_type=True,
        )
        context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migration left broken references: {broken[:5]}")
    if sqlite:
        pragma(connection, "PRAGMA foreign_keys=ON")
