"""When a record happened, when it was typed in, and how far apart the two may be.

A contact, promise, payment, complaint update or letter restarts a limitation period from
the day it *happened* (its event time: `--at`, the form's time). That date is evidence, so
callqueue also keeps when it was *entered*: the machine's real clock on a shared database,
never `--at` (which stays a test clock for one person's own file, where both are the same).

The rule between them, checked in the save's transaction:
- an event in the future (after its entry) is refused for everyone;
- a collector may enter what happened up to 7 days ago;
- a team leader or a manager up to 30 days ago, with a reason, kept in the audit row.
Older events are refused: a demand "delivered in 2024" typed today would restart a period
that may have run out, and is exactly what a court would doubt.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from callqueue import clock
from callqueue.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

COLLECTOR_LATE_DAYS = 7
LEADER_LATE_DAYS = 30
# Session.info keys: a write transaction's entry time and late-entry reason, set once by the
# save's checks and put on every row and audit row the transaction writes.
ENTERED_KEY = "callqueue_entered_at"
LATE_REASON_KEY = "callqueue_late_reason"


def real_now() -> dt.datetime:
    """The machine's clock (CST), whatever `--at` says."""
    return clock.now()


def entered_at(session: Session, now: dt.datetime) -> dt.datetime:
    """When a record is entered: the real clock on a shared database, else the command's
    moment `now` (one person's file: `--at` pins every time in tests and demos)."""
    from callqueue.auth import shared_in

    return real_now() if shared_in(session) else now


def lateness_problem(
    at: dt.datetime, entered: dt.datetime, role: str | None, late_reason: str | None
) -> str | None:
    """Why an event at `at` may not be entered at `entered` by `role`, or None.

    `role` None is the owner of a single-user file, where both times are the command's.
    """
    if at > entered:
        return _("{at} is in the future (it is now {now})").format(
            at=f"{at:%Y-%m-%d %H:%M}", now=f"{entered:%Y-%m-%d %H:%M}"
        )
    late = entered - at
    if role is None or late <= dt.timedelta(days=COLLECTOR_LATE_DAYS):
        return None
    if role == "collector":
        return _(
            "{at} is more than {days} days ago; a collector enters what happened within "
            "{days} days (a team leader may enter it, with a reason)"
        ).format(at=f"{at:%Y-%m-%d %H:%M}", days=COLLECTOR_LATE_DAYS)
    if late > dt.timedelta(days=LEADER_LATE_DAYS):
        return _("{at} is more than {days} days ago; nothing that old can be entered").format(
            at=f"{at:%Y-%m-%d %H:%M}", days=LEADER_LATE_DAYS
        )
    if not (late_reason or "").strip():
        return _(
            "{at} is more than {days} days ago: say why it is entered late (--late-reason)"
        ).format(at=f"{at:%Y-%m-%d %H:%M}", days=COLLECTOR_LATE_DAYS)
    return None
