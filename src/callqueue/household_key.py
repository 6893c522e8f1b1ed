"""The household key every command shows and accepts: `building-unit-room` or `building-room`.

`6-2-1203` is building 6, unit 2, room 1203; `8-1501` is building 8, room 1501 (no units).
Building, unit and room codes are upper-case letters and digits, so `-` is unambiguous.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_PART = re.compile(r"^[0-9A-Z]{1,10}$")


class HouseholdKey(NamedTuple):
    building: str
    unit: str  # "" when the building has no units
    room: str

    def __str__(self) -> str:
        return make_key(self.building, self.unit, self.room)


def make_key(building: str, unit: str, room: str) -> str:
    """The key text for a household."""
    return f"{building}-{unit}-{room}" if unit else f"{building}-{room}"


def parse_key(text: str) -> HouseholdKey:
    """Read a key typed by a user: `6-2-1203`, `6-1203`; case and spaces are forgiven."""
    parts = [p.strip().upper() for p in text.strip().split("-")]
    if len(parts) not in (2, 3) or not all(_PART.match(p) for p in parts):
        from callqueue.i18n import _

        raise ValueError(
            _(
                "{text} is not a household key; write building-unit-room (6-2-1203) "
                "or building-room (8-1501)"
            ).format(text=repr(text))
        )
    if len(parts) == 2:
        return HouseholdKey(parts[0], "", parts[1])
    return HouseholdKey(parts[0], parts[1], parts[2])


def building_order(code: str) -> tuple[int, str]:
    """Buildings sort as people count them: 6, 7, 8, 9, 10 — not 10, 6, 7."""
    return (int(code), "") if code.isdigit() else (10**9, code)
