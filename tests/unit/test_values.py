"""Tests for callqueue.ledger.values: table-driven cases plus hypothesis round trips."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callqueue.ledger.values import (
    COLUMN_LABELS,
    FEE_TYPE_LABELS_EN,
    FEE_TYPE_LABELS_ZH,
    FEE_TYPES,
    REQUIRED_COLUMNS,
    ValueProblem,
    clean_text,
    floor_of_room,
    last_day_of_period,
    parse_area,
    parse_building,
    parse_date,
    parse_fee_type,
    parse_header,
    parse_money,
    parse_optional_date,
    parse_optional_money,
    parse_owner_name,
    parse_period,
    parse_phones,
    parse_room,
    parse_unit,
)

FULL_WIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")
EMPTIES: list[object] = [None, "", "   ", "\u3000", "\u200b", "\ufeff \u00a0"]
FAST = settings(max_examples=100, deadline=None, database=None)


# ------------------------------------------------------------------- clean_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  a  b  ", "a b"),
        ("１２３ＡＢＣ", "123ABC"),
        ("a\u3000b", "a b"),
        ("a\u00a0\u00a0b", "a b"),
        ("\ufeff6栋\u200b", "6栋"),
        ("a\n\tb", "a b"),
        ("（元）", "(元)"),
        ("", ""),
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


# --------------------------------------------------------------------- building


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("6栋", "6"),
        ("6号楼", "6"),
        ("6幢", "6"),
        ("6座", "6"),
        ("6#", "6"),
        ("6＃", "6"),
        ("6号", "6"),
        ("6楼", "6"),
        (" 6 ", "6"),
        ("６栋", "6"),
        ("6 栋", "6"),
        (6, "6"),
        (6.0, "6"),
        ("A3栋", "A3"),
        ("b2", "B2"),
        ("06", "6"),
        ("六栋", "6"),
        ("十二号楼", "12"),
        ("十栋", "10"),
        ("二十栋", "20"),
        ("九十九号楼", "99"),
        ("两栋", "2"),
        ("一〇栋", "10"),
        ("零六栋", "6"),
        ("第二栋", "2"),
        ("ABCDEFGHIJ", "ABCDEFGHIJ"),
    ],
)
def test_parse_building(raw: object, expected: str) -> None:
    assert parse_building(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "building is empty"),
        ("", "building is empty"),
        ("  ", "building is empty"),
        ("6-2", "building '6-2' contains '-'"),
        ("6 2栋", "building '6 2栋' contains a space"),
        ("栋", "building '栋' has no number"),
        ("6栋2单元", "building '6栋2单元' may only contain letters and digits"),
        ("ABCDEFGHIJK", "building 'ABCDEFGHIJK' is longer than 10 characters"),
        ("一百栋", "building '一百栋' is not a number we can read"),
        (6.5, "building '6.5' is not a whole number"),
        (True, "building 'True' is a yes/no value"),
        (datetime.date(2018, 1, 1), "building '2018-01-01' is a date"),
    ],
)
def test_parse_building_bad(raw: object, message: str) -> None:
    with pytest.raises(ValueProblem) as info:
        parse_building(raw)
    assert str(info.value).startswith(message)


# ------------------------------------------------------------------------- unit


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2单元", "2"),
        ("2", "2"),
        ("二单元", "2"),
        ("2 单元", "2"),
        ("２单元", "2"),
        (2, "2"),
        (2.0, "2"),
        ("A单元", "A"),
        ("a", "A"),
        ("02", "2"),
        ("第3单元", "3"),
        (None, ""),
        ("", ""),
        ("  ", ""),
    ],
)
def test_parse_unit(raw: object, expected: str) -> None:
    assert parse_unit(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2-1", "unit '2-1' contains '-'"),
        ("单元", "unit '单元' has no number"),
        ("2单元3", "unit '2单元3' may only contain letters and digits"),
        (2.5, "unit '2.5' is not a whole number"),
    ],
)
def test_parse_unit_bad(raw: object, message: str) -> None:
    with pytest.raises(ValueProblem) as info:
        parse_unit(raw)
    assert str(info.value).startswith(message)


# ------------------------------------------------------------------------- room


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1203室", "1203"),
        ("1203", "1203"),
        ("1203房", "1203"),
        ("1203号", "1203"),
        ("1203户", "1203"),
        ("1203 室", "1203"),
        (1203, "1203"),
        (1203.0, "1203"),
        ("B1203", "B1203"),
        ("1203a", "1203A"),
        ("0501", "501"),
        ("０５０１", "501"),
        ("B0501", "B0501"),
    ],
)
def test_parse_room(raw: object, expected: str) -> None:
    assert parse_room(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "room is empty"),
        ("", "room is empty"),
        ("2-1203", "room '2-1203' contains '-'; put the unit in its own column"),
        ("12 03", "room '12 03' contains a space"),
        ("1203/1204", "room '1203/1204' may only contain letters and digits"),
        ("12345678901", "room '12345678901' is longer than 10 characters"),
        ("室", "room '室' has no number"),
        (1203.5, "room '1203.5' is not a whole number"),
    ],
)
def test_parse_room_bad(raw: object, message: str) -> None:
    with pytest.raises(ValueProblem) as info:
        parse_room(raw)
    assert str(info.value).startswith(message)


def test_parse_room_dash_message_exact() -> None:
    with pytest.raises(ValueProblem) as info:
        parse_room("2-1203")
    assert str(info.value) == "room '2-1203' contains '-'; put the unit in its own column"


@pytest.mark.parametrize(
    ("room", "floor"),
    [
        ("1203", 12),
        ("501", 5),
        ("B1203", 12),
        ("1203A", 12),
        ("2501", 25),
        ("10101", 101),
        ("12", None),
        ("5", None),
        ("G01", None),
        ("G001", None),
        ("001", None),
        ("A", None),
        ("", None),
    ],
)
def test_floor_of_room(room: str, floor: int | None) -> None:
    assert floor_of_room(room) == floor


# ------------------------------------------------------------------------ owner


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张伟", "张伟"),
        (" 王 芳 ", "王芳"),
        ("王\u3000芳", "王芳"),
        ("欧阳 娜 娜", "欧阳娜娜"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽 · 买买提", "阿依古丽·买买提"),
        ("阿依古丽\u30fb买买提", "阿依古丽·买买提"),
        ("阿依古丽\uff65买买提", "阿依古丽·买买提"),
        ("阿依古丽\u2022买买提", "阿依古丽·买买提"),
        ("阿依古丽\u2027买买提", "阿依古丽·买买提"),
        ("阿依古丽\u2219买买提", "阿依古丽·买买提"),
        ("阿依古丽\u22c5买买提", "阿依古丽·买买提"),
        ("阿依古丽.买买提", "阿依古丽·买买提"),
        ("阿依古丽\uff0e买买提", "阿依古丽·买买提"),
        ("阿依古丽\u318d买买提", "阿依古丽·买买提"),
        ("阿依古丽··买买提", "阿依古丽·买买提"),
        ("John Smith", "John Smith"),
        ("  John   Smith ", "John Smith"),
        ("Müller", "Müller"),
        ("O'Brien", "O'Brien"),
        ("O\u2019Brien", "O'Brien"),
        ("Jean-Luc", "Jean-Luc"),
        ("Ｊｏｈｎ", "John"),
        ("张" * 40, "张" * 40),
    ],
)
def test_parse_owner_name(raw: object, expected: str) -> None:
    assert parse_owner_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "owner name is empty"),
        ("", "owner name is empty"),
        (" \u3000 ", "owner name is empty"),
        ("张伟2", "owner name '张伟2' contains the digit '2'"),
        ("张伟(租户)", "owner name '张伟(租户)' contains '('"),
        ("张伟/李娜", "owner name '张伟/李娜' contains '/'"),
        ("张伟@", "owner name '张伟@' contains '@'"),
        ("张" * 41, "owner name '" + "张" * 39 + "…' is longer than 40 characters"),
        ("-", "owner name '-' has no letters"),
        (12345, "owner name '12345' contains the digit '1'"),
    ],
)
def test_parse_owner_name_bad(raw: object, message: str) -> None:
    with pytest.raises(ValueProblem) as info:
        parse_owner_name(raw)
    assert str(info.value).startswith(message)


# ----------------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", ["13812345678"]),
        ("138-1234-5678", ["13812345678"]),
        ("138.1234.5678", ["13812345678"]),
        ("(138)12345678", ["13812345678"]),
        ("+86 13812345678", ["13812345678"]),
        ("+8613812345678", ["13812345678"]),
        ("+86-138-1234-5678", ["13812345678"]),
        ("0086 13812345678", ["13812345678"]),
        ("008613812345678", ["13812345678"]),
        ("86 13812345678", ["13812345678"]),
        ("8613812345678", ["13812345678"]),
        ("(+86) 13812345678", ["13812345678"]),
        ("138 1234 5678", ["13812345678"]),
        ("１３８１２３４５６７８", ["13812345678"]),
        (13812345678, ["13812345678"]),
        (13812345678.0, ["13812345678"]),
        ("0755-12345678", ["0755-12345678"]),
        ("(0755)12345678", ["0755-12345678"]),
        ("（0755）12345678", ["0755-12345678"]),
        ("(0755) 12345678", ["0755-12345678"]),
        ("0755 12345678", ["0755-12345678"]),
        ("075512345678", ["0755-12345678"]),
        ("0755-1234567", ["0755-1234567"]),
        ("010-12345678", ["010-12345678"]),
        ("01012345678", ["010-12345678"]),
        ("02112345678", ["021-12345678"]),
        ("021-1234567", ["021-1234567"]),
        ("0755-12345678-123", ["0755-12345678-123"]),
        ("0755-12345678转123", ["0755-12345678-123"]),
        ("0755-12345678 转123", ["0755-12345678-123"]),
        ("87654321", ["87654321"]),
        ("8765432", ["8765432"]),
        ("87654321转8", ["87654321-8"]),
        ("13812345678/13912345678", ["13812345678", "13912345678"]),
        ("13812345678,13912345678", ["13812345678", "13912345678"]),
        ("13812345678，13912345678", ["13812345678", "13912345678"]),
        ("13812345678;13912345678", ["13812345678", "13912345678"]),
        ("13812345678；13912345678", ["13812345678", "13912345678"]),
        ("13812345678、13912345678", ["13812345678", "13912345678"]),
        ("13812345678|13912345678", ["13812345678", "13912345678"]),
        ("13812345678 13912345678", ["13812345678", "13912345678"]),
        ("13812345678\n0755-12345678", ["13812345678", "0755-12345678"]),
        ("13812345678 / 138-1234-5678 / +86 13812345678", ["13812345678"]),
        ("13912345678/13812345678/13912345678", ["13912345678", "13812345678"]),
        ("13812345678//", ["13812345678"]),
        (None, []),
        ("", []),
        ("  ", []),
        ("/", []),
    ],
)
def test_parse_phones(raw: object, expected: list[str]) -> None:
    assert parse_phones(raw) == expected


@pytest.mark.parametrize(
    ("raw", "bad"),
    [
        ("1381234", "1381234"),
        ("12345678", "12345678"),  # local numbers never start with 1
        ("01234567", "01234567"),
        ("123456789012", "123456789012"),
        ("12812345678", "12812345678"),  # mobiles start 13-19
        ("abc", "abc"),
        ("13812345678/abc", "abc"),
        ("13812345678 1381234", "1381234"),
        ("138 12", "138 12"),
        ("+86", "+86"),
        ("+86 0755 12345678", "+86 0755 12345678"),
        ("+8612345678", "+8612345678"),
        ("0755-123456", "0755-123456"),
        ("0755-123456789", "0755-123456789"),
        ("00755-12345678", "00755-12345678"),
        ("13812345678转1", "13812345678转1"),
        (1381234, "1381234"),
        (13812345678.5, "13812345678.5"),
    ],
)
def test_parse_phones_bad(raw: object, bad: str) -> None:
    with pytest.raises(ValueProblem) as info:
        parse_phones(raw)
    message = str(info.value)
    if isinstance(raw, float):
        assert bad in message
    else:
        assert message == (
            f"phone '{bad}' is not a mobile (11 digits from 1) "
            "or a landline (area code and 7-8 digits)"
        )


# ------------------------------------------------------------------------- area


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("89.5", Decimal("89.50")),
        ("89.50㎡", Decimal("89.50")),
        ("89.5平方米", Decimal("89.50")),
        ("89.5平米", Decimal("89.50")),
        ("89.5m2", Decimal("89.50")),
        ("89.5 m²", Decimal("89.50")),
        ("89.5M2", Decimal("89.50")),
        ("1,234.5", Decimal("1234.50")),
        ("８９．５", Decimal("89.50")),
        (89.5, Decimal("89.50")),
        (89.55, Decimal("89.55")),
        (89, Decimal("89.00")),
        (Decimal("89.5"), Decimal("89.50")),
        ("89.555", Decimal("89.56")),
        ("89.554", Decimal("89.55")),
        ("0.005", Decimal("0.01")),
        ("99999.99", Decimal("99999.99")),
        (None, None),
        ("", None),
        ("  ", None),
    ],
)
def test_parse_area(raw: object, expected: Decimal | None) -> None:
    result = parse_area(raw)
    assert result == expected
    if result is not None:
        assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("0", "area '0' must be more than 0 and less than 100000 m²"),
        ("0.004", "area '0.004' must be more than 0"),
        ("-5", "area '-5' must be more than 0"),
        (-5.5, "area '-5.5' must be more than 0"),
        ("100000", "area '100000' must be more than 0 and less than 100000 m²"),
        ("99999.999", "area '99999.999' must be more than 0"),
        (1e300, "area '1e+300' must be more than 0"),
        ("abc", "area 'abc' is not a number"),
        ("1,23.4", "area '1,23.4' is not a number"),
        ("89.5元", "area '89.5元' is not a number"),
        (float("nan"), "area 'nan' is not a number"),
        (True, "area 'True' is a yes/no value"),
    ],
)
def test_parse_area_bad(raw: object, message: str) -> None:
    with pytest.raises(ValueProblem) as info:
        parse_area(raw)
    assert str(info.value).startswith(message)


# ------------------------------------------------------------------------ money


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234.5", "1234.50"),
        ("1234", "1234.00"),
        ("1,234.50", "1234.50"),
        ("1,234,567.89", "1234567.89"),
        ("¥1,234.50", "1234.50"),
        ("¥ 1,234.50", "1234.50"),
        ("￥1234.5", "1234.50"),
        ("RMB 1234.50", "1234.50"),
        ("rmb1234.50", "1234.50"),
        ("CNY 1234.50", "1234.50"),
        ("人民币1234.50", "1234.50"),
        ("1234.50元", "1234.50"),
        ("1234.50 元", "1234.50"),
        ("1234元整", "1234.00"),
        ("1 234.50", "1234.50"),
        ("1 234 567", "1234567.00"),
        ("１２３４．５０", "1234.50"),
        ("１，２３４．５０", "1234.50"),
        ("+12", "12.00"),
        ("-0", "0.00"),
        ("-0.00", "0.00"),
        ("0", "0.00"),
        (".5", "0.50"),
        ("12.340", "12.34"),  # extra zeros are exact, so they are allowed
        ("007", "7.00"),
        (1234, "1234.00"),
        (0, "0.00"),
        (1234.5, "1234.50"),
        (1234.0, "1234.00"),
        (0.1 + 0.2, "0.30"),
        (12.345, "12.35"),  # floats from Excel are the only input that is rounded
        (-0.0, "0.00"),
        (Decimal("1.5"), "1.50"),
        (Decimal("1.500"), "1.50"),
    ],
)
def test_parse_money(raw: object, expected: str) -> None:
    result = parse_money(raw)
    assert result == Decimal(expected)
    assert str(result) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "amount is empty"),
        ("", "amount is empty"),
        ("  ", "amount is empty"),
        ("12.345", "amount '12.345' has more than 2 decimal places"),
        ("1,234.567", "amount '1,234.567' has more than 2 decimal places"),
        (Decimal("1.005"), "amount '1.005' has more than 2 decimal places"),
        ("-12", "amount '-12' is negative"),
        ("-12.00", "amount '-12.00' is negative"),
        ("(12.00)", "amount '(12.00)' is negative"),
        ("¥-12", "amount '¥-12' is negative"),
        ("-¥12", "amount '-¥12' is negative"),
        ("\u221212", "amount '\u221212' is negative"),
        (-5, "amount '-5' is negative"),
        (-1.5, "amount '-1.5' is negative"),
        ("1,23.4", "amount '1,23.4' is not an amount; write it like 1234.50 or 1,234.50"),
        ("1,2345", "amount '1,2345' is not an amount"),
        ("1 23", "amount '1 23' is not an amount"),
        ("1234 567", "amount '1234 567' is not an amount"),
        ("12.", "amount '12.' is not an amount"),
        ("--12", "amount '--12' is not an amount"),
        ("1e5", "amount '1e5' is not an amount"),
        ("abc", "amount 'abc' is not an amount"),
        ("¥", "amount '¥' is not an amount"),
        ("1.2.3", "amount '1.2.3' is not an amount"),
        (1e300, "amount '1e+300' is too large"),
        (float("inf"), "amount 'inf' is not a number"),
        (True, "amount 'True' is a yes/no value"),
        (datetime.date(2018, 1, 1), "amount '2018-01-01' is not an amount"),
    ],
)
def test_parse_money_bad(raw: object, message: str) -> None:
    with pytest.raises(ValueProblem) as info:
        parse_money(raw)
    assert str(info.value).startswith(message)


def test_parse_money_field_name_in_messages() -> None:
    with pytest.raises(ValueProblem, match=r"^应收金额 is empty$"):
        parse_money(None, field="应收金额")
    with pytest.raises(ValueProblem, match=r"^arrears '-3' is negative$"):
        parse_money("-3", field="arrears")
    with pytest.raises(ValueProblem, match=r"^paid '1.234' has more than 2 decimal places$"):
        parse_money("1.234", field="paid")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, None), ("", None), (" ", None), ("3", Decimal("3.00")), (0, Decimal("0.00"))],
)
def test_parse_optional_money(raw: object, expected: Decimal | None) -> None:
    assert parse_optional_money(raw) == expected


def test_parse_optional_money_still_checks() -> None:
    with pytest.raises(ValueProblem, match=r"^due '-1' is negative$"):
        parse_optional_money("-1", field="due")


# ----------------------------------------------------------------------- period


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2018-07", "2018-07"),
        ("2018-7", "2018-07"),
        ("2018/07", "2018-07"),
        ("2018.07", "2018-07"),
        ("2018年7月", "2018-07"),
        ("2018年07月", "2018-07"),
        ("2018年7月份", "2018-07"),
        ("2018 年 7 月", "2018-07"),
        ("２０１８年７月", "2018-07"),
        ("201807", "2018-07"),
        (201807, "2018-07"),
        (201807.0, "2018-07"),
        (2018.07, "2018-07"),  # typed as a number in Excel
        (2018.12, "2018-12"),
        (datetime.datetime(2018, 7, 15, 10, 30), "2018-07"),
        (datetime.date(2018, 7, 15), "2018-07"),
        ("2018-07-01", "2018-07"),
        ("2018/7/31", "2018-07"),
        ("2018年7月1日", "2018-07"),
        ("2018-07-01 00:00:00", "2018-07"),
        ("1990-01", "1990-01"),
        ("2100-12", "2100-12"),
    ],
)
def test_parse_period(raw: object, expected: str) -> None:
    assert parse_period(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "period is empty"),
        ("", "period is empty"),
        ("2018-13", "period '2018-13' has month 13; months are 1-12"),
        ("2018-0", "period '2018-0' has month 0; months are 1-12"),
        ("201800", "period '201800' has month 0"),
        ("1989-12", "period '1989-12' has year 1989; expected 1990-2100"),
        ("2101-01", "period '2101-01' has year 2101"),
        (datetime.date(1980, 1, 1), "period '1980-01-01' has year 1980"),
        ("2018", "period '2018' is not a month like 2018-07 or 2018年7月"),
        ("7月", "period '7月' is not a month"),
        ("2018-02-30", "period '2018-02-30' does not exist"),
        (201807.5, "period '201807.5' is not a month"),
        (2018.1, "period '2018.1' could be month 1 or 10; format the cell as text"),
    ],
)
def test_parse_period_bad(raw: object, message: str) -> None:
    with pytest.raises(ValueProblem) as info:
        parse_period(raw)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2018-02", datetime.date(2018, 2, 28)),
        ("2020-02", datetime.date(2020, 2, 29)),
        ("2000-02", datetime.date(2000, 2, 29)),
        ("2100-02", datetime.date(2100, 2, 28)),
        ("2018-04", datetime.date(2018, 4, 30)),
        ("2018-12", datetime.date(2018, 12, 31)),
        ("2018-01", datetime.date(2018, 1, 31)),
    ],
)
def test_last_day_of_period(period: str, expected: datetime.date) -> None:
    assert last_day_of_period(period) == expected


# ------------------------------------------------------------------------- date

JULY_31 = datetime.date(2018, 7, 31)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2018-07-31", JULY_31),
        ("2018/7/31", JULY_31),
        ("2018/07/31", JULY_31),
        ("2018.7.31", JULY_31),
        ("2018年7月31日", JULY_31),
        ("2018年7月31号", JULY_31),
        ("2018 年 7 月 31 日", JULY_31),
        ("２０１８－０７－３１", JULY_31),
        ("20180731", JULY_31),
        (20180731, JULY_31),
        (20180731.0, JULY_31),
        ("2018-07-31 00:00:00", JULY_31),
        ("2018-07-31T09:15", JULY_31),
        (datetime.datetime(2018, 7, 31, 23, 59), JULY_31),
        (JULY_31, JULY_31),
        (43312, JULY_31),
        (43312.0, JULY_31),
        (43312.75, JULY_31),
        ("2020-02-29", datetime.date(2020, 2, 29)),
    ],
)
def test_parse_date(raw: object, expected: datetime.date) -> None:
    assert parse_date(raw) == expected


def test_excel_serial_still_checks_year() -> None:
    # Serial 20000 is 1954-10-03: a real serial, but outside the accepted years.
    with pytest.raises(ValueProblem, match=r"^date '20000' has year 1954; expected 1990-2100$"):
        parse_date(20000)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "date is empty"),
        ("", "date is empty"),
        ("2018-02-30", "date '2018-02-30' does not exist"),
        ("2019-02-29", "date '2019-02-29' does not exist"),
        ("2018-13-01", "date '2018-13-01' does not exist"),
        ("20180230", "date '20180230' does not exist"),
        ("1989-12-31", "date '1989-12-31' has year 1989; expected 1990-2100"),
        (datetime.date(1900, 1, 1), "date '1900-01-01' has year 1900"),
        ("2018-07/31", "date '2018-07/31' is not a date like 2018-07-31"),
        ("31/07/2018", "date '31/07/2018' is not a date"),
        ("2018-07", "date '2018-07' is not a date"),
        ("yesterday", "date 'yesterday' is not a date"),
        (19999, "date '19999' is not a date"),
        (80001, "date '80001' is not a date"),
        (float("inf"), "date 'inf' is not a date"),
    ],
)
def test_parse_date_bad(raw: object, message: str) -> None:
    with pytest.raises(ValueProblem) as info:
        parse_date(raw)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, None), ("", None), ("  ", None), ("2018-1-2", datetime.date(2018, 1, 2))],
)
def test_parse_optional_date(raw: object, expected: datetime.date | None) -> None:
    assert parse_optional_date(raw) == expected


def test_parse_optional_date_still_checks() -> None:
    with pytest.raises(ValueProblem, match="does not exist"):
        parse_optional_date("2018-02-30")


# --------------------------------------------------------------------- fee type


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("物业费", "property"),
        ("物业管理费", "property"),
        ("物管费", "property"),
        ("物业服务费", "property"),
        (" 物业 费 ", "property"),
        ("电费", "electricity"),
        ("电费(居民)", "electricity"),
        ("电费（居民）", "electricity"),
        ("居民电费", "electricity"),
        ("水费", "water"),
        ("自来水费", "water"),
        ("车位费", "parking"),
        ("停车费", "parking"),
        ("车位管理费", "parking"),
        ("车位服务费", "parking"),
        ("燃气费", "gas"),
        ("气费", "gas"),
        ("天然气费", "gas"),
        ("暖气费", "heating"),
        ("供暖费", "heating"),
        ("采暖费", "heating"),
        ("垃圾费", "waste"),
        ("垃圾处理费", "waste"),
        ("垃圾清运费", "waste"),
        ("公摊费", "shared"),
        ("公摊电费", "shared"),
        ("公共能耗费", "shared"),
        ("公区电费", "shared"),
        ("property", "property"),
        ("Property Fee", "property"),
        ("property_fee", "property"),
        ("PROPERTY-FEE", "property"),
        ("Management Fee", "property"),
        ("electricity", "electricity"),
        ("Power", "electricity"),
        ("water", "water"),
        ("parking", "parking"),
        ("gas", "gas"),
        ("heating", "heating"),
        ("waste", "waste"),
        ("shared", "shared"),
    ],
)
def test_parse_fee_type(raw: object, expected: str) -> None:
    assert parse_fee_type(raw) == expected


def test_parse_fee_type_unknown_lists_chinese_names() -> None:
    with pytest.raises(ValueProblem) as info:
        parse_fee_type("维修基金")
    assert str(info.value) == (
        "fee type '维修基金' is not known; "
        "use one of 物业费, 电费, 水费, 车位费, 燃气费, 供暖费, 垃圾费, 公摊费"
    )


def test_parse_fee_type_empty() -> None:
    with pytest.raises(ValueProblem, match=r"^fee type is empty$"):
        parse_fee_type("  ")


def test_fee_type_tables() -> None:
    assert FEE_TYPES == (
        "property", "electricity", "water", "parking", "gas", "heating", "waste", "shared",
    )  # fmt: skip
    assert list(FEE_TYPE_LABELS_ZH) == list(FEE_TYPES)
    assert list(FEE_TYPE_LABELS_EN) == list(FEE_TYPES)
    assert FEE_TYPE_LABELS_ZH["property"] == "物业费"
    assert FEE_TYPE_LABELS_ZH["heating"] == "供暖费"
    assert FEE_TYPE_LABELS_EN["property"] == "property fee"
    for code in FEE_TYPES:
        assert parse_fee_type(code) == code
        assert parse_fee_type(FEE_TYPE_LABELS_ZH[code]) == code
        assert parse_fee_type(FEE_TYPE_LABELS_EN[code]) == code


# ----------------------------------------------------------------------- header

HEADER_ALIASES = {
    "building": ["楼栋", "楼栋号", "楼号", "栋号", "栋", "楼宇", "building", "bldg"],
    "unit": ["单元", "单元号", "unit"],
    "room": ["房号", "房间号", "房屋编号", "室号", "门牌号", "room", "room_no"],
    "owner": [
        "业主姓名", "业主", "姓名", "客户名称", "客户姓名", "户主", "owner", "owner_name", "name",
    ],
    "phone": [
        "联系电话", "电话", "手机", "手机号", "手机号码", "联系方式", "电话号码",
        "phone", "phones", "mobile", "tel",
    ],
    "area": ["建筑面积", "面积", "房屋面积", "area"],
    "fee_type": [
        "费用项目", "收费项目", "费项", "费用类型", "费用名称", "收费项目名称",
        "fee_type", "fee", "charge",
    ],
    "period": [
        "账期", "所属期间", "计费周期", "计费期间", "期间", "月份", "所属月份", "费用月份",
        "period", "billing_period",
    ],
    "amount_due": ["应收金额", "应收", "应缴金额", "应收款", "amount_due", "due"],
    "amount_paid": ["已收金额", "实收金额", "已缴金额", "已收", "实收", "amount_paid", "paid"],
    "arrears": ["欠费金额", "欠费", "欠款金额", "欠缴金额", "未收金额", "arrears", "outstanding"],
    "due_date": ["应缴日期", "缴费截止日期", "截止日期", "到期日", "应收日期", "due_date"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "column"),
    [(alias, column) for column, aliases in HEADER_ALIASES.items() for alias in aliases],
)
def test_parse_header_aliases(raw: str, column: str) -> None:
    assert parse_header(raw) == column


@pytest.mark.parametrize(
    ("raw", "column"),
    [
        ("*楼栋", "building"),
        (" 楼 栋 ", "building"),
        ("楼栋*", "building"),
        ("应收金额(元)", "amount_due"),
        ("应收金额（元）", "amount_due"),
        ("*应收金额（元）", "amount_due"),
        ("建筑面积(㎡)", "area"),
        ("建筑面积（㎡）", "area"),
        ("area[m2]", "area"),
        ("面积【平方米】", "area"),
        ("Room No", "room"),
        ("ROOM_NO", "room"),
        ("Amount Due", "amount_due"),
        ("Amount-Paid", "amount_paid"),
        ("Due Date", "due_date"),
        ("Billing Period", "period"),
        ("ＴＥＬ", "phone"),
        ("姓名:", "owner"),
        ("姓名：", "owner"),
        ("楼栋/building", "building"),
        ("备注", None),
        ("序号", None),
        ("", None),
        (None, None),
        (5, None),
        ("楼栋/房号", None),
    ],
)
def test_parse_header_cleaning(raw: object, column: str | None) -> None:
    assert parse_header(raw) == column


def test_column_tables() -> None:
    assert REQUIRED_COLUMNS == ("building", "room", "owner", "fee_type", "period", "amount_due")
    assert set(COLUMN_LABELS) == set(HEADER_ALIASES)
    assert COLUMN_LABELS["building"] == "楼栋/building"
    for column, label in COLUMN_LABELS.items():
        chinese, english = label.split("/")
        assert parse_header(chinese) == column
        assert parse_header(english) == column
        assert parse_header(label) == column


# ---------------------------------------------------------- hypothesis: round trips

money_values = st.decimals(
    min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False
)


@FAST
@given(
    amount=money_values,
    style=st.sampled_from(["plain", "comma", "space", "full", "yen", "yuan", "rmb", "short"]),
)
def test_money_round_trip(amount: Decimal, style: str) -> None:
    plain = format(amount, "f")
    comma = format(amount, ",f")
    text = {
        "plain": plain,
        "comma": comma,
        "space": comma.replace(",", " "),
        "full": "￥" + comma.translate(FULL_WIDTH) + "元",
        "yen": "¥" + comma,
        "yuan": plain + "元",
        "rmb": "RMB " + comma,
        "short": plain.rstrip("0").rstrip(".") if "." in plain else plain,
    }[style]
    result = parse_money(text)
    assert result == amount
    assert result.as_tuple().exponent == -2


@FAST
@given(cents=st.integers(min_value=0, max_value=10**11))
def test_money_from_excel_float(cents: int) -> None:
    expected = Decimal(cents).scaleb(-2)
    assert parse_money(cents / 100) == expected


@FAST
@given(amount=money_values.filter(lambda d: d > 0))
def test_money_negative_always_rejected(amount: Decimal) -> None:
    for text in ("-" + format(amount, "f"), "(" + format(amount, ",f") + ")"):
        with pytest.raises(ValueProblem, match="is negative"):
            parse_money(text)


@FAST
@given(
    whole=st.integers(min_value=0, max_value=10**6),
    frac=st.integers(min_value=1, max_value=999).filter(lambda n: n % 10),
)
def test_money_three_places_rejected(whole: int, frac: int) -> None:
    with pytest.raises(ValueProblem, match="more than 2 decimal places"):
        parse_money(f"{whole}.{frac:03d}")


@FAST
@given(
    day=st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2100, 12, 31)),
    style=st.sampled_from(
        ["iso", "slash", "dot", "nian", "hao", "compact", "int", "datetime", "serial", "full"]
    ),
)
def test_date_round_trip(day: datetime.date, style: str) -> None:
    y, m, d = day.year, day.month, day.day
    value: object = {
        "iso": day.isoformat(),
        "slash": f"{y}/{m}/{d}",
        "dot": f"{y}.{m}.{d}",
        "nian": f"{y}年{m}月{d}日",
        "hao": f"{y}年{m:02d}月{d:02d}号",
        "compact": f"{y}{m:02d}{d:02d}",
        "int": y * 10000 + m * 100 + d,
        "datetime": datetime.datetime(y, m, d, 12, 30),
        "serial": (day - datetime.date(1899, 12, 30)).days,
        "full": day.isoformat().translate(FULL_WIDTH),
    }[style]
    assert parse_date(value) == day
    assert parse_optional_date(value) == day


@FAST
@given(
    year=st.integers(min_value=1990, max_value=2100),
    month=st.integers(min_value=1, max_value=12),
    style=st.sampled_from(
        ["dash", "short", "slash", "dot", "nian", "fen", "compact", "int", "float", "date"]
    ),
)
def test_period_round_trip(year: int, month: int, style: str) -> None:
    expected = f"{year:04d}-{month:02d}"
    value: object = {
        "dash": expected,
        "short": f"{year}-{month}",
        "slash": f"{year}/{month:02d}",
        "dot": f"{year}.{month:02d}",
        "nian": f"{year}年{month}月",
        "fen": f"{year}年{month:02d}月份",
        "compact": f"{year}{month:02d}",
        "int": year * 100 + month,
        "float": float(year * 100 + month),
        "date": datetime.date(year, month, 1),
    }[style]
    assert parse_period(value) == expected
    assert parse_period(expected) == expected
    last = last_day_of_period(expected)
    assert (last.year, last.month) == (year, month)
    assert (last + datetime.timedelta(days=1)).day == 1


mobiles = st.builds(
    lambda second, rest: f"1{second}{rest:09d}",
    st.integers(min_value=3, max_value=9),
    st.integers(min_value=0, max_value=10**9 - 1),
)


def _mobile_forms(number: str) -> list[str]:
    a, b, c = number[:3], number[3:7], number[7:]
    return [
        number,
        f"{a}-{b}-{c}",
        f"{a} {b} {c}",
        f"{a}.{b}.{c}",
        "+86" + number,
        "+86 " + number,
        "+86-" + f"{a}-{b}-{c}",
        "0086 " + number,
        "86" + number,
        number.translate(FULL_WIDTH),
    ]


@FAST
@given(
    numbers=st.lists(mobiles, min_size=1, max_size=4),
    form=st.integers(min_value=0, max_value=9),
    separator=st.sampled_from(["/", ",", ";", "；", "、", "，", "|", " ", "\n", " / "]),
)
def test_mobiles_round_trip(numbers: list[str], form: int, separator: str) -> None:
    text = separator.join(_mobile_forms(n)[form] for n in numbers)
    assert parse_phones(text) == list(dict.fromkeys(numbers))


@FAST
@given(number=mobiles)
def test_mobile_from_excel_number(number: str) -> None:
    assert parse_phones(int(number)) == [number]
    assert parse_phones(float(number)) == [number]


@FAST
@given(
    area=st.sampled_from(["010", "021", "029", "0755", "0571", "0931"]),
    number=st.one_of(
        st.integers(min_value=2 * 10**6, max_value=10**7 - 1),
        st.integers(min_value=2 * 10**7, max_value=10**8 - 1),
    ).map(str),
    style=st.sampled_from(["dash", "paren", "glued", "space", "ext"]),
)
def test_landline_round_trip(area: str, number: str, style: str) -> None:
    text = {
        "dash": f"{area}-{number}",
        "paren": f"（{area}）{number}",
        "glued": area + number,
        "space": f"{area} {number}",
        "ext": f"{area}-{number}转12",
    }[style]
    expected = f"{area}-{number}" + ("-12" if style == "ext" else "")
    assert parse_phones(text) == [expected]
    assert parse_phones(number) == [number]


BUILDING_SUFFIXES = ["", "栋", "号楼", "幢", "座", "#", "号", "楼", " 栋"]
CHINESE_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    if n < 10:
        return CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (
        ("" if tens == 1 else CHINESE_DIGITS[tens]) + "十" + (CHINESE_DIGITS[ones] if ones else "")
    )


@FAST
@given(n=st.integers(min_value=0, max_value=10**9), suffix=st.sampled_from(BUILDING_SUFFIXES))
def test_building_number_round_trip(n: int, suffix: str) -> None:
    assert parse_building(str(n) + suffix) == str(n)
    assert parse_building(str(n).translate(FULL_WIDTH) + suffix) == str(n)
    assert parse_building(n) == str(n)


@FAST
@given(n=st.integers(min_value=1, max_value=99), suffix=st.sampled_from(BUILDING_SUFFIXES[1:]))
def test_building_chinese_numerals(n: int, suffix: str) -> None:
    assert parse_building(_chinese(n) + suffix) == str(n)
    assert parse_unit(_chinese(n) + "单元") == str(n)


@FAST
@given(
    prefix=st.sampled_from(["", "A", "B"]),
    number=st.integers(min_value=100, max_value=9999),
    suffix=st.sampled_from(["", "A", "B"]),
)
def test_room_round_trip_and_floor(prefix: str, number: int, suffix: str) -> None:
    room = f"{prefix}{number}{suffix}"
    assert parse_room(room) == room
    assert parse_room(room.lower() + "室") == room
    assert floor_of_room(room) == number // 100


# ------------------------------------------------- hypothesis: never crash oddly

cell_values = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.text(alphabet="0123456789０１２.,，-+¥元年月日号栋单元室()/ ", max_size=20),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.booleans(),
    st.decimals(),
)

PARSERS: list[Callable[[object], object]] = [
    parse_building,
    parse_unit,
    parse_room,
    parse_owner_name,
    parse_phones,
    parse_area,
    parse_money,
    parse_optional_money,
    parse_period,
    parse_date,
    parse_optional_date,
    parse_fee_type,
    parse_header,
]


@settings(max_examples=200, deadline=None, database=None)
@given(value=cell_values, parser=st.sampled_from(PARSERS))
def test_parsers_only_raise_value_problem(
    value: object, parser: Callable[[object], object]
) -> None:
    try:
        parser(value)
    except ValueProblem as problem:
        assert str(problem)
        assert "\n" not in str(problem)


def test_control_characters_never_reach_the_ledger() -> None:
    """An ESC or BEL in a billing export's cell would reach every terminal showing it."""
    assert clean_text("王\x1b[31m芳\x07") == "王[31m芳"
    assert clean_text("6栋\x00\x7f\x9b") == "6栋"
