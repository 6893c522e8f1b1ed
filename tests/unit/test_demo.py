"""The demo data: the source plan's figures to the fen, a consistent ledger, a live queue."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Date, bindparam, select, text
from sqlalchemy.orm import Session

from callqueue.demo import (
    DEFAULT_HOUSEHOLDS,
    DEMO_COLLECTOR,
    DEMO_LEADER,
    DEMO_MANAGER,
    SOURCE_ARREARS,
    SOURCE_PLAN,
    DemoSummary,
    add_years,
    fill_demo,
    plan_name,
)
from callqueue.household_key import parse_key
from callqueue.money import ZERO, from_fen
from callqueue.store.database import Store, open_store
from callqueue.store.models import (
    REACHED_OUTCOMES,
    Building,
    ChargeLine,
    CollectionPlan,
    Complaint,
    ComplaintUpdate,
    Contact,
    Household,
    Payment,
    PaymentAllocation,
    Person,
    Phone,
    PlanBaseline,
    PlanTarget,
    Promise,
    Role,
    Staff,
    Team,
)

TODAY = dt.datetime(2026, 11, 27, 10, 30)  # a Friday; the plan starts 2026-10
PLAN_START = dt.date(2026, 10, 1)
DIGEST_TABLES = (
    "staff", "households", "people", "phones", "charge_lines", "contacts", "promises",
    "payments", "payment_allocations", "complaints", "complaint_updates",
)  # fmt: skip


def _fill(
    path: Path,
    *,
    households: int = DEFAULT_HOUSEHOLDS,
    seed: int = 2018,
    phases: list[str] | None = None,
) -> tuple[Store, DemoSummary]:
    store = open_store(f"sqlite:///{path}")
    progress = phases.append if phases is not None else None
    return store, fill_demo(store, households=households, seed=seed, today=TODAY, progress=progress)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, DemoSummary]]:
    store, summary = _fill(tmp_path_factory.mktemp("demo") / "d.db")
    yield store, summary
    store.close()


@pytest.fixture(scope="module")
def session(demo: tuple[Store, DemoSummary]) -> Iterator[Session]:
    with demo[0].session() as opened:
        yield opened


def arrears_at(store: Store, start: dt.date) -> dict[str, Decimal]:
    """Outstanding at `start` per fee type, summed by the database (in fen)."""
    query = text(
        "SELECT fee_type, SUM(amount_due - paid_billing) FROM charge_lines"
        " WHERE due_date < :start GROUP BY fee_type"
    ).bindparams(bindparam("start", type_=Date))
    with store.engine.connect() as connection:
        found = {
            fee: from_fen(int(fen)) for fee, fen in connection.execute(query, {"start": start})
        }
    assert found.pop("parking", ZERO) == ZERO  # the plan covers electricity and property fee
    return found


def digest(store: Store) -> str:
    sha = hashlib.sha256()
    with store.engine.connect() as connection:
        for table in DIGEST_TABLES:
            for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY id")):
                sha.update(repr(tuple(row)).encode())
    return sha.hexdigest()


# --- the plan's figures -------------------------------------------------------------------


def test_default_demo_owes_exactly_the_source_arrears_at_plan_start(
    demo: tuple[Store, DemoSummary], session: Session
) -> None:
    store, summary = demo
    assert summary.plan_start == "2026-10"
    found = arrears_at(store, PLAN_START)
    assert found["electricity"] == Decimal("152700.00")
    assert found["property"] == Decimal("159700.00")
    assert summary.arrears_at_plan_start == SOURCE_ARREARS
    baselines = session.scalars(select(PlanBaseline)).all()
    assert {b.fee_type: b.arrears for b in baselines} == SOURCE_ARREARS
    assert all(b.building_id is None for b in baselines)


def test_the_plan_keeps_the_source_targets_and_typed_rates(session: Session) -> None:
    plan = session.scalars(select(CollectionPlan)).one()
    assert plan.start_month == "2026-10"
    assert plan.name == "2026年第四季度物业费电费催收计划"
    targets = {
        (t.month, t.fee_type): (t.amount, t.typed_cumulative_rate)
        for t in session.scalars(select(PlanTarget))
    }
    months = ("2026-10", "2026-11", "2026-12")
    assert targets == {
        (months[offset], fee): (amount, rate) for offset, fee, amount, rate in SOURCE_PLAN
    }


def test_plan_names_follow_the_dates() -> None:
    assert plan_name(2026 * 12 + 9) == "2026年第四季度物业费电费催收计划"
    assert plan_name(2026 * 12 + 11) == "2026年12月至2027年2月物业费电费催收计划"


def test_a_thousand_households_scale_the_totals(tmp_path: Path) -> None:
    phases: list[str] = []
    store, summary = _fill(tmp_path / "d.db", households=1000, phases=phases)
    try:
        assert {"households", "charges", "contacts"} <= set(phases)
        expected = {"electricity": Decimal("424166.67"), "property": Decimal("443611.11")}
        assert arrears_at(store, PLAN_START) == expected
        assert summary.arrears_at_plan_start == expected
        assert summary.households == 1000
        assert summary.buildings == 9  # 6..14, the last one partial
        with store.session() as session:
            keys = session.scalars(select(Household.key)).all()
            assert len(keys) == 1000 and "14-2-1502" not in keys and "14-1-101" in keys
            amounts = {(t.month, t.fee_type): t.amount for t in session.scalars(select(PlanTarget))}
            assert amounts["2026-10", "electricity"] == Decimal("97222.00")  # 35,000 x 1000/360
            assert amounts["2026-12", "property"] == Decimal("208333.00")
            teams = session.scalars(select(Team.name).order_by(Team.id)).all()
            assert teams == ["6栋组", "7栋组", "8栋组", "9-11栋组", "12-14栋组"]
    finally:
        store.close()


# --- people -------------------------------------------------------------------------------


def test_buildings_six_to_eight_have_a_team_each_with_a_leader_and_collectors(
    session: Session,
) -> None:
    buildings = {b.code: b for b in session.scalars(select(Building))}
    assert sorted(buildings, key=int) == ["6", "7", "8"]
    teams = {t.id: t.name for t in session.scalars(select(Team))}
    staff = session.scalars(select(Staff)).all()
    for code, building in buildings.items():
        assert teams[building.team_id] == f"{code}栋组"  # type: ignore[index]
        roles = [s.role for s in staff if s.team_id == building.team_id]
        assert roles.count(Role.TEAM_LEADER) == 1
        assert 2 <= roles.count(Role.COLLECTOR) <= 3
    managers = [s for s in staff if s.role == Role.MANAGER]
    assert len(managers) == 1 and managers[0].team_id is None
    assert len({s.code for s in staff}) == len(staff)
    assert all(s.code.isascii() and s.code.islower() for s in staff)


def test_the_documented_staff_codes_have_their_roles(session: Session) -> None:
    by_code = {s.code: s for s in session.scalars(select(Staff))}
    team_six = session.scalars(select(Building.team_id).where(Building.code == "6")).one()
    assert by_code[DEMO_MANAGER].role == Role.MANAGER
    assert (by_code[DEMO_LEADER].role, by_code[DEMO_LEADER].team_id) == (
        Role.TEAM_LEADER,
        team_six,
    )
    assert (by_code[DEMO_COLLECTOR].role, by_code[DEMO_COLLECTOR].team_id) == (
        Role.COLLECTOR,
        team_six,
    )


def test_households_owners_and_phones_look_real(session: Session) -> None:
    households = session.scalars(select(Household)).all()
    assert len(households) == DEFAULT_HOUSEHOLDS
    for household in households:
        key = parse_key(household.key)
        assert 1 <= int(key.room[:-2]) == household.floor <= 15
        assert 1 <= int(key.room[-2:]) <= 4
        assert household.area is not None and Decimal(60) <= household.area <= Decimal(160)
    owners = session.scalars(select(Person).where(Person.role == "owner")).all()
    assert len(owners) == len(households) and all(o.is_primary for o in owners)
    for phone in session.scalars(select(Phone)):
        if phone.kind == "mobile":
            assert len(phone.number) == 11 and phone.number.isdigit()
        else:
            assert phone.number.startswith("0755-8") and len(phone.number) == 13
    no_phone = {h.id for h in households if h.no_phone}
    with_phone = set(
        session.scalars(select(Person.household_id).join(Phone, Phone.person_id == Person.id))
    )
    assert no_phone and not no_phone & with_phone
    assert sum(h.chronic_defaulter for h in households) == 18


# --- a consistent ledger ------------------------------------------------------------------


def test_payments_allocations_and_lines_agree(session: Session) -> None:
    lines = {line.id: line for line in session.scalars(select(ChargeLine))}
    payments = {p.id: p for p in session.scalars(select(Payment))}
    allocated_to_line: dict[int, Decimal] = defaultdict(lambda: ZERO)
    allocated_of_payment: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for allocation in session.scalars(select(PaymentAllocation)):
        assert allocation.reconciled == ZERO
        line = lines[allocation.charge_line_id]
        payment = payments[allocation.payment_id]
        assert line.household_id == payment.household_id
        assert line.due_date < payment.paid_at.date()
        allocated_to_line[line.id] += allocation.amount
        allocated_of_payment[payment.id] += allocation.amount
    assert payments and all(allocated_of_payment[p.id] == p.amount for p in payments.values())
    for line in lines.values():
        assert line.paid_pending == allocated_to_line[line.id]
        assert (
            line.paid_billing >= ZERO and line.paid_billing + line.paid_pending <= line.amount_due
        )
    assert len({p.receipt_no for p in payments.values()}) == len(payments)


def test_lines_are_due_at_month_end_and_future_ones_unpaid(session: Session) -> None:
    for line in session.scalars(select(ChargeLine)):
        assert line.due_date.strftime("%Y-%m") == line.period
        assert (line.due_date + dt.timedelta(days=1)).day == 1
        if line.due_date >= TODAY.date():
            assert line.paid_billing == ZERO and line.paid_pending == ZERO
    overdue_this_plan = session.scalars(
        select(ChargeLine).where(ChargeLine.period == "2026-10", ChargeLine.paid_billing == 0)
    ).all()
    assert overdue_this_plan  # work for the phone tier


# --- history ------------------------------------------------------------------------------


def test_nothing_is_dated_after_today(session: Session) -> None:
    since = TODAY - dt.timedelta(days=60)
    contacts = session.scalars(select(Contact)).all()
    assert contacts and all(since <= c.at <= TODAY for c in contacts)
    for promise in session.scalars(select(Promise)):
        assert since <= promise.made_at <= TODAY
        assert promise.settled_at is None or promise.made_at < promise.settled_at <= TODAY
    assert all(since <= p.paid_at <= TODAY for p in session.scalars(select(Payment)))
    for complaint in session.scalars(select(Complaint)):
        assert since <= complaint.opened_at <= TODAY
        assert complaint.closed_at is None or complaint.opened_at <= complaint.closed_at <= TODAY
    assert all(u.at <= TODAY for u in session.scalars(select(ComplaintUpdate)))
    households = session.scalars(select(Household)).all()
    assert all(h.move_in_date is not None and h.move_in_date <= TODAY.date() for h in households)


def test_calls_fall_in_the_call_hours_and_visits_in_visiting_hours(session: Session) -> None:
    for contact in session.scalars(select(Contact)):
        moment = contact.at.time()
        assert contact.reached == (contact.outcome in REACHED_OUTCOMES)
        if contact.channel == "call":
            assert contact.at.weekday() != 6
            assert dt.time(10) <= moment < dt.time(12) or dt.time(15) <= moment < dt.time(18)
            assert contact.phone_number
        elif contact.channel == "visit":
            assert dt.time(9) <= moment < dt.time(12) or dt.time(14) <= moment < dt.time(20)
        if contact.outcome == "callback":
            assert contact.callback_at is not None and contact.callback_at > contact.at


def test_promises_are_three_to_five_days_out_and_settled_when_due(session: Session) -> None:
    contacts = {c.id: c for c in session.scalars(select(Contact))}
    payments = session.scalars(select(Payment)).all()
    statuses = set()
    for promise in session.scalars(select(Promise)):
        contact = contacts[promise.contact_id]  # type: ignore[index]
        assert contact.outcome == "promise" and contact.household_id == promise.household_id
        assert 3 <= (promise.promised_date - contact.at.date()).days <= 5
        due = promise.promised_date + dt.timedelta(days=1) < TODAY.date()
        assert (promise.status != "open") == due
        if promise.status == "kept":
            assert any(
                p.household_id == promise.household_id
                and p.paid_at == promise.settled_at
                and p.paid_at.date() <= promise.promised_date
                for p in payments
            )
        statuses.add(promise.status)
    assert statuses == {"open", "kept", "broken"}


def test_complaints_are_at_every_stage(session: Session) -> None:
    complaints = session.scalars(select(Complaint)).all()
    updates = session.scalars(select(ComplaintUpdate)).all()
    assert {c.status for c in complaints} == {"open", "in_progress", "resolved", "closed"}
    for complaint in complaints:
        mine = [u for u in updates if u.complaint_id == complaint.id]
        assert 1 <= len(mine) <= 2
        assert complaint.handler_id is not None and complaint.report_back_on is not None
        if complaint.status == "resolved":
            assert complaint.report_back_on <= TODAY.date()
        if complaint.status == "closed":
            assert complaint.closed_at is not None and complaint.resolution
        assert complaint.within_duty == (complaint.category != "outside_duty")


def test_some_debts_near_limitation_have_never_been_reached(session: Session) -> None:
    oldest_unpaid: dict[int, dt.date] = {}
    for line in session.scalars(select(ChargeLine).order_by(ChargeLine.due_date)):
        if line.paid_billing + line.paid_pending < line.amount_due:
            oldest_unpaid.setdefault(line.household_id, line.due_date)
    reached = set(session.scalars(select(Contact.household_id).where(Contact.reached)))
    contacted = set(session.scalars(select(Contact.household_id)))
    near = [
        household
        for household, due in oldest_unpaid.items()
        if 0 <= (add_years(due, 3) - TODAY.date()).days <= 90
    ]
    silent = [household for household in near if household not in reached]
    assert silent and set(silent) <= contacted


# --- reproducible, and only into an empty database ----------------------------------------


def test_the_same_seed_and_day_give_the_same_rows(tmp_path: Path) -> None:
    stores = [_fill(tmp_path / name, households=150)[0] for name in ("a.db", "b.db")]
    other = _fill(tmp_path / "c.db", households=150, seed=7)[0]
    try:
        assert digest(stores[0]) == digest(stores[1]) != digest(other)
    finally:
        for store in (*stores, other):
            store.close()


@pytest.mark.parametrize(
    "today",
    [dt.datetime(2027, 1, 3, 8, 0), dt.datetime(2028, 2, 29, 19, 45), dt.datetime(2026, 7, 31, 23)],
)
def test_any_day_gives_the_exact_arrears(tmp_path: Path, today: dt.datetime) -> None:
    store = open_store(f"sqlite:///{tmp_path}/d.db")
    try:
        summary = fill_demo(store, households=200, today=today)
        start = dt.date(today.year, today.month, 1) - dt.timedelta(days=1)
        assert summary.plan_start == start.strftime("%Y-%m")
        expected = {
            fee: (amount * 200 / 360).quantize(Decimal("0.01"))
            for fee, amount in SOURCE_ARREARS.items()
        }
        assert arrears_at(store, start.replace(day=1)) == expected
        with store.session() as session:
            assert max(session.scalars(select(Contact.at))) <= today
    finally:
        store.close()


def test_a_database_with_households_is_refused(tmp_path: Path) -> None:
    store, _ = _fill(tmp_path / "d.db", households=10)
    try:
        with pytest.raises(ValueError, match="already has households"):
            fill_demo(store, households=10, today=TODAY)
        with store.session() as session:
            assert len(session.scalars(select(Household)).all()) == 10
    finally:
        store.close()
