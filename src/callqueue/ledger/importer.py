"""`callqueue import`: a checked billing export written to the store in one transaction.

Re-importing the same or a newer export is idempotent: households are matched by key and
charge lines by (household, fee type, period); nothing recorded in callqueue is touched
except that billing-system payments are reconciled with callqueue payments (see
`reconcile`). Lines missing from a newer export are left as they were.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session
from sqlmodel import col, select

from callqueue.audit import AuditAction, add_audit
from callqueue.i18n import _
from callqueue.ledger.lines import (
    CheckedLedger,
    HouseholdRows,
    LedgerLine,
    RowProblem,
    check_ledger,
)
from callqueue.ledger.readers import DEFAULT_LIMITS, FileProblem, Limits, RawLedger, read_ledger
from callqueue.ledger.reconcile import absorb_oldest_first, pending_to_absorb
from callqueue.ledger.values import floor_of_room
from callqueue.money import ZERO
from callqueue.store.database import Store
from callqueue.store.models import (
    Building,
    ChargeLine,
    Household,
    ImportBatch,
    Payment,
    PaymentAllocation,
    Person,
    PersonRole,
    Phone,
    PhoneKind,
    table_of,
)
from callqueue.store.types import Money

CHUNK = 5000  # keys per IN (...) list: well inside SQLite's and PostgreSQL's limits
T = TypeVar("T")


class ImportRefused(Exception):
    """The file has bad rows; nothing was written. `problems` names every one."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(_("{count} bad row(s)").format(count=len(problems)))
        self.problems = problems


@dataclass
class ImportReport:
    """What an import found and (unless a dry run) changed."""

    file: Path
    encoding: str
    header_line: int
    ignored_columns: list[str]
    skipped: list[tuple[int, str]]
    households: int
    lines: int
    arrears_by_fee: dict[str, Decimal]
    arrears_by_building: dict[str, Decimal]
    not_yet_due: Decimal
    as_of: dt.date
    dry_run: bool
    households_added: int = 0
    owners_changed: int = 0
    phones_added: int = 0
    charges_added: int = 0
    charges_updated: int = 0
    charges_unchanged: int = 0
    reconciled: Decimal = ZERO
    batch_id: int | None = None
    problems: list[RowProblem] = field(default_factory=list)


Progress = Callable[[str, int, int], None]  # (phase, done, total)


