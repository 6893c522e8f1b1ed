"""`callqueue audit`: who changed what and when, from the audit log."""

from __future__ import annotations

import argparse

from callqueue.cli.common import Commands, UserError, open_store_for


def register(commands: Commands) -> None:
    cmd = commands.add("audit", cmd_audit, "the audit log: who changed what, and when")
    cmd.add_argument("--household", metavar="KEY", help="one household, e.g. 6-2-1203")
    cmd.add_argument("--staff", dest="of_staff", metavar="CODE", help="what one staff member did")
    cmd.add_argument("--since", metavar="DATE", help="from this day or moment on (CST)")
    cmd.add_argument("--json", action="store_true", help="one JSON object per line")
    cmd.add_argument(
        "--show-phones",
        action="store_true",
        help="phone numbers in full (team leaders and managers; this is itself audited)",
    )


def cmd_audit(args: argparse.Namespace) -> int:
    import json

    from sqlalchemy import select

    from callqueue.access import Need, NotAllowed, check_household, command_access
    from callqueue.audit import AuditAction, add_audit, audit_json, read_audit
    from callqueue.clock import parse_moment
    from callqueue.household_view import UnknownHousehold, household_id_for_key
    from callqueue.i18n import _
    from callqueue.privacy import mask_phones_in
    from callqueue.safe_text import visible
    from callqueue.store.models import Staff, table_of

    since = None
    if args.since:
        try:
            since = parse_moment(args.since)
        except ValueError:
            raise UserError(
                _("cannot read --since {text}; write 2026-11-27 or 2026-11-27T10:30").format(
                    text=repr(args.since)
                )
            ) from None
    store = open_store_for(args)
    try:
        with store.session() as session:
            need = Need.LEAD if args.show_phones else Need.SIGNED_IN
            access = command_access(store, session, args.staff, need)
            household_id = None
            if args.household:
                household_id = household_id_for_key(session, args.household)
                check_household(session, access, household_id, args.household)
            staff_id = None
            if args.of_staff:
                s = table_of(Staff).c
                staff_id = session.execute(select(s.id).where(s.code == args.of_staff)).scalar()
                if staff_id is None:
                    raise UserError(
                        _("no staff member has the code {code!r}").format(code=args.of_staff)
                    )
            rows = read_audit(
                session,
                household_id=household_id,
                staff_id=staff_id,
                since=since,
                buildings=access.buildings,
            )
        if args.show_phones:  # who saw full numbers, of what, is itself on the record
            with store.write_session() as session, session.begin():
                add_audit(
                    session,
                    at=args.moment,
                    staff_id=access.staff_id,
                    action=AuditAction.SHOW_PHONES,
                    table_name="audit_log",
                    row_id=None,
                    household_id=household_id,
                    detail={"rows": len(rows), "since": since, "staff": args.of_staff},
                )
    except (ValueError, UnknownHousehold, NotAllowed) as error:
        raise UserError(str(error)) from None
    finally:
        store.close()
    for row in rows:
        detail = row.detail if args.show_phones else mask_phones_in(row.detail)
        entered = row.entered_at.isoformat() if row.entered_at else None
        if args.json:
            print(
                json.dumps(
                    {
                        "id": row.id,
                        "at": row.at.isoformat(),
                        "entered_at": entered,
                        "staff": row.staff_code,
                        "action": row.action,
                        "table": row.table_name,
                        "row_id": row.row_id,
                        "household": row.household_key,
                        "detail": detail,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            who = row.staff_code or "-"
            where = row.household_key or "-"
            shown = row.detail_json if args.show_phones else audit_json(detail)
            typed = f" ({_('entered')} {row.entered_at:%Y-%m-%d %H:%M})" if row.entered_at else ""
            line = (
                f"#{row.id} {row.at:%Y-%m-%d %H:%M}{typed} {who} {row.action} "
                f"{row.table_name}#{row.row_id or '-'} {where} {shown}"
            )
            print(visible(line))  # DEL and C1 characters pass JSON unescaped
    if not args.json:
        print(_("{count} audit row(s)").format(count=len(rows)))
    return 0
