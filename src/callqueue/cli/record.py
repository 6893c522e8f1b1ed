"""`callqueue record`: record a contact outcome, promise, complaint, complaint progress,
payment or letter for one household, through the same entries and saves as the app.

Every problem with the input is printed at once, and nothing is written unless all is well.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING, Any, TypeAlias

from callqueue.cli.common import EXIT_BAD_INPUT, Commands, open_store_for, policy_for, signed_in
from callqueue.i18n import SOURCE_LANGUAGE, _, current_language, fee_label, pgettext

if TYPE_CHECKING:
    from callqueue.policy import Policy
    from callqueue.recording.corrections import ContactCorrection, PaymentReversal
    from callqueue.recording.entries import (
        ComplaintEntry,
        ComplaintProgressEntry,
        LetterEntry,
        OutcomeEntry,
        PaymentEntry,
        Problem,
        PromiseEntry,
        TextFields,
    )
    from callqueue.recording.save import Recorded
    from callqueue.store.database import Store

    Entry: TypeAlias = (
        OutcomeEntry
        | PromiseEntry
        | ComplaintEntry
        | ComplaintProgressEntry
        | PaymentEntry
        | LetterEntry
        | ContactCorrection
        | PaymentReversal
    )

KINDS = (
    "outcome", "promise", "complaint", "progress", "payment", "letter", "correct", "reverse",
)  # fmt: skip

# The options each kind uses (argparse dests); any other option given is a mistake.
USED: dict[str, frozenset[str]] = {
    "outcome": frozenset({"channel", "outcome", "note", "phone", "callback", "proof", "category",
                          "late_reason"}),
    "promise": frozenset(
        {"date", "amount", "method", "instalment", "reason", "note", "channel", "phone",
         "late_reason"}
    ),
    "complaint": frozenset(
        {"category", "outside_duty", "description", "handler_code", "report_back", "dispute",
         "late_reason"}
    ),
    "progress": frozenset({"complaint", "status", "note", "late_reason"}),
    "payment": frozenset({"amount", "pay_channel", "receipt", "periods", "note", "visit",
                          "late_reason"}),
    "letter": frozenset({"letter_kind", "delivered", "proof", "deadline", "note", "late_reason"}),
    "correct": frozenset({"contact", "reason", "outcome", "channel", "note", "phone", "proof",
                          "callback", "deadline"}),
    "reverse": frozenset({"payment", "reason"}),
}  # fmt: skip
OPTION_NAMES = {
    "channel": "--channel", "outcome": "--outcome", "note": "--note", "phone": "--phone",
    "callback": "--callback", "proof": "--proof", "date": "--date", "amount": "--amount",
    "method": "--method", "instalment": "--instalment", "reason": "--reason",
    "category": "--category", "outside_duty": "--outside-duty", "description": "--description",
    "handler_code": "--handler", "report_back": "--report-back", "dispute": "--dispute",
    "complaint": "--complaint", "status": "--status", "receipt": "--receipt",
    "periods": "--periods", "pay_channel": "--pay-channel", "visit": "--visit",
    "letter_kind": "--kind", "delivered": "--delivered", "deadline": "--deadline",
    "contact": "--contact", "payment": "--payment", "late_reason": "--late-reason",
}  # fmt: skip

# Entry fields whose option is spelled differently, shown as `field (--option)`.
FIELD_OPTIONS = {
    "household_key": "HOUSEHOLD_KEY", "staff_code": "--as", "at": "--at",
    "promised_date": "--date", "callback_at": "--callback", "phone_number": "--phone",
    "handler_code": "--handler", "report_back_on": "--report-back",
    "within_duty": "--outside-duty", "pauses_collection": "--dispute",
    "complaint_id": "--complaint", "receipt_no": "--receipt", "contact_id": "--contact",
    "payment_id": "--payment",
}  # fmt: skip

EPILOG = """\
kinds and their options:
  outcome    --outcome OUTCOME [--channel call|visit|sms|notice] [--note] [--phone]
             [--callback TIME] [--proof] [--category (of a dispute)]
  promise    [--date DATE|+3] [--amount] [--method] [--instalment --reason] [--note]
  complaint  --category --description [--outside-duty] [--handler CODE]
             [--report-back DATE] [--dispute (owner withholds payment)]
  progress   --complaint ID --status in_progress|resolved|closed --note
  payment    --amount --pay-channel [--receipt (cash, pos)] [--periods 2026-08,2026-09]
             [--visit (paid on the spot)] [--note]
  letter     --kind written_demand|collection_letter|lawyer_letter|reminder
             [--delivered --proof] [--deadline DATE] [--note]
  correct    --contact ID --reason WHY [--outcome] [--channel] [--note] [--phone] [--proof]
             [--callback TIME] [--deadline DATE]: a new entry pointing at the contact;
             what is not given stays as recorded (docs/history.md)
  reverse    --payment ID --reason WHY: a negative payment pointing at the payment
