"""A short list to pick one thing from: who is working, which building, which action.

Enter picks, Escape leaves everything as it was (dismisses with None).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option


class ChoiceScreen(ModalScreen[str | None]):
    """Choose one of `options` (label, id); dismisses with the id, or None on Escape."""

    BINDINGS = [Binding("escape", "cancel", show=False)]
    cancellable = True
    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > Vertical { width: 60; max-width: 100%; height: auto; max-height: 80%;
                              border: round $accent; padding: 0 1; background: $surface; }
    ChoiceScreen OptionList { height: auto; max-height: 18; }
    """

    def __init__(
        self, title: str, options: list[tuple[str, str]], *, current: str | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text)
            yield OptionList(*[Option(label, id=key) for label, key in self.options], id="choices")

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        ids = [key for _label, key in self.options]
        if self.current in ids:
            listing.highlighted = ids.index(self.current)

    def action_cancel(self) -> None:
        if self.cancellable:
            self.dismiss(None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
