"""`callqueue staff`: who works here and how they sign in (passwords, operating-system accounts).

Managers run these, signed in like for any other command (`access.command_access`). While
nobody can sign in yet (no password, no account: a new database) whoever can open the
database sets up the first sign-in: on PostgreSQL its own credentials decide who that is,
a SQLite file is as safe as the folder it is in. Every change is an audit row.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from callqueue.cli.common import Commands, UserError, add_common, open_store_for, signed_in
from callqueue.i18n import _, role_label

if TYPE_CHECKING:
    from callqueue.access import Access
    from callqueue.store.database import Store


def register(commands: Commands) -> None:
    staff = commands.add("staff", cmd_staff_list, "staff and how they sign in")
    sub = staff.add_subparsers(title="actions", metavar="ACTION")
    listing = sub.add_parser("list", help="every staff member, role, team, sign-in")
    listing.set_defaults(handler=cmd_staff_list)
    password = sub.add_parser(
        "password",
        help="set a staff member's password (typed twice), or --clear it",
        description="Set the password CODE signs in with on a shared database. It is read "
        "twice from the terminal without echo, or once from standard input with "
        "--password-stdin; only an argon2 hash is stored.",
    )
    password.add_argument("code", metavar="CODE")
    how = password.add_mutually_exclusive_group()
    how.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    how.add_argument("--clear", action="store_true", help="remove the password")
    password.set_defaults(handler=cmd_staff_password)
    account = sub.add_parser(
        "os-user",
        help="sign CODE in by their operating-system account (over SSH), or --clear it",
        description="When callqueue runs under operating-system account USER (a collector "
        "who connects over SSH), it signs CODE in without a password.",
    )
    account.add_argument("code", metavar="CODE")
    account.add_argument("user", metavar="USER", nargs="?")
    account.add_argument("--clear", action="store_true", help="remove the account")
    account.set_defaults(handler=cmd_staff_os_user)
    for parser in (listing, password, account):  # `staff password lina --db team.db`
        add_common(parser, top=False)


def _manager(args: argparse.Namespace, store: Store) -> Access:
    """A manager signed in (or the owner: one person's file, or a database being set up)."""
    from callqueue.access import Need

    with store.session() as session:
        return signed_in(args, store, session, Need.MANAGE)


def cmd_staff_list(args: argparse.Namespace) -> int:
    from callqueue.auth import is_shared, list_accounts

    store = open_store_for(args)
    try:
        _manager(args, store)
        accounts = list_accounts(store)
        shared = is_shared(store)
    finally:
        store.close()
    if not accounts:
        print(_("no staff yet"))
        return 0
    header = (_("code"), _("name"), _("role"), _("team"), _("password"), _("account"))
    rows = [
        (
            a.code + ("" if a.active else " " + _("(inactive)")),
            a.name,
            role_label(a.role),
            a.team or "-",
            _("set") if a.has_password else "-",
            a.os_user or "-",
        )
        for a in accounts
    ]
    _print_table(header, rows)
    print(
        _("Shared database: everyone signs in (--as only with --demo).")
        if shared
        else _("Single-user database: nobody has a password or an account; --as works.")
    )
    return 0


def _print_table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    from rich.cells import cell_len  # Chinese characters take two columns

    widths = [max(cell_len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [
            text + " " * (width - cell_len(text)) for text, width in zip(row, widths, strict=True)
        ]
        print("  ".join(cells).rstrip())


def cmd_staff_password(args: argparse.Namespace) -> int:
    from callqueue.auth import Change, SignInError, check_password_rules, set_password

    password = None if args.clear else _read_password(args.password_stdin)
    store = open_store_for(args)
    try:
        change = Change(args.moment, _manager(args, store).staff_id)
        if password is not None:
            check_password_rules(password)
        set_password(store, args.code, password, change)
    except SignInError as error:
        raise UserError(str(error)) from None
    finally:
        store.close()
    if password is None:
        print(_("{code}: password removed").format(code=args.code))
    else:
        print(_("{code}: password set").format(code=args.code))
    return 0


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line.removesuffix("\n").removesuffix("\r")
        if not password:
            raise UserError(_("no password on standard input"))
        return password
    if not sys.stdin.isatty():
        raise UserError(
            _("not a terminal: give the password on standard input with --password-stdin")
        )
    import getpass

    first = getpass.getpass(_("New password: "))
    if getpass.getpass(_("The same again: ")) != first:
        raise UserError(_("the two passwords differ; nothing was changed"))
    return first


def cmd_staff_os_user(args: argparse.Namespace) -> int:
    from callqueue.auth import Change, SignInError, set_os_user

    if bool(args.clear) == bool(args.user):
        raise UserError(_("give an operating-system account, or --clear"))
    store = open_store_for(args)
    try:
        change = Change(args.moment, _manager(args, store).staff_id)
        set_os_user(store, args.code, None if args.clear else args.user, change)
    except SignInError as error:
        raise UserError(str(error)) from None
    finally:
        store.close()
    if args.clear:
        print(_("{code}: no operating-system account").format(code=args.code))
    else:
        print(
            _("{code}: signed in when callqueue runs as the account {user}").format(
                code=args.code, user=args.user
            )
        )
    return 0