any kind but correct and reverse: [--late-reason WHY] (over 7 days late: leaders only)
dates: 2026-11-30, 11-30, +3 (days from today); times: 2026-11-30 15:00, +1 15:00, 15:00
"""


def register(commands: Commands) -> None:
    rec = commands.add(
        "record", cmd_record, "record an outcome, promise, complaint, progress, payment or letter"
    )
    rec.formatter_class = argparse.RawDescriptionHelpFormatter
    rec.epilog = EPILOG
    rec.add_argument("household", metavar="HOUSEHOLD_KEY", help="e.g. 6-2-1203")
    rec.add_argument("record_kind", metavar="KIND", choices=KINDS, help=" | ".join(KINDS))
    text = {
        "--channel": "call, visit, sms or notice (outcome, promise; default call)",
        "--outcome": "what came of the contact, e.g. no_answer, refused, dispute, callback",
        "--note": "what the owner said / what was done",
        "--phone": "the number called",
        "--callback": "when to call back (outcome callback)",
        "--proof": "proof of delivery: tracking number, signed receipt, photo reference",
        "--date": "the promised payment date (default: the policy's default days out)",
        "--amount": "amount in yuan, e.g. 352.80",
        "--method": "how the owner will pay: cash, pos, wechat, alipay, bank_transfer, pickup",
        "--reason": "why an instalment plan; why a correction or reversal",
        "--category": "complaint category: service, cleaning, security, greening, facilities, "
        "parking, noise, outside_duty",
        "--description": "what the complaint or request is",
        "--handler": "staff code of who handles the complaint",
        "--report-back": "when to tell the owner the progress",
        "--complaint": "complaint number (progress)",
        "--status": "in_progress, resolved or closed (progress)",
        "--receipt": "receipt number (required for cash and POS)",
        "--periods": "settle only these periods, e.g. 2026-08,2026-09",
        "--pay-channel": "cash, pos, wechat, alipay or bank_transfer",
        "--kind": "letter kind: reminder, written_demand, collection_letter, lawyer_letter",
        "--deadline": "the payment deadline the letter gives",
        "--contact": "the contact to correct (its number: contacts#N in `callqueue audit`)",
        "--payment": "the payment to reverse (its number: payments#N in `callqueue audit`)",
        "--late-reason": "why it is entered more than 7 days after it happened (team leaders "
        "and managers, up to 30 days; kept in the audit log)",
    }
    dests = {"--kind": "letter_kind", "--handler": "handler_code"}  # `handler`: the command
    metavars = {
        "--callback": "TIME", "--date": "DATE", "--report-back": "DATE", "--deadline": "DATE",
        "--handler": "CODE", "--complaint": "ID", "--receipt": "NUMBER", "--kind": "KIND",
        "--pay-channel": "CHANNEL", "--contact": "ID", "--payment": "ID",
    }  # fmt: skip
    for option, help_ in text.items():
        metavar = metavars.get(option, option.lstrip("-").upper())
        rec.add_argument(option, dest=dests.get(option), metavar=metavar, default=None, help=help_)
    flags = {
        "--instalment": "the promise is an instalment plan (needs --reason)",
        "--outside-duty": "the matter is outside the property company's duty",
        "--dispute": "the owner withholds payment until this is resolved",
        "--visit": "paid on the spot during a visit (records the visit too)",
        "--delivered": "delivery is proven (needs --proof)",
    }
    for option, help_ in flags.items():
        rec.add_argument(option, action="store_true", help=help_)


def cmd_record(args: argparse.Namespace) -> int:
    kind: str = args.record_kind
    now: dt.datetime = args.moment
    policy = policy_for(args)
    store = open_store_for(args)
    try:
        with store.session() as session:
            access = signed_in(args, store, session)  # before anything is read or written
        if access.code is not None:  # on a shared database: who signed in, never another
            args.staff = access.code
        return _record(args, store, kind, now, policy)
    finally:
        store.close()


def _record(
    args: argparse.Namespace, store: Store, kind: str, now: dt.datetime, policy: Policy
) -> int:
    from callqueue.recording.entries import Problem, TextFields, order_problems

    fields = TextFields(now=now)
    unused = [
        Problem(
            OPTION_NAMES[dest],
            _("is not used when recording a {kind}").format(kind=_kind_word(kind)),
        )
        for dest in OPTION_NAMES
        if dest not in USED[kind] and getattr(args, dest, None) not in (None, False)
    ]
    entry = _build(kind, args, fields, policy)
    if fields.problems or unused:
        # Something typed could not be read: report it with every other problem the entry
        # has (without the database), and write nothing.
        parsed = {p.field for p in fields.problems}
        rest = [p for p in _validate(entry, now, policy) if p.field not in parsed]
        return _refuse(kind, [*unused, *order_problems([*fields.problems, *rest], entry)])
    try:
        recorded = _save(store, entry, now, policy, visit=args.visit)
    except _Invalid as invalid:
        return _refuse(kind, invalid.problems)
    _print(recorded)
    return 0


class _Invalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


def _kind_word(kind: str) -> str:
    """A kind of record: the code in English ("a payment"), words in any other language."""
    if current_language() == SOURCE_LANGUAGE:
        return kind
    words = {
        "outcome": pgettext("record kind", "contact outcome"),
        "promise": pgettext("record kind", "promise to pay"),
        "complaint": pgettext("record kind", "complaint"),
        "progress": pgettext("record kind", "complaint progress"),
        "payment": pgettext("record kind", "payment"),
        "letter": pgettext("record kind", "letter"),
        "correct": pgettext("record kind", "correction"),
        "reverse": pgettext("record kind", "payment reversal"),
    }
    return words.get(kind, kind)


def _field_word(field: str) -> str:
    """An entry's field: its name in English (`promised_date`), words in any other language."""
    if current_language() == SOURCE_LANGUAGE:
        return field
    words = {
        "household_key": pgettext("record field", "household"),
        "staff_code": pgettext("record field", "staff code"),
        "at": pgettext("record field", "time recorded"),
        "channel": pgettext("record field", "channel"),
        "outcome": pgettext("record field", "outcome"),
        "note": pgettext("record field", "note"),
        "phone_number": pgettext("record field", "number dialled"),
        "callback_at": pgettext("record field", "callback time"),
        "proof": pgettext("record field", "proof of delivery"),
        "category": pgettext("record field", "complaint category"),
        "promised_date": pgettext("record field", "promised date"),
        "amount": pgettext("record field", "amount"),
        "method": pgettext("record field", "how they will pay"),
        "instalment": pgettext("record field", "instalment plan"),
        "reason": pgettext("record field", "reason"),
        "within_duty": pgettext("record field", "within the company's duty"),
        "description": pgettext("record field", "description"),
        "handler_code": pgettext("record field", "handler"),
        "report_back_on": pgettext("record field", "report back by"),
        "pauses_collection": pgettext("record field", "dispute"),
        "complaint_id": pgettext("record field", "complaint number"),
        "status": pgettext("record field", "progress status"),
        "receipt_no": pgettext("record field", "receipt number"),
        "periods": pgettext("record field", "periods"),
        "kind": pgettext("record field", "kind of letter"),
        "delivered": pgettext("record field", "delivered"),
        "deadline": pgettext("record field", "payment deadline"),
        "contact_id": pgettext("record field", "contact number"),
        "payment_id": pgettext("record field", "payment number"),
    }
    return words.get(field, field)


