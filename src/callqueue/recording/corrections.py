"""Corrections: contacts and payments are append-only, so a mistake is corrected by a new row.

A **contact correction** is a new contact row carrying the corrected values (outcome, note,
proof, channel, the moment of the contact…) with `corrects_id` pointing at the row it
corrects. The original is never updated or deleted. The latest row of each chain is what
the queue, the timeline's facts and the progress figures read; the timeline shows both, the
original marked as corrected with who corrected it, when and why (the reason is required
and kept in the audit log with the values before and after). The correction keeps the
original's staff member (who made the contact); the audit row names who corrected it.

A **payment reversal** is a new payment row with the negative amount, allocations mirroring
the original's with negative amounts, and `corrects_id` pointing at the original; each
charge line's `paid_pending` goes back down. Promises the payment had kept are looked at
again: kept by the payments that remain, or open once more. Money billing has already
reconciled is refused: it is billing's record now and is corrected there (the next export
carries it). The right payment, if any, is then recorded as usual (`record_payment`).

Both validate like every other entry (`recording.entries`): every problem at once, keyed by
field, nothing written on bad input; both check that the staff member may see the
household (`callqueue.access`). Both run in a writer's transaction (`Store.write_session`:
the write lock taken at BEGIN on SQLite; the corrected rows locked `FOR UPDATE`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session
from sqlmodel import col, select

from callqueue.audit import AuditAction
from callqueue.i18n import (
    _,
    channel_label,
    code_words,
    join_clauses,
    letter_kind_label,
    outcome_label,
    payment_channel_label,
)
from callqueue.money import ZERO, format_yuan
from callqueue.policy import Policy
from callqueue.recording.entries import (
    REASON_MAX,
    LetterEntry,
    OutcomeEntry,
    Problem,
    _check_common,
    _check_text,
    _FreeText,
    normalise_phone,
    raise_if_any,
    validate_letter,
    validate_outcome,
)
from callqueue.recording.save import (
    AllocatedCharge,
    Recorded,
    _audit,
    _check_access,
    _check_when,
    _find_household,
    _find_staff,
    _new_id,
    _outstanding,
    effective_payments,
)
from callqueue.store.models import (
    REACHED_OUTCOMES,
    ChargeLine,
    Contact,
    ContactChannel,
    ContactOutcome,
    Household,
    Payment,
    PaymentAllocation,
    Promise,
    PromiseStatus,
)

if TYPE_CHECKING:
    from callqueue.store.database import Store

__all__ = [
    "LOCKED_OUTCOMES",
    "ContactCorrection",
    "PaymentReversal",
    "contact_chain",
    "correct_contact",
    "latest_contact_id",
    "reverse_payment",
    "validate_contact_correction",
]

LOCKED_OUTCOMES = frozenset(
    {ContactOutcome.PROMISE, ContactOutcome.PAID_ON_SPOT, ContactOutcome.DISPUTE}
)
"""Outcomes tied to rows of their own (a promise, a payment, a complaint): a correction
keeps them as they are (their notes and proof can still be corrected)."""


@dataclass(frozen=True)
class ContactCorrection(_FreeText):
    """A correction of contact `contact_id`, made at `at` by `staff_code` for `reason`.

    Every value left as None stays as recorded; `""` clears an optional text (the phone
    number, the proof). `contact_at` corrects when the contact happened. With
    `household_key`, the contact must be that household's.
    """

    contact_id: int
    staff_code: str
    at: dt.datetime
    reason: str
    household_key: str | None = None
    contact_at: dt.datetime | None = None
    channel: str | None = None
    outcome: str | None = None
    note: str | None = None
    phone_number: str | None = None
    proof: str | None = None
    callback_at: dt.datetime | None = None
    letter_kind: str | None = None
    deadline: dt.date | None = None


@dataclass(frozen=True)
class PaymentReversal(_FreeText):
    """Reverse payment `payment_id` (recorded by mistake, or with a wrong amount) at `at`."""

    payment_id: int
    staff_code: str
    at: dt.datetime
    reason: str
    household_key: str | None = None


# --- contacts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Values:
    """A contact's values, as recorded or as corrected."""

    at: dt.datetime
    channel: str
    outcome: str
    note: str
    phone_number: str | None
    proof: str | None
    callback_at: dt.datetime | None
    letter_kind: str | None
    deadline: dt.date | None

    @classmethod
    def of(cls, row: Contact) -> _Values:
        return cls(
            row.at,
            row.channel,
            row.outcome,
            row.note or "",
            row.phone_number,
            row.proof,
            row.callback_at,
            row.letter_kind,
            row.deadline,
        )


