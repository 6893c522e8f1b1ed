"""Opening callqueue: the workspace app in a terminal; the arrears summary otherwise."""

from __future__ import annotations

import argparse
import sys

from callqueue.cli.common import open_store_for, policy_for
from callqueue.cli.demo import fresh_demo_store
from callqueue.cli.ledger import print_summary
from callqueue.i18n import _


def cmd_open(args: argparse.Namespace) -> int:
    """`callqueue` and `callqueue --demo`: sign in (or `--as`) and work the queue."""
    policy = policy_for(args)
    store = fresh_demo_store(args) if args.demo else open_store_for(args)
    try:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            print(_("(not a terminal: the arrears summary instead of the workspace)"))
            print_summary(store, args.moment)
            return 0
        from callqueue.app.app import CallqueueApp
        from callqueue.clock import now

        fixed = args.moment if args.at else None
        app = CallqueueApp(
            store, policy, staff_code=args.staff, clock=(lambda: fixed) if fixed else now
        )
        app.run()
        return 1 if app.crash_log else 0
    finally:
        store.close()