def problem_lines(kind: str, problems: list[Problem]) -> list[str]:
    """The refusal: a first line, then each problem under its field (and option)."""
    lines = [_("callqueue: nothing was recorded:")]
    for problem in problems:
        field = problem.field
        option = FIELD_OPTIONS.get(field)
        if kind == "payment" and field == "channel":
            option = "--pay-channel"
        if option is None and current_language() != SOURCE_LANGUAGE:
            # English names the field by the option's own word (`amount`); other languages
            # translate the field, so they show the option too: 金额（--amount）.
            same = "--" + field.replace("_", "-")
            option = same if same in OPTION_NAMES.values() else None
        if option and not field.startswith("-"):
            label = pgettext("record field", "{field} ({option})").format(
                field=_field_word(field), option=option
            )
        else:
            label = _field_word(field)
        lines.append(
            "  "
            + pgettext("record problem", "{field}: {problem}").format(
                field=label, problem=problem.message
            )
        )
    return lines


def _refuse(kind: str, problems: list[Problem]) -> int:
    for line in problem_lines(kind, problems):
        print(line, file=sys.stderr)
    return EXIT_BAD_INPUT


def recorded_lines(recorded: Recorded) -> list[str]:
    """What was recorded, and for a payment each charge it went to."""
    from callqueue.ledger.values import FEE_TYPE_LABELS_ZH

    english = current_language() == SOURCE_LANGUAGE
    lines = [recorded.summary]
    for part in recorded.allocations:
        label = (
            FEE_TYPE_LABELS_ZH.get(part.fee_type, part.fee_type)
            if english
            else fee_label(part.fee_type)
        )
        if part.left == 0:
            text = pgettext("allocation", "{period} {fee} {amount} settled").format(
                period=part.period, fee=label, amount=f"{part.amount:,.2f}"
            )
        else:
            text = pgettext("allocation", "{period} {fee} {amount} paid, {left} left").format(
                period=part.period,
                fee=label,
                amount=f"{part.amount:,.2f}",
                left=f"{part.left:,.2f}",
            )
        lines.append(f"  {text}")
    return lines


