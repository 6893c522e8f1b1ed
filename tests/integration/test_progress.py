"""Progress against the plan on SQLite and PostgreSQL, every figure cross-checked against
independent sums over the ledger and the recorded payments (plain SQL, integer fen)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import bindparam, text
from sqlalchemy.types import Date, DateTime

from callqueue.demo import DEMO_COLLECTOR, DEMO_LEADER, DEMO_MANAGER, fill_demo
from callqueue.money import from_fen
from callqueue.plan.files import plan_from_csv
from callqueue.plan.saved import PlanError, plan_in_force, save_plan, set_target
from callqueue.plan.spec import PlanInvalid
from callqueue.policy import DEFAULT_POLICY
from callqueue.progress.building_map import building_map
from callqueue.progress.report import Report, ReportError, build_report
from callqueue.progress.scope import (
    NotAllowed,
    narrow_to_building,
    project_scope,
    scope_for_staff,
)
from callqueue.progress.statuses import Status
from callqueue.queue.book import EVERY_BUILDING, QueueBook
from callqueue.recording.entries import PaymentEntry
from callqueue.recording.save import record_payment
from callqueue.store.database import Store
from tests.conftest import DEMO_DAY

START = dt.date(2026, 10, 1)
EVENING = dt.datetime(2026, 11, 27, 18, 0)


@pytest.fixture
def demo(store: Store) -> Store:
    fill_demo(store, today=DEMO_DAY)
    return store


def ledger(store: Store) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
    """(arrears at plan start, owed now) per (building, fee) on the plan's lines, from the
    ledger alone. In the demo, billing's paid amounts are those of plan start."""
    query = text(
        "SELECT b.code, c.fee_type, SUM(c.amount_due - c.paid_billing),"
        " SUM(c.amount_due - c.paid_billing - c.paid_pending)"
        " FROM charge_lines c JOIN households h ON h.id = c.household_id"
        " JOIN buildings b ON b.id = h.building_id"
        " WHERE c.due_date < :start GROUP BY b.code, c.fee_type"
    ).bindparams(bindparam("start", type_=Date))
    at_start: dict[tuple[str, str], int] = {}
    owed: dict[tuple[str, str], int] = {}
    with store.engine.connect() as connection:
        for code, fee, base, now in connection.execute(query, {"start": START}):
            at_start[code, fee] = int(base)
            owed[code, fee] = int(now)
    return at_start, owed


def recorded(store: Store, since: dt.datetime, until: dt.datetime) -> dict[tuple[str, str], int]:
    """Payments recorded in callqueue in [since, until] on the plan's lines, per (building,
    fee), from the payment tables alone."""
    query = text(
        "SELECT b.code, c.fee_type, SUM(a.amount) FROM payment_allocations a"
        " JOIN payments p ON p.id = a.payment_id JOIN charge_lines c ON c.id = a.charge_line_id"
        " JOIN households h ON h.id = c.household_id JOIN buildings b ON b.id = h.building_id"
        " WHERE c.due_date < :start AND p.paid_at >= :since AND p.paid_at <= :until"
        " GROUP BY b.code, c.fee_type"
    ).bindparams(
        bindparam("start", type_=Date),
        bindparam("since", type_=DateTime),
        bindparam("until", type_=DateTime),
    )
    with store.engine.connect() as connection:
        rows = connection.execute(query, {"start": START, "since": since, "until": until})
        return {(code, fee): int(amount) for code, fee, amount in rows}


def report(store: Store, staff: str = DEMO_MANAGER, at: dt.datetime = EVENING, **kw: str) -> Report:
    with store.session() as session:
        scope = scope_for_staff(session, staff)
        if "building" in kw:
            scope = narrow_to_building(scope, kw.pop("building"))
        return build_report(session, scope, at, DEFAULT_POLICY, **kw)


def check_against_ledger(store: Store, result: Report) -> None:
    at_start, owed = ledger(store)
    paid = recorded(store, dt.datetime(2026, 10, 1), result.until)
    for building in result.buildings:
        for fee in building.fees:
            key = (building.building, fee.fee_type)
            assert fee.baseline == from_fen(at_start[key])
            assert fee.collected == from_fen(paid.get(key, 0))
            if result.until >= dt.datetime(2026, 11, 27, 18):  # nothing recorded later
                assert fee.collected == from_fen(at_start[key] - owed[key])
            exact = Decimal(paid.get(key, 0)) * 100 / Decimal(at_start[key])
            assert fee.rate == exact.quantize(Decimal("0.01"))
    for fee in result.totals:
        assert fee.collected == sum(
            (f.collected for b in result.buildings for f in b.fees if f.fee_type == fee.fee_type),
            Decimal("0.00"),
        )
    assert result.total.collected == sum((f.collected for f in result.totals), Decimal("0.00"))
    # the trend, the collectors and the buildings are the same money
    month_start = dt.datetime.fromisoformat(f"{result.month}-01")
    month = sum(recorded(store, month_start, result.until).values())
    assert result.trend[-1].cumulative == result.total.collected
    assert sum(p.collected for p in result.trend) == from_fen(month)
    assert sum(c.collected for c in result.collectors) == from_fen(month)


