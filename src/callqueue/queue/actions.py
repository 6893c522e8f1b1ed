"""The actions a queue item can ask for, their tiers and channels, and reasons in words.

Tiers come first in the ranking (1 is the most urgent); within a tier a score orders the
items. Reasons are codes with parameters, so the app can show them in Chinese or English;
`Reason.text()` gives the English.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Channel(StrEnum):
    CALL = "call"
    VISIT = "visit"
    LETTER = "letter"  # letters, SMS and notices: no contact window


class Action(StrEnum):
    LIMITATION_DEMAND = "limitation_demand"
    CALLBACK = "callback"
    BROKEN_PROMISE = "broken_promise"
    COMPLAINT_REPORT_BACK = "complaint_report_back"
    CALL = "call"
    VISIT = "visit"
    WRITTEN_DEMAND = "written_demand"
    COLLECTION_LETTER = "collection_letter"
    LAWYER_LETTER = "lawyer_letter"
    LITIGATION_CANDIDATE = "litigation_candidate"
    REMINDER = "reminder"


TIER = {
    Action.LIMITATION_DEMAND: 1,
    Action.CALLBACK: 2,
    Action.BROKEN_PROMISE: 3,
    Action.COMPLAINT_REPORT_BACK: 4,
    Action.CALL: 5,
    Action.VISIT: 6,
    Action.WRITTEN_DEMAND: 7,
    Action.COLLECTION_LETTER: 7,
    Action.LAWYER_LETTER: 7,
    Action.LITIGATION_CANDIDATE: 7,
    Action.REMINDER: 8,
}

ACTION_TEXT = {
    Action.LIMITATION_DEMAND: "written demand with proof of delivery",
    Action.CALLBACK: "call back as booked",
    Action.BROKEN_PROMISE: "follow up a broken promise",
    Action.COMPLAINT_REPORT_BACK: "tell the owner what became of their complaint",
    Action.CALL: "call",
    Action.VISIT: "visit",
    Action.WRITTEN_DEMAND: "written demand with a deadline (催告)",
    Action.COLLECTION_LETTER: "collection letter (催收函)",
    Action.LAWYER_LETTER: "lawyer's letter (律师函)",
    Action.LITIGATION_CANDIDATE: "litigation candidate: for the manager to decide",
    Action.REMINDER: "pre-due reminder (SMS or notice)",
}


class Stage(StrEnum):
    """How far up the escalation ladder a household is."""

    NOT_DUE = "not_due"
    PHONE = "phone"
    VISIT = "visit"
    WRITTEN_DEMAND = "written_demand"
    COLLECTION_LETTER = "collection_letter"
    LAWYER_LETTER = "lawyer_letter"
    LITIGATION_CANDIDATE = "litigation_candidate"
    LITIGATION = "litigation"


REASON_TEXT = {
    "expires": "oldest charge ({fee} {period}) expires in {days} days",
    "expires_today": "oldest charge ({fee} {period}) expires today",
    "callback_due": "callback booked for {when}",
    "promise_broken": "promise of {date} broken",
    "report_back": "complaint of {date} ({category}) resolved: tell the owner",
    "overdue": "{days} days overdue",
    "arrears": "owes {amount}",
    "phone_failed": "{count} unanswered calls on different days",
    "no_phone": "no working phone number",
    "do_not_call": "asked not to be called",
    "elderly": "elderly owner",
    "chronic": "chronic defaulter (钉子户)",
    "difficult": "difficult customer (疑难客户)",
    "no_demand_yet": "no written demand delivered yet",
    "demand_deadline_passed": "written demand deadline {date} passed",
    "collection_letter_sent": "collection letter delivered {date}",
    "lawyer_letter_sent": "lawyer's letter delivered {date}",
    "promises_record": "kept {kept} of {made} promises",
    "last_contact": "last contact {days} days ago",
    "never_contacted": "not contacted yet",
    "due_soon": "{fee} {period} due {date}",
    "dispute_but_expiring": "dispute open; a demand only to preserve the claim",
    "time_barred": "{amount} time-barred, not collectable",
}


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    params: tuple[tuple[str, str], ...] = ()

    def text(self) -> str:
        params = dict(self.params)
        if "fee" in params:
            from callqueue.ledger.values import FEE_TYPE_LABELS_EN

            params["fee"] = FEE_TYPE_LABELS_EN.get(params["fee"], params["fee"])
        return REASON_TEXT[self.code].format(**params)


def reason(code: str, **params: object) -> Reason:
    return Reason(code, tuple((k, str(v)) for k, v in params.items()))


EXCLUSION_TEXT = {
    "litigation": "litigation in progress since {date}",
    "promise_pending": "promise for {date} not yet due",
    "dispute": "dispute open since {date}: paused until resolved",
    "time_barred": "all arrears time-barred",
    "call_cap": "{count} call attempts today already",
    "conversation_today": "spoke to the owner today",
    "cooling_off": "spoke to the owner {date}: cooling off until {until}",
    "visit_cap": "visited today already",
    "callback_later": "callback booked for {when}",
    "held": "held by {staff} until {until}",
}

EXCLUSION_LABEL = {
    "litigation": "in litigation",
    "promise_pending": "promise not yet due",
    "dispute": "dispute open",
    "time_barred": "only time-barred arrears",
    "call_cap": "at the daily call cap",
    "conversation_today": "spoken to today",
    "cooling_off": "cooling off after a conversation",
    "visit_cap": "visited today",
    "callback_later": "callback booked for later",
    "held": "held by another collector",
}