def _print(recorded: Recorded) -> None:
    for line in recorded_lines(recorded):
        print(line)


# --- building entries from the options -----------------------------------------------------


def _build(kind: str, args: argparse.Namespace, fields: TextFields, policy: Policy) -> Entry:
    """The entry for `kind`; values that could not be read are placeholders (their problems
    are in `fields`), so the rest of the entry can still be checked."""
    from decimal import Decimal

    from callqueue.recording import entries as e

    at: dt.datetime = args.moment
    key, staff = args.household, args.staff
    if kind == "outcome":
        fields.require(
            "outcome",
            args.outcome,
            _("say what came of the contact (e.g. no_answer, refused, dispute)"),
        )
        return e.OutcomeEntry(
            household_key=key,
            staff_code=staff,
            late_reason=args.late_reason,
            at=at,
            channel=args.channel or "call",
            outcome=args.outcome or "no_answer",
            note=args.note or "",
            phone_number=args.phone,
            callback_at=_or(fields.datetime("callback_at", args.callback), args.callback, at),
            proof=args.proof,
            category=args.category,
        )
    if kind == "promise":
        promised = fields.date("promised_date", args.date)
        return e.PromiseEntry(
            household_key=key,
            staff_code=staff,
            late_reason=args.late_reason,
            at=at,
            promised_date=promised or e.default_promise_date(at, policy),
            amount=_or(fields.amount("amount", args.amount), args.amount, Decimal("1.00")),
            method=args.method,
            instalment=args.instalment,
            reason=args.reason,
            note=args.note or "",
            channel=args.channel or "call",
            phone_number=args.phone,
        )
    if kind == "complaint":
        fields.require("category", args.category, _("say what the complaint is about"))
        category = args.category or "service"
        return e.ComplaintEntry(
            household_key=key,
            staff_code=staff,
            late_reason=args.late_reason,
            at=at,
            category=category,
            within_duty=not (args.outside_duty or category == "outside_duty"),
            description=args.description or "",
            handler_code=args.handler_code,
            report_back_on=_or(fields.date("report_back_on", args.report_back), args.report_back),
            pauses_collection=args.dispute,
        )
    if kind == "progress":
        complaint_id = _number("complaint_id", args.complaint, "--complaint", fields)
        fields.require("status", args.status, _("say in_progress, resolved or closed"))
        return e.ComplaintProgressEntry(
            complaint_id=complaint_id,
            staff_code=staff,
            late_reason=args.late_reason,
            at=at,
            status=args.status or "in_progress",
            note=args.note or "",
            household_key=key,
        )
    if kind == "payment":
        amount = fields.amount("amount", args.amount)
        fields.require("amount", amount, _("say how much was paid"))
        fields.require("channel", args.pay_channel, _("say how it was paid (--pay-channel)"))
        return e.PaymentEntry(
            household_key=key,
            staff_code=staff,
            late_reason=args.late_reason,
            at=at,
            amount=amount if amount is not None else Decimal("1.00"),  # a placeholder: required
            channel=args.pay_channel or "wechat",
            receipt_no=args.receipt,
            periods=fields.periods("periods", args.periods),
            note=args.note,
        )
    if kind in ("correct", "reverse"):
        return _correction(kind, args, fields)
    fields.require(
        "kind", args.letter_kind, _("say which letter (written_demand, collection_letter…)")
    )
    return e.LetterEntry(
        household_key=key,
        staff_code=staff,
        late_reason=args.late_reason,
        at=at,
        kind=args.letter_kind or "reminder",
        delivered=args.delivered,
        proof=args.proof,
        deadline=_or(fields.date("deadline", args.deadline), args.deadline),
        note=args.note or "",
    )


