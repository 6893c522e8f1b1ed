"""Nobody gets past the sign-in: before it, keys, the palette and pushed screens reach nothing.

Each way the app starts unsigned is tried: a shared database (a password set), a session
started the way `callqueue serve` starts one (`--served shared`: `password_required`), and
the demo's pick list. Before sign-in every key a collector would use (Escape, Ctrl+P, `f`,
`m`, `v`, `r`, `/`, Enter, a household key, `d`) leaves the sign-in screen alone on the
stack, and nothing reads the queue; then the right sign-in opens the queue as always.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.command import CommandPalette
from textual.screen import Screen
from textual.widgets import Input, Label

from callqueue import auth
from callqueue.app.app import CallqueueApp, NotSignedIn
from callqueue.app.commands import WorkCommands
from callqueue.app.queue_list import QueueList
from callqueue.app.signin import PasswordSignInScreen, SignInScreen
from callqueue.policy import DEFAULT_POLICY
from callqueue.store.database import Store
from callqueue.workspace import Workspace
from tests.app.conftest import AT

PASSWORD = "leader-pass-6"
KEY = "6-2-1203"  # a household of the demo


def make_app(store: Store, *, password_required: bool = False, demo: bool = False) -> CallqueueApp:
    """As `callqueue` (cmd_open) builds it: nobody signed in yet."""
    app = CallqueueApp(store, DEFAULT_POLICY, staff_code=None, clock=lambda: AT)
    app.password_required = password_required
    app.demo = demo
    return app


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The staff code of every queue loaded (`Workspace.load`), in order."""
    seen: list[str | None] = []
    real = Workspace.load

    def counting(self: Workspace) -> Any:
        seen.append(self.staff_code)
        return real(self)

    monkeypatch.setattr(Workspace, "load", counting)
    return seen


async def settle(app: CallqueueApp, pilot: Any) -> None:
    for _round in range(3):
        await app.workers.wait_for_complete()
        if isinstance(app.screen, PasswordSignInScreen):
            await app.screen.workers.wait_for_complete()
        await pilot.pause()


def palette_open(app: CallqueueApp) -> bool:
    return any(isinstance(screen, CommandPalette) for screen in app.screen_stack)


def assert_only_sign_in(app: CallqueueApp, kind: type[Screen[Any]]) -> None:
    """The stack is Textual's blank default screen and the sign-in screen, nothing else."""
    stack = app.screen_stack
    assert len(stack) == 2 and stack[0].id == "_default", stack
    assert type(stack[-1]) is kind
    assert not app.signed_in
    assert not palette_open(app)
    assert not app.queue_screen.is_attached and app.queue_screen.queue is None
    with pytest.raises(NotSignedIn):
        _ = app.workspace


async def try_everything(app: CallqueueApp, pilot: Any, *, enter: bool) -> None:
    """Every key that did something before sign-in, and typing a household key."""
    await pilot.press("escape", "ctrl+p")
    await pilot.pause()
    await pilot.press(*"Load the queue")
    if enter:
        await pilot.press("enter")
    await pilot.press("f", "m", "v", "r", "slash", "question_mark", "ctrl+p")
    await pilot.press(*KEY)
    if enter:
        await pilot.press("enter")
    await settle(app, pilot)
    await pilot.press("d", "escape", "ctrl+p")
    await settle(app, pilot)


@pytest.mark.parametrize("served", [False, True], ids=["shared-database", "served-shared"])
async def test_nothing_but_the_sign_in_before_the_password(
    demo_store: Store, loads: list[str | None], served: bool
) -> None:
    auth.set_password(demo_store, "wangfang", PASSWORD)
    app = make_app(demo_store, password_required=served)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert_only_sign_in(app, PasswordSignInScreen)
        await try_everything(app, pilot, enter=True)
        assert_only_sign_in(app, PasswordSignInScreen)
        screen = app.screen
        assert screen.query_one("#code", Input).value.startswith("Load the queue")
        said = str(screen.query_one("#signin-message", Label).render())
        assert said == "Wrong staff code or password. Try again."  # the key went in as a password

        # Asked directly, the same guard says no: no action, no screen, no palette hit, no load.
        assert not await app.run_action("command_palette")
        assert not await app.run_action("keys")
        assert not await app.run_action("push_screen('x')")
        pushed: Screen[Any]
        for pushed in (app.queue_screen, CommandPalette(), Screen()):
            with pytest.raises(NotSignedIn):
                app.push_screen(pushed)
        provider = WorkCommands(app.screen)
        assert [hit async for hit in provider.search(KEY)] == []
        assert [hit async for hit in provider.discover()] == []
        app.load_queue()
        await settle(app, pilot)
        assert_only_sign_in(app, PasswordSignInScreen)
        assert loads == []

        # The right code and password: the queue, as always.
        screen.query_one("#code", Input).value = "wangfang"
        screen.query_one("#password", Input).value = PASSWORD
        screen.query_one("#password", Input).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.signed_in and app.workspace.staff_code == "wangfang"
        assert app.screen is app.queue_screen
        assert app.queue_screen.query_one(QueueList).items
        assert loads == ["wangfang"]
        await pilot.press("ctrl+p")  # the palette, once signed in
        await pilot.pause()
        assert palette_open(app)


async def test_nothing_but_the_pick_list_before_a_choice(
    demo_store: Store, loads: list[str | None]
) -> None:
    """The demo (and single-user mode): the list of staff, and still nothing else."""
    app = make_app(demo_store, demo=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert_only_sign_in(app, SignInScreen)
        await try_everything(app, pilot, enter=False)  # Enter would pick someone
        assert_only_sign_in(app, SignInScreen)
        assert loads == []
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert app.signed_in and app.screen is app.queue_screen
        assert app.queue_screen.query_one(QueueList).items
        assert len(loads) == 1 and loads[0] is not None


async def test_as_starts_signed_in(demo_store: Store, loads: list[str | None]) -> None:
    """`--as` (and the operating-system account): the queue straight away, as before."""
    app = CallqueueApp(demo_store, DEFAULT_POLICY, staff_code="lina", clock=lambda: AT)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert app.signed_in and app.screen is app.queue_screen
        assert app.queue_screen.query_one(QueueList).items
        assert loads == ["lina"]
