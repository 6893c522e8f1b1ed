"""letters with deadlines, litigation, disputes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 08:25:57.385823
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pauses_collection", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("letter_kind", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("deadline", sa.Date(), nullable=True))

    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.add_column(sa.Column("litigation_since", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_column("litigation_since")

    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("deadline")
        batch_op.drop_column("letter_kind")

    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_column("pauses_collection")
