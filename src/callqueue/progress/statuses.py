"""One status per household, for counting a building and colouring its map.

Why one: a leader planning door-to-door rounds needs each flat in exactly one box, and
the counts must add up to the households in the plan. A household is in the plan when it
owed something at plan start; its status is the first of these that holds at the report's
moment, looking only at what happened since plan start:

1. paid             its arrears at plan start are all collected
2. disputed         a complaint that pauses collection is open (收费争议)
3. promised         a promise is open and its date (plus the grace days) has not passed
4. promise_broken   its latest promise was not kept by its date plus the grace days
5. refused          the latest conversation (a call or visit that reached the owner) was a refusal
6. reached          spoken to, but no promise and no refusal yet (will pay, call back, hardship…)
7. unreachable      called or visited, never reached
8. not_contacted    no call or visit yet

A household that owed nothing at plan start is `clear` on the map and counted nowhere.
Promise statuses are read as they were at the moment (a promise kept later was open then);
complaint statuses are as stored now.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from callqueue.i18n import pgettext
from callqueue.progress.data import HouseholdData
from callqueue.store.models import ContactOutcome, PromiseStatus


class Status(StrEnum):
    PAID = "paid"
    DISPUTED = "disputed"
    PROMISED = "promised"
    PROMISE_BROKEN = "promise_broken"
    REFUSED = "refused"
    REACHED = "reached"
    UNREACHABLE = "unreachable"
    NOT_CONTACTED = "not_contacted"
    CLEAR = "clear"  # owed nothing at plan start: not in the plan


PLAN_STATUSES = tuple(s for s in Status if s is not Status.CLEAR)


def status_label(status: str) -> str:
    """The status in words, in the current language."""
    labels = {
        Status.PAID: pgettext("household status", "paid"),
        Status.DISPUTED: pgettext("household status", "disputed"),
        Status.PROMISED: pgettext("household status", "promised"),
        Status.PROMISE_BROKEN: pgettext("household status", "promise broken"),
        Status.REFUSED: pgettext("household status", "refused"),
        Status.REACHED: pgettext("household status", "reached, no promise"),
        Status.UNREACHABLE: pgettext("household status", "unreachable"),
        Status.NOT_CONTACTED: pgettext("household status", "not yet contacted"),
        Status.CLEAR: pgettext("household status", "nothing owed at plan start"),
    }
    try:
        return labels[Status(status)]
    except ValueError:
        return status


def open_promise(
    record: HouseholdData, moment: dt.datetime, grace_days: int
) -> tuple[int, dt.date, int | None] | None:
    """The household's open promise at `moment` (id, date, amount in fen), if any."""
    last = dt.timedelta(days=grace_days)
    for promise in reversed(record.promises):
        state = promise.status_at(moment)
        if state == PromiseStatus.OPEN and promise.promised_date + last >= moment.date():
            return promise.id, promise.promised_date, promise.amount
    return None


def status_of(
    record: HouseholdData, moment: dt.datetime, plan_start: dt.datetime, grace_days: int
) -> Status:
    """The household's one status at `moment` (see the module's precedence)."""
    if record.start_total <= 0:
        return Status.CLEAR
    if record.left <= 0:
        return Status.PAID
    if record.disputed_since is not None:
        return Status.DISPUTED
    if open_promise(record, moment, grace_days) is not None:
        return Status.PROMISED
    recent = [
        p
        for p in record.promises
        if p.made_at >= plan_start and p.status_at(moment) != PromiseStatus.CANCELLED
    ]
    if recent and recent[-1].status_at(moment) != PromiseStatus.KEPT:
        return Status.PROMISE_BROKEN  # not open (checked above), not kept: broken
    if record.last_conversation is not None:
        if record.last_conversation == ContactOutcome.REFUSED:
            return Status.REFUSED
        return Status.REACHED
    if record.attempts:
        return Status.UNREACHABLE
    return Status.NOT_CONTACTED
