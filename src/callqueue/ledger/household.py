"""One household as a plain record: owners, phones, charge lines and arrears.

The CLI and the app show households through this, never through live ORM objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session
from sqlmodel import col, select

from callqueue.household_key import parse_key
from callqueue.money import ZERO
from callqueue.store.models import ChargeLine, Household, Person, Phone


@dataclass(frozen=True, slots=True)
class PersonInfo:
    name: str
    role: str
    is_primary: bool
    phones: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ChargeInfo:
    fee_type: str
    period: str
    due_date: dt.date
    amount_due: Decimal
    paid: Decimal

    @property
    def outstanding(self) -> Decimal:
        return self.amount_due - self.paid


@dataclass(frozen=True)
class HouseholdInfo:
    key: str
    floor: int | None
    area: Decimal | None
    flags: tuple[str, ...]
    people: tuple[PersonInfo, ...]
    charges: tuple[ChargeInfo, ...]

    @property
    def arrears(self) -> Decimal:
        return sum((c.outstanding for c in self.charges if c.outstanding > 0), ZERO)


class UnknownHousehold(LookupError):
    """No household has that key."""


FLAG_FIELDS = ("chronic_defaulter", "difficult", "elderly", "no_phone", "do_not_call")


def load_household(session: Session, key_text: str) -> HouseholdInfo:
    """The household with key `key_text` (as a user types it)."""
    key = str(parse_key(key_text))
    household = session.execute(
        select(Household).where(col(Household.key) == key)
    ).scalar_one_or_none()
    if household is None:
        raise UnknownHousehold(f"no household {key}")
    people = session.execute(
        select(Person)
        .where(col(Person.household_id) == household.id)
        .order_by(col(Person.is_primary).desc(), col(Person.id))
    ).scalars()
    infos = []
    for person in people:
        phones = session.execute(
            select(Phone.number).where(col(Phone.person_id) == person.id).order_by(col(Phone.id))
        ).scalars()
        infos.append(PersonInfo(person.name, person.role, person.is_primary, tuple(phones)))
    charges = session.execute(
        select(ChargeLine)
        .where(col(ChargeLine.household_id) == household.id)
        .order_by(col(ChargeLine.due_date), col(ChargeLine.fee_type))
    ).scalars()
    return HouseholdInfo(
        key=household.key,
        floor=household.floor,
        area=household.area,
        flags=tuple(name for name in FLAG_FIELDS if getattr(household, name)),
        people=tuple(infos),
        charges=tuple(
            ChargeInfo(
                c.fee_type, c.period, c.due_date, c.amount_due, c.paid_billing + c.paid_pending
            )
            for c in charges
        ),
    )
