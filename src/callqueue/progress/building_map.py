"""A building as floors × rooms, each flat with its status: for planning door-to-door rounds.

Rows are floors, top floor first (as a building is drawn); columns are (unit, room
position), e.g. unit 1 room 03 for `6-1-1203`. A flat whose floor the store does not know
gets it from its room number (`1203` → 12), else it goes on a row of its own (floor 0).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqueue.i18n import _
from callqueue.ledger.values import floor_of_room
from callqueue.money import from_fen
from callqueue.plan.saved import load_plan
from callqueue.policy import Policy
from callqueue.progress.data import load_scope
from callqueue.progress.report import ReportError
from callqueue.progress.scope import NotAllowed, ReportScope
from callqueue.progress.statuses import PLAN_STATUSES, Status, status_of
from callqueue.store.models import Building, Household, table_of

H, B = table_of(Household).c, table_of(Building).c


@dataclass(frozen=True, slots=True)
class MapCell:
    key: str
    unit: str
    room: str
    floor: int
    status: Status
    left: Decimal  # plan-start arrears still owed


@dataclass(frozen=True)
class BuildingMap:
    building: str
    moment: dt.datetime
    floors: tuple[int, ...]  # top floor first
    columns: tuple[tuple[str, str], ...]  # (unit, room position)
    cells: dict[tuple[int, tuple[str, str]], MapCell]

    def row(self, floor: int) -> list[MapCell | None]:
        return [self.cells.get((floor, column)) for column in self.columns]

    @property
    def counts(self) -> dict[str, int]:
        found = {s.value: 0 for s in Status}
        for cell in self.cells.values():
            found[cell.status.value] += 1
        return found

    @property
    def in_plan(self) -> int:
        return sum(self.counts[s.value] for s in PLAN_STATUSES)


def _position(room: str, floor: int) -> str:
    """`1203` on floor 12 → `03`; a room that does not start with its floor stays whole."""
    prefix = str(floor)
    if floor and room.startswith(prefix) and len(room) > len(prefix):
        return room[len(prefix) :]
    return room


def building_map(
    session: Session, scope: ReportScope, building: str, moment: dt.datetime, policy: Policy
) -> BuildingMap:
    """The map of one building of `scope` at `moment`."""
    if not scope.covers(building):
        raise NotAllowed(
            _("building {b} is not among the buildings you may see ({codes})").format(
                b=building, codes=", ".join(scope.buildings)
            )
        )
    found = load_plan(session)
    if found is None:
        raise ReportError(_("there is no plan yet; import one with `callqueue plan import FILE`"))
    _plan_id, spec = found
    data = load_scope(session, spec.start_month, moment, [building])
    grace = policy.promises.grace_days
    cells: dict[tuple[int, tuple[str, str]], MapCell] = {}
    query = (
        select(H.id, H.key, H.unit, H.room, H.floor)
        .join_from(table_of(Household), table_of(Building), B.id == H.building_id)
        .where(B.code == building)
    )
    for household_id, key, unit, room, floor in session.execute(query):
        level = floor if floor is not None else (floor_of_room(room) or 0)
        record = data.households.get(household_id)
        if record is None:
            status, left = Status.CLEAR, 0
        else:
            status, left = status_of(record, moment, data.plan_start, grace), record.left
        column = (unit, _position(room, level))
        cells[level, column] = MapCell(key, unit, room, level, status, from_fen(max(left, 0)))
    floors = tuple(sorted({f for f, _c in cells}, reverse=True))
    columns = tuple(sorted({c for _f, c in cells}, key=_column_order))
    return BuildingMap(building, moment, floors, columns, cells)


def _column_order(column: tuple[str, str]) -> tuple[tuple[int, str], tuple[int, str]]:
    def part(text: str) -> tuple[int, str]:
        return (int(text), "") if text.isdigit() else (10**9, text)

    return part(column[0]), part(column[1])
