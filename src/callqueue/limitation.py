"""Limitation periods (诉讼时效): when each charge can no longer be enforced.

A charge's period is three years from its due date (Civil Code art. 188). It restarts on an
evidenced demand (a call or visit that reached the owner, with its note; an SMS, notice or
letter with proof of delivery), on a promise, or on a part payment (art. 195). An
unanswered call restarts nothing. Once a period has run out, a demand no longer revives
it, but the owner's own acknowledgement does: a promise or a payment (art. 192).

Evidence is per household: a demand or promise concerns the household's arrears as a whole.
Nothing here touches the database; the queue feeds it plain records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

# add_years is the clock's; callers (evidence, queue facts, progress risk) import it from here
from callqueue.clock import add_years as add_years


class EvidenceKind(StrEnum):
    DEMAND = "demand"  # reached call or visit with a note; delivered SMS, notice or letter
    PROMISE = "promise"
    PAYMENT = "payment"


@dataclass(frozen=True, slots=True, order=True)
class Evidence:
    day: dt.date
    kind: EvidenceKind

    @property
    def acknowledges(self) -> bool:
        """The owner's own act, which revives even an expired period (art. 192)."""
        return self.kind is not EvidenceKind.DEMAND


class LimitationState(StrEnum):
    RUNNING = "running"
    AT_RISK = "at_risk"  # the deadline is within the warning window
    TIME_BARRED = "time_barred"


def deadline(due: dt.date, evidence: Iterable[Evidence], *, years: int = 3) -> dt.date:
    """The last day the charge due on `due` is enforceable, given the household's evidence.

    `evidence` must be in date order. Evidence before the due date concerns earlier debts.
    """
    end = add_years(due, years)
    for item in evidence:
        if item.day < due:
            continue
        if item.day <= end or item.acknowledges:
            end = max(end, add_years(item.day, years))
    return end


def state_on(end: dt.date, today: dt.date, *, warn_days: int) -> LimitationState:
    """Whether a charge with deadline `end` is running, at risk, or time-barred on `today`."""
    if end < today:
        return LimitationState.TIME_BARRED
    if (end - today).days <= warn_days:
        return LimitationState.AT_RISK
    return LimitationState.RUNNING


def is_demand_evidence(
    *, channel: str, outcome: str, reached: bool, has_note: bool, has_proof: bool
) -> bool:
    """Whether a contact proves a demand reached the owner (the law's 'evidenced demand')."""
    if not reached:
        return False
    if channel == "call":
        return has_note  # a reached call counts with its note: that is the evidence
    if channel == "visit":
        return True
    return outcome == "delivered" and has_proof  # SMS, notice, letter: proof of delivery
