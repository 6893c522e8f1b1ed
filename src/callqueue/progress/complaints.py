"""Complaints of the scope by category and age, for the monthly review.

Why: owners withhold fees over complaints, so a leader needs to see which kinds pile up
and how long they have waited. A complaint counts as waiting at the moment when it was
opened by then and not closed by then (closed: the owner has been told the result); its
age is in whole days since it was opened. Statuses are as stored now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqueue.store.models import Building, Complaint, ComplaintStatus, Household, table_of

H, B, Q = table_of(Household).c, table_of(Building).c, table_of(Complaint).c

AGE_BUCKETS = ((0, 3), (4, 7), (8, 30), (31, None))  # days, inclusive


def bucket_label(bucket: tuple[int, int | None]) -> str:
    low, high = bucket
    return f"{low}-{high}" if high is not None else f"{low}+"


@dataclass
class CategoryRow:
    category: str
    waiting: int = 0
    by_age: list[int] = field(default_factory=lambda: [0] * len(AGE_BUCKETS))
    in_progress: int = 0
    resolved_not_told: int = 0  # handled; the owner still has to be told
    disputes: int = 0  # waiting and pausing collection
    opened_this_month: int = 0
    closed_this_month: int = 0
    oldest_days: int | None = None


def complaint_rows(
    session: Session, buildings: Collection[str], since: dt.datetime, until: dt.datetime
) -> list[CategoryRow]:
    """One row per category with any complaint waiting or opened or closed in [since, until]."""
    query = (
        select(Q.category, Q.status, Q.opened_at, Q.closed_at, Q.pauses_collection)
        .join(table_of(Household), H.id == Q.household_id)
        .join(table_of(Building), B.id == H.building_id)
        .where(B.code.in_(sorted(buildings)), Q.opened_at <= until)
    )
    rows: dict[str, CategoryRow] = {}
    for category, status, opened_at, closed_at, pauses in session.execute(query):
        row = rows.setdefault(category, CategoryRow(category))
        if opened_at >= since:
            row.opened_this_month += 1
        if closed_at is not None and since <= closed_at <= until:
            row.closed_this_month += 1
        if closed_at is not None and closed_at <= until:
            continue
        if status == ComplaintStatus.CLOSED and closed_at is None:
            continue  # closed without a date: not waiting
        row.waiting += 1
        age = (until.date() - opened_at.date()).days
        row.oldest_days = max(row.oldest_days or 0, age)
        for index, (low, high) in enumerate(AGE_BUCKETS):
            if age >= low and (high is None or age <= high):
                row.by_age[index] += 1
        if status == ComplaintStatus.IN_PROGRESS:
            row.in_progress += 1
        elif status == ComplaintStatus.RESOLVED:
            row.resolved_not_told += 1
        if pauses and status in (ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS):
            row.disputes += 1
    return sorted(rows.values(), key=lambda r: (-r.waiting, r.category))
