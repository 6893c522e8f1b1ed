"""Reading a plan file: TOML (shaped like data/plan-source.toml) or CSV.

Plans are typed by hand, so every row is checked and every problem is named with its line
before anything is saved: a plan with one bad row is refused whole. CSV columns may be
named in English or Chinese (月份, 费用类型/收费项目, 金额/计划金额, 累计比例, 楼栋), the
file may be UTF-8 (with or without BOM), UTF-16 or GBK, like the billing exports.

A CSV plan has no name or baselines: its name is the file's, its start the earliest month,
and its arrears at plan start come from the ledger.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from callqueue.i18n import _
from callqueue.ledger.readers import FileProblem, decode
from callqueue.ledger.values import (
    ValueProblem,
    clean_text,
    parse_building,
    parse_fee_type,
    parse_header,
    parse_money,
    parse_period,
)
from callqueue.plan.spec import LineProblem, PlanInvalid, PlanSpec, TargetRow
from callqueue.safe_text import clean_input

COLUMNS = ("month", "fee_type", "amount", "typed_cumulative_rate", "building")
REQUIRED = ("month", "fee_type", "amount")

_ALIASES: dict[str, tuple[str, ...]] = {
    "month": ("month", "月份", "计划月份", "月度"),
    "amount": ("amount", "金额", "计划金额", "计划收费金额", "目标金额", "计划收费", "计划"),
    "typed_cumulative_rate": (
        "typed_cumulative_rate", "cumulative_rate", "rate", "累计比例", "累计完成率",
        "累计收费率", "累计收缴率", "累计比率", "累计",
    ),
}  # fmt: skip
_KEY_DROP = re.compile(r"[\s_\-*()（）%]")
_LOOKUP = {
    _KEY_DROP.sub("", alias.lower()): column
    for column, aliases in _ALIASES.items()
    for alias in aliases
}
_RATE = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*%?$")


def read_plan_file(path: Path) -> PlanSpec:
    """The plan in `path` (TOML or CSV, by content), checked row by row.

    Raises `PlanInvalid` listing every bad line, or `FileProblem` when the file as a whole
    cannot be read.
    """
    if not path.exists():
        raise FileProblem(_("{path}: no such file").format(path=path))
    if path.is_dir():
        raise FileProblem(_("{path} is a folder, not a file").format(path=path))
    data = path.read_bytes()
    if not data.strip():
        raise FileProblem(_("{path} is empty").format(path=path))
    text, _encoding = decode(data)
    if path.suffix.lower() == ".toml" or _looks_like_toml(text):
        return plan_from_toml(text, source=str(path))
    return plan_from_csv(text, source=str(path), name=path.stem)


def _looks_like_toml(text: str) -> bool:
    return "[[target]]" in text or re.search(r"^\s*start_month\s*=", text, re.M) is not None


# --- TOML ---------------------------------------------------------------------------------


def plan_from_toml(text: str, *, source: str = "plan") -> PlanSpec:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FileProblem(
            _("{source}: not valid TOML: {error}").format(source=source, error=error)
        ) from None
    problems: list[LineProblem] = []
    known = {"name", "start_month", "arrears_at_start", "target"}
    for key in sorted(set(data) - known):
        problems.append(LineProblem(_("file"), _("unknown key {key!r}").format(key=key)))
    name = clean_text(clean_input(str(data.get("name") or ""))) or Path(source).stem
    start = None
    if "start_month" in data:
        try:
            start = parse_period(data["start_month"])
        except ValueProblem as problem:
            problems.append(LineProblem("start_month", str(problem)))
    baselines: dict[str, Decimal] = {}
    arrears = data.get("arrears_at_start", {})
    if not isinstance(arrears, dict):
        problems.append(LineProblem("arrears_at_start", _("must be a table of fee type = amount")))
        arrears = {}
    for fee_text, amount_text in arrears.items():
        where = f"arrears_at_start.{fee_text}"
        try:
            fee = parse_fee_type(fee_text)
            baselines[fee] = parse_money(_no_float(amount_text), field=_("arrears"))
        except ValueProblem as problem:
            problems.append(LineProblem(where, str(problem)))
    entries = data.get("target", [])
    if not isinstance(entries, list):
        problems.append(LineProblem("target", _("write each target as a [[target]] table")))
        entries = []
    lines = _target_lines(text)
    rows: list[TargetRow] = []
    for index, entry in enumerate(entries):
        line = lines[index] if index < len(lines) else None
        where = _("target {n} (line {line})").format(n=index + 1, line=line or "?")
        if not isinstance(entry, dict):
            problems.append(LineProblem(where, _("not a table")))
            continue
        for key in sorted(set(entry) - set(COLUMNS)):
            problems.append(LineProblem(where, _("unknown key {key!r}").format(key=key)))
        row = _target_row({k: _no_float(v) for k, v in entry.items()}, line, where, problems)
        if row is not None:
            rows.append(row)
    return _finish(source, name, start, rows, baselines, problems)


def _no_float(value: Any) -> Any:
    """TOML floats are binary: a rate or amount must be written as a string or integer."""
    if isinstance(value, float):
        return repr(value)  # read back as text, so 58.93 stays 58.93
    return value


def _target_lines(text: str) -> list[int]:
    """The line of each `[[target]]` header, so TOML problems can name lines too."""
    return [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip().startswith("[[target]]")
    ]


# --- CSV ----------------------------------------------------------------------------------


def plan_from_csv(text: str, *, source: str = "plan", name: str = "plan") -> PlanSpec:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max([",", "\t", ";", "|"], key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    problems: list[LineProblem] = []
    columns: dict[str, int] | None = None
    rows: list[TargetRow] = []
    line = 1
    for cells in reader:
        here, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if columns is None:
            columns = _header(cells, here)
            continue
        values = {name: cells[i] if i < len(cells) else "" for name, i in columns.items()}
        where = _("line {line}").format(line=here)
        row = _target_row(values, here, where, problems)
        if row is not None:
            rows.append(row)
    if columns is None:
        raise FileProblem(_("{source}: no header row").format(source=source))
    return _finish(source, clean_input(name), None, rows, {}, problems)


def _header(cells: list[str], line: int) -> dict[str, int]:
    columns: dict[str, int] = {}
    for position, cell in enumerate(cells):
        text = clean_text(cell)
        column = _LOOKUP.get(_KEY_DROP.sub("", text.lower()))
        if column is None:
            found = parse_header(text)  # 楼栋, 收费项目, 费用类型, 月份… as in billing exports
            column = {"period": "month"}.get(found or "", found)
        if column in COLUMNS and column not in columns:
            columns[column] = position
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise FileProblem(
            _("line {line}: the header needs the columns {missing} (found: {found})").format(
                line=line, missing=", ".join(missing), found=", ".join(c for c in cells if c)
            )
        )
    return columns


# --- rows and the plan as a whole ---------------------------------------------------------


def _target_row(
    values: Mapping[str, Any], line: int | None, where: str, problems: list[LineProblem]
) -> TargetRow | None:
    """One target, or None with every problem of the row added to `problems`."""
    found: list[str] = []
    month = fee = amount = None
    rate: Decimal | None = None
    building: str | None = None
    try:
        month = parse_period(values.get("month"))
    except ValueProblem as problem:
        found.append(str(problem))
    try:
        fee = parse_fee_type(values.get("fee_type"))
    except ValueProblem as problem:
        found.append(str(problem))
    try:
        amount = parse_money(values.get("amount"), field=_("amount"))
    except ValueProblem as problem:
        found.append(str(problem))
    raw_rate = values.get("typed_cumulative_rate")
    if raw_rate is not None and str(raw_rate).strip():
        try:
            rate = parse_rate(raw_rate)
        except ValueProblem as problem:
            found.append(str(problem))
    raw_building = values.get("building")
    if raw_building is not None and str(raw_building).strip():
        try:
            building = parse_building(raw_building)
        except ValueProblem as problem:
            found.append(str(problem))
    if found:
        problems.append(LineProblem(where, "; ".join(found)))
        return None
    assert month is not None and fee is not None and amount is not None
    return TargetRow(month, fee, amount, rate, building, line)


def parse_rate(value: object) -> Decimal:
    """A typed cumulative rate in percent: `58.93`, `58.93%`, `90`; 0-100, two places."""
    text = clean_text(str(value))
    match = _RATE.fullmatch(text)
    if match is None:
        raise ValueProblem(
            _("rate {text!r} is not a percentage like 58.93 or 58.93%").format(text=text)
        )
    try:
        rate = Decimal(match.group(1))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise ValueProblem(_("rate {text!r} is not a number").format(text=text)) from None
    if rate > 100:
        raise ValueProblem(_("rate {text!r} is more than 100%").format(text=text))
    if rate != rate.quantize(Decimal("0.01")):
        raise ValueProblem(_("rate {text!r} has more than 2 decimal places").format(text=text))
    return rate.quantize(Decimal("0.01"))


def _finish(
    source: str,
    name: str,
    start: str | None,
    rows: list[TargetRow],
    baselines: dict[str, Decimal],
    problems: list[LineProblem],
) -> PlanSpec:
    problems += check_targets(rows, start)
    if not rows and not problems:
        problems.append(LineProblem(_("file"), _("the plan has no targets")))
    if problems:
        raise PlanInvalid(source, problems)
    first = start or min(t.month for t in rows)
    return PlanSpec(name=name, start_month=first, targets=tuple(rows), baselines=baselines)


def check_targets(rows: list[TargetRow], start: str | None) -> list[LineProblem]:
    """What is wrong with the rows together: duplicates, months before the start, and a fee
    type given both for the whole project and per building."""
    problems: list[LineProblem] = []
    seen: dict[tuple[str | None, str, str], TargetRow] = {}
    for row in rows:
        where = _where(row)
        key = (row.building, row.fee_type, row.month)
        if key in seen:
            problems.append(
                LineProblem(
                    where,
                    _("a second target for {what}; the first is on {first}").format(
                        what=_what(row), first=_where(seen[key])
                    ),
                )
            )
        else:
            seen[key] = row
        if start is not None and row.month < start:
            problems.append(
                LineProblem(
                    where,
                    _("month {month} is before the plan starts ({start})").format(
                        month=row.month, start=start
                    ),
                )
            )
    by_fee: dict[str, set[bool]] = {}
    for row in rows:
        by_fee.setdefault(row.fee_type, set()).add(row.building is None)
    for row in rows:
        if len(by_fee[row.fee_type]) == 2 and row.building is None:
            problems.append(
                LineProblem(
                    _where(row),
                    _(
                        "{fee} has targets per building and for the whole project; "
                        "give one or the other"
                    ).format(fee=row.fee_type),
                )
            )
    return problems


def _where(row: TargetRow) -> str:
    return _("line {line}").format(line=row.line) if row.line else _("a target")


def _what(row: TargetRow) -> str:
    place = _("building {b}").format(b=row.building) if row.building else _("the project")
    return f"{row.fee_type} {row.month}, {place}"
