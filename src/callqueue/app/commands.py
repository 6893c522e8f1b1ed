"""Command palette entries (Ctrl+P): find a household, record for it, switch building.

Typing a room, an owner's name or part of a phone number finds households in the
collector's buildings, queued or not; the other entries act on the household in hand (the
open panel's, else the one under the queue's cursor) or narrow the queue.

Before sign-in the app opens no palette (`CallqueueApp.check_action`); should one open
anyway, these providers find and offer nothing, and opening a household is refused by
`CallqueueApp.push_screen`: the same `signed_in` guard decides all three.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from callqueue.i18n import _, action_text
from callqueue.queue.build import Item
from callqueue.queue.filters import actions_in, buildings_in, find_households

if TYPE_CHECKING:
    from callqueue.app.app import CallqueueApp

FORM_TITLES: dict[str, Callable[[], str]] = {
    "outcome": lambda: _("Record an outcome"),
    "promise": lambda: _("Record a promise to pay"),
    "payment": lambda: _("Record a payment"),
    "complaint": lambda: _("Record a complaint or request"),
    "letter": lambda: _("Record a letter"),
}


class WorkCommands(Provider):
    @property
    def callqueue(self) -> CallqueueApp:
        return self.app  # type: ignore[return-value]

    def in_hand(self) -> Item | None:
        """The household the collector is on: the open panel's, else the queue's cursor."""
        from callqueue.app.household_screen import HouseholdScreen
        from callqueue.app.queue_list import QueueList

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, HouseholdScreen):
                return screen.item
        return self.callqueue.queue_screen.query_one(QueueList).current

    def commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        """Every entry that needs no typing: (title, what it does, help)."""
        screen = self.callqueue.queue_screen
        found: list[tuple[str, Callable[[], Any], str]] = []
        item = self.in_hand()
        if item is not None:
            for kind, heading in FORM_TITLES.items():
                found.append(
                    (f"{heading()}: {item.key} {item.owner}", partial(screen.open_form, kind, item),
                     _("for the household in hand"))
                )  # fmt: skip
        queue = screen.queue
        if queue is not None:
            found.append((_("Show every building"), partial(screen.building_chosen, "*"), ""))
            for code, count in buildings_in(queue.items):
                title = _("Show building {code}").format(code=code)
                help_text = _("{count} items").format(count=count)
                found.append((title, partial(screen.building_chosen, code), help_text))
            found.append((_("Show every action"), partial(screen.action_chosen, "*"), ""))
            for action, count in actions_in(queue.items):
                title = _("Show only: {action}").format(action=action_text(action))
                help_text = _("{count} items").format(count=count)
                found.append((title, partial(screen.action_chosen, action.value), help_text))
            found.append((_("Visit round (walk list)"), screen.action_visits, ""))
        found.append((_("Load the queue again"), screen.action_reload, ""))
        return found

    async def discover(self) -> Hits:
        if not self.callqueue.signed_in:
            return
        for title, command, help_text in self.commands():
            yield DiscoveryHit(title, command, help=help_text or None)

    async def search(self, query: str) -> Hits:
        if not self.callqueue.signed_in:
            return
        matcher = self.matcher(query)
        for title, command, help_text in self.commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command, help=help_text or None)
        for item in self.households(query):
            title = _("Open {key} {owner}").format(key=item.key, owner=item.owner)
            yield Hit(
                1.0,
                title,
                partial(self.open_household, item),
                help=f"{item.total:,.2f} · {action_text(item.action)}",
            )

    def households(self, query: str) -> list[Item]:
        workspace = self.callqueue.workspace
        queue, book = workspace.queue, workspace.book
        if queue is None or book is None:
            return []
        return find_households(query, queue, book.in_scope(workspace.scope), workspace.policy)

    def open_household(self, item: Item) -> None:
        from callqueue.app.household_screen import HouseholdScreen

        if not self.callqueue.signed_in:
            return
        while isinstance(self.app.screen, HouseholdScreen):
            self.app.pop_screen()
        self.app.push_screen(HouseholdScreen(item))
