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
Free text (notes, proof, reasons, descriptions, receipt numbers) is kept without control
characters: every entry cleans it with `safe_text.clean_input` when it is made, so the
CLI, the app's forms and the savers all see and store the cleaned text.

Messages are in the current language (`callqueue.i18n`), made when the problem is found;
field names are codes (the entry's field names), never translated.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from callqueue.household_key import parse_key
from callqueue.i18n import (
    SOURCE_LANGUAGE,
    _,
    code_words,
    current_language,
    join_clauses,
    join_list,
    join_words,
    outcome_label,
    payment_channel_label,
    pgettext,
)
from callqueue.ledger.values import (
    NOT_A_DATE,
    ValueProblem,
    clean_text,
    parse_date,
    parse_money,
    parse_period,
    parse_phones,
)
from callqueue.money import CENT, ZERO, format_yuan
from callqueue.policy import Policy
from callqueue.safe_text import clean_input
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
    """One thing wrong with an entry: the entry's field name and a message in the current
    language."""

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


def _channel_plural(channel: ContactChannel) -> str:
    """ "calls", "visits"…: what an outcome is for, in the current language."""
    words = {
        ContactChannel.CALL: pgettext("channels", "calls"),
        ContactChannel.VISIT: pgettext("channels", "visits"),
        ContactChannel.SMS: pgettext("channels", "SMS"),
        ContactChannel.LETTER: pgettext("channels", "letters"),
        ContactChannel.NOTICE: pgettext("channels", "notices"),
    }
    return words[channel]


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

_FREE_TEXT = frozenset({"note", "proof", "reason", "description", "receipt_no", "late_reason"})
"""The fields of an entry that hold what people typed in their own words."""


class _FreeText:
    """An entry whose free-text fields are cleaned when it is made (`clean_input`: no
    control characters, line breaks as newlines, a tab as a space)."""

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if field.name in _FREE_TEXT and isinstance(value, str):
                object.__setattr__(self, field.name, clean_input(value))


@dataclass(frozen=True)
class OutcomeEntry(_FreeText):
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
    late_reason: str | None = None  # why it is entered over 7 days late (leaders only)


@dataclass(frozen=True)
class PromiseEntry(_FreeText):
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
    late_reason: str | None = None  # why it is entered over 7 days late (leaders only)


@dataclass(frozen=True)
class ComplaintEntry(_FreeText):
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
    late_reason: str | None = None  # why it is entered over 7 days late (leaders only)


@dataclass(frozen=True)
class ComplaintProgressEntry(_FreeText):
    """Progress on a complaint; `note` is what was done, or (closing) what the owner was told.

    With `household_key`, the complaint must be that household's.
    """

    complaint_id: int
    staff_code: str
    at: dt.datetime
    status: str
    note: str
    household_key: str | None = None
    late_reason: str | None = None  # why it is entered over 7 days late (leaders only)


@dataclass(frozen=True)
class PaymentEntry(_FreeText):
    """Money received. `periods` (YYYY-MM) names the charges the payer wants settled."""

    household_key: str
    staff_code: str
    at: dt.datetime
    amount: Decimal
    channel: str
    receipt_no: str | None
    periods: tuple[str, ...] | None = None
    note: str | None = None
    late_reason: str | None = None  # why it is entered over 7 days late (leaders only)


@dataclass(frozen=True)
class LetterEntry(_FreeText):
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
    late_reason: str | None = None  # why it is entered over 7 days late (leaders only)


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
        problems.append(Problem("staff_code", _("say who records this (a staff code)")))
    if at > now:
        problems.append(
            Problem(
                "at",
                _("{at} is in the future (it is now {now})").format(
                    at=f"{at:%Y-%m-%d %H:%M}", now=f"{now:%Y-%m-%d %H:%M}"
                ),
            )
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
        problems.append(
            Problem(
                field,
                _("is {length} characters; at most {limit}").format(
                    length=f"{len(text):,}", limit=f"{limit:,}"
                ),
            )
        )


def _check_amount(problems: list[Problem], field: str, amount: Decimal) -> bool:
    """Positive with at most two decimals; False (with a problem) otherwise."""
    if not amount.is_finite():
        problems.append(Problem(field, _("{amount} is not an amount").format(amount=amount)))
        return False
    if amount <= ZERO:
        problems.append(
            Problem(field, _("must be more than 0, not {amount}").format(amount=amount))
        )
        return False
    if amount != amount.quantize(CENT):
        problems.append(
            Problem(field, _("{amount} has more than 2 decimal places").format(amount=amount))
        )
        return False
    return True


def _check_not_over(
    problems: list[Problem], amount: Decimal, outstanding: Decimal | None, *, paying: bool
) -> None:
    if outstanding is not None and amount > outstanding:
        if paying:
            template = _(
                "{amount} is more than the {outstanding} outstanding; "
                "callqueue records no credit balances"
            )
        else:
            template = _("{amount} is more than the {outstanding} outstanding")
        problems.append(
            Problem(
                "amount",
                template.format(amount=format_yuan(amount), outstanding=format_yuan(outstanding)),
            )
        )


def _choice(
    problems: list[Problem], field: str, value: str, allowed: Iterable[str], template: str
) -> bool:
    """True when `value` is one of `allowed`; else a problem from `template` (translated,
    with {value} and {options}: the codes the CLI accepts)."""
    options = list(allowed)
    if value in options:
        return True
    problems.append(Problem(field, template.format(value=repr(value), options=join_list(options))))
    return False


def _quote(text: str) -> str:
    """A value as messages quote it: '2026-02-30' (English), “2026-02-30” (Chinese)."""
    return pgettext("quoted value", "'{value}'").format(value=text)


def normalise_phone(text: str) -> str:
    """One phone number as stored (`13812345678`, `0755-83456789`); ValueError otherwise."""
    try:
        numbers = parse_phones(text)
    except ValueProblem as error:
        raise ValueError(error.detail) from None
    if len(numbers) != 1:
        raise ValueError(_("{text} is not one phone number").format(text=repr(text)))
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
                _("delivery needs proof: a tracking number, a signed receipt or a photo reference"),
            )
        )
    _check_text(problems, "proof", proof, PROOF_MAX)


