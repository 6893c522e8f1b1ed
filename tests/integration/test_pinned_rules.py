"""Rules pinned with fixed expected values (issue 18, deliverable 7), on a database.

2. A staff member without a team sees no building: no access, an empty queue, every
   household refused, no phone number in full.
3. A household with one time-barred and one live charge: the household view's total, the
   queue's item, the scripts and the written demand carry only the live amount.

(The rules that need no database are in tests/unit/test_pinned_rules.py.)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from callqueue.access import NotAllowed, access_for, check_household, visible_buildings
from callqueue.cli import main
from callqueue.household_view import household_id_for_key, load_household_view
from callqueue.limitation import LimitationState
from callqueue.policy import DEFAULT_POLICY
from callqueue.queue.book import QueueBook, scope_for_staff
from callqueue.scripts import PHONE, VISIT, WRITTEN_DEMAND, render_script, script_kind_for
from callqueue.store.database import Store
from callqueue.store.models import (
    Building,
    ChargeLine,
    Household,
    Person,
    Phone,
    Role,
    Staff,
    Team,
)
from callqueue.workspace import Workspace

MOMENT = dt.datetime(2026, 11, 27, 10, 30)  # a Friday, calls open
TODAY = MOMENT.date()
NUMBERS = {"6": "13812345678", "7": "13900012233", "8": "15988887777"}


def household(session: object, building: Building, owner: str, charges: list[ChargeLine]) -> None:
    key = f"{building.code}-1-101"
    home = Household(key=key, building_id=building.id, unit="1", room="101")
    session.add(home)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    person = Person(household_id=home.id, name=owner, role="owner", is_primary=True)
    session.add(person)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    session.add(Phone(person_id=person.id, number=NUMBERS[building.code], kind="mobile"))  # type: ignore[attr-defined]
    for line in charges:
        line.household_id = home.id
        session.add(line)  # type: ignore[attr-defined]


def charge(period: str, due: dt.date, amount: str) -> ChargeLine:
    return ChargeLine(
        household_id=0, fee_type="property", period=period, due_date=due, amount_due=Decimal(amount)
    )


def fill(store: Store, *, building_8_has_a_team: bool = True) -> Store:
    """Buildings 6 and 7 of team 六七栋组, building 8 of 八栋组 (or of no team); one household
    in each. 6-1-101 (王芳) owes 300.00 of April 2023, time-barred since 2026-04-30, and
    500.00 of October 2026. Staff: lina (collector, 六七栋组), drifter (a collector with no
    team), boss (manager)."""
    with store.session() as s, s.begin():
        six_seven, eight = Team(name="六七栋组"), Team(name="八栋组")
        s.add_all([six_seven, eight])
        s.flush()
        buildings = {
            "6": Building(code="6", team_id=six_seven.id),
            "7": Building(code="7", team_id=six_seven.id),
            "8": Building(code="8", team_id=eight.id if building_8_has_a_team else None),
        }
        s.add_all(buildings.values())
        s.flush()
        household(
            s,
            buildings["6"],
            "王芳",
            [
                charge("2023-04", dt.date(2023, 4, 30), "300.00"),
                charge("2026-10", dt.date(2026, 10, 31), "500.00"),
            ],
        )
        household(s, buildings["7"], "李秀英", [charge("2026-10", dt.date(2026, 10, 31), "250.60")])
        household(s, buildings["8"], "张伟", [charge("2026-10", dt.date(2026, 10, 31), "400.96")])
        s.add(Staff(code="lina", name="李娜", role=Role.COLLECTOR, team_id=six_seven.id))
        s.add(Staff(code="drifter", name="无组员", role=Role.COLLECTOR, team_id=None))
        s.add(Staff(code="boss", name="王经理", role=Role.MANAGER, team_id=None))
    return store


@pytest.fixture
def project(store: Store) -> Store:
    return fill(store)


# --- 2. no team, no buildings -----------------------------------------------------------------


def test_a_collector_without_a_team_may_see_no_building(project: Store) -> None:
    with project.session() as s:
        assert visible_buildings(s, Role.COLLECTOR, None) == frozenset()
        assert visible_buildings(s, Role.TEAM_LEADER, None) == frozenset()
        drifter = access_for(s, "drifter")
        assert drifter.buildings == frozenset() and not drifter.everything
        for building in ("6", "7", "8"):
            assert not drifter.may_see(building)
            assert not drifter.sees_phones(building)
        # the others, for contrast
        assert access_for(s, "lina").buildings == frozenset({"6", "7"})
        assert access_for(s, "lina").sees_phones("6") and not access_for(s, "lina").sees_phones("8")
        assert access_for(s, "boss").buildings is None


def test_every_household_is_refused_to_a_collector_without_a_team(project: Store) -> None:
    with project.session() as s:
        drifter = access_for(s, "drifter")
        for key in ("6-1-101", "7-1-101", "8-1-101"):
            household_id = household_id_for_key(s, key)
            with pytest.raises(NotAllowed, match="has no team, so no buildings to see"):
                check_household(s, drifter, household_id, key)


def test_the_queue_of_a_collector_without_a_team_is_empty(project: Store) -> None:
    with project.session() as s:
        scope = scope_for_staff(s, "drifter")
        assert scope.buildings == frozenset()
        lina = scope_for_staff(s, "lina")
    assert lina.buildings == frozenset({"6", "7"})
    book = QueueBook(project, TODAY, DEFAULT_POLICY, scope)
    assert book.facts == {}
    assert book.queue(MOMENT, scope).items == []
    workspace = Workspace(project, DEFAULT_POLICY, staff_code="drifter", clock=lambda: MOMENT)
    assert workspace.load().items == []
    # lina's queue, for contrast: her two buildings
    mine = Workspace(project, DEFAULT_POLICY, staff_code="lina", clock=lambda: MOMENT).load()
    assert sorted(i.key for i in mine.items) == ["6-1-101", "7-1-101"]


def test_a_collector_without_a_team_gets_no_building_that_has_no_team(sqlite_store: Store) -> None:
    fill(sqlite_store, building_8_has_a_team=False)
    with sqlite_store.session() as s:
        assert access_for(s, "drifter").buildings == frozenset()
        assert scope_for_staff(s, "drifter").buildings == frozenset()


def test_the_command_line_refuses_a_collector_without_a_team(
    project: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    url = project.url
    at = MOMENT.isoformat(timespec="minutes")
    who = ["--as", "drifter"]  # one person's file: --as; shared (PostgreSQL): their account
    if not project.is_sqlite:
        from callqueue.auth import current_os_user, set_os_user

        set_os_user(project, "drifter", current_os_user())
        who = []
    for key, owner in (("6-1-101", "王芳"), ("8-1-101", "张伟")):
        code = main(["household", key, "--show-phones", "--db", url, *who, "--at", at])
        out, err = capsys.readouterr()
        assert code != 0
        assert "has no team" in err
        assert owner not in out + err
        assert not any(number in out + err for number in NUMBERS.values())
    code = main(["queue", "--json", "--db", url, *who, "--at", at])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.strip() == "[]"


# --- 3. time-barred money is shown, never asked for --------------------------------------------


def test_the_household_view_totals_only_the_live_charge(project: Store) -> None:
    with project.session() as s:
        household_id = household_id_for_key(s, "6-1-101")
        view = load_household_view(s, household_id, day=TODAY, policy=DEFAULT_POLICY)
    assert view.total == Decimal("500.00")
    assert view.time_barred == Decimal("300.00")
    assert view.arrears_by_fee == {"property": Decimal("500.00")}
    assert [(a.fee_type, a.amount, a.periods) for a in view.arrears] == [
        ("property", Decimal("500.00"), ("2026-10",))
    ]
    assert [(c.period, c.deadline, c.limitation, c.collectable) for c in view.charges] == [
        ("2023-04", dt.date(2026, 4, 30), LimitationState.TIME_BARRED, False),
        ("2026-10", dt.date(2029, 10, 31), LimitationState.RUNNING, True),
    ]
    assert view.days_overdue == 27  # of the live charge, not the time-barred one


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_scripts_and_the_written_demand_ask_only_for_the_live_amount(
    project: Store, lang: str
) -> None:
    with project.session() as s:
        household_id = household_id_for_key(s, "6-1-101")
        view = load_household_view(s, household_id, day=TODAY, policy=DEFAULT_POLICY)
    kinds = {script_kind_for(view), PHONE, VISIT, WRITTEN_DEMAND}
    for kind in sorted(kinds):
        text = render_script(kind, view, collector="李娜", lang=lang)
        assert "500.00" in text, (kind, text)
        assert "800.00" not in text and "300.00" not in text, (kind, text)
        assert "2023" not in text, (kind, text)


def test_the_queue_item_asks_only_for_the_live_amount(project: Store) -> None:
    queue = Workspace(project, DEFAULT_POLICY, staff_code="lina", clock=lambda: MOMENT).load()
    item = next(i for i in queue.items if i.key == "6-1-101")
    assert item.total == Decimal("500.00")
    assert item.arrears == {"property": Decimal("500.00")}
    assert "300.00 time-barred, not collectable" in [r.text() for r in item.reasons]
