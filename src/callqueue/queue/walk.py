"""The walk list of a door-to-door round: which doors to knock on, in walking order.

A round takes the households the queue sends to the door (visits, and demands handed over
in person against a signature) and orders them building by building, unit by unit, from
the top floor down: collectors take the lift to the top and work down the stairs, so no
floor is climbed twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from callqueue.household_key import building_order, parse_key
from callqueue.queue.actions import Action, Channel
from callqueue.queue.build import Item

# Letters a collector can hand over at the door, with the owner's signature as proof.
HANDED_OVER = frozenset({Action.LIMITATION_DEMAND, Action.WRITTEN_DEMAND, Action.COLLECTION_LETTER})


@dataclass(frozen=True, slots=True)
class Stop:
    """One door on the round."""

    item: Item
    building: str
    unit: str
    floor: int | None  # None when the room number does not say (e.g. shop A1)
    room: str

    @property
    def landing(self) -> tuple[str, str, int | None]:
        """The building, unit and floor: stops on one landing are walked together."""
        return (self.building, self.unit, self.floor)


def floor_of(room: str) -> int | None:
    """The floor of a room number: 1203 → 12, 302 → 3, 0302 → 3; None if not a number."""
    return int(room) // 100 if room.isdigit() and len(room) >= 3 else None


def at_the_door(item: Item) -> bool:
    """Whether the round should knock here: a visit, or a demand to hand over in person."""
    return item.channel is Channel.VISIT or item.action in HANDED_OVER


def walk_list(
    items: Iterable[Item], *, building: str | None = None, everyone: bool = False
) -> list[Stop]:
    """The doors to knock on (of `building`, or all), in walking order.

    `everyone`: every household in the queue, not only those it sends to the door; a
    collector on the landing may as well knock where a call was due.
    """
    stops = []
    for item in items:
        if not (everyone or at_the_door(item)):
            continue
        if building is not None and item.building != building:
            continue
        key = parse_key(item.key)
        stops.append(Stop(item, key.building, key.unit, floor_of(key.room), key.room))
    stops.sort(
        key=lambda s: (
            building_order(s.building),
            (len(s.unit), s.unit),
            -(s.floor if s.floor is not None else -1),
            (len(s.room), s.room),
        )
    )
    return stops
