"""The plan resolved to buildings: a baseline and a target per building, fee type and month.

Why: leaders are measured per building, and the source plan is project-wide. The rule:

- A building's arrears at plan start are the plan's own per-building figure when it has
  one (`PlanBaseline` with a building), else the ledger's (`plan.baselines`).
- A fee type whose targets the plan gives per building uses them as they are (a building
  without a row for a month has a target of 0 for it).
- A project-wide target is split over every building in proportion to its arrears at plan
  start, exactly to the fen (largest remainder, `plan.split`).
- The project's arrears at plan start are the plan's typed figure when it has one, else the
  sum over buildings; `ledger_difference` says how far the typed figure is from the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from sqlalchemy.orm import Session

from callqueue.household_key import building_order
from callqueue.money import from_fen, to_fen
from callqueue.plan.baselines import arrears_at_start, building_codes
from callqueue.plan.rates import RateRow, derive_rates
from callqueue.plan.spec import PlanSpec, month_number, month_text
from callqueue.plan.split import split_largest_remainder


@dataclass(frozen=True)
class ResolvedPlan:
    spec: PlanSpec
    plan_id: int | None
    buildings: tuple[str, ...]
    baseline: dict[tuple[str, str], int]  # (building, fee) -> fen
    project_baseline: dict[str, int]  # fee -> fen (the plan's typed figure, else the sum)
    ledger_baseline: dict[str, int]  # fee -> fen: Σ buildings, whatever the plan typed
    target: dict[tuple[str, str, str], int]  # (building, fee, month) -> fen
    split_fees: frozenset[str] = field(default_factory=frozenset)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def start_month(self) -> str:
        return self.spec.start_month

    @property
    def fee_types(self) -> list[str]:
        return self.spec.fee_types

    @property
    def months(self) -> list[str]:
        """From the start to the last month with a target, with no gaps."""
        last = max([self.spec.start_month, *self.spec.months])
        first = month_number(self.spec.start_month)
        return [month_text(n) for n in range(first, month_number(last) + 1)]

    @property
    def end_month(self) -> str:
        return self.months[-1]

    @cached_property
    def _by_building(self) -> dict[tuple[str, str], list[tuple[str, int]]]:
        found: dict[tuple[str, str], list[tuple[str, int]]] = {}
        for (b, f, m), amount in self.target.items():
            found.setdefault((b, f), []).append((m, amount))
        return found

    def cumulative_target(self, building: str, fee: str, month: str) -> int:
        """What the plan expects collected from the start to the end of `month`, in fen."""
        return sum(a for m, a in self._by_building.get((building, fee), ()) if m <= month)

    def month_target(self, building: str, fee: str, month: str) -> int:
        return self.target.get((building, fee, month), 0)

    def ledger_difference(self, fee: str) -> int:
        """The plan's typed arrears at start minus the ledger's (0: they agree)."""
        return self.project_baseline.get(fee, 0) - self.ledger_baseline.get(fee, 0)

    def project_rates(self, fee: str) -> list[RateRow]:
        """The plan's rates for the project, against its arrears at plan start."""
        rows: list[tuple[str, Decimal, Decimal | None, int | None]]
        if self.spec.per_building(fee):
            by_month = {
                m: sum(a for (_b, f, mm), a in self.target.items() if f == fee and mm == m)
                for m in self.months
            }
            rows = [(m, from_fen(a), None, None) for m, a in by_month.items()]
        else:
            rows = [
                (t.month, t.amount, t.typed_rate, t.line)
                for t in self.spec.targets
                if t.fee_type == fee and t.building is None
            ]
        return derive_rates(rows, from_fen(self.project_baseline.get(fee, 0)))

    def building_rates(self, building: str, fee: str) -> list[RateRow]:
        """A building's rates; typed rates only where the plan gave the building's rows."""
        typed = {
            t.month: (t.typed_rate, t.line)
            for t in self.spec.targets
            if t.fee_type == fee and t.building == building
        }
        rows = [
            (m, from_fen(self.month_target(building, fee, m)), *typed.get(m, (None, None)))
            for m in self.months
        ]
        return derive_rates(rows, from_fen(self.baseline.get((building, fee), 0)))

    def slips(self) -> list[tuple[str | None, str, RateRow]]:
        """Every typed rate that disagrees with the amounts: (building or None, fee, row)."""
        found: list[tuple[str | None, str, RateRow]] = []
        for fee in self.fee_types:
            if self.spec.per_building(fee):
                for building in self.buildings:
                    found += [(building, fee, r) for r in self.building_rates(building, fee)]
            else:
                found += [(None, fee, r) for r in self.project_rates(fee)]
        return [item for item in found if item[2].disagrees]


def resolve(
    spec: PlanSpec,
    buildings: list[str],
    ledger: dict[tuple[str, str], int],
    plan_id: int | None = None,
) -> ResolvedPlan:
    """Resolve `spec` over `buildings`, given the ledger's arrears at plan start (fen)."""
    order = sorted(
        set(buildings) | {t.building for t in spec.targets if t.building}, key=building_order
    )
    baseline: dict[tuple[str, str], int] = {}
    for fee in spec.fee_types:
        for b in order:
            stored = spec.building_baselines.get((b, fee))
            amount = to_fen(stored) if stored is not None else ledger.get((b, fee), 0)
            if amount:
                baseline[b, fee] = amount
    ledger_total = {fee: sum(baseline.get((b, fee), 0) for b in order) for fee in spec.fee_types}
    project = {
        fee: to_fen(spec.baselines[fee]) if fee in spec.baselines else ledger_total[fee]
        for fee in spec.fee_types
    }
    target: dict[tuple[str, str, str], int] = {}
    split: set[str] = set()
    for row in spec.targets:
        if row.building is not None:
            target[row.building, row.fee_type, row.month] = to_fen(row.amount)
            continue
        split.add(row.fee_type)
        weights = {b: baseline.get((b, row.fee_type), 0) for b in order}
        if not weights:
            continue
        shares = split_largest_remainder(to_fen(row.amount), weights, order=building_order)
        for b, amount in shares.items():
            target[b, row.fee_type, row.month] = amount
    return ResolvedPlan(
        spec=spec,
        plan_id=plan_id,
        buildings=tuple(order),
        baseline=baseline,
        project_baseline=project,
        ledger_baseline=ledger_total,
        target=target,
        split_fees=frozenset(split),
    )


def resolve_in(session: Session, spec: PlanSpec, plan_id: int | None = None) -> ResolvedPlan:
    """Resolve `spec` against the ledger in `session`."""
    ledger = arrears_at_start(session, spec.start_month, by="building")
    return resolve(spec, building_codes(session), ledger, plan_id)
