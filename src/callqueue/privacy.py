"""Personal information shown only as far as the task needs it.

Owners' phone numbers are masked everywhere except for the number being dialled.
"""

from __future__ import annotations

import re
from typing import Any

_PHONE = re.compile(r"^(?:(?P<area>0\d{2,3})-)?(?P<main>\d+)(?:-(?P<ext>\d+))?$")


def mask_phone(number: str) -> str:
    """`13812345678` -> `138****5678`; `0755-83456789-12` -> `0755-****6789-12`.

    The area code and an extension say nothing about the owner and stay readable; of the
    number itself only the last four digits (and a mobile's network prefix) are shown.
    """
    match = _PHONE.match(number)
    if match is None:
        return "*" * max(len(number) - 4, 0) + number[-4:]
    main = match["main"]
    keep_front = 3 if match["area"] is None and len(main) == 11 and main.startswith("1") else 0
    hidden = max(len(main) - keep_front - 4, 0)
    masked = main[:keep_front] + "*" * hidden + main[keep_front + hidden :]
    area = f"{match['area']}-" if match["area"] else ""
    ext = f"-{match['ext']}" if match["ext"] else ""
    return f"{area}{masked}{ext}"


# A mobile (11 digits from 1) or a landline with its area code, standing alone in free text.
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:1\d{10}|0\d{2,3}-?\d{7,8})(?!\d)")


def mask_phones_in(value: Any) -> Any:
    """`value` (a JSON-like tree: an audit row's detail) with every phone number masked: the
    values of keys that name a phone, and numbers typed into free text (a note that says
    "new number 13812345678")."""
    if isinstance(value, dict):
        return {
            key: mask_phone(item)
            if "phone" in str(key) and isinstance(item, str) and item
            else mask_phones_in(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [mask_phones_in(item) for item in value]
    if isinstance(value, str):
        return _PHONE_IN_TEXT.sub(lambda found: mask_phone(found.group()), value)
    return value
