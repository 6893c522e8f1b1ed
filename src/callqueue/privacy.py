"""Personal information shown only as far as the task needs it.

Owners' phone numbers are masked everywhere except for the number being dialled.
"""

from __future__ import annotations


def mask_phone(number: str) -> str:
    """`13812345678` -> `138****5678`; `0755-12345678` -> `0755-****5678`."""
    area, _, local = number.rpartition("-") if number.count("-") == 1 else ("", "", number)
    if len(local) <= 4:
        return number
    keep = 3 if not area and len(local) == 11 else 0
    masked = local[:keep] + "*" * (len(local) - keep - 4) + local[-4:]
    return f"{area}-{masked}" if area else masked
