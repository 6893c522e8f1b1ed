"""`callqueue serve`: the app in a web browser (textual-serve), for leaders without a terminal.

Each browser tab that connects gets its own `callqueue` process (textual-serve's model), run
as `python -m callqueue --served MODE --lang … [--at …] [--policy …]` with the database in
`$CALLQUEUE_DB` (so a PostgreSQL password never shows in the process list). A served session
never gets `--as` and never signs in by the server's operating-system account: whoever opens
the page signs in with their staff code and password. `--demo` serves a fresh demo, whose
sign-in is the pick list.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from typing import TYPE_CHECKING

from callqueue.cli.common import Commands, UserError
from callqueue.i18n import _

if TYPE_CHECKING:
    from textual_serve.server import Server

WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def register(commands: Commands) -> None:
    serve = commands.add(
        "serve",
        cmd_serve,
        "serve the app in a web browser: each visitor signs in with code and password",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    serve.add_argument(
        "--public-url",
        metavar="URL",
        default=None,
        help="the address browsers reach the server at, when it is not http://HOST:PORT "
        "(behind a reverse proxy: https://callqueue.example.com)",
    )
    serve.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help="serve a fresh demo database (sign-in from the list, no passwords)",
    )


def cmd_serve(args: argparse.Namespace) -> int:
    from callqueue.auth import has_passwords
    from callqueue.cli.common import open_store_for, policy_for
    from callqueue.cli.demo import fresh_demo_store
    from callqueue.i18n import current_language

    demo = bool(getattr(args, "demo", False))
    if args.host in WILDCARD_HOSTS and not args.public_url:
        # the page tells the browser where the terminal's websocket is: 0.0.0.0 is nowhere
        raise UserError(
            _(
                "with --host {host}, say how browsers reach this machine: "
                "--public-url http://NAME-OR-ADDRESS:{port}"
            ).format(host=args.host, port=args.port)
        )
    policy_for(args)  # a bad policy file is reported now, not in every browser tab
    store = fresh_demo_store(args) if demo else open_store_for(args)
    try:
        if not demo and not has_passwords(store):
            raise UserError(
                _(
                    "nobody has a password yet, so nobody could sign in in the browser; "
                    "set one first with callqueue staff password CODE (or serve the demo "
                    "with --demo)"
                )
            )
        url = store.url
    finally:
        store.close()
    command = session_command(
        served="demo" if demo else "shared",
        lang=current_language(),
        at=args.at,
        policy=getattr(args, "policy", None),
    )
    os.environ["CALLQUEUE_DB"] = absolute_sqlite(url)  # the sessions inherit the environment
    server = make_server(command, host=args.host, port=args.port, public_url=args.public_url)
    server.serve()
    return 0


def session_command(
    *, served: str, lang: str, at: str | None, policy: os.PathLike[str] | None
) -> str:
    """The shell command textual-serve runs for each browser session."""
    argv = [sys.executable, "-m", "callqueue", "--served", served, "--lang", lang]
    if at:
        argv += ["--at", at]
    if policy:
        argv += ["--policy", os.path.abspath(policy)]
    return shlex.join(argv)


def absolute_sqlite(url: str) -> str:
    """A SQLite URL with an absolute path, so no session depends on the server's folder."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        return prefix + os.path.abspath(url.removeprefix(prefix))
    return url


def make_server(command: str, *, host: str, port: int, public_url: str | None) -> Server:
    """textual-serve's server, saying in our words where it serves (imported only here)."""
    from textual_serve.server import Server

    class CallqueueServer(Server):
        async def on_startup(self, app: object) -> None:
            del app
            self.console.print(
                _("callqueue: serving the app at {url} (Ctrl+C stops)").format(url=self.public_url),
                highlight=False,
            )

    return CallqueueServer(command, host=host, port=port, title="callqueue", public_url=public_url)
