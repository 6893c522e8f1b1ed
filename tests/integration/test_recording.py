"""Recording outcomes, promises, complaints, payments and letters: exactly the expected rows
in one transaction, and nothing at all on invalid input. The CLI round trips at the end."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, col, select

from callqueue.cli import main
from callqueue.household_view import household_id_for_key
from callqueue.ledger.importer import import_ledger
from callqueue.policy import DEFAULT_POLICY
from callqueue.recording import save as save_module
from callqueue.recording.entries import (
    ComplaintEntry,
    ComplaintProgressEntry,
    EntryInvalid,
    LetterEntry,
    OutcomeEntry,
    PaymentEntry,
    PromiseEntry,
)
from callqueue.recording.save import (
    AllocatedCharge,
    household_outstanding,
    preview_allocation,
    record_complaint,
    record_complaint_progress,
    record_letter,
    record_outcome,
    record_payment,
    record_promise,
)
from callqueue.store.database import Store, open_store
from callqueue.store.models import (
    Building,
    ChargeLine,
    Complaint,
    ComplaintUpdate,
    Contact,
    Household,
    Payment,
    PaymentAllocation,
    Phone,
    Promise,
    Staff,
    Team,
)
from tests.conftest import AT
from tests.i18n_checks import assert_chinese, language
from tests.ledger_files import SAMPLE

D = Decimal
P = DEFAULT_POLICY
TABLES: tuple[type[SQLModel], ...] = (
    Contact,
    Promise,
    Complaint,
    ComplaintUpdate,
    Payment,
    PaymentAllocation,
)


def prepare(store: Store) -> Store:
    """The sample ledger and three staff: lina and wang active, old inactive."""
    import_ledger(store, SAMPLE, at=AT - dt.timedelta(days=7))
    with store.session() as s, s.begin():
        team = Team(name="全体")
        s.add(team)
        s.flush()
        for building in s.execute(select(Building)).scalars():
            building.team_id = team.id  # one team covers every building of the sample
        s.add(Staff(code="lina", name="李娜", role="collector", team_id=team.id))
        s.add(Staff(code="wang", name="王强", role="team_leader", team_id=team.id))
        s.add(Staff(code="old", name="老张", role="collector", active=False, team_id=team.id))
    return store


@pytest.fixture
def ledger(store: Store) -> Store:
    """Both backends."""
    return prepare(store)


@pytest.fixture
def lite(sqlite_store: Store) -> Store:
    """SQLite only, for rules that do not depend on the backend."""
    return prepare(sqlite_store)


def state(store: Store) -> dict[str, Any]:
    """Row counts of every table recording writes, pending money and wrong numbers."""
    with store.session() as s:
        counts: dict[str, Any] = {
            model.__name__: s.execute(select(func.count()).select_from(model)).scalar_one()
            for model in TABLES
        }
        counts["pending"] = sorted(
            (line.id, line.paid_pending) for line in s.execute(select(ChargeLine)).scalars()
        )
        counts["wrong"] = sorted(
            p.number for p in s.execute(select(Phone).where(col(Phone.wrong_number))).scalars()
        )
    return counts


def grew(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    """How many rows each table gained."""
    return {
        name: int(after[name]) - int(before[name])
        for name in (m.__name__ for m in TABLES)
        if after[name] != before[name]
    }


def arrears(store: Store, key: str) -> Decimal:
    with store.session() as s:
        return household_outstanding(s, household_id_for_key(s, key))


def fields(error: pytest.ExceptionInfo[EntryInvalid]) -> list[str]:
    return [p.field for p in error.value.problems]


# --- outcomes -----------------------------------------------------------------------------


def test_outcome_writes_one_contact(ledger: Store) -> None:
    before = state(ledger)
    entry = OutcomeEntry("6-2-1203", "lina", AT, "call", "no_answer", phone_number="138-1234-5670")
    done = record_outcome(ledger, entry, now=AT, policy=P)
    assert grew(before, state(ledger)) == {"Contact": 1}
    assert done.summary == "6-2-1203: call, no answer"
    with ledger.session() as s:
        contact = s.get(Contact, done.contact_id)
        assert contact is not None
        assert (contact.household_id, contact.at, contact.reached) == (done.household_id, AT, False)
        assert contact.phone_number == "13812345670"  # stored normalised
        household = s.get(Household, done.household_id)
        assert household is not None and household.key == "6-2-1203"


def test_invalid_outcome_writes_nothing_and_says_everything(ledger: Store) -> None:
    before = state(ledger)
    entry = OutcomeEntry("6-9-999", "old", AT, "call", "refused")
    with pytest.raises(EntryInvalid) as raised:
        record_outcome(ledger, entry, now=AT, policy=P)
    assert fields(raised) == ["household_key", "staff_code", "note"]
    assert "no household 6-9-999" in str(raised.value)
    assert "no longer active" in str(raised.value)
    assert state(ledger) == before


def test_dispute_opens_a_complaint_that_pauses_collection(ledger: Store) -> None:
    before = state(ledger)
    entry = OutcomeEntry(
        "6-2-1203", "lina", AT, "call", "dispute", note="车位费不该收", category="parking"
    )
    done = record_outcome(ledger, entry, now=AT, policy=P)
    assert grew(before, state(ledger)) == {"Contact": 1, "Complaint": 1}
    assert "collection paused" in done.summary
    with ledger.session() as s:
        complaint = s.get(Complaint, done.complaint_id)
        assert complaint is not None
        assert (complaint.category, complaint.status, complaint.pauses_collection) == (
            "parking",
            "open",
            True,
        )
        assert complaint.description == "车位费不该收" and complaint.opened_at == AT
        contact = s.get(Contact, done.contact_id)
        assert contact is not None and contact.reached and contact.outcome == "dispute"
    plain = dataclasses.replace(entry, category=None)
    done = record_outcome(ledger, plain, now=AT, policy=P)
    with ledger.session() as s:
        complaint = s.get(Complaint, done.complaint_id)
        assert complaint is not None and complaint.category == "service"


def test_wrong_number_flags_that_phone(ledger: Store) -> None:
    before = state(ledger)
    entry = OutcomeEntry("6-2-1203", "lina", AT, "call", "wrong_number", phone_number="13812345670")
    done = record_outcome(ledger, entry, now=AT, policy=P)
    after = state(ledger)
    assert grew(before, after) == {"Contact": 1}
    assert after["wrong"] == ["13812345670"]  # the landline of the same owner is untouched
    assert "138****5670 marked wrong number" in done.summary


def test_wrong_number_needs_a_number_of_the_household(lite: Store) -> None:
    before = state(lite)
    unknown = OutcomeEntry(
        "6-2-1203", "lina", AT, "call", "wrong_number", phone_number="13900000000"
    )
    with pytest.raises(EntryInvalid) as raised:
        record_outcome(lite, unknown, now=AT, policy=P)
    assert fields(raised) == ["phone_number"]
    which = dataclasses.replace(unknown, phone_number=None)  # two numbers on file: which?
    with pytest.raises(EntryInvalid):
        record_outcome(lite, which, now=AT, policy=P)
    assert state(lite) == before
    only = OutcomeEntry("6-1-101", "lina", AT, "call", "wrong_number")  # one number on file
    done = record_outcome(lite, only, now=AT, policy=P)
    assert state(lite)["wrong"] == ["13812345678"]
    with lite.session() as s:
        contact = s.get(Contact, done.contact_id)
        assert contact is not None and contact.phone_number == "13812345678"


@pytest.mark.parametrize(
    ("channel", "outcome", "hint"),
    [("call", "promise", "promise entry"), ("visit", "paid_on_spot", "record a payment")],
)
def test_promises_and_payments_are_not_plain_outcomes(
    lite: Store, channel: str, outcome: str, hint: str
) -> None:
    before = state(lite)
    entry = OutcomeEntry("6-2-1203", "lina", AT, channel, outcome, note="ok")
    with pytest.raises(EntryInvalid) as raised:
        record_outcome(lite, entry, now=AT, policy=P)
    assert fields(raised) == ["outcome"] and hint in str(raised.value)
    assert state(lite) == before


def test_callback_is_kept_with_its_time(lite: Store) -> None:
    later = AT + dt.timedelta(days=1, hours=5)
    entry = OutcomeEntry(
        "6-2-1203", "lina", AT, "call", "callback", note="在开会", callback_at=later
    )
    done = record_outcome(lite, entry, now=AT, policy=P)
    with lite.session() as s:
        contact = s.get(Contact, done.contact_id)
        assert contact is not None and contact.callback_at == later and contact.reached


# --- promises -----------------------------------------------------------------------------


def test_promise_writes_a_reached_contact_and_an_open_promise(ledger: Store) -> None:
    before = state(ledger)
    entry = PromiseEntry(
        "6-2-1203", "lina", AT, AT.date() + dt.timedelta(days=3), D("352.80"), "wechat", note="周五"
    )
    done = record_promise(ledger, entry, now=AT, policy=P)
    assert grew(before, state(ledger)) == {"Contact": 1, "Promise": 1}
    assert done.summary == "6-2-1203: promise to pay 352.80 by 2026-11-30 (wechat)"
    with ledger.session() as s:
        promise = s.get(Promise, done.promise_id)
        contact = s.get(Contact, done.contact_id)
        assert promise is not None and contact is not None
        assert (promise.status, promise.amount, promise.contact_id) == (
            "open",
            D("352.80"),
            contact.id,
        )
        assert (contact.outcome, contact.reached, contact.note) == ("promise", True, "周五")


def test_a_new_promise_supersedes_the_open_one(ledger: Store) -> None:
    first = PromiseEntry("6-2-1203", "lina", AT, AT.date() + dt.timedelta(days=3), None, None)
    one = record_promise(ledger, first, now=AT, policy=P)
    later = AT + dt.timedelta(days=1)
    second = dataclasses.replace(first, at=later, promised_date=later.date() + dt.timedelta(days=4))
    two = record_promise(ledger, second, now=later, policy=P)
    assert two.superseded_promise_ids == (one.promise_id,)
    assert "the promise for 2026-11-30 is cancelled (superseded)" in two.summary
    with ledger.session() as s:
        old, new = s.get(Promise, one.promise_id), s.get(Promise, two.promise_id)
        assert old is not None and new is not None
        assert (old.status, old.settled_at, new.status) == ("cancelled", later, "open")


def test_a_lapsed_promise_is_marked_broken_when_replaced(lite: Store) -> None:
    first = PromiseEntry("6-2-1203", "lina", AT, AT.date() + dt.timedelta(days=1), None, None)
    one = record_promise(lite, first, now=AT, policy=P)
    later = AT + dt.timedelta(days=5)  # the date and the grace day have passed
    two = record_promise(
        lite, dataclasses.replace(first, at=later, promised_date=later.date()), now=later, policy=P
    )
    assert "is broken" in two.summary
    with lite.session() as s:
        old = s.get(Promise, one.promise_id)
        assert old is not None and old.status == "broken"


def test_promise_above_the_arrears_writes_nothing(lite: Store) -> None:
    before = state(lite)
    entry = PromiseEntry(
        "6-2-1203", "lina", AT, AT.date() + dt.timedelta(days=9), D("1677.11"), None
    )
    with pytest.raises(EntryInvalid) as raised:
        record_promise(lite, entry, now=AT, policy=P)
    assert fields(raised) == ["promised_date", "amount"]
    assert "1,677.10 outstanding" in str(raised.value)
    assert state(lite) == before


# --- payments -----------------------------------------------------------------------------


def test_payment_is_allocated_oldest_first_into_pending(ledger: Store) -> None:
    before = state(ledger)
    assert arrears(ledger, "6-1-101") == D("587.60")
    entry = PaymentEntry("6-1-101", "lina", AT, D("500.00"), "cash", "SK-0001")
    done = record_payment(ledger, entry, now=AT, policy=P)
    after = state(ledger)
    assert grew(before, after) == {"Payment": 1, "PaymentAllocation": 3}
    assert done.allocations == (
        AllocatedCharge("2026-08", "electricity", D("186.40"), D("0.00")),
        AllocatedCharge("2026-08", "property", D("250.60"), D("0.00")),
        AllocatedCharge("2026-09", "property", D("63.00"), D("87.60")),
    )
    assert arrears(ledger, "6-1-101") == D("87.60")
    with ledger.session() as s:
        parts = s.execute(
            select(PaymentAllocation).where(col(PaymentAllocation.payment_id) == done.payment_id)
        ).scalars()
        assert sum((p.amount for p in parts), D(0)) == D("500.00")
        payment = s.get(Payment, done.payment_id)
        assert payment is not None
        assert (payment.amount, payment.channel, payment.receipt_no) == (
            D("500.00"),
            "cash",
            "SK-0001",
        )
        pending = s.execute(
            select(func.count()).select_from(ChargeLine).where(col(ChargeLine.paid_pending) > 0)
        ).scalar_one()
        assert pending == 3
    pending_total = sum((amount for _, amount in after["pending"]), D(0))
    assert pending_total == D("500.00")
    assert done.summary.startswith("6-1-101: payment 500.00 (cash, receipt SK-0001)")
    overpaid = dataclasses.replace(entry, amount=D("87.61"), receipt_no="SK-0002")
    with pytest.raises(EntryInvalid) as raised:
        record_payment(ledger, overpaid, now=AT, policy=P)
    assert str(raised.value) == (
        "amount: 87.61 is more than the 87.60 outstanding; callqueue records no credit balances"
    )
    assert state(ledger) == after


def test_payment_for_named_periods(lite: Store) -> None:
    entry = PaymentEntry("6-1-101", "lina", AT, D("150.60"), "wechat", None, periods=("2026-09",))
    done = record_payment(lite, entry, now=AT, policy=P)
    assert done.allocations == (AllocatedCharge("2026-09", "property", D("150.60"), D("0.00")),)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": D("587.61")}, "amount", "587.61 is more than the 587.60 outstanding"),
        (
            {"amount": D("150.61"), "periods": ("2026-09",)},
            "amount",
            "more than the 150.60 outstanding for 2026-09",
        ),
        ({"periods": ("2026-07",)}, "periods", "no arrears for 2026-07"),
        ({"amount": D("-1.00")}, "amount", "more than 0"),
        ({"channel": "cash"}, "receipt_no", "receipt number"),
        ({"household_key": "6-1-102"}, "household_key", "no household 6-1-102"),
        ({"staff_code": "nobody"}, "staff_code", "no staff member"),
    ],
)
def test_refused_payments_write_nothing(
    lite: Store, changes: dict[str, Any], field: str, message: str
) -> None:
    before = state(lite)
    entry = dataclasses.replace(
        PaymentEntry("6-1-101", "lina", AT, D("100.00"), "wechat", None), **changes
    )
    with pytest.raises(EntryInvalid) as raised:
        record_payment(lite, entry, now=AT, policy=P)
    assert fields(raised) == [field]
    assert message in str(raised.value)
    assert state(lite) == before


def test_payment_is_one_transaction(lite: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure after the payment and its allocations are flushed leaves nothing behind."""
    before = state(lite)

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(save_module, "_keep_promises", fail)
    entry = PaymentEntry("6-1-101", "lina", AT, D("500.00"), "wechat", None)
    with pytest.raises(RuntimeError):
        record_payment(lite, entry, now=AT, policy=P)
    assert state(lite) == before


