"""What a user enters to record a contact, promise, complaint, payment or letter.

Entries are plain frozen dataclasses, the same for the CLI and the app's forms. Each has a
validator that checks everything that can be checked without the database and returns
every problem at once, keyed by the entry's field name, so a form can show them inline
next to each field and keep what was typed. Validators never raise on bad input; the save
functions (`callqueue.recording.save`) add what only the database can tell (does the
household exist, is the staff member active, how much is outstanding) and raise
`EntryInvalid` with all problems together.

Text typed by users (amounts, dates, times, periods) goes through the `parse_*_text`
helpers or a `TextFields` collector, whose errors are `Problem`s on the named field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from callqueue.household_key import parse_key
from callqueue.ledger.values import (
    ValueProblem,
    clean_text,
    parse_date,
    parse_money,
    parse_period,
    parse_phones,
)
from callqueue.money import CENT, ZERO, format_yuan
from callqueue.policy import Policy
from callqueue.store.models import (
    ComplaintCategory,
    ComplaintStatus,
    ContactChannel,
    ContactOutcome,
    LetterKind,
    PaymentChannel,
)

__all__ = [
    "CALLBACK_MAX_DAYS",
    "DESCRIPTION_MAX",
    "INSTALMENT_MAX_DAYS",
    "NOTE_MAX",
    "OUTCOMES_BY_CHANNEL",
    "PROGRESS_STATUSES",
    "PROMISE_METHODS",
    "RECEIPT_REQUIRED",
    "WRITTEN_DEMAND_MIN_DAYS",
    "ComplaintEntry",
    "ComplaintProgressEntry",
    "EntryInvalid",
    "LetterEntry",
    "OutcomeEntry",
    "PaymentEntry",
    "Problem",
    "PromiseEntry",
    "TextFields",
    "default_demand_deadline",
    "default_promise_date",
    "normalise_phone",
    "order_problems",
    "parse_amount_text",
    "parse_date_text",
    "parse_datetime_text",
    "parse_periods_text",
    "raise_if_any",
    "validate_complaint",
    "validate_letter",
    "validate_outcome",
    "validate_payment",
    "validate_progress",
    "validate_promise",
]

NOTE_MAX = 1000
DESCRIPTION_MAX = 2000
RECEIPT_MAX = 40  # payments.receipt_no
PROOF_MAX = 1000
REASON_MAX = 1000
CALLBACK_MAX_DAYS = 14
WRITTEN_DEMAND_MIN_DAYS = 7
INSTALMENT_MAX_DAYS = 366  # a sanity bound on instalment plans (typos like 2062)

# --- problems -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an entry: the entry's field name and a plain-English message."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class EntryInvalid(ValueError):
    """An entry that cannot be recorded; `problems` lists every reason, keyed by field."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    def by_field(self) -> dict[str, list[str]]:
        """The messages per field, for a form that shows them next to each input."""
        grouped: dict[str, list[str]] = {}
        for problem in self.problems:
            grouped.setdefault(problem.field, []).append(problem.message)
        return grouped


def order_problems(problems: Iterable[Problem], entry: object) -> list[Problem]:
    """Problems in the order of the entry's fields (stable; unknown fields last)."""
    order: dict[str, int] = {}
    if dataclasses.is_dataclass(entry):
        order = {f.name: i for i, f in enumerate(dataclasses.fields(entry))}
    return sorted(problems, key=lambda p: order.get(p.field, len(order)))


def raise_if_any(problems: Sequence[Problem], entry: object | None = None) -> None:
    """Raise `EntryInvalid` when there are problems, ordered as the entry's fields."""
    if problems:
        raise EntryInvalid(order_problems(problems, entry))


# --- vocabularies -------------------------------------------------------------------------

_O = ContactOutcome
_CONVERSATION = frozenset(
    {_O.WILL_PAY, _O.PROMISE, _O.REFUSED, _O.DISPUTE, _O.CALLBACK, _O.SAYS_PAID, _O.HARDSHIP}
)
_NEEDS_NOTE = _CONVERSATION - {_O.PROMISE}  # a promise is recorded by its own entry
_WRITTEN = frozenset({_O.DELIVERED, _O.SENT})

