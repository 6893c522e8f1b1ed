"""Checking a raw ledger: every row to a `LedgerLine`, or every problem named by its line.

All rows are checked before anything is written; a single bad row means the import writes
nothing, so the problems are collected, never raised one at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from callqueue.household_key import make_key
from callqueue.i18n import SOURCE_LANGUAGE, _, current_language, join_clauses, pgettext
from callqueue.ledger import values as v
from callqueue.ledger.readers import RawLedger, RawRow
from callqueue.money import ZERO


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One checked charge line of an export."""

    line: int
    key: str
    building: str
    unit: str
    room: str
    owner: str
    phones: tuple[str, ...]
    area: Decimal | None
    fee_type: str
    period: str
    due_date: dt.date
    amount_due: Decimal
    amount_paid: Decimal

    @property
    def arrears(self) -> Decimal:
        return self.amount_due - self.amount_paid


@dataclass
class HouseholdRows:
    """What an export says about one household, gathered over its lines."""

    key: str
    building: str
    unit: str
    room: str
    owner: str
    area: Decimal | None
    first_line: int
    phones: list[str] = field(default_factory=list)
    lines: list[LedgerLine] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        """`line 3: …`, in the current language (the reason was written in it)."""
        return pgettext("import problem", "line {line}: {reason}").format(
            line=self.line, reason=self.reason
        )


@dataclass
class CheckedLedger:
    households: dict[str, HouseholdRows]
    lines: list[LedgerLine]
    problems: list[RowProblem]


def column_label(name: str) -> str:
    """A column as problems name it: `账期/period` (both, as exports may use either) in
    English; the export's own Chinese heading (`账期`) in Chinese."""
    label = v.COLUMN_LABELS[name]
    if current_language() == SOURCE_LANGUAGE:
        return label
    return label.split("/", 1)[0]


def _money(field: str) -> Callable[[object], object]:
    return lambda value: v.parse_money(value, field=field)


def _optional_money(field: str) -> Callable[[object], object]:
    return lambda value: v.parse_optional_money(value, field=field)


PARSERS: dict[str, Callable[[object], object]] = {
    "building": v.parse_building,
    "unit": v.parse_unit,
    "room": v.parse_room,
    "owner": v.parse_owner_name,
    "phone": v.parse_phones,
    "area": v.parse_area,
    "fee_type": v.parse_fee_type,
    "period": v.parse_period,
    "amount_due": _money("amount due"),
    "amount_paid": _optional_money("amount paid"),
    "arrears": _optional_money("arrears"),
    "due_date": v.parse_optional_date,
}


