"""Exact money: yuan as Decimal with two places, stored as integer fen.

Floats never touch an amount. Every amount that enters the core goes through `yuan()`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def yuan(value: Decimal | int | str) -> Decimal:
    """An exact amount in yuan with two decimal places (refuses floats)."""
    if isinstance(value, float):  # pragma: no cover - a programming error, not user input
        raise TypeError("money must not be a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def to_fen(amount: Decimal) -> int:
    """Integer fen for an amount in yuan; refuses amounts finer than a fen."""
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"amount {amount} is finer than one fen")
    return int(fen)


def from_fen(fen: int) -> Decimal:
    """Yuan with two places from integer fen."""
    return (Decimal(fen) / 100).quantize(CENT)


def format_yuan(amount: Decimal) -> str:
    """`12,345.60`: thousands separators, always two places."""
    return f"{amount:,.2f}"