OUTCOMES_BY_CHANNEL: dict[ContactChannel, frozenset[ContactOutcome]] = {
    ContactChannel.CALL: _CONVERSATION | {_O.NO_ANSWER, _O.BUSY, _O.SWITCHED_OFF, _O.WRONG_NUMBER},
    ContactChannel.VISIT: _CONVERSATION | {_O.NOT_HOME, _O.PAID_ON_SPOT},
    ContactChannel.SMS: _WRITTEN,
    ContactChannel.LETTER: _WRITTEN,
    ContactChannel.NOTICE: _WRITTEN,
}
"""Which outcomes each channel can have."""

_CHANNEL_PLURAL = {
    ContactChannel.CALL: "calls",
    ContactChannel.VISIT: "visits",
    ContactChannel.SMS: "SMS",
    ContactChannel.LETTER: "letters",
    ContactChannel.NOTICE: "notices",
}

PROMISE_METHODS: tuple[str, ...] = (*(c.value for c in PaymentChannel), "pickup")
"""How an owner promises to pay: a payment channel, or a pick-up by staff (上门收取)."""

RECEIPT_REQUIRED = frozenset({PaymentChannel.CASH, PaymentChannel.POS})

PROGRESS_STATUSES: tuple[str, ...] = (
    ComplaintStatus.IN_PROGRESS.value,
    ComplaintStatus.RESOLVED.value,
    ComplaintStatus.CLOSED.value,
)

_CONVERSATION_CHANNELS = frozenset({ContactChannel.CALL, ContactChannel.VISIT})
_PHONE_CHANNELS = frozenset({ContactChannel.CALL, ContactChannel.SMS})


# --- entries ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeEntry:
    """A call, visit, SMS or notice and what came of it (not a promise, payment or letter).

    `category` is the complaint category of a dispute (default: service).
    """

    household_key: str
    staff_code: str
    at: dt.datetime
    channel: str
    outcome: str
    note: str = ""
    phone_number: str | None = None
    callback_at: dt.datetime | None = None
    proof: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class PromiseEntry:
    """A promised payment date (承诺缴费日), agreed on a call (default) or a visit."""

    household_key: str
    staff_code: str
    at: dt.datetime
    promised_date: dt.date
    amount: Decimal | None
    method: str | None
    instalment: bool = False
    reason: str | None = None
    note: str = ""
    channel: str = ContactChannel.CALL.value
    phone_number: str | None = None


@dataclass(frozen=True)
class ComplaintEntry:
    """A complaint or request (投诉/报事). `pauses_collection`: the owner withholds payment."""

    household_key: str
    staff_code: str
    at: dt.datetime
    category: str
    within_duty: bool
    description: str
    handler_code: str | None
    report_back_on: dt.date | None
    pauses_collection: bool = False


@dataclass(frozen=True)
class ComplaintProgressEntry:
    """Progress on a complaint; `note` is what was done, or (closing) what the owner was told.

    With `household_key`, the complaint must be that household's.
    """

    complaint_id: int
    staff_code: str
    at: dt.datetime
    status: str
    note: str
    household_key: str | None = None


@dataclass(frozen=True)
class PaymentEntry:
    """Money received. `periods` (YYYY-MM) names the charges the payer wants settled."""

    household_key: str
    staff_code: str
    at: dt.datetime
    amount: Decimal
    channel: str
    receipt_no: str | None
    periods: tuple[str, ...] | None = None
    note: str | None = None


@dataclass(frozen=True)
class LetterEntry:
    """A written reminder, demand (催告), collection letter (催收函) or lawyer's letter (律师函).

    A written demand without a deadline gets the policy's default at save time.
    """

    household_key: str
    staff_code: str
    at: dt.datetime
    kind: str
    delivered: bool
    proof: str | None
    deadline: dt.date | None
    note: str = ""


# --- defaults -----------------------------------------------------------------------------


def default_promise_date(at: dt.datetime, policy: Policy) -> dt.date:
    """The date a promise gets when the owner names none: the policy's default days out."""
    return at.date() + dt.timedelta(days=policy.promises.default_days)


def default_demand_deadline(at: dt.datetime, policy: Policy) -> dt.date:
    """The deadline (合理期限) of a written demand sent at `at`."""
    return at.date() + dt.timedelta(days=policy.escalation.written_demand_deadline_days)