# --- validators ---------------------------------------------------------------------------


def validate_outcome(entry: OutcomeEntry, *, now: dt.datetime) -> list[Problem]:
    """Every problem with an outcome entry that the database is not needed for."""
    problems: list[Problem] = []
    _check_common(problems, entry.household_key, entry.staff_code, entry.at, now)
    channel_ok = _choice(
        problems,
        "channel",
        entry.channel,
        [c.value for c in ContactChannel],
        _("{value} is not a channel; use one of {options}"),
    )
    outcome_ok = _choice(
        problems,
        "outcome",
        entry.outcome,
        [o.value for o in ContactOutcome],
        _("{value} is not a contact outcome; use one of {options}"),
    )
    channel = ContactChannel(entry.channel) if channel_ok else None
    outcome = ContactOutcome(entry.outcome) if outcome_ok else None
    if channel is ContactChannel.LETTER:
        problems.append(
            Problem("channel", _("record letters as a letter entry (kind, deadline, proof)"))
        )
        channel = None
    if outcome is ContactOutcome.PROMISE:
        problems.append(Problem("outcome", _("use a promise entry (date and amount)")))
    elif outcome is ContactOutcome.PAID_ON_SPOT:
        problems.append(
            Problem("outcome", _("record a payment (with the visit) instead: it is allocated too"))
        )
    elif (
        channel is not None and outcome is not None and outcome not in OUTCOMES_BY_CHANNEL[channel]
    ):
        allowed = [_channel_plural(c) for c, o in OUTCOMES_BY_CHANNEL.items() if outcome in o]
        problems.append(
            Problem(
                "outcome",
                _("{outcome} is for {allowed}, not {channel}").format(
                    outcome=_code_shown(outcome_label, outcome.value),
                    allowed=join_words(allowed),
                    channel=_channel_plural(channel),
                ),
            )
        )
    if outcome is ContactOutcome.CALLBACK:
        if entry.callback_at is None:
            problems.append(Problem("callback_at", _("a callback needs the time to call back")))
        elif entry.callback_at <= entry.at:
            problems.append(
                Problem(
                    "callback_at",
                    _("{callback} is not after the contact ({at})").format(
                        callback=f"{entry.callback_at:%Y-%m-%d %H:%M}",
                        at=f"{entry.at:%Y-%m-%d %H:%M}",
                    ),
                )
            )
        elif entry.callback_at > entry.at + dt.timedelta(days=CALLBACK_MAX_DAYS):
            problems.append(
                Problem(
                    "callback_at",
                    _(
                        "{callback} is more than {days} days ahead; the queue brings the "
                        "household back before then"
                    ).format(
                        callback=f"{entry.callback_at:%Y-%m-%d %H:%M}", days=CALLBACK_MAX_DAYS
                    ),
                )
            )
    elif entry.callback_at is not None and outcome is not None:
        problems.append(Problem("callback_at", _("only a callback outcome has a callback time")))
    if outcome in _NEEDS_NOTE and channel in _CONVERSATION_CHANNELS and _blank(entry.note):
        problems.append(
            Problem(
                "note",
                _("write what the owner said: the note is what makes the contact evidence"),
            )
        )
    _check_text(problems, "note", entry.note, NOTE_MAX)
    if entry.phone_number is not None:
        if channel is not None and channel not in _PHONE_CHANNELS:
            problems.append(Problem("phone_number", _("only calls and SMS have a phone number")))
        else:
            _check_phone(problems, entry.phone_number)
    _check_proof(problems, outcome is ContactOutcome.DELIVERED, entry.proof)
    if entry.category is not None:
        if outcome is not None and outcome is not ContactOutcome.DISPUTE:
            problems.append(Problem("category", _("only a dispute has a complaint category")))
        else:
            _choice(
                problems,
                "category",
                entry.category,
                [c.value for c in ComplaintCategory],
                _("{value} is not a complaint category; use one of {options}"),
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
        _("{value} is not a channel for a promise; use one of {options}"),
    )
    day = entry.at.date()
    rules = policy.promises
    if entry.promised_date < day:
        problems.append(
            Problem(
                "promised_date",
                _("{date} is in the past (promised on {day})").format(
                    date=entry.promised_date, day=day
                ),
            )
        )
    elif entry.instalment:
        if entry.promised_date > day + dt.timedelta(days=INSTALMENT_MAX_DAYS):
            problems.append(
                Problem(
                    "promised_date",
                    _("{date} is more than a year ahead; record the next instalment's date").format(
                        date=entry.promised_date
                    ),
                )
            )
    elif entry.promised_date > day + dt.timedelta(days=rules.max_days):
        latest = day + dt.timedelta(days=rules.max_days)
        problems.append(
            Problem(
                "promised_date",
                _(
                    "{date} is more than {days} days ahead (latest {latest}); a later date is an "
                    "instalment plan with a reason"
                ).format(date=entry.promised_date, days=rules.max_days, latest=latest),
            )
        )
    if entry.instalment and _blank(entry.reason):
        problems.append(Problem("reason", _("an instalment plan needs a reason (e.g. hardship)")))
    _check_text(problems, "reason", entry.reason, REASON_MAX)
    if entry.amount is not None and _check_amount(problems, "amount", entry.amount):
        _check_not_over(problems, entry.amount, outstanding, paying=False)
    if entry.method is not None:
        _choice(
            problems,
            "method",
            entry.method,
            PROMISE_METHODS,
            _("{value} is not a payment method; use one of {options}"),
        )
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
        _("{value} is not a complaint category; use one of {options}"),
    )
    if category_ok and entry.category == ComplaintCategory.OUTSIDE_DUTY and entry.within_duty:
        problems.append(
            Problem(
                "within_duty",
                _(
                    "a matter outside the company's duty is not within duty; explain it to the "
                    "owner and offer a way to solve it"
                ),
            )
        )
    _check_text(
        problems,
        "description",
        entry.description,
        DESCRIPTION_MAX,
        required=_("say what the owner complains about or asks for"),
    )
    if entry.handler_code is not None and _blank(entry.handler_code):
        problems.append(Problem("handler_code", _("is empty; leave it out or name a staff code")))
    if entry.report_back_on is not None and entry.report_back_on < entry.at.date():
        problems.append(
            Problem(
                "report_back_on",
                _("{date} is before the complaint ({day})").format(
                    date=entry.report_back_on, day=entry.at.date()
                ),
            )
        )
    return problems


