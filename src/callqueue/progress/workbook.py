"""The report as an Excel workbook for the monthly review (`callqueue report --xlsx FILE`).

Why a workbook: managers take the figures into their own sheets. So numbers are numbers
(money and rates with two places, never text), each sheet has one header row, frozen, and
columns are wide enough for Chinese text (a CJK character counts two). Sheets: summary,
per building, per collector, complaints, limitation risk, by day.

Text is text, never a formula: every cell goes through `safe_text.cell_value` (a plan named
`=1+1` gets a leading `'`). The file is whole or absent: built in memory, written to a
hidden `.part` file beside the target and renamed into place (`safe_text.write_whole`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from unicodedata import east_asian_width

from callqueue.i18n import _, complaint_category_label, fee_label, role_label
from callqueue.progress.complaints import AGE_BUCKETS, bucket_label
from callqueue.progress.figures import ALL_FEES, FeeProgress
from callqueue.progress.report import Report
from callqueue.progress.statuses import PLAN_STATUSES, status_label
from callqueue.safe_text import append_row, workbook_bytes, write_whole

MONEY = "#,##0.00"
RATE = "0.00"
MAX_WIDTH = 60


def _fee(code: str) -> str:
    return _("all fee types") if code == ALL_FEES else fee_label(code)


def _fee_headers() -> list[str]:
    return [
        _("arrears at plan start"),
        _("collected"),
        _("rate %"),
        _("month target"),
        _("cumulative target"),
        _("target rate %"),
        _("expected by now"),
        _("on track"),
        _("behind by"),
        _("per working day to catch up"),
        _("open promises"),
        _("forecast"),
        _("forecast rate %"),
    ]


def _fee_values(fee: FeeProgress) -> list[Any]:
    return [
        fee.baseline,
        fee.collected,
        fee.rate,
        fee.month_target,
        fee.cumulative_target,
        fee.target_rate,
        fee.expected_by_now,
        _("yes") if fee.on_track else _("no"),
        fee.behind_by,
        fee.per_working_day,
        fee.promised,
        fee.forecast,
        fee.forecast_rate,
    ]


def _cell_width(value: Any) -> int:
    """Columns the value takes in a spreadsheet: Chinese characters take two."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return len(f"{value:,.2f}")
    return sum(2 if east_asian_width(c) in "WF" else 1 for c in str(value))


def _sheet(
    workbook: Any,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    rates: Sequence[int] = (),
) -> Any:
    """A sheet with one frozen header row; Decimals become numbers (rates: `rates` columns)."""
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(title[:31])
    for cell in append_row(sheet, headers):
        cell.font = Font(bold=True)
    for row in rows:
        cells = append_row(sheet, [float(v) if isinstance(v, Decimal) else v for v in row])
        for index, (value, cell) in enumerate(zip(row, cells, strict=True)):
            if isinstance(value, Decimal):
                cell.number_format = RATE if index in rates else MONEY
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers):
        width = max([_cell_width(header), *(_cell_width(r[index]) for r in rows if index < len(r))])
        letter = sheet.cell(row=1, column=index + 1).column_letter
        sheet.column_dimensions[letter].width = min(width + 2, MAX_WIDTH)
    return sheet


def write_workbook(report: Report, path: Path) -> Path:
    """Write the report to `path` (.xlsx) and return it. On failure (OSError: a full disk,
    no permission) nothing is left at `path` and an earlier file there is unchanged."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    fee_rates = (2, 5, 12)  # the rate columns among _fee_values, for number formats

    summary_rows: list[list[Any]] = [[_fee(f.fee_type), *_fee_values(f)] for f in report.totals]
    summary_rows.append([_fee(ALL_FEES), *_fee_values(report.total)])
    summary_rows.append([])
    plan = report.plan
    summary_rows += [
        [_("scope"), report.scope.label],
        [_("as of"), report.until.strftime("%Y-%m-%d %H:%M")],
        [_("month"), report.month],
        [_("plan"), f"{plan.name} ({plan.start_month} – {plan.end_month})"],
        [
            _("working days"),
            _("{total} this month, {elapsed} gone, {remaining} left").format(
                total=report.pace.total,
                elapsed=report.pace.elapsed,
                remaining=report.pace.remaining,
            ),
        ],
        [_("promise-keeping rate (prior) %"), report.keeping_prior],
    ]
    summary_rows += [[status_label(s), report.statuses[s.value]] for s in PLAN_STATUSES]
    summary_rows += [
        [
            _("plan slip"),
            _("{fee} {month}: typed {typed}%, the amounts give {rate}%").format(
                fee=_fee(fee) + (f" ({building})" if building else ""),
                month=row.month,
                typed=row.typed_rate,
                rate=row.rate,
            ),
        ]
        for building, fee, row in report.slips
    ]
    summary = _sheet(
        workbook,
        _("summary"),
        [_("fee type"), *_fee_headers()],
        summary_rows,
        rates=[i + 1 for i in fee_rates],
    )
    summary.cell(row=len(report.totals) + 9, column=2).number_format = RATE

    building_rows = [
        [
            b.building,
            _fee(f.fee_type),
            *_fee_values(f),
            *(b.statuses[s.value] for s in PLAN_STATUSES),
        ]
        for b in report.buildings
        for f in (*b.fees, b.total)
    ]
    _sheet(
        workbook,
        _("per building"),
        [_("building"), _("fee type"), *_fee_headers(), *(status_label(s) for s in PLAN_STATUSES)],
        building_rows,
        rates=[i + 2 for i in fee_rates],
    )
    _sheet(
        workbook,
        _("per collector"),
        [
            _("staff code"),
            _("name"),
            _("role"),
            _("attempts"),
            _("conversations"),
            _("promises made"),
            _("promises kept"),
            _("collected"),
            _("received"),
        ],
        [
            [
                c.code,
                c.name,
                role_label(c.role) if c.role else "",
                c.attempts,
                c.conversations,
                c.promises_made,
                c.promises_kept,
                c.collected,
                c.received,
            ]
            for c in report.collectors
        ],
    )
    _sheet(
        workbook,
        _("complaints"),
        [
            _("category"),
            _("waiting"),
            *(_("{days} days").format(days=bucket_label(b)) for b in AGE_BUCKETS),
            _("in progress"),
            _("resolved, owner not told"),
            _("disputes"),
            _("opened this month"),
            _("closed this month"),
            _("oldest (days)"),
        ],
        [
            [
                complaint_category_label(r.category),
                r.waiting,
                *r.by_age,
                r.in_progress,
                r.resolved_not_told,
                r.disputes,
                r.opened_this_month,
                r.closed_this_month,
                r.oldest_days,
            ]
            for r in report.complaints
        ],
    )
    _sheet(
        workbook,
        _("limitation risk"),
        [
            _("household"),
            _("building"),
            _("fee type"),
            _("period"),
            _("deadline"),
            _("days left"),
            _("collectable"),
        ],
        [
            [r.key, r.building, _fee(r.fee_type), r.period, r.deadline, r.days_left, r.collectable]
            for r in report.at_risk
        ],
    )
    _sheet(
        workbook,
        _("by day"),
        [_("day"), _("working day"), _("collected"), _("cumulative"), _("target")],
        [
            [p.day, _("yes") if p.working_day else _("no"), p.collected, p.cumulative, p.target]
            for p in report.trend
        ],
    )
    write_whole(path, workbook_bytes(workbook))
    return path
