"""Turn the messy cell values of Chinese billing exports into canonical values.

Property-management exports (CSV or XLSX) write the same thing in many ways:
full-width digits, '6栋' or '6号楼', '¥1,234.50', '2018年7月', Excel serial dates,
several phone numbers in one cell.  Every importer goes through these parsers so
that the rest of callqueue only ever sees one spelling, and so that a collector
gets a plain message naming the bad value instead of a stack trace, in the current
language (`callqueue.i18n`: made when the problem is raised).
"""

from __future__ import annotations

import calendar
import datetime
import functools
import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from callqueue.i18n import _, join_list, pgettext
from callqueue.safe_text import clean_input

__all__ = [
    "COLUMN_LABELS",
    "FEE_TYPES",
    "FEE_TYPE_LABELS_EN",
    "FEE_TYPE_LABELS_ZH",
    "REQUIRED_COLUMNS",
    "ValueProblem",
    "clean_text",
    "floor_of_room",
    "last_day_of_period",
    "parse_area",
    "parse_building",
    "parse_date",
    "parse_fee_type",
    "parse_header",
    "parse_money",
    "parse_optional_date",
    "parse_optional_money",
    "parse_owner_name",
    "parse_period",
    "parse_phones",
    "parse_room",
    "parse_unit",
]


