"""One household as the collector's panel needs it: who, what is owed, what happened.

`load_household_view` reads one household and returns plain frozen dataclasses: widgets
never see ORM objects or a session. It runs 15 indexed queries (8 of them the queue's own
record loader), about 3 ms on SQLite and 13 ms on PostgreSQL for a demo household.

The day's facts (collectable arrears, time-barred money, stage, the next step) come from the
queue's own code (`queue.records.load_records` and `queue.facts.facts_for`), and each charge's
limitation deadline from the same evidence (`queue.facts.evidence_of`), so the panel always
agrees with the queue. Phone numbers are given in full: the UI masks them with
`privacy.mask_phone`, except the one being dialled. Numbers a contact was made on appear
masked in the timeline.

The words of the view (timeline titles and details, the next step) are made in the current
language (`callqueue.i18n`) when the view is loaded; what people typed (notes, descriptions,
resolutions) is shown as it was typed, except that a control character an old row may hold
(ESC, BEL…) is shown as an escape such as `\x1b` (`safe_text.visible`): none reaches a
terminal raw.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqueue.audit import AuditAction, read_audit
from callqueue.household_key import parse_key
from callqueue.i18n import (
    SOURCE_LANGUAGE,
    _,
    action_text,
    channel_label,
    complaint_category_label,
    complaint_status_label,
    current_language,
    exclusion_text,
    fee_label,
    join_clauses,
    join_list,
    letter_kind_label,
    outcome_label,
    payment_channel_label,
    pgettext,
    promise_status_label,
    reason_text,
)
from callqueue.ledger.values import FEE_TYPES
from callqueue.limitation import LimitationState, deadline, state_on
from callqueue.money import ZERO, format_yuan, from_fen
from callqueue.policy import Policy
from callqueue.privacy import mask_phone
from callqueue.queue.actions import TIER, Action, Channel, Stage
from callqueue.queue.build import candidates
from callqueue.queue.facts import AtRisk, Facts, evidence_of, facts_for
from callqueue.queue.records import HouseholdRecord, load_records
from callqueue.safe_text import visible
from callqueue.store.models import (
    Building,
    ChargeLine,
    Complaint,
    ComplaintStatus,
    ComplaintUpdate,
    Contact,
    Household,
    Payment,
    PaymentAllocation,
    Person,
    PersonRole,
    Phone,
    Promise,
    PromiseStatus,
    Staff,
    table_of,
)

__all__ = [
    "FLAG_FIELDS",
    "NEW_OWNER_DAYS",
    "TIMELINE_KINDS",
    "AllocationView",
    "ChargeView",
    "ComplaintView",
    "FeeArrears",
    "HouseholdView",
    "PersonView",
    "PhoneView",
    "TimelineEntry",
    "UnknownHousehold",
    "household_id_for_key",
    "load_household_view",
]

NEW_OWNER_DAYS = 90  # moved in within this many days: a new owner, approached differently

TIMELINE_KINDS = ("contact", "letter", "promise", "payment", "complaint", "complaint_update")


# --- the view -----------------------------------------------------------------------------


FLAG_FIELDS = ("chronic_defaulter", "difficult", "elderly", "no_phone", "do_not_call")


class UnknownHousehold(LookupError):
    """No household has that key (or id)."""


def household_id_for_key(session: Session, key_text: str) -> int:
    """The id of the household a user names by key (`6-2-1203`); ValueError if malformed."""
    key = str(parse_key(key_text))
    h = table_of(Household).c
    found = session.execute(select(h.id).where(h.key == key)).scalar()
    if found is None:
        raise UnknownHousehold(_("no household {key}").format(key=key))
    return int(found)


@dataclass(frozen=True, slots=True)
class PhoneView:
    phone_id: int
    number: str  # in full: mask it with `masked` unless it is being dialled
    kind: str  # PhoneKind
    wrong_number: bool

    @property
    def masked(self) -> str:
        return mask_phone(self.number)


@dataclass(frozen=True, slots=True)
class PersonView:
    person_id: int
    name: str
    role: str  # PersonRole
    primary: bool
    phones: tuple[PhoneView, ...]


@dataclass(frozen=True, slots=True)
class ChargeView:
    """One charge line. `deadline` and `limitation` are None when nothing is outstanding."""

    charge_id: int
    fee_type: str
    period: str  # YYYY-MM
    due_date: dt.date
    amount_due: Decimal
    paid: Decimal  # by billing plus pending
    pending: Decimal  # the part of `paid` recorded in callqueue that billing has not shown yet
    outstanding: Decimal
    overdue: bool  # due before the view's day and not settled
    deadline: dt.date | None  # the last day it can be enforced (limitation period)
    limitation: LimitationState | None

    @property
    def collectable(self) -> bool:
        """Overdue and still enforceable: part of the arrears a collector asks for."""
        return self.overdue and self.limitation is not LimitationState.TIME_BARRED


@dataclass(frozen=True, slots=True)
class FeeArrears:
    """Collectable arrears of one fee type on the view's day."""

    fee_type: str
    amount: Decimal
    periods: tuple[str, ...]  # the periods owed, oldest first


