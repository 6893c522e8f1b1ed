"""The audit log: who changed what, and when, one row per write, never updated or deleted.

Every save in the core (`recording.save`, `recording.corrections`, `faq`, `scripts`,
`plan.saved`, `ledger.importer`, the evidence export) calls `add_audit` inside its own
transaction, so the audit row is written exactly when the change is: both or neither.

`detail` is JSON: the values written, with money as exact strings (`"1234.50"`), dates and
times in ISO form (China Standard Time), so the log can be read back without loss and shown
to a court as it was written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from callqueue.store.models import AuditEntry, Building, Household, Staff, table_of

__all__ = [
    "AuditAction",
    "AuditRow",
    "add_audit",
    "audit_json",
    "read_audit",
    "row_values",
]


class AuditAction(StrEnum):
    """What a write did; the table and row say to what."""

    RECORD_OUTCOME = "record_outcome"
    RECORD_PROMISE = "record_promise"
    RECORD_COMPLAINT = "record_complaint"
    RECORD_PROGRESS = "record_progress"
    RECORD_PAYMENT = "record_payment"
    RECORD_LETTER = "record_letter"
    CORRECT_CONTACT = "correct_contact"
    REVERSE_PAYMENT = "reverse_payment"
    SAVE_FAQ = "save_faq"
    DEACTIVATE_FAQ = "deactivate_faq"
    SAVE_SCRIPT = "save_script"
    RESET_SCRIPT = "reset_script"
    SAVE_PLAN = "save_plan"
    SET_TARGET = "set_target"
    IMPORT = "import"
    EVIDENCE_EXPORT = "evidence_export"
    SHOW_PHONES = "show_phones"  # full phone numbers were shown (audit --show-phones)
    SET_PASSWORD = "set_password"
    SET_OS_USER = "set_os_user"


def _plain(value: Any) -> Any:
    """A value as JSON keeps it exactly: Decimal as a string, dates in ISO form."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, StrEnum):
        return value.value
    return value


def audit_json(detail: Mapping[str, Any]) -> str:
    """`detail` as stored: JSON with sorted keys, non-ASCII kept readable (业主 not \\u4e1a)."""
    return json.dumps(_plain(detail), ensure_ascii=False, sort_keys=True)


def row_values(row: Any, *, skip: tuple[str, ...] = ("id",)) -> dict[str, Any]:
    """The columns of a model row (an SQLModel instance), for `detail`."""
    table = type(row).__table__
    return {c.name: getattr(row, c.name) for c in table.columns if c.name not in skip}


def add_audit(
    session: Session,
    *,
    at: dt.datetime,
    staff_id: int | None,
    action: AuditAction | str,
    entered_at: dt.datetime | None = None,
    table_name: str,
    row_id: int | None,
    household_id: int | None,
    detail: Mapping[str, Any],
) -> int:
    """Add one audit row in the caller's transaction (never commits); returns its id.

    `at` is the moment the command ran at (`--at`); `entered_at` when it really was, by
    `entry_time.entered_at` when not given (the real clock on a shared database)."""
    from callqueue import entry_time

    table = table_of(AuditEntry)
    entered = entered_at if entered_at is not None else entry_time.entered_at(session, at)
    return int(
        session.execute(
            insert(table)
            .values(
                at=at,
                entered_at=entered,
                staff_id=staff_id,
                action=str(action),
                table_name=table_name,
                row_id=row_id,
                household_id=household_id,
                detail=audit_json(detail),
            )
            .returning(table.c.id)
        ).scalar_one()
    )


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One audit row as read back: names instead of ids, `detail` parsed."""

    id: int
    at: dt.datetime
    staff_code: str | None
    staff_name: str | None
    action: str
    table_name: str
    row_id: int | None
    household_key: str | None
    detail: dict[str, Any]
    detail_json: str  # as stored, byte for byte
    entered_at: dt.datetime | None = None  # when it was written (None: before schema 0006)


def read_audit(
    session: Session,
    *,
    household_id: int | None = None,
    staff_id: int | None = None,
    since: dt.datetime | None = None,
    buildings: frozenset[str] | None = None,
    limit: int | None = None,
) -> list[AuditRow]:
    """Audit rows, oldest first, narrowed by household, staff member, time, buildings.

    `buildings` (None: all) keeps rows about households in those buildings and rows about
    no household (imports, FAQ, scripts, the plan) only when it is None.
    """
    a, s, h, b = (
        table_of(AuditEntry).c,
        table_of(Staff).c,
        table_of(Household).c,
        table_of(Building).c,
    )
    query = (
        select(
            a.id,
            a.at,
            s.code,
            s.name,
            a.action,
            a.table_name,
            a.row_id,
            h.key,
            a.detail,
            a.entered_at,
        )
        .select_from(
            table_of(AuditEntry)
            .outerjoin(table_of(Staff), s.id == a.staff_id)
            .outerjoin(table_of(Household), h.id == a.household_id)
            .outerjoin(table_of(Building), b.id == h.building_id)
        )
        .order_by(a.at, a.id)
    )
    if household_id is not None:
        query = query.where(a.household_id == household_id)
    if staff_id is not None:
        query = query.where(a.staff_id == staff_id)
    if since is not None:
        query = query.where(a.at >= since)
    if buildings is not None:
        query = query.where(b.code.in_(sorted(buildings)))
    if limit is not None:
        query = query.limit(limit)
    return [
        AuditRow(
            int(row_id),
            at,
            code,
            name,
            action,
            table,
            target,
            key,
            json.loads(detail or "{}"),
            detail or "{}",
            entered,
        )
        for row_id, at, code, name, action, table, target, key, detail, entered in (
            session.execute(query)
        )
    ]
