"""The report as plain data for scripts (`callqueue report --json`).

Stable keys; money as decimal strings with two places ("12345.60"), rates as percent
strings ("52.39") or null, days and times in ISO form (CST). Codes (fee types, statuses,
roles, complaint categories) are the store's codes, not words.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from callqueue.progress.building_map import BuildingMap
from callqueue.progress.figures import FeeProgress
from callqueue.progress.report import Report


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def fee_json(fee: FeeProgress) -> dict[str, Any]:
    return {
        "fee_type": fee.fee_type,
        "arrears_at_start": _money(fee.baseline),
        "collected": _money(fee.collected),
        "rate": _money(fee.rate),
        "month_target": _money(fee.month_target),
        "cumulative_target": _money(fee.cumulative_target),
        "target_rate": _money(fee.target_rate),
        "expected_by_now": _money(fee.expected_by_now),
        "on_track": fee.on_track,
        "behind_by": _money(fee.behind_by),
        "gap": _money(fee.gap),
        "to_go": _money(fee.to_go),
        "per_working_day": _money(fee.per_working_day),
        "promised": _money(fee.promised),
        "expected_from_promises": _money(fee.expected_from_promises),
        "forecast": _money(fee.forecast),
        "forecast_rate": _money(fee.forecast_rate),
        "forecast_short": _money(fee.forecast_short),
    }


def report_json(report: Report) -> dict[str, Any]:
    plan = report.plan
    return {
        "scope": {
            "label": report.scope.label,
            "staff": report.scope.staff_code,
            "buildings": list(report.scope.buildings),
        },
        "moment": report.moment.isoformat(),
        "as_of": report.until.isoformat(),
        "month": report.month,
        "plan": {
            "name": plan.name,
            "start_month": plan.start_month,
            "end_month": plan.end_month,
            "fee_types": plan.fee_types,
            "split_to_buildings": sorted(plan.split_fees),
            "slips": [
                {
                    "building": building,
                    "fee_type": fee,
                    "month": row.month,
                    "typed_rate": _money(row.typed_rate),
                    "rate": _money(row.rate),
                }
                for building, fee, row in report.slips
            ],
        },
        "working_days": {
            "total": report.pace.total,
            "elapsed": report.pace.elapsed,
            "remaining": report.pace.remaining,
        },
        "warning": report.warning,
        "total": fee_json(report.total),
        "fees": [fee_json(fee) for fee in report.totals],
        "statuses": dict(report.statuses),
        "promise_keeping_prior": _money(report.keeping_prior),
        "buildings": [
            {
                "building": b.building,
                "behind": b.behind,
                "households": b.households,
                "statuses": dict(b.statuses),
                "total": fee_json(b.total),
                "fees": [fee_json(fee) for fee in b.fees],
            }
            for b in report.buildings
        ],
        "trend": [
            {
                "day": p.day.isoformat(),
                "working_day": p.working_day,
                "collected": _money(p.collected),
                "cumulative": _money(p.cumulative),
                "target": _money(p.target),
            }
            for p in report.trend
        ],
        "collectors": [
            {
                "staff": c.code or None,
                "name": c.name or None,
                "role": c.role or None,
                "attempts": c.attempts,
                "conversations": c.conversations,
                "promises_made": c.promises_made,
                "promises_kept": c.promises_kept,
                "collected": _money(c.collected),
                "received": _money(c.received),
            }
            for c in report.collectors
        ],
        "complaints": [
            {
                "category": r.category,
                "waiting": r.waiting,
                "by_age_days": {
                    label: count for label, count in zip(age_labels(), r.by_age, strict=True)
                },
                "in_progress": r.in_progress,
                "resolved_not_told": r.resolved_not_told,
                "disputes": r.disputes,
                "opened_this_month": r.opened_this_month,
                "closed_this_month": r.closed_this_month,
                "oldest_days": r.oldest_days,
            }
            for r in report.complaints
        ],
        "limitation_risk": [
            {
                "household": r.key,
                "building": r.building,
                "fee_type": r.fee_type,
                "period": r.period,
                "deadline": r.deadline.isoformat(),
                "days_left": r.days_left,
                "collectable": _money(r.collectable),
            }
            for r in report.at_risk
        ],
    }


def age_labels() -> list[str]:
    from callqueue.progress.complaints import AGE_BUCKETS, bucket_label

    return [bucket_label(b) for b in AGE_BUCKETS]


def map_json(building_map: BuildingMap) -> dict[str, Any]:
    return {
        "building": building_map.building,
        "moment": building_map.moment.isoformat(),
        "floors": [
            {
                "floor": floor,
                "cells": [
                    None
                    if cell is None
                    else {
                        "household": cell.key,
                        "status": cell.status.value,
                        "left": _money(cell.left),
                    }
                    for cell in building_map.row(floor)
                ],
            }
            for floor in building_map.floors
        ],
        "columns": [{"unit": unit, "room": room} for unit, room in building_map.columns],
        "counts": building_map.counts,
    }
