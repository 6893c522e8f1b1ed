"""ledger: households, owners, phones, charges, staff, teams

Revision ID: 0001
Revises:
Create Date: 2026-11-27 07:57:48.613876
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import callqueue.store.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", callqueue.store.types.CstDateTime(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("households_added", sa.Integer(), nullable=False),
        sa.Column("charges_added", sa.Integer(), nullable=False),
        sa.Column("charges_updated", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
    )
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("name", name=op.f("uq_teams_name")),
    )
    op.create_table(
        "buildings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_buildings_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buildings")),
        sa.UniqueConstraint("code", name=op.f("uq_buildings_code")),
    )
    with op.batch_alter_table("buildings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_buildings_team_id"), ["team_id"], unique=False)

    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_staff_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("code", name=op.f("uq_staff_code")),
    )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_team_id"), ["team_id"], unique=False)

    op.create_table(
        "households",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=34), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("room", sa.String(length=10), nullable=False),
        sa.Column("floor", sa.Integer(), nullable=True),
        sa.Column("area", callqueue.store.types.Hundredths(), nullable=True),
        sa.Column("move_in_date", sa.Date(), nullable=True),
        sa.Column("chronic_defaulter", sa.Boolean(), nullable=False),
        sa.Column("difficult", sa.Boolean(), nullable=False),
        sa.Column("elderly", sa.Boolean(), nullable=False),
        sa.Column("no_phone", sa.Boolean(), nullable=False),
        sa.Column("do_not_call", sa.Boolean(), nullable=False),
        sa.Column("nonpayment_reason", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["building_id"], ["buildings.id"], name=op.f("fk_households_building_id_buildings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_households")),
        sa.UniqueConstraint("key", name=op.f("uq_households_key")),
    )
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_households_building_id"), ["building_id"], unique=False
        )

    op.create_table(
        "charge_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("fee_type", sa.String(length=20), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount_due", callqueue.store.types.Hundredths(), nullable=False),
        sa.Column("paid_billing", callqueue.store.types.Hundredths(), nullable=False),
        sa.Column("paid_pending", callqueue.store.types.Hundredths(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_charge_lines_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["import_batches.id"],
            name=op.f("fk_charge_lines_import_id_import_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charge_lines")),
        sa.UniqueConstraint(
            "household_id", "fee_type", "period", name=op.f("uq_charge_lines_household_id")
        ),
    )
    with op.batch_alter_table("charge_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_charge_lines_household_id"), ["household_id"], unique=False
        )

    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_people_household_id_households")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_people_household_id"), ["household_id"], unique=False)

    op.create_table(
        "phones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("wrong_number", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_phones_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phones")),
        sa.UniqueConstraint("person_id", "number", name=op.f("uq_phones_person_id")),
    )
    with op.batch_alter_table("phones", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_phones_person_id"), ["person_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("phones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_phones_person_id"))

    op.drop_table("phones")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_household_id"))

    op.drop_table("people")
    with op.batch_alter_table("charge_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_charge_lines_household_id"))

    op.drop_table("charge_lines")
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_households_building_id"))

    op.drop_table("households")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_team_id"))

    op.drop_table("staff")
    with op.batch_alter_table("buildings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_buildings_team_id"))

    op.drop_table("buildings")
    op.drop_table("teams")
    op.drop_table("import_batches")