@dataclass(frozen=True, slots=True)
class AllocationView:
    period: str
    fee_type: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One thing that happened. `title` is short, `detail` holds the rest: both in the
    language current when the view was loaded, ready to show."""

    at: dt.datetime
    kind: str  # 'contact' | 'promise' | 'payment' | 'complaint' | 'complaint_update' | 'letter'
    title: str
    detail: str
    staff_name: str | None
    amount: Decimal | None
    ref_id: int | None = None  # the row's id (contact, promise, payment, complaint, update)
    status: str | None = None  # promises and complaints; an open promise past due: "broken";
    # a contact corrected by a later row: "corrected"; a payment reversed: "reversed"
    allocations: tuple[AllocationView, ...] = ()  # payments: what each settled
    corrects_id: int | None = None  # a correction (contact) or reversal (payment): of which row
    corrected_by: int | None = None  # the row that corrects or reverses this one


@dataclass(frozen=True, slots=True)
class ComplaintView:
    id: int
    opened_at: dt.datetime
    category: str  # ComplaintCategory
    status: str  # ComplaintStatus
    report_back_on: dt.date | None
    description: str
    within_duty: bool
    pauses_collection: bool
    resolution: str | None


@dataclass(frozen=True)
class HouseholdView:
    """A household on `day`, as the collector's panel shows it."""

    id: int
    key: str
    day: dt.date
    building: str
    unit: str
    room: str
    floor: int | None
    area: Decimal | None  # m²
    chronic_defaulter: bool
    difficult: bool
    elderly: bool
    no_phone: bool
    do_not_call: bool
    nonpayment_reason: str | None
    note: str | None
    move_in_date: dt.date | None
    new_owner: bool  # moved in within NEW_OWNER_DAYS
    litigation_since: dt.date | None
    people: tuple[PersonView, ...]  # primary first
    charges: tuple[ChargeView, ...]  # oldest first
    arrears: tuple[FeeArrears, ...]  # collectable and overdue, in FEE_TYPES order
    total: Decimal  # collectable arrears
    time_barred: Decimal  # shown, never collected
    not_yet_due: Decimal
    days_overdue: int  # of the oldest collectable charge
    stage: Stage
    next_action: Action | None  # what the ladder asks for on this day (None: nothing, or wait)
    next_step: str  # the next step in words (current language), or why there is none
    at_risk: AtRisk | None  # the collectable charge nearest its limitation deadline, if close
    promises_made: int
    promises_kept: int
    pending_promise: dt.date | None  # an open promise not yet due
    broken_promise: dt.date | None  # a broken promise not followed up yet
    last_promise_date: dt.date | None  # the date of the latest promise (any status)
    demand_deadline: dt.date | None  # the deadline of the written demand delivered, if any
    suggested_deadline: dt.date  # the deadline a written demand sent on `day` would give
    callable: bool  # a working number and not do-not-call
    report_back: ComplaintView | None  # resolved, its report-back date has come: tell the owner
    open_complaints: tuple[ComplaintView, ...]  # not closed yet, oldest first (progress form)
    timeline: tuple[TimelineEntry, ...]  # newest first

    @property
    def owner(self) -> str:
        """The primary person's name (else the first owner's; '' when nobody is on record)."""
        for person in self.people:
            if person.primary:
                return person.name
        for person in self.people:
            if person.role == PersonRole.OWNER:
                return person.name
        return ""

    @property
    def flags(self) -> tuple[str, ...]:
        """The flags set, by name (`chronic_defaulter`, `difficult`, `elderly`, …)."""
        return tuple(name for name in FLAG_FIELDS if getattr(self, name))

    @property
    def arrears_by_fee(self) -> dict[str, Decimal]:
        return {a.fee_type: a.amount for a in self.arrears}

    def collectable_charges(self) -> tuple[ChargeView, ...]:
        return tuple(c for c in self.charges if c.collectable)

    def upcoming_charges(self) -> tuple[ChargeView, ...]:
        """Bills not yet due with something outstanding, oldest first."""
        return tuple(c for c in self.charges if not c.overdue and c.outstanding > 0)


