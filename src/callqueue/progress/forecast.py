"""What open promises are likely to bring in, weighted by each household's record.

Why weighted: a promise from an owner who kept the last three is worth more than one from
an owner who broke them. A household's weight is its promise-keeping rate, shrunk towards
the scope's rate so that one or two promises do not decide it:

    weight = (kept + 2 × prior) / (kept + broken + 2)

where kept and broken count the household's earlier promises as they stood at the moment
(an open promise past its date plus the grace days counts as broken; cancelled ones are
left out), and the prior is the whole project's kept / (kept + broken), or 1/2 when nobody has
a record yet. A household with no record therefore gets the prior.

Only a promise that is open at the moment and falls due by the end of the month counts.
Its amount (the whole of what is left when the promise names none) is capped at what the
household still owes of its plan-start arrears and spread over fee types in proportion to
what it owes of each (largest remainder, exact to the fen). Expected amounts are rounded
half up to the fen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction

from callqueue.plan.split import split_largest_remainder
from callqueue.progress.data import HouseholdData, PromiseRow
from callqueue.progress.statuses import open_promise
from callqueue.store.models import PromiseStatus

PRIOR_WEIGHT = 2  # the prior counts as this many promises
NO_RECORD_PRIOR = Fraction(1, 2)


def promise_record(record: HouseholdData, moment: dt.datetime, grace_days: int) -> tuple[int, int]:
    """(kept, broken) of the household's promises settled by `moment`."""
    return _count(record.promises, moment, grace_days)


def _count(promises: Iterable[PromiseRow], moment: dt.datetime, grace_days: int) -> tuple[int, int]:
    kept = broken = 0
    last = dt.timedelta(days=grace_days)
    for promise in promises:
        state = promise.status_at(moment)
        if state == PromiseStatus.KEPT:
            kept += 1
        elif state == PromiseStatus.BROKEN or (
            state == PromiseStatus.OPEN and promise.promised_date + last < moment.date()
        ):
            broken += 1
    return kept, broken


def project_prior(kept: int, broken: int) -> Fraction:
    """The project's promise-keeping rate (`progress.data.promise_counts`): the prior of
    every household's weight; 1/2 when no promise has been settled yet."""
    return Fraction(kept, kept + broken) if kept + broken else NO_RECORD_PRIOR


def keeping_weight(kept: int, broken: int, prior: Fraction) -> Fraction:
    return (kept + PRIOR_WEIGHT * prior) / (kept + broken + PRIOR_WEIGHT)


def round_fen(value: Fraction) -> int:
    """Half up, to the fen (values are never negative)."""
    return int((value * 2 + 1) // 2)


def expected_from_promise(
    record: HouseholdData,
    moment: dt.datetime,
    grace_days: int,
    by: dt.date,
    prior: Fraction,
) -> tuple[dict[str, int], dict[str, int]]:
    """(expected, promised) fen per fee type from the household's open promise due by `by`."""
    found = open_promise(record, moment, grace_days)
    left = record.left
    if found is None or left <= 0 or found[1] > by:
        return {}, {}
    amount = found[2]
    promised = left if amount is None else min(amount, left)
    kept, broken = promise_record(record, moment, grace_days)
    expected = round_fen(promised * keeping_weight(kept, broken, prior))
    owed = {fee: record.start[fee] - record.collected.get(fee, 0) for fee in record.start}
    owed = {fee: amount for fee, amount in owed.items() if amount > 0}
    return split_largest_remainder(expected, owed), split_largest_remainder(promised, owed)
