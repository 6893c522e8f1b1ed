"""The building map: floors × rooms, each household coloured by its status, for planning a
door-to-door round (`callqueue.progress.building_map`).

Top floor first, like the building seen from the street; a legend gives each status's
colour and count. `b` switches building, Escape goes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from callqueue.app.keys import bind_keys, keys_help
from callqueue.app.queue_list import fit
from callqueue.i18n import _
from callqueue.progress.statuses import Status, status_label

if TYPE_CHECKING:
    from callqueue.progress.building_map import BuildingMap

CELL = 6  # cells a room takes on the map
STATUS_STYLES = {
    Status.PAID: "black on green",
    Status.PROMISED: "black on cyan",
    Status.REACHED: "black on bright_blue",
    Status.PROMISE_BROKEN: "white on dark_orange3",
    Status.REFUSED: "white on red",
    Status.DISPUTED: "white on magenta",
    Status.UNREACHABLE: "black on yellow",
    Status.NOT_CONTACTED: "white on grey35",
    Status.CLEAR: "grey50 on grey15",
}


def map_text(building_map: BuildingMap) -> Text:
    """The grid: a header of units and rooms, then a row per floor, then the legend."""
    text = Text()
    columns = building_map.columns
    text.append(" " * 5)
    for unit, position in columns:
        label = f"{unit}-{position}" if unit else position
        text.append(f"{label:^{CELL}}", style="bold")
    text.append("\n")
    for floor in building_map.floors:
        text.append(f"{floor:>3}F ", style="bold")
        for cell in building_map.row(floor):
            if cell is None:
                text.append(" " * CELL)
            else:
                text.append(f"{cell.room:^{CELL - 1}}", style=STATUS_STYLES[cell.status])
                text.append(" ")
        text.append("\n")
    text.append("\n")
    counts = building_map.counts
    for n, status in enumerate(Status):
        text.append(f" {counts.get(status.value, 0):>3} ", style=STATUS_STYLES[status])
        text.append(f" {fit(status_label(status), 18)}")
        if n % 3 == 2:
            text.append("\n")
    return text


class MapLoaded(Message):
    def __init__(self, building_map: BuildingMap) -> None:
        self.building_map = building_map
        super().__init__()


class MapRefused(Message):
    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__()


class BuildingMapScreen(Screen[None]):
    DEFAULT_CSS = """
    BuildingMapScreen #map-head { height: auto; padding: 0 1; background: $boost; }
    BuildingMapScreen #map { padding: 0 1; width: auto; }
    """

    def __init__(self, building: str, buildings: list[str]) -> None:
        super().__init__()
        bind_keys(
            self,
            [
                keys_help(),
                ("b", "next_building", _("Next building")),
                ("escape", "back", _("Back")),
            ],
        )
        self.building = building
        self.buildings = buildings

    def compose(self) -> ComposeResult:
        yield Static("", id="map-head")
        with VerticalScroll():
            yield Static(_("Loading the map…"), id="map")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="map", exit_on_error=False)
    def load(self) -> None:
        from callqueue.progress.building_map import building_map
        from callqueue.progress.report import ReportError
        from callqueue.progress.scope import NotAllowed, scope_for_staff

        workspace = self.app.workspace  # type: ignore[attr-defined]
        try:
            with workspace.store.session() as session:
                scope = scope_for_staff(session, workspace.staff_code or "")
                found = building_map(
                    session, scope, self.building, workspace.clock(), workspace.policy
                )
        except (NotAllowed, ReportError) as refused:
            self.post_message(MapRefused(str(refused)))
            return
        except Exception as error:
            self.post_message(MapRefused(self.app._failure(error)))  # type: ignore[attr-defined]
            return
        self.post_message(MapLoaded(found))

    @on(MapLoaded)
    def show(self, message: MapLoaded) -> None:
        found = message.building_map
        self.query_one("#map-head", Static).update(
            _(
                "Building {code} · {moment} · {owing} of {total} households owed at plan start"
            ).format(
                code=found.building,
                moment=f"{found.moment:%Y-%m-%d %H:%M}",
                owing=found.in_plan,
                total=len(found.cells),
            )
        )
        self.query_one("#map", Static).update(map_text(found))

    @on(MapRefused)
    def refused(self, message: MapRefused) -> None:
        self.query_one("#map", Static).update(message.text)

    def action_next_building(self) -> None:
        if self.building in self.buildings and len(self.buildings) > 1:
            index = (self.buildings.index(self.building) + 1) % len(self.buildings)
            self.building = self.buildings[index]
            self.query_one("#map", Static).update(_("Loading the map…"))
            self.load()

    def action_back(self) -> None:
        self.app.pop_screen()
