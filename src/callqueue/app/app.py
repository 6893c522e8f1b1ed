"""The callqueue app: sign in, load the queue in a worker, show it, keep it current.

Nobody gets past the sign-in: until someone signs in the app has no `Workspace` (the one
object that reads the queue and households for a staff member), and `signed_in` is the one
guard everything consults. Before sign-in the screen stack holds only the sign-in screen;
`check_action` lets no app-level action run but quitting (so Ctrl+P opens no palette);
`push_screen` refuses every screen but the sign-in screens; the palette's providers find
and offer nothing. A browser session (`callqueue serve`) is the same app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App
from textual.screen import Screen

from callqueue.app.commands import WorkCommands
from callqueue.app.keys import bind_keys
from callqueue.app.messages import QueueReady, Refused, Saved, StaffListed, WorkFailed
from callqueue.app.queue_screen import CHANNEL_CYCLE, QueueScreen
from callqueue.app.signin import SIGN_IN_SCREENS, PasswordSignInScreen, SignInScreen
from callqueue.i18n import _
from callqueue.policy import Policy
from callqueue.queue.actions import Channel
from callqueue.queue.build import ALL_CHANNELS
from callqueue.store.database import Store
from callqueue.workspace import Workspace, list_staff

if TYPE_CHECKING:
    from callqueue.app.forms import Entry, EntryForm


ALLOWED_UNSIGNED = frozenset({"quit", "help_quit"})  # app actions anyone may run


class NotSignedIn(Exception):
    """Something asked for a staff member's work before anyone signed in."""


def crash_message(log: Path | None) -> str:
    return _(
        "callqueue stopped after an unexpected error. Everything saved before it is kept; "
        "a form that was still open was not saved. Start callqueue again to go on. "
        "Details are in {log}: if it happens again, send that file to your team leader."
    ).format(log=log or "-")


def saver_for(entry: Entry) -> Any:
    """The core function that saves `entry` (imported when the first entry is saved: the
    recording modules are not needed to paint the queue)."""
    from callqueue.recording import corrections, entries, save

    savers: dict[type, Any] = {
        entries.OutcomeEntry: save.record_outcome,
        entries.PromiseEntry: save.record_promise,
        entries.PaymentEntry: save.record_payment,
        entries.ComplaintEntry: save.record_complaint,
        entries.ComplaintProgressEntry: save.record_complaint_progress,
        entries.LetterEntry: save.record_letter,
        corrections.ContactCorrection: corrections.correct_contact,
        corrections.PaymentReversal: corrections.reverse_payment,
    }
    return savers[type(entry)]


