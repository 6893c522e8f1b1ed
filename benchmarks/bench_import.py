"""Benchmark: import a 100,000-line billing export (target: at least 10,000 lines/s).

Writes a GBK CSV the way Excel saves it in China (Chinese headers, `6栋`, `1203室`,
`2026年7月`, thousands separators), imports it into a fresh SQLite file (and PostgreSQL
when CALLQUEUE_TEST_PG is set), then imports it again (the idempotent re-import path).

    .venv/bin/python benchmarks/bench_import.py [--lines 100000]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import tempfile
import time
import uuid
from pathlib import Path

from callqueue.ledger.importer import import_ledger
from callqueue.store.database import open_store

AT = dt.datetime(2026, 11, 27, 10, 30)
HEADER = ["楼栋", "单元", "房号", "业主姓名", "联系电话", "建筑面积", "费用项目", "账期",
          "应收金额", "已收金额", "欠费金额", "应缴日期"]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华"


def write_export(path: Path, lines: int, seed: int = 1) -> None:
    """`lines` charge lines: 12 months of property fee and electricity per household."""
    rng = random.Random(seed)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    households = lines // 24 + 1
    written = 0
    for n in range(households):
        building, unit = 6 + n // 240, 1 + (n // 120) % 2
        room = f"{1 + (n // 4) % 30}{1 + n % 4:02d}"
        owner = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN])
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        area = rng.randrange(6000, 16000)
        for month in range(1, 13):
            for fee in ("物业费", "电费"):
                if written == lines:
                    break
                due = area * 28 // 10 if fee == "物业费" else rng.randrange(8000, 45000)
                paid = due if rng.random() < 0.6 else 0
                writer.writerow([
                    f"{building}栋", f"{unit}单元", f"{room}室", owner, phone,
                    f"{area // 100}.{area % 100:02d}",
                    fee, f"2026年{month}月", f"{due // 100:,}.{due % 100:02d}",
                    f"{paid // 100}.{paid % 100:02d}",
                    f"{(due - paid) // 100:,}.{(due - paid) % 100:02d}", "",
                ])  # fmt: skip
                written += 1
    path.write_bytes(out.getvalue().encode("gbk"))


def run(url: str, path: Path, lines: int, label: str) -> None:
    store = open_store(url)
    for attempt in ("first import", "re-import"):
        start = time.perf_counter()
        report = import_ledger(store, path, at=AT)
        seconds = time.perf_counter() - start
        assert report.lines == lines
        print(
            f"{label:<10} {attempt:<13} {lines:>8,} lines  {seconds:6.2f} s  "
            f"{lines / seconds:>9,.0f} lines/s"
        )
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export-gbk.csv"
        write_export(path, args.lines)
        print(f"export: {args.lines:,} lines, {path.stat().st_size / 1e6:.1f} MB, GBK")
        run(f"sqlite:///{folder}/bench.db", path, args.lines, "SQLite")
        pg = os.environ.get("CALLQUEUE_TEST_PG")
        if pg:
            from sqlalchemy import create_engine, text

            schema = f"bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(pg, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(text(f"CREATE SCHEMA {schema}"))
            try:
                sep = "&" if "?" in pg else "?"
                run(f"{pg}{sep}options=-csearch_path%3D{schema}", path, args.lines, "PostgreSQL")
            finally:
                with admin.connect() as c:
                    c.execute(text(f"DROP SCHEMA {schema} CASCADE"))


if __name__ == "__main__":
    main()
