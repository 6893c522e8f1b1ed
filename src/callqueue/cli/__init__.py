"""The `callqueue` command line. Every command takes `--db`, `--at` (a fixed clock) and
`--lang` (zh_CN or en; default from the environment).

Handlers are thin: they parse arguments, call the core, and print. One module per group of
commands; heavy modules (the store, openpyxl, rich, textual) are imported inside handlers,
so `callqueue --help` is instant.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from callqueue import __version__
from callqueue.cli import (
    app,
    audit,
    db,
    demo,
    evidence,
    ledger,
    plan,
    policy,
    queue,
    record,
    report,
    serve,
    staff,
)
from callqueue.cli.common import (
    Commands,
    add_common,
    err,
    resolve_moment,
)
from callqueue.i18n import _, pgettext, set_language

COMMAND_GROUPS = (
    ledger, queue, record, evidence, audit, demo, db, staff, serve, policy, plan, report,
)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="callqueue",
        description="A prioritised call and visit queue for property-fee collectors.",
    )
    parser.add_argument("--version", action="version", version=f"callqueue {__version__}")
    parser.add_argument(
        "--demo", action="store_true", help="open on a fresh demo database (buildings 6, 7, 8)"
    )
    add_common(parser, top=True)
    app.add_served_option(parser)
    parser.set_defaults(handler=app.cmd_open)
    commands = Commands(parser.add_subparsers(title="commands", metavar="COMMAND"))
    for group in COMMAND_GROUPS:
        group.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        set_language(getattr(args, "lang", None))  # before the handler imports the app
        args.moment = resolve_moment(getattr(args, "at", None))
        return int(args.handler(args))
    except BrokenPipeError:  # `callqueue summary | head`: the reader left; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        err(error_line(_("interrupted; nothing more was written")))
        return 130
    except Exception as error:
        from callqueue.cli.problems import describe

        problem = describe(error)
        err(error_line(problem.message))
        return problem.status


def error_line(message: str) -> str:
    """`callqueue: message`, the one line a user sees for a problem."""
    return pgettext("error line", "callqueue: {message}").format(message=message)