def _correction(kind: str, args: argparse.Namespace, fields: TextFields) -> Entry:
    from callqueue.recording import corrections as c

    at: dt.datetime = args.moment
    fields.require("reason", args.reason, _("say why (--reason)"))
    if kind == "reverse":
        return c.PaymentReversal(
            payment_id=_number("payment_id", args.payment, "--payment", fields),
            staff_code=args.staff,
            at=at,
            reason=args.reason or "",
            household_key=args.household,
        )
    return c.ContactCorrection(
        contact_id=_number("contact_id", args.contact, "--contact", fields),
        staff_code=args.staff,
        at=at,
        reason=args.reason or "",
        household_key=args.household,
        channel=args.channel,
        outcome=args.outcome,
        note=args.note,
        phone_number=args.phone,
        proof=args.proof,
        callback_at=_or(fields.datetime("callback_at", args.callback), args.callback, at),
        deadline=_or(fields.date("deadline", args.deadline), args.deadline),
    )


def _number(field: str, text: str | None, option: str, fields: TextFields) -> int:
    """A row number typed as `12` or `#12`; 1 as a placeholder when missing or unreadable."""
    from callqueue.recording.entries import Problem

    if text is None:
        fields.problems.append(
            Problem(field, _("say which one ({option} ID)").format(option=option))
        )
        return 1
    try:
        return int(text.strip().lstrip("#"))
    except ValueError:
        fields.problems.append(Problem(field, _("{id} is not a number").format(id=repr(text))))
        return 1


def _or(value: Any, typed: str | None, placeholder: Any = None) -> Any:
    """The parsed value; a placeholder when text was typed but could not be read."""
    if value is not None or typed is None:
        return value
    return placeholder


def _validate(entry: Entry, now: dt.datetime, policy: Policy) -> list[Problem]:
    from callqueue.recording import entries as e

    if isinstance(entry, e.OutcomeEntry):
        return e.validate_outcome(entry, now=now)
    if isinstance(entry, e.PromiseEntry):
        return e.validate_promise(entry, now=now, policy=policy)
    if isinstance(entry, e.ComplaintEntry):
        return e.validate_complaint(entry, now=now)
    if isinstance(entry, e.ComplaintProgressEntry):
        return e.validate_progress(entry, now=now)
    if isinstance(entry, e.PaymentEntry):
        return e.validate_payment(entry, now=now)
    if isinstance(entry, e.LetterEntry):
        return e.validate_letter(entry, now=now, policy=policy)
    return []  # a correction is checked against the row it corrects, in the database


def _save(store: Store, entry: Entry, now: dt.datetime, policy: Policy, *, visit: bool) -> Recorded:
    from callqueue.recording import entries as e
    from callqueue.recording import save as s

    try:
        if isinstance(entry, e.OutcomeEntry):
            return s.record_outcome(store, entry, now=now, policy=policy)
        if isinstance(entry, e.PromiseEntry):
            return s.record_promise(store, entry, now=now, policy=policy)
        if isinstance(entry, e.ComplaintEntry):
            return s.record_complaint(store, entry, now=now, policy=policy)
        if isinstance(entry, e.ComplaintProgressEntry):
            return s.record_complaint_progress(store, entry, now=now, policy=policy)
        if isinstance(entry, e.PaymentEntry):
            return s.record_payment(store, entry, now=now, policy=policy, visit=visit)
        if isinstance(entry, e.LetterEntry):
            return s.record_letter(store, entry, now=now, policy=policy)
        from callqueue.recording import corrections as c

        if isinstance(entry, c.ContactCorrection):
            return c.correct_contact(store, entry, now=now, policy=policy)
        return c.reverse_payment(store, entry, now=now, policy=policy)
    except e.EntryInvalid as invalid:
        raise _Invalid(invalid.problems) from None
