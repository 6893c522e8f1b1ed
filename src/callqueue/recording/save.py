"""Saving entries: each save is one transaction that writes everything or nothing.

Every `record_*` function validates the whole entry (the checks in `entries` plus what only
the database can tell), raises `EntryInvalid` with every problem when anything is wrong,
and otherwise writes its rows and returns a `Recorded`: the ids written, the household, and
one line on what was recorded (`what`; `summary` is the same after the household key), so
the caller (the queue, the CLI) can refresh that household.

Problems and summaries are in the current language (`callqueue.i18n`); nothing written to
the database is translated (notes and descriptions are kept as typed).

Reads and writes happen inside the one transaction, a writer's (`Store.write_session`): on
SQLite it takes the write lock at BEGIN (`BEGIN IMMEDIATE`), so a save never fails with
"database is locked" when another process committed between its reads and its writes; on
PostgreSQL the charge lines a payment settles are locked (`SELECT … FOR UPDATE`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import ColumnElement, and_
from sqlalchemy.orm import Session
from sqlmodel import col, select

from callqueue import entry_time
from callqueue.access import access_for, building_of
from callqueue.audit import AuditAction, add_audit, row_values
from callqueue.entry_time import (
    COLLECTOR_LATE_DAYS,
    ENTERED_KEY,
    LATE_REASON_KEY,
    lateness_problem,
)
from callqueue.household_key import parse_key
from callqueue.i18n import (
    _,
    channel_label,
    code_words,
    complaint_category_label,
    complaint_status_label,
    join_clauses,
    join_list,
    letter_kind_label,
    outcome_label,
    payment_channel_label,
    pgettext,
)
from callqueue.ledger.allocation import AllocationError, OpenCharge, allocate_oldest_first
from callqueue.money import CENT, ZERO, format_yuan
from callqueue.policy import Policy
from callqueue.privacy import mask_phone
from callqueue.progress.scope import NotAllowed
from callqueue.recording.entries import (
    ComplaintEntry,
    ComplaintProgressEntry,
    LetterEntry,
    OutcomeEntry,
    PaymentEntry,
    Problem,
    PromiseEntry,
    default_demand_deadline,
    normalise_phone,
    raise_if_any,
    validate_complaint,
    validate_letter,
    validate_outcome,
    validate_payment,
    validate_progress,
    validate_promise,
)
from callqueue.store.models import (
    REACHED_OUTCOMES,
    ChargeLine,
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    ComplaintUpdate,
    Contact,
    ContactChannel,
    ContactOutcome,
    Household,
    LetterKind,
    Payment,
    PaymentAllocation,
    Person,
    Phone,
    Promise,
    PromiseStatus,
    Staff,
)

if TYPE_CHECKING:
    from callqueue.store.database import Store

__all__ = [
    "AllocatedCharge",
    "Recorded",
    "household_outstanding",
    "preview_allocation",
    "record_complaint",
    "record_complaint_progress",
    "record_letter",
    "record_outcome",
    "record_payment",
    "record_promise",
]


class AllocatedCharge(NamedTuple):
    """The part of a payment that goes to one charge line, and what that line still owes."""

    period: str
    fee_type: str
    amount: Decimal
    left: Decimal  # outstanding on the line after this payment (0.00: settled)


@dataclass(frozen=True)
class Recorded:
    """What a save wrote. Ids are None for rows the save did not write."""

    household_id: int
    household_key: str
    what: str  # what was recorded, one line in the current language (shown, never stored)
    contact_id: int | None = None
    promise_id: int | None = None
    complaint_id: int | None = None
    complaint_update_id: int | None = None
    payment_id: int | None = None
    allocations: tuple[AllocatedCharge, ...] = ()
    superseded_promise_ids: tuple[int, ...] = ()  # earlier open promises cancelled / broken
    kept_promise_ids: tuple[int, ...] = ()
    corrects_id: int | None = None  # a correction: the contact or payment it corrects
    reopened_promise_ids: tuple[int, ...] = ()  # a reversal: promises no longer kept

    @property
    def summary(self) -> str:
        """The household and what was recorded: "6-2-1203: call, no answer"."""
        return pgettext("summary", "{key}: {what}").format(key=self.household_key, what=self.what)


# --- lookups ------------------------------------------------------------------------------


def _find_household(session: Session, key_text: str, problems: list[Problem]) -> Household | None:
    """The household, or None (a problem is added unless the key itself is malformed,
    which the entry's validator reports)."""
    try:
        key = str(parse_key(key_text))
    except ValueError:
        return None
    household = session.execute(
        select(Household).where(col(Household.key) == key)
    ).scalar_one_or_none()
    if household is None:
        problems.append(Problem("household_key", _("no household {key}").format(key=key)))
    return household


def _find_staff(
    session: Session, code: str | None, problems: list[Problem], field: str = "staff_code"
) -> Staff | None:
    """The active staff member with `code`, or None with a problem (blank codes are the
    validator's to report)."""
    if code is None or not code.strip():
        return None
    staff = session.execute(
        select(Staff).where(col(Staff.code) == code.strip())
    ).scalar_one_or_none()
    if staff is None:
        problems.append(
            Problem(field, _("no staff member has the code {code}").format(code=repr(code.strip())))
        )
        return None
    if not staff.active:
        problems.append(
            Problem(
                field,
                _("{code} ({name}) is no longer active").format(code=staff.code, name=staff.name),
            )
        )
        return None
    return staff


def _check_access(
    session: Session, staff: Staff | None, household: Household | None, problems: list[Problem]
) -> None:
    """A problem on household_key when `staff` may not see the household's building
    (collectors and team leaders: their team's buildings; managers: all)."""
    if staff is None or household is None or household.id is None:
        return
    try:
        access = access_for(session, staff.code)
    except NotAllowed as refused:  # pragma: no cover - _find_staff checked the code
        problems.append(Problem("staff_code", str(refused)))
        return
    building = building_of(session, household.id) or ""
    if not access.may_see(building):
        problems.append(Problem("household_key", access.refusal(building, household.key)))


def _check_when(
    session: Session,
    at: dt.datetime,
    staff: Staff | None,
    now: dt.datetime,
    problems: list[Problem],
    late_reason: str | None,
    field: str = "at",
) -> None:
    """The entry-time rule (`callqueue.entry_time`) for an event at `at`; and this
    transaction's entry time, which `_new_id` puts on every row and `_audit` on its row."""
    entered = entry_time.entered_at(session, now)
    session.info[ENTERED_KEY] = entered
    late = entered - at > dt.timedelta(days=COLLECTOR_LATE_DAYS)
    session.info[LATE_REASON_KEY] = (late_reason or "").strip() if late else None
    problem = lateness_problem(at, entered, None if staff is None else staff.role, late_reason)
    if problem and not any(p.field == field for p in problems):
        problems.append(Problem(field, problem))


def _audit(
    session: Session,
    action: AuditAction,
    table_name: str,
    row_id: int | None,
    *,
    now: dt.datetime,
    staff: Staff | None,
    household_id: int | None,
    detail: dict[str, object],
) -> None:
    late_reason = session.info.get(LATE_REASON_KEY)
    if late_reason:
        detail = {**detail, "late_reason": late_reason}
    add_audit(
        session,
        at=now,
        entered_at=session.info.get(ENTERED_KEY),
        staff_id=None if staff is None else staff.id,
        action=action,
        table_name=table_name,
        row_id=row_id,
        household_id=household_id,
        detail=detail,
    )


def effective_payments() -> ColumnElement[bool]:
    """Payments that count: neither a reversal nor reversed (see `recording.corrections`)."""
    reversed_ids = select(col(Payment.corrects_id)).where(col(Payment.corrects_id).is_not(None))
    return and_(col(Payment.corrects_id).is_(None), col(Payment.id).not_in(reversed_ids))


def _outstanding(line: ChargeLine) -> Decimal:
    return line.amount_due - line.paid_billing - line.paid_pending


def _open_lines(session: Session, household_id: int, *, lock: bool = False) -> list[ChargeLine]:
    """The household's charge lines that still owe something (due or not yet due)."""
    query = (
        select(ChargeLine)
        .where(col(ChargeLine.household_id) == household_id)
        .order_by(
            col(ChargeLine.due_date),
            col(ChargeLine.period),
            col(ChargeLine.fee_type),
            col(ChargeLine.id),
        )
    )
    if lock:
        query = query.with_for_update()
    lines = session.execute(query).scalars().all()
    return [line for line in lines if _outstanding(line) > ZERO]


def household_outstanding(session: Session, household_id: int) -> Decimal:
    """Everything the household owes, due or not yet due: the most it can pay or promise."""
    return sum((_outstanding(line) for line in _open_lines(session, household_id)), ZERO)


def _ids(household: Household | None) -> int:
    assert household is not None and household.id is not None
    return household.id


def _staff_id(staff: Staff | None) -> int:
    assert staff is not None and staff.id is not None
    return staff.id


def _new_id(
    session: Session, row: Contact | Promise | Complaint | ComplaintUpdate | Payment
) -> int:
    """Insert `row` with this transaction's entry time (`_check_when`); its id."""
    row.entered_at = session.info.get(ENTERED_KEY)
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def _method_label(method: str) -> str:
    """How an owner promised to pay (a payment channel, or a pick-up by staff)."""
    if method == "pickup":
        return pgettext("promise method", "collected by staff")
    return payment_channel_label(method)


# --- outcomes -----------------------------------------------------------------------------


def record_outcome(
    store: Store, entry: OutcomeEntry, *, now: dt.datetime, policy: Policy
) -> Recorded:
    """A call, visit, SMS or notice and its outcome.

    A dispute also opens a complaint that pauses collection; a wrong number flags that
    phone. Promises (`record_promise`), payments on the spot (`record_payment(visit=True)`)
    and letters (`record_letter`) have entries of their own.
    """
    del policy  # the same signature as every save; outcomes need no policy numbers yet
    with store.write_session() as session, session.begin():
        problems = validate_outcome(entry, now=now)
        household = _find_household(session, entry.household_key, problems)
        staff = _find_staff(session, entry.staff_code, problems)
        _check_access(session, staff, household, problems)
        _check_when(session, entry.at, staff, now, problems, entry.late_reason)
        phone = _phone_or_none(entry.phone_number)
        wrong: list[Phone] = []
        if entry.outcome == ContactOutcome.WRONG_NUMBER and household is not None:
            wrong, phone = _wrong_phones(session, _ids(household), phone, problems)
        raise_if_any(problems, entry)
        household_id = _ids(household)
        outcome = ContactOutcome(entry.outcome)
        contact_id = _new_id(
            session,
            Contact(
                household_id=household_id,
                staff_id=_staff_id(staff),
                at=entry.at,
                channel=entry.channel,
                outcome=outcome.value,
                reached=outcome in REACHED_OUTCOMES,
                phone_number=phone,
                note=entry.note.strip(),
                proof=_stripped(entry.proof),
                callback_at=entry.callback_at,
            ),
        )
        summary = [
            _("{channel}, {outcome}").format(
                channel=code_words(channel_label, entry.channel),
                outcome=code_words(outcome_label, outcome.value),
            )
        ]
        complaint_id = None
        if outcome is ContactOutcome.DISPUTE:
            category = entry.category or ComplaintCategory.SERVICE.value
            complaint_id = _new_id(
                session,
                Complaint(
                    household_id=household_id,
                    staff_id=_staff_id(staff),
                    opened_at=entry.at,
                    category=category,
                    within_duty=category != ComplaintCategory.OUTSIDE_DUTY,
                    pauses_collection=True,
                    description=entry.note.strip(),
                    status=ComplaintStatus.OPEN.value,
                ),
            )
            summary.append(
                _("complaint #{id} ({category}) opened, collection paused").format(
                    id=complaint_id, category=code_words(complaint_category_label, category)
                )
            )
        elif outcome is ContactOutcome.CALLBACK and entry.callback_at is not None:
            summary.append(_("call back at {at}").format(at=f"{entry.callback_at:%Y-%m-%d %H:%M}"))
        for row in wrong:
            row.wrong_number = True
        detail: dict[str, object] = {"contact": row_values(session.get(Contact, contact_id))}
        if complaint_id is not None:
            detail["complaint"] = row_values(session.get(Complaint, complaint_id))
        if wrong:
            detail["wrong_number_phone_ids"] = [p.id for p in wrong]
        _audit(
            session,
            AuditAction.RECORD_OUTCOME,
            "contacts",
            contact_id,
            now=now,
            staff=staff,
            household_id=household_id,
            detail=detail,
        )
        if wrong:
            summary.append(
                _("{phones} marked wrong number").format(
                    phones=join_list(mask_phone(p.number) for p in wrong)
                )
            )
        return Recorded(
            household_id,
            _key(household),
            join_clauses(summary),
            contact_id=contact_id,
            complaint_id=complaint_id,
        )


def _phone_or_none(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        return normalise_phone(text)
    except ValueError:
        return None  # reported by the validator


def _wrong_phones(
    session: Session, household_id: int, phone: str | None, problems: list[Problem]
) -> tuple[list[Phone], str | None]:
    """The household's phone rows with the wrong number, and the number itself."""
    phones = list(
        session.execute(
            select(Phone)
            .join(Person, col(Person.id) == col(Phone.person_id))
            .where(col(Person.household_id) == household_id)
            .order_by(col(Phone.id))
        ).scalars()
    )
    if phone is None:
        numbers = sorted({p.number for p in phones})
        if len(numbers) == 1:
            return phones, numbers[0]
        problems.append(
            Problem("phone_number", _("say which of the household's numbers is wrong"))
            if numbers
            else Problem("phone_number", _("the household has no phone number on file"))
        )
        return [], None
    matching = [p for p in phones if p.number == phone]
    if not matching:
        problems.append(
            Problem(
                "phone_number",
                _("{phone} is not one of the household's numbers").format(phone=mask_phone(phone)),
            )
        )
    return matching, phone


def _stripped(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    return text.strip()


def _key(household: Household | None) -> str:
    assert household is not None
    return household.key


# --- promises -----------------------------------------------------------------------------


def record_promise(
    store: Store, entry: PromiseEntry, *, now: dt.datetime, policy: Policy
) -> Recorded:
    """A reached contact with a promised payment date; earlier open promises are superseded.

    An earlier open promise is cancelled, or marked broken when its date (plus the grace
    days) had already passed unpaid.
    """
    with store.write_session() as session, session.begin():
        problems: list[Problem] = []
        household = _find_household(session, entry.household_key, problems)
        staff = _find_staff(session, entry.staff_code, problems)
        _check_access(session, staff, household, problems)
        _check_when(session, entry.at, staff, now, problems, entry.late_reason)
        outstanding = None if household is None else household_outstanding(session, _ids(household))
        problems += validate_promise(entry, now=now, policy=policy, outstanding=outstanding)
        raise_if_any(problems, entry)
        household_id = _ids(household)
        contact_id = _new_id(
            session,
            Contact(
                household_id=household_id,
                staff_id=_staff_id(staff),
                at=entry.at,
                channel=entry.channel,
                outcome=ContactOutcome.PROMISE.value,
                reached=True,
                phone_number=_phone_or_none(entry.phone_number),
                note=entry.note.strip(),
            ),
        )
        earlier = session.execute(
            select(Promise)
            .where(
                col(Promise.household_id) == household_id,
                col(Promise.status) == PromiseStatus.OPEN.value,
            )
            .order_by(col(Promise.made_at), col(Promise.id))
        ).scalars()
        grace = dt.timedelta(days=policy.promises.grace_days)
        notes: list[str] = []
        superseded: list[int] = []
        for old in earlier:
            assert old.id is not None
            lapsed = old.promised_date + grace < entry.at.date()
            old.status = (PromiseStatus.BROKEN if lapsed else PromiseStatus.CANCELLED).value
            old.settled_at = entry.at
            superseded.append(old.id)
            note = (
                _("the promise for {date} is broken (not paid by its date)")
                if lapsed
                else _("the promise for {date} is cancelled (superseded)")
            )
            notes.append(note.format(date=old.promised_date))
        promise_id = _new_id(
            session,
            Promise(
                household_id=household_id,
                contact_id=contact_id,
                staff_id=_staff_id(staff),
                made_at=entry.at,
                promised_date=entry.promised_date,
                amount=None if entry.amount is None else entry.amount.quantize(CENT),
                method=entry.method,
                instalment=entry.instalment,
                reason=_stripped(entry.reason),
                status=PromiseStatus.OPEN.value,
            ),
        )
        _audit(
            session,
            AuditAction.RECORD_PROMISE,
            "promises",
            promise_id,
            now=now,
            staff=staff,
            household_id=household_id,
            detail={
                "contact": row_values(session.get(Contact, contact_id)),
                "promise": row_values(session.get(Promise, promise_id)),
                "superseded_promise_ids": superseded,
            },
        )
        if entry.amount is not None:
            head = _("promise to pay {amount} by {date}").format(
                amount=format_yuan(entry.amount), date=entry.promised_date
            )
        else:
            head = _("promise to pay the arrears by {date}").format(date=entry.promised_date)
        if entry.method:
            head = _("{head} ({method})").format(
                head=head, method=code_words(_method_label, entry.method)
            )
        if entry.instalment:
            head = _("{head}, an instalment").format(head=head)
        return Recorded(
            household_id,
            _key(household),
            join_clauses([head, *notes]),
            contact_id=contact_id,
            promise_id=promise_id,
            superseded_promise_ids=tuple(superseded),
        )


# --- complaints ---------------------------------------------------------------------------


def record_complaint(
    store: Store, entry: ComplaintEntry, *, now: dt.datetime, policy: Policy
) -> Recorded:
    """A new complaint or request (status open)."""
    del policy
    with store.write_session() as session, session.begin():
        problems = validate_complaint(entry, now=now)
        household = _find_household(session, entry.household_key, problems)
        staff = _find_staff(session, entry.staff_code, problems)
        _check_access(session, staff, household, problems)
        _check_when(session, entry.at, staff, now, problems, entry.late_reason)
        handler = _find_staff(session, entry.handler_code, problems, "handler_code")
        raise_if_any(problems, entry)
        household_id = _ids(household)
        complaint_id = _new_id(
            session,
            Complaint(
                household_id=household_id,
                staff_id=_staff_id(staff),
                opened_at=entry.at,
                category=entry.category,
                within_duty=entry.within_duty,
                pauses_collection=entry.pauses_collection,
                description=entry.description.strip(),
                handler_id=None if handler is None else handler.id,
                report_back_on=entry.report_back_on,
                status=ComplaintStatus.OPEN.value,
            ),
        )
        _audit(
            session,
            AuditAction.RECORD_COMPLAINT,
            "complaints",
            complaint_id,
            now=now,
            staff=staff,
            household_id=household_id,
            detail={"complaint": row_values(session.get(Complaint, complaint_id))},
        )
        opened = (
            _("complaint #{id} ({category}) opened")
            if entry.within_duty
            else _("complaint #{id} ({category}) opened, outside the company's duty")
        )
        summary = [
            opened.format(
                id=complaint_id,
                category=code_words(complaint_category_label, entry.category),
            )
        ]
        if handler is not None:
            summary.append(_("handler {code}").format(code=handler.code))
        if entry.report_back_on is not None:
            summary.append(_("report back by {date}").format(date=entry.report_back_on))
        if entry.pauses_collection:
            summary.append(_("collection paused"))
        return Recorded(
            household_id, _key(household), join_clauses(summary), complaint_id=complaint_id
        )


def record_complaint_progress(
    store: Store, entry: ComplaintProgressEntry, *, now: dt.datetime, policy: Policy
) -> Recorded:
    """Progress on a complaint: an update row and the complaint's new status.

    Resolving records the resolution; closing (the owner has been told) sets `closed_at`,
    and the resolution too if none was recorded before.
    """
    del policy
    with store.write_session() as session, session.begin():
        problems = validate_progress(entry, now=now)
        staff = _find_staff(session, entry.staff_code, problems)
        complaint = None
        if entry.complaint_id > 0:
            complaint = session.execute(
                select(Complaint).where(col(Complaint.id) == entry.complaint_id).with_for_update()
            ).scalar_one_or_none()
            if complaint is None:
                problems.append(
                    Problem("complaint_id", _("no complaint #{id}").format(id=entry.complaint_id))
                )
        _check_when(session, entry.at, staff, now, problems, entry.late_reason)
        if complaint is not None:
            _check_access(session, staff, session.get(Household, complaint.household_id), problems)
            if complaint.status == ComplaintStatus.CLOSED:
                problems.append(
                    Problem(
                        "status", _("complaint #{id} is already closed").format(id=complaint.id)
                    )
                )
            if entry.at < complaint.opened_at:
                problems.append(
                    Problem(
                        "at",
                        _("is before the complaint was opened ({opened})").format(
                            opened=f"{complaint.opened_at:%Y-%m-%d %H:%M}"
                        ),
                    )
                )
            if entry.household_key is not None:
                household = _find_household(session, entry.household_key, problems)
                if household is not None and household.id != complaint.household_id:
                    problems.append(
                        Problem(
                            "complaint_id",
                            _("complaint #{id} is not about household {key}").format(
                                id=complaint.id, key=household.key
                            ),
                        )
                    )
        raise_if_any(problems, entry)
        assert complaint is not None and complaint.id is not None
        update_id = _new_id(
            session,
            ComplaintUpdate(
                complaint_id=complaint.id,
                staff_id=_staff_id(staff),
                at=entry.at,
                status=entry.status,
                note=entry.note.strip(),
            ),
        )
        before = complaint.status
        complaint.status = entry.status
        if entry.status == ComplaintStatus.RESOLVED:
            complaint.resolution = entry.note.strip()
        elif entry.status == ComplaintStatus.CLOSED:
            complaint.closed_at = entry.at
            if not complaint.resolution:
                complaint.resolution = entry.note.strip()
        owner = session.get(Household, complaint.household_id)
        session.flush()
        _audit(
            session,
            AuditAction.RECORD_PROGRESS,
            "complaint_updates",
            update_id,
            now=now,
            staff=staff,
            household_id=complaint.household_id,
            detail={
                "update": row_values(session.get(ComplaintUpdate, update_id)),
                "complaint_id": complaint.id,
                "status_before": before,
                "status_after": entry.status,
                "resolution": complaint.resolution,
            },
        )
        summary = [
            _("complaint #{id} {before} → {after}").format(
                id=complaint.id,
                before=code_words(complaint_status_label, before),
                after=code_words(complaint_status_label, entry.status),
            )
        ]
        if entry.status == ComplaintStatus.CLOSED and complaint.pauses_collection:
            summary.append(_("collection resumes"))
        return Recorded(
            complaint.household_id,
            _key(owner),
            join_clauses(summary),
            complaint_id=complaint.id,
            complaint_update_id=update_id,
        )


# --- payments -----------------------------------------------------------------------------


def _allocate(
    lines: Sequence[ChargeLine], entry: PaymentEntry, problems: list[Problem]
) -> list[tuple[ChargeLine, Decimal]]:
    """Spread the payment over `lines` (open, oldest first); problems when it cannot be."""
    charges = [
        OpenCharge(line.id or 0, line.fee_type, line.period, line.due_date, _outstanding(line))
        for line in lines
    ]
    chosen = charges
    if entry.periods is not None:
        wanted = set(entry.periods)
        chosen = [c for c in charges if c.period in wanted]
        missing = sorted(wanted - {c.period for c in chosen})
        if missing:
            problems.append(
                Problem("periods", _("no arrears for {periods}").format(periods=join_list(missing)))
            )
            return []
    total = sum((c.outstanding for c in chosen), ZERO)
    if entry.amount > total:
        if entry.periods is None:
            template = _(
                "{amount} is more than the {outstanding} outstanding; "
                "callqueue records no credit balances"
            )
        else:
            template = _(
                "{amount} is more than the {outstanding} outstanding for {periods}; "
                "callqueue records no credit balances"
            )
        problems.append(
            Problem(
                "amount",
                template.format(
                    amount=format_yuan(entry.amount),
                    outstanding=format_yuan(total),
                    periods=join_list(entry.periods or ()),
                ),
            )
        )
        return []
    try:
        allocations = allocate_oldest_first(charges, entry.amount, periods=entry.periods)
    except AllocationError as error:  # pragma: no cover - checked above
        problems.append(Problem("amount", str(error)))
        return []
    by_id = {line.id: line for line in lines}
    return [(by_id[a.charge_id], a.amount) for a in allocations]


def _plan_payment(
    session: Session, entry: PaymentEntry, now: dt.datetime, *, lock: bool
) -> tuple[list[Problem], Household | None, Staff | None, list[tuple[ChargeLine, Decimal]]]:
    problems = validate_payment(entry, now=now)
    household = _find_household(session, entry.household_key, problems)
    staff = _find_staff(session, entry.staff_code, problems)
    _check_access(session, staff, household, problems)
    _check_when(session, entry.at, staff, now, problems, entry.late_reason)
    parts: list[tuple[ChargeLine, Decimal]] = []
    if household is not None and not any(p.field in ("amount", "periods") for p in problems):
        lines = _open_lines(session, _ids(household), lock=lock)
        parts = _allocate(lines, entry, problems)
    return problems, household, staff, parts


def _allocated(parts: Sequence[tuple[ChargeLine, Decimal]]) -> tuple[AllocatedCharge, ...]:
    """What each part settles; call after (or without) adding the parts to paid_pending."""
    return tuple(
        AllocatedCharge(line.period, line.fee_type, part, _outstanding(line))
        for line, part in parts
    )


def preview_allocation(session: Session, entry: PaymentEntry) -> list[AllocatedCharge]:
    """Which charges the payment would settle, oldest first, without writing anything.

    `left` is what each line would still owe afterwards. Raises `EntryInvalid` when the
    payment cannot be allocated (unknown household, bad amount, more than is owed…).
    """
    problems, _household, _staff, parts = _plan_payment(session, entry, entry.at, lock=False)
    problems = [p for p in problems if p.field != "staff_code"]  # a preview needs no staff
    raise_if_any(problems, entry)
    return [
        AllocatedCharge(line.period, line.fee_type, part, _outstanding(line) - part)
        for line, part in parts
    ]


def record_payment(
    store: Store,
    entry: PaymentEntry,
    *,
    now: dt.datetime,
    policy: Policy,
    visit: bool = False,
) -> Recorded:
    """Money received: the payment, its allocations (oldest first, or the named periods) and
    each line's `paid_pending`; open promises it fulfils become kept.

    A promise is kept when its date (plus the grace days) has not passed and the payments
    since it was made reach its amount (any payment, for a promise without an amount). With
    `visit`, the visit on which the owner paid is recorded too (outcome paid_on_spot).
    """
    with store.write_session() as session, session.begin():
        problems, household, staff, parts = _plan_payment(session, entry, now, lock=True)
        raise_if_any(problems, entry)
        household_id = _ids(household)
        staff_id = _staff_id(staff)
        payment_id = _new_id(
            session,
            Payment(
                household_id=household_id,
                staff_id=staff_id,
                paid_at=entry.at,
                amount=entry.amount.quantize(CENT),
                channel=entry.channel,
                receipt_no=_stripped(entry.receipt_no),
                note=_stripped(entry.note),
            ),
        )
        for line, part in parts:
            assert line.id is not None
            session.add(
                PaymentAllocation(payment_id=payment_id, charge_line_id=line.id, amount=part)
            )
            line.paid_pending += part
        allocations = _allocated(parts)
        kept = _keep_promises(session, household_id, entry.at, policy)
        contact_id = None
        if visit:
            contact_id = _new_id(
                session,
                Contact(
                    household_id=household_id,
                    staff_id=staff_id,
                    at=entry.at,
                    channel=ContactChannel.VISIT.value,
                    outcome=ContactOutcome.PAID_ON_SPOT.value,
                    reached=True,
                    note=(entry.note or "").strip(),
                ),
            )
        session.flush()
        _audit(
            session,
            AuditAction.RECORD_PAYMENT,
            "payments",
            payment_id,
            now=now,
            staff=staff,
            household_id=household_id,
            detail={
                "payment": row_values(session.get(Payment, payment_id)),
                "allocations": [
                    {
                        "charge_line_id": line.id,
                        "period": line.period,
                        "fee_type": line.fee_type,
                        "amount": part,
                    }
                    for line, part in parts
                ],
                "kept_promise_ids": [i for i, _day in kept],
                "visit_contact_id": contact_id,
            },
        )
        left = household_outstanding(session, household_id)
        receipt_no = _stripped(entry.receipt_no)
        paid = (
            _("payment {amount} ({channel}, receipt {receipt}) over {count} charge(s)")
            if receipt_no
            else _("payment {amount} ({channel}) over {count} charge(s)")
        )
        summary = [
            paid.format(
                amount=format_yuan(entry.amount),
                channel=code_words(payment_channel_label, entry.channel),
                receipt=receipt_no,
                count=len(parts),
            ),
            _("{amount} still outstanding").format(amount=format_yuan(left)),
        ]
        if visit:
            summary.append(_("paid on the spot during a visit"))
        summary += [_("promise for {date} kept").format(date=day) for _id, day in kept]
        return Recorded(
            household_id,
            _key(household),
            join_clauses(summary),
            contact_id=contact_id,
            payment_id=payment_id,
            allocations=allocations,
            kept_promise_ids=tuple(i for i, _ in kept),
        )


def _keep_promises(
    session: Session, household_id: int, paid_at: dt.datetime, policy: Policy
) -> list[tuple[int, dt.date]]:
    """Mark the open promises the household's payments now fulfil as kept."""
    session.flush()
    grace = dt.timedelta(days=policy.promises.grace_days)
    promises = session.execute(
        select(Promise)
        .where(
            col(Promise.household_id) == household_id,
            col(Promise.status) == PromiseStatus.OPEN.value,
            col(Promise.made_at) <= paid_at,
        )
        .order_by(col(Promise.made_at), col(Promise.id))
    ).scalars()
    kept: list[tuple[int, dt.date]] = []
    for promise in promises:
        assert promise.id is not None
        if promise.promised_date + grace < paid_at.date():
            continue  # already broken: a late payment does not keep it
        if promise.amount is not None:
            paid = session.execute(
                select(col(Payment.amount)).where(
                    col(Payment.household_id) == household_id,
                    col(Payment.paid_at) >= promise.made_at,
                    col(Payment.paid_at) <= paid_at,
                    effective_payments(),
                )
            ).scalars()
            if sum(paid, ZERO) < promise.amount:
                continue
        promise.status = PromiseStatus.KEPT.value
        promise.settled_at = paid_at
        kept.append((promise.id, promise.promised_date))
    return kept


# --- letters ------------------------------------------------------------------------------


def record_letter(
    store: Store, entry: LetterEntry, *, now: dt.datetime, policy: Policy
) -> Recorded:
    """A written reminder, demand, collection letter or lawyer's letter (channel letter).

    Delivered with proof, it is evidence of a demand (reached); otherwise it is only sent.
    A written demand without a deadline gets the policy's default.
    """
    with store.write_session() as session, session.begin():
        problems = validate_letter(entry, now=now, policy=policy)
        household = _find_household(session, entry.household_key, problems)
        staff = _find_staff(session, entry.staff_code, problems)
        _check_access(session, staff, household, problems)
        _check_when(session, entry.at, staff, now, problems, entry.late_reason)
        raise_if_any(problems, entry)
        deadline = entry.deadline
        if deadline is None and entry.kind == LetterKind.WRITTEN_DEMAND:
            deadline = default_demand_deadline(entry.at, policy)
        outcome = ContactOutcome.DELIVERED if entry.delivered else ContactOutcome.SENT
        household_id = _ids(household)
        contact_id = _new_id(
            session,
            Contact(
                household_id=household_id,
                staff_id=_staff_id(staff),
                at=entry.at,
                channel=ContactChannel.LETTER.value,
                outcome=outcome.value,
                reached=entry.delivered,
                note=entry.note.strip(),
                proof=_stripped(entry.proof),
                letter_kind=entry.kind,
                deadline=deadline,
            ),
        )
        _audit(
            session,
            AuditAction.RECORD_LETTER,
            "contacts",
            contact_id,
            now=now,
            staff=staff,
            household_id=household_id,
            detail={"contact": row_values(session.get(Contact, contact_id))},
        )
        head = _("{kind} {outcome}").format(
            kind=code_words(letter_kind_label, entry.kind),
            outcome=code_words(outcome_label, outcome.value),
        )
        if entry.delivered:
            head = _("{head} (proof: {proof})").format(head=head, proof=_stripped(entry.proof))
        summary = [head]
        if deadline is not None:
            summary.append(_("pay by {date}").format(date=deadline))
        return Recorded(household_id, _key(household), join_clauses(summary), contact_id=contact_id)
