"""Benchmark: the whole queue, and the queue after one recorded outcome (issue: the queue).

Targets on a 50,000-household demo: the whole queue in at most 300 ms (median); after one
recorded outcome the queue is current again within 20 ms. Also shown: how the time grows
from 5,000 to 50,000 households, and the one-off load of the day's book: a collector's
(`lina`: her team's buildings, about 120 households whatever the size) and the whole
project's (a manager's), each the median of 3 loads in this process.

    .venv/bin/python benchmarks/bench_queue.py [--sizes 5000,10000,20000,50000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time

from callqueue.demo import DEMO_COLLECTOR, DEMO_MANAGER, fill_demo
from callqueue.policy import DEFAULT_POLICY
from callqueue.queue.actions import Channel
from callqueue.queue.book import EVERY_BUILDING, QueueBook, scope_for_staff
from callqueue.recording.entries import OutcomeEntry
from callqueue.recording.save import record_outcome
from callqueue.store.database import open_store

AT = dt.datetime(2026, 11, 27, 10, 30)
RUNS = 9


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def bench(households: int, folder: str) -> None:
    store = open_store(f"sqlite:///{folder}/queue-{households}.db")
    start = time.perf_counter()
    summary = fill_demo(store, households=households, seed=2018, today=AT)
    built = time.perf_counter() - start

    with store.session() as session:
        team = scope_for_staff(session, DEMO_COLLECTOR)
    team_loads, loads = [], []
    for _ in range(3):
        start = time.perf_counter()
        mine = QueueBook(store, AT.date(), DEFAULT_POLICY, team)
        team_loads.append(time.perf_counter() - start)
    for _ in range(3):
        start = time.perf_counter()
        book = QueueBook(store, AT.date(), DEFAULT_POLICY)
        loads.append(time.perf_counter() - start)
    team_loaded, loaded = statistics.median(team_loads), statistics.median(loads)

    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        queue = book.queue(AT, EVERY_BUILDING)
        timings.append(time.perf_counter() - start)
    whole = statistics.median(timings)

    # after an outcome: save it, then bring the ranked queue up to date
    calls = [item for item in queue.items if item.channel is Channel.CALL][:RUNS]
    saves, refreshes = [], []
    for n, item in enumerate(calls):
        entry = OutcomeEntry(
            household_key=item.key, staff_code=DEMO_MANAGER,
            at=AT + dt.timedelta(seconds=n), channel="call", outcome="no_answer",
        )  # fmt: skip
        start = time.perf_counter()
        record_outcome(store, entry, now=AT + dt.timedelta(minutes=1), policy=DEFAULT_POLICY)
        saves.append(time.perf_counter() - start)
        start = time.perf_counter()
        book.record_changed(queue, item.household_id, EVERY_BUILDING)
        refreshes.append(time.perf_counter() - start)
    print(
        f"{households:>7,} households {summary.charge_lines:>8,} lines "
        f"{summary.contacts:>8,} contacts | demo {built:6.1f} s | "
        f"load: {len(mine.facts)} of the team {ms(team_loaded)}, all {loaded:5.2f} s | "
        f"whole queue {ms(whole)} ({len(queue.items):,} items) | "
        f"save {ms(statistics.median(saves))} | queue current {ms(statistics.median(refreshes))}"
    )
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="5000,10000,20000,50000")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            bench(size, folder)


if __name__ == "__main__":
    main()
