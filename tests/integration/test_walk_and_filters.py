"""Narrowing the queue, finding households it holds back, and the walk list of a round."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from callqueue.demo import DEMO_COLLECTOR, DEMO_MANAGER
from callqueue.household_key import building_order, parse_key
from callqueue.policy import DEFAULT_POLICY
from callqueue.queue.actions import Channel
from callqueue.queue.build import OPENED_TIER
from callqueue.queue.filters import (
    QueueFilter,
    SearchIndex,
    actions_in,
    buildings_in,
    find_households,
    matches_text,
)
from callqueue.queue.walk import HANDED_OVER, floor_of, walk_list
from callqueue.store.database import Store
from callqueue.workspace import Workspace
from tests.integration.test_queue import moment


def workspace_for(store: Store, staff: str) -> Workspace:
    return Workspace(store, DEFAULT_POLICY, staff_code=staff, clock=lambda: moment(10, 30))


def test_filters_keep_the_rank_order(demo_store: Store) -> None:
    queue = workspace_for(demo_store, DEMO_MANAGER).load()
    buildings = buildings_in(queue.items)
    assert [code for code, _n in buildings] == sorted(
        {i.building for i in queue.items}, key=building_order
    )
    assert sum(n for _code, n in buildings) == len(queue.items)
    for code, n in buildings:
        narrowed = QueueFilter(building=code).apply(queue.items)
        assert len(narrowed) == n
        assert narrowed == [i for i in queue.items if i.building == code]  # same order
    for action, n in actions_in(queue.items):
        both = QueueFilter(building="7", action=action).apply(queue.items)
        assert all(i.building == "7" and i.action is action for i in both)
        assert len(QueueFilter(action=action).apply(queue.items)) == n
    assert not QueueFilter().active and QueueFilter().apply(queue.items) == queue.items
    room = queue.items[0].key.split("-")[-1]
    assert queue.items[0] in QueueFilter(text=f" {room} ").apply(queue.items)


def test_find_households_reaches_those_the_queue_holds_back(demo_store: Store) -> None:
    workspace = workspace_for(demo_store, DEMO_COLLECTOR)
    queue = workspace.load()
    assert workspace.book is not None
    held = next(iter(queue.excluded))
    record = workspace.book.facts[held].record
    found = find_households(
        record.key, queue, workspace.book.in_scope(workspace.scope), DEFAULT_POLICY
    )
    assert [i.key for i in found] == [record.key]
    assert found[0].tier == OPENED_TIER and found[0].household_id == held
    assert find_households("  ", queue, [], DEFAULT_POLICY) == []
    queued = queue.items[0]
    first = find_households(
        queued.owner, queue, workspace.book.in_scope(workspace.scope), DEFAULT_POLICY
    )[0]
    assert first is queued  # queued households come first, as ranked


def test_walk_list_goes_down_each_staircase(demo_store: Store) -> None:
    queue = workspace_for(demo_store, DEMO_MANAGER).load()
    stops = walk_list(queue.items, everyone=True)
    assert len(stops) == len(queue.items)
    order = [(building_order(s.building), s.unit, -(s.floor or 0)) for s in stops]
    assert order == sorted(order)
    doors = walk_list(queue.items, building="6")
    assert doors and all(s.building == "6" for s in doors)
    assert all(s.item.channel is Channel.VISIT or s.item.action in HANDED_OVER for s in doors)
    for stop in doors:
        key = parse_key(stop.item.key)
        assert (stop.unit, stop.room) == (key.unit, key.room)


@given(st.integers(min_value=1, max_value=60), st.integers(min_value=1, max_value=99))
def test_floor_of_room_numbers(floor: int, room: int) -> None:
    assert floor_of(f"{floor}{room:02d}") == floor
    assert floor_of(f"0{floor}{room:02d}") == floor


def test_floor_of_odd_rooms() -> None:
    assert floor_of("A1") is None and floor_of("12") is None and floor_of("302") == 3


def test_search_index_matches_as_the_plain_search(demo_store: Store) -> None:
    queue = workspace_for(demo_store, DEMO_MANAGER).load()
    index = SearchIndex(queue.items)
    item = queue.items[7]
    phone = item.facts.record.phones[0] if item.facts.record.phones else "138"
    needles = [
        "6-2",
        "1203",
        "-12",
        item.owner,
        item.owner[:1],
        phone[-6:],
        phone[:3] + "-" + phone[3:7],
        "没有",
        "7-1-5",
    ]
    for text in needles:
        needle = text.strip().upper()
        plain = {i.household_id for i in queue.items if matches_text(i, needle)}
        assert index.matching(needle) == plain, text
        narrowed = QueueFilter(building="6", text=text)
        assert narrowed.apply(queue.items, index) == narrowed.apply(queue.items)
