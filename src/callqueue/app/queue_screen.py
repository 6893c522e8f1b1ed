"""The queue screen: the ranked actions, what is open now, search, and next / skip."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from callqueue.app.keys import bind_keys
from callqueue.app.queue_list import QueueList
from callqueue.household_key import building_order
from callqueue.i18n import (
    _,
    channel_label,
    exclusion_label,
    reason_text,
    stage_label,
    window_text,
)
from callqueue.queue.actions import Channel
from callqueue.queue.build import Item, Queue
from callqueue.workspace import Workspace

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
    return f"{name}: {where}" if name else where


class QueueScreen(Screen[None]):
    BINDINGS = [Binding("escape", "clear_search", show=False)]
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
                ("slash", "search", _("Search")),
                ("n", "next", _("Next")),
                ("s", "skip", _("Skip")),
                ("o", "form('outcome')", _("Outcome")),
                ("p", "form('promise')", _("Promise")),
                ("y", "form('payment')", _("Payment")),
                ("x", "form('complaint')", _("Complaint")),
                ("c", "channel", _("Channel")),
                ("r", "reload", _("Reload")),
            ],
        )
        self.queue: Queue | None = None
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
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(QueueList).focus()

    # -- showing ------------------------------------------------------------------------------

    def show_queue(self, queue: Queue, *, focus: int | None = None, note: str = "") -> None:
        self.queue = queue
        self.refresh_items(focus=focus)
        self.update_status(note)

    def refresh_items(self, *, focus: int | None = None) -> None:
        assert self.queue is not None
        text = self.query_one("#search", Input).value
        items = self.app.workspace.search(text) if text.strip() else self.queue.items  # type: ignore[attr-defined]
        ordered = [i for i in items if i.household_id not in self.skipped]
        ordered += [i for i in items if i.household_id in self.skipped]
        ranks = {item.household_id: n for n, item in enumerate(self.queue.items, start=1)}
        self.shown = ordered
        listing = self.query_one(QueueList)
        listing.show(ordered, ranks, keep=focus if focus is not None else self._current_id())

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
        left = queue.exclusions_by_reason()
        left_text = ", ".join(
            f"{exclusion_label(code)} {count}" for code, count in left.most_common(3)
        )
        lines = [
            f"{scope_text(workspace)} · {queue.moment:%Y-%m-%d %H:%M} · {windows}",
            f"{_('channel')}: {channel_name} · {counts}"
            + (f" · {_('left out')}: {left_text}" if left_text else ""),
        ]
        waiting = queue.waiting_by_channel()
        if waiting:
            lines.append(_("waiting for a window: {count}").format(count=sum(waiting.values())))
        if note:
            lines.append(note)
        self.query_one("#status", Static).update("\n".join(lines))

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

    def open_form(self, kind: str, item: Item) -> None:
        from callqueue.app.forms import ComplaintForm, OutcomeForm, PaymentForm, PromiseForm

        workspace = self.app.workspace  # type: ignore[attr-defined]
        if not workspace.staff_code:
            return
        form = {"outcome": OutcomeForm, "promise": PromiseForm, "payment": PaymentForm,
                "complaint": ComplaintForm}[kind]  # fmt: skip
        self.app.push_screen(
            form(item, staff_code=workspace.staff_code, now=workspace.clock(),
                 policy=workspace.policy)
        )  # fmt: skip

    def action_channel(self) -> None:
        self.channel_index = (self.channel_index + 1) % len(CHANNEL_CYCLE)
        self.app.rank_again(CHANNEL_CYCLE[self.channel_index])  # type: ignore[attr-defined]

    def action_reload(self) -> None:
        self.app.load_queue()  # type: ignore[attr-defined]
