"""Benchmark: the progress report (issue 5) on a 50,000-household demo.

Targets: one building's report under 0.5 s, the whole project's under 3 s (median). The
demo is built once (about a minute) and reused from the file given by --db, so runs can be
repeated; the report only reads. Also timed: the building map and the workbook.

    .venv/bin/python benchmarks/bench_report.py [--db /tmp/callqueue-bench-report-50000.db]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from callqueue.demo import DEMO_MANAGER, fill_demo
from callqueue.policy import DEFAULT_POLICY
from callqueue.progress.building_map import building_map
from callqueue.progress.export import report_json
from callqueue.progress.report import build_report
from callqueue.progress.scope import narrow_to_building, scope_for_staff
from callqueue.progress.workbook import write_workbook
from callqueue.store.database import Store, open_store

AT = dt.datetime(2026, 11, 27, 10, 30)
HOUSEHOLDS = 50_000
RUNS = 7


def demo_store(path: Path) -> Store:
    store = open_store(f"sqlite:///{path}")
    with store.engine.connect() as connection:
        count = connection.execute(text("SELECT COUNT(*) FROM households")).scalar_one()
    if count == 0:
        start = time.perf_counter()
        fill_demo(store, households=HOUSEHOLDS, seed=2018, today=AT)
        print(f"built the demo in {time.perf_counter() - start:.1f} s: {path}")
    else:
        print(f"reusing {path} ({count:,} households)")
    return store


def median(action: Callable[[], object], runs: int = RUNS) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path("/tmp/callqueue-bench-report-50000.db"))
    args = parser.parse_args()
    store = demo_store(args.db)
    with store.session() as session:
        whole = scope_for_staff(session, DEMO_MANAGER)
        one = narrow_to_building(whole, "6")

        def run(scope: object) -> Callable[[], object]:
            return lambda: build_report(session, scope, AT, DEFAULT_POLICY)  # type: ignore[arg-type]

        building = median(run(one))
        project = median(run(whole))
        report = build_report(session, whole, AT, DEFAULT_POLICY)
        mapped = median(lambda: building_map(session, one, "6", AT, DEFAULT_POLICY))
        as_json = median(lambda: report_json(report))
        with tempfile.TemporaryDirectory() as folder:
            book = median(lambda: write_workbook(report, Path(folder) / "r.xlsx"), runs=3)
    in_plan = sum(report.statuses.values())
    print(f"{len(whole.buildings)} buildings, {in_plan:,} households in the plan")
    print(f"one building's report   {building * 1000:8.1f} ms (median of {RUNS})")
    print(f"whole project's report  {project * 1000:8.1f} ms (median of {RUNS})")
    print(f"one building's map      {mapped * 1000:8.1f} ms")
    print(f"the report as JSON data {as_json * 1000:8.1f} ms (after the report)")
    print(f"the workbook            {book * 1000:8.1f} ms (after the report)")
    store.close()


if __name__ == "__main__":
    main()
