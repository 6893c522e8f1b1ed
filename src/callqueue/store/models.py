"""The tables of the store.

Money columns are `Money` (exact, integer fen underneath). Times are China Standard Time
wall-clock (see `callqueue.clock`). Vocabularies (roles, fee types, outcomes…) are plain
strings in the database, listed here as `StrEnum`s so the core and the UI share one list.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from callqueue.store.types import CstDateTime, Hundredths, Money

# Named constraints, so that migrations can alter them on SQLite and PostgreSQL alike.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# --- vocabularies -------------------------------------------------------------------------


class Role(StrEnum):
    COLLECTOR = "collector"
    TEAM_LEADER = "team_leader"
    MANAGER = "manager"


class PersonRole(StrEnum):
    OWNER = "owner"
    OCCUPANT = "occupant"
    TENANT = "tenant"
    FORMER_OWNER = "former_owner"


class PhoneKind(StrEnum):
    MOBILE = "mobile"
    LANDLINE = "landline"


class ContactChannel(StrEnum):
    CALL = "call"
    VISIT = "visit"
    SMS = "sms"
    LETTER = "letter"
    NOTICE = "notice"


class ContactOutcome(StrEnum):
    """What came of a contact. `REACHED_OUTCOMES` are evidence that a demand reached the owner."""

    NO_ANSWER = "no_answer"
    BUSY = "busy"
    SWITCHED_OFF = "switched_off"
    WRONG_NUMBER = "wrong_number"
    NOT_HOME = "not_home"  # visit: nobody opened
    WILL_PAY = "will_pay"  # reached, will pay (no date agreed)
    PROMISE = "promise"  # reached, a payment date agreed
    REFUSED = "refused"
    DISPUTE = "dispute"  # disputes a charge or the service
    CALLBACK = "callback"  # reached, asked to be called back at a time
    SAYS_PAID = "says_paid"
    HARDSHIP = "hardship"  # asks for instalments or a reduction
    PAID_ON_SPOT = "paid_on_spot"
    DELIVERED = "delivered"  # SMS, notice or letter with proof of delivery
    SENT = "sent"  # SMS or notice sent, no proof of delivery


REACHED_OUTCOMES = frozenset(
    {
        ContactOutcome.WILL_PAY,
        ContactOutcome.PROMISE,
        ContactOutcome.REFUSED,
        ContactOutcome.DISPUTE,
        ContactOutcome.CALLBACK,
        ContactOutcome.SAYS_PAID,
        ContactOutcome.HARDSHIP,
        ContactOutcome.PAID_ON_SPOT,
        ContactOutcome.DELIVERED,
    }
)


class ComplaintCategory(StrEnum):
    SERVICE = "service"  # service quality
    CLEANING = "cleaning"
    SECURITY = "security"
    GREENING = "greening"
    FACILITIES = "facilities"  # lifts, lights, doors, pipes
    PARKING = "parking"
    NOISE = "noise"  # neighbours
    OUTSIDE_DUTY = "outside_duty"  # not the property company's duty


class LetterKind(StrEnum):
    """Written contacts, in the order of the escalation ladder."""

    REMINDER = "reminder"  # pre-due SMS / notice-board notice
    WRITTEN_DEMAND = "written_demand"  # 催告 with a deadline (合理期限), Civil Code art. 944
    COLLECTION_LETTER = "collection_letter"  # 催收函
    LAWYER_LETTER = "lawyer_letter"  # 律师函


class PaymentChannel(StrEnum):
    CASH = "cash"
    POS = "pos"
    WECHAT = "wechat"
    ALIPAY = "alipay"
    BANK_TRANSFER = "bank_transfer"


class PromiseStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"
    CANCELLED = "cancelled"


class ComplaintStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"  # handled; the owner still has to be told
    CLOSED = "closed"  # the owner has been told the result


def _fk(target: str, *, nullable: bool = False, index: bool = True) -> Column[int]:
    """A foreign-key column; declared here so every table indexes its references."""
    return Column(Integer, ForeignKey(target), nullable=nullable, index=index)


# --- people and places --------------------------------------------------------------------


class Team(SQLModel, table=True):
    """A collection team (片区): a leader and members covering some buildings."""

    __tablename__ = "teams"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(60), unique=True, nullable=False))


class Staff(SQLModel, table=True):
    """A collector, team leader or manager. `code` is what `--as` takes."""

    __tablename__ = "staff"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(40), unique=True, nullable=False))
    name: str = Field(max_length=60)
    role: str = Field(sa_column=Column(String(20), nullable=False))
    team_id: int | None = Field(default=None, sa_column=_fk("teams.id", nullable=True))
    active: bool = True
    # Signing in on a shared database: an argon2 hash, or the operating-system account
    # the staff member connects as (over SSH). Neither is needed with `--as` on one's own file.
    password_hash: str | None = Field(default=None, sa_column=Column(String(200)))
    os_user: str | None = Field(default=None, sa_column=Column(String(64), unique=True))


class Building(SQLModel, table=True):
    """A building (楼栋) and the team that covers it."""

    __tablename__ = "buildings"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(10), unique=True, nullable=False))
    team_id: int | None = Field(default=None, sa_column=_fk("teams.id", nullable=True))


class Household(SQLModel, table=True):
    """A flat: the unit of collection. `key` is `building-unit-room` (see household_key)."""

    __tablename__ = "households"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=Column(String(34), unique=True, nullable=False))
    building_id: int = Field(sa_column=_fk("buildings.id"))
    unit: str = Field(default="", max_length=10)
    room: str = Field(max_length=10)
    floor: int | None = None
    area: Decimal | None = Field(default=None, sa_type=Hundredths)  # m², two places
    move_in_date: dt.date | None = None
    chronic_defaulter: bool = False  # 钉子户
    difficult: bool = False  # 疑难客户
    elderly: bool = False
    no_phone: bool = False
    do_not_call: bool = False
    nonpayment_reason: str | None = Field(default=None, sa_column=Column(Text))
    note: str | None = Field(default=None, sa_column=Column(Text))
    litigation_since: dt.date | None = None  # a suit is filed: the queue leaves it to lawyers


class Person(SQLModel, table=True):
    """An owner, occupant or tenant of a household."""

    __tablename__ = "people"
    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(sa_column=_fk("households.id"))
    name: str = Field(max_length=40)
    role: str = Field(default=PersonRole.OWNER, sa_column=Column(String(20), nullable=False))
    is_primary: bool = False


class Phone(SQLModel, table=True):
    """One of a person's phone numbers, normalised (`13812345678`, `0755-12345678`)."""

    __tablename__ = "phones"
    __table_args__ = (UniqueConstraint("person_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(sa_column=_fk("people.id"))
    number: str = Field(max_length=24)
    kind: str = Field(sa_column=Column(String(10), nullable=False))
    wrong_number: bool = False


# --- the ledger ---------------------------------------------------------------------------


class ImportBatch(SQLModel, table=True):
    """One run of `callqueue import`: which file, when, and what it changed."""

    __tablename__ = "import_batches"
    id: int | None = Field(default=None, primary_key=True)
    file_name: str = Field(max_length=255)
    file_sha256: str = Field(max_length=64)
    imported_at: dt.datetime = Field(sa_type=CstDateTime)
    lines: int = 0
    households_added: int = 0
    charges_added: int = 0
    charges_updated: int = 0


class ChargeLine(SQLModel, table=True):
    """What a household owes for one fee type and billing period.

    `paid_billing` is what the billing system's latest export says was paid;
    `paid_pending` is money recorded in callqueue that no export has shown yet. Arrears are
    `amount_due - paid_billing - paid_pending` (see `callqueue.ledger.reconcile`).
    """

    __tablename__ = "charge_lines"
    __table_args__ = (UniqueConstraint("household_id", "fee_type", "period"),)
    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(sa_column=_fk("households.id"))
    fee_type: str = Field(sa_column=Column(String(20), nullable=False))
    period: str = Field(max_length=7)  # YYYY-MM
    due_date: dt.date
    amount_due: Decimal = Field(sa_type=Money)
    paid_billing: Decimal = Field(default=Decimal("0.00"), sa_type=Money)
    paid_pending: Decimal = Field(default=Decimal("0.00"), sa_type=Money)
    import_id: int | None = Field(
        default=None, sa_column=_fk("import_batches.id", nullable=True, index=False)
    )


# --- what collectors record ---------------------------------------------------------------


class Contact(SQLModel, table=True):
    """One attempt to reach a household, by any channel, and what came of it."""

    __tablename__ = "contacts"
    __table_args__ = (Index("ix_contacts_household_at", "household_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(sa_column=_fk("households.id", index=False))
    staff_id: int | None = Field(default=None, sa_column=_fk("staff.id", nullable=True))
    at: dt.datetime = Field(sa_type=CstDateTime)
    channel: str = Field(sa_column=Column(String(10), nullable=False))
    outcome: str = Field(sa_column=Column(String(24), nullable=False))
    reached: bool = False  # spoke to the owner (or delivery was proven): evidence of a demand
    phone_number: str | None = Field(default=None, max_length=24)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    proof: str | None = Field(default=None, sa_column=Column(Text))  # delivery proof ref.
    callback_at: dt.datetime | None = Field(default=None, sa_type=CstDateTime)
    letter_kind: str | None = Field(default=None, max_length=20)  # LetterKind, for letters
    deadline: dt.date | None = None  # the payment deadline a written demand gives
    corrects_id: int | None = Field(
        default=None, sa_column=_fk("contacts.id", nullable=True, index=False)
    )
    entered_at: dt.datetime | None = Field(default=None, sa_type=CstDateTime)  # typed in


class Promise(SQLModel, table=True):
    """A promised payment date (承诺缴费日), normally 3–5 days out."""

    __tablename__ = "promises"
    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(sa_column=_fk("households.id"))
    contact_id: int | None = Field(
        default=None, sa_column=_fk("contacts.id", nullable=True, index=False)
    )
    staff_id: int | None = Field(default=None, sa_column=_fk("staff.id", nullable=True))
    made_at: dt.datetime = Field(sa_type=CstDateTime)
    promised_date: dt.date
    amount: Decimal | None = Field(default=None, sa_type=Money)
    method: str | None = Field(default=None, max_length=20)
    instalment: bool = False
    reason: str | None = Field(default=None, sa_column=Column(Text))
    status: str = Field(
        default=PromiseStatus.OPEN, sa_column=Column(String(12), nullable=False, index=True)
    )
    settled_at: dt.datetime | None = Field(default=None, sa_type=CstDateTime)
    entered_at: dt.datetime | None = Field(default=None, sa_type=CstDateTime)  # typed in


class Complaint(SQLModel, table=True):
    """A complaint or request; resolving it is part of collecting."""

    __tablename__ = "complaints"
    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(sa_column=_fk("households.id"))
    staff_id: int | None = Field(default=None, sa_column=_fk("staff.id", nullable=True))
    opened_at: dt.datetime = Field(sa_type=CstDateTime)
    category: str = Field(sa_column=Column(String(20), nullable=False))
    within_duty: bool = True
    pauses_collection: bool = False  # a dispute: the owner withholds payment until resolved
    description: str = Field(sa_column=Column(Text, nullable=False))
    handler_id: int | None = Field(default=None, sa_column=_fk("staff.id", nullable=True))
    report_back_on: dt.date | None = None
    status: str = Field(
        default=ComplaintStatus.OPEN, sa_column=Column(String(12), nullable=False, index=True)
    )
    resolution: str | None = Field(default=None, sa_column=Column(Text))
    closed_at: dt.datetime | None = Field(default=None, sa_type=CstDateTime)
    entered_at: dt.datetime | None = Field(default=None, sa_type=CstDateTime)  # typed in


class ComplaintUpdate(SQLModel, table=True):
    """Progress on a complaint, kept so the owner can be told."""

    __tablename__ = "complaint_updates"
    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(sa_column=_fk("complaints.id"))
    staff_id: int | None = Field(default=None, sa_column=_fk("staff.id", nullable=True))
    at: dt.datetime = Field(sa_type=CstDateTime)
    status: str = Field(sa_column=Column(String(12), nullable=False))
    note: str = Field(sa_column=Column(Text, nullable=False))
    entered_at: dt.datetime | None = Field(default=None, sa_type=CstDateTime)  # typed in


class Payment(SQLModel, table=True):
    """Money received, recorded in callqueue. Append-only; a correction points back."""

    __tablename__ = "payments"
    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(sa_column=_fk("households.id"))
    staff_id: int | None = Field(default=None, sa_column=_fk("staff.id", nullable=True))
    paid_at: dt.datetime = Field(sa_type=CstDateTime)
    amount: Decimal = Field(sa_type=Money)
    channel: str = Field(sa_column=Column(String(16), nullable=False))
    receipt_no: str | None = Field(default=None, max_length=40)
    note: str | None = Field(default=None, sa_column=Column(Text))
    corrects_id: int | None = Field(
        default=None, sa_column=_fk("payments.id", nullable=True, index=False)
    )
    entered_at: dt.datetime | None = Field(default=None, sa_type=CstDateTime)  # typed in


class PaymentAllocation(SQLModel, table=True):
    """The part of a payment that settles one charge line.

    `reconciled` is how much of it a later billing export has already shown as paid, so it
    is never counted twice.
    """

    __tablename__ = "payment_allocations"
    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(sa_column=_fk("payments.id"))
    charge_line_id: int = Field(sa_column=_fk("charge_lines.id"))
    amount: Decimal = Field(sa_type=Money)
    reconciled: Decimal = Field(default=Decimal("0.00"), sa_type=Money)


# --- the plan -----------------------------------------------------------------------------


class CollectionPlan(SQLModel, table=True):
    """A collection plan (催收计划): baselines and monthly targets."""

    __tablename__ = "collection_plans"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    start_month: str = Field(max_length=7)  # YYYY-MM


class PlanBaseline(SQLModel, table=True):
    """Arrears at plan start for a fee type (building NULL: the whole project)."""

    __tablename__ = "plan_baselines"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(sa_column=_fk("collection_plans.id"))
    building_id: int | None = Field(default=None, sa_column=_fk("buildings.id", nullable=True))
    fee_type: str = Field(sa_column=Column(String(20), nullable=False))
    arrears: Decimal = Field(sa_type=Money)


class PlanTarget(SQLModel, table=True):
    """The amount planned for one month and fee type, with the rate as typed (if any)."""

    __tablename__ = "plan_targets"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(sa_column=_fk("collection_plans.id"))
    building_id: int | None = Field(default=None, sa_column=_fk("buildings.id", nullable=True))
    fee_type: str = Field(sa_column=Column(String(20), nullable=False))
    month: str = Field(max_length=7)
    amount: Decimal = Field(sa_type=Money)
    typed_cumulative_rate: Decimal | None = Field(default=None, sa_type=Hundredths)  # percent


# --- working together ---------------------------------------------------------------------


class Claim(SQLModel, table=True):
    """A household a collector has open to call or visit, until `expires_at` (a lease).

    While a claim is live no other collector's queue offers the household; a claim left
    behind by a crash frees itself when its lease runs out.
    """

    __tablename__ = "claims"
    household_id: int = Field(
        sa_column=Column(ForeignKey("households.id"), primary_key=True, autoincrement=False)
    )
    staff_id: int = Field(sa_column=_fk("staff.id"))
    claimed_at: dt.datetime = Field(sa_type=CstDateTime)
    expires_at: dt.datetime = Field(sa_column=Column(CstDateTime, nullable=False, index=True))


class AuditEntry(SQLModel, table=True):
    """Who changed what and when: one row per write, never updated or deleted.

    `detail` is JSON: the values written (for a correction, also what it corrects).
    """

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(sa_column=Column(CstDateTime, nullable=False, index=True))
    staff_id: int | None = Field(default=None, sa_column=_fk("staff.id", nullable=True))
    action: str = Field(sa_column=Column(String(40), nullable=False))
    table_name: str = Field(sa_column=Column(String(40), nullable=False))
    row_id: int | None = None
    household_id: int | None = Field(default=None, sa_column=_fk("households.id", nullable=True))
    detail: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    entered_at: dt.datetime | None = Field(default=None, sa_type=CstDateTime)  # typed in


class SignInAttempt(SQLModel, table=True):
    """Wrong passwords in a row for one typed staff code, and the pause they earned: kept in
    the database so the pause holds across processes (each browser tab is one)."""

    __tablename__ = "sign_in_attempts"
    code: str = Field(sa_column=Column(String(64), primary_key=True))
    failures: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    paused_until: dt.datetime | None = Field(default=None, sa_type=CstDateTime)


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a model, for executemany INSERTs and UPDATEs that skip the ORM."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


# --- prepared words -----------------------------------------------------------------------


class FaqEntry(SQLModel, table=True):
    """One prepared answer of the shared FAQ (收费答客问), in one language.

    Every collector gives the same answer to the same question; managers keep the list.
    `tags` are comma-separated search words. An entry is deactivated, never deleted.
    """

    __tablename__ = "faq_entries"
    id: int | None = Field(default=None, primary_key=True)
    question: str = Field(sa_column=Column(String(200), nullable=False))
    answer: str = Field(sa_column=Column(Text, nullable=False))
    tags: str = Field(default="", sa_column=Column(String(200), nullable=False, server_default=""))
    language: str = Field(sa_column=Column(String(8), nullable=False, index=True))
    updated_at: dt.datetime = Field(sa_type=CstDateTime)
    updated_by: int | None = Field(default=None, sa_column=_fk("staff.id", nullable=True))
    active: bool = True


class CallScript(SQLModel, table=True):
    """A team's own wording of a built-in call, visit or letter script (`callqueue.scripts`).

    No row: the built-in text is used.
    """

    __tablename__ = "call_scripts"
    __table_args__ = (UniqueConstraint("kind", "language"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_column=Column(String(40), nullable=False))
    language: str = Field(sa_column=Column(String(8), nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: dt.datetime = Field(sa_type=CstDateTime)
    updated_by: int | None = Field(default=None, sa_column=_fk("staff.id", nullable=True))
