"""The tests' clock for entry times.

On a shared database callqueue keeps when a record was really entered (the machine's clock,
never `--at`: `callqueue.entry_time`). Tests pin their moments to fixed days (2026-11-27),
so on PostgreSQL the real clock would make their outcome depend on the day the suite runs.
In tests the entry time is the command's moment (`command_clock`, put in place by the
autouse fixture in tests/conftest.py, and by `follow_command_clock` in spawned processes);
the tests of the rule itself are marked `real_entry_clock` and keep the machine's clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def command_clock(session: Any, now: dt.datetime) -> dt.datetime:
    """`entry_time.entered_at` as in a single-user file: the command's moment."""
    del session
    return now


def follow_command_clock() -> None:
    """For a spawned process: entry times follow the command's moment from now on."""
    from callqueue import entry_time

    entry_time.entered_at = command_clock