# --- shared checks ------------------------------------------------------------------------


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _check_common(
    problems: list[Problem],
    household_key: str | None,
    staff_code: str,
    at: dt.datetime,
    now: dt.datetime,
) -> None:
    if household_key is not None:
        try:
            parse_key(household_key)
        except ValueError as error:
            problems.append(Problem("household_key", str(error)))
    if _blank(staff_code):
        problems.append(Problem("staff_code", "say who records this (a staff code)"))
    if at > now:
        problems.append(
            Problem("at", f"{at:%Y-%m-%d %H:%M} is in the future (it is now {now:%Y-%m-%d %H:%M})")
        )


def _check_text(
    problems: list[Problem],
    field: str,
    text: str | None,
    limit: int,
    *,
    required: str | None = None,
) -> None:
    if _blank(text):
        if required is not None:
            problems.append(Problem(field, required))
        return
    assert text is not None
    if len(text) > limit:
        problems.append(Problem(field, f"is {len(text):,} characters; at most {limit:,}"))


def _check_amount(problems: list[Problem], field: str, amount: Decimal) -> bool:
    """Positive with at most two decimals; False (with a problem) otherwise."""
    if not amount.is_finite():
        problems.append(Problem(field, f"{amount} is not an amount"))
        return False
    if amount <= ZERO:
        problems.append(Problem(field, f"must be more than 0, not {amount}"))
        return False
    if amount != amount.quantize(CENT):
        problems.append(Problem(field, f"{amount} has more than 2 decimal places"))
        return False
    return True


def _check_not_over(
    problems: list[Problem], amount: Decimal, outstanding: Decimal | None, why: str = ""
) -> None:
    if outstanding is not None and amount > outstanding:
        problems.append(
            Problem(
                "amount",
                f"{format_yuan(amount)} is more than the {format_yuan(outstanding)} "
                f"outstanding{why}",
            )
        )


def _choice(
    problems: list[Problem], field: str, value: str, allowed: Iterable[str], what: str
) -> bool:
    options = list(allowed)
    if value in options:
        return True
    problems.append(Problem(field, f"{value!r} is not a {what}; use one of {', '.join(options)}"))
    return False


