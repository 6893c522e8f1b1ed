"""`callqueue db`: the schema version, and upgrading in place."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from callqueue.cli.common import Commands
from callqueue.i18n import _, pgettext

if TYPE_CHECKING:
    pass


def register(commands: Commands) -> None:
    db = commands.add("db", cmd_db, "database schema: status, or upgrade in place")
    db.add_argument("action", choices=["status", "upgrade"])


def cmd_db(args: argparse.Namespace) -> int:
    from callqueue.store.database import (
        current_revision,
        head_revision,
        make_engine,
        resolve_url,
        upgrade,
    )

    engine = make_engine(resolve_url(args.db))
    current, head = current_revision(engine), head_revision()
    if args.action == "upgrade" and current != head:
        upgrade(engine)
        print(
            _("upgraded from {current} to {head}").format(
                current=current or _("an empty database"), head=head
            )
        )
    else:
        state = (
            _("up to date") if current == head else _("needs upgrade to {head}").format(head=head)
        )
        print(
            _("schema {current}: {state}").format(
                current=current or pgettext("schema", "none"), state=state
            )
        )
    engine.dispose()
    return 0
