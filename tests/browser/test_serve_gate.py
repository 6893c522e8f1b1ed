"""`callqueue serve` keeps everyone at the sign-in, spoken to as a browser would, without one.

A demo database gets a password for `wangfang`; `callqueue serve --max-sessions 2` runs on
127.0.0.1 and a free port; an aiohttp websocket client speaks textual-serve's protocol
(JSON text frames `["stdin", keys]`, `["resize", {...}]` up; the terminal's output as
binary frames down). Unsigned, it tries what once reached every queue: Escape, Ctrl+P,
"Load the queue", Enter, a household key, Enter, `d`; the terminal shows nothing of the
demo's households (keys, owners, phones), only the sign-in. The same client signed in sees
household keys, so the reading would have caught a leak. A page from elsewhere (another
`Origin`) is refused with 403 and starts no process; the session one over the cap is told
so and starts none; listening on every address needs `--allow-remote` and `--public-url`.

No browser is needed (no `browser` marker): these run wherever the suite runs.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

AT = "2026-11-27T10:30"
PASSWORD = "leader-pass-6"
KEY = "6-2-1203"
SIGN_IN = "Sign in with your staff code and password."
TIMEOUT = 60.0
ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def callqueue(*argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "callqueue", *argv, "--lang", "en"],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Secrets:
    """What an unsigned visitor must never see: every household key, owner and phone."""

    keys: frozenset[str]
    owners: frozenset[str]
    phones: frozenset[str]

    def found_in(self, text: str) -> list[str]:
        return sorted(s for s in self.keys | self.owners | self.phones if s in text)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve-gate") / "team.db"
    assert callqueue("demo", "--db", str(path), "--at", AT).returncode == 0
    done = callqueue(
        "staff", "password", "wangfang", "--password-stdin", "--db", str(path), stdin=PASSWORD
    )
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture(scope="module")
def secrets(demo_db: Path) -> Secrets:
    from callqueue.store.database import open_store
    from callqueue.store.models import Household, Person, Phone, table_of

    store = open_store(str(demo_db))
    with store.session() as session:
        keys = session.scalars(select(table_of(Household).c.key)).all()
        owners = session.scalars(select(table_of(Person).c.name)).all()
        phones = session.scalars(select(table_of(Phone).c.number)).all()
    store.close()
    assert KEY in keys and owners and phones
    return Secrets(frozenset(keys), frozenset(owners), frozenset(phones))


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (the sessions the server started), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        below = [child for child, parent in parents.items() if parent in frontier]
        found += below
        frontier = below
    return found


def rss_mb(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def sessions(self) -> list[int]:
        return descendants(self.process.pid)

    def wait_for_sessions(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.sessions()) != count:
            assert time.monotonic() < deadline, f"{self.sessions()} != {count} sessions"
            time.sleep(0.1)


@contextlib.contextmanager
def serving(demo_db: Path, *extra: str, host: str = "127.0.0.1") -> Iterator[Served]:
    """`callqueue serve` on a free port until the block ends (then its process group goes)."""
    port = free_port()
    log = demo_db.with_name(f"serve-{port}.log")
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "callqueue", "serve", "--db", str(demo_db), "--host", host,
             "--port", str(port), "--at", AT, "--lang", "en", *extra],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    served = Served(process, port, log)
    try:
        started = time.monotonic()
        while True:
            assert process.poll() is None, log.read_text()
            with contextlib.suppress(OSError):
                urllib.request.urlopen(served.url + "/", timeout=2).close()
                break
            assert time.monotonic() - started < TIMEOUT, "callqueue serve did not answer"
            time.sleep(0.1)
        yield served
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def server(demo_db: Path) -> Iterator[Served]:
    with serving(demo_db, "--max-sessions", "2") as served:
        yield served


class Terminal:
    """One browser session as textual-serve's page runs it: keys up, the screen's text down
    (escape sequences dropped: what is left is every character the terminal was sent)."""

    def __init__(self, websocket: aiohttp.ClientWebSocketResponse) -> None:
        self.websocket = websocket
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.text = ""
        self.closed: int | None = None

    async def keys(self, data: str) -> None:
        await self.websocket.send_str(json.dumps(["stdin", data]))
        await asyncio.sleep(0.15)  # a lone Escape is told from a sequence by a pause

    async def read(self, seconds: float) -> None:
        """Everything the terminal is sent for `seconds`."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0 and self.closed is None:
            try:
                message = await self.websocket.receive(timeout=left)
            except TimeoutError:
                return
            if message.type == aiohttp.WSMsgType.BINARY:
                self.text += ESCAPES.sub("", self.decoder.decode(message.data))
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                self.closed = self.websocket.close_code or int(message.data or 0)

    async def wait_for(self, text: str, timeout: float = TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.text:
            assert self.closed is None, f"closed ({self.closed}) before {text!r}:\n{self.text}"
            assert time.monotonic() < deadline, f"never shown: {text!r}; shown:\n{self.text}"
            await self.read(0.2)


@contextlib.asynccontextmanager
async def session(served: Served, *, origin: str | None = None) -> AsyncIterator[Terminal]:
    headers = {"Origin": origin or served.url}
    async with (
        aiohttp.ClientSession() as client,
        client.ws_connect(f"{served.url}/ws?width=100&height=30", headers=headers) as websocket,
    ):
        terminal = Terminal(websocket)
        await websocket.send_str(json.dumps(["resize", {"width": 100, "height": 30}]))
        yield terminal


ESC, CTRL_P, ENTER = "\x1b", "\x10", "\r"


async def test_an_unsigned_session_sees_only_the_sign_in(server: Served, secrets: Secrets) -> None:
    async with session(server) as terminal:
        await terminal.wait_for(SIGN_IN)
        await terminal.keys(ESC)
        await terminal.keys(CTRL_P)
        await terminal.keys("Load the queue")
        await terminal.keys(ENTER)
        await terminal.keys(KEY)
        await terminal.keys(ENTER)
        await terminal.keys("d")
        await terminal.read(3)
        assert secrets.found_in(terminal.text) == []
        await terminal.wait_for("Wrong staff code or password.")  # the key was a password
        for key in (ESC, CTRL_P, KEY, ENTER, "f", "m", "v", "r", "/", "d", ENTER):
            await terminal.keys(key)
        await terminal.wait_for("Wrong staff code or password 3 times")  # all went in
        await terminal.read(2)
        assert secrets.found_in(terminal.text) == []
        assert "Load the queue" in terminal.text  # in the staff code field, nowhere else
    server.wait_for_sessions(0)


async def test_signed_in_the_same_reading_shows_households(
    server: Served, secrets: Secrets
) -> None:
    """The control: had anything leaked, the reading above would have seen it."""
    async with session(server) as terminal:
        await terminal.wait_for(SIGN_IN)
        await terminal.keys("wangfang")
        await terminal.wait_for("wangfang")
        await terminal.keys(ENTER)
        await terminal.keys(PASSWORD + ENTER)
        await terminal.wait_for("王芳")  # the queue's head names who works
        await terminal.read(2)
        assert len(secrets.found_in(terminal.text)) > 5
        print(f"memory of a signed-in session: {[round(rss_mb(p)) for p in server.sessions()]} MB")
    server.wait_for_sessions(0)


def test_a_page_from_elsewhere_is_refused(server: Served) -> None:
    async def refused(origin: str | None) -> int:
        async with aiohttp.ClientSession() as client:
            headers = {} if origin is None else {"Origin": origin}
            with pytest.raises(aiohttp.WSServerHandshakeError) as error:
                await client.ws_connect(f"{server.url}/ws", headers=headers)
            return error.value.status

    for origin in ("http://evil.example", f"http://evil.example:{server.port}", "null", None):
        started = time.monotonic()
        assert asyncio.run(refused(origin)) == 403
        print(f"Origin {origin}: 403 after {1000 * (time.monotonic() - started):.0f} ms")
    page = urllib.request.Request(server.url + "/", headers={"Origin": "http://evil.example"})
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(page, timeout=10)
    assert error.value.code == 403
    for origin in (server.url, f"http://localhost:{server.port}"):  # this machine's names
        own = urllib.request.Request(server.url + "/", headers={"Origin": origin})
        urllib.request.urlopen(own, timeout=10).close()
    time.sleep(0.5)
    assert server.sessions() == []  # no process for a refusal


async def test_one_session_over_the_cap_is_refused(server: Served) -> None:
    async with session(server) as first, session(server) as second:
        await first.wait_for(SIGN_IN)
        await second.wait_for(SIGN_IN)
        running = server.sessions()
        assert len(running) == 2  # one process per session
        print(f"memory per session: {[round(rss_mb(pid)) for pid in running]} MB")
        started = time.monotonic()
        async with session(server) as third:
            await third.read(10)
            print(f"over the cap: refused after {1000 * (time.monotonic() - started):.0f} ms")
            assert third.closed == 1013
            assert "all 2 sessions are in use" in third.text
        assert server.sessions() == running  # no third process
    server.wait_for_sessions(0)
    async with session(server) as again:  # a place came free
        await again.wait_for(SIGN_IN)
    server.wait_for_sessions(0)


@pytest.mark.parametrize(
    "extra",
    [[], ["--allow-remote"], ["--public-url", "http://collect-server:8000"]],
    ids=["bare", "no-public-url", "no-allow-remote"],
)
@pytest.mark.parametrize("host", ["0.0.0.0", "0", "::", ""])
def test_every_address_needs_allow_remote_and_the_public_url(
    demo_db: Path, host: str, extra: list[str]
) -> None:
    done = callqueue("serve", "--db", str(demo_db), "--host", host, "--port", "1", *extra)
    assert done.returncode == 1, done.stderr
    assert "--allow-remote" in done.stderr and "--public-url" in done.stderr
    assert "plain HTTP" in done.stderr


def test_another_address_needs_allow_remote(demo_db: Path) -> None:
    done = callqueue("serve", "--db", str(demo_db), "--host", "192.0.2.10", "--port", "1")
    assert done.returncode == 1 and "--allow-remote" in done.stderr, done.stderr


def test_every_address_with_both_serves_to_the_public_url_only(demo_db: Path) -> None:
    with serving(demo_db, "--allow-remote", "--public-url", "http://collect-server:8000",
                 host="0.0.0.0") as served:  # fmt: skip
        own = urllib.request.Request(
            served.url + "/", headers={"Origin": "http://collect-server:8000"}
        )
        urllib.request.urlopen(own, timeout=10).close()
        other = urllib.request.Request(served.url + "/", headers={"Origin": served.url})
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(other, timeout=10)
        assert error.value.code == 403
