"""Sign in: pick yourself from the list of staff (or start with `--as CODE`)."""

from __future__ import annotations

from callqueue.app.choice import ChoiceScreen
from callqueue.i18n import _, role_label
from callqueue.workspace import StaffInfo


class SignInScreen(ChoiceScreen):
    """Choose who is working; dismisses with the staff code."""

    cancellable = False  # nobody works unsigned: Escape does not leave the list

    def __init__(self, staff: list[StaffInfo]) -> None:
        super().__init__(
            _("Who is working? Choose yourself and press Enter."),
            [(f"{m.name}  ({role_label(m.role)}, {m.code})", m.code) for m in staff],
        )
        self.staff = staff