def test_payments_keep_a_promise_once_they_reach_its_amount(ledger: Store) -> None:
    promised = PromiseEntry(
        "6-2-1203", "lina", AT, AT.date() + dt.timedelta(days=3), D("352.80"), "wechat"
    )
    promise_id = record_promise(ledger, promised, now=AT, policy=P).promise_id
    first_at = AT + dt.timedelta(hours=3)
    first = PaymentEntry("6-2-1203", "lina", first_at, D("200.00"), "wechat", None)
    assert record_payment(ledger, first, now=first_at, policy=P).kept_promise_ids == ()
    second_at = AT + dt.timedelta(days=4)  # the promised date plus one grace day
    second = dataclasses.replace(first, at=second_at, amount=D("152.80"))
    done = record_payment(ledger, second, now=second_at, policy=P)
    assert done.kept_promise_ids == (promise_id,)
    assert "promise for 2026-11-30 kept" in done.summary
    with ledger.session() as s:
        promise = s.get(Promise, promise_id)
        assert promise is not None and (promise.status, promise.settled_at) == ("kept", second_at)


def test_a_late_payment_does_not_keep_a_lapsed_promise(lite: Store) -> None:
    promised = PromiseEntry("6-2-1203", "lina", AT, AT.date(), None, None)
    promise_id = record_promise(lite, promised, now=AT, policy=P).promise_id
    late = AT + dt.timedelta(days=2)
    entry = PaymentEntry("6-2-1203", "lina", late, D("10.00"), "alipay", None)
    assert record_payment(lite, entry, now=late, policy=P).kept_promise_ids == ()
    on_time = PromiseEntry("6-1-101", "lina", AT, AT.date() + dt.timedelta(days=2), None, None)
    kept_id = record_promise(lite, on_time, now=AT, policy=P).promise_id
    any_payment = PaymentEntry("6-1-101", "lina", late, D("10.00"), "alipay", None)
    assert record_payment(lite, any_payment, now=late, policy=P).kept_promise_ids == (kept_id,)
    with lite.session() as s:
        lapsed = s.get(Promise, promise_id)
        assert lapsed is not None and lapsed.status == "open"  # the queue calls it broken


