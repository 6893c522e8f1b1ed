"""Visit mode: the walk list of a door-to-door round, and what came of each door.

Doors are listed building by building, unit by unit, from the top floor down
(`callqueue.queue.walk`). Enter records the visit; p, y, x and l record a promise, a
payment, a complaint or a letter handed over. A door done on this round keeps its place
with what came of it, so the collector sees how far the round has come.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from callqueue.app.keys import bind_keys, keys_help
from callqueue.app.queue_list import fit
from callqueue.i18n import _, action_text, window_text
from callqueue.queue.actions import Channel
from callqueue.queue.build import Queue
from callqueue.queue.filters import buildings_in
from callqueue.queue.walk import Stop, walk_list
from callqueue.recording.save import Recorded


def landing_text(stop: Stop) -> str:
    building = _("building {code}").format(code=stop.building)
    unit = _("unit {unit}").format(unit=stop.unit) if stop.unit else ""
    floor = _("floor {floor}").format(floor=stop.floor) if stop.floor is not None else ""
    return " · ".join(part for part in (building, unit, floor) if part)


def stop_text(stop: Stop, done: str | None) -> str:
    item = stop.item
    mark = f"✓ {done}" if done else action_text(item.action)
    amount = fit(f"{item.total:,.2f}", 11, right=True)
    return f"  {fit(stop.room, 6)} {fit(item.owner, 10)}{amount}  {mark}"


class VisitScreen(Screen[None]):
    DEFAULT_CSS = """
    VisitScreen #round { height: auto; padding: 0 1; background: $boost; }
    VisitScreen OptionList, VisitScreen OptionList:focus { height: 1fr; border: none; }
    """

    def __init__(self, queue: Queue, *, building: str | None = None) -> None:
        super().__init__()
        bind_keys(
            self,
            [
                keys_help(),
                ("enter,o", "form('outcome')", _("Visit outcome")),
                ("p", "form('promise')", _("Promise")),
                ("y", "form('payment')", _("Payment")),
                ("x", "form('complaint')", _("Complaint")),
                ("l", "form('letter')", _("Letter")),
                ("b", "pick_building", _("Building")),
                ("t", "everyone", _("All debtors")),
                ("escape", "back", _("Back")),
            ],
        )
        self.queue = queue
        buildings = [code for code, _count in buildings_in(s.item for s in walk_list(queue.items))]
        self.building = building or (buildings[0] if buildings else None)
        self.everyone = False  # also the households the queue would call first
        self.stops: list[Stop] = []
        self.done: dict[int, str] = {}  # household id -> what came of the door on this round

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", id="round")
            yield OptionList(id="doors")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.show_round()
        self.query_one(OptionList).focus()

    def show_round(self) -> None:
        self.stops = walk_list(self.queue.items, building=self.building, everyone=self.everyone)
        listing = self.query_one(OptionList)
        listing.clear_options()
        landing = None
        for stop in self.stops:
            if stop.landing != landing:
                landing = stop.landing
                listing.add_option(Option(f"[b]{landing_text(stop)}[/b]", disabled=True))
            item_id = str(stop.item.household_id)
            listing.add_option(
                Option(stop_text(stop, self.done.get(stop.item.household_id)), id=item_id)
            )
        first = next((n for n in range(listing.option_count)
                      if not listing.get_option_at_index(n).disabled), None)  # fmt: skip
        listing.highlighted = first
        self.update_head()

    def update_head(self) -> None:
        where = (
            _("building {code}").format(code=self.building)
            if self.building
            else _("every building")
        )
        left = sum(1 for s in self.stops if s.item.household_id not in self.done)
        who = _("every debtor") if self.everyone else _("sent to the door")
        self.query_one("#round", Static).update(
            _("Visit round · {where} · {window}").format(
                where=where, window=window_text(self.queue.windows[Channel.VISIT])
            )
            + "\n"
            + _("{who}: {doors} doors, {left} still to knock on").format(
                who=who, doors=len(self.stops), left=left
            )
        )

    @property
    def current(self) -> Stop | None:
        listing = self.query_one(OptionList)
        if listing.highlighted is None:
            return None
        option_id = listing.get_option_at_index(listing.highlighted).id
        return next((s for s in self.stops if str(s.item.household_id) == option_id), None)

    def on_option_list_option_selected(self) -> None:
        self.action_form("outcome")

    def action_everyone(self) -> None:
        """Knock also on the doors of debtors the queue would call: they live on the way."""
        self.everyone = not self.everyone
        self.show_round()

    def action_form(self, kind: str) -> None:
        stop = self.current
        if stop is None:
            return

        def recorded(result: Recorded | None) -> None:
            if result is not None:
                self.door_done(stop, result)

        self.app.queue_screen.open_form(  # type: ignore[attr-defined]
            kind, stop.item, channel="visit", done=recorded
        )

    def door_done(self, stop: Stop, result: Recorded) -> None:
        """Mark the door with what came of it and go on to the next door still to knock on."""
        household_id = stop.item.household_id
        what = self.done[household_id] = result.what
        listing = self.query_one(OptionList)
        listing.replace_option_prompt(str(household_id), stop_text(stop, what))
        self.update_head()
        index = self.stops.index(stop)
        following = next(
            (s for s in self.stops[index + 1 :] if s.item.household_id not in self.done), None
        )
        if following is not None:
            listing.highlighted = listing.get_option_index(str(following.item.household_id))

    def action_pick_building(self) -> None:
        from callqueue.app.choice import ChoiceScreen

        options = [
            (_("building {code} ({count})").format(code=code, count=count), code)
            for code, count in buildings_in(s.item for s in walk_list(self.queue.items))
        ]
        self.app.push_screen(
            ChoiceScreen(_("Which building is the round in?"), options, current=self.building),
            self.building_chosen,
        )

    def building_chosen(self, code: str | None) -> None:
        if code is not None:
            self.building = code
            self.show_round()

    def action_back(self) -> None:
        self.app.pop_screen()
