"""One household as the collector's panel sees it, on the demo; the starter FAQ; migration 0004."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Date, bindparam, event, text

from callqueue.demo import fill_demo
from callqueue.faq import search_faq
from callqueue.household_view import HouseholdView, UnknownHousehold, load_household_view
from callqueue.limitation import LimitationState
from callqueue.money import from_fen
from callqueue.policy import DEFAULT_POLICY
from callqueue.queue.book import QueueBook
from callqueue.scripts import load_script, render_script, save_script, script_kind_for
from callqueue.store.database import Store, current_revision, head_revision, make_engine, open_store
from callqueue.store.database import upgrade as upgrade_to
from tests.conftest import DEMO_DAY
from tests.i18n_checks import CJK, assert_chinese, english_words, language

TODAY = DEMO_DAY  # the shared demo is dated from it
DAY = TODAY.date()
STARTER_FAQ = 17  # entries per language seeded by migration 0004


@pytest.fixture(scope="module")
def demo(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A copy of the shared demo, for the read-only tests of this module."""
    path = tmp_path_factory.mktemp("view") / "demo.db"
    path.write_bytes(demo_file.read_bytes())
    store = open_store(f"sqlite:///{path}")
    yield store
    store.close()


def _view(store: Store, household_id: int) -> HouseholdView:
    with store.session() as session:
        return load_household_view(session, household_id, day=DAY, policy=DEFAULT_POLICY)


def _ids(store: Store, sql: str) -> list[int]:
    with store.engine.connect() as c:
        return [row[0] for row in c.execute(text(sql))]


def _sample(store: Store) -> list[int]:
    """Households worth a look: chronic, paying, complaining, and the busiest."""
    busiest = "SELECT household_id FROM {} GROUP BY household_id ORDER BY count(*) DESC, 1 LIMIT {}"
    found = {
        *_ids(store, "SELECT id FROM households WHERE chronic_defaulter ORDER BY id LIMIT 2"),
        *_ids(store, busiest.format("payments", 2)),
        *_ids(store, "SELECT household_id FROM complaints ORDER BY id LIMIT 2"),
        *_ids(store, busiest.format("contacts", 1)),
    }
    return sorted(found)


def _check_against_sql(store: Store, household_id: int) -> None:
    view = _view(store, household_id)
    day = bindparam("day", type_=Date)
    with store.engine.connect() as c:
        overdue = dict(
            c.execute(
                text(
                    "SELECT fee_type, SUM(amount_due - paid_billing - paid_pending)"
                    " FROM charge_lines WHERE household_id = :h AND due_date < :day"
                    " AND amount_due - paid_billing - paid_pending > 0 GROUP BY fee_type"
                ).bindparams(day),
                {"h": household_id, "day": DAY},
            ).all()
        )
        not_yet_due = c.execute(
            text(
                "SELECT COALESCE(SUM(amount_due - paid_billing - paid_pending), 0)"
                " FROM charge_lines WHERE household_id = :h AND due_date >= :day"
                " AND amount_due - paid_billing - paid_pending > 0"
            ).bindparams(day),
            {"h": household_id, "day": DAY},
        ).scalar()
        counts = {
            table: c.execute(
                text(f"SELECT count(*) FROM {table} WHERE household_id = :h"), {"h": household_id}
            ).scalar()
            for table in ("contacts", "promises", "payments", "complaints")
        }
        counts["complaint_updates"] = c.execute(
            text(
                "SELECT count(*) FROM complaint_updates u JOIN complaints q"
                " ON q.id = u.complaint_id WHERE q.household_id = :h"
            ),
            {"h": household_id},
        ).scalar()
    # Arrears per fee type: the overdue lines, less what is time-barred (shown apart).
    barred: Counter[str] = Counter()
    for line in view.charges:
        if line.limitation is LimitationState.TIME_BARRED:
            barred[line.fee_type] += int(line.outstanding * 100)
    collectable = {fee: from_fen(int(fen) - barred[fee]) for fee, fen in overdue.items()}
    assert view.arrears_by_fee == {fee: a for fee, a in collectable.items() if a}
    assert view.total == sum(view.arrears_by_fee.values(), Decimal("0.00"))
    assert view.time_barred == from_fen(sum(barred.values()))
    assert view.not_yet_due == from_fen(int(not_yet_due or 0))
    # The timeline holds every contact, promise, payment and complaint, newest first.
    kinds = Counter(entry.kind for entry in view.timeline)
    assert kinds["contact"] + kinds["letter"] == counts["contacts"]
    assert kinds["promise"] == counts["promises"]
    assert kinds["payment"] == counts["payments"]
    assert kinds["complaint"] == counts["complaints"]
    assert kinds["complaint_update"] == counts["complaint_updates"]
    moments = [entry.at for entry in view.timeline]
    assert moments == sorted(moments, reverse=True)
    for entry in view.timeline:
        if entry.kind == "payment":
            assert entry.amount is not None
            assert sum((a.amount for a in entry.allocations), Decimal("0.00")) <= entry.amount


