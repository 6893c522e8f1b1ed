"""Collectors at work in separate processes: the concurrency tests and the load benchmark
(benchmarks/bench_concurrency.py) both run them.

Each process is one collector with a Workspace on the shared database. A round: take the
next household of its own ranked queue nobody else holds (`Workspace.claim_next`), record a
payment or an outcome through `callqueue.recording.save`, release the household. Every
process logs what it held (household, from, to: wall-clock seconds, `from` taken after the
claim returned and `to` before the release began, so the logged span lies inside the
claim) and what it saved, to a JSON file the parent checks against the database.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import random
import time
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

AT = dt.datetime(2026, 11, 27, 10, 30)  # a Friday inside the call and visit windows
TEAM_OF = "lina"  # the collectors join the demo collector's team (building 6)


@dataclass(frozen=True)
class Job:
    url: str
    staff_code: str
    seed: int
    t0: float  # time.time() that the shared clock counts from (AT then)
    rounds: int  # households to work; 0: no limit (then `seconds`)
    seconds: float  # stop after this long; 0: no limit
    payments: bool  # every other round a payment; False: outcomes only
    log: str  # where the JSON log goes


def add_collectors(store: Any, count: int) -> list[str]:
    """`count` extra collectors (c1, c2, …) in the demo collector's team."""
    from sqlalchemy import select

    from callqueue.store.models import Staff

    codes = [f"c{n}" for n in range(1, count + 1)]
    with store.write_session() as session, session.begin():
        team = session.execute(select(Staff.team_id).where(Staff.code == TEAM_OF)).scalar()
        for n, code in enumerate(codes, 1):
            session.add(Staff(code=code, name=f"收费员{n}", role="collector", team_id=team))
    return codes


def _entry_for(item: Any, code: str, at: dt.datetime, rng: random.Random, pay: bool) -> Any:
    from callqueue.queue.actions import Channel
    from callqueue.recording.entries import OutcomeEntry, PaymentEntry

    if pay:
        amount = Decimal(rng.randint(100, 5_000)) / 100  # 1.00 to 50.00, to the cent
        return PaymentEntry(item.key, code, at, amount, "wechat", None)
    channel, outcome = {
        Channel.CALL: ("call", "no_answer"),
        Channel.VISIT: ("visit", "not_home"),
        Channel.LETTER: ("sms", "sent"),
    }[item.channel]
    return OutcomeEntry(item.key, code, at, channel, outcome)


def work(job: Job, ready: Any, start: Any) -> None:
    """One collector's process: load, say ready, wait for the start, work, write the log."""
    from tests.entry_clock import follow_command_clock

    follow_command_clock()  # the tests' fixed clock (tests/entry_clock.py)
    from callqueue.policy import DEFAULT_POLICY
    from callqueue.recording.entries import PaymentEntry
    from callqueue.recording.save import record_outcome, record_payment
    from callqueue.store.database import open_store
    from callqueue.workspace import Workspace

    store = open_store(job.url, migrate=False)

    def clock() -> dt.datetime:
        return AT + dt.timedelta(seconds=time.time() - job.t0)

    workspace = Workspace(store, DEFAULT_POLICY, staff_code=job.staff_code, clock=clock)
    workspace.load()
    rng = random.Random(job.seed)
    held: list[tuple[int, float, float]] = []
    saves: list[dict[str, Any]] = []
    empty = 0
    ready.put(job.staff_code)
    start.wait()
    began = time.time()
    while (not job.rounds or len(held) < job.rounds) and (
        not job.seconds or time.time() - began < job.seconds
    ):
        queue = workspace.refresh_held()
        by_id = {item.household_id: item for item in queue.items}
        got = workspace.claim_next()
        if got is None:  # everything is held or done: nothing left for this collector
            empty += 1
            if empty > 50:
                break
            time.sleep(0.01)
            workspace.rank()
            continue
        since = time.time()
        item = by_id[got.household_id]
        entry = _entry_for(item, job.staff_code, clock(), rng, job.payments and len(held) % 2 == 0)
        if isinstance(entry, PaymentEntry):
            done = record_payment(store, entry, now=clock(), policy=DEFAULT_POLICY)
            saves.append(
                {"kind": "payment", "household_id": done.household_id, "id": done.payment_id,
                 "amount": str(entry.amount), "staff": job.staff_code}
            )  # fmt: skip
        else:
            done = record_outcome(store, entry, now=clock(), policy=DEFAULT_POLICY)
            saves.append(
                {"kind": "outcome", "household_id": done.household_id, "id": done.contact_id,
                 "staff": job.staff_code}
            )  # fmt: skip
        workspace.changed(got.household_id)
        until = time.time()
        workspace.release(got.household_id)
        held.append((got.household_id, since, until))
    elapsed = time.time() - began
    store.close()
    Path(job.log).write_text(
        json.dumps(
            {"job": asdict(job), "held": held, "saves": saves, "elapsed": elapsed, "empty": empty}
        ),
        encoding="utf-8",
    )


@dataclass(frozen=True)
class Run:
    logs: list[dict[str, Any]]
    wall: float  # from the start signal until the last process finished

    @property
    def held(self) -> list[tuple[str, int, float, float]]:
        return [(log["job"]["staff_code"], *span) for log in self.logs for span in log["held"]]

    @property
    def saves(self) -> list[dict[str, Any]]:
        return [save for log in self.logs for save in log["saves"]]


def run_collectors(
    url: str,
    codes: list[str],
    folder: Path,
    *,
    rounds: int = 0,
    seconds: float = 0,
    payments: bool = True,
    timeout: float = 300,
) -> Run:
    """Start one spawned process per collector code, start them together, wait, read logs."""
    context = multiprocessing.get_context("spawn")
    ready, start = context.Queue(), context.Event()
    t0 = time.time()
    jobs = [
        Job(url, code, seed, t0, rounds, seconds, payments, str(folder / f"{code}.json"))
        for seed, code in enumerate(codes)
    ]
    processes = [context.Process(target=work, args=(job, ready, start)) for job in jobs]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=timeout)
    began = time.time()
    start.set()
    for process in processes:
        process.join(timeout)
    wall = time.time() - began
    failed = [(job.staff_code, p.exitcode) for job, p in zip(jobs, processes, strict=True)]
    if any(code != 0 for _job, code in failed):
        for process in processes:
            if process.is_alive():
                process.kill()
        raise RuntimeError(f"a collector process failed: {failed}")
    logs = [json.loads(Path(job.log).read_text(encoding="utf-8")) for job in jobs]
    return Run(logs, wall)