# --- words --------------------------------------------------------------------------------
# The timeline's English words for the codes; in another language the i18n vocabularies
# (`outcome_label`, …) give them.

CHANNEL_TEXT = {
    "call": "Call",
    "visit": "Visit",
    "sms": "SMS",
    "letter": "Letter",
    "notice": "Notice",
}
OUTCOME_TEXT = {
    "no_answer": "no answer",
    "busy": "busy",
    "switched_off": "switched off",
    "wrong_number": "wrong number",
    "not_home": "nobody home",
    "will_pay": "will pay",
    "promise": "agreed a payment date",
    "refused": "refused",
    "dispute": "disputes",
    "callback": "asked to be called back",
    "says_paid": "says already paid",
    "hardship": "hardship",
    "paid_on_spot": "paid on the spot",
    "delivered": "delivered",
    "sent": "sent",
}
LETTER_TEXT = {
    "reminder": "Reminder",
    "written_demand": "Written demand",
    "collection_letter": "Collection letter",
    "lawyer_letter": "Lawyer's letter",
}
PAYMENT_CHANNEL_TEXT = {
    "cash": "cash",
    "pos": "card",
    "wechat": "WeChat",
    "alipay": "Alipay",
    "bank_transfer": "bank transfer",
}
ROLE_ORDER: dict[str, int] = {
    PersonRole.OWNER: 0,
    PersonRole.OCCUPANT: 1,
    PersonRole.TENANT: 2,
    PersonRole.FORMER_OWNER: 3,
}
# Same moment: the later kind of row was written later (a promise after its contact).
_KIND_RANK = {
    "complaint": 0,
    "complaint_update": 1,
    "contact": 2,
    "letter": 2,
    "promise": 3,
    "payment": 4,
}


def _words(english: dict[str, str], label: Callable[[str], str], code: str) -> str:
    """A code in the timeline's words: `english` (else the code, "_" as spaces) in English,
    `label` (an i18n vocabulary helper) in any other language."""
    if current_language() == SOURCE_LANGUAGE:
        return english.get(code, code.replace("_", " "))
    return label(code)


def _method_label(method: str) -> str:
    """How an owner promised to pay: a payment channel, or a pick-up by staff."""
    if method == "pickup":
        return pgettext("promise method", "collected by staff")
    return payment_channel_label(method)


def _join(*parts: str | None) -> str:
    return join_clauses(p for p in parts if p)


def _visible(text: str | None) -> str | None:
    return None if text is None else visible(text)


def _shown(entry: TimelineEntry) -> TimelineEntry:
    """A timeline entry as a screen may show it: control characters as escapes."""
    return replace(
        entry,
        title=visible(entry.title),
        detail=visible(entry.detail),
        staff_name=_visible(entry.staff_name),
    )


# --- loading ------------------------------------------------------------------------------