def test_payment_on_a_visit_records_the_visit(lite: Store) -> None:
    before = state(lite)
    entry = PaymentEntry("6-2-1203", "lina", AT, D("300.00"), "cash", "SK-9", note="当场缴清车位费")
    done = record_payment(lite, entry, now=AT, policy=P, visit=True)
    assert grew(before, state(lite)) == {"Payment": 1, "PaymentAllocation": 1, "Contact": 1}
    with lite.session() as s:
        contact = s.get(Contact, done.contact_id)
        assert contact is not None
        assert (contact.channel, contact.outcome, contact.reached) == (
            "visit",
            "paid_on_spot",
            True,
        )


def test_preview_shows_the_allocation_and_writes_nothing(ledger: Store) -> None:
    before = state(ledger)
    entry = PaymentEntry("6-2-1203", "lina", AT, D("1400.00"), "wechat", None)
    with ledger.session() as s:
        preview = preview_allocation(s, entry)
        with pytest.raises(EntryInvalid) as raised:
            preview_allocation(s, dataclasses.replace(entry, amount=D("2000.00")))
    assert fields(raised) == ["amount"]
    assert [(p.period, p.fee_type, p.amount) for p in preview] == [
        ("2026-09", "electricity", D("1024.30")),
        ("2026-09", "parking", D("300.00")),
        ("2026-09", "property", D("75.70")),
    ]
    assert state(ledger) == before
    assert list(record_payment(ledger, entry, now=AT, policy=P).allocations) == preview


