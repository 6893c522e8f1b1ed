"""`callqueue evidence KEY --out FILE`: the evidence workbook of one household, and its hash."""

from __future__ import annotations

import argparse
from pathlib import Path

from callqueue.cli.common import Commands, UserError, open_store_for, policy_for
from callqueue.i18n import _


def register(commands: Commands) -> None:
    cmd = commands.add(
        "evidence",
        cmd_evidence,
        "one household's evidence for a lawyer (XLSX), with its SHA-256 kept in the audit log",
    )
    cmd.add_argument("key", help="building-unit-room (6-2-1203) or building-room (8-1501)")
    cmd.add_argument("--out", type=Path, required=True, metavar="FILE", help="the .xlsx to write")


def cmd_evidence(args: argparse.Namespace) -> int:
    from callqueue.access import NotAllowed, command_access
    from callqueue.evidence import export_evidence
    from callqueue.household_view import UnknownHousehold

    if args.out.suffix.lower() != ".xlsx":
        raise UserError(
            _("{file}: the evidence file is a workbook; name it .xlsx").format(file=args.out)
        )
    policy = policy_for(args)
    store = open_store_for(args)
    try:
        with store.session() as session:
            access = command_access(store, session, args.staff)
        written = export_evidence(
            store, args.key, args.out, access=access, now=args.moment, policy=policy
        )
    except (ValueError, UnknownHousehold, NotAllowed) as error:
        raise UserError(str(error)) from None
    finally:
        store.close()
    print(
        _("{key}: evidence written to {file} ({sheets} sheets)").format(
            key=written.household_key, file=written.path, sheets=len(written.sheets)
        )
    )
    print(
        _("SHA-256 {digest} (kept as audit row #{id})").format(
            digest=written.sha256, id=written.audit_id
        )
    )
    return 0
