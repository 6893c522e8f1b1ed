"""Who may see what: which buildings a staff member may read and write, enforced in the core.

Collectors and team leaders see their team's buildings; managers see every building. A
staff member without a team sees none. Every core entry point that reads or writes one
household (recording, corrections, the household view, the evidence export) checks the
household's building against `Access` first, so no command can read another team's
households, whatever the user interface shows.

Without a staff member (`--as` left out on the command line) callqueue runs in
single-user mode as the database's owner: `owner_access()` sees every building. On a shared
database each person signs in and acts as themselves.

Phone numbers in full are for the same people: the household's team and managers
(`sees_phones`); anyone else never gets that far.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqueue.household_key import building_order
from callqueue.i18n import _
from callqueue.progress.scope import NotAllowed
from callqueue.store.models import Building, Household, Role, Staff, table_of

if TYPE_CHECKING:
    from callqueue.store.database import Store

__all__ = [
    "Access",
    "Need",
    "NotAllowed",
    "access_for",
    "building_of",
    "check_building",
    "check_household",
    "command_access",
    "owner_access",
    "require",
    "visible_buildings",
]


@dataclass(frozen=True)
class Access:
    """What one person may see: `buildings` None means every building."""

    staff_id: int | None
    code: str | None
    name: str
    role: str | None  # Role; None: the database's owner in single-user mode
    team_id: int | None
    buildings: frozenset[str] | None

    @property
    def everything(self) -> bool:
        return self.buildings is None

    def may_see(self, building: str) -> bool:
        return self.buildings is None or building in self.buildings

    def sees_phones(self, building: str) -> bool:
        """Full phone numbers: the household's team and managers (not single-user mode:
        a file that leaves the office carries masked numbers unless a person is named)."""
        return self.role is not None and self.may_see(building)

    def refusal(self, building: str, what: str) -> str:
        """Why `what` (a household key, "building 7") is refused, in the current language."""
        if self.buildings is not None and not self.buildings:
            return _(
                "{name} ({code}) has no team, so no buildings to see; {what} is refused"
            ).format(name=self.name, code=self.code, what=what)
        return _(
            "{what} is in building {b}, which is not among the buildings {name} ({code}) may see "
            "({codes})"
        ).format(
            what=what,
            b=building,
            name=self.name,
            code=self.code,
            codes=", ".join(sorted(self.buildings or (), key=building_order)),
        )


def owner_access() -> Access:
    """Single-user mode: the database's owner, who sees every building."""
    return Access(None, None, _("the database's owner"), None, None, None)


def visible_buildings(session: Session, role: str, team_id: int | None) -> frozenset[str] | None:
    """The building codes a role in a team may see (None: every building)."""
    if role == Role.MANAGER:
        return None
    if team_id is None:
        return frozenset()
    b = table_of(Building).c
    return frozenset(session.execute(select(b.code).where(b.team_id == team_id)).scalars())


def access_for(session: Session, staff_code: str | None) -> Access:
    """The access of `staff_code` (None: the owner in single-user mode).

    Raises `NotAllowed` for an unknown or inactive code.
    """
    if staff_code is None:
        return owner_access()
    s = table_of(Staff).c
    code = staff_code.strip()
    row = session.execute(
        select(s.id, s.name, s.role, s.team_id, s.active).where(s.code == code)
    ).first()
    if row is None:
        raise NotAllowed(_("no staff member has the code {code!r}").format(code=code))
    staff_id, name, role, team_id, active = row
    if not active:
        raise NotAllowed(_("{name} ({code}) is no longer active").format(name=name, code=code))
    return Access(staff_id, code, name, role, team_id, visible_buildings(session, role, team_id))


def building_of(session: Session, household_id: int) -> str | None:
    """The building code of a household (None: no such household)."""
    h, b = table_of(Household).c, table_of(Building).c
    found: str | None = session.execute(
        select(b.code)
        .join_from(table_of(Household), table_of(Building), b.id == h.building_id)
        .where(h.id == household_id)
    ).scalar()
    return found


def check_building(access: Access, building: str) -> None:
    """`NotAllowed` unless `access` may see `building`."""
    if not access.may_see(building):
        if access.buildings:
            raise NotAllowed(
                _(
                    "building {b} is not among the buildings {name} ({code}) may see ({codes})"
                ).format(
                    b=building,
                    name=access.name,
                    code=access.code,
                    codes=", ".join(sorted(access.buildings, key=building_order)),
                )
            )
        raise NotAllowed(access.refusal(building, _("building {b}").format(b=building)))


def check_household(session: Session, access: Access, household_id: int, key: str) -> str:
    """The household's building; `NotAllowed` unless `access` may see it."""
    building = building_of(session, household_id) or ""
    if not access.may_see(building):
        raise NotAllowed(access.refusal(building, key))
    return building


class Need(StrEnum):
    """What a command needs of the person running it, beyond being signed in."""

    SIGNED_IN = "signed_in"  # anyone signed in: they see their buildings
    LEAD = "lead"  # team leaders and managers: progress, the plan in force
    MANAGE = "manage"  # managers: imports, the plan, staff sign-in settings, backups


def require(access: Access, need: Need) -> None:
    """`NotAllowed` unless `access` meets `need`. The owner in single-user mode meets all."""
    if need is Need.SIGNED_IN or access.role is None:
        return
    if need is Need.LEAD and access.role in (Role.TEAM_LEADER, Role.MANAGER):
        return
    if need is Need.MANAGE and access.role == Role.MANAGER:
        return
    if need is Need.LEAD:
        raise NotAllowed(
            _("{name} ({code}) is a collector; this is for team leaders and managers").format(
                name=access.name, code=access.code
            )
        )
    raise NotAllowed(
        _("{name} ({code}) is not a manager; this is for managers").format(
            name=access.name, code=access.code
        )
    )


def command_access(
    store: Store, session: Session, as_code: str | None, need: Need = Need.SIGNED_IN
) -> Access:
    """Who a one-shot command acts as, and what they may see.

    Single-user mode (a SQLite file nobody signs in to): `--as CODE`, or the owner without
    it. A shared database: the staff member of this process's operating-system account
    (`auth.command_actor`); `--as` may only name that same person. `NotAllowed` otherwise.
    """
    from callqueue.auth import SignInError, command_actor

    try:
        code = command_actor(store, as_code)
    except SignInError as refused:
        raise NotAllowed(str(refused)) from None
    access = access_for(session, code)
    require(access, need)
    return access
