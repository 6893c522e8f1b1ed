"""`callqueue queue`: the same ranked queue the app shows, as a table or as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from callqueue.cli.common import (
    Commands,
    UserError,
    calendar_warning_text,
    open_store_for,
    policy_for,
    signed_in,
)
from callqueue.i18n import (
    SOURCE_LANGUAGE,
    _,
    action_text,
    channel_label,
    current_language,
    exclusion_label,
    join_clauses,
    join_list,
    join_words,
    pgettext,
    reason_text,
    window_text,
)

if TYPE_CHECKING:
    from callqueue.queue.book import Scope
    from callqueue.queue.build import Item, Queue
    from callqueue.windows import WindowState

CHANNEL_CHOICES = ("call", "visit", "letter", "all")


def register(commands: Commands) -> None:
    queue = commands.add(
        "queue", cmd_queue, "the ranked call, visit and letter queue, with reasons"
    )
    queue.add_argument(
        "--building",
        metavar="B",
        help="one building (6, 6栋, 6号楼…); with --as, one of theirs (another team's is refused)",
    )
    queue.add_argument("--channel", choices=CHANNEL_CHOICES, default="all")
    queue.add_argument("--limit", type=int, default=20, metavar="N", help="items shown (20)")
    queue.add_argument("--json", action="store_true", help="every item, as JSON")


def cmd_queue(args: argparse.Namespace) -> int:
    from callqueue.queue.actions import Channel
    from callqueue.queue.book import (
        EVERY_BUILDING,
        QueueBook,
        UnknownScope,
        scope_for_building,
        scope_for_staff,
    )

    if args.limit < 1:
        raise UserError(_("--limit must be at least 1"))
    policy = policy_for(args)
    channels = frozenset(Channel) if args.channel == "all" else frozenset({Channel(args.channel)})
    from callqueue.access import NotAllowed, check_building

    store = open_store_for(args)
    try:
        with store.session() as session:
            # Roles in the core: a collector or leader asking for another team's building is
            # refused, not shown it (without --as, single-user mode: the owner sees all).
            access = signed_in(args, store, session)
            actor = access.code
            if args.building:
                scope = scope_for_building(session, args.building)
                for code in scope.buildings or ():
                    try:
                        check_building(access, code)
                    except NotAllowed as refused:
                        raise UserError(str(refused)) from None
                label = _buildings_label(scope)
            elif actor:
                scope = scope_for_staff(session, actor)
                label = _staff_scope_label(session, actor, scope)
            else:
                scope = EVERY_BUILDING
                label = _buildings_label(scope)
        book = QueueBook(store, args.moment.date(), policy, scope)  # only the scope is read
        queue = book.queue(args.moment, scope, channels)
    except UnknownScope as error:
        raise UserError(_unknown_scope(args, str(error))) from None
    finally:
        store.close()
    if args.json:
        json.dump(queue_json(queue), sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print_queue(queue, scope, args.limit, label=label)
    return 0


def window_json(state: WindowState | None) -> dict[str, Any] | None:
    if state is None:
        return None
    return {
        "open_now": state.open_now,
        "closes_at": state.closes_at.isoformat() if state.closes_at else None,
        "next_opens_at": state.next_opens_at.isoformat() if state.next_opens_at else None,
        "text": state.reason,
    }


def item_json(item: Item, rank: int, queue: Queue) -> dict[str, Any]:
    """One item for scripts: money as decimal strings, times in CST."""
    from callqueue.queue.actions import Channel

    window = queue.windows.get(item.channel) if item.channel is not Channel.LETTER else None
    return {
        "rank": rank,
        "tier": item.tier,
        "score": item.score,
        "household": item.key,
        "building": item.building,
        "owner": item.owner,
        "action": str(item.action),
        "action_text": item.action_text,
        "channel": str(item.channel),
        "stage": str(item.stage),
        "reasons": [r.text() for r in item.reasons],
        "reason_codes": [r.code for r in item.reasons],
        "arrears": {fee: f"{amount}" for fee, amount in item.arrears.items()},
        "arrears_total": f"{item.total}",
        "days_overdue": item.days_overdue,
        "next_window": window_json(window),
    }


def queue_json(queue: Queue) -> list[dict[str, Any]]:
    return [item_json(item, rank, queue) for rank, item in enumerate(queue.items, start=1)]


def _buildings_label(scope: Scope) -> str:
    """A scope in the current language (English: the label the queue book wrote)."""
    from callqueue.household_key import building_order

    if current_language() == SOURCE_LANGUAGE:
        return scope.label
    if scope.buildings is None:
        return _("every building")
    listed = join_list(sorted(scope.buildings, key=building_order))
    return _("building {buildings}").format(buildings=listed)


def _staff_scope_label(session: Any, code: str, scope: Scope) -> str:
    """`李娜: building 6`, or for a manager `王经理 (manager): every building`."""
    from sqlalchemy import select

    from callqueue.i18n import role_label
    from callqueue.queue.records import STAFF

    if current_language() == SOURCE_LANGUAGE:
        return scope.label
    row = session.execute(select(STAFF.c.name, STAFF.c.role).where(STAFF.c.code == code)).first()
    if row is None:  # cannot happen: the scope was found
        return scope.label
    name, role = row
    if scope.buildings is None:  # a manager
        return pgettext("queue scope", "{name} ({role}): {buildings}").format(
            name=name, role=role_label(str(role)), buildings=_buildings_label(scope)
        )
    return pgettext("queue scope", "{name}: {buildings}").format(
        name=name, buildings=_buildings_label(scope)
    )


def _unknown_scope(args: argparse.Namespace, english: str) -> str:
    """No such staff member or building, in the current language."""
    if current_language() == SOURCE_LANGUAGE:
        return english
    if args.staff:
        return _("no staff member with the code {code}").format(code=repr(args.staff))
    if english.startswith("no building "):
        return _("no building {code}").format(code=english.removeprefix("no building "))
    return english  # the building could not be read: the value parser's words


def _channels_plural(channel: str) -> str:
    """`calls`, `visits`, `letters` in English; the channel's words in any other language."""
    if current_language() == SOURCE_LANGUAGE:
        return f"{channel}s"
    return channel_label(channel)