def load_household_view(
    session: Session, household_id: int, *, day: dt.date, policy: Policy
) -> HouseholdView:
    """The household `household_id` as it stands on `day` (raises UnknownHousehold)."""
    due_by = day + dt.timedelta(days=policy.escalation.reminder_days_before_due[1])
    record = load_records(session, due_by=due_by, ids=[household_id]).get(household_id)
    if record is None:
        raise UnknownHousehold(_("no household with id {id}").format(id=household_id))
    facts = facts_for(record, day, policy)
    head = _household_row(session, household_id)
    people = tuple(replace(p, name=visible(p.name)) for p in _people(session, household_id))
    charges = _charges(session, household_id, record, day, policy)
    complaints, updates = _complaints(session, household_id)
    corrections = _Corrections(session, household_id)
    promises, last_promise_date = _promises(session, household_id, day, policy)
    timeline = [
        *_contacts(session, household_id, corrections),
        *promises,
        *_payments(session, household_id, corrections),
        *_complaint_entries(complaints, updates),
    ]
    timeline.sort(key=lambda e: (e.at, _KIND_RANK[e.kind], e.ref_id or 0), reverse=True)
    timeline = [_shown(entry) for entry in timeline]
    open_complaints = tuple(c for c in complaints if c.status != ComplaintStatus.CLOSED)
    report_back = None
    if facts.report_back is not None:
        report_back = next((c for c in complaints if c.id == facts.report_back.id), None)
    action, step = _next_step(facts, policy)
    move_in = head.move_in_date
    return HouseholdView(
        id=household_id,
        key=head.key,
        day=day,
        building=head.building,
        unit=head.unit,
        room=head.room,
        floor=head.floor,
        area=head.area,
        chronic_defaulter=head.chronic_defaulter,
        difficult=head.difficult,
        elderly=head.elderly,
        no_phone=head.no_phone,
        do_not_call=head.do_not_call,
        nonpayment_reason=_visible(head.nonpayment_reason),
        note=_visible(head.note),
        move_in_date=move_in,
        new_owner=move_in is not None and (day - move_in).days <= NEW_OWNER_DAYS,
        litigation_since=head.litigation_since,
        people=people,
        charges=charges,
        arrears=_arrears(facts, charges),
        total=from_fen(facts.total),
        time_barred=from_fen(facts.barred),
        not_yet_due=sum(
            (c.outstanding for c in charges if c.due_date >= day and c.outstanding > 0), ZERO
        ),
        days_overdue=facts.days_overdue,
        stage=facts.stage(policy),
        next_action=action,
        next_step=step,
        at_risk=facts.at_risk,
        promises_made=facts.promises_made,
        promises_kept=facts.promises_kept,
        pending_promise=facts.pending_promise,
        broken_promise=facts.broken_promise,
        last_promise_date=last_promise_date,
        demand_deadline=facts.demand_deadline,
        suggested_deadline=day + dt.timedelta(days=policy.escalation.written_demand_deadline_days),
        callable=facts.callable,
        report_back=report_back,
        open_complaints=open_complaints,
        timeline=tuple(timeline),
    )


@dataclass(frozen=True, slots=True)
class _Head:
    key: str
    building: str
    unit: str
    room: str
    floor: int | None
    area: Decimal | None
    move_in_date: dt.date | None
    chronic_defaulter: bool
    difficult: bool
    elderly: bool
    no_phone: bool
    do_not_call: bool
    nonpayment_reason: str | None
    note: str | None
    litigation_since: dt.date | None


def _household_row(session: Session, household_id: int) -> _Head:
    h, b = table_of(Household).c, table_of(Building).c
    query = (
        select(
            h.key,
            b.code,
            h.unit,
            h.room,
            h.floor,
            h.area,
            h.move_in_date,
            h.chronic_defaulter,
            h.difficult,
            h.elderly,
            h.no_phone,
            h.do_not_call,
            h.nonpayment_reason,
            h.note,
            h.litigation_since,
        )
        .join_from(table_of(Household), table_of(Building), h.building_id == b.id)
        .where(h.id == household_id)
    )
    row: Any = session.execute(query).one_or_none()
    if row is None:
        raise UnknownHousehold(_("no household with id {id}").format(id=household_id))
    return _Head(*row)


def _people(session: Session, household_id: int) -> tuple[PersonView, ...]:
    p, ph = table_of(Person).c, table_of(Phone).c
    query = (
        select(p.id, p.name, p.role, p.is_primary, ph.id, ph.number, ph.kind, ph.wrong_number)
        .select_from(table_of(Person).outerjoin(table_of(Phone), ph.person_id == p.id))
        .where(p.household_id == household_id)
        .order_by(p.id, ph.id)
    )
    found: dict[int, tuple[str, str, bool, list[PhoneView]]] = {}
    for person_id, name, role, primary, phone_id, number, kind, wrong in session.execute(query):
        entry = found.setdefault(person_id, (name, role, bool(primary), []))
        if phone_id is not None:
            entry[3].append(PhoneView(phone_id, number, kind, bool(wrong)))
    people = [
        PersonView(person_id, name, role, primary, tuple(phones))
        for person_id, (name, role, primary, phones) in found.items()
    ]
    people.sort(key=lambda v: (not v.primary, ROLE_ORDER.get(v.role, 9), v.person_id))
    return tuple(people)


