"""Exact money, the CST clock and household keys."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callqueue.clock import parse_moment
from callqueue.household_key import HouseholdKey, make_key, parse_key
from callqueue.money import format_yuan, from_fen, to_fen, yuan
from callqueue.privacy import mask_phone


@given(st.integers(min_value=0, max_value=10**13))
def test_fen_round_trip(fen: int) -> None:
    assert to_fen(from_fen(fen)) == fen


def test_finer_than_a_fen_is_refused() -> None:
    with pytest.raises(ValueError, match="finer than one fen"):
        to_fen(Decimal("0.001"))


def test_yuan_refuses_float() -> None:
    with pytest.raises(TypeError):
        yuan(0.1)  # type: ignore[arg-type]


def test_format_yuan() -> None:
    assert format_yuan(Decimal("152700")) == "152,700.00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-27T10:30", dt.datetime(2026, 11, 27, 10, 30)),
        ("2026-11-27 10:30:15", dt.datetime(2026, 11, 27, 10, 30, 15)),
        ("2026-11-27", dt.datetime(2026, 11, 27)),
        ("2026-11-27T02:30Z", dt.datetime(2026, 11, 27, 10, 30)),
        ("2026-11-27T03:30+01:00", dt.datetime(2026, 11, 27, 10, 30)),
    ],
)
def test_parse_moment_is_cst(text: str, expected: dt.datetime) -> None:
    assert parse_moment(text) == expected


def test_parse_moment_bad() -> None:
    with pytest.raises(ValueError, match="cannot read the time"):
        parse_moment("tomorrow")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("6-2-1203", HouseholdKey("6", "2", "1203")),
        (" 8-1501 ", HouseholdKey("8", "", "1501")),
        ("a3-1-b101", HouseholdKey("A3", "1", "B101")),
    ],
)
def test_parse_key(text: str, key: HouseholdKey) -> None:
    assert parse_key(text) == key


@pytest.mark.parametrize("text", ["6", "6--1203", "6-2-12-03", "6栋-2-1203", ""])
def test_parse_key_bad(text: str) -> None:
    with pytest.raises(ValueError, match="not a household key"):
        parse_key(text)


parts = st.text(alphabet="0123456789ABCDEFGH", min_size=1, max_size=10)


@given(parts, st.one_of(st.just(""), parts), parts)
def test_key_round_trip(building: str, unit: str, room: str) -> None:
    assert parse_key(make_key(building, unit, room)) == HouseholdKey(building, unit, room)


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("13812345678", "138****5678"),
        ("0755-83456789", "0755-****6789"),
        ("86543210", "****3210"),
        ("0755-83456789-12", "0755-****6789-12"),
        ("1234", "1234"),
    ],
)
def test_mask_phone(number: str, masked: str) -> None:
    assert mask_phone(number) == masked
