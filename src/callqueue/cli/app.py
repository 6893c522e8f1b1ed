"""Opening callqueue: the workspace app in a terminal; the arrears summary otherwise.

Who works (see `callqueue.auth`): `--as CODE` on the demo and on a single-user database;
on a shared one the operating-system account mapped to a staff member, else the app's
sign-in form (staff code and password). A session served in a browser (`callqueue serve`
starts `callqueue --served …` for each one) always signs in in the app: the server's own
account and `--as` are nobody's to borrow.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from callqueue.cli.common import UserError, open_store_for, policy_for
from callqueue.cli.demo import fresh_demo_store
from callqueue.cli.ledger import print_summary
from callqueue.i18n import _

if TYPE_CHECKING:
    from callqueue.store.database import Store

SERVED_MODES = ("shared", "demo")  # `--served`: passwords always, or the demo's pick list


def add_served_option(parser: argparse.ArgumentParser) -> None:
    """The hidden `--served MODE` that `callqueue serve` puts on each browser session."""
    parser.add_argument("--served", choices=SERVED_MODES, default=None, help=argparse.SUPPRESS)


def cmd_open(args: argparse.Namespace) -> int:
    """`callqueue` and `callqueue --demo`: sign in (or `--as`) and work the queue."""
    served = getattr(args, "served", None)
    if served and args.staff:
        raise UserError(_("--as is not for a session served in a browser"))
    policy = policy_for(args)
    store = fresh_demo_store(args) if args.demo else open_store_for(args)
    try:
        if not served and not (sys.stdin.isatty() and sys.stdout.isatty()):
            # No sign-in form without a terminal: the summary goes through the one access
            # rule (on a shared database only an operating-system account signs in here).
            heading = _("(not a terminal: the arrears summary instead of the workspace)")
            print_summary(args, store, heading)
            return 0
        staff_code = starts_as(store, args.staff, demo=args.demo, served=served is not None)
        from callqueue.app.app import CallqueueApp
        from callqueue.clock import now

        fixed = args.moment if args.at else None
        app = CallqueueApp(
            store, policy, staff_code=staff_code, clock=(lambda: fixed) if fixed else now
        )
        app.password_required = served == "shared"
        app.demo = args.demo or served == "demo"
        app.run()
        return 1 if app.crash_log else 0
    finally:
        store.close()


def starts_as(store: Store, as_code: str | None, *, demo: bool, served: bool) -> str | None:
    """Who starts signed in: `--as` where the rule allows it, else the staff member mapped
    to this operating-system account; None leaves it to the app's sign-in."""
    from callqueue.auth import SignInError, check_as, os_user_staff

    if as_code:
        try:
            check_as(store, as_code, demo=demo)
        except SignInError as error:
            raise UserError(str(error)) from None
        return as_code
    if served:
        return None
    account = os_user_staff(store)
    return account.code if account else None