def _charges(
    session: Session, household_id: int, record: HouseholdRecord, day: dt.date, policy: Policy
) -> tuple[ChargeView, ...]:
    c = table_of(ChargeLine).c
    query = (
        select(c.id, c.fee_type, c.period, c.due_date, c.amount_due, c.paid_billing, c.paid_pending)
        .where(c.household_id == household_id)
        .order_by(c.due_date, c.fee_type, c.period)
    )
    evidence = evidence_of(record)  # the queue's own rules for what restarts the period
    rules = policy.limitation
    charges = []
    for charge_id, fee_type, period, due, amount_due, paid_billing, pending in session.execute(
        query
    ):
        paid = paid_billing + pending
        outstanding = amount_due - paid
        end: dt.date | None = None
        state: LimitationState | None = None
        if outstanding > 0:
            end = deadline(due, evidence, years=rules.years)
            state = state_on(end, day, warn_days=rules.warn_days)
        charges.append(
            ChargeView(
                charge_id=charge_id,
                fee_type=fee_type,
                period=period,
                due_date=due,
                amount_due=amount_due,
                paid=paid,
                pending=pending,
                outstanding=outstanding,
                overdue=outstanding > 0 and due < day,
                deadline=end,
                limitation=state,
            )
        )
    return tuple(charges)


def _arrears(facts: Facts, charges: tuple[ChargeView, ...]) -> tuple[FeeArrears, ...]:
    order = {fee: i for i, fee in enumerate(FEE_TYPES)}
    periods: dict[str, list[str]] = {}
    for charge in charges:
        if charge.collectable:
            periods.setdefault(charge.fee_type, []).append(charge.period)
    return tuple(
        FeeArrears(fee, from_fen(fen), tuple(sorted(set(periods.get(fee, ())))))
        for fee, fen in sorted(facts.arrears.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))
        if fen
    )


@dataclass(frozen=True, slots=True)
class _Correction:
    """A correction or reversal as the audit log tells it: who, when, why."""

    new_id: int
    at: dt.datetime
    staff_name: str | None
    reason: str


class _Corrections:
    """(table, corrected row id) -> the correction, read from the household's audit rows the
    first time a corrected row asks (households without corrections cost no query)."""

    def __init__(self, session: Session, household_id: int) -> None:
        self.session, self.household_id = session, household_id
        self.found: dict[tuple[str, int], _Correction] | None = None

    def get(self, key: tuple[str, int]) -> _Correction | None:
        if self.found is None:
            self.found = _corrections(self.session, self.household_id)
        return self.found.get(key)


def _corrections(session: Session, household_id: int) -> dict[tuple[str, int], _Correction]:
    found: dict[tuple[str, int], _Correction] = {}
    for row in read_audit(session, household_id=household_id):
        if row.action not in (AuditAction.CORRECT_CONTACT, AuditAction.REVERSE_PAYMENT):
            continue
        corrected = row.detail.get("corrects_id")
        if isinstance(corrected, int) and row.row_id is not None:
            found[row.table_name, corrected] = _Correction(
                row.row_id, row.at, row.staff_name, str(row.detail.get("reason", ""))
            )
    return found


def _corrected_text(correction: _Correction, template: str) -> str:
    return template.format(
        who=correction.staff_name or "?",
        at=f"{correction.at:%Y-%m-%d %H:%M}",
        reason=correction.reason,
        id=correction.new_id,
    )