def header_lines(queue: Queue) -> list[str]:
    """Which windows are open now, when the next opens, and what can be done meanwhile."""
    from callqueue.queue.actions import Channel

    english = current_language() == SOURCE_LANGUAGE
    lines = [
        queue.windows[c].reason if english else window_text(queue.windows[c])
        for c in (Channel.CALL, Channel.VISIT)
    ]
    closed = [c for c in (Channel.CALL, Channel.VISIT) if not queue.windows[c].open_now]
    if closed:
        can = [_channels_plural(c.value) for c in Channel if c not in closed]
        lines.append(_("now: {channels} can be done").format(channels=join_words(can)))
    warning = calendar_warning_text(queue.moment.date())
    if warning:
        lines.append(_("warning: {warning}").format(warning=warning))
    return lines


def pad(text: str, width: int, *, right: bool = False) -> str:
    """Pad to `width` terminal cells: a Chinese character takes two."""
    from rich.cells import cell_len

    gap = " " * max(width - cell_len(text), 0)
    return gap + text if right else text + gap


def queue_lines(queue: Queue, scope: Scope, limit: int, *, label: str | None = None) -> list[str]:
    """Two lines an item, so that it fits an 80-column terminal with names in Chinese."""
    english = current_language() == SOURCE_LANGUAGE
    lines = [
        _("Queue for {scope} at {moment} (CST)").format(
            scope=scope.label if label is None else label, moment=f"{queue.moment:%Y-%m-%d %H:%M}"
        )
    ]
    lines += [f"  {line}" for line in header_lines(queue)]
    if queue.items:
        lines.append("")
    for rank, item in enumerate(queue.items[:limit], start=1):
        days = _("{days} days").format(days=f"{item.days_overdue:>5}")
        channel = item.channel.value if english else channel_label(item.channel.value)
        lines.append(
            f"{rank:>4} T{item.tier} {pad(item.key, 10)} {pad(item.owner, 12)}"
            f"{pad(f'{item.total:,.2f}', 12, right=True)} {days}  {channel}"
        )
        why = join_clauses(r.text() if english else reason_text(r) for r in item.reasons[:2])
        action = item.action_text if english else action_text(str(item.action))
        lines.append(
            "        " + pgettext("queue item", "{action}: {why}").format(action=action, why=why)
        )
    shown = min(limit, len(queue.items))
    lines.append("")
    lines.append(
        _("{count} items (showing {shown})").format(count=f"{len(queue.items):,}", shown=shown)
    )
    waiting = queue.waiting_by_channel()
    if waiting:
        parts = [
            pgettext("channel count", "{count} {channel}").format(
                count=f"{count:,}", channel=_channels_plural(channel.value)
            )
            for channel, count in sorted(waiting.items())
        ]
        lines.append(_("waiting for a window: {channels}").format(channels=join_list(parts)))
    excluded = queue.exclusions_by_reason()
    if excluded:
        parts = [
            pgettext("exclusion count", "{label} {count}").format(
                label=exclusion_label(code), count=f"{count:,}"
            )
            for code, count in excluded.most_common()
        ]
        lines.append(_("left out: {reasons}").format(reasons=join_clauses(parts)))
    return lines


def print_queue(queue: Queue, scope: Scope, limit: int, *, label: str | None = None) -> None:
    for line in queue_lines(queue, scope, limit, label=label):
        print(line)
