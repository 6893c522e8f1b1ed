"""work records: contacts, promises, complaints, payments, plans

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 07:57:49.669132
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import callqueue.store.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "collection_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("start_month", sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_plans")),
    )
    op.create_table(
        "plan_baselines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=True),
        sa.Column("fee_type", sa.String(length=20), nullable=False),
        sa.Column("arrears", callqueue.store.types.Hundredths(), nullable=False),
        sa.ForeignKeyConstraint(
            ["building_id"], ["buildings.id"], name=op.f("fk_plan_baselines_building_id_buildings")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["collection_plans.id"],
            name=op.f("fk_plan_baselines_plan_id_collection_plans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_baselines")),
    )
    with op.batch_alter_table("plan_baselines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_baselines_building_id"), ["building_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_plan_baselines_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plan_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=True),
        sa.Column("fee_type", sa.String(length=20), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("amount", callqueue.store.types.Hundredths(), nullable=False),
        sa.Column("typed_cumulative_rate", callqueue.store.types.Hundredths(), nullable=True),
        sa.ForeignKeyConstraint(
            ["building_id"], ["buildings.id"], name=op.f("fk_plan_targets_building_id_buildings")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["collection_plans.id"],
            name=op.f("fk_plan_targets_plan_id_collection_plans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_targets")),
    )
    with op.batch_alter_table("plan_targets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_targets_building_id"), ["building_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_plan_targets_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", callqueue.store.types.CstDateTime(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("within_duty", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("handler_id", sa.Integer(), nullable=True),
        sa.Column("report_back_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("closed_at", callqueue.store.types.CstDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["handler_id"], ["staff.id"], name=op.f("fk_complaints_handler_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_complaints_household_id_households")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_complaints_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaints_handler_id"), ["handler_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_complaints_household_id"), ["household_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_complaints_staff_id"), ["staff_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaints_status"), ["status"], unique=False)

    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("at", callqueue.store.types.CstDateTime(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.Column("reached", sa.Boolean(), nullable=False),
        sa.Column("phone_number", sa.String(length=24), nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("proof", sa.Text(), nullable=True),
        sa.Column("callback_at", callqueue.store.types.CstDateTime(), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["corrects_id"], ["contacts.id"], name=op.f("fk_contacts_corrects_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_contacts_household_id_households")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_contacts_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index("ix_contacts_household_at", ["household_id", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("paid_at", callqueue.store.types.CstDateTime(), nullable=False),
        sa.Column("amount", callqueue.store.types.Hundredths(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("receipt_no", sa.String(length=40), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["corrects_id"], ["payments.id"], name=op.f("fk_payments_corrects_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_payments_household_id_households")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_payments_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payments_household_id"), ["household_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_payments_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "complaint_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("at", callqueue.store.types.CstDateTime(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_updates_complaint_id_complaints"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_complaint_updates_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_updates")),
    )
    with op.batch_alter_table("complaint_updates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaint_updates_complaint_id"), ["complaint_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_complaint_updates_staff_id"), ["staff_id"], unique=False
        )

    op.create_table(
        "payment_allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("charge_line_id", sa.Integer(), nullable=False),
        sa.Column("amount", callqueue.store.types.Hundredths(), nullable=False),
        sa.Column("reconciled", callqueue.store.types.Hundredths(), nullable=False),
        sa.ForeignKeyConstraint(
            ["charge_line_id"],
            ["charge_lines.id"],
            name=op.f("fk_payment_allocations_charge_line_id_charge_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_payment_allocations_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_allocations")),
    )
    with op.batch_alter_table("payment_allocations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_allocations_charge_line_id"), ["charge_line_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_allocations_payment_id"), ["payment_id"], unique=False
        )

    op.create_table(
        "promises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("made_at", callqueue.store.types.CstDateTime(), nullable=False),
        sa.Column("promised_date", sa.Date(), nullable=False),
        sa.Column("amount", callqueue.store.types.Hundredths(), nullable=True),
        sa.Column("method", sa.String(length=20), nullable=True),
        sa.Column("instalment", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("settled_at", callqueue.store.types.CstDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_promises_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_promises_household_id_households")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_promises_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promises")),
    )
    with op.batch_alter_table("promises", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_promises_household_id"), ["household_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_promises_staff_id"), ["staff_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_promises_status"), ["status"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("promises", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_promises_status"))
        batch_op.drop_index(batch_op.f("ix_promises_staff_id"))
        batch_op.drop_index(batch_op.f("ix_promises_household_id"))

    op.drop_table("promises")
    with op.batch_alter_table("payment_allocations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_allocations_payment_id"))
        batch_op.drop_index(batch_op.f("ix_payment_allocations_charge_line_id"))

    op.drop_table("payment_allocations")
    with op.batch_alter_table("complaint_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_updates_staff_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_updates_complaint_id"))

    op.drop_table("complaint_updates")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_staff_id"))
        batch_op.drop_index(batch_op.f("ix_payments_household_id"))

    op.drop_table("payments")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_staff_id"))
        batch_op.drop_index("ix_contacts_household_at")

    op.drop_table("contacts")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaints_status"))
        batch_op.drop_index(batch_op.f("ix_complaints_staff_id"))
        batch_op.drop_index(batch_op.f("ix_complaints_household_id"))
        batch_op.drop_index(batch_op.f("ix_complaints_handler_id"))

    op.drop_table("complaints")
    with op.batch_alter_table("plan_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_targets_plan_id"))
        batch_op.drop_index(batch_op.f("ix_plan_targets_building_id"))

    op.drop_table("plan_targets")
    with op.batch_alter_table("plan_baselines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_baselines_plan_id"))
        batch_op.drop_index(batch_op.f("ix_plan_baselines_building_id"))

    op.drop_table("plan_baselines")
    op.drop_table("collection_plans")