def _contacts(
    session: Session, household_id: int, corrections: _Corrections
) -> list[TimelineEntry]:
    k, s = table_of(Contact).c, table_of(Staff).c
    query = (
        select(
            k.id,
            k.at,
            k.channel,
            k.outcome,
            k.phone_number,
            k.note,
            k.proof,
            k.callback_at,
            k.letter_kind,
            k.deadline,
            k.corrects_id,
            s.name,
        )
        .select_from(table_of(Contact).outerjoin(table_of(Staff), s.id == k.staff_id))
        .where(k.household_id == household_id)
    )
    rows = session.execute(query).all()
    corrected = {row.corrects_id for row in rows if row.corrects_id is not None}
    entries = []
    for (
        contact_id,
        at,
        channel,
        outcome,
        number,
        note,
        proof,
        callback_at,
        letter_kind,
        demand_deadline,
        corrects_id,
        staff_name,
    ) in rows:
        outcome_text = _words(OUTCOME_TEXT, outcome_label, outcome)
        if channel == "letter":
            kind = "letter"
            what = (
                _words(LETTER_TEXT, letter_kind_label, letter_kind)
                if letter_kind
                else pgettext("timeline", "Letter")
            )
        else:
            kind = "contact"
            what = _words(CHANNEL_TEXT, channel_label, channel)
        title = pgettext("timeline", "{what}: {outcome}").format(what=what, outcome=outcome_text)
        if channel != "letter" and letter_kind and letter_kind != "reminder":
            letter = _words(LETTER_TEXT, letter_kind_label, letter_kind)
            if current_language() == SOURCE_LANGUAGE:
                letter = letter.lower()
            title = pgettext("timeline", "{title} ({letter})").format(title=title, letter=letter)
        detail = _join(
            note.strip() if note else None,
            _("number {phone}").format(phone=mask_phone(number)) if number else None,
            _("callback booked for {at}").format(at=f"{callback_at:%Y-%m-%d %H:%M}")
            if callback_at
            else None,
            _("deadline {date}").format(date=f"{demand_deadline:%Y-%m-%d}")
            if demand_deadline
            else None,
            _("proof: {proof}").format(proof=proof.strip()) if proof and proof.strip() else None,
            _("corrects contact #{id}").format(id=corrects_id) if corrects_id else None,
        )
        correction = corrections.get(("contacts", contact_id)) if contact_id in corrected else None
        status = None
        if correction is not None:
            status = "corrected"
            title = pgettext("timeline", "{title} (corrected)").format(title=title)
            detail = _join(
                detail,
                _corrected_text(correction, _("corrected by {who} on {at}: {reason} (see #{id})")),
            )
        entries.append(
            TimelineEntry(
                at,
                kind,
                title,
                detail,
                staff_name,
                None,
                ref_id=contact_id,
                status=status,
                corrects_id=corrects_id,
                corrected_by=None if correction is None else correction.new_id,
            )
        )
    return entries


def _promises(
    session: Session, household_id: int, day: dt.date, policy: Policy
) -> tuple[list[TimelineEntry], dt.date | None]:
    """The promises as timeline entries, and the date of the latest one made."""
    m, s = table_of(Promise).c, table_of(Staff).c
    query = (
        select(
            m.id,
            m.made_at,
            m.promised_date,
            m.amount,
            m.method,
            m.instalment,
            m.reason,
            m.status,
            m.settled_at,
            s.name,
        )
        .select_from(table_of(Promise).outerjoin(table_of(Staff), s.id == m.staff_id))
        .where(m.household_id == household_id)
        .order_by(m.made_at, m.id)
    )
    # An open promise is broken once its date plus the grace days has passed (as the queue).
    grace = dt.timedelta(days=policy.promises.grace_days)
    entries = []
    latest: dt.date | None = None
    for (
        promise_id,
        made_at,
        promised,
        amount,
        method,
        instalment,
        reason,
        status,
        settled_at,
        staff_name,
    ) in session.execute(query):
        latest = promised
        shown = status
        if status == PromiseStatus.OPEN and day > promised + grace:
            shown = PromiseStatus.BROKEN.value
        title = _("Promise to pay by {date}").format(date=f"{promised:%Y-%m-%d}")
        if instalment:
            title = _("Instalment promise: next by {date}").format(date=f"{promised:%Y-%m-%d}")
        shown_text = _words({}, promise_status_label, shown)
        detail = _join(
            shown_text
            if shown == status
            else _("{status} (not paid by {date})").format(
                status=shown_text, date=f"{promised + grace:%Y-%m-%d}"
            ),
            _("settled {date}").format(date=f"{settled_at:%Y-%m-%d}")
            if settled_at and status != PromiseStatus.OPEN
            else None,
            _("by {method}").format(method=_words(PAYMENT_CHANNEL_TEXT, _method_label, method))
            if method
            else None,
            reason.strip() if reason else None,
        )
        entries.append(
            TimelineEntry(
                made_at,
                "promise",
                title,
                detail,
                staff_name,
                amount,
                ref_id=promise_id,
                status=shown,
            )
        )
    return entries, latest


