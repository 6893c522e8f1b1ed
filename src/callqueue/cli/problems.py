"""Which problems are the user's, which the machine's, and which are bugs: one sentence each.

The CLI's last word on any error. A user's input gets exit 1, the machine (permissions, a
read-only database, a full disk, a damaged or missing file) exit 3 with what to do, and only
a real bug says "not your fault", with the log's path, exit 70. No library's trace or help
link reaches the user: the driver's own sentence is kept, SQLAlchemy's background URL is not.
"""

from __future__ import annotations

import errno
from typing import NamedTuple

from callqueue.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_BUG,
    EXIT_ENVIRONMENT,
    EnvironmentProblem,
    UserError,
)
from callqueue.i18n import _

# The SQLite and PostgreSQL sentences of a database that refuses for the machine's sake.
_DATABASE_ENVIRONMENT = {
    "readonly": "read-only",
    "read-only": "read-only",
    "disk is full": "full",
    "disk full": "full",
    "no space left": "full",
    "unable to open": "unreachable",
    "disk i/o error": "damaged",
    "malformed": "damaged",
    "not a database": "damaged",
    "connection refused": "unreachable",
    "could not connect": "unreachable",
    "connection failed": "unreachable",
    "server closed the connection": "unreachable",
    "database is locked": "busy",
    "permission denied": "read-only",
}


class Problem(NamedTuple):
    status: int
    message: str


def describe(error: BaseException) -> Problem:
    """The exit status and the one sentence for `error` (a bug is logged first)."""
    from callqueue.store.database import DatabaseError

    if isinstance(error, UserError):
        return Problem(EXIT_BAD_INPUT, str(error))
    if isinstance(error, EnvironmentProblem | DatabaseError):
        return Problem(EXIT_ENVIRONMENT, str(error))
    if isinstance(error, OSError):
        return Problem(EXIT_ENVIRONMENT, os_error_text(error))
    database = database_error_text(error)
    if database is not None:
        return Problem(EXIT_ENVIRONMENT, database)
    if isinstance(error, MemoryError):
        return Problem(
            EXIT_ENVIRONMENT,
            _("this machine ran out of memory; nothing half-done was saved. Close other "
              "programs, or split the file, and try again"),
        )  # fmt: skip
    from callqueue.crash import record_crash

    log = record_crash(error)
    return Problem(
        EXIT_BUG,
        _(
            "something went wrong that is not your fault ({error}). Nothing half-done "
            "was saved. Details are in {log}; please send it to support."
        ).format(error=type(error).__name__, log=log),
    )


def os_error_text(error: OSError) -> str:
    """A file the machine would not let us read or write, in words, with what to do."""
    name = error.filename if error.filename is not None else ""
    what = str(name) if name else _("a file")
    if error.errno == errno.ENOSPC or error.errno == errno.EDQUOT:
        return _("the disk is full while writing {file}; nothing half-done was kept. Free "
                 "some space and try again").format(file=what)  # fmt: skip
    if isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EPERM):
        return _("no permission to use {file}; ask whoever looks after this machine, or "
                 "choose another place").format(file=what)  # fmt: skip
    if error.errno == errno.EROFS:
        return _("{file} is on a read-only disk; choose another place").format(file=what)
    if isinstance(error, FileNotFoundError):
        return _("{file} does not exist").format(file=what)
    if isinstance(error, IsADirectoryError):
        return _("{file} is a folder, not a file").format(file=what)
    reason = error.strerror or type(error).__name__
    return _("cannot use {file}: {reason}").format(file=what, reason=reason)


def database_error_text(error: BaseException) -> str | None:
    """The sentence for a database that refused for the machine's sake, or None (a bug)."""
    try:
        from sqlalchemy.exc import DBAPIError
    except ImportError:  # pragma: no cover - SQLAlchemy is a dependency
        return None
    if not isinstance(error, DBAPIError):
        return None
    from callqueue.store.database import driver_text

    driver = driver_text(error)
    lowered = driver.lower()
    kind = next((k for text, k in _DATABASE_ENVIRONMENT.items() if text in lowered), None)
    if kind is None and not isinstance(error.orig, OSError):
        return None
    texts = {
        "read-only": _("the database is read-only for this account ({reason}); nothing was "
                       "saved. Ask whoever looks after the database for write access"),
        "full": _("the database's disk is full ({reason}); nothing half-done was saved. Free "
                  "some space and try again"),
        "unreachable": _("cannot reach the database ({reason}); check the server and the "
                         "--db address, then try again"),
        "damaged": _("the database file is damaged ({reason}); restore it from a backup "
                     "(callqueue db backup makes one)"),
        "busy": _("the database stayed busy with another writer ({reason}); nothing was "
                  "saved. Try again in a moment"),
    }  # fmt: skip
    return texts.get(kind or "unreachable", texts["unreachable"]).format(reason=driver)
