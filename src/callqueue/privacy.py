"""Personal information shown only as far as the task needs it.

Owners' phone numbers are masked everywhere except for the number being dialled.
"""

from __future__ import annotations

import re

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
