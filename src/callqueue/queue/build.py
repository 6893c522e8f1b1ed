"""Ranking the queue for one moment, and keeping it current when a household changes.

For each household the rules propose candidate actions (the escalation ladder, callbacks,
broken promises, complaints to report back, limitation risk), then contact caps, the
household's own state (a promise not yet due, a dispute, litigation) and the contact
windows take some away. The best remaining action becomes the household's item. Items sort
by tier, then by score, then by household key, so the order is deterministic.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from callqueue.money import from_fen
from callqueue.policy import Policy
from callqueue.queue.actions import (
    ACTION_TEXT,
    EXCLUSION_TEXT,
    TIER,
    Action,
    Channel,
    Reason,
    Stage,
    reason,
)
from callqueue.queue.facts import Facts
from callqueue.windows import WindowState, window_state

CALL_ACTIONS = frozenset({Action.CALL, Action.CALLBACK})
ALL_CHANNELS = frozenset(Channel)


@dataclass(frozen=True, slots=True)
class Candidate:
    action: Action
    channel: Channel
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Item:
    """One household's place in the queue. What is only shown is worked out when asked."""

    facts: Facts
    action: Action
    channel: Channel
    tier: int
    score: int
    main_reasons: tuple[Reason, ...]
    policy: Policy

    @property
    def household_id(self) -> int:
        return self.facts.record.id

    @property
    def key(self) -> str:
        return self.facts.record.key

    @property
    def owner(self) -> str:
        return self.facts.record.owner

    @property
    def building(self) -> str:
        return self.facts.record.building

    @property
    def sort_key(self) -> tuple[int, int, str]:
        return (self.tier, -self.score, self.facts.record.key)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return (*self.main_reasons, *supporting_reasons(self.facts, self.policy))

    @property
    def arrears(self) -> dict[str, Decimal]:
        return {fee: from_fen(fen) for fee, fen in sorted(self.facts.arrears.items())}

    @property
    def total(self) -> Decimal:
        return from_fen(self.facts.total)

    @property
    def days_overdue(self) -> int:
        return self.facts.days_overdue

    @property
    def stage(self) -> Stage:
        return self.facts.stage(self.policy)

    @property
    def action_text(self) -> str:
        return ACTION_TEXT[self.action]


@dataclass(frozen=True, slots=True)
class Exclusion:
    code: str
    params: tuple[tuple[str, str], ...] = ()

    def text(self) -> str:
        return EXCLUSION_TEXT[self.code].format(**dict(self.params))


def excluded(code: str, **params: object) -> Exclusion:
    return Exclusion(code, tuple((k, str(v)) for k, v in params.items()))


def held_exclusion(staff_name: str, until: dt.datetime, today: dt.date) -> Exclusion:
    """Another collector has the household open (`callqueue.claims`): "held by 李娜 until 10:40"."""
    return excluded("held", staff=staff_name, until=hm(until, today))


@dataclass(frozen=True, slots=True)
class Waiting:
    """Work that exists but waits for a contact window to open."""

    channel: Channel


Outcome = Item | Exclusion | Waiting | None


def md(day: dt.date) -> str:
    return f"{day:%m-%d}"


def hm(moment: dt.datetime, today: dt.date) -> str:
    return f"{moment:%H:%M}" if moment.date() == today else f"{moment:%m-%d %H:%M}"


# --- the rules ------------------------------------------------------------------------------


