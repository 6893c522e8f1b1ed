"""Sign in: pick yourself from the list of staff (or start with `--as CODE`)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from callqueue.i18n import _, role_label
from callqueue.workspace import StaffInfo


class SignInScreen(ModalScreen[str]):
    """Choose who is working; dismisses with the staff code."""

    DEFAULT_CSS = """
    SignInScreen { align: center middle; }
    SignInScreen > Vertical { width: 60; height: auto; max-height: 80%; border: round $accent;
                              padding: 0 1; background: $surface; }
    SignInScreen OptionList { height: auto; max-height: 18; }
    """

    def __init__(self, staff: list[StaffInfo]) -> None:
        super().__init__()
        self.staff = staff

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Who is working? Choose yourself and press Enter."))
            yield OptionList(
                *[
                    Option(f"{m.name}  ({role_label(m.role)}, {m.code})", id=m.code)
                    for m in self.staff
                ],
                id="staff",
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(event.option.id)
