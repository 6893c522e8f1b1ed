"""entry time, append-only history, sign-in pauses

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 17:20:00

- `entered_at` on every record of a contact (contacts, promises, complaints, complaint
  updates, payments) and on audit rows: when it was typed in, next to when it happened.
  Older rows keep NULL: their entry time was never kept, and none is invented.
- `sign_in_attempts`: wrong passwords per typed code, so the pause after three holds
  across processes (every browser tab is a process of its own).
- Triggers that make the history append-only in the database itself: contacts, payments
  and audit rows refuse UPDATE and DELETE; a payment allocation may change only its
  `reconciled` amount (what billing's export has shown as paid). Corrections and reversals
  are new rows (docs/history.md), so nothing legitimate is refused.

A later SQLite migration that copies one of these tables (batch "move and copy") drops its
triggers: such a migration must create them again as `create_append_only` does.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import callqueue.store.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ENTERED = ("contacts", "promises", "complaints", "complaint_updates", "payments", "audit_log")
FROZEN = ("contacts", "payments", "audit_log")  # no UPDATE, no DELETE
ALLOCATION_KEYS = ("id", "payment_id", "charge_line_id", "amount")  # all but `reconciled`


def upgrade() -> None:
    for table in ENTERED:
        op.add_column(
            table, sa.Column("entered_at", callqueue.store.types.CstDateTime(), nullable=True)
        )
    op.create_table(
        "sign_in_attempts",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("paused_until", callqueue.store.types.CstDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_sign_in_attempts")),
    )
    create_append_only()


def create_append_only() -> None:
    """The append-only triggers, for SQLite or PostgreSQL."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for table in FROZEN:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: record a "
                    f"correction instead'); END"
                )
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in ALLOCATION_KEYS)
        op.execute(
            "CREATE TRIGGER payment_allocations_no_update BEFORE UPDATE ON payment_allocations "
            f"WHEN {changed} BEGIN SELECT RAISE(ABORT, 'payment_allocations is append-only "
            "but for reconciled'); END"
        )
        op.execute(
            "CREATE TRIGGER payment_allocations_no_delete BEFORE DELETE ON payment_allocations "
            "BEGIN SELECT RAISE(ABORT, 'payment_allocations is append-only'); END"
        )
        return
    op.execute(
        "CREATE FUNCTION callqueue_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION '% is append-only: record a correction instead', TG_TABLE_NAME "
        "USING ERRCODE = 'insufficient_privilege'; END $$"
    )
    for table in FROZEN:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION callqueue_append_only()"
        )
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in ALLOCATION_KEYS)
    op.execute(
        "CREATE TRIGGER payment_allocations_append_only BEFORE UPDATE ON payment_allocations "
        f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION callqueue_append_only()"
    )
    op.execute(
        "CREATE TRIGGER payment_allocations_no_delete BEFORE DELETE ON payment_allocations "
        "FOR EACH ROW EXECUTE FUNCTION callqueue_append_only()"
    )
    # TRUNCATE skips row triggers: refuse it per statement.
    for table in (*FROZEN, "payment_allocations"):
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION callqueue_append_only()"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for table in (*FROZEN, "payment_allocations"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    else:
        op.execute("DROP FUNCTION IF EXISTS callqueue_append_only() CASCADE")
    op.drop_table("sign_in_attempts")
    for table in reversed(ENTERED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("entered_at")
