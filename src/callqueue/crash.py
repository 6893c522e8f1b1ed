"""Unexpected errors: the details go to a log file, the user gets one plain sentence."""

from __future__ import annotations

import datetime as dt
import traceback
from pathlib import Path


def log_path() -> Path:
    from platformdirs import user_log_path

    return user_log_path("callqueue", appauthor=False) / "callqueue.log"


def record_crash(error: BaseException) -> Path:
    """Append the traceback of `error` to the log; return the log's path."""
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')}\n")
            log.write("".join(traceback.format_exception(error)))
    except OSError:
        pass
    return path