# --- complaints ---------------------------------------------------------------------------


def test_complaint_from_open_to_closed(ledger: Store) -> None:
    before = state(ledger)
    entry = ComplaintEntry(
        "6-2-1203",
        "lina",
        AT,
        "facilities",
        True,
        "楼道灯坏了两周",
        "wang",
        AT.date() + dt.timedelta(days=3),
    )
    opened = record_complaint(ledger, entry, now=AT, policy=P)
    assert grew(before, state(ledger)) == {"Complaint": 1}
    assert "handler wang; report back by 2026-11-30" in opened.summary
    assert opened.complaint_id is not None
    steps = [
        ("in_progress", "已派电工"),
        ("resolved", "灯已修好"),
        ("closed", "已电话告知业主，业主满意"),
    ]
    for hours, (status, note) in enumerate(steps, start=1):
        at = AT + dt.timedelta(hours=hours)
        progress = ComplaintProgressEntry(opened.complaint_id, "wang", at, status, note, "6-2-1203")
        done = record_complaint_progress(ledger, progress, now=at, policy=P)
        assert done.complaint_update_id is not None and done.household_id == opened.household_id
    assert grew(before, state(ledger)) == {"Complaint": 1, "ComplaintUpdate": 3}
    with ledger.session() as s:
        complaint = s.get(Complaint, opened.complaint_id)
        assert complaint is not None
        assert complaint.status == "closed"
        assert complaint.closed_at == AT + dt.timedelta(hours=3)
        assert complaint.resolution == "灯已修好"
        handler = s.get(Staff, complaint.handler_id)
        assert handler is not None and handler.code == "wang"
    again = ComplaintProgressEntry(
        opened.complaint_id, "wang", AT + dt.timedelta(hours=4), "closed", "x"
    )
    with pytest.raises(EntryInvalid) as raised:
        record_complaint_progress(ledger, again, now=AT + dt.timedelta(hours=4), policy=P)
    assert fields(raised) == ["status"]


