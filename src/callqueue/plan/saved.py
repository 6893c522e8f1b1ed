"""The plan in the store: load it, replace it in one transaction, edit one target.

The project has one plan at a time (the latest `CollectionPlan`); saving a new one replaces
it whole, so a half-saved plan is never seen. Editing a building's target on a fee type the
plan gives project-wide first writes that fee type's split per building (the same figures
the reports showed), then changes the one amount: from then on that fee type's plan is per
building and the project's target is their sum. A typed rate on an edited row is dropped:
it was typed for the old amount.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from callqueue.audit import AuditAction, add_audit
from callqueue.clock import now as clock_now
from callqueue.i18n import _
from callqueue.ledger.values import ValueProblem, parse_building, parse_fee_type, parse_period
from callqueue.money import CENT, from_fen
from callqueue.plan.resolve import ResolvedPlan, resolve_in
from callqueue.plan.spec import LineProblem, PlanInvalid, PlanSpec, TargetRow
from callqueue.safe_text import clean_input
from callqueue.store.models import (
    Building,
    CollectionPlan,
    PlanBaseline,
    PlanTarget,
    Role,
    Staff,
    table_of,
)

if TYPE_CHECKING:
    from callqueue.store.database import Store


class PlanError(ValueError):
    """A plan operation that cannot be done; the message says why (no plan, not allowed…)."""


def load_plan(session: Session) -> tuple[int, PlanSpec] | None:
    """The plan in force (the latest saved) and its id, or None when there is none."""
    p, pb, pt, b = (table_of(m).c for m in (CollectionPlan, PlanBaseline, PlanTarget, Building))
    head = session.execute(select(p.id, p.name, p.start_month).order_by(p.id.desc())).first()
    if head is None:
        return None
    plan_id, name, start = head
    codes: dict[int, str] = {i: code for i, code in session.execute(select(b.id, b.code))}
    baselines: dict[str, Decimal] = {}
    per_building: dict[tuple[str, str], Decimal] = {}
    for building_id, fee, arrears in session.execute(
        select(pb.building_id, pb.fee_type, pb.arrears).where(pb.plan_id == plan_id)
    ):
        amount = Decimal(arrears)  # the column type gives exact yuan already
        if building_id is None:
            baselines[fee] = amount
        else:
            per_building[codes[building_id], fee] = amount
    targets = tuple(
        TargetRow(
            month,
            fee,
            Decimal(amount),
            None if rate is None else Decimal(rate),
            None if building_id is None else codes[building_id],
        )
        for building_id, fee, month, amount, rate in session.execute(
            select(pt.building_id, pt.fee_type, pt.month, pt.amount, pt.typed_cumulative_rate)
            .where(pt.plan_id == plan_id)
            .order_by(pt.fee_type, pt.month, pt.building_id, pt.id)
        )
    )
    spec = PlanSpec(name, start, targets, baselines, per_building)
    return plan_id, spec


def plan_in_force(session: Session) -> ResolvedPlan | None:
    """The saved plan resolved to buildings against the ledger, or None without a plan."""
    found = load_plan(session)
    if found is None:
        return None
    plan_id, spec = found
    return resolve_in(session, spec, plan_id)


def save_plan(
    store: Store, spec: PlanSpec, *, staff_code: str | None = None, now: dt.datetime | None = None
) -> int:
    """Replace the plan with `spec` in one transaction; returns the new plan's id.

    Raises `PlanInvalid` (nothing written) when a row names a building the project lacks.
    The audit log names `staff_code` (None: the database's owner, single-user mode). The
    plan's name is kept without control characters (`safe_text.clean_input`).
    """
    spec = dataclasses.replace(spec, name=clean_input(spec.name))
    with store.write_session() as session, session.begin():
        plan_id = _write(session, spec)
        _audit_plan(session, AuditAction.SAVE_PLAN, plan_id, spec, staff_code, now, {})
        return plan_id


def _spec_values(spec: PlanSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "start_month": spec.start_month,
        "baselines": spec.baselines,
        "building_baselines": {f"{b}/{fee}": v for (b, fee), v in spec.building_baselines.items()},
        "targets": [
            {
                "month": t.month,
                "fee_type": t.fee_type,
                "amount": t.amount,
                "typed_rate": t.typed_rate,
                "building": t.building,
            }
            for t in spec.targets
        ],
    }


def _audit_plan(
    session: Session,
    action: AuditAction,
    plan_id: int,
    spec: PlanSpec,
    staff_code: str | None,
    now: dt.datetime | None,
    extra: dict[str, Any],
) -> None:
    staff_id = None
    if staff_code is not None:
        s = table_of(Staff).c
        staff_id = session.execute(select(s.id).where(s.code == staff_code.strip())).scalar()
    add_audit(
        session,
        at=now or clock_now(),
        staff_id=staff_id,
        action=action,
        table_name="collection_plans",
        row_id=plan_id,
        household_id=None,
        detail={**extra, "plan": _spec_values(spec)},
    )


def _write(session: Session, spec: PlanSpec) -> int:
    b = table_of(Building).c
    ids: dict[str, int] = {code: i for code, i in session.execute(select(b.code, b.id))}
    problems = [
        LineProblem(
            _("line {line}").format(line=t.line) if t.line else _("a target"),
            _("there is no building {b} in the project").format(b=t.building),
        )
        for t in spec.targets
        if t.building is not None and t.building not in ids
    ]
    problems += [
        LineProblem(
            _("arrears at start"), _("there is no building {b} in the project").format(b=code)
        )
        for code, _fee in spec.building_baselines
        if code not in ids
    ]
    if problems:
        raise PlanInvalid(spec.name, problems)
    for model in (PlanTarget, PlanBaseline, CollectionPlan):
        session.execute(delete(table_of(model)))
    plan_id = int(
        session.execute(
            insert(table_of(CollectionPlan))
            .values(name=spec.name[:120], start_month=spec.start_month)
            .returning(table_of(CollectionPlan).c.id)
        ).scalar_one()
    )
    baselines = [
        {"plan_id": plan_id, "building_id": None, "fee_type": fee, "arrears": amount}
        for fee, amount in sorted(spec.baselines.items())
    ] + [
        {"plan_id": plan_id, "building_id": ids[code], "fee_type": fee, "arrears": amount}
        for (code, fee), amount in sorted(spec.building_baselines.items())
    ]
    if baselines:
        session.execute(insert(PlanBaseline), baselines)
    targets = [
        {
            "plan_id": plan_id,
            "building_id": None if t.building is None else ids[t.building],
            "fee_type": t.fee_type,
            "month": t.month,
            "amount": t.amount,
            "typed_cumulative_rate": t.typed_rate,
        }
        for t in spec.targets
    ]
    if targets:
        session.execute(insert(PlanTarget), targets)
    return plan_id


def set_target(
    store: Store,
    *,
    staff_code: str,
    fee_type: str,
    month: str,
    amount: Decimal | str,
    building: str | None = None,
    now: dt.datetime | None = None,
) -> ResolvedPlan:
    """Set one month's target for a building (or, with `building` None, the project).

    Only managers set the plan. Amounts are exact yuan (at most two places, not negative).
    Returns the plan as now resolved. Raises `PlanError` with a message for the user.
    """
    try:
        fee = parse_fee_type(fee_type)
        month = parse_period(month)
        code = None if building is None else parse_building(building)
        value = Decimal(amount) if isinstance(amount, str) else amount
    except (ValueProblem, ArithmeticError) as error:
        raise PlanError(str(error)) from None
    if value < 0 or value != value.quantize(CENT):
        raise PlanError(
            _("a target must be an amount in yuan with at most two decimals, not {a}").format(
                a=amount
            )
        )
    with store.write_session() as session, session.begin():
        _require_manager(session, staff_code)
        found = load_plan(session)
        if found is None:
            raise PlanError(_("there is no plan yet; import one with `callqueue plan import`"))
        _plan_id, spec = found
        if month < spec.start_month:
            raise PlanError(
                _("month {month} is before the plan starts ({start})").format(
                    month=month, start=spec.start_month
                )
            )
        targets = list(spec.targets)
        if code is None:
            if spec.per_building(fee):
                raise PlanError(
                    _("the plan gives {fee} per building; set a building's target").format(fee=fee)
                )
        else:
            if code not in _building_ids(session):
                raise PlanError(_("there is no building {b} in the project").format(b=code))
            if not spec.per_building(fee) and any(t.fee_type == fee for t in targets):
                resolved = resolve_in(session, spec)
                targets = [t for t in targets if t.fee_type != fee] + [
                    TargetRow(m, f, from_fen(a), None, b)
                    for (b, f, m), a in sorted(resolved.target.items())
                    if f == fee
                ]
        kept = [
            t
            for t in targets
            if not (t.building == code and t.fee_type == fee and t.month == month)
        ]
        kept.append(TargetRow(month, fee, value.quantize(CENT), None, code))
        new = PlanSpec(
            spec.name, spec.start_month, tuple(kept), spec.baselines, spec.building_baselines
        )
        new_id = _write(session, new)
        _audit_plan(
            session,
            AuditAction.SET_TARGET,
            new_id,
            new,
            staff_code,
            now,
            {
                "target": {
                    "fee_type": fee,
                    "month": month,
                    "building": code,
                    "amount": value.quantize(CENT),
                }
            },
        )
        return resolve_in(session, new, new_id)


def _building_ids(session: Session) -> dict[str, int]:
    b = table_of(Building).c
    return {code: i for code, i in session.execute(select(b.code, b.id))}


def _require_manager(session: Session, staff_code: str) -> None:
    s = table_of(Staff).c
    row = session.execute(select(s.role, s.active).where(s.code == staff_code)).first()
    if row is None:
        raise PlanError(_("no staff member has the code {code!r}").format(code=staff_code))
    role, active = row
    if not active or role != Role.MANAGER:
        raise PlanError(_("only a manager may change the plan"))
