"""A plan as written in a file or kept in the store, before it is resolved to buildings.

Amounts are exact yuan (`Decimal`, two places); typed rates are percentages as typed.
`building` None means the whole project.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from callqueue.clock import month_from_key, month_from_ordinal, month_key, month_ordinal


@dataclass(frozen=True, slots=True)
class TargetRow:
    """The amount planned for one month and fee type (one building, or the project)."""

    month: str  # YYYY-MM
    fee_type: str
    amount: Decimal
    typed_rate: Decimal | None = None  # cumulative percent, as typed; never trusted
    building: str | None = None
    line: int | None = None  # where it came from in a file, for messages


@dataclass(frozen=True)
class PlanSpec:
    """What a plan says. `baselines` (project-wide, by fee type) may be empty: then the
    arrears at plan start come from the ledger (see `plan.baselines`)."""

    name: str
    start_month: str
    targets: tuple[TargetRow, ...]
    baselines: dict[str, Decimal] = field(default_factory=dict)
    building_baselines: dict[tuple[str, str], Decimal] = field(default_factory=dict)

    @property
    def fee_types(self) -> list[str]:
        return sorted({t.fee_type for t in self.targets} | set(self.baselines))

    @property
    def months(self) -> list[str]:
        return sorted({t.month for t in self.targets})

    def per_building(self, fee_type: str) -> bool:
        """Whether the plan gives this fee type's targets per building (else project-wide)."""
        return any(t.building is not None for t in self.targets if t.fee_type == fee_type)


@dataclass(frozen=True, slots=True)
class LineProblem:
    """One thing wrong with a plan, with the line (or entry) it is on."""

    where: str  # "line 4", "target 2 (line 17)", "file"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class PlanInvalid(ValueError):
    """A plan that cannot be saved; every problem is listed, nothing was written."""

    def __init__(self, source: str, problems: list[LineProblem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: {len(problems)} problem(s)")


def month_number(month: str) -> int:
    """`2026-10` as one integer (`clock.month_ordinal`), so a run of months is a `range`."""
    return month_ordinal(month_from_key(month))


def month_text(number: int) -> str:
    """The key of the month `month_number` numbered `number`: `2026-10`."""
    return month_key(month_from_ordinal(number))