def test_closing_straight_away_keeps_what_the_owner_was_told(lite: Store) -> None:
    entry = ComplaintEntry("6-1-101", "lina", AT, "outside_duty", False, "邻居装修噪音", None, None)
    opened = record_complaint(lite, entry, now=AT, policy=P)
    assert opened.complaint_id is not None
    close = ComplaintProgressEntry(
        opened.complaint_id, "lina", AT, "closed", "已解释并建议联系居委会"
    )
    record_complaint_progress(lite, close, now=AT, policy=P)
    with lite.session() as s:
        complaint = s.get(Complaint, opened.complaint_id)
        assert complaint is not None
        assert (complaint.resolution, complaint.closed_at) == ("已解释并建议联系居委会", AT)


def test_invalid_complaints_and_progress_write_nothing(lite: Store) -> None:
    before = state(lite)
    entry = ComplaintEntry("6-2-1203", "lina", AT, "cleaning", True, "", "ghost", None)
    with pytest.raises(EntryInvalid) as raised:
        record_complaint(lite, entry, now=AT, policy=P)
    assert fields(raised) == ["description", "handler_code"]
    opened = record_complaint(
        lite, dataclasses.replace(entry, description="楼道脏", handler_code=None), now=AT, policy=P
    )
    assert opened.complaint_id is not None
    middle = state(lite)
    for progress, expected in [
        (ComplaintProgressEntry(999, "lina", AT, "in_progress", "x"), ["complaint_id"]),
        (
            ComplaintProgressEntry(opened.complaint_id, "lina", AT, "closed", "", "6-1-101"),
            ["complaint_id", "note"],
        ),
        (
            ComplaintProgressEntry(
                opened.complaint_id, "lina", AT - dt.timedelta(days=1), "resolved", "done"
            ),
            ["at"],
        ),
    ]:
        with pytest.raises(EntryInvalid) as raised:
            record_complaint_progress(lite, progress, now=AT, policy=P)
        assert fields(raised) == expected
    assert grew(before, middle) == {"Complaint": 1}
    assert state(lite) == middle


