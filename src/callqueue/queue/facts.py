"""What is true of a household on a given day: the inputs of every queue rule.

Facts depend on the day, not the hour, so they are worked out once per household per day
(and again when that household changes); the hour-by-hour rules in `build` stay cheap.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from callqueue.limitation import (
    Evidence,
    EvidenceKind,
    LimitationState,
    add_years,
    deadline,
    is_demand_evidence,
    state_on,
)
from callqueue.policy import Policy
from callqueue.queue.actions import Stage
from callqueue.queue.records import ChargeRec, ComplaintRec, ContactRec, HouseholdRecord

# Words of the store's vocabularies (the enums of `callqueue.store.models`), spelled out:
# importing the models would make every import of the queue, and so the app's start, pay
# for the ORM. tests/unit/test_queue_records.py checks each against its enum.
UNANSWERED = frozenset({"no_answer", "busy", "switched_off"})  # ContactOutcome
CALLBACK = "callback"  # ContactOutcome
OPEN_COMPLAINT = frozenset({"open", "in_progress"})  # ComplaintStatus
RESOLVED = "resolved"  # ComplaintStatus
WRITTEN_DEMAND, COLLECTION_LETTER, LAWYER_LETTER = (  # LetterKind
    "written_demand",
    "collection_letter",
    "lawyer_letter",
)
PROMISE_OPEN, PROMISE_KEPT, PROMISE_CANCELLED = "open", "kept", "cancelled"  # PromiseStatus


@dataclass(frozen=True, slots=True)
class AtRisk:
    """The overdue charge whose limitation deadline comes first, when it is close."""

    fee_type: str
    period: str
    deadline: dt.date
    days_left: int


@dataclass(slots=True)
class Facts:
    record: HouseholdRecord
    day: dt.date
    arrears: dict[str, int] = field(default_factory=dict)  # collectable, fen, by fee type
    total: int = 0  # collectable arrears, fen
    barred: int = 0  # time-barred fen: shown, never collected
    days_overdue: int = 0  # of the oldest collectable overdue charge
    at_risk: AtRisk | None = None
    due_soon: ChargeRec | None = None  # a bill in the pre-due reminder window, not reminded
    last_contact: dt.datetime | None = None
    last_conversation: dt.datetime | None = None  # reached by call or visit
    calls_today: int = 0
    conversation_today: bool = False
    visits_today: int = 0  # door visits today, against the policy's daily cap
    unanswered_days: int = 0  # distinct days of unanswered calls since the last conversation
    callback_at: dt.datetime | None = None  # booked and not yet made
    pending_promise: dt.date | None = None  # an open promise not yet due
    broken_promise: dt.date | None = None  # broken and not followed up since
    promises_made: int = 0
    promises_kept: int = 0
    dispute_since: dt.date | None = None
    report_back: ComplaintRec | None = None
    demand_delivered: dt.date | None = None
    demand_deadline: dt.date | None = None
    collection_letter: dt.date | None = None
    lawyer_letter: dt.date | None = None
    last_reminder: dt.date | None = None  # last SMS or notice reminder sent

    @property
    def idle(self) -> bool:
        """Nothing to do on this day: no arrears, no bill coming due, no complaint to close."""
        return (
            self.total == 0
            and self.barred == 0
            and self.due_soon is None
            and self.report_back is None
            and self.record.litigation_since is None
        )

    @property
    def callable(self) -> bool:
        return self.record.working_phones > 0 and not self.record.do_not_call

    def stage(self, policy: Policy) -> Stage:
        ladder = policy.escalation
        if self.record.litigation_since is not None:
            return Stage.LITIGATION
        if self.lawyer_letter is not None:
            return (
                Stage.LITIGATION_CANDIDATE
                if self._lawyer_letter_expired(policy)
                else (Stage.LAWYER_LETTER)
            )
        if self.collection_letter is not None:
            return Stage.COLLECTION_LETTER
        if self.demand_delivered is not None:
            return Stage.WRITTEN_DEMAND
        if self.total == 0:
            return Stage.NOT_DUE
        if self.days_overdue > ladder.visit_after_days or self.phone_failed(policy):
            return Stage.VISIT
        return Stage.PHONE

    def phone_failed(self, policy: Policy) -> bool:
        """The phone does not reach this owner: no number, or N unanswered days in a row."""
        return (
            self.record.working_phones == 0
            or self.unanswered_days >= policy.escalation.visit_after_failed_calls
        )

    def _lawyer_letter_expired(self, policy: Policy) -> bool:
        assert self.lawyer_letter is not None
        waited = (self.day - self.lawyer_letter).days
        demand_passed = self.demand_deadline is not None and self.demand_deadline < self.day
        return waited >= policy.escalation.litigation_after_lawyer_letter_days and demand_passed


def facts_for(record: HouseholdRecord, day: dt.date, policy: Policy) -> Facts:
    """Work out the facts of `record` on `day`."""
    facts = Facts(record, day)
    _contacts(facts, record.contacts, day)
    _charges(facts, record, day, policy)
    _promises(facts, record, day, policy)
    _complaints(facts, record.complaints, day)
    facts.total = sum(facts.arrears.values())
    return facts


def evidence_of(record: HouseholdRecord) -> list[Evidence]:
    found = [
        Evidence(c.at.date(), EvidenceKind.DEMAND)
        for c in record.contacts
        if is_demand_evidence(
            channel=c.channel,
            outcome=c.outcome,
            reached=c.reached,
            has_note=c.has_note,
            has_proof=c.has_proof,
        )
    ]
    found += [Evidence(p.made_at.date(), EvidenceKind.PROMISE) for p in record.promises]
    found += [Evidence(paid.date(), EvidenceKind.PAYMENT) for paid in record.payments]
    found.sort()
    return found


@functools.lru_cache(maxsize=16)
def _horizon(day: dt.date, years: int, warn_days: int) -> dt.date:
    """A deadline is never before due + years, so only charges due by this day can be near it
    (worked out once per day, not once per household)."""
    return add_years(day, -years) + dt.timedelta(days=warn_days)


def _charges(facts: Facts, record: HouseholdRecord, day: dt.date, policy: Policy) -> None:
    rules = policy.limitation
    low, high = policy.escalation.reminder_days_before_due
    evidence: list[Evidence] | None = None  # worked out only for old debts
    horizon = _horizon(day, rules.years, rules.warn_days)
    reminded = facts.last_reminder
    arrears = facts.arrears
    days_overdue = 0
    for charge in record.charges:
        fee_type, period, due, outstanding = charge
        if due >= day:
            days_to_due = (due - day).days
            not_reminded = reminded is None or (due - reminded).days > high
            if low <= days_to_due <= high and facts.due_soon is None and not_reminded:
                facts.due_soon = charge
            continue
        if due <= horizon:  # old enough that its deadline may be near
            if evidence is None:
                evidence = evidence_of(record)
            end = deadline(due, evidence, years=rules.years)
            state = state_on(end, day, warn_days=rules.warn_days)
            if state is LimitationState.TIME_BARRED:
                facts.barred += outstanding
                continue
            if state is LimitationState.AT_RISK and (
                facts.at_risk is None or end < facts.at_risk.deadline
            ):
                facts.at_risk = AtRisk(fee_type, period, end, (end - day).days)
        arrears[fee_type] = arrears.get(fee_type, 0) + outstanding
        days_overdue = max(days_overdue, (day - due).days)
    facts.days_overdue = days_overdue


def _contacts(facts: Facts, contacts: list[ContactRec], day: dt.date) -> None:
    unanswered: set[dt.date] = set()
    reminder: dt.date | None = None
    last_contact = last_conversation = callback_at = None
    calls_today = 0
    conversation_today = False
    visits_today = 0
    for at, channel, outcome, reached, _note, _proof, callback, letter_kind, until in contacts:
        on = at.date()  # contacts come in time order
        if on > day:
            continue
        last_contact = at
        today = on == day
        talk = channel in ("call", "visit")
        if channel == "call":
            calls_today += today
        elif channel == "visit":
            visits_today += today
        conversation = reached and talk
        if conversation:
            last_conversation = at
            conversation_today = conversation_today or today
            unanswered.clear()
        elif channel == "call" and outcome in UNANSWERED:
            unanswered.add(on)
        if outcome == CALLBACK and callback is not None:
            callback_at = callback
        elif talk and callback_at is not None and (at >= callback_at or conversation):
            callback_at = None  # the callback was made (or overtaken)
        if talk:
            continue
        if channel in ("sms", "notice", "letter") and letter_kind in (None, "reminder"):
            reminder = on
        if reached and channel == "letter":
            if letter_kind == WRITTEN_DEMAND:
                facts.demand_delivered, facts.demand_deadline = on, until
            elif letter_kind == COLLECTION_LETTER:
                facts.collection_letter = on
            elif letter_kind == LAWYER_LETTER:
                facts.lawyer_letter = on
    facts.last_contact, facts.last_conversation = last_contact, last_conversation
    facts.callback_at, facts.calls_today = callback_at, calls_today
    facts.conversation_today, facts.visits_today = conversation_today, visits_today
    facts.unanswered_days = len(unanswered)
    facts.last_reminder = reminder


def _promises(facts: Facts, record: HouseholdRecord, day: dt.date, policy: Policy) -> None:
    grace = dt.timedelta(days=policy.promises.grace_days)
    for promise in record.promises:
        if promise.made_at.date() > day or promise.status == PROMISE_CANCELLED:
            continue
        facts.promises_made += 1
        if promise.status == PROMISE_KEPT:
            facts.promises_kept += 1
            continue
        broken_on = promise.promised_date + grace + dt.timedelta(days=1)
        if promise.status == PROMISE_OPEN and day < broken_on:
            facts.pending_promise = promise.promised_date
            continue
        followed_up = facts.last_contact is not None and facts.last_contact.date() >= broken_on
        facts.broken_promise = None if followed_up else promise.promised_date
    if facts.pending_promise is not None:
        facts.broken_promise = None


def _complaints(facts: Facts, complaints: list[ComplaintRec], day: dt.date) -> None:
    for complaint in complaints:
        if complaint.pauses_collection and complaint.status in OPEN_COMPLAINT:
            facts.dispute_since = facts.dispute_since or complaint.opened_at.date()
        if complaint.status == RESOLVED and (
            complaint.report_back_on is None or complaint.report_back_on <= day
        ):
            facts.report_back = facts.report_back or complaint