class ValueProblem(ValueError):
    """A cell value that cannot be understood; the message names the value.

    `detail` is the message without its leading subject ("'2026-02-30' does not exist" for
    "date '2026-02-30' does not exist"), for a form whose field label already names it;
    `code` tells kinds of problem apart where a caller needs to (NOT_A_DATE).
    """

    def __init__(self, message: str, *, detail: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.detail = message if detail is None else detail
        self.code = code


NOT_A_DATE = "not_a_date"


def _kind_word(kind: str) -> str:
    """What a value is (the subject of a message), in the current language."""
    words = {
        "building": pgettext("value kind", "building"),
        "unit": pgettext("value kind", "unit"),
        "room": pgettext("value kind", "room"),
        "owner name": pgettext("value kind", "owner name"),
        "phone": pgettext("value kind", "phone"),
        "area": pgettext("value kind", "area"),
        "date": pgettext("value kind", "date"),
        "period": pgettext("value kind", "period"),
        "fee type": pgettext("value kind", "fee type"),
        "amount": pgettext("value kind", "amount"),
        "amount due": pgettext("value kind", "amount due"),
        "amount paid": pgettext("value kind", "amount paid"),
        "arrears": pgettext("value kind", "arrears"),
    }
    return words.get(kind, kind)


def _problem(kind: str, detail: str, *, code: str | None = None) -> ValueProblem:
    """ "{kind} {detail}" in the current language; `detail` alone when `kind` is ''."""
    if not kind:
        return ValueProblem(detail, code=code)
    message = pgettext("value problem", "{subject} {detail}").format(
        subject=_kind_word(kind), detail=detail
    )
    return ValueProblem(message, detail=detail, code=code)


def _empty(kind: str) -> ValueProblem:
    return _problem(kind, _("is empty"))


# --------------------------------------------------------------------------- text

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_NBSP = {ord(c): " " for c in "\u00a0\u2007\u202f\u3000"}
_WHITESPACE = re.compile(r"\s+")
_SHOW_MAX = 40


def clean_text(value: str) -> str:
    """NFKC-normalise, drop zero-width and control characters (an ESC in an owner's name
    would reach every terminal that shows it) and collapse whitespace to single spaces."""
    text = clean_input(value).translate(_ZERO_WIDTH).translate(_NBSP)
    text = unicodedata.normalize("NFKC", text)
    return _WHITESPACE.sub(" ", text).strip()


def _show(text: str) -> str:
    """Quote a value for a message, shortening very long cells."""
    if len(text) > _SHOW_MAX:
        text = text[: _SHOW_MAX - 1] + "…"
    return pgettext("quoted value", "'{value}'").format(value=text)


def _raw(value: object) -> str:
    """A best-effort text form of any cell value, for messages."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def _cell_text(value: object, kind: str) -> str:
    """Text of an identifier-like cell ('' when empty); whole numbers lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        raise _problem(
            kind,
            _("{value} is a yes/no value, not a {kind}").format(
                value=_show(str(value)), kind=_kind_word(kind)
            ),
        )
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        raise _problem(kind, _("{value} is not a whole number").format(value=_show(repr(value))))
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return str(int(value))
        raise _problem(kind, _("{value} is not a whole number").format(value=_show(str(value))))
    if isinstance(value, datetime.date):
        raise _problem(
            kind,
            _("{value} is a date, not a {kind}").format(
                value=_show(value.isoformat()), kind=_kind_word(kind)
            ),
        )
    raise _problem(
        kind,
        _("{value} is not a {kind}").format(value=_show(str(value)), kind=_kind_word(kind)),
    )


# ------------------------------------------------------------- building/unit/room

_CN_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3,
    "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CODE = re.compile(r"[A-Za-z0-9]{1,10}")
_DIGITS = re.compile(r"[0-9]+")


def _chinese_number(text: str) -> int | None:
    """'六' -> 6, '十二' -> 12, '二十' -> 20, '九十九' -> 99; None if not a numeral below 100."""
    if not text or any(c not in _CN_DIGITS and c != "十" for c in text):
        return None
    if "十" in text:
        if text.count("十") != 1:
            return None
        left, right = text.split("十")
        if len(left) > 1 or len(right) > 1:
            return None
        tens = _CN_DIGITS[left] if left else 1
        if tens == 0:
            return None
        return tens * 10 + (_CN_DIGITS[right] if right else 0)
    if len(text) > 2:
        return None
    number = 0
    for char in text:
        number = number * 10 + _CN_DIGITS[char]
    return number


def _parse_code(text: str, kind: str, suffix: re.Pattern[str], hint: str, *, chinese: bool) -> str:
    """Shared rules for building / unit / room codes (text is already cleaned, non-empty)."""
    core = suffix.sub("", text).strip()
    if not core:
        raise _problem(
            kind, _("{value} has no number; {hint}").format(value=_show(text), hint=hint)
        )
    if chinese:
        number = _chinese_number(core)
        if number is not None:
            return str(number)
    if "-" in core:
        raise _problem(kind, _("{value} contains '-'; {hint}").format(value=_show(text), hint=hint))
    if " " in core:
        raise _problem(
            kind, _("{value} contains a space; {hint}").format(value=_show(text), hint=hint)
        )
    if len(core) > 10 and re.fullmatch(r"[A-Za-z0-9]+", core):
        raise _problem(kind, _("{value} is longer than 10 characters").format(value=_show(text)))
    if any(c in "〇零一二两三四五六七八九十百千" for c in core):
        raise _problem(
            kind,
            _("{value} is not a number we can read; write it in digits").format(value=_show(text)),
        )
    if not _CODE.fullmatch(core):
        raise _problem(
            kind,
            _("{value} may only contain letters and digits; {hint}").format(
                value=_show(text), hint=hint
            ),
        )
    if _DIGITS.fullmatch(core):
        return str(int(core))
    return core.upper()


_BUILDING_SUFFIX = re.compile(r"^第|\s*(?:号楼|栋|幢|座|#|号|楼)$")
_UNIT_SUFFIX = re.compile(r"^第|\s*单元$")
_ROOM_SUFFIX = re.compile(r"\s*(?:室|房|号|户)$")


def parse_building(value: object) -> str:
    """Building code: '6栋', '6号楼', '六栋', 6.0 -> '6'; 'a3栋' -> 'A3'."""
    text = _cell_text(value, "building")
    if not text:
        raise _empty("building")
    return _parse_code(
        text,
        "building",
        _BUILDING_SUFFIX,
        _("write only the building number (e.g. 6 or A3) and put the unit in its own column"),
        chinese=True,
    )


def parse_unit(value: object) -> str:
    """Unit code, optional: '2单元', '二单元', 2.0 -> '2'; empty -> '' (no unit)."""
    text = _cell_text(value, "unit")
    if not text:
        return ""
    return _parse_code(
        text,
        "unit",
        _UNIT_SUFFIX,
        _("write only the unit number (e.g. 2 or A)"),
        chinese=True,
    )


def parse_room(value: object) -> str:
    """Room number: '1203室', 1203.0 -> '1203'; '1203a' -> '1203A'; '0501' -> '501'."""
    text = _cell_text(value, "room")
    if not text:
        raise _empty("room")
    return _parse_code(
        text,
        "room",
        _ROOM_SUFFIX,
        _("put the unit in its own column"),
        chinese=False,
    )


_ROOM_DIGITS = re.compile(r"[A-Za-z]*([0-9]+)")


def floor_of_room(room: str) -> int | None:
    """Floor encoded in a room number ('1203' -> 12, 'B501' -> 5); None if it cannot tell."""
    match = _ROOM_DIGITS.match(room.strip())
    if match is None:
        return None
    digits = match.group(1)
    if len(digits) < 3:
        return None
    floor = int(digits[:-2])
    return floor or None


# ------------------------------------------------------------------------- owner

_DOTS = "\u00b7\u0387\u30fb\uff65\u2022\u2027\u2219\u22c5.\uff0e\u318d\u119e"
_DOT_RUN = re.compile(r"(?:\s*[" + re.escape(_DOTS) + r"]\s*)+")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")
_NAME_PUNCT = {ord(c): "'" for c in "\u2018\u2019\u02bc`\u00b4"} | {
    ord(c): "-" for c in "\u2010\u2011"
}
_NAME_MAX = 40


def parse_owner_name(value: object) -> str:
    """Owner name: trims, joins spaced-out Chinese names, normalises middle dots to '·'."""
    text = _cell_text(value, "owner name")
    if not text:
        raise _empty("owner name")
    name = text.translate(_NAME_PUNCT)
    name = _DOT_RUN.sub("·", name).strip("·").strip()
    name = _CJK_SPACE.sub("", name)
    for char in name:
        if char in "·-' ":
            continue
        category = unicodedata.category(char)
        if category[0] == "N":
            raise _problem(
                "owner name",
                _("{value} contains the digit '{char}'").format(value=_show(text), char=char),
            )
        if category[0] not in "LM":
            raise _problem(
                "owner name",
                _("{value} contains '{char}'; only letters, spaces and · - ' are allowed").format(
                    value=_show(text), char=char
                ),
            )
    if not any(unicodedata.category(c)[0] == "L" for c in name):
        raise _problem("owner name", _("{value} has no letters").format(value=_show(text)))
    if len(name) > _NAME_MAX:
        raise _problem(
            "owner name",
            _("{value} is longer than {limit} characters").format(
                value=_show(text), limit=_NAME_MAX
            ),
        )
    return name


# ------------------------------------------------------------------------ phones

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_PHONE_GROUP_SPLIT = re.compile(r"[/,;、|]+")
_PHONE_CHARS = re.compile(r"[0-9\-.()+]+")
_PHONE_EXT_GAP = re.compile(r"\s*(转|分机|ext\.?)\s*", re.IGNORECASE)
_PHONE_PUNCT = re.compile(r"[\-.()]")
_PHONE_EXT = re.compile(r"(.+?)-?(?:转|分机|ext\.?|x)([0-9]{1,6})", re.IGNORECASE)
_PHONE_DASH_EXT = re.compile(r"(.+)-([0-9]{1,6})")
_PHONE_MAX_JOIN = 4


def _landline(digits: str) -> str | None:
    """'075512345678' -> '0755-12345678'; '12345678' -> '12345678'; None if neither."""
    if not _DIGITS.fullmatch(digits):
        return None
    if digits[0] == "0":
        if len(digits) < 3 or digits[1] == "0":
            return None
        area_len = 3 if digits[1] in "12" else 4
        area, number = digits[:area_len], digits[area_len:]
        if 7 <= len(number) <= 8:
            return f"{area}-{number}"
        return None
    if digits[0] != "1" and 7 <= len(digits) <= 8:
        return digits
    return None


def _normalize_phone(token: str) -> str | None:
    """Canonical form of one phone token, or None if it is not a phone number."""
    main, ext = token, None
    match = _PHONE_EXT.fullmatch(token)
    if match:
        main, ext = match.group(1), match.group(2)
    if not _PHONE_CHARS.fullmatch(main):
        return None
    digits = _PHONE_PUNCT.sub("", main)
    if "+" in digits[1:]:
        return None
    if ext is not None:
        line = _landline(digits)
        return f"{line}-{ext}" if line else None
    for prefix in ("+86", "0086", "86", ""):
        rest = digits[len(prefix) :]
        if digits.startswith(prefix) and _MOBILE.fullmatch(rest):
            return rest
    if digits.startswith("+"):
        return None
    line = _landline(digits)
    if line:
        return line
    match = _PHONE_DASH_EXT.fullmatch(main)
    if match:
        line = _landline(_PHONE_PUNCT.sub("", match.group(1)))
        if line:
            return f"{line}-{match.group(2)}"
    return None


def _phone_problem(shown: str) -> ValueProblem:
    return _problem(
        "phone",
        _(
            "{value} is not a mobile (11 digits from 1) or a landline (area code and 7-8 digits)"
        ).format(value=_show(shown)),
    )


def parse_phones(value: object) -> list[str]:
    """All phone numbers in a cell, canonical and de-duplicated; empty -> []."""
    text = _cell_text(value, "phone")
    found: list[str] = []
    for group in _PHONE_GROUP_SPLIT.split(text):
        tokens = _PHONE_EXT_GAP.sub(r"\1", group).split()
        i = 0
        while i < len(tokens):
            # A token that is not a number on its own may be the first piece of one that
            # was written with spaces ('+86 138 1234 5678', '0755 12345678').
            for span in range(1, min(_PHONE_MAX_JOIN, len(tokens) - i) + 1):
                phone = _normalize_phone("".join(tokens[i : i + span]))
                if phone is not None:
                    if phone not in found:
                        found.append(phone)
                    i += span
                    break
            else:
                token = tokens[i]
                digit_count = sum(c.isdigit() for c in token)
                if _PHONE_CHARS.fullmatch(token) and digit_count < 7 and i + 1 < len(tokens):
                    token = " ".join(tokens[i : i + _PHONE_MAX_JOIN])
                raise _phone_problem(token)
    return found


# ----------------------------------------------------------------------- numbers

_CURRENCY_PREFIX = re.compile(r"^(?:¥|RMB|CNY|人民币)\s*", re.IGNORECASE)
_CURRENCY_SUFFIX = re.compile(r"\s*(?:元整|元|RMB|CNY)$", re.IGNORECASE)
_AREA_SUFFIX = re.compile(r"\s*(?:平方米|平米|平方|m2|m\^2|sqm)$", re.IGNORECASE)
_NUMBER = re.compile(
    r"(?P<int>[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+)?"
    r"(?:\.(?P<frac>[0-9]+))?"
)
_CENT = Decimal("0.01")
_MONEY_LIMIT = Decimal(10) ** 12
_AREA_LIMIT = Decimal(100000)


def _split_number(text: str, *, currency: bool) -> tuple[bool, str, str] | None:
    """Split '¥-1,234.50' into (negative, '1234', '50'); None if it is not a number."""
    s = text.replace("\u2212", "-")
    negative = signed = False
    for _attempt in range(3):
        before = s
        bracketed = re.fullmatch(r"\((.*)\)", s)
        if bracketed:
            negative, s = True, bracketed.group(1).strip()
        if currency:
            s = _CURRENCY_SUFFIX.sub("", _CURRENCY_PREFIX.sub("", s))
        if s[:1] in ("+", "-"):
            if signed:
                return None
            signed, negative = True, negative or s[0] == "-"
            s = s[1:].strip()
        if s == before:
            break
    match = _NUMBER.fullmatch(s)
    if match is None or (match.group("int") is None and match.group("frac") is None):
        return None
    whole = (match.group("int") or "0").replace(",", "").replace(" ", "")
    return negative, whole, match.group("frac") or ""


def _float_decimal(value: float, kind: str) -> Decimal:
    """Exact decimal of what Excel displayed (via repr), never Decimal(float)."""
    if not math.isfinite(value):
        raise _problem(kind, _("{value} is not a number").format(value=_show(repr(value))))
    return Decimal(repr(value))


def _too_many_places(field: str, shown: str) -> ValueProblem:
    return _problem(field, _("{value} has more than 2 decimal places").format(value=_show(shown)))


def _money(value: object, field: str) -> Decimal | None:
    """Shared body of parse_money / parse_optional_money; None for an empty cell."""
    if value is None:
        return None
    shown = _raw(value)
    if isinstance(value, bool):
        raise _problem(
            field, _("{value} is a yes/no value, not an amount").format(value=_show(shown))
        )
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        # The only input where rounding is allowed: binary noise like 0.30000000000000004.
        amount = _float_decimal(value, field)
        if abs(amount) < _MONEY_LIMIT:
            amount = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise _problem(field, _("{value} is not a number").format(value=_show(shown)))
        amount = value
        if abs(amount) < _MONEY_LIMIT and amount != amount.quantize(_CENT):
            raise _too_many_places(field, shown)
    elif isinstance(value, str):
        text = clean_text(value)
        if not text:
            return None
        parts = _split_number(text, currency=True)
        if parts is None:
            raise _problem(
                field,
                _("{value} is not an amount; write it like 1234.50 or 1,234.50").format(
                    value=_show(text)
                ),
            )
        negative, whole, frac = parts
        if len(frac.rstrip("0")) > 2:
            raise _too_many_places(field, text)
        amount = Decimal(f"{'-' if negative else ''}{whole}.{frac[:2] or '0'}")
    else:
        raise _problem(field, _("{value} is not an amount").format(value=_show(shown)))
    if amount < 0:
        raise _problem(field, _("{value} is negative").format(value=_show(shown)))
    if amount >= _MONEY_LIMIT:
        raise _problem(field, _("{value} is too large").format(value=_show(shown)))
    if amount.is_zero():
        return Decimal("0.00")
    return amount.quantize(_CENT)


def parse_money(value: object, *, field: str = "amount") -> Decimal:
    """Exact yuan amount with at most 2 decimals: '¥1,234.5' -> Decimal('1234.50')."""
    amount = _money(value, field)
    if amount is None:
        raise _empty(field)
    return amount


def parse_optional_money(value: object, *, field: str = "amount") -> Decimal | None:
    """Like parse_money, but an empty cell gives None."""
    return _money(value, field)


def parse_area(value: object) -> Decimal | None:
    """Floor area in m², rounded half-up to 2 places: '89.50㎡' -> Decimal('89.50')."""
    if value is None:
        return None
    shown = _raw(value)
    if isinstance(value, bool):
        raise _problem(
            "area", _("{value} is a yes/no value, not an area").format(value=_show(shown))
        )
    if isinstance(value, int):
        area = Decimal(value)
    elif isinstance(value, float):
        area = _float_decimal(value, "area")
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise _problem("area", _("{value} is not a number").format(value=_show(shown)))
        area = value
    elif isinstance(value, str):
        text = clean_text(value)
        if not text:
            return None
        parts = _split_number(_AREA_SUFFIX.sub("", text), currency=False)
        if parts is None:
            raise _problem(
                "area", _("{value} is not a number of m² like 89.5").format(value=_show(text))
            )
        negative, whole, frac = parts
        area = Decimal(f"{'-' if negative else ''}{whole}.{frac or '0'}")
    else:
        raise _problem("area", _("{value} is not an area").format(value=_show(shown)))
    if -_AREA_LIMIT < area < _AREA_LIMIT:
        area = area.quantize(_CENT, rounding=ROUND_HALF_UP)
    if not 0 < area < _AREA_LIMIT:
        raise _problem(
            "area",
            _("{value} must be more than 0 and less than 100000 m²").format(value=_show(shown)),
        )
    return area


# ------------------------------------------------------------------ dates/periods

_YEAR_MIN, _YEAR_MAX = 1990, 2100
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 20000, 80000
_TIME = r"(?:\s*T?\s*[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
_DATE_PATTERNS = (
    re.compile(r"([0-9]{4})\s*([-/.])\s*([0-9]{1,2})\s*\2\s*([0-9]{1,2})" + _TIME, re.IGNORECASE),
    re.compile(r"([0-9]{4})\s*(年)\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*[日号]"),
    re.compile(r"([0-9]{4})()([0-9]{2})([0-9]{2})"),
)
_PERIOD_PATTERNS = (
    re.compile(r"([0-9]{4})\s*[-/.]\s*([0-9]{1,2})"),
    re.compile(r"([0-9]{4})\s*年\s*([0-9]{1,2})\s*月份?"),
    re.compile(r"([0-9]{4})([0-9]{2})"),
)


def _check_year(year: int, kind: str, shown: str) -> None:
    if not _YEAR_MIN <= year <= _YEAR_MAX:
        raise _problem(
            kind,
            _("{value} has year {year}; expected {first}-{last}").format(
                value=_show(shown), year=year, first=_YEAR_MIN, last=_YEAR_MAX
            ),
        )


def _date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) written in one of the supported date spellings, unchecked."""
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return int(match.group(1)), int(match.group(3)), int(match.group(4))
    return None


def _make_date(year: int, month: int, day: int, kind: str, shown: str) -> datetime.date:
    _check_year(year, kind, shown)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise _problem(kind, _("{value} does not exist").format(value=_show(shown))) from None


def _not_a_date(shown: str) -> ValueProblem:
    return _problem("date", _("{value} is not a date").format(value=_show(shown)), code=NOT_A_DATE)


def _not_a_date_like(shown: str) -> ValueProblem:
    return _problem(
        "date",
        _("{value} is not a date like 2018-07-31").format(value=_show(shown)),
        code=NOT_A_DATE,
    )


def _date(value: object) -> datetime.date | None:
    """Shared body of parse_date / parse_optional_date; None for an empty cell."""
    if value is None:
        return None
    shown = _raw(value)
    if isinstance(value, datetime.datetime):
        result = value.date()
        _check_year(result.year, "date", shown)
        return result
    if isinstance(value, datetime.date):
        _check_year(value.year, "date", shown)
        return value
    if isinstance(value, bool):
        raise _problem(
            "date",
            _("{value} is a yes/no value, not a date").format(value=_show(shown)),
        )
    if isinstance(value, (int, float, Decimal)):
        if not (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)):
            raise _not_a_date(shown)
        if _SERIAL_MIN <= value <= _SERIAL_MAX:
            result = _EXCEL_EPOCH + datetime.timedelta(days=int(value))
            _check_year(result.year, "date", shown)
            return result
        if value != int(value):
            raise _not_a_date_like(shown)
        text = str(int(value))
    elif isinstance(value, str):
        text = clean_text(value)
        if not text:
            return None
        shown = text
    else:
        raise _not_a_date(shown)
    parts = _date_parts(text)
    if parts is None:
        raise _not_a_date_like(shown)
    return _make_date(*parts, "date", shown)


def parse_date(value: object) -> datetime.date:
    """A date: '2018-07-31', '2018年7月31日', 20180731, Excel serial 43312, date/datetime."""
    result = _date(value)
    if result is None:
        raise _empty("date")
    return result


def parse_optional_date(value: object) -> datetime.date | None:
    """Like parse_date, but an empty cell gives None."""
    return _date(value)


def parse_period(value: object) -> str:
    """Billing period as 'YYYY-MM': '2018年7月', '2018/7', 201807, '2018-07-01' -> '2018-07'."""
    if value is None:
        raise _empty("period")
    shown = _raw(value)
    if isinstance(value, datetime.date):
        _check_year(value.year, "period", shown)
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
        # A period typed as 2018.07 becomes a number in Excel; 2018.10 then shows as 2018.1.
        if re.fullmatch(r"[0-9]{4}\.[0-9]", repr(value)):
            raise _problem(
                "period",
                _("{value} could be month 1 or 10; format the cell as text, e.g. 2018-10").format(
                    value=_show(repr(value))
                ),
            )
        value = repr(value)
    text = _cell_text(value, "period")
    if not text:
        raise _empty("period")
    for pattern in _PERIOD_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            _check_year(year, "period", text)
            if not 1 <= month <= 12:
                raise _problem(
                    "period",
                    _("{value} has month {month}; months are 1-12").format(
                        value=_show(text), month=month
                    ),
                )
            return f"{year:04d}-{month:02d}"
    parts = _date_parts(text)
    if parts is None:
        raise _problem(
            "period",
            _("{value} is not a month like 2018-07 or 2018年7月").format(value=_show(text)),
        )
    day = _make_date(*parts, "period", text)
    return f"{day.year:04d}-{day.month:02d}"


@functools.lru_cache(maxsize=4096)
def last_day_of_period(period: str) -> datetime.date:
    """Last calendar day of a billing period: '2018-02' -> date(2018, 2, 28)."""
    year, month = map(int, parse_period(period).split("-"))
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


# ---------------------------------------------------------------------- fee types

FEE_TYPES: tuple[str, ...] = (
    "property", "electricity", "water", "parking", "gas", "heating", "waste", "shared",
)  # fmt: skip

FEE_TYPE_LABELS_ZH: dict[str, str] = {
    "property": "物业费",
    "electricity": "电费",
    "water": "水费",
    "parking": "车位费",
    "gas": "燃气费",
    "heating": "供暖费",
    "waste": "垃圾费",
    "shared": "公摊费",
}

FEE_TYPE_LABELS_EN: dict[str, str] = {
    "property": "property fee",
    "electricity": "electricity",
    "water": "water",
    "parking": "parking",
    "gas": "gas",
    "heating": "heating",
    "waste": "waste",
    "shared": "shared costs",
}

_FEE_ALIASES: dict[str, tuple[str, ...]] = {
    "property": (
        "物业费", "物业管理费", "物管费", "物业服务费",
        "property", "property fee", "management fee",
    ),
    "electricity": ("电费", "电费(居民)", "居民电费", "electricity", "power"),
    "water": ("水费", "自来水费", "water"),
    "parking": ("车位费", "停车费", "车位管理费", "车位服务费", "parking"),
    "gas": ("燃气费", "气费", "天然气费", "gas"),
    "heating": ("暖气费", "供暖费", "采暖费", "heating"),
    "waste": ("垃圾费", "垃圾处理费", "垃圾清运费", "waste"),
    "shared": ("公摊费", "公摊电费", "公共能耗费", "公区电费", "shared", "shared costs"),
}  # fmt: skip

_KEY_DROP = re.compile(r"[\s_\-*]")


def _key(text: str) -> str:
    """Lookup key: cleaned, lower case, without spaces, '_', '-' or '*'."""
    return _KEY_DROP.sub("", clean_text(text).lower())


_FEE_LOOKUP: dict[str, str] = {
    _key(alias): code for code, aliases in _FEE_ALIASES.items() for alias in aliases
}


def parse_fee_type(value: object) -> str:
    """Fee type code ('property', 'electricity', ...) from a Chinese or English name."""
    text = _cell_text(value, "fee type")
    if not text:
        raise _empty("fee type")
    code = _FEE_LOOKUP.get(_key(text))
    if code is None:
        names = join_list([FEE_TYPE_LABELS_ZH[c] for c in FEE_TYPES])
        raise _problem(
            "fee type",
            _("{value} is not known; use one of {names}").format(value=_show(text), names=names),
        )
    return code


# ------------------------------------------------------------------------ headers

REQUIRED_COLUMNS: tuple[str, ...] = (
    "building", "room", "owner", "fee_type", "period", "amount_due",
)  # fmt: skip

COLUMN_LABELS: dict[str, str] = {
    "building": "楼栋/building",
    "unit": "单元/unit",
    "room": "房号/room",
    "owner": "业主姓名/owner",
    "phone": "联系电话/phone",
    "area": "建筑面积/area",
    "fee_type": "费用项目/fee type",
    "period": "账期/period",
    "amount_due": "应收金额/amount due",
    "amount_paid": "已收金额/amount paid",
    "arrears": "欠费金额/arrears",
    "due_date": "应缴日期/due date",
}

_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "building": ("楼栋", "楼栋号", "楼号", "栋号", "栋", "楼宇", "building", "bldg"),
    "unit": ("单元", "单元号", "unit"),
    "room": ("房号", "房间号", "房屋编号", "室号", "门牌号", "room", "room_no"),
    "owner": (
        "业主姓名", "业主", "姓名", "客户名称", "客户姓名", "户主",
        "owner", "owner_name", "name",
    ),
    "phone": (
        "联系电话", "电话", "手机", "手机号", "手机号码", "联系方式", "电话号码",
        "phone", "phones", "mobile", "tel",
    ),
    "area": ("建筑面积", "面积", "房屋面积", "area"),
    "fee_type": (
        "费用项目", "收费项目", "费项", "费用类型", "费用名称", "收费项目名称",
        "fee_type", "fee", "charge",
    ),
    "period": (
        "账期", "所属期间", "计费周期", "计费期间", "期间", "月份", "所属月份", "费用月份",
        "period", "billing_period",
    ),
    "amount_due": ("应收金额", "应收", "应缴金额", "应收款", "amount_due", "due"),
    "amount_paid": ("已收金额", "实收金额", "已缴金额", "已收", "实收", "amount_paid", "paid"),
    "arrears": ("欠费金额", "欠费", "欠款金额", "欠缴金额", "未收金额", "arrears", "outstanding"),
    "due_date": ("应缴日期", "缴费截止日期", "截止日期", "到期日", "应收日期", "due_date"),
}  # fmt: skip

_TRAILING_BRACKET = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]$")


def _header_key(text: str) -> str:
    key = _key(text).rstrip(":")
    while True:
        shorter = _TRAILING_BRACKET.sub("", key).rstrip(":")
        if shorter == key:
            return key
        key = shorter


_HEADER_LOOKUP: dict[str, str] = {
    _header_key(alias): column for column, aliases in _HEADER_ALIASES.items() for alias in aliases
}


def parse_header(value: object) -> str | None:
    """Canonical column name for a header cell ('应收金额(元)' -> 'amount_due'), else None."""
    if value is None or isinstance(value, bool):
        return None
    text = _raw(value)
    column = _HEADER_LOOKUP.get(_header_key(text))
    if column is None and "/" in text:
        # Headers written like our own labels, e.g. '楼栋/building'.
        found = {_HEADER_LOOKUP.get(_header_key(part)) for part in text.split("/")}
        found.discard(None)
        if len(found) == 1:
            column = found.pop()
    return column