# --- letters ------------------------------------------------------------------------------


def test_letters(ledger: Store) -> None:
    before = state(ledger)
    demand = LetterEntry("6-2-1203", "lina", AT, "written_demand", True, "EMS 1234567890", None)
    done = record_letter(ledger, demand, now=AT, policy=P)
    sent = record_letter(
        ledger,
        LetterEntry("6-2-1203", "lina", AT, "reminder", False, None, None),
        now=AT,
        policy=P,
    )
    assert grew(before, state(ledger)) == {"Contact": 2}
    assert done.summary == (
        "6-2-1203: written demand delivered (proof: EMS 1234567890); pay by 2026-12-12"
    )
    with ledger.session() as s:
        letter = s.get(Contact, done.contact_id)
        reminder = s.get(Contact, sent.contact_id)
        assert letter is not None and reminder is not None
        assert (letter.channel, letter.outcome, letter.reached) == ("letter", "delivered", True)
        assert (letter.letter_kind, letter.deadline, letter.proof) == (
            "written_demand",
            dt.date(2026, 12, 12),
            "EMS 1234567890",
        )
        assert (reminder.outcome, reminder.reached, reminder.deadline) == ("sent", False, None)
    with pytest.raises(EntryInvalid) as raised:
        record_letter(
            ledger,
            dataclasses.replace(demand, proof=None, deadline=AT.date() + dt.timedelta(days=3)),
            now=AT,
            policy=P,
        )
    assert fields(raised) == ["proof", "deadline"]
    assert grew(before, state(ledger)) == {"Contact": 2}


# --- in Chinese ---------------------------------------------------------------------------

STORED = {"SK", "EMS"}  # receipt and proof numbers as typed


def refused(save: Any, store: Store, entry: Any) -> list[str]:
    with pytest.raises(EntryInvalid) as raised:
        save(store, entry, now=AT, policy=P)
    return [p.message for p in raised.value.problems]


def test_refusals_from_the_database_are_in_chinese(lite: Store) -> None:
    before = state(lite)
    with language("zh_CN"):
        over = refused(
            record_payment, lite, PaymentEntry("6-1-101", "lina", AT, D("9000"), "wechat", None)
        )
        assert over == ["9,000.00 元超过欠费金额 587.60 元；系统不登记预存款"]
        periods = refused(
            record_payment,
            lite,
            PaymentEntry("6-1-101", "lina", AT, D("9000"), "wechat", None, periods=("2026-08",)),
        )
        assert periods == ["9,000.00 元超过 2026-08 的欠费金额 437.00 元；系统不登记预存款"]
        nobody = refused(
            record_outcome, lite, OutcomeEntry("6-9-9999", "ghost", AT, "call", "no_answer")
        )
        assert nobody == ["找不到房屋 6-9-9999", "没有工号为 'ghost' 的员工"]
        retired = refused(
            record_outcome, lite, OutcomeEntry("6-1-101", "old", AT, "call", "no_answer")
        )
        assert retired == ["old（老张）已停用"]
        wrong = refused(
            record_outcome,
            lite,
            OutcomeEntry(
                "6-2-1203", "lina", AT, "call", "wrong_number", phone_number="139-0000-0000"
            ),
        )
        assert wrong == ["139****0000 不是该户登记的号码"]
        no_arrears = refused(
            record_payment,
            lite,
            PaymentEntry("6-1-101", "lina", AT, D("10"), "wechat", None, periods=("2020-01",)),
        )
        assert no_arrears == ["2020-01 没有欠费"]
        opened = record_complaint(
            lite,
            ComplaintEntry("6-1-101", "lina", AT, "cleaning", True, "楼道没扫", None, None),
            now=AT,
            policy=P,
        )
        assert opened.complaint_id is not None
        elsewhere = refused(
            record_complaint_progress,
            lite,
            ComplaintProgressEntry(
                opened.complaint_id, "lina", AT, "in_progress", "已派保洁", "6-2-1203"
            ),
        )
        assert elsewhere == [f"第 {opened.complaint_id} 号投诉不是房屋 6-2-1203 的"]
    for message in [*over, *periods, *nobody, *retired, *wrong, *no_arrears, *elsewhere]:
        assert_chinese(message, allowed={"ghost", "old"})
    assert grew(before, state(lite)) == {"Complaint": 1}