def test_demo_figures_match_the_ledger(demo: Store) -> None:
    result = report(demo)
    assert [b.building for b in result.buildings] == ["6", "7", "8"]
    assert {f.fee_type: f.baseline for f in result.totals} == {
        "electricity": Decimal("152700.00"),
        "property": Decimal("159700.00"),
    }
    assert {f.fee_type: f.cumulative_target for f in result.totals} == {
        "electricity": Decimal("80000.00"),
        "property": Decimal("70000.00"),
    }
    assert {f.fee_type: f.target_rate for f in result.totals} == {
        "electricity": Decimal("52.39"),
        "property": Decimal("43.83"),
    }
    assert len(result.slips) == 3 and result.slips[0][2].typed_rate == Decimal("58.93")
    check_against_ledger(demo, result)
    with demo.engine.connect() as connection:
        in_plan = connection.execute(
            text(
                "SELECT COUNT(DISTINCT household_id) FROM charge_lines"
                " WHERE due_date < :start AND amount_due > paid_billing"
            ).bindparams(bindparam("start", type_=Date)),
            {"start": START},
        ).scalar_one()
    assert sum(result.statuses.values()) == in_plan
    assert sum(b.households for b in result.buildings) == in_plan


def test_a_day_of_payments_shows_exactly(demo: Store) -> None:
    before = report(demo, at=dt.datetime(2026, 11, 27, 9, 30))
    with demo.engine.connect() as connection:
        owing = connection.execute(
            text(
                "SELECT h.key, b.code, SUM(c.amount_due - c.paid_billing - c.paid_pending)"
                " FROM charge_lines c JOIN households h ON h.id = c.household_id"
                " JOIN buildings b ON b.id = h.building_id"
                " WHERE c.due_date < :start AND c.amount_due - c.paid_billing - c.paid_pending > 0"
                " GROUP BY h.key, b.code ORDER BY h.key"
            ).bindparams(bindparam("start", type_=Date)),
            {"start": START},
        ).all()
    chosen = [row for row in owing if row[1] == "6"][:4] + [row for row in owing if row[1] == "7"][
        :3
    ]
    full = chosen[0]
    with demo.session() as session:  # building 7 is another team's: its own collector records
        seven = session.execute(
            text(
                "SELECT s.code FROM staff s JOIN buildings b ON b.team_id = s.team_id"
                " WHERE b.code = '7' AND s.role = 'collector' ORDER BY s.id LIMIT 1"
            )
        ).scalar_one()
    paid_by_building: dict[str, int] = defaultdict(int)
    for n, (key, code, fen) in enumerate(chosen):
        amount = from_fen(int(fen)) if n == 0 else min(from_fen(int(fen)), Decimal("100.00"))
        entry = PaymentEntry(
            household_key=key,
            staff_code=DEMO_COLLECTOR if code == "6" else seven,
            at=dt.datetime(2026, 11, 27, 10, 0) + dt.timedelta(minutes=20 * n),
            amount=amount,
            channel="wechat",
            receipt_no=f"T-{n}",
        )
        done = record_payment(demo, entry, now=EVENING, policy=DEFAULT_POLICY)
        paid_by_building[code] += sum(
            int(a.amount * 100) for a in done.allocations if a.period < "2026-10"
        )
    after = report(demo)
    check_against_ledger(demo, after)
    for old, new in zip(before.buildings, after.buildings, strict=True):
        delta = new.total.collected - old.total.collected
        assert delta == from_fen(paid_by_building.get(new.building, 0))
    assert after.trend[-1].collected == from_fen(sum(paid_by_building.values()))
    lina = {c.code: c for c in after.collectors}[DEMO_COLLECTOR]
    lina_before = {c.code: c for c in before.collectors}[DEMO_COLLECTOR]
    assert lina.collected - lina_before.collected == from_fen(paid_by_building["6"])
    assert after.statuses[Status.PAID] == before.statuses[Status.PAID] + 1
    with demo.session() as session:
        scope = scope_for_staff(session, DEMO_LEADER)
        cells = building_map(session, scope, "6", EVENING, DEFAULT_POLICY)
    cell = next(c for c in cells.cells.values() if c.key == full[0])
    assert cell.status is Status.PAID and cell.left == Decimal("0.00")
    assert cells.in_plan == after.buildings[0].households
    assert len(cells.cells) == 120 and cells.floors[0] == 15


