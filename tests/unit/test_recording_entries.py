"""Entries and their validators: every rule, every problem at once, keyed by field."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from callqueue.policy import DEFAULT_POLICY, Escalation, Policy, PromiseRules
from callqueue.recording.entries import (
    PROGRESS_STATUSES,
    PROMISE_METHODS,
    ComplaintEntry,
    ComplaintProgressEntry,
    EntryInvalid,
    LetterEntry,
    OutcomeEntry,
    PaymentEntry,
    Problem,
    PromiseEntry,
    TextFields,
    default_demand_deadline,
    default_promise_date,
    parse_amount_text,
    parse_date_text,
    parse_datetime_text,
    parse_periods_text,
    raise_if_any,
    validate_complaint,
    validate_letter,
    validate_outcome,
    validate_payment,
    validate_progress,
    validate_promise,
)
from callqueue.store.models import (
    ComplaintCategory,
    ContactChannel,
    ContactOutcome,
    LetterKind,
    PaymentChannel,
)
from tests.conftest import AT
from tests.i18n_checks import assert_chinese, language

D = Decimal
NOW = AT  # 2026-11-27 10:30
TODAY = AT.date()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def fields_of(problems: list[Problem]) -> list[str]:
    return [p.field for p in problems]


# --- outcomes -----------------------------------------------------------------------------

OUTCOME = OutcomeEntry("6-2-1203", "lina", AT, "call", "no_answer")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"outcome": "refused", "note": "says the lift is broken"}, []),
        ({"channel": "visit", "outcome": "not_home"}, []),
        ({"channel": "sms", "outcome": "sent"}, []),
        ({"channel": "notice", "outcome": "delivered", "proof": "photo IMG_0412"}, []),
        ({"outcome": "wrong_number", "phone_number": "138-1234-5670"}, []),
        (
            {
                "outcome": "callback",
                "note": "in a meeting",
                "callback_at": AT + dt.timedelta(hours=5),
            },
            [],
        ),
        ({"outcome": "dispute", "note": "parking fee wrong", "category": "parking"}, []),
        # outcome not valid for the channel
        ({"outcome": "not_home"}, ["outcome"]),
        ({"channel": "visit", "outcome": "no_answer"}, ["outcome"]),
        ({"channel": "visit", "outcome": "wrong_number"}, ["outcome"]),
        ({"channel": "sms", "outcome": "refused"}, ["outcome"]),
        ({"outcome": "sent"}, ["outcome"]),
        ({"outcome": "delivered", "proof": "SF1"}, ["outcome"]),
        # outcomes with entries of their own
        ({"outcome": "promise", "note": "x"}, ["outcome"]),
        ({"channel": "visit", "outcome": "paid_on_spot", "note": "x"}, ["outcome"]),
        ({"channel": "letter", "outcome": "sent"}, ["channel"]),
        # unknown vocabulary
        ({"channel": "fax"}, ["channel"]),
        ({"outcome": "maybe"}, ["outcome"]),
        # callbacks
        ({"outcome": "callback", "note": "busy"}, ["callback_at"]),
        (
            {"outcome": "callback", "note": "busy", "callback_at": AT - dt.timedelta(hours=1)},
            ["callback_at"],
        ),
        ({"outcome": "callback", "note": "busy", "callback_at": AT}, ["callback_at"]),
        (
            {"outcome": "callback", "note": "busy", "callback_at": AT + dt.timedelta(days=15)},
            ["callback_at"],
        ),
        ({"callback_at": AT + dt.timedelta(hours=1)}, ["callback_at"]),
        # a conversation needs a note; written channels need none
        ({"outcome": "refused"}, ["note"]),
        ({"outcome": "refused", "note": "   "}, ["note"]),
        ({"channel": "visit", "outcome": "will_pay"}, ["note"]),
        ({"outcome": "refused", "note": "x" * 1001}, ["note"]),
        ({"note": "x" * 1000}, []),
        # delivery needs proof
        ({"channel": "sms", "outcome": "delivered"}, ["proof"]),
        ({"channel": "sms", "outcome": "delivered", "proof": " "}, ["proof"]),
        # phones
        ({"phone_number": "1381234"}, ["phone_number"]),
        (
            {"channel": "visit", "outcome": "not_home", "phone_number": "13812345670"},
            ["phone_number"],
        ),
        # the dispute category
        ({"outcome": "dispute", "note": "x", "category": "weather"}, ["category"]),
        ({"category": "parking"}, ["category"]),
        # who, which household, when
        ({"household_key": "six"}, ["household_key"]),
        ({"staff_code": " "}, ["staff_code"]),
        ({"at": AT + dt.timedelta(minutes=1)}, ["at"]),
    ],
)
def test_outcome_rules(changes: dict[str, Any], expected: list[str]) -> None:
    entry = dataclasses.replace(OUTCOME, **changes)
    assert fields_of(validate_outcome(entry, now=NOW)) == expected


def test_outcome_reports_every_problem_at_once() -> None:
    entry = OutcomeEntry(
        "six", "", AT + dt.timedelta(hours=1), "sms", "refused", phone_number="12", proof=None
    )
    problems = validate_outcome(entry, now=NOW)
    assert sorted(fields_of(problems)) == sorted(
        ["household_key", "staff_code", "at", "outcome", "phone_number"]
    )
    callback = OutcomeEntry("6-2-1203", "lina", AT, "call", "callback", note="", proof=None)
    assert sorted(fields_of(validate_outcome(callback, now=NOW))) == ["callback_at", "note"]


def test_outcome_messages_name_the_channels() -> None:
    [problem] = validate_outcome(dataclasses.replace(OUTCOME, outcome="not_home"), now=NOW)
    assert problem.message == "'not_home' is for visits, not calls"
    [problem] = validate_outcome(
        dataclasses.replace(OUTCOME, outcome="delivered", proof="SF1"), now=NOW
    )
    assert problem.message == "'delivered' is for SMS, letters and notices, not calls"
    [problem] = validate_outcome(dataclasses.replace(OUTCOME, outcome="promise"), now=NOW)
    assert "promise entry" in problem.message


# --- promises -----------------------------------------------------------------------------

PROMISE = PromiseEntry("6-2-1203", "lina", AT, days(3), D("352.80"), "wechat")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"promised_date": TODAY}, []),
        ({"promised_date": days(5)}, []),
        ({"amount": None, "method": None}, []),
        ({"method": "pickup"}, []),
        ({"channel": "visit"}, []),
        ({"promised_date": days(40), "instalment": True, "reason": "lost job, pays monthly"}, []),
        ({"promised_date": days(-1)}, ["promised_date"]),
        ({"promised_date": days(6)}, ["promised_date"]),
        ({"promised_date": days(6), "instalment": True}, ["reason"]),
        ({"promised_date": days(6), "reason": "hardship"}, ["promised_date"]),
        ({"instalment": True, "reason": " "}, ["reason"]),
        ({"promised_date": days(400), "instalment": True, "reason": "x"}, ["promised_date"]),
        ({"amount": D("0")}, ["amount"]),
        ({"amount": D("-5.00")}, ["amount"]),
        ({"amount": D("1.234")}, ["amount"]),
        ({"method": "cheque"}, ["method"]),
        ({"channel": "sms"}, ["channel"]),
        ({"note": "x" * 1001}, ["note"]),
        ({"phone_number": "12345"}, ["phone_number"]),
        ({"at": AT + dt.timedelta(days=1), "promised_date": days(3)}, ["at"]),
    ],
)
def test_promise_rules(changes: dict[str, Any], expected: list[str]) -> None:
    entry = dataclasses.replace(PROMISE, **changes)
    assert fields_of(validate_promise(entry, now=NOW, policy=DEFAULT_POLICY)) == expected


def test_promise_amount_is_capped_by_the_arrears_when_known() -> None:
    entry = dataclasses.replace(PROMISE, amount=D("1677.11"))
    problems = validate_promise(entry, now=NOW, policy=DEFAULT_POLICY, outstanding=D("1677.10"))
    assert problems == [Problem("amount", "1,677.11 is more than the 1,677.10 outstanding")]
    exact = dataclasses.replace(PROMISE, amount=D("1677.10"))
    assert validate_promise(exact, now=NOW, policy=DEFAULT_POLICY, outstanding=D("1677.10")) == []


def test_promise_days_come_from_the_policy() -> None:
    assert default_promise_date(AT, DEFAULT_POLICY) == days(3)
    strict = Policy(promises=PromiseRules(default_days=1, max_days=2))
    assert default_promise_date(AT, strict) == days(1)
    entry = dataclasses.replace(PROMISE, promised_date=days(3))
    assert fields_of(validate_promise(entry, now=NOW, policy=strict)) == ["promised_date"]


def test_promise_reports_every_problem_at_once() -> None:
    entry = PromiseEntry(
        "6-2-1203", "lina", AT, days(-2), D("-1"), "cheque", instalment=True, reason=None
    )
    problems = validate_promise(entry, now=NOW, policy=DEFAULT_POLICY)
    assert sorted(fields_of(problems)) == ["amount", "method", "promised_date", "reason"]


# --- complaints ---------------------------------------------------------------------------

COMPLAINT = ComplaintEntry("6-2-1203", "lina", AT, "cleaning", True, "stairwell dirty", None, None)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"handler_code": "wang", "report_back_on": TODAY, "pauses_collection": True}, []),
        ({"category": "outside_duty", "within_duty": False}, []),
        ({"category": "facilities", "within_duty": False}, []),
        ({"category": "outside_duty"}, ["within_duty"]),
        ({"category": "weather"}, ["category"]),
        ({"description": ""}, ["description"]),
        ({"description": " \n "}, ["description"]),
        ({"description": "x" * 2001}, ["description"]),
        ({"description": "x" * 2000}, []),
        ({"report_back_on": days(-1)}, ["report_back_on"]),
        ({"handler_code": " "}, ["handler_code"]),
        ({"at": AT + dt.timedelta(hours=1), "report_back_on": days(1)}, ["at"]),
    ],
)
def test_complaint_rules(changes: dict[str, Any], expected: list[str]) -> None:
    entry = dataclasses.replace(COMPLAINT, **changes)
    assert fields_of(validate_complaint(entry, now=NOW)) == expected


PROGRESS = ComplaintProgressEntry(1, "lina", AT, "in_progress", "cleaner booked for Monday")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"status": "resolved", "note": "cleaned"}, []),
        ({"status": "closed", "note": "told the owner by phone; satisfied"}, []),
        ({"status": "closed", "note": ""}, ["note"]),
        ({"status": "in_progress", "note": " "}, ["note"]),
        ({"status": "open"}, ["status"]),
        ({"status": "done"}, ["status"]),
        ({"complaint_id": 0}, ["complaint_id"]),
        ({"household_key": "6-2-1203"}, []),
        ({"household_key": "bad key"}, ["household_key"]),
        ({"note": "x" * 2001}, ["note"]),
    ],
)
def test_progress_rules(changes: dict[str, Any], expected: list[str]) -> None:
    entry = dataclasses.replace(PROGRESS, **changes)
    assert fields_of(validate_progress(entry, now=NOW)) == expected


def test_closing_asks_what_the_owner_was_told() -> None:
    entry = dataclasses.replace(PROGRESS, status="closed", note="")
    [problem] = validate_progress(entry, now=NOW)
    assert "owner was told" in problem.message


# --- payments -----------------------------------------------------------------------------

PAYMENT = PaymentEntry("6-1-101", "lina", AT, D("300.00"), "wechat", None)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"amount": D("300")}, []),
        ({"amount": D("0.01")}, []),
        ({"channel": "cash", "receipt_no": "SK20261127-0001"}, []),
        ({"channel": "pos", "receipt_no": "P-77"}, []),
        ({"channel": "bank_transfer"}, []),
        ({"periods": ("2026-08", "2026-09")}, []),
        ({"amount": D("0")}, ["amount"]),
        ({"amount": D("-10.00")}, ["amount"]),
        ({"amount": D("10.001")}, ["amount"]),
        ({"amount": D("NaN")}, ["amount"]),
        ({"channel": "cash"}, ["receipt_no"]),
        ({"channel": "pos", "receipt_no": "  "}, ["receipt_no"]),
        ({"channel": "cheque"}, ["channel"]),
        ({"receipt_no": "R" * 41}, ["receipt_no"]),
        ({"periods": ()}, ["periods"]),
        ({"periods": ("2026-13",)}, ["periods"]),
        ({"periods": ("2026年8月",)}, ["periods"]),
        ({"note": "x" * 1001}, ["note"]),
        ({"at": AT + dt.timedelta(seconds=1)}, ["at"]),
    ],
)
def test_payment_rules(changes: dict[str, Any], expected: list[str]) -> None:
    entry = dataclasses.replace(PAYMENT, **changes)
    assert fields_of(validate_payment(entry, now=NOW)) == expected


def test_payment_refuses_more_than_is_outstanding() -> None:
    problems = validate_payment(PAYMENT, now=NOW, outstanding=D("299.99"))
    assert fields_of(problems) == ["amount"]
    assert "no credit balances" in problems[0].message
    assert validate_payment(PAYMENT, now=NOW, outstanding=D("300.00")) == []


def test_payment_reports_every_problem_at_once() -> None:
    entry = PaymentEntry("6-1", "", AT, D("-1.005"), "cash", None, periods=("2026-00",))
    problems = validate_payment(entry, now=NOW)
    assert fields_of(problems) == ["staff_code", "amount", "receipt_no", "periods"]


# --- letters ------------------------------------------------------------------------------

LETTER = LetterEntry("6-2-1203", "lina", AT, "written_demand", True, "SF1234567890", None)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"deadline": days(7)}, []),
        ({"delivered": False, "proof": None}, []),
        ({"kind": "lawyer_letter", "deadline": days(30)}, []),
        ({"kind": "reminder", "delivered": False, "proof": None}, []),
        ({"deadline": days(6)}, ["deadline"]),
        ({"deadline": days(-1)}, ["deadline"]),
        ({"kind": "collection_letter", "deadline": TODAY}, ["deadline"]),
        ({"proof": None}, ["proof"]),
        ({"proof": ""}, ["proof"]),
        ({"kind": "postcard"}, ["kind"]),
        ({"note": "x" * 1001}, ["note"]),
    ],
)
def test_letter_rules(changes: dict[str, Any], expected: list[str]) -> None:
    entry = dataclasses.replace(LETTER, **changes)
    assert fields_of(validate_letter(entry, now=NOW, policy=DEFAULT_POLICY)) == expected


def test_written_demand_default_deadline_comes_from_the_policy() -> None:
    assert default_demand_deadline(AT, DEFAULT_POLICY) == days(15)
    short = Policy(escalation=Escalation(written_demand_deadline_days=5))
    problems = validate_letter(LETTER, now=NOW, policy=short)
    assert fields_of(problems) == ["deadline"]
    assert "at least 7 days" in problems[0].message


# --- problems -----------------------------------------------------------------------------


def test_entry_invalid_lists_problems_in_field_order() -> None:
    problems = [Problem("amount", "must be more than 0"), Problem("household_key", "no household")]
    with pytest.raises(EntryInvalid) as raised:
        raise_if_any(problems, PAYMENT)
    assert [p.field for p in raised.value.problems] == ["household_key", "amount"]
    assert str(raised.value) == "household_key: no household; amount: must be more than 0"
    assert raised.value.by_field() == {
        "household_key": ["no household"],
        "amount": ["must be more than 0"],
    }
    raise_if_any([], PAYMENT)  # nothing to say: no exception


# --- typed text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("352.8", D("352.80")),
        ("1,024.30", D("1024.30")),
        ("¥300", D("300.00")),
        ("300元", D("300.00")),
        ("１２３.４５", D("123.45")),
        (" 0.10 ", D("0.10")),
    ],
)
def test_amount_text(text: str, expected: Decimal) -> None:
    assert parse_amount_text(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-5", "negative"),
        ("(5.00)", "negative"),
        ("abc", "not an amount"),
        ("1.234", "more than 2 decimal places"),
        ("1,23", "not an amount"),
        ("", "is empty"),
    ],
)
def test_bad_amount_text(text: str, message: str) -> None:
    with pytest.raises(EntryInvalid) as raised:
        parse_amount_text(text, field="amount")
    [problem] = raised.value.problems
    assert problem.field == "amount" and message in problem.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-30", dt.date(2026, 11, 30)),
        ("2026/12/1", dt.date(2026, 12, 1)),
        ("2026年12月1日", dt.date(2026, 12, 1)),
        ("11-30", dt.date(2026, 11, 30)),
        ("12月2日", dt.date(2026, 12, 2)),
        ("+3", days(3)),
        ("+0", TODAY),
        ("today", TODAY),
        ("tomorrow", days(1)),
    ],
)
def test_date_text(text: str, expected: dt.date) -> None:
    assert parse_date_text(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30", "'2026-02-30' does not exist"),
        ("02-30", "'02-30' does not exist in 2026"),
        ("2026-13-01", "does not exist"),
        ("next week", "is not a date"),
        ("-3", "is not a date"),
        ("", "is empty"),
    ],
)
def test_bad_date_text(text: str, message: str) -> None:
    with pytest.raises(EntryInvalid) as raised:
        parse_date_text(text, today=TODAY, field="promised_date")
    [problem] = raised.value.problems
    assert problem.field == "promised_date" and message in problem.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-28T15:00", dt.datetime(2026, 11, 28, 15)),
        ("2026-11-28 15:00", dt.datetime(2026, 11, 28, 15)),
        ("11-28 15:00", dt.datetime(2026, 11, 28, 15)),
        ("+1 15:00", dt.datetime(2026, 11, 28, 15)),
        ("15:30", dt.datetime(2026, 11, 27, 15, 30)),
        ("+2h", AT + dt.timedelta(hours=2)),
        ("+1", AT + dt.timedelta(days=1)),
        ("2026-11-28", dt.datetime(2026, 11, 28)),
        ("2026-11-28T07:00Z", dt.datetime(2026, 11, 28, 15)),
    ],
)
def test_datetime_text(text: str, expected: dt.datetime) -> None:
    assert parse_datetime_text(text, now=NOW) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30 10:00", "does not exist"),
        ("25:00", "the time '25:00' does not exist"),
        ("11-28 10:75", "does not exist"),
        ("soon", "is not a time"),
    ],
)
def test_bad_datetime_text(text: str, message: str) -> None:
    with pytest.raises(EntryInvalid) as raised:
        parse_datetime_text(text, now=NOW, field="callback_at")
    [problem] = raised.value.problems
    assert problem.field == "callback_at" and message in problem.message


def test_periods_text() -> None:
    assert parse_periods_text("2026-08,2026-09") == ("2026-08", "2026-09")
    assert parse_periods_text("2026年8月、202609 2026-08") == ("2026-08", "2026-09")
    with pytest.raises(EntryInvalid) as raised:
        parse_periods_text("2026-08,2026-13")
    assert fields_of(raised.value.problems) == ["periods"]


def test_text_fields_collect_every_problem() -> None:
    fields = TextFields(now=NOW)
    assert fields.amount("amount", "-5") is None
    assert fields.date("promised_date", "2026-02-30") is None
    assert fields.datetime("callback_at", "soon") is None
    assert fields.periods("periods", "2026-13") is None
    assert fields.amount("amount2", "") is None  # empty: an optional field left out
    assert fields.date("report_back_on", "+2") == days(2)
    fields.require("amount", None, "say how much")  # already has a problem: not repeated
    fields.require("kind", None, "say which letter")
    assert fields_of(fields.problems) == [
        "amount",
        "promised_date",
        "callback_at",
        "periods",
        "kind",
    ]


# --- in Chinese ---------------------------------------------------------------------------

CODES = {
    *(c.value for c in ContactChannel),
    *(o.value for o in ContactOutcome),
    *(p.value for p in PaymentChannel),
    *(c.value for c in ComplaintCategory),
    *(k.value for k in LetterKind),
    *PROMISE_METHODS,
    *PROGRESS_STATUSES,
}
TYPED = {
    "six",
    "open",
    "abc",
    "soon",
    "next",
    "week",
    "fax",
    "sometime",
    "weather",
    "cheque",
    "telegram",
    "NaN",
}


def bad_entries() -> list[tuple[str, list[Problem]]]:
    """Every validator's problems for entries that break every rule they can."""
    later = AT + dt.timedelta(hours=1)
    cases: list[tuple[str, list[Problem]]] = []

    def outcome(**changes: Any) -> None:
        entry = dataclasses.replace(OUTCOME, **changes)
        cases.append((f"outcome {changes}", validate_outcome(entry, now=NOW)))

    outcome(household_key="six", staff_code="", at=later, phone_number="12")
    outcome(channel="fax", outcome="sometime")
    outcome(channel="letter", outcome="sent")
    outcome(outcome="promise")
    outcome(channel="visit", outcome="paid_on_spot")
    outcome(outcome="not_home")
    outcome(outcome="delivered")
    outcome(outcome="callback", note="")
    outcome(outcome="callback", note="晚上再打", callback_at=AT - dt.timedelta(hours=1))
    outcome(outcome="callback", note="晚上再打", callback_at=AT + dt.timedelta(days=30))
    outcome(callback_at=AT + dt.timedelta(hours=2))
    outcome(outcome="refused", note="", phone_number="138 1234 5670 / 139 8765 4321")
    outcome(channel="visit", outcome="not_home", phone_number="13812345670")
    outcome(channel="notice", outcome="delivered", proof=None)
    outcome(note="很" * 1001, category="parking")
    outcome(outcome="dispute", note="有异议", category="weather")

    def promise(**changes: Any) -> None:
        entry = dataclasses.replace(PROMISE, **changes)
        found = validate_promise(entry, now=NOW, policy=DEFAULT_POLICY, outstanding=D("100"))
        cases.append((f"promise {changes}", found))

    promise(promised_date=days(-1), channel="sms", method="cheque")
    promise(promised_date=days(30))
    promise(promised_date=days(400), instalment=True, reason="")
    promise(amount=D("0"))
    promise(amount=D("1.234"))
    promise(amount=D("NaN"))

    def complaint(**changes: Any) -> None:
        entry = ComplaintEntry("6-2-1203", "lina", AT, "outside_duty", True, "", "", days(-1))
        cases.append(
            (
                f"complaint {changes}",
                validate_complaint(dataclasses.replace(entry, **changes), now=NOW),
            )
        )

    complaint()
    complaint(category="weather")

    for status, note in (("closed", ""), ("resolved", ""), ("open", "")):
        entry = ComplaintProgressEntry(0, "lina", AT, status, note)
        cases.append((f"progress {status}", validate_progress(entry, now=NOW)))

    def payment(**changes: Any) -> None:
        entry = dataclasses.replace(
            PaymentEntry("6-2-1203", "lina", AT, D("500"), "cash", None), **changes
        )
        cases.append((f"payment {changes}", validate_payment(entry, now=NOW, outstanding=D("100"))))

    payment(periods=())
    payment(channel="pos", periods=("2026-8", "八月"))
    payment(channel="cheque", receipt_no="R" * 41)

    def letter(**changes: Any) -> None:
        entry = LetterEntry("6-2-1203", "lina", AT, "written_demand", True, None, days(3))
        found = validate_letter(
            dataclasses.replace(entry, **changes), now=NOW, policy=DEFAULT_POLICY
        )
        cases.append((f"letter {changes}", found))

    letter()
    letter(kind="lawyer_letter", deadline=TODAY)
    letter(kind="telegram")

    for text in ("", "-5", "abc", "1.234", "1,23", "1e20", "99999999999999"):
        cases.append((f"amount {text!r}", _problems(parse_amount_text, text)))
    for text in ("", "2026-02-30", "02-30", "2026-13-01", "next week", "1800-01-01"):
        cases.append((f"date {text!r}", _problems(lambda t: parse_date_text(t, today=TODAY), text)))
    for text in ("", "2026-02-30 10:00", "25:00", "soon"):
        cases.append((f"time {text!r}", _problems(lambda t: parse_datetime_text(t, now=NOW), text)))
    for text in ("", "2026-13,2026年8月,abc"):
        cases.append((f"periods {text!r}", _problems(parse_periods_text, text)))
    return cases


