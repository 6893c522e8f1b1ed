"""Benchmark: recorded outcomes per second with 1, 4 and 8 collectors at once (issue 6).

Each collector is a process of its own (spawned) with a Workspace on one shared database,
working one team's queue as the app would: take the next household nobody else holds
(`claim_next`), record an outcome (`record_outcome`: a call with no answer, a visit with
nobody home, an SMS), move it in the queue, release it, and on to the next. That is three
write transactions per outcome (claim, save, release) and one small read of the others'
claims. The figure is every outcome the collectors recorded divided by the seconds from the
common start until the last one stopped.

The database is a fresh demo of `--households` flats whose buildings all belong to one team,
so every collector ranks the same queue and they contend for its top households. On one
SQLite file, and on PostgreSQL when `--pg URL` or CALLQUEUE_TEST_PG names a server (a
schema of its own, dropped afterwards).

    .venv/bin/python benchmarks/bench_concurrency.py [--seconds 10] [--collectors 1,4,8]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # tests/concurrency/work.py runs the collectors
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text, update  # noqa: E402
from tests.concurrency.work import AT, TEAM_OF, add_collectors, run_collectors  # noqa: E402

from callqueue.demo import fill_demo  # noqa: E402
from callqueue.store.database import open_store  # noqa: E402


@contextmanager
def pg_schema(base: str) -> Iterator[str]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def prepare(url: str, households: int, collectors: int) -> list[str]:
    """A demo whose every building is the demo collector's team's, and the collectors."""
    from callqueue.store.models import Building

    store = open_store(url)
    fill_demo(store, households=households, today=AT)
    with store.write_session() as session, session.begin():
        team = session.execute(text("SELECT team_id FROM staff WHERE code = :c"), {"c": TEAM_OF})
        session.execute(update(Building).values(team_id=team.scalar()))
    codes = add_collectors(store, collectors)
    store.close()
    return codes


def measure(url: str, collectors: int, households: int, seconds: float, folder: Path) -> str:
    codes = prepare(url, households, collectors)
    run = run_collectors(url, codes, folder, seconds=seconds, payments=False)
    outcomes = len(run.saves)
    per_second = outcomes / run.wall
    each = [len(log["saves"]) for log in run.logs]
    return (
        f"{collectors:>2} collector(s): {outcomes:6,} outcomes in {run.wall:5.1f} s = "
        f"{per_second:7.1f} /s  (per collector {min(each):,}-{max(each):,}; "
        f"claim+save+release {1000 * run.wall * collectors / max(outcomes, 1):6.1f} ms each)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--collectors", default="1,4,8")
    parser.add_argument("--households", type=int, default=1_200)
    parser.add_argument("--pg", default=os.environ.get("CALLQUEUE_TEST_PG"))
    args = parser.parse_args()
    counts = [int(n) for n in args.collectors.split(",")]
    print(f"{os.cpu_count()} CPU(s); {args.households:,} households in one team's queue")
    with tempfile.TemporaryDirectory() as folder:
        print("SQLite (one file, WAL, BEGIN IMMEDIATE writers)")
        for n in counts:
            url = f"sqlite:///{folder}/bench-{n}.db"
            print("  " + measure(url, n, args.households, args.seconds, Path(folder)), flush=True)
        if args.pg:
            print("PostgreSQL")
            for n in counts:
                with pg_schema(args.pg) as url:
                    line = measure(url, n, args.households, args.seconds, Path(folder))
                print("  " + line, flush=True)
        else:
            print("PostgreSQL: skipped (give --pg URL or set CALLQUEUE_TEST_PG)")


if __name__ == "__main__":
    main()
