"""`callqueue queue`: the same ranked queue the app shows, as a table or as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from callqueue.cli.common import Commands, UserError, add_policy_option, open_store_for, policy_for

if TYPE_CHECKING:
    from callqueue.queue.book import Scope
    from callqueue.queue.build import Item, Queue
    from callqueue.windows import WindowState

CHANNEL_CHOICES = ("call", "visit", "letter", "all")


def register(commands: Commands) -> None:
    queue = commands.add(
        "queue", cmd_queue, "the ranked call, visit and letter queue, with reasons"
    )
    who = queue.add_mutually_exclusive_group()
    who.add_argument("--as", dest="staff", metavar="STAFF", help="a staff code: their buildings")
    who.add_argument("--building", metavar="B", help="one building (6, 6栋, 6号楼…)")
    queue.add_argument("--channel", choices=CHANNEL_CHOICES, default="all")
    queue.add_argument("--limit", type=int, default=20, metavar="N", help="items shown (20)")
    queue.add_argument("--json", action="store_true", help="every item, as JSON")
    add_policy_option(queue)


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
        raise UserError("--limit must be at least 1")
    policy = policy_for(args)
    channels = frozenset(Channel) if args.channel == "all" else frozenset({Channel(args.channel)})
    store = open_store_for(args)
    try:
        with store.session() as session:
            if args.staff:
                scope = scope_for_staff(session, args.staff)
            elif args.building:
                scope = scope_for_building(session, args.building)
            else:
                scope = EVERY_BUILDING
        book = QueueBook(store, args.moment.date(), policy)
        queue = book.queue(args.moment, scope, channels)
    except UnknownScope as error:
        raise UserError(str(error)) from None
    finally:
        store.close()
    if args.json:
        json.dump(queue_json(queue), sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print_queue(queue, scope, args.limit)
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


def header_lines(queue: Queue) -> list[str]:
    """Which windows are open now, when the next opens, and what can be done meanwhile."""
    from callqueue.queue.actions import Channel
    from callqueue.workdays import calendar_warning

    lines = [queue.windows[c].reason for c in (Channel.CALL, Channel.VISIT)]
    closed = [c for c in (Channel.CALL, Channel.VISIT) if not queue.windows[c].open_now]
    if closed:
        can = [c.value + "s" for c in Channel if c not in closed]
        lines.append(f"now: {' and '.join(can)} can be done")
    warning = calendar_warning(queue.moment.date())
    if warning:
        lines.append(f"warning: {warning}")
    return lines


def pad(text: str, width: int, *, right: bool = False) -> str:
    """Pad to `width` terminal cells: a Chinese character takes two."""
    from rich.cells import cell_len

    gap = " " * max(width - cell_len(text), 0)
    return gap + text if right else text + gap


def print_queue(queue: Queue, scope: Scope, limit: int) -> None:
    """Two lines an item, so that it fits an 80-column terminal with names in Chinese."""
    from callqueue.queue.actions import EXCLUSION_LABEL

    print(f"Queue for {scope.label} at {queue.moment:%Y-%m-%d %H:%M} (CST)")
    for line in header_lines(queue):
        print(f"  {line}")
    if queue.items:
        print()
    for rank, item in enumerate(queue.items[:limit], start=1):
        print(
            f"{rank:>4} T{item.tier} {pad(item.key, 10)} {pad(item.owner, 12)}"
            f"{pad(f'{item.total:,.2f}', 12, right=True)} {item.days_overdue:>5} days"
            f"  {item.channel.value}"
        )
        why = "; ".join(r.text() for r in item.reasons[:2])
        print(f"        {item.action_text}: {why}")
    shown = min(limit, len(queue.items))
    print(f"\n{len(queue.items):,} items (showing {shown})")
    waiting = queue.waiting_by_channel()
    if waiting:
        parts = [f"{count:,} {channel.value}s" for channel, count in sorted(waiting.items())]
        print(f"waiting for a window: {', '.join(parts)}")
    excluded = queue.exclusions_by_reason()
    if excluded:
        parts = [f"{EXCLUSION_LABEL[code]} {count:,}" for code, count in excluded.most_common()]
        print(f"left out: {'; '.join(parts)}")
