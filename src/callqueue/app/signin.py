"""Sign in.

Single-user mode (one person's SQLite file, the demo): pick yourself from the list of staff
(or start with `--as CODE`). Shared mode (PostgreSQL, or staff with passwords or accounts;
always in a browser session): the staff code and the password, checked by `callqueue.auth`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from callqueue.app.choice import ChoiceScreen
from callqueue.i18n import _, role_label
from callqueue.store.database import Store
from callqueue.workspace import StaffInfo

if TYPE_CHECKING:
    from callqueue.auth import SignInError


class SignInScreen(ChoiceScreen):
    """Choose who is working; dismisses with the staff code."""

    cancellable = False  # nobody works unsigned: Escape does not leave the list

    def __init__(self, staff: list[StaffInfo]) -> None:
        super().__init__(
            _("Who is working? Choose yourself and press Enter."),
            [(f"{m.name}  ({role_label(m.role)}, {m.code})", m.code) for m in staff],
        )
        self.staff = staff


class PasswordSignInScreen(ModalScreen[str]):
    """Staff code and password (masked); dismisses with the staff code once they match.

    A refusal never says whether the code or the password was wrong. After three wrong
    tries in a row for a code the form pauses; the pause is kept in the database
    (`callqueue.auth.sign_in`), so another tab or a restart does not lift it. Escape does
    not leave the form.
    """

    BINDINGS = [Binding("escape", "nothing", show=False)]
    DEFAULT_CSS = """
    PasswordSignInScreen { align: center middle; }
    PasswordSignInScreen > Vertical { width: 60; max-width: 100%; height: auto;
                                      border: round $accent; padding: 0 1;
                                      background: $surface; }
    PasswordSignInScreen Input { margin: 0 0 1 0; }
    PasswordSignInScreen #signin-message { color: $error; height: auto; }
    """

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Sign in with your staff code and password."))
            yield Label(_("Staff code"))
            yield Input(id="code", max_length=40)
            yield Label(_("Password"))
            yield Input(id="password", password=True, max_length=200)
            yield Label("", id="signin-message")

    def on_mount(self) -> None:
        self.query_one("#code", Input).focus()

    def action_nothing(self) -> None:
        """Nobody works unsigned."""

    @on(Input.Submitted, "#code")
    def code_given(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    def password_given(self) -> None:
        code = self.query_one("#code", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not code:
            self.query_one("#code", Input).focus()
            return
        self._set_busy(True)
        self.check(code, password)

    @work(thread=True, exclusive=True, group="sign-in", exit_on_error=False)
    def check(self, code: str, password: str) -> None:
        """argon2 takes a moment on purpose: off the screen's thread."""
        from callqueue.auth import SignInError, sign_in

        try:
            staff = sign_in(self.store, code, password)
        except SignInError as refused:
            self.app.call_from_thread(self._refused, refused)
            return
        except Exception as error:
            self.app.call_from_thread(self._failed, error)
            return
        self.app.call_from_thread(self.dismiss, staff.code)

    def _refused(self, refused: SignInError) -> None:
        from callqueue.auth import SIGN_IN_TRIES, SignInPaused

        password = self.query_one("#password", Input)
        password.value = ""
        if isinstance(refused, SignInPaused):
            self._say(
                _("Wrong staff code or password {tries} times. Wait {seconds} seconds.").format(
                    tries=SIGN_IN_TRIES, seconds=refused.seconds
                )
            )
            self.set_timer(refused.seconds, self._resume)
            return
        self._say(_("Wrong staff code or password. Try again."))
        self._set_busy(False)
        password.focus()

    def _failed(self, error: Exception) -> None:
        from callqueue.crash import record_crash

        log = record_crash(error)
        self._say(
            _("Could not read the database ({kind}); details in {log}").format(
                kind=type(error).__name__, log=log
            )
        )
        self._set_busy(False)

    def _resume(self) -> None:
        self._say(_("Try again."))
        self._set_busy(False)
        self.query_one("#password", Input).focus()

    def _set_busy(self, busy: bool) -> None:
        for field in self.query(Input):
            field.disabled = busy

    def _say(self, text: str) -> None:
        self.query_one("#signin-message", Label).update(text)


SIGN_IN_SCREENS = (SignInScreen, PasswordSignInScreen)  # all that shows before sign-in