def candidates(f: Facts, moment: dt.datetime, policy: Policy) -> list[Candidate] | Exclusion:
    """Every action the ladder proposes for this household now, before caps and windows."""
    rec, today, ladder = f.record, f.day, policy.escalation
    if rec.litigation_since is not None:
        return excluded("litigation", date=rec.litigation_since)
    found: list[Candidate] = []
    if f.at_risk is not None:
        risk = f.at_risk
        why = (
            reason("expires_today", fee=risk.fee_type, period=risk.period)
            if risk.days_left == 0
            else reason("expires", fee=risk.fee_type, period=risk.period, days=risk.days_left)
        )
        extra = (reason("dispute_but_expiring"),) if f.dispute_since else ()
        found.append(Candidate(Action.LIMITATION_DEMAND, Channel.LETTER, (why, *extra)))
    if f.dispute_since is not None and policy.pause_on_dispute:
        return found or excluded("dispute", date=md(f.dispute_since))
    if f.pending_promise is not None:
        return found or excluded("promise_pending", date=md(f.pending_promise))
    talk = Channel.CALL if f.callable else Channel.VISIT
    if f.report_back is not None:
        complaint = f.report_back
        why = reason(
            "report_back", date=md(complaint.opened_at.date()), category=complaint.category
        )
        found.append(Candidate(Action.COMPLAINT_REPORT_BACK, talk, (why,)))
    if f.total == 0:
        if f.due_soon is not None:
            due = f.due_soon
            why = reason("due_soon", fee=due.fee_type, period=due.period, date=md(due.due))
            found.append(Candidate(Action.REMINDER, Channel.LETTER, (why,)))
        if f.barred and not found:
            return excluded("time_barred")
        return found
    if f.callback_at is not None and f.callable:
        if f.callback_at <= moment:
            why = reason("callback_due", when=hm(f.callback_at, today))
            found.append(Candidate(Action.CALLBACK, Channel.CALL, (why,)))
        elif not found:
            return excluded("callback_later", when=hm(f.callback_at, today))
        else:
            return found
    if f.broken_promise is not None:
        why = reason("promise_broken", date=md(f.broken_promise))
        found.append(Candidate(Action.BROKEN_PROMISE, talk, (why,)))
    if f.days_overdue >= ladder.phone_from_days and f.callable:
        found.append(Candidate(Action.CALL, Channel.CALL, ()))
    if f.phone_failed(policy) or rec.elderly or f.days_overdue > ladder.visit_after_days:
        found.append(Candidate(Action.VISIT, Channel.VISIT, ()))
    found.extend(_letters(f, policy))
    return found


def _letters(f: Facts, policy: Policy) -> list[Candidate]:
    """The written steps: demand with a deadline, collection letter, lawyer's letter, suit."""
    ladder, today = policy.escalation, f.day
    if f.demand_delivered is None:
        if f.days_overdue > ladder.written_demand_after_days:
            return [Candidate(Action.WRITTEN_DEMAND, Channel.LETTER, (reason("no_demand_yet"),))]
        return []
    deadline = f.demand_deadline or f.demand_delivered
    if f.collection_letter is None:
        if (today - deadline).days > ladder.collection_letter_after_demand_days:
            why = reason("demand_deadline_passed", date=md(deadline))
            return [Candidate(Action.COLLECTION_LETTER, Channel.LETTER, (why,))]
        return []
    if f.lawyer_letter is None:
        if (today - f.collection_letter).days >= ladder.lawyer_letter_after_collection_letter_days:
            why = reason("collection_letter_sent", date=md(f.collection_letter))
            return [Candidate(Action.LAWYER_LETTER, Channel.LETTER, (why,))]
        return []
    if f.stage(policy) is Stage.LITIGATION_CANDIDATE:
        both = (
            reason("lawyer_letter_sent", date=md(f.lawyer_letter)),
            reason("demand_deadline_passed", date=md(deadline)),
        )
        return [Candidate(Action.LITIGATION_CANDIDATE, Channel.LETTER, both)]
    return []


def apply_caps(
    f: Facts, found: list[Candidate], policy: Policy
) -> tuple[list[Candidate], Exclusion | None]:
    """Take away what the contact caps forbid today; say why when nothing is left."""
    caps, today = policy.caps, f.day
    why: Exclusion | None = None
    kept: list[Candidate] = []
    cooling = (
        f.last_conversation is not None
        and not f.conversation_today
        and (today - f.last_conversation.date()).days <= caps.cooling_off_days
    )
    for candidate in found:
        if candidate.channel is Channel.CALL:
            if f.calls_today >= caps.call_attempts_per_day:
                why = excluded("call_cap", count=f.calls_today)
                continue
            if f.conversation_today and caps.no_call_after_conversation_same_day:
                why = excluded("conversation_today")
                continue
        if candidate.channel is Channel.VISIT and f.visits_today >= caps.visits_per_day:
            why = excluded("visit_cap")
            continue
        if (
            cooling
            and candidate.channel is not Channel.LETTER
            and candidate.action not in (Action.CALLBACK, Action.BROKEN_PROMISE)
        ):
            assert f.last_conversation is not None
            since = f.last_conversation.date()
            until = since + dt.timedelta(days=caps.cooling_off_days)
            why = excluded("cooling_off", date=md(since), until=md(until))
            continue
        kept.append(candidate)
    return kept, (why if not kept else None)


