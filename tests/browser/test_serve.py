"""`callqueue serve` in a real browser: Debian's Chromium, headless, driven by Selenium.

A demo database gets a password for the team leader `wangfang`; `callqueue serve` runs on a
free port; Chromium opens the page, the leader signs in with code and password, presses `f`,
and the building progress panel's figures (the same `build_report` computes here) are on the
page. A wrong password is refused.

Reading the page: textual-serve's page draws the terminal with xterm.js on a canvas (WebGL,
else 2D), so the DOM holds no text. The terminal object is local to textual.js; a script
installed before the page's own (`Page.addScriptToEvaluateOnNewDocument`) catches it when
textual.js assigns it to `this.terminal`, and the test reads the terminal's buffer, line by
line, through the page's JavaScript (`buffer.active.getLine(i).translateToString()`).
Keys go where a person's would: into xterm's input textarea.

Chromium and chromedriver come from Debian (`make install-test` installs them); without them
the tests are skipped, except under CI (`CI` set), where that is a failure.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AT = "2026-11-27T10:30"
PASSWORD = "leader-pass-6"
TIMEOUT = 60.0  # seconds for the page to show something; a session starts in about 2

pytestmark = pytest.mark.browser

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    if os.environ.get("CI"):
        pytest.fail(
            "CI needs Debian's chromium and chromium-driver (make install-test installs them)",
            pytrace=False,
        )
    pytest.skip(
        "needs Debian's chromium and chromium-driver: make install-test installs them",
        allow_module_level=True,
    )

# Runs before textual.js: keeps the xterm.js Terminal that textual.js stores in `this.terminal`.
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, 'terminal', {
  configurable: true,
  get() { return undefined; },
  set(value) {
    Object.defineProperty(this, 'terminal',
      {value, writable: true, configurable: true, enumerable: true});
    if (value && value.buffer && value.buffer.active) { window.__callqueueTerminal = value; }
  },
});
"""

READ_SCREEN = """
const terminal = window.__callqueueTerminal;
if (!terminal) { return null; }
const buffer = terminal.buffer.active;
const lines = [];
for (let row = 0; row < terminal.rows; row++) {
  const line = buffer.getLine(buffer.viewportY + row);
  lines.push(line ? line.translateToString(true) : '');
}
return lines.join('\\n');
"""


def callqueue(*argv: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "callqueue", *argv, "--lang", "en"],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "team.db"
    callqueue("demo", "--db", str(path), "--at", AT)
    callqueue(
        "staff", "password", "wangfang", "--password-stdin", "--db", str(path), stdin=PASSWORD
    )
    return path


@pytest.fixture(scope="module")
def server(demo_db: Path) -> Iterator[str]:
    """`callqueue serve` on a free port; the URL. Its process group is ended afterwards
    (the server and every session it started)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = demo_db.with_name("serve.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "callqueue",
            "serve",
            "--db",
            str(demo_db),
            "--port",
            str(port),
            "--at",
            AT,
            "--lang",
            "en",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        started = time.monotonic()
        while True:
            assert process.poll() is None, demo_db.with_name("serve.log").read_text()
            with contextlib.suppress(OSError):
                urllib.request.urlopen(url, timeout=2).close()
                break
            assert time.monotonic() - started < TIMEOUT, "callqueue serve did not answer"
            time.sleep(0.1)
        print(f"callqueue serve answered after {time.monotonic() - started:.2f} s")
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CATCH_TERMINAL})
    try:
        yield driver
    finally:
        driver.quit()


class Page:
    """The served app in the browser, read and typed into as a person would."""

    def __init__(self, driver: object, url: str) -> None:
        from selenium.webdriver.remote.webdriver import WebDriver

        assert isinstance(driver, WebDriver)
        self.driver = driver
        driver.get(url)

    def screen(self) -> str:
        return str(self.driver.execute_script(READ_SCREEN) or "")

    def wait_for(self, *texts: str, timeout: float = TIMEOUT) -> str:
        """The screen once it shows every one of `texts`."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if all(text in screen for text in texts):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"not on the page: {texts!r}; the page shows:\n{screen}")
            time.sleep(0.1)

    def type(self, *keys: str) -> None:
        from selenium.webdriver.common.by import By

        field = self.driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
        field.send_keys(*keys)


def sign_in(page: Page, code: str, password: str) -> None:
    from selenium.webdriver.common.keys import Keys

    page.wait_for("Sign in with your staff code and password.")
    page.type(code)
    page.wait_for(code)  # echoed in the code field: the app has it
    page.type(Keys.ENTER)  # on to the password field
    time.sleep(0.5)  # as a person would look up before typing on
    page.type(password, Keys.ENTER)


def test_wrong_password_is_refused(server: str, browser: object) -> None:
    page = Page(browser, server)
    sign_in(page, "wangfang", "not-the-password")
    screen = page.wait_for("Wrong staff code or password.")
    assert "not-the-password" not in screen  # masked, and cleared after the refusal
    page = Page(browser, server)  # a new session; an unknown code gets the very same words
    sign_in(page, "nobody", PASSWORD)
    page.wait_for("Wrong staff code or password.")
    assert "Sign in with your staff code and password." in page.screen()


def test_leader_signs_in_and_opens_building_progress(
    server: str, browser: object, demo_db: Path
) -> None:
    from callqueue.clock import parse_moment
    from callqueue.policy import DEFAULT_POLICY
    from callqueue.progress.report import build_report
    from callqueue.progress.scope import scope_for_staff
    from callqueue.store.database import open_store

    store = open_store(str(demo_db))
    with store.session() as session:
        expected = build_report(
            session, scope_for_staff(session, "wangfang"), parse_moment(AT), DEFAULT_POLICY
        )
    store.close()

    started = time.monotonic()
    page = Page(browser, server)
    sign_in(page, "wangfang", PASSWORD)
    page.wait_for("王芳")  # the queue's head names who works
    page.type("f")
    total = expected.total
    head = f"Collected {total.collected:,.2f} of {total.cumulative_target:,.2f}"
    first = expected.buildings[0].fees[0]
    screen = page.wait_for(head, f"{first.collected:,.2f}", f"{first.baseline:,.2f}")
    assert f"{total.rate}%" in screen
    print(f"sign-in to progress panel: {time.monotonic() - started:.2f} s")
