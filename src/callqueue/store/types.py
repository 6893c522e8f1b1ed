"""Column types that keep numbers exact on every database.

SQLite has no exact decimal type (NUMERIC columns become floats), so money, areas and typed
percentages are stored as integers in hundredths and come back as `Decimal` with two places.
Sums in SQL stay integer sums and are therefore exact.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from callqueue.clock import CST
from callqueue.money import from_fen, to_fen


class Hundredths(TypeDecorator[Decimal]):
    """A `Decimal` with two places, stored as an integer number of hundredths (fen for money)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("exact columns refuse floats")
        return to_fen(Decimal(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return from_fen(int(value))


Money = Hundredths


class CstDateTime(TypeDecorator[dt.datetime]):
    """A China Standard Time wall-clock datetime, stored naive (see `callqueue.clock`).

    Naive values are taken as CST; aware ones are converted to CST first, so a time can
    never be stored on the wrong clock.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(CST).replace(tzinfo=None)
        return value  # type: ignore[no-any-return]

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        return value  # type: ignore[no-any-return]
