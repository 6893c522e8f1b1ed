"""Who may see which buildings' progress: the roles of issue 5.

Why here and not in the queue's scopes: a queue is for working, a report is about people's
results, and collectors see their own queue only. So a leader gets their team's buildings,
a manager every building, and a collector (or an inactive or unknown code) is refused with
a message that says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqueue.household_key import building_order
from callqueue.i18n import _
from callqueue.ledger.values import ValueProblem, parse_building
from callqueue.store.models import Building, Role, Staff, table_of


class NotAllowed(PermissionError):
    """This person may not see these figures; the message says why."""


@dataclass(frozen=True)
class ReportScope:
    """The buildings a report covers, in order, and who asked."""

    buildings: tuple[str, ...]
    label: str
    staff_code: str | None = None
    whole_project: bool = False

    def covers(self, building: str) -> bool:
        return building in self.buildings


def _all_buildings(session: Session) -> tuple[str, ...]:
    b = table_of(Building).c
    return tuple(sorted(session.execute(select(b.code)).scalars(), key=building_order))


def scope_for_staff(session: Session, staff_code: str) -> ReportScope:
    """The buildings `staff_code` may see progress for; `NotAllowed` for collectors."""
    s, b = table_of(Staff).c, table_of(Building).c
    row = session.execute(
        select(s.name, s.role, s.team_id, s.active).where(s.code == staff_code.strip())
    ).first()
    if row is None:
        raise NotAllowed(_("no staff member has the code {code!r}").format(code=staff_code))
    name, role, team_id, active = row
    if not active:
        raise NotAllowed(
            _("{name} ({code}) is no longer active").format(name=name, code=staff_code)
        )
    if role == Role.MANAGER:
        return ReportScope(
            _all_buildings(session),
            _("{name} (manager): every building").format(name=name),
            staff_code,
            whole_project=True,
        )
    if role != Role.TEAM_LEADER:
        raise NotAllowed(
            _(
                "{name} ({code}) is a collector; progress reports are for team leaders and "
                "managers (collectors see their own queue)"
            ).format(name=name, code=staff_code)
        )
    codes = sorted(
        session.execute(select(b.code).where(b.team_id == team_id)).scalars(), key=building_order
    )
    return ReportScope(
        tuple(codes),
        _("{name} (team leader): buildings {codes}").format(name=name, codes=", ".join(codes)),
        staff_code,
    )


def project_scope(session: Session) -> ReportScope:
    """Every building, for whoever runs the command line without `--as` (like `summary`)."""
    return ReportScope(_all_buildings(session), _("every building"), None, whole_project=True)


def narrow_to_building(scope: ReportScope, text: str) -> ReportScope:
    """One building of `scope` (`6`, `6栋`, `6号楼`…); `NotAllowed` when it is not theirs."""
    try:
        code = parse_building(text)
    except ValueProblem as problem:
        raise NotAllowed(str(problem)) from None
    if not scope.covers(code):
        if scope.whole_project:
            raise NotAllowed(_("there is no building {b} in the project").format(b=code))
        raise NotAllowed(
            _("building {b} is not among the buildings you may see ({codes})").format(
                b=code, codes=", ".join(scope.buildings)
            )
        )
    return ReportScope(
        (code,), _("building {b}").format(b=code), scope.staff_code, whole_project=False
    )
