"""Cumulative rates derived from amounts, and where a typed rate disagrees.

Why: plans are typed by hand and their percentages slip (the source plan types 58.93% for
35,000 + 45,000 of 152,700, which is 52.39%). The amounts are the plan; a rate is always
cumulative amount / arrears at plan start, rounded half up to two places, and a typed rate
that is not that number is flagged, never used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from callqueue.money import from_fen, to_fen

HUNDREDTH = Decimal("0.01")


def rate_percent(part: int, whole: int) -> Decimal | None:
    """`part / whole` as a percentage with two places (half up); None when `whole` is 0."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(HUNDREDTH, ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class RateRow:
    """One month of one fee type (one building or the project), rates derived."""

    month: str
    amount: Decimal
    cumulative: Decimal
    baseline: Decimal
    rate: Decimal | None  # cumulative / baseline, percent; None without a baseline
    typed_rate: Decimal | None
    line: int | None = None

    @property
    def disagrees(self) -> bool:
        """The typed rate is not what the amounts give (rounded to two places)."""
        return (
            self.typed_rate is not None and self.rate is not None and self.typed_rate != self.rate
        )

    @property
    def difference(self) -> Decimal | None:
        """Typed minus derived, in percentage points."""
        if self.typed_rate is None or self.rate is None:
            return None
        return self.typed_rate - self.rate


def derive_rates(
    months: Iterable[tuple[str, Decimal, Decimal | None, int | None]], baseline: Decimal
) -> list[RateRow]:
    """Rates for (month, amount, typed rate, line) rows of one fee type, in month order."""
    base = to_fen(baseline)
    total = 0
    rows: list[RateRow] = []
    for month, amount, typed, line in sorted(months, key=lambda m: m[0]):
        total += to_fen(amount)
        rows.append(
            RateRow(
                month=month,
                amount=amount,
                cumulative=from_fen(total),
                baseline=baseline,
                rate=rate_percent(total, base),
                typed_rate=typed,
                line=line,
            )
        )
    return rows