def _payments(
    session: Session, household_id: int, corrections: _Corrections
) -> list[TimelineEntry]:
    y, a, c = table_of(Payment).c, table_of(PaymentAllocation).c, table_of(ChargeLine).c
    s = table_of(Staff).c
    joined = (
        table_of(Payment)
        .outerjoin(table_of(PaymentAllocation), a.payment_id == y.id)
        .outerjoin(table_of(ChargeLine), c.id == a.charge_line_id)
        .outerjoin(table_of(Staff), s.id == y.staff_id)
    )
    query = (
        select(
            y.id,
            y.paid_at,
            y.amount,
            y.channel,
            y.receipt_no,
            y.note,
            y.corrects_id,
            s.name,
            a.amount,
            c.period,
            c.fee_type,
        )
        .select_from(joined)
        .where(y.household_id == household_id)
        .order_by(y.id, c.due_date, c.fee_type)
    )
    heads: dict[int, tuple[Any, ...]] = {}
    spread: dict[int, list[AllocationView]] = {}
    for row in session.execute(query):
        payment_id = row[0]
        heads.setdefault(payment_id, tuple(row[1:8]))
        shares = spread.setdefault(payment_id, [])
        if row[8] is not None:
            shares.append(AllocationView(period=row[9], fee_type=row[10], amount=row[8]))
    entries = []
    for payment_id, (paid_at, amount, channel, receipt, note, corrects_id, staff) in heads.items():
        allocations = tuple(spread[payment_id])
        reversed_ = {head[5] for head in heads.values() if head[5] is not None}
        reversal = corrections.get(("payments", payment_id)) if payment_id in reversed_ else None
        detail = _join(
            _("receipt {number}").format(number=receipt) if receipt else None,
            join_list(
                f"{x.period} {fee_label(x.fee_type)} {format_yuan(x.amount)}" for x in allocations
            ),
            _("reason: {reason}").format(reason=note.strip())
            if note and corrects_id
            else (note.strip() if note else None),
            _("reverses payment #{id}").format(id=corrects_id) if corrects_id else None,
            _corrected_text(reversal, _("reversed by {who} on {at}: {reason} (see #{id})"))
            if reversal is not None
            else None,
        )
        channel_words = _words(PAYMENT_CHANNEL_TEXT, payment_channel_label, channel)
        if corrects_id:
            title = _("Reversal of payment #{id}").format(id=corrects_id)
        else:
            title = _("Payment by {channel}").format(channel=channel_words)
        if reversal is not None:
            title = pgettext("timeline", "{title} (reversed)").format(title=title)
        entries.append(
            TimelineEntry(
                paid_at,
                "payment",
                title,
                detail,
                staff,
                amount,
                ref_id=payment_id,
                status="reversed" if reversal is not None else None,
                allocations=allocations,
                corrects_id=corrects_id,
                corrected_by=None if reversal is None else reversal.new_id,
            )
        )
    return entries


_OPENER = table_of(Staff).alias("opener")
_UPDATER = table_of(Staff).alias("updater")


@dataclass(frozen=True, slots=True)
class _Update:
    id: int
    complaint_id: int
    at: dt.datetime
    status: str
    note: str
    staff_name: str | None


