"""The workspace core the app runs on: sign-in list, scope, search, a new day."""

from __future__ import annotations

from callqueue.demo import DEMO_COLLECTOR, DEMO_MANAGER
from callqueue.policy import DEFAULT_POLICY
from callqueue.store.database import Store
from callqueue.workspace import Workspace, list_staff
from tests.integration.test_queue import moment


def test_staff_list_puts_managers_and_leaders_first(demo_store: Store) -> None:
    staff = list_staff(demo_store)
    roles = [m.role for m in staff]
    assert roles[0] == "manager" and staff[0].code == DEMO_MANAGER
    assert roles == sorted(roles, key=["manager", "team_leader", "collector"].index)


def test_search_and_a_new_day(demo_store: Store) -> None:
    clock = [moment(10, 30)]
    workspace = Workspace(
        demo_store, DEFAULT_POLICY, staff_code=DEMO_COLLECTOR, clock=lambda: clock[0]
    )
    queue = workspace.load()
    assert workspace.scope.buildings == frozenset({"6"})
    target = queue.items[5]
    room = target.key.split("-")[-1]
    assert target in workspace.search(room)
    assert all(room in item.key for item in workspace.search(room))
    assert target in workspace.search(target.owner)
    phone = target.facts.record.phones[0]
    assert workspace.search(phone[-6:])[0].household_id == target.household_id
    assert workspace.search("   ") == queue.items
    assert workspace.search("没有这个人") == []
    clock[0] = moment(10, 30, days=3)  # Monday: the book is reloaded for the new day
    again = workspace.rank()
    assert workspace.book is not None and workspace.book.day == clock[0].date()
    assert again.moment == clock[0]