class CallqueueApp(App[None]):
    """The collector's workspace."""

    TITLE = "callqueue"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {WorkCommands}

    def __init__(
        self,
        store: Store,
        policy: Policy,
        *,
        staff_code: str | None = None,
        clock: Callable[[], dt.datetime],
    ) -> None:
        super().__init__()
        bind_keys(self, [("q", "quit", _("Quit"))])
        self.store = store
        self.policy = policy
        self.clock = clock
        self._workspace: Workspace | None = None
        self.queue_screen = QueueScreen()
        if staff_code:  # `--as`, or the operating-system account: signed in already
            self._workspace = Workspace(store, policy, staff_code=staff_code, clock=clock)

    # -- the sign-in gate: the one place that decides whether anyone may see or do anything --

    @property
    def signed_in(self) -> bool:
        """Whether a staff member has signed in (there is a workspace only then)."""
        return self._workspace is not None

    @property
    def workspace(self) -> Workspace:
        """The signed-in staff member's workspace; before sign-in there is none to read."""
        if self._workspace is None:
            raise NotSignedIn
        return self._workspace

    def start_work(self, staff_code: str) -> None:
        """Signed in: the workspace for `staff_code`, the queue screen, the queue loading."""
        self._workspace = Workspace(
            self.store, self.policy, staff_code=staff_code, clock=self.clock
        )
        self.push_screen(self.queue_screen)
        self.load_queue()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Before sign-in no app-level action runs but quitting: no palette (Ctrl+P), no
        keys panel, no screen switching. (The sign-in screen's own keys are its own.)"""
        if not self.signed_in:
            return action in ALLOWED_UNSIGNED
        return super().check_action(action, parameters)

    def push_screen(self, screen: Screen[Any] | str, *args: Any, **kwargs: Any) -> Any:
        """Before sign-in only a sign-in screen can be shown (the palette is a screen too)."""
        if not self.signed_in and not isinstance(screen, SIGN_IN_SCREENS):
            raise NotSignedIn
        return super().push_screen(screen, *args, **kwargs)

    # -- an error nobody caught: the log gets the traceback, the collector a sentence -----------

    crash_log: Path | None = None

    def _handle_exception(self, error: Exception) -> None:
        if self.crash_log is None:
            from callqueue.crash import record_crash

            self.crash_log = record_crash(error)
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """Close with what to do instead of Textual's traceback (which is in the log)."""
        from rich.text import Text

        self.bell()
        self._exit_renderables.append(Text(crash_message(self.crash_log)))
        self._close_messages_no_wait()

    def on_mount(self) -> None:
        if self._workspace is not None:
            self.push_screen(self.queue_screen)
            self.load_queue()
        else:
            self.fetch_staff()  # then only the sign-in screen

    def action_keys(self) -> None:
        """Every key of the screen in a side panel (? again hides it)."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    # -- workers: database work off the UI thread; results come back as messages --------------

    # Sign-in: the list of staff in single-user mode and on the demo (`demo`); code and
    # password on a shared database (`callqueue.auth.is_shared`) and always in a browser
    # session on a real database (`password_required`).
    password_required = False
    demo = False
    shared_sign_in = False

    @work(thread=True, exclusive=True, group="staff", exit_on_error=False)
    def fetch_staff(self) -> None:
        from callqueue.auth import is_shared

        try:
            self.shared_sign_in = self.password_required or (
                not self.demo and is_shared(self.store)
            )
            self.post_message(StaffListed([] if self.shared_sign_in else list_staff(self.store)))
        except Exception as error:  # the user gets a sentence, the log the details
            self.post_message(WorkFailed(self._failure(error)))

    @work(thread=True, exclusive=True, group="queue", exit_on_error=False)
    def load_queue(self) -> None:
        try:
            workspace = self.workspace  # none before sign-in: nothing is read
            workspace.release_all()  # a crash's leftovers: this collector is back
            self.post_message(QueueReady(workspace.load()))
        except Exception as error:
            self.post_message(WorkFailed(self._failure(error)))

    @work(thread=True, exclusive=True, group="queue", exit_on_error=False)
    def rank_again(self, channel: str = "all") -> None:
        channels = ALL_CHANNELS if channel == "all" else frozenset({Channel(channel)})
        try:
            self.post_message(QueueReady(self.workspace.rank(channels)))
        except Exception as error:
            self.post_message(WorkFailed(self._failure(error)))

    # -- claims: a household open on this screen is held for this collector (a lease) --------

    def is_open(self, household_id: int) -> bool:
        """Whether a household panel for it is open (and so holds it)."""
        from callqueue.app.household_screen import HouseholdScreen

        return any(
            isinstance(screen, HouseholdScreen) and screen.item.household_id == household_id
            for screen in self.screen_stack
        )

    @work(thread=True, group="claims", exit_on_error=False)
    def hold(self, household_id: int, refused: Callable[[], object]) -> None:
        """Claim a household while it is worked; `refused` runs (on the UI thread) when
        another collector holds it, after saying who and until when."""
        from callqueue.claims import HeldBy

        try:
            held = self.workspace.claim(household_id)
        except Exception as error:
            self.post_message(WorkFailed(self._failure(error)))
            return
        if isinstance(held, HeldBy):
            text = _("{name} is working on this household until {time}; on to the next.").format(
                name=held.staff_name or held.staff_code, time=f"{held.until:%H:%M}"
            )
            self.call_from_thread(self.notify, text, severity="warning")
            self.call_from_thread(refused)
            self.refresh_held()

    @work(thread=True, group="claims", exit_on_error=False)
    def renew_hold(self, household_id: int) -> None:
        from callqueue.claims import HeldBy

        try:
            held = self.workspace.renew(household_id)
        except Exception as error:
            self.post_message(WorkFailed(self._failure(error)))
            return
        if isinstance(held, HeldBy):
            text = _("{name} took this household over: the lease had run out.")
            self.post_message(WorkFailed(text.format(name=held.staff_name or held.staff_code)))

    @work(thread=True, group="claims", exit_on_error=False)
    def let_go(self, household_id: int) -> None:
        """Leaving a household: other collectors' queues offer it again."""
        try:
            self.workspace.release(household_id)
        except Exception as error:
            self.post_message(WorkFailed(self._failure(error)))

    @work(thread=True, exclusive=True, group="held", exit_on_error=False)
    def refresh_held(self) -> None:
        """Other collectors' claims came or went: move only those households (and repaint
        only then: most ticks of the timer change nothing)."""
        if self._workspace is None or self._workspace.queue is None:
            return
        queue = self._workspace.queue
        try:
            before = queue.held
            if self.workspace.refresh_held().held != before:
                self.post_message(QueueReady(queue))
        except Exception as error:
            self.post_message(WorkFailed(self._failure(error)))

    def on_unmount(self) -> None:
        """Quitting: give up every household held, so nobody waits for a lease to run out."""
        if self._workspace is not None and self._workspace.queue is not None:
            try:
                self.workspace.release_all()
            except Exception as error:  # the leases run out by themselves
                self._failure(error)

    def save_entry(self, entry: Entry, form: EntryForm) -> None:
        """Save `entry` off the UI thread; the queue then moves on to the item after it."""
        self._save(entry, form, self.queue_screen.following_id(form.item.key))

    @work(thread=True, group="save", exit_on_error=False)
    def _save(self, entry: Entry, form: EntryForm, following: int | None) -> None:
        """Save in one transaction; tell the form; post the updated queue."""
        from callqueue.recording.entries import EntryInvalid, Problem

        saver = saver_for(entry)
        try:
            workspace = self.workspace
            recorded = saver(workspace.store, entry, now=workspace.clock(), policy=workspace.policy)
        except EntryInvalid as refused:
            form.post_message(Refused(refused.problems))
            return
        except Exception as error:
            form.post_message(Refused([Problem("general", self._failure(error))]))
            return
        form.post_message(Saved(recorded))
        self.call_from_thread(self._household_changed)
        queue = self.workspace.changed(recorded.household_id)
        self.post_message(QueueReady(queue, focus=following, note=recorded.summary))

    def _household_changed(self) -> None:
        """A household panel under the form reloads, so the new entry shows in its timeline."""
        from callqueue.app.household_screen import HouseholdScreen

        for screen in self.screen_stack:
            if isinstance(screen, HouseholdScreen):
                screen.refreshed()

    @staticmethod
    def _failure(error: Exception) -> str:
        from callqueue.crash import record_crash

        if isinstance(error, NotSignedIn):  # the gate held: nothing was read, nothing broke
            return _("Sign in first.")
        log = record_crash(error)
        return _("Could not read the database ({kind}); details in {log}").format(
            kind=type(error).__name__, log=log
        )

    # -- results ------------------------------------------------------------------------------

    @on(StaffListed)
    def sign_in(self, message: StaffListed) -> None:
        def chosen(code: str | None) -> None:
            if code:
                self.start_work(code)

        if self.shared_sign_in:
            self.push_screen(PasswordSignInScreen(self.store), chosen)
        else:
            self.push_screen(SignInScreen(message.staff), chosen)

    @on(QueueReady)
    def show_queue(self, message: QueueReady) -> None:
        self.queue_screen.show_queue(message.queue, focus=message.focus, note=message.note)

    @on(WorkFailed)
    def show_failure(self, message: WorkFailed) -> None:
        self.notify(message.text, severity="error", timeout=10)


__all__ = ["CHANNEL_CYCLE", "CallqueueApp"]
