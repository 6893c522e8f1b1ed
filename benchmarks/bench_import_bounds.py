"""Benchmark: how fast, and in how little memory, `callqueue import` refuses absurd files.

Each case runs `callqueue import FILE` in a fresh subprocess (so the figures are the
refusal's alone) and reports its wall time, exit status and peak resident memory
(`resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`). Targets: a few seconds, under 300 MB.

    .venv/bin/python benchmarks/bench_import_bounds.py

Cases: a 201 MB file (sparse, on a default 200 MB limit); a 44 MB file over
`--max-size 40`; a real 44 MB workbook of 620,000 bad rows (its XML unpacks past the
limit: before, listing its rows took minutes and over 2 GB); an XLSX of 400 KB whose one
cell unpacks to 390 MB (a zip bomb); an XLSX whose sheet declares a 4 GB size; an XLSX with
a 10 MB cell that does not compress (found by the streaming scan); a CSV line of 10 MB; a
CSV of 200,000 columns.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ledger_files import (  # noqa: E402  (the tests' writers, from the repository)
    HEADER_ZH,
    SHEET,
    SHEET_END,
    SHEET_START,
    declare_size,
    ledger_rows,
    sheet_row,
    write_xlsx,
    xlsx_with_sheet,
)

MIB = 1024 * 1024
CHILD = """
import resource, sys, time
from callqueue.cli import main
started = time.perf_counter()
status = main(sys.argv[1:])
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{status} {elapsed:.3f} {peak:.0f}", file=sys.stdout)
"""


def sparse(path: Path, size: int) -> Path:
    with path.open("wb") as file:
        file.write(",".join(HEADER_ZH).encode() + b"\r\n")
        file.truncate(size)
    return path


def bomb(path: Path) -> Path:
    def sheet() -> Iterator[bytes]:
        yield SHEET_START + sheet_row(1, HEADER_ZH)
        yield b'<row r="2"><c r="D2" t="inlineStr"><is><t>'
        block = b"A" * MIB
        for _ in range(390):
            yield block
        yield b"</t></is></c></row>" + SHEET_END

    return xlsx_with_sheet(path, sheet())


def random_cell(path: Path) -> Path:
    def sheet() -> Iterator[bytes]:
        yield SHEET_START + sheet_row(1, HEADER_ZH)
        yield b'<row r="2"><c r="D2" t="inlineStr"><is><t>'
        for _ in range(10):
            yield os.urandom(MIB // 2).hex().encode()
        yield b"</t></is></c></row>" + SHEET_END

    return xlsx_with_sheet(path, sheet())


def long_line(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as file:
        file.write(",".join(HEADER_ZH) + "\n6栋,1单元,101室,")
        file.write("王" * (10 * MIB))
    return path


def wide(path: Path) -> Path:
    path.write_text(",".join(HEADER_ZH) + ",x" * 200_000 + "\r\n", encoding="utf-8")
    return path


def many_rows(path: Path) -> Path:
    """A real workbook of about 44 MB: 620,000 rows of bad values (unpacked, ~410 MB)."""
    rng = random.Random(44)

    def sheet() -> Iterator[bytes]:
        yield SHEET_START + sheet_row(1, HEADER_ZH)
        for n in range(2, 620_000):
            cells = [
                f"{rng.randint(1, 99)}栋", "2单元", str(rng.randint(100, 3000)),
                f"业主{rng.random():.12f}", f"1{rng.randint(10**9, 10**10 - 1)}", "89.5",
                "物业费", f"2026-{rng.randint(13, 99)}", f"{rng.random() * 1000:.5f}", "0",
                "x", "2026-02-30",
            ]  # fmt: skip
            yield sheet_row(n, cells[: len(HEADER_ZH)])
        yield SHEET_END

    return xlsx_with_sheet(path, sheet())


def declared(path: Path) -> Path:
    return declare_size(write_xlsx(path, ledger_rows(2)), SHEET, 0xFFFF0000)


CASES: list[tuple[str, str, Callable[[Path], Path], list[str]]] = [
    ("201 MB CSV, default limit", "huge.csv", lambda p: sparse(p, 201 * MIB), []),
    ("44 MB CSV, --max-size 40", "big.csv", lambda p: sparse(p, 44 * MIB), ["--max-size", "40"]),
    ("44 MB XLSX, 620,000 rows", "rows.xlsx", many_rows, []),
    ("zip bomb: 390 MB cell", "bomb.xlsx", bomb, []),
    ("XLSX declaring 4 GB", "liar.xlsx", declared, []),
    ("XLSX 10 MB random cell", "cell.xlsx", random_cell, []),
    ("CSV 10 MB line", "line.csv", long_line, []),
    ("CSV 200,000 columns", "wide.csv", wide, []),
]


def main() -> None:
    python = sys.executable
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        db = f"sqlite:///{base}/bench.db"
        print(f"{'case':<28}{'on disk':>12}{'status':>8}{'seconds':>9}{'peak MB':>9}")
        for label, name, make, extra in CASES:
            path = make(base / name)
            started = time.perf_counter()
            done = subprocess.run(
                [python, "-c", CHILD, "import", str(path), "--db", db, *extra],
                capture_output=True,
                text=True,
                check=False,
                cwd=ROOT,
            )
            wall = time.perf_counter() - started
            status, elapsed, peak = done.stdout.split()
            message = done.stderr.strip().splitlines()[0][:100] if done.stderr else ""
            size = f"{path.stat().st_size / MIB:,.1f} MB"
            print(f"{label:<28}{size:>12}{status:>8}{float(elapsed):>9.2f}{peak:>9}")
            print(f"    {message}  (process {wall:.2f} s)")
            path.unlink()
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"largest child peak: {children:.0f} MB")


if __name__ == "__main__":
    main()