def _optional(text: str | None, before: str | None) -> str | None:
    if text is None:
        return before
    return text.strip() or None


def _corrected(entry: ContactCorrection, old: _Values) -> _Values:
    outcome = entry.outcome if entry.outcome is not None else old.outcome
    callback = entry.callback_at
    if callback is None and outcome == ContactOutcome.CALLBACK:
        callback = old.callback_at
    phone = entry.phone_number if entry.phone_number is not None else old.phone_number
    if phone:
        with contextlib.suppress(ValueError):  # reported by the validator
            phone = normalise_phone(phone)
    return _Values(
        entry.contact_at or old.at,
        entry.channel if entry.channel is not None else old.channel,
        outcome,
        entry.note.strip() if entry.note is not None else old.note,
        phone or None,
        _optional(entry.proof, old.proof),
        callback,
        entry.letter_kind if entry.letter_kind is not None else old.letter_kind,
        entry.deadline if entry.deadline is not None else old.deadline,
    )


_OUTCOME_FIELDS = {"at": "contact_at"}
_LETTER_FIELDS = {"at": "contact_at", "kind": "letter_kind", "delivered": "outcome"}


def validate_contact_correction(
    entry: ContactCorrection, original: Contact, *, now: dt.datetime, policy: Policy
) -> list[Problem]:
    """Every problem with a correction of `original` (a contact row), database aside."""
    problems: list[Problem] = []
    _check_common(problems, entry.household_key, entry.staff_code, entry.at, now)
    _check_text(
        problems,
        "reason",
        entry.reason,
        REASON_MAX,
        required=_("say why the contact is corrected: the reason is kept with the correction"),
    )
    old = _Values.of(original)
    new = _corrected(entry, old)
    if new == old:
        problems.append(Problem("contact_id", _("nothing to correct: every value is as recorded")))
        return problems
    if new.at > entry.at:
        problems.append(
            Problem(
                "contact_at",
                _("{at} is after the correction ({now})").format(
                    at=f"{new.at:%Y-%m-%d %H:%M}", now=f"{entry.at:%Y-%m-%d %H:%M}"
                ),
            )
        )
    was_letter = old.channel == ContactChannel.LETTER
    if (new.channel == ContactChannel.LETTER) != was_letter:
        problems.append(
            Problem(
                "channel",
                _("a letter stays a letter, and a call, visit, SMS or notice is not a letter"),
            )
        )
        return problems
    locked = old.outcome in LOCKED_OUTCOMES or new.outcome in LOCKED_OUTCOMES
    if locked and new.outcome != old.outcome:
        problems.append(
            Problem(
                "outcome",
                _(
                    "a promise, a payment on the spot or a dispute keeps its outcome: record a "
                    "new promise, reverse the payment, or close the complaint instead"
                ),
            )
        )
        return problems
    if was_letter:
        delivered = new.outcome == ContactOutcome.DELIVERED
        if new.outcome not in (ContactOutcome.DELIVERED, ContactOutcome.SENT):
            problems.append(
                Problem(
                    "outcome",
                    _("a letter is {delivered} or {sent}").format(
                        delivered=code_words(outcome_label, ContactOutcome.DELIVERED.value),
                        sent=code_words(outcome_label, ContactOutcome.SENT.value),
                    ),
                )
            )
        letter = LetterEntry(
            original_key(entry),
            entry.staff_code,
            new.at,
            new.letter_kind or "",
            delivered,
            new.proof,
            new.deadline,
            new.note,
        )
        found = validate_letter(letter, now=now, policy=policy)
        fields = _LETTER_FIELDS
    else:
        outcome = new.outcome
        if outcome in (ContactOutcome.PROMISE, ContactOutcome.PAID_ON_SPOT):
            # checked as a plain contact: the promise or payment itself is not corrected here
            outcome = (
                ContactOutcome.NOT_HOME if new.channel == ContactChannel.VISIT else "no_answer"
            )
        contact = OutcomeEntry(
            original_key(entry),
            entry.staff_code,
            new.at,
            new.channel,
            outcome,
            new.note,
            new.phone_number,
            new.callback_at if new.outcome == ContactOutcome.CALLBACK else None,
            new.proof,
        )
        found = validate_outcome(contact, now=now)
        fields = _OUTCOME_FIELDS
    seen = {(p.field, p.message) for p in problems}
    for problem in found:
        if problem.field in ("household_key", "staff_code"):
            continue  # checked above, once
        moved = Problem(fields.get(problem.field, problem.field), problem.message)
        if (moved.field, moved.message) not in seen:
            problems.append(moved)
    return problems


