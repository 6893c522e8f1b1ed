"""The ranked queue as a list that renders only the lines on screen.

A queue can hold tens of thousands of items; pushing them all into a DataTable takes
seconds. This widget keeps the items as a plain list and draws each visible line on demand
(Textual's line API), so a new queue or a filter shows at once whatever its length.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from callqueue.app.keys import bind_keys
from callqueue.i18n import _, action_text
from callqueue.queue.build import Item

TIER_STYLES = {
    1: Style(color="red", bold=True),
    2: Style(color="magenta"),
    3: Style(color="yellow"),
    4: Style(color="cyan"),
}


def fit(text: str, width: int, *, right: bool = False) -> str:
    """`text` padded or cut to exactly `width` cells (a Chinese character takes two)."""
    if cell_len(text) > width:
        out = ""
        for char in text:
            if cell_len(out + char) > width - 1:
                break
            out += char
        text = out + "…"
    gap = " " * (width - cell_len(text))
    return gap + text if right else text + gap


def item_line(rank: int, item: Item, width: int) -> str:
    """One item on one line: rank, tier, household, owner, arrears, days, action."""
    head = (
        f"{rank:>4} T{item.tier} {fit(item.key, 10)} {fit(item.owner, 10)}"
        f"{fit(f'{item.total:,.2f}', 11, right=True)} "
        f"{fit(_('{days}d').format(days=item.days_overdue), 6, right=True)} "
    )
    return head + fit(action_text(item.action), max(width - cell_len(head), 0))


class QueueList(ScrollView, can_focus=True):
    """A cursor over the queue's items."""

    DEFAULT_CSS = """
    QueueList { height: 1fr; overflow-x: hidden; }
    QueueList:focus { background-tint: $foreground 3%; }
    """

    cursor = reactive(0, always_update=True)

    class Highlighted(Message):
        def __init__(self, item: Item | None) -> None:
            self.item = item
            super().__init__()

    class Opened(Message):
        def __init__(self, item: Item) -> None:
            self.item = item
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        keys = [
            ("up,k", "cursor(-1)", _("Up")),
            ("down,j", "cursor(1)", _("Down")),
            ("pageup", "page(-1)", _("Page up")),
            ("pagedown", "page(1)", _("Page down")),
            ("home", "jump(0)", _("Top")),
            ("end", "jump(-1)", _("Bottom")),
            ("enter", "open", _("Open the household")),
        ]
        bind_keys(self, keys, show=False)
        self.items: list[Item] = []
        self.ranks: dict[int, int] = {}

    def show(self, items: list[Item], ranks: dict[int, int], *, keep: int | None = None) -> None:
        """New items (a new queue or a filter); the cursor stays on household `keep` if it can."""
        self.items, self.ranks = items, ranks
        self.virtual_size = Size(self.size.width, len(items))
        index = next((n for n, i in enumerate(items) if i.household_id == keep), None)
        self.cursor = min(index if index is not None else self.cursor, max(len(items) - 1, 0))
        self.refresh()

    @property
    def current(self) -> Item | None:
        return self.items[self.cursor] if 0 <= self.cursor < len(self.items) else None

    def watch_cursor(self, cursor: int) -> None:
        self.scroll_to_region_if_needed(cursor)
        self.refresh()
        self.post_message(self.Highlighted(self.current))

    def scroll_to_region_if_needed(self, row: int) -> None:
        top = round(self.scroll_y)
        height = max(self.size.height, 1)
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False)

    def action_cursor(self, step: int) -> None:
        if self.items:
            self.cursor = max(0, min(len(self.items) - 1, self.cursor + step))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(self.size.height - 1, 1))

    def action_jump(self, where: int) -> None:
        if self.items:
            self.cursor = where % len(self.items)

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened(self.current))

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_y) + y
        width = self.size.width
        if index >= len(self.items):
            return Strip.blank(width, self.rich_style)
        item = self.items[index]
        text = fit(item_line(self.ranks.get(item.household_id, index + 1), item, width), width)
        style = self.rich_style + TIER_STYLES.get(item.tier, Style())
        if index == self.cursor:
            style += Style(reverse=True)
        return Strip([Segment(text, style)], width)