def import_ledger(
    store: Store,
    path: Path,
    *,
    at: dt.datetime,
    dry_run: bool = False,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ImportReport:
    """Read, check and (unless `dry_run`) write `path`, all or nothing.

    Raises `FileProblem` when the file as a whole cannot be read (too large, damaged, no
    rows below its header: see `readers`), `ImportRefused` naming every bad row.
    """
    if progress is not None:
        progress("reading", 0, 1)
    raw = read_ledger(path, limits)
    if not raw.rows:  # a header alone: almost always the wrong file, or a failed export
        raise FileProblem(
            _("no rows to import, only a header (line {line})").format(line=raw.header_line)
        )
    total = len(raw.rows)
    if progress is not None:
        progress("reading", 1, 1)
    checked = check_ledger(
        raw, None if progress is None else (lambda done: progress("checking", done, total))
    )
    if checked.problems:
        raise ImportRefused(checked.problems)
    report = _report(raw, checked, dry_run, as_of=at.date())
    if dry_run:
        return report
    if progress is not None:
        progress("writing", 0, total)
    with store.write_session() as session, session.begin():
        _write(session, checked, report, at=at, sha256=_sha256(path))
    if progress is not None:
        progress("writing", total, total)
    return report


def _sha256(path: Path) -> str:
    with path.open("rb") as file:  # streamed: the file may be up to the size limit
        return hashlib.file_digest(file, "sha256").hexdigest()


def _report(
    raw: RawLedger, checked: CheckedLedger, dry_run: bool, *, as_of: dt.date
) -> ImportReport:
    """What the file holds: arrears are lines overdue on `as_of`; later ones are apart."""
    by_fee: dict[str, Decimal] = {}
    by_building: dict[str, Decimal] = {}
    not_yet_due = ZERO
    for line in checked.lines:
        if line.due_date >= as_of:
            not_yet_due += line.arrears
            continue
        by_fee[line.fee_type] = by_fee.get(line.fee_type, ZERO) + line.arrears
        by_building[line.building] = by_building.get(line.building, ZERO) + line.arrears
    return ImportReport(
        file=raw.path,
        encoding=raw.encoding,
        header_line=raw.header_line,
        ignored_columns=raw.ignored_columns,
        skipped=raw.skipped,
        households=len(checked.households),
        lines=len(checked.lines),
        arrears_by_fee=by_fee,
        arrears_by_building=by_building,
        not_yet_due=not_yet_due,
        as_of=as_of,
        dry_run=dry_run,
    )


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _write(
    session: Session, checked: CheckedLedger, report: ImportReport, *, at: dt.datetime, sha256: str
) -> None:
    batch = ImportBatch(
        file_name=report.file.name, file_sha256=sha256, imported_at=at, lines=report.lines
    )
    session.add(batch)
    session.flush()
    assert batch.id is not None
    report.batch_id = batch.id
    households = list(checked.households.values())
    building_ids = _ensure_buildings(session, {h.building for h in households})
    household_ids = _upsert_households(session, households, building_ids, report)
    owner_ids = _upsert_owners(session, households, household_ids, report)
    _add_phones(session, households, owner_ids, report)
    _upsert_charges(session, checked.lines, household_ids, batch.id, report)
    batch.households_added = report.households_added
    batch.charges_added = report.charges_added
    batch.charges_updated = report.charges_updated
    add_audit(  # one summary row per import, in the import's transaction
        session,
        at=at,
        staff_id=None,
        action=AuditAction.IMPORT,
        table_name="import_batches",
        row_id=batch.id,
        household_id=None,
        detail={
            "file_name": report.file.name,
            "file_sha256": sha256,
            "encoding": report.encoding,
            "lines": report.lines,
            "households": report.households,
            "households_added": report.households_added,
            "owners_changed": report.owners_changed,
            "phones_added": report.phones_added,
            "charges_added": report.charges_added,
            "charges_updated": report.charges_updated,
            "charges_unchanged": report.charges_unchanged,
            "reconciled": report.reconciled,
            "arrears_by_fee": report.arrears_by_fee,
        },
    )


def _ensure_buildings(session: Session, codes: set[str]) -> dict[str, int]:
    existing: dict[str, int] = {
        code: id_ for code, id_ in session.execute(select(Building.code, Building.id)) if id_
    }
    missing = sorted(codes - existing.keys())
    if missing:
        session.execute(insert(table_of(Building)), [{"code": code} for code in missing])
        existing = {
            code: id_ for code, id_ in session.execute(select(Building.code, Building.id)) if id_
        }
    return existing


def _select_in(
    session: Session, columns: Iterable[Any], key_column: Any, keys: Sequence[Any]
) -> list[Any]:
    rows: list[Any] = []
    for chunk in _chunks(keys):
        rows.extend(session.execute(select(*columns).where(key_column.in_(chunk))).all())
    return rows


def _upsert_households(
    session: Session,
    households: list[HouseholdRows],
    building_ids: dict[str, int],
    report: ImportReport,
) -> dict[str, int]:
    keys = [h.key for h in households]
    existing = {
        row.key: row
        for row in _select_in(
            session, (Household.id, Household.key, Household.area), Household.key, keys
        )
    }
    new = [h for h in households if h.key not in existing]
    if new:
        session.execute(
            insert(table_of(Household)),
            [
                {
                    "key": h.key,
                    "building_id": building_ids[h.building],
                    "unit": h.unit,
                    "room": h.room,
                    "floor": floor_of_room(h.room),
                    "area": h.area,
                    "no_phone": not h.phones,
                }
                for h in new
            ],
        )
        report.households_added = len(new)
    area_changes = [
        {"b_id": existing[h.key].id, "b_area": h.area}
        for h in households
        if h.key in existing and h.area is not None and existing[h.key].area != h.area
    ]
    if area_changes:
        session.execute(
            update(table_of(Household))
            .where(table_of(Household).c.id == bindparam("b_id"))
            .values(area=bindparam("b_area", type_=Money())),
            area_changes,
        )
    ids = {row.key: row.id for row in existing.values()}
    if new:
        ids.update(
            (row.key, row.id)
            for row in _select_in(
                session, (Household.id, Household.key), Household.key, [h.key for h in new]
            )
        )
    return ids


def _upsert_owners(
    session: Session,
    households: list[HouseholdRows],
    household_ids: dict[str, int],
    report: ImportReport,
) -> dict[str, int]:
    """The primary owner of each household; a new name makes the old owner a former owner."""
    ids = [household_ids[h.key] for h in households]
    primaries = {
        row.household_id: row
        for row in _select_in(
            session,
            (Person.id, Person.household_id, Person.name, Person.is_primary),
            Person.household_id,
            ids,
        )
        if row.is_primary
    }
    replaced = [
        primaries[household_ids[h.key]].id
        for h in households
        if household_ids[h.key] in primaries and primaries[household_ids[h.key]].name != h.owner
    ]
    if replaced:
        for chunk in _chunks(replaced):
            session.execute(
                update(Person)
                .where(col(Person.id).in_(chunk))
                .values(is_primary=False, role=PersonRole.FORMER_OWNER)
            )
        report.owners_changed = len(replaced)
    needing = [
        h
        for h in households
        if household_ids[h.key] not in primaries or primaries[household_ids[h.key]].name != h.owner
    ]
    if needing:
        session.execute(
            insert(table_of(Person)),
            [
                {
                    "household_id": household_ids[h.key],
                    "name": h.owner,
                    "role": PersonRole.OWNER,
                    "is_primary": True,
                }
                for h in needing
            ],
        )
    owners = {
        row.household_id: row.id
        for row in _select_in(
            session, (Person.id, Person.household_id, Person.is_primary), Person.household_id, ids
        )
        if row.is_primary
    }
    return {h.key: owners[household_ids[h.key]] for h in households}


def _add_phones(
    session: Session,
    households: list[HouseholdRows],
    owner_ids: dict[str, int],
    report: ImportReport,
) -> None:
    """Numbers new to callqueue are added; none is ever removed (collectors may have added it)."""
    person_ids = list(owner_ids.values())
    known = {
        (row.person_id, row.number)
        for row in _select_in(session, (Phone.person_id, Phone.number), Phone.person_id, person_ids)
    }
    rows = [
        {
            "person_id": owner_ids[h.key],
            "number": number,
            "kind": PhoneKind.MOBILE if number.startswith("1") else PhoneKind.LANDLINE,
        }
        for h in households
        for number in h.phones
        if (owner_ids[h.key], number) not in known
    ]
    if rows:
        session.execute(insert(table_of(Phone)), rows)
        report.phones_added = len(rows)


def _upsert_charges(
    session: Session,
    lines: list[LedgerLine],
    household_ids: dict[str, int],
    batch_id: int,
    report: ImportReport,
) -> None:
    wanted = sorted({household_ids[line.key] for line in lines})
    existing = {
        (row.household_id, row.fee_type, row.period): row
        for row in _select_in(
            session,
            (
                ChargeLine.id,
                ChargeLine.household_id,
                ChargeLine.fee_type,
                ChargeLine.period,
                ChargeLine.due_date,
                ChargeLine.amount_due,
                ChargeLine.paid_billing,
                ChargeLine.paid_pending,
            ),
            ChargeLine.household_id,
            wanted,
        )
    }
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    absorb: dict[int, Decimal] = {}
    for line in lines:
        household_id = household_ids[line.key]
        old = existing.get((household_id, line.fee_type, line.period))
        if old is None:
            inserts.append(
                {
                    "household_id": household_id,
                    "fee_type": line.fee_type,
                    "period": line.period,
                    "due_date": line.due_date,
                    "amount_due": line.amount_due,
                    "paid_billing": line.amount_paid,
                    "paid_pending": ZERO,
                    "import_id": batch_id,
                }
            )
            continue
        if (old.amount_due, old.due_date, old.paid_billing) == (
            line.amount_due,
            line.due_date,
            line.amount_paid,
        ):
            report.charges_unchanged += 1
            continue
        taken = pending_to_absorb(
            amount_due=line.amount_due,
            old_billing=old.paid_billing,
            new_billing=line.amount_paid,
            pending=old.paid_pending,
        )
        if taken > ZERO:
            absorb[old.id] = taken
        updates.append(
            {
                "b_id": old.id,
                "b_due": line.amount_due,
                "b_due_date": line.due_date,
                "b_billing": line.amount_paid,
                "b_pending": old.paid_pending - taken,
                "b_import": batch_id,
            }
        )
    if inserts:
        session.execute(insert(table_of(ChargeLine)), inserts)
    if updates:
        money = Money()
        session.execute(
            update(table_of(ChargeLine))
            .where(table_of(ChargeLine).c.id == bindparam("b_id"))
            .values(
                amount_due=bindparam("b_due", type_=money),
                due_date=bindparam("b_due_date"),
                paid_billing=bindparam("b_billing", type_=money),
                paid_pending=bindparam("b_pending", type_=money),
                import_id=bindparam("b_import"),
            ),
            updates,
        )
    if absorb:
        _reconcile_allocations(session, absorb)
        report.reconciled = sum(absorb.values(), ZERO)
    report.charges_added = len(inserts)
    report.charges_updated = len(updates)


def _reconcile_allocations(session: Session, absorb: dict[int, Decimal]) -> None:
    """Mark callqueue payments as seen by billing, oldest allocation first on each line."""
    rows = _select_in(
        session,
        (
            PaymentAllocation.id,
            PaymentAllocation.charge_line_id,
            PaymentAllocation.amount,
            PaymentAllocation.reconciled,
            PaymentAllocation.payment_id,
        ),
        PaymentAllocation.charge_line_id,
        sorted(absorb),
    )
    # A reversed payment (recording.corrections) is no longer pending: billing's money is
    # never matched to it. Reversals themselves have negative amounts and never match.
    reversed_ids = set(
        _select_in(
            session,
            (Payment.corrects_id,),
            Payment.corrects_id,
            sorted({row.payment_id for row in rows}),
        )
    )
    by_line: dict[int, list[tuple[int, Decimal]]] = {}
    reconciled: dict[int, Decimal] = {}
    for row in sorted(rows, key=lambda r: r.id):
        if (row.payment_id,) in reversed_ids:
            continue
        if row.amount > row.reconciled:
            by_line.setdefault(row.charge_line_id, []).append((row.id, row.amount - row.reconciled))
            reconciled[row.id] = row.reconciled
    changes = [
        {"b_id": allocation_id, "b_reconciled": reconciled[allocation_id] + part}
        for line_id, amount in absorb.items()
        for allocation_id, part in absorb_oldest_first(amount, by_line.get(line_id, []))
    ]
    if changes:
        session.execute(
            update(table_of(PaymentAllocation))
            .where(table_of(PaymentAllocation).c.id == bindparam("b_id"))
            .values(reconciled=bindparam("b_reconciled", type_=Money())),
            changes,
        )