def original_key(entry: ContactCorrection) -> str:
    """A placeholder key for the per-field validators (the household is checked apart)."""
    return entry.household_key or "0-0"


def latest_contact_id(session: Session, contact_id: int) -> int:
    """The last row of the correction chain that starts at (or passes) `contact_id`."""
    current = contact_id
    while True:
        later = session.execute(
            select(col(Contact.id)).where(col(Contact.corrects_id) == current)
        ).scalar()
        if later is None:
            return current
        current = int(later)


def contact_chain(session: Session, contact_id: int) -> list[int]:
    """Every row of the chain `contact_id` belongs to, the first recorded first."""
    first = contact_id
    while True:
        earlier = session.execute(
            select(col(Contact.corrects_id)).where(col(Contact.id) == first)
        ).scalar()
        if earlier is None:
            break
        first = int(earlier)
    chain = [first]
    while True:
        later = session.execute(
            select(col(Contact.id)).where(col(Contact.corrects_id) == chain[-1])
        ).scalar()
        if later is None:
            return chain
        chain.append(int(later))


def _contact_row(
    session: Session, contact_id: int, field: str, problems: list[Problem]
) -> Contact | None:
    if contact_id <= 0:
        problems.append(Problem(field, _("{id} is not a contact number").format(id=contact_id)))
        return None
    row = session.execute(
        select(Contact).where(col(Contact.id) == contact_id).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        problems.append(Problem(field, _("no contact #{id}").format(id=contact_id)))
        return None
    later = session.execute(
        select(col(Contact.id)).where(col(Contact.corrects_id) == contact_id)
    ).scalar()
    if later is not None:
        latest = latest_contact_id(session, contact_id)
        problems.append(
            Problem(
                field,
                _("contact #{id} was already corrected; correct the latest, #{latest}").format(
                    id=contact_id, latest=latest
                ),
            )
        )
        return None
    return row


def _same_household(
    session: Session,
    key: str | None,
    household_id: int,
    what: str,
    problems: list[Problem],
) -> Household | None:
    """The row's household; a problem when `key` names another one."""
    household = session.get(Household, household_id)
    if key is not None:
        named = _find_household(session, key, problems)
        if named is not None and named.id != household_id:
            problems.append(
                Problem(
                    "household_key",
                    _("{what} is not about household {key}").format(what=what, key=named.key),
                )
            )
    return household


def correct_contact(
    store: Store, entry: ContactCorrection, *, now: dt.datetime, policy: Policy
) -> Recorded:
    """Correct a contact (call, visit, SMS, notice or letter) by a new row pointing back.

    Returns a `Recorded` with the new row's `contact_id` and `corrects_id` the original's.
    Raises `EntryInvalid` with every problem; nothing is written then.
    """
    with store.write_session() as session, session.begin():
        problems: list[Problem] = []
        staff = _find_staff(session, entry.staff_code, problems)
        original = _contact_row(session, entry.contact_id, "contact_id", problems)
        household = None
        if original is not None:
            household = _same_household(
                session,
                entry.household_key,
                original.household_id,
                _("contact #{id}").format(id=entry.contact_id),
                problems,
            )
            _check_access(session, staff, household, problems)
            # A correction may move when the contact happened: that time meets the same rule.
            corrected_at, field = (
                (entry.contact_at, "contact_at") if entry.contact_at else (entry.at, "at")
            )
            _check_when(session, corrected_at, staff, now, problems, entry.reason, field)
            problems += validate_contact_correction(entry, original, now=now, policy=policy)
        else:
            problems += _check_only_entry(entry, now)
        raise_if_any(problems, entry)
        assert original is not None and original.id is not None and household is not None
        assert staff is not None
        old = _Values.of(original)
        new = _corrected(entry, old)
        row = Contact(
            household_id=original.household_id,
            staff_id=original.staff_id,
            at=new.at,
            channel=new.channel,
            outcome=new.outcome,
            reached=new.outcome in REACHED_OUTCOMES,
            phone_number=new.phone_number,
            note=new.note,
            proof=new.proof,
            callback_at=new.callback_at if new.outcome == ContactOutcome.CALLBACK else None,
            letter_kind=new.letter_kind,
            deadline=new.deadline,
            corrects_id=original.id,
        )
        contact_id = _new_id(session, row)
        changed = {
            name: (getattr(old, name), getattr(new, name))
            for name in old.__dataclass_fields__
            if getattr(old, name) != getattr(new, name)
        }
        _audit(
            session,
            AuditAction.CORRECT_CONTACT,
            "contacts",
            contact_id,
            now=now,
            staff=staff,
            household_id=household.id,
            detail={
                "reason": entry.reason.strip(),
                "corrects_id": original.id,
                "corrected_at": entry.at,
                "before": {k: v[0] for k, v in changed.items()},
                "after": {k: v[1] for k, v in changed.items()},
                "contact": {
                    c: getattr(row, c)
                    for c in (
                        "at", "channel", "outcome", "reached", "phone_number", "note", "proof",
                        "callback_at", "letter_kind", "deadline", "staff_id", "corrects_id",
                    )
                },
            },
        )  # fmt: skip
        if new.channel == ContactChannel.LETTER:
            what = code_words(letter_kind_label, new.letter_kind or "")
        else:
            what = code_words(channel_label, new.channel)
        summary = [
            _("contact #{id} corrected by #{new}: {what}, {outcome}").format(
                id=original.id,
                new=contact_id,
                what=what,
                outcome=code_words(outcome_label, new.outcome),
            ),
            _("reason: {reason}").format(reason=entry.reason.strip()),
        ]
        return Recorded(
            original.household_id,
            household.key,
            join_clauses(summary),
            contact_id=contact_id,
            corrects_id=original.id,
        )


def _check_only_entry(entry: ContactCorrection, now: dt.datetime) -> list[Problem]:
    """The entry's own problems when the contact itself could not be read."""
    problems: list[Problem] = []
    _check_common(problems, entry.household_key, entry.staff_code, entry.at, now)
    _check_text(
        problems,
        "reason",
        entry.reason,
        REASON_MAX,
        required=_("say why the contact is corrected: the reason is kept with the correction"),
    )
    return problems


# --- payments -----------------------------------------------------------------------------


def _payment_row(session: Session, payment_id: int, problems: list[Problem]) -> Payment | None:
    if payment_id <= 0:
        problems.append(
            Problem("payment_id", _("{id} is not a payment number").format(id=payment_id))
        )
        return None
    row = session.execute(
        select(Payment).where(col(Payment.id) == payment_id).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        problems.append(Problem("payment_id", _("no payment #{id}").format(id=payment_id)))
        return None
    if row.corrects_id is not None:
        problems.append(
            Problem(
                "payment_id",
                _("payment #{id} is itself the reversal of payment #{original}").format(
                    id=payment_id, original=row.corrects_id
                ),
            )
        )
        return None
    reversal = session.execute(
        select(col(Payment.id)).where(col(Payment.corrects_id) == payment_id)
    ).scalar()
    if reversal is not None:
        problems.append(
            Problem(
                "payment_id",
                _("payment #{id} was already reversed (by #{reversal})").format(
                    id=payment_id, reversal=reversal
                ),
            )
        )
        return None
    return row


def reverse_payment(
    store: Store, entry: PaymentReversal, *, now: dt.datetime, policy: Policy
) -> Recorded:
    """Reverse a payment: a negative payment row and negative allocations pointing back.

    Refused when billing has already reconciled any of it (correct it in billing). Promises
    the payment had kept are kept by the remaining payments, or open again. Returns a
    `Recorded` with the reversal's `payment_id`, `corrects_id` the original's, the negative
    `allocations` and `reopened_promise_ids`.
    """
    with store.write_session() as session, session.begin():
        problems: list[Problem] = []
        _check_common(problems, entry.household_key, entry.staff_code, entry.at, now)
        _check_text(
            problems,
            "reason",
            entry.reason,
            REASON_MAX,
            required=_("say why the payment is reversed: the reason is kept with the reversal"),
        )
        staff = _find_staff(session, entry.staff_code, problems)
        original = _payment_row(session, entry.payment_id, problems)
        household = None
        parts: list[tuple[PaymentAllocation, ChargeLine]] = []
        if original is not None:
            household = _same_household(
                session,
                entry.household_key,
                original.household_id,
                _("payment #{id}").format(id=entry.payment_id),
                problems,
            )
            _check_access(session, staff, household, problems)
            _check_when(session, entry.at, staff, now, problems, entry.reason)
            if entry.at < original.paid_at:
                problems.append(
                    Problem(
                        "at",
                        _("is before the payment was received ({paid})").format(
                            paid=f"{original.paid_at:%Y-%m-%d %H:%M}"
                        ),
                    )
                )
            parts = _allocations(session, original)
            reconciled = sum((a.reconciled for a, _line in parts), ZERO)
            if reconciled > ZERO:
                problems.append(
                    Problem(
                        "payment_id",
                        _(
                            "billing has already reconciled {amount} of payment #{id}; it is "
                            "billing's record now: correct it in billing, and the next import "
                            "brings the correction"
                        ).format(amount=format_yuan(reconciled), id=original.id),
                    )
                )
        raise_if_any(problems, entry)
        assert original is not None and original.id is not None and household is not None
        assert household.id is not None and staff is not None
        reversal_id = _new_id(
            session,
            Payment(
                household_id=original.household_id,
                staff_id=staff.id,
                paid_at=entry.at,
                amount=-original.amount,
                channel=original.channel,
                receipt_no=original.receipt_no,
                note=entry.reason.strip(),
                corrects_id=original.id,
            ),
        )
        allocations: list[AllocatedCharge] = []
        for allocation, line in parts:
            assert line.id is not None
            session.add(
                PaymentAllocation(
                    payment_id=reversal_id, charge_line_id=line.id, amount=-allocation.amount
                )
            )
            line.paid_pending -= allocation.amount
            allocations.append(
                AllocatedCharge(line.period, line.fee_type, -allocation.amount, _outstanding(line))
            )
        session.flush()
        reopened = _recheck_promises(session, original, entry.at, policy)
        _audit(
            session,
            AuditAction.REVERSE_PAYMENT,
            "payments",
            reversal_id,
            now=now,
            staff=staff,
            household_id=household.id,
            detail={
                "reason": entry.reason.strip(),
                "corrects_id": original.id,
                "reversed_at": entry.at,
                "original": {
                    "paid_at": original.paid_at,
                    "amount": original.amount,
                    "channel": original.channel,
                    "receipt_no": original.receipt_no,
                    "staff_id": original.staff_id,
                },
                "amount": -original.amount,
                "allocations": [
                    {
                        "charge_line_id": line.id,
                        "period": line.period,
                        "fee_type": line.fee_type,
                        "amount": -allocation.amount,
                    }
                    for allocation, line in parts
                ],
                "reopened_promise_ids": reopened,
            },
        )
        summary = [
            _("payment #{id} of {amount} ({channel}) reversed by #{new}").format(
                id=original.id,
                amount=format_yuan(original.amount),
                channel=code_words(payment_channel_label, original.channel),
                new=reversal_id,
            ),
            _("reason: {reason}").format(reason=entry.reason.strip()),
        ]
        if reopened:
            summary.append(_("{count} promise(s) no longer kept").format(count=len(reopened)))
        return Recorded(
            original.household_id,
            household.key,
            join_clauses(summary),
            payment_id=reversal_id,
            allocations=tuple(allocations),
            corrects_id=original.id,
            reopened_promise_ids=tuple(reopened),
        )


def _allocations(session: Session, payment: Payment) -> list[tuple[PaymentAllocation, ChargeLine]]:
    """The payment's allocations and their charge lines (locked), in line order."""
    rows = session.execute(
        select(PaymentAllocation, ChargeLine)
        .join(ChargeLine, col(ChargeLine.id) == col(PaymentAllocation.charge_line_id))
        .where(col(PaymentAllocation.payment_id) == payment.id)
        .order_by(col(ChargeLine.due_date), col(ChargeLine.fee_type), col(PaymentAllocation.id))
        .with_for_update()
    ).all()
    return [(allocation, line) for allocation, line in rows]


def _recheck_promises(
    session: Session, reversed_payment: Payment, at: dt.datetime, policy: Policy
) -> list[int]:
    """Promises the reversed payment had helped keep: kept by the payments that remain (in
    time), or else open again (or, when a later promise has replaced them, superseded)."""
    grace = dt.timedelta(days=policy.promises.grace_days)
    household_id = reversed_payment.household_id
    promises = list(
        session.execute(
            select(Promise)
            .where(
                col(Promise.household_id) == household_id,
                col(Promise.status) == PromiseStatus.KEPT.value,
                col(Promise.made_at) <= reversed_payment.paid_at,
                col(Promise.settled_at) >= reversed_payment.paid_at,
            )
            .order_by(col(Promise.made_at), col(Promise.id))
        ).scalars()
    )
    reopened: list[int] = []
    for promise in promises:
        assert promise.id is not None
        last_day = dt.datetime.combine(promise.promised_date + grace, dt.time(23, 59, 59))
        paid = session.execute(
            select(col(Payment.paid_at), col(Payment.amount))
            .where(
                col(Payment.household_id) == household_id,
                col(Payment.paid_at) >= promise.made_at,
                col(Payment.paid_at) <= min(last_day, at),
                effective_payments(),
            )
            .order_by(col(Payment.paid_at), col(Payment.id))
        ).all()
        total = ZERO
        kept_at: dt.datetime | None = None
        for paid_at, amount in paid:
            total += Decimal(amount)
            if promise.amount is None or total >= promise.amount:
                kept_at = paid_at
                break
        if kept_at is not None:
            promise.settled_at = kept_at
            continue
        later = session.execute(
            select(col(Promise.made_at))
            .where(
                col(Promise.household_id) == household_id,
                col(Promise.made_at) > promise.made_at,
            )
            .order_by(col(Promise.made_at))
        ).scalar()
        if later is not None:
            lapsed = promise.promised_date + grace < later.date()
            promise.status = (PromiseStatus.BROKEN if lapsed else PromiseStatus.CANCELLED).value
            promise.settled_at = later
        else:
            promise.status = PromiseStatus.OPEN.value
            promise.settled_at = None
        reopened.append(promise.id)
    return reopened
