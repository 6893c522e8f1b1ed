"""The collection policy: when a household may be contacted, how often, and how collection
escalates. Defaults come from the source collection plan; a TOML file overrides them.

Every rule the queue applies reads its numbers from here, so a company can tune them
without touching code, and `callqueue policy show` prints what is in force.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

Window = tuple[dt.time, dt.time]  # [start, end): 10:00 ≤ t < 12:00


def _t(hours: int, minutes: int = 0) -> dt.time:
    return dt.time(hours, minutes)


@dataclass(frozen=True)
class ContactHours:
    """Windows in which each channel may be used (source plan: calls 10-12 and 15-18)."""

    call: tuple[Window, ...] = ((_t(10), _t(12)), (_t(15), _t(18)))
    visit: tuple[Window, ...] = ((_t(9), _t(12)), (_t(14), _t(20)))
    on_weekends: bool = True  # Saturdays and Sundays that are not statutory holidays
    on_holidays: bool = False  # statutory holidays (法定节假日)
    extra_days_off: tuple[dt.date, ...] = ()  # the company's own days off


@dataclass(frozen=True)
class ContactCaps:
    """How often a household may be approached."""

    call_attempts_per_day: int = 2
    visits_per_day: int = 1
    no_call_after_conversation_same_day: bool = True
    cooling_off_days: int = 3  # after a conversation, unless a callback or promise falls due


@dataclass(frozen=True)
class Escalation:
    """The ladder by days overdue (source plan; Civil Code art. 944 for the written demand)."""

    reminder_days_before_due: tuple[int, int] = (15, 20)  # SMS / notice, not a call
    phone_from_days: int = 1
    phone_until_days: int = 15
    visit_after_failed_calls: int = 3  # unanswered attempts on different days
    visit_after_days: int = 15
    written_demand_after_days: int = 30
    written_demand_deadline_days: int = 15  # the 合理期限 a written demand gives
    collection_letter_after_demand_days: int = 15  # after the demand's deadline passed
    lawyer_letter_after_collection_letter_days: int = 30
    litigation_after_lawyer_letter_days: int = 30


@dataclass(frozen=True)
class PromiseRules:
    """Promised payment dates: 3 to 5 days out in the source plan."""

    default_days: int = 3
    max_days: int = 5  # later only as an instalment plan with a reason
    grace_days: int = 1  # not paid by the date plus this: broken


@dataclass(frozen=True)
class LimitationRules:
    """诉讼时效: three years (Civil Code art. 188), restarted by evidence (art. 195)."""

    years: int = 3
    warn_days: int = 90  # a charge this close to its deadline puts the household on top


@dataclass(frozen=True)
class Policy:
    hours: ContactHours = field(default_factory=ContactHours)
    caps: ContactCaps = field(default_factory=ContactCaps)
    escalation: Escalation = field(default_factory=Escalation)
    promises: PromiseRules = field(default_factory=PromiseRules)
    limitation: LimitationRules = field(default_factory=LimitationRules)
    pause_on_dispute: bool = True  # an open dispute takes the household out of the queue


DEFAULT_POLICY = Policy()