def validate_progress(entry: ComplaintProgressEntry, *, now: dt.datetime) -> list[Problem]:
    """Every problem with a progress update, except those the complaint itself decides."""
    problems: list[Problem] = []
    _check_common(problems, entry.household_key, entry.staff_code, entry.at, now)
    if entry.complaint_id <= 0:
        problems.append(
            Problem(
                "complaint_id",
                _("{id} is not a complaint number").format(id=entry.complaint_id),
            )
        )
    status_ok = _choice(
        problems,
        "status",
        entry.status,
        PROGRESS_STATUSES,
        _("{value} is not a progress status; use one of {options}"),
    )
    if status_ok and entry.status == ComplaintStatus.CLOSED:
        required = _("say what the owner was told of the result")
    elif status_ok and entry.status == ComplaintStatus.RESOLVED:
        required = _("say how it was resolved")
    else:
        required = _("say what was done")
    _check_text(problems, "note", entry.note, DESCRIPTION_MAX, required=required)
    return problems


def validate_payment(
    entry: PaymentEntry, *, now: dt.datetime, outstanding: Decimal | None = None
) -> list[Problem]:
    """Every problem with a payment; `outstanding` (what may be paid) when known."""
    problems: list[Problem] = []
    _check_common(problems, entry.household_key, entry.staff_code, entry.at, now)
    if _check_amount(problems, "amount", entry.amount):
        _check_not_over(problems, entry.amount, outstanding, paying=True)
    channel_ok = _choice(
        problems,
        "channel",
        entry.channel,
        [c.value for c in PaymentChannel],
        _("{value} is not a payment channel; use one of {options}"),
    )
    if (
        channel_ok
        and PaymentChannel(entry.channel) in RECEIPT_REQUIRED
        and _blank(entry.receipt_no)
    ):
        problems.append(
            Problem(
                "receipt_no",
                _("a {channel} payment needs the receipt number").format(
                    channel=code_words(payment_channel_label, entry.channel)
                ),
            )
        )
    if entry.receipt_no is not None and len(entry.receipt_no.strip()) > RECEIPT_MAX:
        problems.append(
            Problem("receipt_no", _("is longer than {limit} characters").format(limit=RECEIPT_MAX))
        )
    if entry.periods is not None:
        if not entry.periods:
            problems.append(Problem("periods", _("name at least one period, or leave it out")))
        bad = [p for p in entry.periods if not _is_period(p)]
        if bad:
            problems.append(
                Problem(
                    "periods",
                    _("{periods}: write periods like 2026-08").format(
                        periods=join_list(map(repr, bad))
                    ),
                )
            )
    _check_text(problems, "note", entry.note, NOTE_MAX)
    return problems