def test_the_view_agrees_with_the_ledger_on_sqlite(demo: Store) -> None:
    households = _sample(demo)
    assert len(households) >= 5
    for household_id in households:
        _check_against_sql(demo, household_id)


def test_the_view_agrees_with_the_ledger_on_each_database(store: Store) -> None:
    fill_demo(store, today=TODAY)
    for household_id in _sample(store)[:4]:
        _check_against_sql(store, household_id)
    with store.session() as session, pytest.raises(UnknownHousehold):
        load_household_view(session, 10**6, day=DAY, policy=DEFAULT_POLICY)


def test_the_view_agrees_with_the_queue(demo: Store) -> None:
    book = QueueBook(demo, DAY, DEFAULT_POLICY)
    at_risk = 0
    for household_id, facts in book.facts.items():
        if facts.at_risk is None and household_id % 3:
            continue  # every household near its deadline, and a third of the others
        view = _view(demo, household_id)
        assert view.arrears_by_fee == {fee: from_fen(f) for fee, f in facts.arrears.items() if f}
        assert (view.total, view.time_barred) == (from_fen(facts.total), from_fen(facts.barred))
        assert (view.stage, view.days_overdue) == (facts.stage(DEFAULT_POLICY), facts.days_overdue)
        assert view.at_risk == facts.at_risk
        risky = [
            c.deadline
            for c in view.charges
            if c.collectable and c.limitation is LimitationState.AT_RISK and c.deadline
        ]
        if facts.at_risk is None:
            assert risky == []
            continue
        at_risk += 1
        assert min(risky) == facts.at_risk.deadline
        assert view.chronic_defaulter  # in the demo, old debts are the chronic defaulters'
        assert view.next_step.startswith("written demand with proof of delivery")
    assert at_risk >= 3


def test_a_chronic_defaulter_near_limitation(demo: Store) -> None:
    book = QueueBook(demo, DAY, DEFAULT_POLICY)
    household_id, facts = next(
        (i, f) for i, f in sorted(book.facts.items()) if f.at_risk and f.record.chronic
    )
    assert facts.at_risk is not None
    view = _view(demo, household_id)
    oldest = next(c for c in view.charges if c.limitation is LimitationState.AT_RISK)
    assert (oldest.fee_type, oldest.period, oldest.deadline) == (
        facts.at_risk.fee_type,
        facts.at_risk.period,
        facts.at_risk.deadline,
    )
    assert "chronic_defaulter" in view.flags
    assert script_kind_for(view) == "written_demand"
    letter = render_script("written_demand", view, collector="李娜")
    assert view.owner in letter and f"{view.total:,.2f}" in letter
    assert "{" not in letter and "}" not in letter


def test_scripts_render_for_every_demo_household(demo: Store) -> None:
    for household_id in range(1, 361, 7):
        view = _view(demo, household_id)
        kind = script_kind_for(view)
        for lang in ("zh_CN", "en"):
            filled = render_script(kind, view, collector="李娜", lang=lang)
            assert "{" not in filled and "}" not in filled
            assert view.owner in filled


def test_people_phones_and_complaints(demo: Store) -> None:
    household_id = _ids(demo, "SELECT household_id FROM complaints ORDER BY id LIMIT 1")[0]
    view = _view(demo, household_id)
    assert view.people and view.people[0].primary and view.owner == view.people[0].name
    phone = view.people[0].phones[0]
    assert phone.number.isdigit() and "*" in phone.masked
    for entry in view.timeline:  # numbers dialled appear masked in the timeline
        assert phone.number not in entry.detail
    assert all(c.status != "closed" for c in view.open_complaints)


@pytest.mark.xdist_group("serial")  # a 20 ms budget: never beside the 8-process hammer
def test_one_load_is_a_few_fast_queries(demo: Store) -> None:
    household_id = _ids(
        demo,
        "SELECT household_id FROM contacts GROUP BY household_id "
        "ORDER BY count(*) DESC, household_id LIMIT 1",
    )[0]
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(demo.engine, "before_cursor_execute", count)
    try:
        _view(demo, household_id)
    finally:
        event.remove(demo.engine, "before_cursor_execute", count)
    assert statements <= 16
    timings = []
    with demo.session() as session:
        for _ in range(5):
            start = time.perf_counter()
            load_household_view(session, household_id, day=DAY, policy=DEFAULT_POLICY)
            timings.append(time.perf_counter() - start)
    assert min(timings) < 0.020


# --- the FAQ and migration 0004 -----------------------------------------------------------


