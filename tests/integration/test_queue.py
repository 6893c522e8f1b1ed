"""The queue on a real store: the issue's day, scopes, recorded outcomes, the CLI and JSON."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from callqueue.cli import main
from callqueue.demo import DEMO_COLLECTOR, DEMO_LEADER, DEMO_MANAGER
from callqueue.policy import DEFAULT_POLICY
from callqueue.queue.actions import Action, Channel
from callqueue.queue.book import EVERY_BUILDING, QueueBook, Scope, scope_for_staff
from callqueue.queue.build import Queue
from callqueue.queue.facts import Facts, facts_for
from callqueue.queue.records import load_records
from callqueue.recording.entries import OutcomeEntry, PromiseEntry
from callqueue.recording.save import record_outcome, record_promise
from callqueue.store.database import Store
from callqueue.store.models import Building, ChargeLine, table_of

FRIDAY = dt.date(2026, 11, 27)


def moment(hour: int, minute: int = 0, days: int = 0) -> dt.datetime:
    return dt.datetime.combine(FRIDAY + dt.timedelta(days=days), dt.time(hour, minute))


def test_the_day_the_issue_describes(demo_store: Store) -> None:
    book = QueueBook(demo_store, FRIDAY, DEFAULT_POLICY)
    early = book.queue(moment(9, 30), channels=frozenset({Channel.CALL}))
    assert early.items == [] and early.waiting  # calls wait for their window…
    assert early.windows[Channel.CALL].next_opens_at == moment(10)
    everything = book.queue(moment(9, 30))
    assert everything.items and {i.channel for i in everything.items} <= {
        Channel.VISIT,
        Channel.LETTER,
    }  # …while visits and letters are offered
    full = book.queue(moment(10, 30), channels=frozenset({Channel.CALL}))
    assert len(full.items) > 20
    assert all(item.reasons for item in full.items)  # every position explained
    mixed = book.queue(moment(10, 30))
    assert mixed.items[0].action is Action.LIMITATION_DEMAND  # debts about to expire lead
    assert "expires in" in mixed.items[0].reasons[0].text()
    tiers = [item.tier for item in mixed.items]
    assert tiers == sorted(tiers)


def test_a_promise_hides_and_a_broken_one_comes_back_on_top(demo_store: Store) -> None:
    book = QueueBook(demo_store, FRIDAY, DEFAULT_POLICY)
    queue = book.queue(moment(10, 30), channels=frozenset({Channel.CALL}))
    target = next(item for item in queue.items if item.action is Action.CALL)
    entry = PromiseEntry(
        household_key=target.key, staff_code=DEMO_MANAGER, at=moment(10, 31),
        promised_date=FRIDAY + dt.timedelta(days=3), amount=None, method="wechat",
        note="业主答应周一转账",
    )  # fmt: skip
    record_promise(demo_store, entry, now=moment(10, 32), policy=DEFAULT_POLICY)
    book.record_changed(queue, target.household_id, EVERY_BUILDING)
    assert target.household_id not in {i.household_id for i in queue.items}
    assert queue.excluded[target.household_id].code == "promise_pending"
    # on the promised date it is still hidden; after the grace day it is broken
    for days, hidden in [(3, True), (4, True), (5, False)]:
        later = QueueBook(demo_store, FRIDAY + dt.timedelta(days=days), DEFAULT_POLICY)
        ranked = later.queue(moment(10, 30, days), channels=frozenset({Channel.CALL}))
        ids = [i.household_id for i in ranked.items]
        assert (target.household_id not in ids) is hidden
    broken = next(i for i in ranked.items if i.household_id == target.household_id)
    assert broken.action is Action.BROKEN_PROMISE
    assert broken.reasons[0].text() == "promise of 11-30 broken"
    assert all(i.tier <= broken.tier for i in ranked.items[: ranked.rank_of(broken.household_id)])


def test_an_outcome_moves_the_household_at_once(demo_store: Store) -> None:
    book = QueueBook(demo_store, FRIDAY, DEFAULT_POLICY)
    queue = book.queue(moment(10, 30), channels=frozenset({Channel.CALL}))
    target = next(item for item in queue.items if item.action is Action.CALL)
    for n in range(2):  # two unanswered attempts: the daily cap
        entry = OutcomeEntry(target.key, DEMO_MANAGER, moment(10, 31 + n), "call", "no_answer")
        record_outcome(demo_store, entry, now=moment(10, 40), policy=DEFAULT_POLICY)
        book.record_changed(queue, target.household_id, EVERY_BUILDING)
    assert queue.rank_of(target.household_id) is None
    assert queue.excluded[target.household_id].code == "call_cap"
    rebuilt = book.queue(moment(10, 30), channels=frozenset({Channel.CALL}))
    assert [i.key for i in rebuilt.items] == [i.key for i in queue.items]


def test_scopes(demo_store: Store) -> None:
    with demo_store.session() as session:
        collector = scope_for_staff(session, DEMO_COLLECTOR)
        leader = scope_for_staff(session, DEMO_LEADER)
        manager = scope_for_staff(session, DEMO_MANAGER)
    assert collector.buildings == leader.buildings == frozenset({"6"})
    assert manager.buildings is None
    book = QueueBook(demo_store, FRIDAY, DEFAULT_POLICY)
    mine = book.queue(moment(10, 30), collector)
    assert mine.items and {i.building for i in mine.items} == {"6"}
    everyone = book.queue(moment(10, 30), manager)
    assert {i.building for i in everyone.items} == {"6", "7", "8"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_table_and_json(demo_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", demo_store.url]
    code, out, _ = run(capsys, "queue", *db, "--at", "2026-11-27T09:30", "--channel", "call")
    assert code == 0
    assert "calls open at 10:00" in out and "now: visits and letters can be done" in out
    assert "0 items" in out and "waiting for a window:" in out
    code, out, _ = run(capsys, "queue", *db, "--at", "2026-11-27T10:30", "--as", "lina")
    assert code == 0 and "Queue for 李娜: building 6" in out and " T1 " in out
    code, out, _ = run(capsys, "queue", *db, "--at", "2026-11-27T10:30", "--json")
    items = json.loads(out)
    assert [item["rank"] for item in items] == list(range(1, len(items) + 1))
    first = items[0]
    assert first["action"] == "limitation_demand" and first["channel"] == "letter"
    assert first["next_window"] is None
    for item in items:
        assert Decimal(item["arrears_total"]) == sum(Decimal(v) for v in item["arrears"].values())
        assert item["reasons"] and item["household"].startswith(("6-", "7-", "8-"))
    call = next(item for item in items if item["channel"] == "call")
    assert call["next_window"]["open_now"] is True
    assert call["next_window"]["closes_at"] == "2026-11-27T12:00:00"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--as", "nobody"], "no staff member has the code 'nobody'"),  # sign-in says so
        (["--building", "99"], "no building 99"),
        (["--limit", "0"], "--limit must be at least 1"),
    ],
)
def test_cli_mistakes(
    demo_store: Store, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, "queue", "--db", demo_store.url, *argv)
    assert code == 1 and message in err and "Traceback" not in err


# --- loading: a scope's book, the driver's own rows, the days not read ----------------------


def _ranked(queue: Queue) -> list[tuple[object, ...]]:
    return [
        (i.key, i.action, i.channel, i.tier, i.score, [r.text() for r in i.reasons])
        for i in queue.items
    ]


@pytest.fixture
def demo_anywhere(store: Store) -> Store:
    """The default demo on each backend (the same seed and day as `demo_store`)."""
    from callqueue.demo import fill_demo
    from tests.conftest import DEMO_DAY

    fill_demo(store, today=DEMO_DAY)
    return store


def test_a_scoped_book_ranks_exactly_as_the_whole_book_filtered(demo_anywhere: Store) -> None:
    store = demo_anywhere
    with store.session() as session:
        teams = session.execute(select(table_of(Building).c.team_id).distinct()).scalars().all()
        scopes = [scope_for_staff(session, code) for code in (DEMO_COLLECTOR, DEMO_MANAGER)]
        codes = table_of(Building).c
        scopes += [
            Scope(
                frozenset(session.execute(select(codes.code).where(codes.team_id == t)).scalars()),
                "",
            )
            for t in teams
        ]
    whole = QueueBook(store, FRIDAY, DEFAULT_POLICY)
    for scope in scopes:
        mine = QueueBook(store, FRIDAY, DEFAULT_POLICY, scope)
        assert set(mine.facts) == {
            h for h, f in whole.facts.items() if scope.covers(f.record.building)
        }
        for at in (moment(9, 30), moment(10, 30), moment(19, 0)):
            assert _ranked(mine.queue(at, scope)) == _ranked(whole.queue(at, scope))
    lina = QueueBook(store, FRIDAY, DEFAULT_POLICY, scopes[0])
    assert lina.facts and {f.record.building for f in lina.facts.values()} == {"6"}
    with pytest.raises(ValueError, match="every building"):
        lina.queue(moment(10, 30), EVERY_BUILDING)  # a collector's book cannot rank it all


def test_records_come_back_with_python_types_on_each_database(demo_anywhere: Store) -> None:
    with demo_anywhere.session() as session:
        records = load_records(session, due_by=FRIDAY + dt.timedelta(days=20))
        one = load_records(session, due_by=FRIDAY + dt.timedelta(days=20), ids=[5, 6])
    assert one == {5: records[5], 6: records[6]}
    record = next(r for r in records.values() if r.contacts and r.charges and r.promises)
    assert type(record.elderly) is bool and type(record.do_not_call) is bool
    for charge in record.charges:
        assert type(charge.due) is dt.date and type(charge.outstanding) is int
    for contact in record.contacts:
        assert type(contact.at) is dt.datetime and type(contact.reached) is bool
        assert type(contact.has_note) is bool and type(contact.has_proof) is bool
    assert [c.at for c in record.contacts] == sorted(c.at for c in record.contacts)
    dues = [(c.due, c.fee_type) for c in record.charges]
    assert dues == sorted(dues)
    assert all(type(p.promised_date) is dt.date for p in record.promises)
    complaints = [c for r in records.values() for c in r.complaints]
    assert complaints and all(type(c.pauses_collection) is bool for c in complaints)
    total = sum(c.outstanding for r in records.values() for c in r.charges)
    with demo_anywhere.session() as session:
        c = table_of(ChargeLine).c
        owed = c.amount_due - c.paid_billing - c.paid_pending
        expected = session.execute(
            select(func.sum(owed)).where(owed > 0, c.due_date <= FRIDAY + dt.timedelta(days=20))
        ).scalar()
    assert total == int(expected)  # exact fen, straight from the driver


def test_the_days_not_read_change_no_fact(demo_store: Store) -> None:
    book = QueueBook(demo_store, FRIDAY, DEFAULT_POLICY)
    assert book.quiet_days == (FRIDAY, FRIDAY + dt.timedelta(days=14))
    with demo_store.session() as session:
        every_charge = load_records(session, due_by=book.due_by)
    skipped = sum(len(r.charges) for r in every_charge.values()) - sum(
        len(f.record.charges) for f in book.facts.values()
    )
    assert skipped > 0  # the November bills, due 11-30, are not read on 11-27
    for household_id, record in every_charge.items():
        full = facts_for(record, FRIDAY, DEFAULT_POLICY)
        lean = book.facts[household_id]
        assert {**_fields(full), "record": None} == {**_fields(lean), "record": None}


def _fields(facts: Facts) -> dict[str, object]:
    return {name: getattr(facts, name) for name in facts.__slots__}  # type: ignore[attr-defined]