def test_summaries_are_in_chinese(lite: Store) -> None:
    with language("zh_CN"):
        summaries = [
            record_outcome(
                lite,
                OutcomeEntry("6-2-1203", "lina", AT, "call", "dispute", note="电费不对"),
                now=AT,
                policy=P,
            ).summary,
            record_outcome(
                lite,
                OutcomeEntry(
                    "6-1-101",
                    "lina",
                    AT,
                    "call",
                    "callback",
                    note="在开会",
                    callback_at=AT + dt.timedelta(hours=4),
                ),
                now=AT,
                policy=P,
            ).summary,
            record_promise(
                lite,
                PromiseEntry(
                    "6-1-101", "lina", AT, AT.date() + dt.timedelta(days=3), None, "pickup"
                ),
                now=AT,
                policy=P,
            ).summary,
            record_promise(
                lite,
                PromiseEntry(
                    "6-1-101", "lina", AT, AT.date() + dt.timedelta(days=2), D("100"), "wechat"
                ),
                now=AT,
                policy=P,
            ).summary,
            record_payment(
                lite,
                PaymentEntry("6-1-101", "lina", AT, D("300"), "cash", "SK-1"),
                now=AT,
                policy=P,
            ).summary,
            record_complaint(
                lite,
                ComplaintEntry(
                    "6-1-101",
                    "lina",
                    AT,
                    "outside_duty",
                    False,
                    "邻居装修",
                    "wang",
                    AT.date(),
                    True,
                ),
                now=AT,
                policy=P,
            ).summary,
            record_letter(
                lite,
                LetterEntry("6-1-101", "lina", AT, "written_demand", True, "EMS 1234567890", None),
                now=AT,
                policy=P,
            ).summary,
        ]
    with language("zh_CN"):
        visit = record_outcome(
            lite, OutcomeEntry("8-1501", "lina", AT, "visit", "not_home"), now=AT, policy=P
        )
        assert (visit.what, visit.summary) == ("上门，无人在家", "8-1501：上门，无人在家")
    assert summaries[0].startswith("6-2-1203：电话，有异议；已登记第 ")
    assert summaries[0].endswith("号投诉（服务质量），暂停催收")
    assert summaries[1] == "6-1-101：电话，约定回电；2026-11-27 14:30 回电"
    assert summaries[2] == "6-1-101：承诺 2026-11-30 前缴清欠费（上门收取）"
    assert summaries[3] == (
        "6-1-101：承诺 2026-11-29 前缴纳 100.00 元（微信）；"
        "原承诺 2026-11-30 缴费已取消（以新承诺为准）"
    )
    assert summaries[4] == (
        "6-1-101：收款 300.00 元（现金，收据号 SK-1），冲抵 2 笔费用；仍欠 287.60 元；"
        "承诺 2026-11-29 缴费已兑现"
    )
    assert summaries[6] == "6-1-101：催告函已送达（凭证：EMS 1234567890）；缴费期限 2026-12-12"
    for summary in summaries:
        assert_chinese(summary, allowed={"wang"})


# --- the command line ---------------------------------------------------------------------


@pytest.fixture
def db(lite: Store) -> str:
    return lite.url