def test_a_month_that_is_over_is_as_of_its_last_second(demo: Store) -> None:
    october = report(demo, month="2026-10")
    assert october.until == dt.datetime(2026, 10, 31, 23, 59, 59)
    assert october.pace.remaining == 0
    check_against_ledger(demo, october)
    for fee in october.totals:
        assert fee.per_working_day is None
        assert fee.expected_by_now == fee.cumulative_target
    with pytest.raises(ReportError, match="the plan starts in 2026-10"):
        report(demo, month="2026-09")


def test_roles(demo: Store) -> None:
    with demo.session() as session:
        assert scope_for_staff(session, DEMO_LEADER).buildings == ("6",)
        assert scope_for_staff(session, DEMO_MANAGER).buildings == ("6", "7", "8")
        assert project_scope(session).buildings == ("6", "7", "8")
        with pytest.raises(NotAllowed, match="is a collector"):
            scope_for_staff(session, DEMO_COLLECTOR)
        with pytest.raises(NotAllowed, match="no staff member"):
            scope_for_staff(session, "nobody")
        leader = scope_for_staff(session, DEMO_LEADER)
        with pytest.raises(NotAllowed, match="not among the buildings you may see"):
            narrow_to_building(leader, "7栋")
        with pytest.raises(NotAllowed):
            building_map(session, leader, "7", EVENING, DEFAULT_POLICY)
    assert [b.building for b in report(demo, DEMO_LEADER).buildings] == ["6"]
    whole = report(demo)
    one = report(demo, DEMO_LEADER)
    assert one.buildings[0] == whole.buildings[0]  # the same figures in either report


def test_limitation_risk_agrees_with_the_queue(demo: Store) -> None:
    result = report(demo, at=DEMO_DAY)
    book = QueueBook(demo, DEMO_DAY.date(), DEFAULT_POLICY)
    expected = sorted(f.record.key for f in book.in_scope(EVERY_BUILDING) if f.at_risk)
    assert sorted(r.key for r in result.at_risk) == expected
    assert expected


def test_plan_save_replace_and_edit(demo: Store, tmp_path: Path) -> None:
    spec = plan_from_csv(
        "月份,费用类型,金额,楼栋\n2026-10,电费,1000.00,6\n2026-11,电费,2000.00,7\n"
        "2026-10,物业费,3000.00,\n",
        name="小计划",
    )
    save_plan(demo, spec)
    with demo.session() as session:
        plan = plan_in_force(session)
    assert plan is not None and plan.name == "小计划"
    assert plan.cumulative_target("6", "electricity", "2026-11") == 100000
    assert plan.cumulative_target("8", "electricity", "2026-11") == 0
    assert sum(plan.month_target(b, "property", "2026-10") for b in plan.buildings) == 300000
    bad = plan_from_csv("month,fee_type,amount,building\n2026-10,电费,1,99\n")
    with pytest.raises(PlanInvalid, match="1 problem"):
        save_plan(demo, bad)
    with demo.session() as session:
        kept = plan_in_force(session)
    assert kept is not None and kept.name == "小计划"  # nothing was written

    with pytest.raises(PlanError, match="only a manager"):
        set_target(demo, staff_code=DEMO_LEADER, fee_type="property", month="2026-10",
                   amount="1.00", building="6")  # fmt: skip
    edited = set_target(
        demo, staff_code=DEMO_MANAGER, fee_type="物业费", month="2026-10", amount="500.00",
        building="6",
    )  # fmt: skip
    assert edited.month_target("6", "property", "2026-10") == 50000
    assert edited.month_target("7", "property", "2026-10") == plan.month_target(
        "7", "property", "2026-10"
    )  # the others keep the split they had
    with pytest.raises(PlanError, match="per building"):
        set_target(demo, staff_code=DEMO_MANAGER, fee_type="property", month="2026-10",
                   amount="1.00")  # fmt: skip


def test_no_plan_is_a_clear_error(store: Store) -> None:
    with store.session() as session, pytest.raises(ReportError, match="no plan yet"):
        build_report(session, project_scope(session), EVENING, DEFAULT_POLICY)
