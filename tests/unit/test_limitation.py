"""Limitation deadlines move only on evidence, and only as the Civil Code says."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callqueue.limitation import (
    Evidence,
    EvidenceKind,
    LimitationState,
    add_years,
    deadline,
    is_demand_evidence,
    state_on,
)

D = dt.date
DEMAND, PROMISE, PAYMENT = EvidenceKind.DEMAND, EvidenceKind.PROMISE, EvidenceKind.PAYMENT


@pytest.mark.parametrize(
    ("due", "evidence", "expected"),
    [
        (D(2023, 10, 31), [], D(2026, 10, 31)),
        (D(2024, 2, 29), [], D(2027, 2, 28)),
        (D(2023, 10, 31), [(D(2025, 1, 10), DEMAND)], D(2028, 1, 10)),
        (D(2023, 10, 31), [(D(2023, 9, 1), DEMAND)], D(2026, 10, 31)),  # before due: nothing
        (D(2023, 10, 31), [(D(2024, 1, 1), DEMAND), (D(2025, 6, 1), PAYMENT)], D(2028, 6, 1)),
        # after expiry a demand revives nothing…
        (D(2020, 1, 31), [(D(2023, 3, 1), DEMAND)], D(2023, 1, 31)),
        # …but the owner's promise or payment does (art. 192)
        (D(2020, 1, 31), [(D(2023, 3, 1), PROMISE)], D(2026, 3, 1)),
        (D(2020, 1, 31), [(D(2023, 3, 1), DEMAND), (D(2023, 4, 1), PAYMENT)], D(2026, 4, 1)),
        # a chain of demands each inside the running period
        (D(2018, 1, 31), [(D(2020, 6, 1), DEMAND), (D(2023, 5, 1), DEMAND)], D(2026, 5, 1)),
    ],
)
def test_deadline(
    due: dt.date, evidence: list[tuple[dt.date, EvidenceKind]], expected: dt.date
) -> None:
    assert deadline(due, [Evidence(day, kind) for day, kind in evidence]) == expected


@pytest.mark.parametrize(
    ("end", "today", "state"),
    [
        (D(2026, 12, 31), D(2026, 11, 27), LimitationState.AT_RISK),
        (D(2027, 2, 25), D(2026, 11, 27), LimitationState.AT_RISK),  # 90 days
        (D(2027, 2, 26), D(2026, 11, 27), LimitationState.RUNNING),  # 91 days
        (D(2026, 11, 27), D(2026, 11, 27), LimitationState.AT_RISK),  # the last day
        (D(2026, 11, 26), D(2026, 11, 27), LimitationState.TIME_BARRED),
    ],
)
def test_state_on(end: dt.date, today: dt.date, state: LimitationState) -> None:
    assert state_on(end, today, warn_days=90) is state


@pytest.mark.parametrize(
    ("channel", "outcome", "reached", "note", "proof", "evidence"),
    [
        ("call", "no_answer", False, False, False, False),  # an unanswered call: nothing
        ("call", "promise", True, True, False, True),
        ("call", "refused", True, False, False, False),  # no note: no evidence
        ("visit", "refused", True, False, False, True),
        ("visit", "not_home", False, False, False, False),
        ("sms", "sent", False, False, False, False),
        ("letter", "delivered", True, False, True, True),
        ("letter", "delivered", True, False, False, False),  # no proof of delivery
        ("notice", "delivered", True, False, True, True),
    ],
)
def test_what_counts_as_a_demand(
    channel: str, outcome: str, reached: bool, note: bool, proof: bool, evidence: bool
) -> None:
    found = is_demand_evidence(
        channel=channel, outcome=outcome, reached=reached, has_note=note, has_proof=proof
    )
    assert found is evidence


days = st.dates(min_value=D(2015, 1, 1), max_value=D(2030, 12, 31))
evidence_lists = st.lists(
    st.builds(Evidence, days, st.sampled_from(list(EvidenceKind))), max_size=8
)


@given(days, evidence_lists)
def test_deadline_only_moves_on_evidence(due: dt.date, evidence: list[Evidence]) -> None:
    evidence.sort()
    end = deadline(due, evidence)
    assert end >= add_years(due, 3)  # evidence never shortens a period
    if end != add_years(due, 3):  # it moved: some evidence on or after the due date did it
        assert any(e.day >= due and add_years(e.day, 3) == end for e in evidence)
    # more evidence never shortens it either
    later = [*evidence, Evidence(D(2031, 1, 1), EvidenceKind.DEMAND)]
    assert deadline(due, later) >= end