def run(capsys: pytest.CaptureFixture[str], db: str, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--db", db, "--at", "2026-11-27T10:30"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def counts_at(db: str) -> dict[str, Any]:
    store = open_store(db)
    try:
        return state(store)
    finally:
        store.close()


def test_cli_records_a_payment_and_prints_the_allocation(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, err = run(
        capsys, db, "record", "6-1-101", "payment", "--amount", "300", "--pay-channel", "cash",
        "--receipt", "SK-1", "--as", "lina",
    )  # fmt: skip
    assert code == 0, err
    assert out.splitlines() == [
        "6-1-101: payment 300.00 (cash, receipt SK-1) over 2 charge(s); 287.60 still outstanding",
        "  2026-08 电费 186.40 settled",
        "  2026-08 物业费 113.60 paid, 137.00 left",
    ]


def test_cli_bad_input_lists_every_problem_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    before = counts_at(db)
    code, out, err = run(
        capsys, db, "record", "6-1-101", "payment", "--amount", "1.234", "--pay-channel", "cash",
        "--periods", "2026-13", "--deadline", "+3", "--as", "lina",
    )  # fmt: skip
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "callqueue: nothing was recorded:",
        "  --deadline: is not used when recording a payment",
        "  amount: '1.234' has more than 2 decimal places",
        "  receipt_no (--receipt): a cash payment needs the receipt number",
        "  periods: '2026-13' has month 13; months are 1-12",
    ]
    code, _, err = run(
        capsys, db, "record", "6-1-101", "payment", "--amount", "9999", "--pay-channel", "wechat",
        "--as", "ghost",
    )  # fmt: skip
    assert code == 1  # sign-in comes first: an unknown code gets no further
    assert err == "callqueue: no staff member has the code 'ghost'\n"
    code, _, err = run(
        capsys, db, "record", "6-1-101", "payment", "--amount", "9999", "--pay-channel", "wechat",
        "--as", "lina",
    )  # fmt: skip
    assert code == 1
    assert "  amount: 9,999.00 is more than the 587.60 outstanding" in err
    assert counts_at(db) == before


def test_cli_promise_outcome_progress_and_letter(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, err = run(
        capsys, db, "record", "6-2-1203", "promise", "--date", "+3", "--amount", "352.80",
        "--method", "wechat", "--note", "周五转账", "--as", "lina",
    )  # fmt: skip
    assert code == 0, err
    assert out == "6-2-1203: promise to pay 352.80 by 2026-11-30 (wechat)\n"
    code, out, err = run(
        capsys, db, "record", "6-2-1203", "promise", "--date", "2026-02-30", "--amount", "abc",
        "--method", "cheque", "--as", "lina",
    )  # fmt: skip
    assert code == 1
    assert err.splitlines()[1:] == [
        "  promised_date (--date): '2026-02-30' does not exist",
        "  amount: 'abc' is not an amount; write it like 1234.50 or 1,234.50",
        "  method: 'cheque' is not a payment method; use one of cash, pos, wechat, alipay, "
        "bank_transfer, pickup",
    ]
    code, out, err = run(
        capsys, db, "record", "6-2-1203", "outcome", "--outcome", "dispute", "--note",
        "说车位费不该收", "--category", "parking", "--as", "lina",
    )  # fmt: skip
    assert code == 0, err
    assert "complaint #1 (parking) opened, collection paused" in out
    code, out, err = run(
        capsys, db, "record", "6-2-1203", "progress", "--complaint", "1", "--status", "closed",
        "--note", "已核实车位费，告知业主", "--as", "wang",
    )  # fmt: skip
    assert code == 0, err
    assert out == "6-2-1203: complaint #1 open → closed; collection resumes\n"
    code, out, err = run(
        capsys, db, "record", "6-2-1203", "letter", "--kind", "written_demand", "--delivered",
        "--as", "lina",
    )  # fmt: skip
    assert code == 1 and "  proof: delivery needs proof" in err
    code, out, err = run(
        capsys, db, "record", "6-2-1203", "letter", "--kind", "written_demand", "--as", "lina",
    )  # fmt: skip
    assert code == 0 and out == "6-2-1203: written demand sent; pay by 2026-12-12\n"
    after = counts_at(db)
    assert (after["Contact"], after["Promise"], after["Complaint"], after["ComplaintUpdate"]) == (
        3,
        1,
        1,
        1,
    )


def test_cli_record_needs_as(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code = main(["record", "6-1-101", "outcome", "--outcome", "no_answer", "--db", db])
    assert code == 1  # single-user mode: who records it is said with --as
    assert "staff_code (--as): say who records this" in capsys.readouterr().err