def test_the_starter_faq_is_there_and_searchable(store: Store) -> None:
    with store.engine.connect() as c:
        rows = dict(
            c.execute(text("SELECT language, count(*) FROM faq_entries GROUP BY language")).all()
        )
    assert rows == {"zh_CN": STARTER_FAQ, "en": STARTER_FAQ}
    with store.session() as session:
        found = search_faq(session, "电费", language="zh_CN")
        assert "电费计量" in found[0].question or "电费比上个月高" in found[0].question
        assert {"电费计量" in i.question or "电费比上个月高" in i.question for i in found[:2]} == {
            True
        }
        assert all("电费" in i.question + i.answer + ",".join(i.tags) for i in found)
        assert search_faq(session, "发票", language="zh_CN")[0].question.startswith("交了钱")
        assert search_faq(session, "WECHAT", language="en")
        assert (
            search_faq(session, "", language="en", limit=5)
            == search_faq(session, "", language="en", limit=100)[:5]
        )


def test_upgrade_from_0003_keeps_rows_and_adds_the_faq(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade_to(engine, "0003")
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO staff (id, code, name, role, active)"
                " VALUES (1, 'wangfang', '王芳', 'team_leader', true)"
            )
        )
        c.execute(text("INSERT INTO buildings (id, code) VALUES (1, '6')"))
        c.execute(
            text(
                "INSERT INTO households (id, key, building_id, unit, room, chronic_defaulter, "
                "difficult, elderly, no_phone, do_not_call) VALUES "
                "(1, '6-1-101', 1, '1', '101', false, false, false, false, false)"
            )
        )
        c.execute(
            text(
                "INSERT INTO contacts (id, household_id, staff_id, at, channel, outcome,"
                " reached, note) VALUES (1, 1, 1, '2026-11-20 10:30:00', 'call', 'will_pay',"
                " true, '月底前缴清')"
            )
        )
    upgrade_to(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM households")).scalar() == 1
        assert c.execute(text("SELECT note FROM contacts")).scalar() == "月底前缴清"
        assert c.execute(text("SELECT count(*) FROM faq_entries")).scalar() == 2 * STARTER_FAQ
        assert c.execute(text("SELECT count(*) FROM call_scripts")).scalar() == 0
    engine.dispose()
    store = open_store(db_url)
    with store.session() as session:
        save_script(session, "phone", "zh_CN", "{owner}您好，我是{collector}。", 1)
        save_script(session, "phone", "zh_CN", "{owner}您好，我是{collector}！", 1)
        assert load_script(session, "phone", "zh_CN") == "{owner}您好，我是{collector}！"
        view = load_household_view(session, 1, day=DAY, policy=DEFAULT_POLICY)
        assert [e.title for e in view.timeline] == ["Call: will pay"]
        assert view.timeline[0].staff_name == "王芳"
    store.close()


def test_downgrade_to_0003_and_back(tmp_path: Path) -> None:
    from alembic import command

    from callqueue.store.database import alembic_config

    engine = make_engine(f"sqlite:///{tmp_path}/down.db")
    upgrade_to(engine)
    command.downgrade(alembic_config(engine), "0003")
    assert current_revision(engine) == "0003"
    upgrade_to(engine)
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM faq_entries")).scalar() == 2 * STARTER_FAQ
    engine.dispose()


def test_the_timeline_and_next_step_are_in_chinese(demo: Store) -> None:
    """Every kind of timeline entry, and the next step, in Chinese with no English left."""
    some = "SELECT household_id FROM {} ORDER BY id LIMIT 3"
    ids = sorted(
        {
            *_sample(demo),
            *_ids(demo, some.format("promises")),
            *_ids(demo, "SELECT household_id FROM promises WHERE instalment ORDER BY id LIMIT 2"),
            *_ids(demo, "SELECT household_id FROM contacts WHERE channel = 'letter' LIMIT 3"),
            *_ids(
                demo,
                "SELECT c.household_id FROM complaint_updates u"
                " JOIN complaints c ON c.id = u.complaint_id ORDER BY u.id LIMIT 3",
            ),
            *_ids(demo, "SELECT id FROM households ORDER BY id LIMIT 5"),
        }
    )
    kinds: Counter[str] = Counter()
    with language("zh_CN"):
        views = [_view(demo, household_id) for household_id in ids]
    for view in views:
        assert_chinese(view.next_step)
        for entry in view.timeline:
            kinds[entry.kind] += 1
            assert_chinese(entry.title)
            if entry.detail:
                # notes are typed by collectors (Chinese in the demo); numbers are upper-case
                assert not english_words(entry.detail), (entry.title, entry.detail)
    assert set(kinds) == {
        "contact",
        "letter",
        "promise",
        "payment",
        "complaint",
        "complaint_update",
    }
    with language("en"):
        english = _view(demo, ids[0])
    assert english.timeline == () or not CJK.search(english.timeline[-1].title)