def _join(words: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def normalise_phone(text: str) -> str:
    """One phone number as stored (`13812345678`, `0755-83456789`); ValueError otherwise."""
    try:
        numbers = parse_phones(text)
    except ValueProblem as error:
        raise ValueError(str(error)) from None
    if len(numbers) != 1:
        raise ValueError(f"{text!r} is not one phone number")
    return numbers[0]


def _check_phone(problems: list[Problem], phone: str | None) -> None:
    if phone is None:
        return
    try:
        normalise_phone(phone)
    except ValueError as error:
        problems.append(Problem("phone_number", str(error)))


def _check_proof(problems: list[Problem], delivered: bool, proof: str | None) -> None:
    if delivered and _blank(proof):
        problems.append(
            Problem(
                "proof",
                "delivery needs proof: a tracking number, a signed receipt or a photo reference",
            )
        )
    _check_text(problems, "proof", proof, PROOF_MAX)


# --- validators ---------------------------------------------------------------------------


def validate_outcome(entry: OutcomeEntry, *, now: dt.datetime) -> list[Problem]:
    """Every problem with an outcome entry that the database is not needed for."""
    problems: list[Problem] = []
    _check_common(problems, entry.household_key, entry.staff_code, entry.at, now)
    channel_ok = _choice(
        problems, "channel", entry.channel, [c.value for c in ContactChannel], "channel"
    )
    outcome_ok = _choice(
        problems, "outcome", entry.outcome, [o.value for o in ContactOutcome], "contact outcome"
    )
    channel = ContactChannel(entry.channel) if channel_ok else None
    outcome = ContactOutcome(entry.outcome) if outcome_ok else None
    if channel is ContactChannel.LETTER:
        problems.append(
            Problem("channel", "record letters as a letter entry (kind, deadline, proof)")
        )
        channel = None
    if outcome is ContactOutcome.PROMISE:
        problems.append(Problem("outcome", "use a promise entry (date and amount)"))
    elif outcome is ContactOutcome.PAID_ON_SPOT:
        problems.append(
            Problem("outcome", "record a payment (with the visit) instead: it is allocated too")
        )
    elif (
        channel is not None and outcome is not None and outcome not in OUTCOMES_BY_CHANNEL[channel]
    ):
        allowed = [_CHANNEL_PLURAL[c] for c, o in OUTCOMES_BY_CHANNEL.items() if outcome in o]
        problems.append(
            Problem(
                "outcome",
                f"{outcome.value!r} is for {_join(allowed)}, not {_CHANNEL_PLURAL[channel]}",
            )
        )
    if outcome is ContactOutcome.CALLBACK:
        if entry.callback_at is None:
            problems.append(Problem("callback_at", "a callback needs the time to call back"))
        elif entry.callback_at <= entry.at:
            problems.append(
                Problem(
                    "callback_at",
                    f"{entry.callback_at:%Y-%m-%d %H:%M} is not after the contact "
                    f"({entry.at:%Y-%m-%d %H:%M})",
                )
            )
        elif entry.callback_at > entry.at + dt.timedelta(days=CALLBACK_MAX_DAYS):
            problems.append(
                Problem(
                    "callback_at",
                    f"{entry.callback_at:%Y-%m-%d %H:%M} is more than {CALLBACK_MAX_DAYS} days "
                    "ahead; the queue brings the household back before then",
                )
            )
    elif entry.callback_at is not None and outcome is not None:
        problems.append(Problem("callback_at", "only a callback outcome has a callback time"))
    if outcome in _NEEDS_NOTE and channel in _CONVERSATION_CHANNELS and _blank(entry.note):
        problems.append(
            Problem(
                "note",
                "write what the owner said: the note is what makes the contact evidence",
            )
        )
    _check_text(problems, "note", entry.note, NOTE_MAX)
    if entry.phone_number is not None:
        if channel is not None and channel not in _PHONE_CHANNELS:
            problems.append(Problem("phone_number", "only calls and SMS have a phone number"))
        else:
            _check_phone(problems, entry.phone_number)
    _check_proof(problems, outcome is ContactOutcome.DELIVERED, entry.proof)
    if entry.category is not None:
        if outcome is not None and outcome is not ContactOutcome.DISPUTE:
            problems.append(Problem("category", "only a dispute has a complaint category"))
        else:
            _choice(
                problems,
                "category",
                entry.category,
                [c.value for c in ComplaintCategory],
                "complaint category",
            )
    return problems


def validate_promise(
    entry: PromiseEntry,
    *,
    now: dt.datetime,
    policy: Policy,
    outstanding: Decimal | None = None,
) -> list[Problem]:
    """Every problem with a promise; `outstanding` (the household's arrears) when known."""
    problems: list[Problem] = []
    _check_common(problems, entry.household_key, entry.staff_code, entry.at, now)
    _choice(
        problems,
        "channel",
        entry.channel,
        [c.value for c in sorted(_CONVERSATION_CHANNELS)],
        "channel for a promise",
    )
    day = entry.at.date()
    rules = policy.promises
    if entry.promised_date < day:
        problems.append(
            Problem("promised_date", f"{entry.promised_date} is in the past (promised on {day})")
        )
    elif entry.instalment:
        if entry.promised_date > day + dt.timedelta(days=INSTALMENT_MAX_DAYS):
            problems.append(
                Problem(
                    "promised_date",
                    f"{entry.promised_date} is more than a year ahead; record the next "
                    "instalment's date",
                )
            )
    elif entry.promised_date > day + dt.timedelta(days=rules.max_days):
        latest = day + dt.timedelta(days=rules.max_days)
        problems.append(
            Problem(
                "promised_date",
                f"{entry.promised_date} is more than {rules.max_days} days ahead (latest "
                f"{latest}); a later date is an instalment plan with a reason",
            )
        )
    if entry.instalment and _blank(entry.reason):
        problems.append(Problem("reason", "an instalment plan needs a reason (e.g. hardship)"))
    _check_text(problems, "reason", entry.reason, REASON_MAX)
    if entry.amount is not None and _check_amount(problems, "amount", entry.amount):
        _check_not_over(problems, entry.amount, outstanding)
    if entry.method is not None:
        _choice(problems, "method", entry.method, PROMISE_METHODS, "payment method")
    _check_text(problems, "note", entry.note, NOTE_MAX)
    _check_phone(problems, entry.phone_number)
    return problems


def validate_complaint(entry: ComplaintEntry, *, now: dt.datetime) -> list[Problem]:
    """Every problem with a new complaint, except whether the handler exists."""
    problems: list[Problem] = []
    _check_common(problems, entry.household_key, entry.staff_code, entry.at, now)
    category_ok = _choice(
        problems,
        "category",
        entry.category,
        [c.value for c in ComplaintCategory],
        "complaint category",
    )
    if category_ok and entry.category == ComplaintCategory.OUTSIDE_DUTY and entry.within_duty:
        problems.append(
            Problem(
                "within_duty",
                "a matter outside the company's duty is not within duty; explain it to the "
                "owner and offer a way to solve it",
            )
        )
    _check_text(
        problems,
        "description",
        entry.description,
        DESCRIPTION_MAX,
        required="say what the owner complains about or asks for",
    )
    if entry.handler_code is not None and _blank(entry.handler_code):
        problems.append(Problem("handler_code", "is empty; leave it out or name a staff code"))
    if entry.report_back_on is not None and entry.report_back_on < entry.at.date():
        problems.append(
            Problem(
                "report_back_on",
                f"{entry.report_back_on} is before the complaint ({entry.at.date()})",
            )
        )
    return problems


def validate_progress(entry: ComplaintProgressEntry, *, now: dt.datetime) -> list[Problem]:
    """Every problem with a progress update, except those the complaint itself decides."""
    problems: list[Problem] = []
    _check_common(problems, entry.household_key, entry.staff_code, entry.at, now)
    if entry.complaint_id <= 0:
        problems.append(Problem("complaint_id", f"{entry.complaint_id} is not a complaint number"))
    status_ok = _choice(problems, "status", entry.status, PROGRESS_STATUSES, "progress status")
    if status_ok and entry.status == ComplaintStatus.CLOSED:
        required = "say what the owner was told of the result"
    elif status_ok and entry.status == ComplaintStatus.RESOLVED:
        required = "say how it was resolved"
    else:
        required = "say what was done"
    _check_text(problems, "note", entry.note, DESCRIPTION_MAX, required=required)
    return problems


def validate_payment(
    entry: PaymentEntry, *, now: dt.datetime, outstanding: Decimal | None = None
) -> list[Problem]:
    """Every problem with a payment; `outstanding` (what may be paid) when known."""
    problems: list[Problem] = []
    _check_common(problems, entry.household_key, entry.staff_code, entry.at, now)
    if _check_amount(problems, "amount", entry.amount):
        _check_not_over(
            problems, entry.amount, outstanding, "; callqueue records no credit balances"
        )
    channel_ok = _choice(
        problems, "channel", entry.channel, [c.value for c in PaymentChannel], "payment channel"
    )
    if (
        channel_ok
        and PaymentChannel(entry.channel) in RECEIPT_REQUIRED
        and _blank(entry.receipt_no)
    ):
        problems.append(
            Problem("receipt_no", f"a {entry.channel} payment needs the receipt number")
        )
    if entry.receipt_no is not None and len(entry.receipt_no.strip()) > RECEIPT_MAX:
        problems.append(Problem("receipt_no", f"is longer than {RECEIPT_MAX} characters"))
    if entry.periods is not None:
        if not entry.periods:
            problems.append(Problem("periods", "name at least one period, or leave it out"))
        bad = [p for p in entry.periods if not _is_period(p)]
        if bad:
            problems.append(
                Problem("periods", f"{', '.join(map(repr, bad))}: write periods like 2026-08")
            )
    _check_text(problems, "note", entry.note, NOTE_MAX)
    return problems


def validate_letter(entry: LetterEntry, *, now: dt.datetime, policy: Policy) -> list[Problem]:
    """Every problem with a letter entry."""
    problems: list[Problem] = []
    _check_common(problems, entry.household_key, entry.staff_code, entry.at, now)
    kind_ok = _choice(problems, "kind", entry.kind, [k.value for k in LetterKind], "letter kind")
    day = entry.at.date()
    deadline = entry.deadline
    if kind_ok and entry.kind == LetterKind.WRITTEN_DEMAND:
        deadline = deadline or default_demand_deadline(entry.at, policy)
        earliest = day + dt.timedelta(days=WRITTEN_DEMAND_MIN_DAYS)
        if deadline < earliest:
            problems.append(
                Problem(
                    "deadline",
                    f"a written demand gives at least {WRITTEN_DEMAND_MIN_DAYS} days to pay: "
                    f"{earliest} or later, not {deadline}",
                )
            )
    elif deadline is not None and deadline <= day:
        problems.append(Problem("deadline", f"{deadline} is not after the letter ({day})"))
    _check_proof(problems, entry.delivered, entry.proof)
    _check_text(problems, "note", entry.note, NOTE_MAX)
    return problems


_PERIOD = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


def _is_period(text: str) -> bool:
    return bool(_PERIOD.fullmatch(text))


# --- text typed by users ------------------------------------------------------------------


def _value_message(error: ValueProblem, kind: str) -> str:
    """A values.py message without its leading kind word: "'2026-02-30' does not exist"."""
    text = str(error)
    prefix = f"{kind} "
    return text[len(prefix) :] if text.startswith(prefix) else text


def parse_amount_text(text: str, *, field: str = "amount") -> Decimal:
    """An amount typed by a user: `1234.5`, `1,234.50`, `¥300`, `300元`. Exact, never rounded.

    Raises `EntryInvalid` (one problem on `field`) for empty, negative, non-numeric amounts
    or amounts with more than two decimals.
    """
    cleaned = clean_text(text)
    if not cleaned:
        raise EntryInvalid([Problem(field, "is empty; write an amount like 300 or 1,234.50")])
    try:
        return parse_money(cleaned, field="")
    except ValueProblem as error:
        raise EntryInvalid([Problem(field, str(error).strip())]) from None


_RELATIVE_DAYS = re.compile(r"\+\s*([0-9]{1,3})\s*(?:d|days?|天)?", re.IGNORECASE)
_RELATIVE_HOURS = re.compile(r"\+\s*([0-9]{1,3})\s*(?:h|hours?|小时)", re.IGNORECASE)
_MONTH_DAY = re.compile(r"([0-9]{1,2})\s*(?:[-/.]|月)\s*([0-9]{1,2})\s*[日号]?")
_WORDS = {"today": 0, "今天": 0, "tomorrow": 1, "明天": 1}
_WITH_TIME = re.compile(
    r"(?:(?P<date>.+?)(?:\s+|T))?(?P<h>[0-9]{1,2}):(?P<m>[0-9]{2})(?::(?P<s>[0-9]{2}))?"
    r"(?P<tz>Z|[+-][0-9]{2}:?[0-9]{2})?",
    re.IGNORECASE,
)


def parse_date_text(text: str, *, today: dt.date, field: str = "date") -> dt.date:
    """A date typed by a user, relative to the clock's `today`.

    `2026-11-30` (also `2026/11/30`, `2026年11月30日`), `11-30` or `11月30日` (this year),
    `+3` (three days from today), `today`, `tomorrow`. Raises `EntryInvalid` on `field`.
    """
    cleaned = clean_text(text)
    if not cleaned:
        raise EntryInvalid([Problem(field, "is empty; write a date like 2026-11-30 or +3")])
    lowered = cleaned.lower()
    if lowered in _WORDS:
        return today + dt.timedelta(days=_WORDS[lowered])
    match = _RELATIVE_DAYS.fullmatch(cleaned)
    if match:
        return today + dt.timedelta(days=int(match.group(1)))
    match = _MONTH_DAY.fullmatch(cleaned)
    if match:
        month, day = int(match.group(1)), int(match.group(2))
        try:
            return dt.date(today.year, month, day)
        except ValueError:
            raise EntryInvalid(
                [Problem(field, f"'{cleaned}' does not exist in {today.year}")]
            ) from None
    try:
        return parse_date(cleaned)
    except ValueProblem as error:
        message = _value_message(error, "date")
        if "is not a date" in message:
            message = f"'{cleaned}' is not a date; write 2026-11-30, 11-30 or +3 (days from today)"
        raise EntryInvalid([Problem(field, message)]) from None


def parse_datetime_text(text: str, *, now: dt.datetime, field: str = "at") -> dt.datetime:
    """A moment typed by a user (China Standard Time), relative to the clock `now`.

    `2026-11-30T15:00`, `2026-11-30 15:00`, `11-30 15:00`, `+1 15:00` (tomorrow at 15:00),
    `15:00` (today), `+2h` (two hours from now), `+1` (this time tomorrow), a date alone
    (midnight), or a time with an offset (`2026-11-30T07:00Z`, converted).
    """
    cleaned = clean_text(text)
    if not cleaned:
        raise EntryInvalid([Problem(field, "is empty; write a time like 2026-11-30 15:00")])
    match = _RELATIVE_HOURS.fullmatch(cleaned)
    if match:
        return now + dt.timedelta(hours=int(match.group(1)))
    match = _RELATIVE_DAYS.fullmatch(cleaned)
    if match:
        return now + dt.timedelta(days=int(match.group(1)))
    match = _WITH_TIME.fullmatch(cleaned)
    if match is None:
        try:
            day = parse_date_text(cleaned, today=now.date(), field=field)
        except EntryInvalid as error:
            if "is not a date" not in str(error):
                raise
            message = f"'{cleaned}' is not a time; write 2026-11-30 15:00, +1 15:00 or 15:00"
            raise EntryInvalid([Problem(field, message)]) from None
        return dt.datetime.combine(day, dt.time())
    date_text = match.group("date")
    day = (
        now.date()
        if date_text is None
        else parse_date_text(date_text, today=now.date(), field=field)
    )
    hour, minute, second = int(match.group("h")), int(match.group("m")), int(match.group("s") or 0)
    if hour > 23 or minute > 59 or second > 59:
        shown = cleaned[len(date_text or "") :].strip(" T")
        raise EntryInvalid([Problem(field, f"the time '{shown}' does not exist")])
    moment = dt.datetime.combine(day, dt.time(hour, minute, second))
    offset = match.group("tz")
    if offset:
        from callqueue.clock import parse_moment

        zone = "+00:00" if offset.upper() == "Z" else offset
        return parse_moment(f"{moment.isoformat()}{zone}")
    return moment


def parse_periods_text(text: str, *, field: str = "periods") -> tuple[str, ...]:
    """Billing periods typed by a user: `2026-08,2026-09` (also `2026年8月`, `202608`)."""
    parts = [p for p in re.split(r"[,，;；、\s]+", clean_text(text)) if p]
    if not parts:
        raise EntryInvalid([Problem(field, "is empty; write periods like 2026-08,2026-09")])
    periods: list[str] = []
    bad: list[str] = []
    for part in parts:
        try:
            period = parse_period(part)
        except ValueProblem as error:
            bad.append(_value_message(error, "period"))
            continue
        if period not in periods:
            periods.append(period)
    if bad:
        raise EntryInvalid([Problem(field, "; ".join(bad))])
    return tuple(periods)


class TextFields:
    """Parses several typed fields, collecting every problem instead of stopping at one.

    Each method returns None for empty text (an optional field) or bad text (a problem is
    kept in `problems`), so a form or the CLI can report all fields' problems together.
    """

    def __init__(self, *, now: dt.datetime) -> None:
        self.now = now
        self.problems: list[Problem] = []

    def _keep(self, error: EntryInvalid) -> None:
        self.problems.extend(error.problems)

    def amount(self, field: str, text: str | None) -> Decimal | None:
        if text is None or not clean_text(text):
            return None
        try:
            return parse_amount_text(text, field=field)
        except EntryInvalid as error:
            self._keep(error)
            return None

    def date(self, field: str, text: str | None) -> dt.date | None:
        if text is None or not clean_text(text):
            return None
        try:
            return parse_date_text(text, today=self.now.date(), field=field)
        except EntryInvalid as error:
            self._keep(error)
            return None

    def datetime(self, field: str, text: str | None) -> dt.datetime | None:
        if text is None or not clean_text(text):
            return None
        try:
            return parse_datetime_text(text, now=self.now, field=field)
        except EntryInvalid as error:
            self._keep(error)
            return None

    def periods(self, field: str, text: str | None) -> tuple[str, ...] | None:
        if text is None or not clean_text(text):
            return None
        try:
            return parse_periods_text(text, field=field)
        except EntryInvalid as error:
            self._keep(error)
            return None

    def require(self, field: str, value: object, message: str) -> None:
        """Note a problem when a required value is missing (None) and did not fail parsing."""
        if value is None and not any(p.field == field for p in self.problems):
            self.problems.append(Problem(field, message))
