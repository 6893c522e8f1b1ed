"""App tests run on the shared demo (`demo_store` in tests/conftest.py) at a fixed moment."""

from __future__ import annotations

import datetime as dt

AT = dt.datetime(2026, 11, 27, 10, 30)  # a Friday, calls open
