"""The queue screen: the ranked actions, what is open now, search, and next / skip."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from callqueue.app.keys import bind_keys, keys_help
from callqueue.app.queue_list import QueueList
from callqueue.household_key import building_order
from callqueue.i18n import (
    _,
    action_text,
    channel_label,
    exclusion_label,
    reason_text,
    stage_label,
    window_text,
)
from callqueue.queue.actions import Action, Channel
from callqueue.queue.build import Item, Queue
from callqueue.queue.filters import QueueFilter, SearchIndex, actions_in, buildings_in
from callqueue.workspace import Workspace

if TYPE_CHECKING:
    from callqueue.recording.save import Recorded

HELD_REFRESH_SECONDS = 20
CHANNEL_CYCLE = ("all", "call", "visit", "letter")


def scope_text(workspace: Workspace) -> str:
    """Who is working and which buildings, in the app's language."""
    buildings = workspace.scope.buildings
    where = (
        _("every building")
        if buildings is None
        else _("buildings {codes}").format(codes=", ".join(sorted(buildings, key=building_order)))
    )
    name = workspace.staff_name or workspace.staff_code or ""
    return _("{name}: {where}").format(name=name, where=where) if name else where


class QueueScreen(Screen[None]):
    AUTO_FOCUS = "QueueList"
    DEFAULT_CSS = """
    QueueScreen #status { height: auto; padding: 0 1; background: $boost; }
    QueueScreen #search { margin: 0 1; }
    QueueScreen #why { height: 4; padding: 0 1; border-top: solid $primary 40%; }
    """

    def __init__(self) -> None:
        super().__init__()
        bind_keys(
            self,
            [
                keys_help(),
                ("slash", "search", _("Search")),
                ("n", "next", _("Next")),
                ("s", "skip", _("Skip")),
                ("o", "form('outcome')", _("Outcome")),
                ("p", "form('promise')", _("Promise")),
                ("y", "form('payment')", _("Payment")),
                ("x", "form('complaint')", _("Complaint")),
                ("v", "visits", _("Visits")),
                ("b", "pick_building", _("Building")),
                ("a", "pick_action", _("Action")),
                ("f", "progress", _("Progress")),
            ],
        )
        bind_keys(  # in the keys panel (?) and the palette, not in the footer
            self,
            [
                ("l", "form('letter')", _("Letter")),
                ("c", "channel", _("Channel")),
                ("r", "reload", _("Reload")),
                ("escape", "clear_search", _("Clear the search")),
            ],
            show=False,
        )
        self.queue: Queue | None = None
        self.ranks: dict[int, int] = {}
        self.index = SearchIndex(())
        self.filter = QueueFilter()
        self.shown: list[Item] = []
        self.channel_index = 0
        self.skipped: set[int] = set()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Loading the queue…"), id="status")
            yield Input(
                placeholder=_("Search: room, owner or phone  (/)"), id="search", compact=True
            )
            yield QueueList(id="items")
            yield Static("", id="why")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(QueueList).focus()
        # Households other collectors open or let go of come and go from this queue.
        self.set_interval(HELD_REFRESH_SECONDS, self.app.refresh_held)  # type: ignore[attr-defined]

    # -- showing ------------------------------------------------------------------------------

    def show_queue(self, queue: Queue, *, focus: int | None = None, note: str = "") -> None:
        self.queue = queue
        # Ranks change only with the queue, not with a filter: worked out once per queue.
        self.ranks = {item.household_id: n for n, item in enumerate(queue.items, start=1)}
        self.index = SearchIndex(queue.items)
        self.refresh_items(focus=focus)
        self.update_status(note)

    def refresh_items(self, *, focus: int | None = None) -> None:
        assert self.queue is not None
        text = self.query_one("#search", Input).value
        self.filter = self.filter.with_text(text)
        items = (
            self.filter.apply(self.queue.items, self.index)
            if self.filter.active
            else self.queue.items
        )
        if self.skipped:
            ordered = [i for i in items if i.household_id not in self.skipped]
            ordered += [i for i in items if i.household_id in self.skipped]
        else:
            ordered = list(items)
        self.shown = ordered
        listing = self.query_one(QueueList)
        listing.show(ordered, self.ranks, keep=focus if focus is not None else self._current_id())

    def _current_id(self) -> int | None:
        current = self.query_one(QueueList).current
        return current.household_id if current else None

    def update_status(self, note: str = "") -> None:
        queue = self.queue
        if queue is None:
            return
        workspace = self.app.workspace  # type: ignore[attr-defined]
        windows = " · ".join(window_text(queue.windows[c]) for c in (Channel.CALL, Channel.VISIT))
        channel = CHANNEL_CYCLE[self.channel_index]
        channel_name = _("all channels") if channel == "all" else channel_label(channel)
        counts = _("{shown} of {total} items").format(shown=len(self.shown), total=len(queue.items))
        narrowed = self.filter_text()
        left = queue.exclusions_by_reason()
        left_text = ", ".join(
            f"{exclusion_label(code)} {count}" for code, count in left.most_common(3)
        )
        lines = [
            f"{scope_text(workspace)} · {queue.moment:%Y-%m-%d %H:%M} · {windows}",
            f"{_('channel')}: {channel_name}{narrowed} · {counts}"
            + (f" · {_('left out')}: {left_text}" if left_text else ""),
        ]
        waiting = queue.waiting_by_channel()
        if waiting:
            lines.append(_("waiting for a window: {count}").format(count=sum(waiting.values())))
        if note:
            lines.append(note)
        self.query_one("#status", Static).update("\n".join(lines))

    def filter_text(self) -> str:
        """The building and action the list is narrowed to, as ' · building 6 · call'."""
        parts = []
        if self.filter.building is not None:
            parts.append(_("building {code}").format(code=self.filter.building))
        if self.filter.action is not None:
            parts.append(action_text(self.filter.action))
        return "".join(f" · {part}" for part in parts)

    def on_queue_list_highlighted(self, event: QueueList.Highlighted) -> None:
        item = event.item
        why = self.query_one("#why", Static)
        if item is None:
            why.update(_("Nothing to do here now."))
            return
        reasons = "; ".join(reason_text(r) for r in item.reasons[:4])
        why.update(f"{item.key} {item.owner} · {stage_label(item.stage)}\n{reasons}")

    # -- keys ---------------------------------------------------------------------------------

    def on_queue_list_opened(self, event: QueueList.Opened) -> None:
        from callqueue.app.household_screen import HouseholdScreen

        self.app.push_screen(HouseholdScreen(event.item))

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.queue is not None:
            self.refresh_items()
            self.update_status()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(QueueList).focus()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        search.value = ""
        self.query_one(QueueList).focus()

    def action_next(self) -> None:
        self.query_one(QueueList).action_cursor(1)

    def action_skip(self) -> None:
        """Put the current item at the end of the list for now (nothing is recorded)."""
        current = self.query_one(QueueList).current
        if current is None:
            return
        self.skipped.add(current.household_id)
        after = self.shown[self.shown.index(current) + 1 :]
        following = next((i for i in after if i.household_id not in self.skipped), None)
        self.refresh_items(focus=following.household_id if following else None)

    def following_id(self, key: str) -> int | None:
        """The household after `key` in the list as shown: where to go once it is done."""
        keys = [item.key for item in self.shown]
        if key not in keys:
            return None
        after = self.shown[keys.index(key) + 1 :]
        return after[0].household_id if after else None

    def action_form(self, kind: str) -> None:
        item = self.query_one(QueueList).current
        if item is not None:
            self.open_form(kind, item)

    def open_form(
        self,
        kind: str,
        item: Item,
        *,
        channel: str | None = None,
        done: Callable[[Recorded | None], None] | None = None,
    ) -> None:
        """Open the form `kind` for `item` (channel: 'visit' at the door, else from the item).

        `done` gets what was recorded (None if the form was cancelled).
        """
        from callqueue.app import forms

        workspace = self.app.workspace  # type: ignore[attr-defined]
        if not workspace.staff_code:
            return
        kinds = {"outcome": forms.OutcomeForm, "promise": forms.PromiseForm,
                 "payment": forms.PaymentForm, "complaint": forms.ComplaintForm,
                 "letter": forms.LetterForm}  # fmt: skip
        form = kinds[kind](
            item, staff_code=workspace.staff_code, now=workspace.clock(),
            policy=workspace.policy, channel=channel,
        )  # fmt: skip
        if self.app.is_open(item.household_id):  # type: ignore[attr-defined]
            self.app.push_screen(form, done)  # its panel holds the household already
            return

        def finished(recorded: Recorded | None) -> None:
            self.app.let_go(item.household_id)  # type: ignore[attr-defined]
            if done is not None:
                done(recorded)

        # The form opens at once; the claim is taken meanwhile, and should another collector
        # hold the household, the form closes with who and until when (nothing was typed yet).
        self.app.push_screen(form, finished)
        self.app.hold(item.household_id, refused=lambda: form.dismiss(None))  # type: ignore[attr-defined]

    def action_pick_building(self) -> None:
        from callqueue.app.choice import ChoiceScreen

        if self.queue is None:
            return
        options = [(_("every building ({count})").format(count=len(self.queue.items)), "*")]
        options += [
            (_("building {code} ({count})").format(code=code, count=count), code)
            for code, count in buildings_in(self.queue.items)
        ]
        self.app.push_screen(
            ChoiceScreen(_("Show which building?"), options, current=self.filter.building or "*"),
            self.building_chosen,
        )

    def building_chosen(self, code: str | None) -> None:
        if code is not None:
            self.narrow(self.filter.with_building(None if code == "*" else code))

    def action_pick_action(self) -> None:
        from callqueue.app.choice import ChoiceScreen

        if self.queue is None:
            return
        options = [(_("every action ({count})").format(count=len(self.queue.items)), "*")]
        options += [
            (f"{action_text(action)} ({count})", action.value)
            for action, count in actions_in(self.queue.items)
        ]
        current = self.filter.action.value if self.filter.action else "*"
        self.app.push_screen(
            ChoiceScreen(_("Show which action?"), options, current=current), self.action_chosen
        )

    def action_chosen(self, code: str | None) -> None:
        if code is not None:
            self.narrow(self.filter.with_action(None if code == "*" else Action(code)))

    def narrow(self, new: QueueFilter) -> None:
        """Show the queue narrowed to `new` (the cursor stays on its household if it can)."""
        self.filter = new
        if self.queue is not None:
            self.refresh_items()
            self.update_status()

    def action_visits(self) -> None:
        from callqueue.app.visit_screen import VisitScreen

        if self.queue is not None:
            self.app.push_screen(VisitScreen(self.queue, building=self.filter.building))

    def action_progress(self) -> None:
        """Building progress against the plan: for team leaders and managers."""
        from callqueue.app.progress_screen import ProgressScreen

        if self.app.workspace.staff.leads:  # type: ignore[attr-defined]
            self.app.push_screen(ProgressScreen())
        else:
            self.notify(_("Building progress is for team leaders and managers."))

    def action_channel(self) -> None:
        self.channel_index = (self.channel_index + 1) % len(CHANNEL_CYCLE)
        self.app.rank_again(CHANNEL_CYCLE[self.channel_index])  # type: ignore[attr-defined]

    def action_reload(self) -> None:
        self.app.load_queue()  # type: ignore[attr-defined]