def validate_letter(entry: LetterEntry, *, now: dt.datetime, policy: Policy) -> list[Problem]:
    """Every problem with a letter entry."""
    problems: list[Problem] = []
    _check_common(problems, entry.household_key, entry.staff_code, entry.at, now)
    kind_ok = _choice(
        problems,
        "kind",
        entry.kind,
        [k.value for k in LetterKind],
        _("{value} is not a letter kind; use one of {options}"),
    )
    day = entry.at.date()
    deadline = entry.deadline
    if kind_ok and entry.kind == LetterKind.WRITTEN_DEMAND:
        deadline = deadline or default_demand_deadline(entry.at, policy)
        earliest = day + dt.timedelta(days=WRITTEN_DEMAND_MIN_DAYS)
        if deadline < earliest:
            problems.append(
                Problem(
                    "deadline",
                    _(
                        "a written demand gives at least {days} days to pay: {earliest} or later, "
                        "not {deadline}"
                    ).format(days=WRITTEN_DEMAND_MIN_DAYS, earliest=earliest, deadline=deadline),
                )
            )
    elif deadline is not None and deadline <= day:
        problems.append(
            Problem(
                "deadline",
                _("{deadline} is not after the letter ({day})").format(deadline=deadline, day=day),
            )
        )
    _check_proof(problems, entry.delivered, entry.proof)
    _check_text(problems, "note", entry.note, NOTE_MAX)
    return problems


