"""A process to be killed with `kill -9` inside a write transaction (see test_kill.py).

    python -m tests.concurrency.crash import  URL SIGNAL TABLE FILE
    python -m tests.concurrency.crash payment URL SIGNAL TABLE KEY AMOUNT STAFF

It runs a real import or payment save, with one hook: the moment the transaction is about
to insert into TABLE (everything before that already written, uncommitted), the process
writes the SIGNAL file and sleeps, so the parent's kill lands inside the transaction every
time, never before it started or after it committed. No code in callqueue knows about it:
the hook is an engine event installed here.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import event

AT = dt.datetime(2026, 11, 27, 10, 30)


def pause_before_insert(engine: Any, table: str, signal: Path) -> None:
    pattern = re.compile(rf'^\s*INSERT INTO "?{re.escape(table)}"?\b', re.IGNORECASE)

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if pattern.match(statement):
            # Written aside, then renamed: the parent, which waits for the file to exist,
            # must never find it created but still empty.
            partial = signal.with_name(signal.name + ".part")
            partial.write_text(statement[:80], encoding="utf-8")
            partial.replace(signal)
            time.sleep(600)  # the parent kills us here
            raise SystemExit("not killed")

    event.listen(engine, "before_cursor_execute", before)


def main(argv: list[str]) -> None:
    from callqueue.store.database import open_store

    kind, url, signal, table, *rest = argv
    store = open_store(url, migrate=False)
    pause_before_insert(store.engine, table, Path(signal))
    if kind == "import":
        from callqueue.ledger.importer import import_ledger

        import_ledger(store, Path(rest[0]), at=AT)
    elif kind == "payment":
        sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
        from callqueue.policy import DEFAULT_POLICY
        from tests.entry_clock import follow_command_clock

        follow_command_clock()  # the tests' fixed clock (tests/entry_clock.py)
        from callqueue.recording.entries import PaymentEntry
        from callqueue.recording.save import record_payment

        key, amount, staff = rest
        entry = PaymentEntry(key, staff, AT, Decimal(amount), "cash", "SK-KILL-9")
        record_payment(store, entry, now=AT, policy=DEFAULT_POLICY)
    else:
        raise SystemExit(f"unknown kind {kind!r}")
    raise SystemExit("finished without pausing")


if __name__ == "__main__":
    main(sys.argv[1:])
