"""Opening callqueue: the workspace (a summary until the full-screen app lands)."""

from __future__ import annotations

import argparse

from callqueue.cli.common import open_store_for
from callqueue.cli.demo import fresh_demo_store
from callqueue.cli.ledger import print_summary


def cmd_open(args: argparse.Namespace) -> int:
    """Open callqueue. The full-screen app arrives with the workspace; until then, a summary."""
    store = fresh_demo_store(args) if args.demo else open_store_for(args)
    print_summary(store, args.moment)
    store.close()
    return 0
