"""The evidence file for one household: a workbook a lawyer can use, and its SHA-256.

`export_evidence` writes an XLSX workbook with a cover sheet (the household, its owners, the
arrears per fee and period, each charge's limitation deadline and what last restarted it),
the written demands with their delivery proof and deadlines, every contact (a correction
next to the contact it corrects, with who corrected it, when and why), the promises and what
became of them, the payments and reversals with their allocations, the complaints with
their progress, and the household's audit rows. Every sheet has a header row; money is
exact (written from Decimal, formatted 0.00), dates and times are Excel dates.

The file's SHA-256 is returned and kept as an audit row (`evidence_export`), so the file can
later be shown to be the one exported, unaltered. The file is whole or absent: it is built in
memory, written to a hidden `.part` file beside the target, hashed, the audit row committed,
and only then renamed into place; any failure (the workbook, a read-only database, a full
disk, an interruption) removes the `.part` file and leaves the target as it was.

What people typed is written as text, never as a formula (`safe_text.cell_value`: a note
`=HYPERLINK(…)` gets a leading `'`), without the control characters old rows may hold.

Phone numbers are in full only for staff who may see them (the household's team and
managers; `access.Access.sees_phones`).

openpyxl is imported only here, and only when a file is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqueue.access import Access, check_household
from callqueue.audit import AuditAction, add_audit, audit_json, read_audit
from callqueue.household_view import household_id_for_key, load_household_view
from callqueue.i18n import (
    _,
    channel_label,
    complaint_category_label,
    complaint_status_label,
    fee_label,
    letter_kind_label,
    outcome_label,
    payment_channel_label,
    promise_status_label,
)
from callqueue.limitation import Evidence, EvidenceKind, add_years
from callqueue.policy import Policy
from callqueue.privacy import mask_phone, mask_phones_in
from callqueue.queue.facts import evidence_of
from callqueue.queue.records import load_records
from callqueue.safe_text import append_row, staged_file, workbook_bytes
from callqueue.store.models import (
    ChargeLine,
    Complaint,
    ComplaintUpdate,
    Contact,
    Payment,
    PaymentAllocation,
    Promise,
    Staff,
    table_of,
)

if TYPE_CHECKING:
    from callqueue.store.database import Store

__all__ = ["EvidenceFile", "export_evidence", "restarted_by", "sha256_of"]

MONEY = "0.00"
DAY = "yyyy-mm-dd"
MOMENT = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True)
class EvidenceFile:
    """What was written: the file, its SHA-256 (hex) and the audit row that keeps it."""

    path: Path
    sha256: str
    household_key: str
    sheets: tuple[str, ...]
    audit_id: int | None


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, in hex: compare it with the audit row to show it unaltered."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def restarted_by(due: dt.date, evidence: Sequence[Evidence], *, years: int) -> Evidence | None:
    """The evidence that last moved the deadline of a charge due on `due` (the same rule as
    `limitation.deadline`); None when the deadline is still due + `years`."""
    end = add_years(due, years)
    found = None
    for item in evidence:
        if item.day < due:
            continue
        if item.day <= end or item.acknowledges:
            later = add_years(item.day, years)
            if later > end:
                end, found = later, item
            elif later == end and found is not None:
                found = item
    return found


def _evidence_words(item: Evidence | None) -> str:
    if item is None:
        return _("nothing: due date plus the limitation period")
    words = {
        EvidenceKind.DEMAND: _("a demand that reached the owner"),
        EvidenceKind.PROMISE: _("the owner's promise to pay"),
        EvidenceKind.PAYMENT: _("a part payment"),
    }
    return _("{what} on {day}").format(what=words[item.kind], day=item.day.isoformat())


# --- reading ------------------------------------------------------------------------------


def _staff_names(session: Session) -> dict[int, str]:
    s = table_of(Staff).c
    return {
        i: f"{name} ({code})" for i, code, name in session.execute(select(s.id, s.code, s.name))
    }


def _rows(session: Session, model: Any, *where: Any, order: Sequence[Any]) -> list[Any]:
    return list(session.execute(select(model).where(*where).order_by(*order)).scalars())


# --- writing ------------------------------------------------------------------------------


class _Sheet:
    """One worksheet: a bold header row, then rows with formats per column."""

    def __init__(self, book: Any, title: str, headers: Sequence[tuple[str, str | None]]) -> None:
        from openpyxl.styles import Font

        self.sheet = book.create_sheet(title=title[:31])
        self.formats = [fmt for _h, fmt in headers]
        for cell in append_row(self.sheet, [h for h, _fmt in headers]):
            cell.font = Font(bold=True)
        self.sheet.freeze_panes = "A2"
        for index, (header, _fmt) in enumerate(headers, start=1):
            letter = self.sheet.cell(row=1, column=index).column_letter
            self.sheet.column_dimensions[letter].width = max(12, min(40, len(header) * 2 + 2))

    def add(self, *values: Any) -> tuple[Any, ...]:
        """One row, every text as text (`safe_text.append_row`); returns its cells."""
        cells = append_row(self.sheet, values)
        for cell, fmt in zip(cells, self.formats, strict=False):
            if fmt is not None:
                cell.number_format = fmt
        return cells


def export_evidence(
    store: Store,
    key: str,
    out: Path,
    *,
    access: Access,
    now: dt.datetime,
    policy: Policy,
) -> EvidenceFile:
    """Write the evidence workbook of household `key` to `out` as `now` (CST).

    Raises `NotAllowed` when `access` may not see the household, ValueError or
    `household_view.UnknownHousehold` for a bad or unknown key, ValueError when `out` is a
    folder; OSError or the database's error when the file or its audit row cannot be
    written (then no file is left at `out`, and an earlier file there is unchanged).
    """
    from openpyxl import Workbook

    if out.is_dir():
        raise ValueError(_("{path} is a folder, not a file").format(path=out))
    day = now.date()
    with store.session() as session:
        household_id = household_id_for_key(session, key)
        building = check_household(session, access, household_id, key)
        full_phones = access.sees_phones(building)
        view = load_household_view(session, household_id, day=day, policy=policy)
        due_by = day + dt.timedelta(days=3660)
        record = load_records(session, due_by=due_by, ids=[household_id])[household_id]
        evidence = evidence_of(record)
        names = _staff_names(session)
        contacts = _rows(
            session,
            Contact,
            Contact.household_id == household_id,
            order=[Contact.at, Contact.id],
        )
        promises = _rows(
            session,
            Promise,
            Promise.household_id == household_id,
            order=[Promise.made_at, Promise.id],
        )
        payments = _rows(
            session,
            Payment,
            Payment.household_id == household_id,
            order=[Payment.paid_at, Payment.id],
        )
        payment_ids = [p.id for p in payments]
        allocations = list(
            session.execute(
                select(PaymentAllocation, ChargeLine)
                .join(ChargeLine, ChargeLine.id == PaymentAllocation.charge_line_id)  # type: ignore[arg-type]
                .where(PaymentAllocation.payment_id.in_(payment_ids))  # type: ignore[attr-defined]
                .order_by(PaymentAllocation.payment_id, PaymentAllocation.id)  # type: ignore[arg-type]
            ).all()
        )
        complaints = _rows(
            session,
            Complaint,
            Complaint.household_id == household_id,
            order=[Complaint.opened_at, Complaint.id],
        )
        updates = _rows(
            session,
            ComplaintUpdate,
            ComplaintUpdate.complaint_id.in_([c.id for c in complaints]),  # type: ignore[attr-defined]
            order=[ComplaintUpdate.at, ComplaintUpdate.id],
        )
        audit = read_audit(session, household_id=household_id)

    def phone(number: str | None) -> str | None:
        if number is None:
            return None
        return number if full_phones else mask_phone(number)

    def who(staff_id: int | None) -> str | None:
        return None if staff_id is None else names.get(staff_id, f"#{staff_id}")

    corrections = {
        (row.table_name, int(row.detail.get("corrects_id", 0))): row
        for row in audit
        if row.action in (AuditAction.CORRECT_CONTACT, AuditAction.REVERSE_PAYMENT)
    }
    corrected_by = {c.corrects_id: c.id for c in contacts if c.corrects_id is not None}
    reversed_by = {p.corrects_id: p.id for p in payments if p.corrects_id is not None}

    book = Workbook()
    book.remove(book.active)

    # -- cover -------------------------------------------------------------------------
    cover = _Sheet(book, _("Household"), [(_("item"), None), (_("value"), None)])
    cover.add(_("household"), view.key)
    cover.add(_("building / unit / room"), f"{view.building} / {view.unit or '-'} / {view.room}")
    for person in view.people:
        numbers = ", ".join(p for p in (phone(x.number) for x in person.phones) if p)
        cover.add(_("person ({role})").format(role=person.role), f"{person.name} {numbers}".strip())
    cover.add(_("exported on"), now)[1].number_format = MOMENT
    cover.add(
        _("exported by"), access.name if access.code is None else f"{access.name} ({access.code})"
    )
    cover.add(_("collectable arrears"), view.total)[1].number_format = MONEY
    cover.add(_("time-barred (shown, never collected)"), view.time_barred)[1].number_format = MONEY
    cover.add(
        _("phone numbers"),
        _("in full") if full_phones else _("masked (name a staff member of the household's team)"),
    )

    charges = _Sheet(
        book,
        _("Charges"),
        [
            (_("fee"), None),
            (_("period"), None),
            (_("due date"), DAY),
            (_("amount due"), MONEY),
            (_("paid"), MONEY),
            (_("of which pending in callqueue"), MONEY),
            (_("outstanding"), MONEY),
            (_("limitation deadline"), DAY),
            (_("state"), None),
            (_("deadline last restarted by"), None),
        ],
    )
    years = policy.limitation.years
    for charge in view.charges:
        charges.add(
            fee_label(charge.fee_type),
            charge.period,
            charge.due_date,
            charge.amount_due,
            charge.paid,
            charge.pending,
            charge.outstanding,
            charge.deadline,
            None if charge.limitation is None else str(charge.limitation),
            _evidence_words(restarted_by(charge.due_date, evidence, years=years))
            if charge.outstanding > 0
            else None,
        )

    # -- written demands ---------------------------------------------------------------
    demands = _Sheet(
        book,
        _("Written demands"),
        [
            (_("contact #"), None),
            (_("sent"), MOMENT),
            (_("kind"), None),
            (_("outcome"), None),
            (_("delivery proof"), None),
            (_("payment deadline"), DAY),
            (_("note"), None),
            (_("staff"), None),
            (_("corrects #"), None),
            (_("corrected by #"), None),
            (_("entered (typed in)"), MOMENT),
        ],
    )
    for contact in contacts:
        if contact.channel != "letter" and not contact.letter_kind:
            continue
        demands.add(
            contact.id,
            contact.at,
            letter_kind_label(contact.letter_kind) if contact.letter_kind else None,
            outcome_label(contact.outcome),
            contact.proof,
            contact.deadline,
            contact.note,
            who(contact.staff_id),
            contact.corrects_id,
            corrected_by.get(contact.id),
            contact.entered_at,
        )

    # -- contacts ----------------------------------------------------------------------
    sheet = _Sheet(
        book,
        _("Contacts"),
        [
            (_("contact #"), None),
            (_("when"), MOMENT),
            (_("channel"), None),
            (_("outcome"), None),
            (_("reached the owner"), None),
            (_("number"), None),
            (_("note"), None),
            (_("proof"), None),
            (_("callback"), MOMENT),
            (_("staff"), None),
            (_("corrects #"), None),
            (_("corrected by #"), None),
            (_("corrected on"), MOMENT),
            (_("corrected by"), None),
            (_("reason for the correction"), None),
            (_("entered (typed in)"), MOMENT),
        ],
    )
    for contact in contacts:
        fix = corrections.get(("contacts", contact.id))
        later = corrected_by.get(contact.id)
        sheet.add(
            contact.id,
            contact.at,
            channel_label(contact.channel),
            outcome_label(contact.outcome),
            _("yes") if contact.reached else _("no"),
            phone(contact.phone_number),
            contact.note,
            contact.proof,
            contact.callback_at,
            who(contact.staff_id),
            contact.corrects_id,
            later,
            None if fix is None else fix.at,
            None if fix is None else fix.staff_name,
            None if fix is None else fix.detail.get("reason"),
            contact.entered_at,
        )

    # -- promises ----------------------------------------------------------------------
    sheet = _Sheet(
        book,
        _("Promises"),
        [
            (_("promise #"), None),
            (_("made"), MOMENT),
            (_("promised date"), DAY),
            (_("amount"), MONEY),
            (_("method"), None),
            (_("instalment"), None),
            (_("reason"), None),
            (_("what became of it"), None),
            (_("settled"), MOMENT),
            (_("staff"), None),
            (_("entered (typed in)"), MOMENT),
        ],
    )
    grace = dt.timedelta(days=policy.promises.grace_days)
    for promise in promises:
        status = promise.status
        if status == "open" and day > promise.promised_date + grace:
            status = "broken"
        sheet.add(
            promise.id,
            promise.made_at,
            promise.promised_date,
            promise.amount,
            promise.method,
            _("yes") if promise.instalment else _("no"),
            promise.reason,
            promise_status_label(status),
            promise.settled_at,
            who(promise.staff_id),
            promise.entered_at,
        )

    # -- payments ----------------------------------------------------------------------
    sheet = _Sheet(
        book,
        _("Payments"),
        [
            (_("payment #"), None),
            (_("paid"), MOMENT),
            (_("amount"), MONEY),
            (_("channel"), None),
            (_("receipt"), None),
            (_("note or reason"), None),
            (_("staff"), None),
            (_("reverses #"), None),
            (_("reversed by #"), None),
            (_("allocated to period"), None),
            (_("fee"), None),
            (_("allocated"), MONEY),
            (_("reconciled by billing"), MONEY),
            (_("entered (typed in)"), MOMENT),
        ],
    )
    by_payment: dict[int, list[tuple[Any, Any]]] = {}
    for allocation, line in allocations:
        by_payment.setdefault(allocation.payment_id, []).append((allocation, line))
    for payment in payments:
        head = (
            payment.id,
            payment.paid_at,
            payment.amount,
            payment_channel_label(payment.channel),
            payment.receipt_no,
            payment.note,
            who(payment.staff_id),
            payment.corrects_id,
            reversed_by.get(payment.id),
        )
        parts = by_payment.get(payment.id or 0, [])
        if not parts:
            sheet.add(*head, None, None, None, None, payment.entered_at)
        for allocation, line in parts:
            sheet.add(
                *head,
                line.period,
                fee_label(line.fee_type),
                allocation.amount,
                allocation.reconciled,
                payment.entered_at,
            )

    # -- complaints --------------------------------------------------------------------
    sheet = _Sheet(
        book,
        _("Complaints"),
        [
            (_("complaint #"), None),
            (_("when"), MOMENT),
            (_("category or progress"), None),
            (_("status"), None),
            (_("description, progress or resolution"), None),
            (_("report back by"), DAY),
            (_("withholds payment"), None),
            (_("staff"), None),
            (_("entered (typed in)"), MOMENT),
        ],
    )
    for complaint in complaints:
        sheet.add(
            complaint.id,
            complaint.opened_at,
            complaint_category_label(complaint.category),
            complaint_status_label(complaint.status),
            complaint.description
            + (f"\n{_('resolution: {text}').format(text=complaint.resolution)}"
               if complaint.resolution else ""),
            complaint.report_back_on,
            _("yes") if complaint.pauses_collection else _("no"),
            who(complaint.staff_id),
            complaint.entered_at,
        )  # fmt: skip
        for update in updates:
            if update.complaint_id == complaint.id:
                sheet.add(
                    complaint.id,
                    update.at,
                    _("progress"),
                    complaint_status_label(update.status),
                    update.note,
                    None,
                    None,
                    who(update.staff_id),
                    update.entered_at,
                )

    # -- audit -------------------------------------------------------------------------
    sheet = _Sheet(
        book,
        _("Audit log"),
        [
            (_("audit #"), None),
            (_("when"), MOMENT),
            (_("staff"), None),
            (_("action"), None),
            (_("table"), None),
            (_("row #"), None),
            (_("values (JSON)"), None),
            (_("entered (typed in)"), MOMENT),
        ],
    )
    for row in audit:
        staff = None if row.staff_code is None else f"{row.staff_name} ({row.staff_code})"
        detail = row.detail_json if full_phones else audit_json(mask_phones_in(row.detail))
        sheet.add(
            row.id, row.at, staff, row.action, row.table_name, row.row_id, detail, row.entered_at
        )

    # Whole or absent: the audit row (with the hash of the bytes on disk) is committed
    # before the file takes its name; a failure anywhere removes the .part file.
    with staged_file(out, workbook_bytes(book)) as part:
        digest = sha256_of(part)
        with store.write_session() as session, session.begin():
            audit_id = add_audit(
                session,
                at=now,
                staff_id=access.staff_id,
                action=AuditAction.EVIDENCE_EXPORT,
                table_name="households",
                row_id=household_id,
                household_id=household_id,
                detail={
                    "file_name": out.name,
                    "sha256": digest,
                    "full_phone_numbers": full_phones,
                    "sheets": list(book.sheetnames),
                },
            )
    return EvidenceFile(out, digest, view.key, tuple(book.sheetnames), audit_id)
