"""`callqueue serve`: the app in a web browser (textual-serve), for leaders without a terminal.

Each browser tab that connects gets its own `callqueue` process (textual-serve's model), run
as `python -m callqueue --served MODE --lang … [--at …] [--policy …]` with the database in
`$CALLQUEUE_DB` (so a PostgreSQL password never shows in the process list). A served session
never gets `--as` and never signs in by the server's operating-system account: whoever opens
the page signs in with their staff code and password. `--demo` serves a fresh demo, whose
sign-in is the pick list.

Who may connect: the page and its websocket answer only pages served from this server's own
address (the `Origin` a browser sends; another site's page gets 403), at most
`--max-sessions` sessions run at once (each is a process of about 100 MB), and listening
beyond this machine (`--host 0.0.0.0`) needs `--allow-remote` and `--public-url`.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import shlex
import sys
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from callqueue.cli.common import Commands, UserError
from callqueue.i18n import _

if TYPE_CHECKING:
    from textual_serve.server import Server

WILDCARD_HOSTS = ("0.0.0.0", "0", "::", "")  # every address of the machine
DEFAULT_MAX_SESSIONS = 20


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
        "--allow-remote",
        action="store_true",
        help="listen where other machines can connect (any --host but 127.0.0.1 or localhost; "
        "with --host 0.0.0.0 also give --public-url). The traffic, passwords included, is "
        "plain HTTP unless a TLS proxy is in front (--public-url https://…)",
    )
    serve.add_argument(
        "--max-sessions",
        metavar="N",
        type=positive,
        default=DEFAULT_MAX_SESSIONS,
        help=f"browser sessions running at once, about 100 MB each ({DEFAULT_MAX_SESSIONS}); "
        "one more is refused",
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
    check_listening(args.host, args.port, args.public_url, allow_remote=args.allow_remote)
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
    server = make_server(
        command,
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        max_sessions=args.max_sessions,
    )
    server.serve()
    return 0


def positive(text: str) -> int:
    """An argparse type: a whole number from 1."""
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach `host` (127.0.0.1, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: other machines may reach it


def check_listening(host: str, port: int, public_url: str | None, *, allow_remote: bool) -> None:
    """Refuse to listen beyond this machine unless told to (`--allow-remote`), and on every
    address without the public URL (the page tells the browser where the websocket is, and
    the Origin check compares with it: 0.0.0.0 is nowhere)."""
    if host in WILDCARD_HOSTS and not (public_url and allow_remote):
        raise UserError(
            _(
                "with --host {host} every machine that reaches this one can connect: give "
                "--allow-remote and say how browsers reach it with "
                "--public-url http://NAME-OR-ADDRESS:{port} (plain HTTP, passwords included, "
                "unless a TLS proxy is in front: docs/team.md)"
            ).format(host=host or "''", port=port)
        )
    if not is_loopback(host) and not allow_remote:
        raise UserError(
            _(
                "with --host {host} other machines can connect: give --allow-remote (plain "
                "HTTP, passwords included, unless a TLS proxy is in front: docs/team.md)"
            ).format(host=host)
        )


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


def origin_of(url: str) -> str:
    """The origin a browser sends for a page at `url`: scheme://host[:port], lower case,
    without the scheme's default port ('' for anything else, which matches nothing)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        return ""
    if ":" in host:
        host = f"[{host}]"
    default = 80 if scheme == "http" else 443
    return f"{scheme}://{host}" + (f":{port}" if port and port != default else "")


def allowed_origins(host: str, port: int, public_url: str) -> frozenset[str]:
    """Where the page may come from: the public URL, the address served on, and, when that is
    this machine only, each name for it (a browser may open http://localhost:8000)."""
    names = {host}
    if is_loopback(host):
        names |= {"localhost", "127.0.0.1", "[::1]"}
    elif host in WILDCARD_HOSTS:
        names = set()  # 0.0.0.0 is nowhere: only the public URL
    found = {origin_of(public_url)}
    found |= {origin_of(f"http://{name}:{port}") for name in names if name}
    return frozenset(found - {""})


def make_server(
    command: str,
    *,
    host: str,
    port: int,
    public_url: str | None,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
) -> Server:
    """textual-serve's server with three checks it lacks (imported only here).

    textual-serve (1.1) starts a process for every websocket that connects, from any page,
    without limit. Its handlers are plain aiohttp methods, so a subclass checks before
    handing over: the `Origin` of the page and the websocket (another site's page gets 403:
    a page elsewhere must not drive a session with the visitor's browser), and the number of
    running sessions (one over `max_sessions` is told so in its terminal and closed). No
    process is started for a refusal. Each session runs `exec`ed by the shell textual-serve
    uses, so a session is one process, not two.
    """
    from aiohttp import web
    from textual_serve.server import Server

    class CallqueueServer(Server):
        def __init__(self) -> None:
            super().__init__(
                f"exec {command}", host=host, port=port, title="callqueue", public_url=public_url
            )
            self.origins = allowed_origins(host, port, self.public_url)
            self.max_sessions = max_sessions
            self.sessions = 0

        async def on_startup(self, app: object) -> None:
            del app
            self.console.print(
                _("callqueue: serving the app at {url} (Ctrl+C stops)").format(url=self.public_url),
                highlight=False,
            )

        def check_origin(self, request: web.Request, *, required: bool) -> None:
            """403 for a page from elsewhere (a browser sends Origin with every websocket,
            and with a page's fetches; following a link to the page sends none)."""
            origin = request.headers.get("Origin")
            if origin is None and not required:
                return
            if origin is None or origin_of(origin) not in self.origins:
                self.console.print(
                    _("callqueue: refused a connection from a page at {origin}").format(
                        origin=origin or "-"
                    ),
                    highlight=False,
                )
                raise web.HTTPForbidden(text=_("This page is not served from here."))

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            self.check_origin(request, required=False)
            response: web.StreamResponse = await super().handle_index(request)
            return response

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            self.check_origin(request, required=True)
            if self.sessions >= self.max_sessions:
                return await self.refuse(request)
            self.sessions += 1
            try:
                return await super().handle_websocket(request)
            finally:
                self.sessions -= 1

        async def refuse(self, request: web.Request) -> web.WebSocketResponse:
            """Too many sessions: say so in the page's terminal and close (1013: try again
            later); no process is started."""
            text = _(
                "callqueue: all {count} sessions are in use. Close a tab you no longer need, "
                "or try again later."
            ).format(count=self.max_sessions)
            self.console.print(text, highlight=False)
            websocket = web.WebSocketResponse()
            await websocket.prepare(request)
            await websocket.send_bytes(f"\r\n  {text}\r\n".encode())
            await websocket.close(code=1013, message=b"too many sessions")
            return websocket

    return CallqueueServer()