def _problems(parse: Any, text: str) -> list[Problem]:
    with pytest.raises(EntryInvalid) as raised:
        parse(text)
    return raised.value.problems


def test_every_problem_is_shown_in_chinese_with_no_english_left() -> None:
    with language("zh_CN"):
        cases = bad_entries()
    seen = 0
    for case, problems in cases:
        assert problems, case
        for problem in problems:
            assert_chinese(problem.message, allowed=CODES | TYPED)
            seen += 1
    assert seen > 60


def test_chinese_problems_read_as_a_collector_expects() -> None:
    with language("zh_CN"):
        [demand] = validate_letter(
            LetterEntry("6-2-1203", "lina", AT, "written_demand", True, "EMS1", days(3)),
            now=NOW,
            policy=DEFAULT_POLICY,
        )
        assert demand.message == (
            "催告函须给业主至少 7 天的缴费期限：应为 2026-12-04 或更晚，不能是 2026-11-30"
        )
        [channels] = validate_outcome(dataclasses.replace(OUTCOME, outcome="not_home"), now=NOW)
        assert channels.message == "“无人在家”只适用于上门，不适用于电话"
        [over] = validate_payment(
            PaymentEntry("6-2-1203", "lina", AT, D("500"), "wechat", None),
            now=NOW,
            outstanding=D("352.8"),
        )
        assert over.message == "500.00 元超过欠费金额 352.80 元；系统不登记预存款"
        assert _problems(parse_amount_text, "1.234")[0].message == "“1.234”的小数超过两位"
        assert _problems(lambda t: parse_date_text(t, today=TODAY), "2026-02-30")[0].message == (
            "“2026-02-30”不存在"
        )
        assert _problems(lambda t: parse_date_text(t, today=TODAY), "02-30")[0].message == (
            "2026 年没有“02-30”这一天"
        )
        assert _problems(parse_periods_text, "2026-13")[0].message == (
            "“2026-13”的月份为 13；月份应为 1-12"
        )
        key = validate_outcome(dataclasses.replace(OUTCOME, household_key="six"), now=NOW)
        assert key[0].message.startswith("'six' 不是有效的房号")
