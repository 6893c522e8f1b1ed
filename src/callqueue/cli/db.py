"""`callqueue db`: the schema version, upgrading in place, and a backup of a SQLite file."""

from __future__ import annotations

import argparse
from pathlib import Path

from callqueue.cli.common import Commands, UserError
from callqueue.i18n import _, pgettext


def register(commands: Commands) -> None:
    db = commands.add(
        "db", cmd_db, "database: schema status, upgrade in place, or a backup of a SQLite file"
    )
    db.add_argument("action", choices=["status", "upgrade", "backup"])
    db.add_argument(
        "file",
        metavar="FILE",
        nargs="?",
        type=Path,
        help="backup: the copy to write (a SQLite file), safe while callqueue is in use",
    )
    db.add_argument("--force", action="store_true", help="backup: replace FILE if it exists")


def cmd_db(args: argparse.Namespace) -> int:
    if args.action == "backup":
        return cmd_backup(args)
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


def cmd_backup(args: argparse.Namespace) -> int:
    """`callqueue db backup FILE`: a consistent copy of the SQLite database, taken while
    collectors keep working (SQLite's online backup), checked before it is kept."""
    from sqlalchemy.engine import make_url

    from callqueue.store.database import resolve_url

    if args.file is None:
        raise UserError(_("db backup needs the FILE to write, e.g. callqueue db backup copy.db"))
    url = make_url(resolve_url(args.db))
    if url.get_backend_name() != "sqlite":
        raise UserError(
            _(
                "db backup copies a SQLite file; for PostgreSQL use pg_dump, e.g. "
                "pg_dump -Fc -f callqueue.dump DBNAME (see docs/team.md)"
            )
        )
    source = Path(url.database or "")
    if not url.database or not source.is_file():
        raise UserError(_("no database file at {path}").format(path=source))
    target: Path = args.file.expanduser()
    if target.exists() and not args.force:
        raise UserError(_("{path} exists; choose another name or add --force").format(path=target))
    if target.resolve() == source.resolve():
        raise UserError(_("the backup cannot replace the database itself"))
    _as_manager(args)  # a copy of everything: for managers (and one person's own file)
    pages = backup_sqlite(source, target)
    print(
        _("backup of {source} written to {target} ({pages} pages, integrity ok)").format(
            source=source, target=target, pages=pages
        )
    )
    return 0


def _as_manager(args: argparse.Namespace) -> None:
    from callqueue.access import Need
    from callqueue.cli.common import open_store_for, signed_in

    store = open_store_for(args)
    try:
        with store.session() as session:
            signed_in(args, store, session, Need.MANAGE)
    finally:
        store.close()


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy `source` into `target` with SQLite's online backup and check the copy.

    The copy is one consistent moment of the database: the backup reads it in a single
    step inside one read transaction, which in WAL mode never blocks the collectors'
    writes. The copy is written beside `target`, switched to a plain rollback journal (a
    single self-contained file), checked with `PRAGMA integrity_check`, and only then
    renamed onto `target`. Returns the number of pages copied.
    """
    import os
    import sqlite3
    from contextlib import closing

    from callqueue.store.database import SQLITE_BUSY_TIMEOUT_MS

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with (
            closing(sqlite3.connect(source, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)) as src,
            closing(sqlite3.connect(partial)) as dst,
        ):
            src.backup(dst)  # pages=-1: everything in one step, one consistent snapshot
            dst.execute("PRAGMA journal_mode=DELETE")
            problems = [row[0] for row in dst.execute("PRAGMA integrity_check")]
            pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
        if problems != ["ok"]:
            raise UserError(
                _(
                    "the copy failed its integrity check ({problems}); {path} was not written"
                ).format(problems="; ".join(problems[:5]), path=target)
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return pages
