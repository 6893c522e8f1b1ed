"""Splitting a project-wide amount over buildings, exactly to the fen.

Why: leaders are measured per building, but the source plan (and the demo) gives one
target for the whole project. Each building gets its share in proportion to its arrears at
plan start; shares are rounded down to the fen and the fen left over go, one each, to the
largest remainders (ties: the building that sorts first), so the parts always add up to
the whole.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

K = TypeVar("K", bound=Hashable)


def split_largest_remainder(
    total: int, weights: Mapping[K, int], *, order: Callable[[K], Any] | None = None
) -> dict[K, int]:
    """`total` (integer fen, ≥ 0) split in proportion to `weights` (≥ 0), summing exactly.

    With no weight at all (no building owed anything), every key gets an equal share.
    `order` sorts keys for ties (default: the keys themselves).
    """
    if total < 0:
        raise ValueError(f"cannot split a negative amount ({total})")
    if any(w < 0 for w in weights.values()):
        raise ValueError("weights must not be negative")
    if not weights:
        if total:
            raise ValueError("nothing to split the amount over")
        return {}
    keys = sorted(weights, key=order) if order else sorted(weights)  # type: ignore[type-var]
    weight = {k: weights[k] for k in keys}
    whole = sum(weight.values())
    if whole == 0:
        weight = dict.fromkeys(keys, 1)
        whole = len(keys)
    shares = {k: total * w // whole for k, w in weight.items()}
    left = total - sum(shares.values())
    by_remainder = sorted(range(len(keys)), key=lambda i: (-(total * weight[keys[i]] % whole), i))
    for i in by_remainder[:left]:
        shares[keys[i]] += 1
    return shares
