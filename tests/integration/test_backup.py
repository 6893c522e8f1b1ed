"""`callqueue db backup FILE`: a copy of the SQLite file taken while another connection
writes, which opens, passes `PRAGMA integrity_check` and holds one consistent moment."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

from callqueue.cli import main
from callqueue.store.database import Store, open_store


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--lang", "en"])
    out, err = capsys.readouterr()
    return code, out, err


def test_backup_while_another_connection_writes(
    capsys: pytest.CaptureFixture[str], demo_store: Store, tmp_path: Path
) -> None:
    live = Path(demo_store.url.removeprefix("sqlite:///"))
    with closing(sqlite3.connect(live)) as setup:
        setup.execute("CREATE TABLE scratch (id INTEGER PRIMARY KEY, batch INTEGER, note TEXT)")
        setup.commit()
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        """Batches of ten rows, each batch one transaction: a consistent copy has whole batches."""
        with closing(sqlite3.connect(live, timeout=10)) as connection:
            batch = 0
            while not stop.is_set() and batch < 5000:
                with connection:
                    connection.executemany(
                        "INSERT INTO scratch (batch, note) VALUES (?, ?)",
                        [(batch, "x" * 200)] * 10,
                    )
                written.append(batch)
                batch += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:  # the writer is going
            time.sleep(0.01)
        copy = tmp_path / "backups" / "callqueue-copy.db"
        code, out, err = run(capsys, "db", "backup", str(copy), "--db", str(live))
        writes_during = len(written)
    finally:
        stop.set()
        thread.join()
    assert code == 0, err
    assert "integrity ok" in out and str(copy) in out
    assert not copy.with_name(copy.name + ".partial").exists()
    assert not Path(f"{copy}-wal").exists()  # one self-contained file
    with closing(sqlite3.connect(copy)) as check:
        assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert check.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        rows, batches = check.execute(
            "SELECT count(*), count(DISTINCT batch) FROM scratch"
        ).fetchone()
        assert rows == 10 * batches  # whole transactions only
        assert 20 <= batches <= writes_during + 1
    reopened = open_store(str(copy))  # callqueue opens it: the schema is at head
    reopened.close()
    code, out, err = run(capsys, "summary", "--db", str(copy), "--at", "2026-11-27T10:30")
    assert code == 0 and "360 households" in out, err


def test_backup_refusals(
    capsys: pytest.CaptureFixture[str], demo_store: Store, tmp_path: Path
) -> None:
    live = demo_store.url.removeprefix("sqlite:///")
    target = tmp_path / "copy.db"
    target.write_text("an earlier copy")
    code, _out, err = run(capsys, "db", "backup", str(target), "--db", live)
    assert code == 1 and "exists" in err and target.read_text() == "an earlier copy"
    code, out, _err = run(capsys, "db", "backup", str(target), "--db", live, "--force")
    assert code == 0 and "integrity ok" in out
    code, _out, err = run(capsys, "db", "backup", live, "--db", live, "--force")
    assert code == 1 and "cannot replace the database itself" in err
    code, _out, err = run(capsys, "db", "backup", "--db", live)
    assert code == 1 and "needs the FILE" in err
    code, _out, err = run(
        capsys, "db", "backup", str(target), "--db", "postgresql+psycopg://u@localhost/x"
    )
    assert code == 1 and "pg_dump" in err