def _complaints(
    session: Session, household_id: int
) -> tuple[list[ComplaintView], list[tuple[ComplaintView, str | None, _Update | None]]]:
    """The household's complaints, oldest first, with their updates and the opener's name."""
    q, u = table_of(Complaint).c, table_of(ComplaintUpdate).c
    opener, updater = _OPENER, _UPDATER
    joined = (
        table_of(Complaint)
        .outerjoin(opener, opener.c.id == q.staff_id)
        .outerjoin(table_of(ComplaintUpdate), u.complaint_id == q.id)
        .outerjoin(updater, updater.c.id == u.staff_id)
    )
    query = (
        select(
            q.id,
            q.opened_at,
            q.category,
            q.status,
            q.report_back_on,
            q.description,
            q.within_duty,
            q.pauses_collection,
            q.resolution,
            opener.c.name,
            u.id,
            u.at,
            u.status,
            u.note,
            updater.c.name,
        )
        .select_from(joined)
        .where(q.household_id == household_id)
        .order_by(q.opened_at, q.id, u.at, u.id)
    )
    views: dict[int, ComplaintView] = {}
    rows: list[tuple[ComplaintView, str | None, _Update | None]] = []
    for row in session.execute(query):
        complaint_id = row[0]
        view = views.get(complaint_id)
        if view is None:
            view = views[complaint_id] = ComplaintView(
                complaint_id,
                row[1],
                row[2],
                row[3],
                row[4],
                visible(row[5]),
                bool(row[6]),
                bool(row[7]),
                _visible(row[8]),
            )
        update = None if row[10] is None else _Update(row[10], complaint_id, *row[11:15])
        rows.append((view, row[9], update))
    return list(views.values()), rows


def _complaint_entries(
    complaints: list[ComplaintView], rows: list[tuple[ComplaintView, str | None, _Update | None]]
) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    seen: set[int] = set()
    for complaint, opener_name, update in rows:
        if complaint.id not in seen:
            seen.add(complaint.id)
            detail = _join(
                complaint.description.strip(),
                None if complaint.within_duty else _("outside the company's duty"),
                _("owner withholds payment until resolved")
                if complaint.pauses_collection
                else None,
                _("report back on {date}").format(date=f"{complaint.report_back_on:%Y-%m-%d}")
                if complaint.report_back_on
                else None,
                _("resolution: {text}").format(text=complaint.resolution.strip())
                if complaint.resolution
                else None,
            )
            title = _("Complaint ({category}): {status}").format(
                category=_words({}, complaint_category_label, complaint.category),
                status=_words({}, complaint_status_label, complaint.status),
            )
            entries.append(
                TimelineEntry(
                    complaint.opened_at,
                    "complaint",
                    title,
                    detail,
                    opener_name,
                    None,
                    ref_id=complaint.id,
                    status=complaint.status,
                )
            )
        if update is not None:
            entries.append(
                TimelineEntry(
                    update.at,
                    "complaint_update",
                    _("Complaint #{id} progress: {status}").format(
                        id=complaint.id, status=_words({}, complaint_status_label, update.status)
                    ),
                    update.note.strip(),
                    update.staff_name,
                    None,
                    ref_id=update.id,
                    status=update.status,
                )
            )
    return entries


def _next_step(facts: Facts, policy: Policy) -> tuple[Action | None, str]:
    """What the escalation ladder asks for on the day, in words (caps and windows aside:
    the queue applies those at the moment of work)."""
    if facts.idle:
        return None, _("nothing to do: no arrears and no bill coming due")
    end_of_day = dt.datetime.combine(facts.day, dt.time(23, 59, 59))
    found = candidates(facts, end_of_day, policy)
    if not isinstance(found, list):
        return None, _("none for now: {reason}").format(reason=exclusion_text(found))
    if not found:
        if facts.total == 0:
            return None, _("nothing to do: no collectable arrears")
        return None, _("nothing to do today")
    best = min(found, key=lambda c: TIER[c.action])
    words = action_text(best.action)
    if best.action in (Action.BROKEN_PROMISE, Action.COMPLAINT_REPORT_BACK):
        how = _("{action} by phone") if best.channel is Channel.CALL else _("{action} in person")
        words = how.format(action=words)
    reasons = [reason_text(r) for r in best.reasons]
    if not reasons and facts.total:
        reasons = [
            _("{days} days overdue").format(days=facts.days_overdue),
            _("owes {amount}").format(amount=format_yuan(from_fen(facts.total))),
        ]
    if not reasons:
        return best.action, words
    return best.action, pgettext("next step", "{action}: {reasons}").format(
        action=words, reasons=join_clauses(reasons)
    )
