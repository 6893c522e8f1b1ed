"""Benchmark: the app's first paint and a search keystroke (issue: the workspace, item 8).

Targets on a 50,000-household store: the queue is painted within 1 s of start, and a
filter keystroke answers within 100 ms.

Each run is a fresh process, as a collector's start is: it imports the app, opens the
store, creates `CallqueueApp` with a fixed clock and runs it headless at 120×40 (Textual's
`run_test`, as the app tests do). Times are from the moment the process was launched:

- imported      `callqueue.app.app` and its dependencies are imported
- store open    `open_store` returned (it checks the schema's migration)
- app created   the `CallqueueApp` object exists
- list has rows the queue list was handed its first items (the worker loaded the day's
                book and ranked the queue)
- rows painted  the list drew its first line with items (Textual's render of the screen)

and "rows painted" also from the app object's creation alone. Then the search box gets
keystrokes one at a time (digits of a room, then backspaces back to the whole queue); for
each, the time until the list is handed the narrowed items, and until the list's last line
is drawn. The list is watched by wrapping two of its methods in this process, not polled.

    .venv/bin/python benchmarks/bench_app.py [--db URL] [--as lina,manager] [--runs 3]

Without --db it builds a 50,000-household demo once in the temporary folder and reuses it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

AT = "2026-11-27T10:30"
KEYS = ["1", "2", "0", "3", "backspace", "backspace", "backspace", "backspace"]


# --- one run, in its own process -----------------------------------------------------------


async def _run(url: str, staff: str, launched: float) -> dict[str, Any]:
    import datetime as dt

    from callqueue.app.app import CallqueueApp
    from callqueue.app.queue_list import QueueList
    from callqueue.policy import DEFAULT_POLICY
    from callqueue.store.database import open_store

    marks: dict[str, float] = {"imported": time.time() - launched}
    moment = dt.datetime.fromisoformat(AT)
    store = open_store(url)
    marks["store"] = time.time() - launched

    # Watch the list, without polling (a poll would take the GIL from the loading worker):
    # when it is handed items, and when it draws a line while it has items.
    shown: list[float] = []
    painted: list[float] = []  # lines drawn while the list has items
    drawn: list[float] = []  # every line drawn
    changed = asyncio.Event()
    show, render_line = QueueList.show, QueueList.render_line

    def watched_show(self: QueueList, *args: Any, **kwargs: Any) -> None:
        show(self, *args, **kwargs)
        shown.append(time.perf_counter())
        changed.set()

    def watched_render_line(self: QueueList, y: int) -> Any:
        now = time.perf_counter()
        drawn.append(now)
        if self.items:
            painted.append(now)
        return render_line(self, y)

    QueueList.show = watched_show  # type: ignore[method-assign]
    QueueList.render_line = watched_render_line  # type: ignore[method-assign]

    created = time.perf_counter()
    wall = time.time() - created  # perf_counter → seconds since launch
    app = CallqueueApp(store, DEFAULT_POLICY, staff_code=staff, clock=lambda: moment)
    marks["app"] = time.time() - launched
    async with app.run_test(size=(120, 40)) as pilot:
        listing = app.queue_screen.query_one(QueueList)
        while not listing.items:
            changed.clear()
            await changed.wait()
        await pilot.pause()
        marks["rows"] = shown[0] + wall - launched
        marks["painted"] = painted[0] + wall - launched
        marks["painted_from_app"] = painted[0] - created
        items = len(listing.items)

        await pilot.press("slash")  # to the search box
        await pilot.pause()
        updated, last_line, counts = [], [], []
        for key in KEYS:
            start = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            updated.append(next(t for t in shown if t > start) - start)
            last_line.append(max(t for t in drawn if t > start) - start)
            counts.append(len(listing.items))
        await pilot.press("escape")
    store.close()
    return {**marks, "items": items, "key_list": updated, "key_painted": last_line, "shown": counts}


def child(url: str, staff: str, launched: float) -> None:
    print(json.dumps(asyncio.run(_run(url, staff, launched))))


# --- the parent: demo, runs, table ---------------------------------------------------------


def ensure_demo(url: str | None) -> str:
    if url:
        return url
    path = Path(tempfile.gettempdir()) / "callqueue-bench-app-50000.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        print(f"building a 50,000-household demo in {path} (about 35 s)…", flush=True)
        subprocess.run(
            [sys.executable, "-m", "callqueue", "demo", "--households", "50000",
             "--db", url, "--at", AT],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    return url


def one_run(url: str, staff: str) -> dict[str, Any]:
    launched = time.time()
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--db", url, "--as", staff,
         "--launched", repr(launched)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def import_time(runs: int) -> tuple[float, float]:
    """A bare interpreter, and one that imports the app (median wall time of `runs`)."""

    def timed(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - start

    bare = statistics.median(timed("pass") for _ in range(runs))
    app = statistics.median(timed("import callqueue.app.app") for _ in range(runs))
    return bare, app


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=None)
    parser.add_argument("--as", dest="staff", default="lina,manager")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--launched", type=float, default=0.0)
    args = parser.parse_args()
    if args.child:
        child(args.db, args.staff, args.launched)
        return
    url = ensure_demo(args.db)
    bare, app = import_time(max(args.runs, 5))
    print(f"python -c pass: {ms(bare)}; python -c 'import callqueue.app.app': {ms(app)}")
    print(f"store: {url}; clock {AT}; median of {args.runs} runs, times from process launch")
    head = (
        "| staff | items | imported | store open | app created | list has rows | rows painted "
        "| painted, from app created | keystroke → list (median / max) | → drawn (median / max) |"
    )
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    notes = []
    for staff in args.staff.split(","):
        runs = [one_run(url, staff) for _ in range(args.runs)]

        def med(name: str, runs: list[dict[str, Any]] = runs) -> str:
            return ms(statistics.median(r[name] for r in runs))

        keys = [t for r in runs for t in r["key_list"]]
        drawn = [t for r in runs for t in r["key_painted"]]
        print(
            f"| {staff} | {runs[0]['items']:,} | {med('imported')} | {med('store')} "
            f"| {med('app')} | {med('rows')} | {med('painted')} | {med('painted_from_app')} "
            f"| {ms(statistics.median(keys))} / {ms(max(keys))} "
            f"| {ms(statistics.median(drawn))} / {ms(max(drawn))} |",
            flush=True,
        )
        notes.append(f"{staff}: items shown after each of {' '.join(KEYS)}: {runs[0]['shown']}")
    print("\n".join(notes))


if __name__ == "__main__":
    main()