class _Cells:
    """Column parsers memoised for one import.

    An export repeats its values heavily (a household's building, room, owner and phones
    on each of its lines; a few fee types and periods), so each distinct cell value is
    parsed once. Parsers are pure; a value that fails is parsed again each time (rare).
    """

    def __init__(self) -> None:
        self.memo: dict[str, dict[tuple[type, object], object]] = {name: {} for name in PARSERS}

    def parse(self, name: str, value: object, reasons: list[str]) -> object:
        memo = self.memo[name]
        key = (type(value), value)  # 1, 1.0 and True are equal but are not the same cell
        try:
            return memo[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable cell: parse it without the memo
            key = None  # type: ignore[assignment]
        try:
            result = PARSERS[name](value)
        except v.ValueProblem as problem:
            reasons.append(
                pgettext("import problem", "{column}: {problem}").format(
                    column=column_label(name), problem=problem
                )
            )
            return None
        if key is not None:
            memo[key] = result
        return result


def check_ledger(raw: RawLedger, progress: Callable[[int], None] | None = None) -> CheckedLedger:
    """Check every row of `raw`; `progress(n)` is told how many rows were done so far."""
    lines: list[LedgerLine] = []
    problems: list[RowProblem] = []
    cells = _Cells()
    for number, row in enumerate(raw.rows, start=1):
        line, reasons = _check_row(row, cells)
        if line is None:
            problems.append(RowProblem(row.line, join_clauses(reasons)))
        else:
            lines.append(line)
        if progress is not None and number % 2000 == 0:
            progress(number)
    if progress is not None:
        progress(len(raw.rows))
    households = _gather(lines, problems)
    if not problems:
        problems.extend(_check_totals(raw, lines, cells))
    problems.sort(key=lambda p: p.line)
    return CheckedLedger(households, lines, problems)


def _check_row(row: RawRow, cells: _Cells) -> tuple[LedgerLine | None, list[str]]:
    reasons: list[str] = []
    get = row.cells.get
    building = cells.parse("building", get("building"), reasons)
    unit = cells.parse("unit", get("unit"), reasons)
    room = cells.parse("room", get("room"), reasons)
    owner = cells.parse("owner", get("owner"), reasons)
    phones = cells.parse("phone", get("phone"), reasons)
    area = cells.parse("area", get("area"), reasons)
    fee_type = cells.parse("fee_type", get("fee_type"), reasons)
    period = cells.parse("period", get("period"), reasons)
    due = cells.parse("amount_due", get("amount_due"), reasons)
    paid = cells.parse("amount_paid", get("amount_paid"), reasons)
    arrears = cells.parse("arrears", get("arrears"), reasons)
    due_date = cells.parse("due_date", get("due_date"), reasons)
    if reasons:
        return None, reasons
    assert isinstance(building, str) and isinstance(unit, str) and isinstance(room, str)
    assert isinstance(owner, str) and isinstance(fee_type, str) and isinstance(period, str)
    assert isinstance(due, Decimal) and isinstance(phones, list)
    assert area is None or isinstance(area, Decimal)
    amount_paid = paid if isinstance(paid, Decimal) else ZERO
    if amount_paid > due:
        reasons.append(
            _("amount paid {paid} is more than the amount due {due}").format(
                paid=amount_paid, due=due
            )
        )
    if isinstance(arrears, Decimal) and arrears != due - amount_paid:
        reasons.append(
            _(
                "arrears {arrears} is not amount due {due} minus amount paid {paid} "
                "(= {difference})"
            ).format(arrears=arrears, due=due, paid=amount_paid, difference=due - amount_paid)
        )
    if reasons:
        return None, reasons
    return (
        LedgerLine(
            line=row.line,
            key=make_key(building, unit, room),
            building=building,
            unit=unit,
            room=room,
            owner=owner,
            phones=tuple(phones),
            area=area,
            fee_type=fee_type,
            period=period,
            due_date=due_date if isinstance(due_date, dt.date) else v.last_day_of_period(period),
            amount_due=due,
            amount_paid=amount_paid,
        ),
        [],
    )


TOTAL_COLUMNS = ("amount_due", "amount_paid", "arrears")


def _check_totals(raw: RawLedger, lines: list[LedgerLine], cells: _Cells) -> list[RowProblem]:
    """A grand total row (合计) must agree with the lines: a truncated export will not."""
    sums = {
        "amount_due": sum((line.amount_due for line in lines), ZERO),
        "amount_paid": sum((line.amount_paid for line in lines), ZERO),
        "arrears": sum((line.arrears for line in lines), ZERO),
    }
    problems = []
    for total in raw.grand_totals:
        reasons: list[str] = []
        for name in TOTAL_COLUMNS:
            value = total.cells.get(name)
            if name not in raw.columns or value is None or not str(value).strip():
                continue
            stated = cells.parse(name, value, reasons)
            if isinstance(stated, Decimal) and stated != sums[name]:
                reasons.append(
                    _(
                        "the total row says {column} {stated} but the lines add up to "
                        "{sum}; is the export complete?"
                    ).format(
                        column=column_label(name), stated=f"{stated:,.2f}", sum=f"{sums[name]:,.2f}"
                    )
                )
        if reasons:
            problems.append(RowProblem(total.line, join_clauses(reasons)))
    return problems


def _fee_words(fee_type: str) -> str:
    """A fee type as the core's English names it (the code), or in words."""
    from callqueue.i18n import fee_label

    return fee_type if current_language() == SOURCE_LANGUAGE else fee_label(fee_type)


def _gather(lines: list[LedgerLine], problems: list[RowProblem]) -> dict[str, HouseholdRows]:
    """Group lines by household; a repeated charge or a conflicting owner/area is a problem."""
    households: dict[str, HouseholdRows] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for line in lines:
        charge = (line.key, line.fee_type, line.period)
        if charge in seen:
            problems.append(
                RowProblem(
                    line.line,
                    _("household {key} has {fee} for {period} already on line {other}").format(
                        key=line.key,
                        fee=_fee_words(line.fee_type),
                        period=line.period,
                        other=seen[charge],
                    ),
                )
            )
            continue
        seen[charge] = line.line
        house = households.get(line.key)
        if house is None:
            house = households[line.key] = HouseholdRows(
                line.key, line.building, line.unit, line.room, line.owner, line.area, line.line
            )
        elif line.owner != house.owner:
            problems.append(
                RowProblem(
                    line.line,
                    _(
                        "owner {owner} differs from {other} on line {line} for household {key}"
                    ).format(
                        owner=line.owner, other=house.owner, line=house.first_line, key=line.key
                    ),
                )
            )
            continue
        elif line.area is not None and house.area is not None and line.area != house.area:
            problems.append(
                RowProblem(
                    line.line,
                    _("area {area} differs from {other} on line {line} for household {key}").format(
                        area=line.area, other=house.area, line=house.first_line, key=line.key
                    ),
                )
            )
            continue
        if house.area is None:
            house.area = line.area
        for phone in line.phones:
            if phone not in house.phones:
                house.phones.append(phone)
        house.lines.append(line)
    return households