_PERIOD = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


def _is_period(text: str) -> bool:
    return bool(_PERIOD.fullmatch(text))


# --- text typed by users ------------------------------------------------------------------


def _code_shown(label: Callable[[str], str], code: str) -> str:
    """A code in a message: 'not_home' (English: what the CLI takes), “无人在家” (Chinese)."""
    return repr(code) if current_language() == SOURCE_LANGUAGE else _quote(label(code))


class _NotADate(EntryInvalid):
    """The text is no date at all (not a bad one): a time may be meant."""


def parse_amount_text(text: str, *, field: str = "amount") -> Decimal:
    """An amount typed by a user: `1234.5`, `1,234.50`, `¥300`, `300元`. Exact, never rounded.

    Raises `EntryInvalid` (one problem on `field`) for empty, negative, non-numeric amounts
    or amounts with more than two decimals.
    """
    cleaned = clean_text(text)
    if not cleaned:
        raise EntryInvalid([Problem(field, _("is empty; write an amount like 300 or 1,234.50"))])
    try:
        return parse_money(cleaned)
    except ValueProblem as error:
        raise EntryInvalid([Problem(field, error.detail)]) from None


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
        raise EntryInvalid([Problem(field, _("is empty; write a date like 2026-11-30 or +3"))])
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
                [
                    Problem(
                        field,
                        _("{value} does not exist in {year}").format(
                            value=_quote(cleaned), year=today.year
                        ),
                    )
                ]
            ) from None
    try:
        return parse_date(cleaned)
    except ValueProblem as error:
        if error.code != NOT_A_DATE:
            raise EntryInvalid([Problem(field, error.detail)]) from None
        message = _("{value} is not a date; write 2026-11-30, 11-30 or +3 (days from today)")
        raise _NotADate([Problem(field, message.format(value=_quote(cleaned)))]) from None


def parse_datetime_text(text: str, *, now: dt.datetime, field: str = "at") -> dt.datetime:
    """A moment typed by a user (China Standard Time), relative to the clock `now`.

    `2026-11-30T15:00`, `2026-11-30 15:00`, `11-30 15:00`, `+1 15:00` (tomorrow at 15:00),
    `15:00` (today), `+2h` (two hours from now), `+1` (this time tomorrow), a date alone
    (midnight), or a time with an offset (`2026-11-30T07:00Z`, converted).
    """
    cleaned = clean_text(text)
    if not cleaned:
        raise EntryInvalid([Problem(field, _("is empty; write a time like 2026-11-30 15:00"))])
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
        except _NotADate:
            message = _("{value} is not a time; write 2026-11-30 15:00, +1 15:00 or 15:00")
            raise EntryInvalid([Problem(field, message.format(value=_quote(cleaned)))]) from None
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
        raise EntryInvalid(
            [Problem(field, _("the time {value} does not exist").format(value=_quote(shown)))]
        )
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
        raise EntryInvalid([Problem(field, _("is empty; write periods like 2026-08,2026-09"))])
    periods: list[str] = []
    bad: list[str] = []
    for part in parts:
        try:
            period = parse_period(part)
        except ValueProblem as error:
            bad.append(error.detail)
            continue
        if period not in periods:
            periods.append(period)
    if bad:
        raise EntryInvalid([Problem(field, join_clauses(bad))])
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