def score(f: Facts) -> int:
    """Within a tier: more owed, older, broken promises and a long silence rank higher.

    Integer points, so the order is exact and the same on every machine:
    up to 100 for arrears (1 per 100 yuan), 60 for age (1 per 6 days), 30 for silence
    (1 per day since the last contact), plus 8 per broken promise, less 4 per kept one.
    """
    arrears = min(f.total // 10_000, 100)
    age = min(f.days_overdue // 6, 60)
    silence = 30 if f.last_contact is None else min((f.day - f.last_contact.date()).days, 30)
    broken = f.promises_made - f.promises_kept
    return arrears + age + silence + 8 * min(broken, 4) - 4 * min(f.promises_kept, 3)


def supporting_reasons(f: Facts, policy: Policy) -> list[Reason]:
    rec = f.record
    found = [reason("arrears", amount=f"{from_fen(f.total):,.2f}")]
    if f.days_overdue > 0:
        found.append(reason("overdue", days=f.days_overdue))
    if f.unanswered_days >= policy.escalation.visit_after_failed_calls:
        found.append(reason("phone_failed", count=f.unanswered_days))
    if rec.working_phones == 0:
        found.append(reason("no_phone"))
    if rec.do_not_call:
        found.append(reason("do_not_call"))
    if rec.elderly:
        found.append(reason("elderly"))
    if rec.chronic:
        found.append(reason("chronic"))
    if rec.difficult:
        found.append(reason("difficult"))
    if f.promises_made:
        found.append(reason("promises_record", kept=f.promises_kept, made=f.promises_made))
    if f.last_contact is None:
        found.append(reason("never_contacted"))
    else:
        found.append(reason("last_contact", days=(f.day - f.last_contact.date()).days))
    if f.barred:
        found.append(reason("time_barred", amount=f"{from_fen(f.barred):,.2f}"))
    return found


def evaluate(
    f: Facts,
    moment: dt.datetime,
    policy: Policy,
    channels: frozenset[Channel],
    open_channels: frozenset[Channel],
) -> Outcome:
    """The household's item now, or why it has none."""
    if f.idle:
        return None
    found = candidates(f, moment, policy)
    if isinstance(found, Exclusion):
        return found
    wanted = [c for c in found if c.channel in channels]
    if not wanted:
        return None
    wanted, capped = apply_caps(f, wanted, policy)
    if capped is not None:
        return capped
    doable = [c for c in wanted if c.channel in open_channels]
    if not doable:
        return Waiting(min(wanted, key=lambda c: TIER[c.action]).channel)
    best = min(doable, key=lambda c: TIER[c.action])
    return Item(f, best.action, best.channel, TIER[best.action], score(f), best.reasons, policy)


def unless_held(outcome: Outcome, household_id: int, held: Mapping[int, Exclusion]) -> Outcome:
    """Work another collector holds (`callqueue.claims`) is left out as held, not offered."""
    if held and isinstance(outcome, Item | Waiting) and household_id in held:
        return held[household_id]
    return outcome


# --- the ranked queue ---------------------------------------------------------------------


@dataclass
class Queue:
    """The ranked items for one moment, channel set and scope; updated one household at a time."""

    moment: dt.datetime
    policy: Policy
    channels: frozenset[Channel]
    windows: dict[Channel, WindowState]
    items: list[Item] = field(default_factory=list)
    excluded: dict[int, Exclusion] = field(default_factory=dict)
    waiting: dict[int, Channel] = field(default_factory=dict)
    # Households another collector holds (claims), as of the ranking: left out as "held".
    held: Mapping[int, Exclusion] = field(default_factory=dict)
    _keys: list[tuple[int, int, str]] = field(default_factory=list)
    _by_household: dict[int, Item] = field(default_factory=dict)

    @property
    def open_channels(self) -> frozenset[Channel]:
        return frozenset({Channel.LETTER}) | {c for c, w in self.windows.items() if w.open_now}

    def waiting_by_channel(self) -> Counter[Channel]:
        return Counter(self.waiting.values())

    def exclusions_by_reason(self) -> Counter[str]:
        return Counter(e.code for e in self.excluded.values())

    def place(self, f: Facts) -> None:
        """Work out one household's outcome and put it where it belongs (drop its old one)."""
        household_id = f.record.id
        old = self._by_household.pop(household_id, None)
        if old is not None:
            index = bisect.bisect_left(self._keys, old.sort_key)
            del self._keys[index], self.items[index]
        self.excluded.pop(household_id, None)
        self.waiting.pop(household_id, None)
        outcome = unless_held(
            evaluate(f, self.moment, self.policy, self.channels, self.open_channels),
            household_id,
            self.held,
        )
        if isinstance(outcome, Item):
            index = bisect.bisect_left(self._keys, outcome.sort_key)
            self._keys.insert(index, outcome.sort_key)
            self.items.insert(index, outcome)
            self._by_household[household_id] = outcome
        elif isinstance(outcome, Exclusion):
            self.excluded[household_id] = outcome
        elif isinstance(outcome, Waiting):
            self.waiting[household_id] = outcome.channel

    def forget(self, household_id: int) -> None:
        """Take a household out (it left the scope)."""
        old = self._by_household.pop(household_id, None)
        if old is not None:
            index = bisect.bisect_left(self._keys, old.sort_key)
            del self._keys[index], self.items[index]
        self.excluded.pop(household_id, None)
        self.waiting.pop(household_id, None)

    def rank_of(self, household_id: int) -> int | None:
        item = self._by_household.get(household_id)
        if item is None:
            return None
        return bisect.bisect_left(self._keys, item.sort_key) + 1


def build_queue(
    facts: Iterable[Facts],
    moment: dt.datetime,
    policy: Policy,
    channels: frozenset[Channel] = ALL_CHANNELS,
    held: Mapping[int, Exclusion] | None = None,
) -> Queue:
    """Rank every household in `facts` for `moment`.

    `held`: households other collectors hold (see `held_exclusion`); one that would be an
    item, or wait for a window, is left out with that exclusion instead.
    """
    windows = {
        Channel.CALL: window_state("call", moment, policy),
        Channel.VISIT: window_state("visit", moment, policy),
    }
    queue = Queue(moment, policy, channels, windows, held=held or {})
    open_channels = queue.open_channels
    outcomes: list[Item] = []
    for f in facts:
        outcome = unless_held(
            evaluate(f, moment, policy, channels, open_channels), f.record.id, queue.held
        )
        if isinstance(outcome, Item):
            outcomes.append(outcome)
        elif isinstance(outcome, Exclusion):
            queue.excluded[f.record.id] = outcome
        elif isinstance(outcome, Waiting):
            queue.waiting[f.record.id] = outcome.channel
    outcomes.sort(key=lambda item: item.sort_key)
    queue.items = outcomes
    queue._keys = [item.sort_key for item in outcomes]
    queue._by_household = {item.household_id: item for item in outcomes}
    return queue


def opened_item(f: Facts, policy: Policy) -> Item:
    """An item for a household opened by hand: found by search, or an owner calling in.

    The queue may hold the household back (a promise not yet due, called enough today) or
    have nothing for it now; the collector can still open it and record what happens. It
    ranks after every queued item (tier 9) and asks for a call, or a visit without a phone.
    """
    channel = Channel.CALL if f.callable else Channel.VISIT
    action = Action.CALL if channel is Channel.CALL else Action.VISIT
    return Item(f, action, channel, OPENED_TIER, score(f), (), policy)


OPENED_TIER = 9
