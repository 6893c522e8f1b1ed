"""Call and visit scripts filled in for a household, team wording, and the shared FAQ."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from callqueue.faq import FaqDraft, deactivate_faq, get_faq, save_faq, search_faq, split_tags
from callqueue.household_view import (
    ChargeView,
    ComplaintView,
    HouseholdView,
    PersonView,
    PhoneView,
)
from callqueue.limitation import LimitationState
from callqueue.queue.actions import Action, Stage
from callqueue.recording.entries import EntryInvalid
from callqueue.scripts import (
    BROKEN_PROMISE,
    COMPLAINT_REPORT_BACK,
    FORBIDDEN_TERMS,
    LANGUAGES,
    PHONE,
    PLACEHOLDERS,
    REMINDER_SMS,
    SCRIPT_KINDS,
    VISIT,
    WRITTEN_DEMAND,
    UnknownScript,
    built_in_script,
    check_script,
    format_periods,
    load_script,
    render_script,
    reset_script,
    save_script,
    script_kind_for,
)
from callqueue.store.database import Store, open_store
from callqueue.store.models import Role, Staff
from tests.i18n_checks import assert_chinese, language

DAY = dt.date(2026, 11, 27)
LEFTOVER = re.compile(r"[{}｛｝]")
# The brief's list, checked on its own (FORBIDDEN_TERMS may grow).
NEVER = ("停水", "停电", "断水", "断电", "停气", "停暖", "cut off", "disconnect")


def charge(
    n: int, fee: str, period: str, due: dt.date, outstanding: str, **kw: object
) -> ChargeView:
    amount = Decimal(outstanding)
    overdue = amount > 0 and due < DAY
    values: dict[str, object] = dict(
        charge_id=n, fee_type=fee, period=period, due_date=due, amount_due=amount,
        paid=Decimal("0.00"), pending=Decimal("0.00"), outstanding=amount, overdue=overdue,
        deadline=due.replace(year=due.year + 3), limitation=LimitationState.RUNNING,
    )  # fmt: skip
    values.update(kw)
    return ChargeView(**values)  # type: ignore[arg-type]


COMPLAINT = ComplaintView(
    id=7, opened_at=dt.datetime(2026, 11, 10, 10, 0), category="cleaning", status="resolved",
    report_back_on=DAY, description="楼道卫生长期无人打扫", within_duty=True,
    pauses_collection=False, resolution="已加派保洁，楼道每日清扫两次",
)  # fmt: skip


def view(**changes: object) -> HouseholdView:
    """王芳 of 6-2-1203 owes property fee for Aug-Oct 2026 and electricity for Oct; the
    November bills fall due on the 30th."""
    charges = (
        charge(1, "property", "2026-08", dt.date(2026, 8, 31), "400.00"),
        charge(2, "property", "2026-09", dt.date(2026, 9, 30), "400.00"),
        charge(3, "property", "2026-10", dt.date(2026, 10, 31), "200.00"),
        charge(4, "electricity", "2026-10", dt.date(2026, 10, 31), "234.50"),
        charge(5, "property", "2026-11", dt.date(2026, 11, 30), "400.00"),
        charge(6, "electricity", "2026-11", dt.date(2026, 11, 30), "88.08"),
    )
    base = HouseholdView(
        id=1, key="6-2-1203", day=DAY, building="6", unit="2", room="1203", floor=12,
        area=Decimal("126.00"), chronic_defaulter=False, difficult=False, elderly=False,
        no_phone=False, do_not_call=False, nonpayment_reason=None, note=None,
        move_in_date=None, new_owner=False, litigation_since=None,
        people=(
            PersonView(1, "王芳", "owner", True, (PhoneView(1, "13812345678", "mobile", False),)),
        ),
        charges=charges, arrears=(), total=Decimal("1234.50"), time_barred=Decimal("0.00"),
        not_yet_due=Decimal("488.08"), days_overdue=88, stage=Stage.VISIT,
        next_action=Action.CALL, next_step="call", at_risk=None, promises_made=1,
        promises_kept=0, pending_promise=None, broken_promise=dt.date(2026, 11, 20),
        last_promise_date=dt.date(2026, 11, 20), demand_deadline=None,
        suggested_deadline=DAY + dt.timedelta(days=15), callable=True, report_back=COMPLAINT,
        open_complaints=(COMPLAINT,), timeline=(),
    )  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


# --- rendering ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", SCRIPT_KINDS)
def test_every_script_renders_with_name_and_exact_amounts(kind: str, lang: str) -> None:
    text_ = render_script(kind, view(), collector="李娜", lang=lang)
    assert not LEFTOVER.search(text_), text_
    assert "王芳" in text_ and "李娜" in text_
    if kind == REMINDER_SMS:  # the bills falling due next
        amounts = ["488.08", "400.00", "88.08"]
    else:  # the collectable arrears
        amounts = ["1,234.50", "1,000.00", "234.50"]
    for amount in amounts:
        assert amount in text_, (kind, lang, amount)


def test_chinese_wording_of_the_placeholders() -> None:
    phone = render_script(PHONE, view(), collector="李娜")
    assert "请问是王芳业主吗？" in phone
    assert "本小区物业服务中心的李娜" in phone
    assert "2026年8月至10月的物业费 1,000.00 元、电费 234.50 元" in phone
    assert "合计 1,234.50 元" in phone
    named = render_script(PHONE, view(), collector="李娜", project="阳光花园")
    assert "阳光花园物业服务中心" in named
    broken = render_script(BROKEN_PROMISE, view(), collector="李娜")
    assert "2026年11月20日前" in broken
    demand = render_script(WRITTEN_DEMAND, view(), collector="李娜")
    assert "2026年12月12日前缴清" in demand  # the policy's 15 days from the view's day
    assert "2026年12月31日前" in render_script(
        WRITTEN_DEMAND, view(), collector="李娜", deadline=dt.date(2026, 12, 31)
    )
    sms = render_script(REMINDER_SMS, view(), collector="李娜")
    assert "2026年11月的物业费 400.00 元、电费 88.08 元" in sms
    assert "将于2026年11月30日到期" in sms
    report = render_script(COMPLAINT_REPORT_BACK, view(), collector="李娜")
    assert "“楼道卫生长期无人打扫”" in report and "已加派保洁" in report


def test_english_wording_of_the_placeholders() -> None:
    phone = render_script(PHONE, view(), collector="Li Na", lang="en", project="Sunshine Garden")
    assert "may I speak to 王芳?" in phone
    assert "property service centre of Sunshine Garden" in phone
    assert "fees for August to October 2026" in phone
    assert "property fee 1,000.00 yuan, electricity 234.50 yuan, 1,234.50 yuan in all" in phone
    assert "of our estate" in render_script(PHONE, view(), collector="Li Na", lang="en")
    demand = render_script(WRITTEN_DEMAND, view(), collector="Li Na", lang="en")
    assert "by 12 December 2026" in demand


def test_periods_in_words() -> None:
    assert format_periods(["2026-08"], True) == "2026年8月"
    assert format_periods(["2026-10", "2026-08", "2026-09"], True) == "2026年8月至10月"
    assert format_periods(["2025-11", "2025-12", "2026-01"], True) == "2025年11月至2026年1月"
    gap = ["2023-12", "2024-01", "2026-04", "2026-05"]
    assert format_periods(gap, True) == "2023年12月至2024年1月、2026年4月至5月"
    assert format_periods(gap, False) == "December 2023 to January 2024 and April to May 2026"
    assert format_periods(["2026-08", "2026-08"], False) == "August 2026"


def test_an_owner_without_arrears_or_name_still_reads() -> None:
    empty = view(people=(), charges=(), report_back=None, open_complaints=())
    for kind in SCRIPT_KINDS:
        for lang in LANGUAGES:
            text_ = render_script(kind, empty, collector="李娜", lang=lang)
            assert not LEFTOVER.search(text_)
            assert "0.00" in text_


def test_no_script_threatens_utilities_or_posting_names() -> None:
    for kind in SCRIPT_KINDS:
        for lang in LANGUAGES:
            text_ = built_in_script(kind, lang)
            assert check_script(text_) == [], (kind, lang)
            lowered = text_.casefold()
            for term in (*NEVER, *FORBIDDEN_TERMS):
                assert term.casefold() not in lowered, (kind, lang, term)


def test_the_script_follows_the_ladder() -> None:
    assert script_kind_for(view()) == BROKEN_PROMISE  # the ladder says call; a promise broke
    assert script_kind_for(view(broken_promise=None)) == PHONE
    assert script_kind_for(view(next_action=Action.VISIT, broken_promise=None)) == VISIT
    assert script_kind_for(view(next_action=Action.LIMITATION_DEMAND)) == WRITTEN_DEMAND
    assert script_kind_for(view(next_action=Action.COLLECTION_LETTER)) == WRITTEN_DEMAND
    assert script_kind_for(view(next_action=Action.REMINDER)) == REMINDER_SMS
    report_back = view(next_action=Action.COMPLAINT_REPORT_BACK)
    assert script_kind_for(report_back) == COMPLAINT_REPORT_BACK
    waiting = view(next_action=None, broken_promise=None)
    assert script_kind_for(waiting) == VISIT  # the stage's script
    assert script_kind_for(replace(waiting, stage=Stage.NOT_DUE)) == REMINDER_SMS
    assert script_kind_for(replace(waiting, stage=Stage.LAWYER_LETTER)) == WRITTEN_DEMAND


def test_unknown_kinds_and_languages_are_refused() -> None:
    with pytest.raises(UnknownScript, match="no script 'threat'"):
        render_script("threat", view(), collector="李娜")
    with pytest.raises(UnknownScript, match="no language 'fr'"):
        render_script(PHONE, view(), collector="李娜", lang="fr")


# --- team wording in the store ------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path}/f.db")
    with opened.session() as session:
        session.add(Staff(id=1, code="wangfang", name="王芳", role=Role.TEAM_LEADER))
        session.commit()
    yield opened
    opened.close()


def test_a_team_rewords_a_script_and_can_go_back(store: Store) -> None:
    wording = (
        "{owner}您好，我是{collector}，您家欠{fees}，"
        "合计 {amount} 元，请于{deadline}前缴纳。{{谢谢}}"
    )
    at = dt.datetime(2026, 11, 27, 9, 0)
    with store.session() as session:
        assert load_script(session, PHONE, "zh_CN") == built_in_script(PHONE, "zh_CN")
        first = save_script(session, PHONE, "zh_CN", wording, 1, now=at)
        again = save_script(session, PHONE, "zh_CN", wording + "！", 1, now=at)
        assert first == again  # one row per kind and language
    with store.session() as session:
        stored = load_script(session, PHONE, "zh_CN")
        assert stored == wording + "！"
        assert load_script(session, PHONE, "en") == built_in_script(PHONE, "en")
        filled = render_script(PHONE, view(), collector="李娜", text=stored)
        assert filled.startswith("王芳业主您好，我是李娜，您家欠物业费 1,000.00 元、电费 234.50 元")
        assert filled.endswith("{谢谢}！")
        assert reset_script(session, PHONE, "zh_CN") is True
        assert load_script(session, PHONE, "zh_CN") == built_in_script(PHONE, "zh_CN")
        assert reset_script(session, PHONE, "zh_CN") is False


@pytest.mark.parametrize(
    ("wording", "message"),
    [
        (
            "{owner}您好，欠费 {money} 元，{dueday}前缴",
            r"unknown placeholder\(s\) \{money\}, \{dueday\}",
        ),
        ("{owner}您好 {amount", r"'\{' at line 1.* is not closed"),
        ("{owner}您好 amount}", r"a lone '\}'"),
        ("{amount:.2f} 元", r"'\{amount:.2f\}' is not a placeholder"),
        ("{} 元", r"'\{\}' is not a placeholder"),
        ("｛owner｝您好", r"full-width '｛'"),
        ("{owner}，逾期将停水停电", r"'停水', '停电'.*art\. 944"),
        ("Pay or we cut off your power, {owner}", r"'cut off'"),
        ("   ", r"the script is empty"),
    ],
)
def test_save_script_refuses_bad_wording(store: Store, wording: str, message: str) -> None:
    with store.session() as session, pytest.raises(EntryInvalid, match=message) as caught:
        save_script(session, PHONE, "zh_CN", wording, 1)
    assert set(caught.value.by_field()) == {"text"}
    with store.session() as session:
        assert load_script(session, PHONE, "zh_CN") == built_in_script(PHONE, "zh_CN")


def test_save_script_refuses_unknown_kinds_languages_and_staff(store: Store) -> None:
    with store.session() as session, pytest.raises(EntryInvalid) as caught:
        save_script(session, "threat", "fr", "{owner}", 99)
    assert set(caught.value.by_field()) == {"kind", "language", "staff_id"}
    with store.session() as session, pytest.raises(UnknownScript):
        load_script(session, "threat", "zh_CN")


# --- the FAQ ------------------------------------------------------------------------------


def test_the_starter_faq_is_seeded_in_both_languages(store: Store) -> None:
    with store.session() as session:
        zh = search_faq(session, "", language="zh_CN", limit=100)
        en = search_faq(session, "", language="en", limit=100)
    assert len(zh) == len(en) >= 15
    for item in (*zh, *en):
        assert item.question and item.answer and item.tags and item.active
        lowered = (item.question + item.answer).casefold()
        assert not any(term.casefold() in lowered for term in NEVER), item.question
    questions = " ".join(item.question for item in zh)
    for topic in ("保洁", "电费", "经济困难", "外地", "停车", "漏水", "空置", "分期", "开发商"):
        assert topic in questions, topic
    for topic in ("线上缴费", "发票", "滞纳金", "公摊"):
        assert topic in questions, topic


def _only(session_store: Store, entries: list[FaqDraft]) -> list[int]:
    """Deactivate the starter entries and add `entries`: a controlled list to rank."""
    with session_store.session() as session:
        for item in search_faq(session, "", language="zh_CN", limit=1000):
            deactivate_faq(session, item.id, 1)
        for item in search_faq(session, "", language="en", limit=1000):
            deactivate_faq(session, item.id, 1)
        return [save_faq(session, entry, 1) for entry in entries]


def test_search_needs_every_term_and_ranks_question_hits_first(store: Store) -> None:
    ids = _only(
        store,
        [
            FaqDraft("电费怎么交？", "可以微信缴纳。", "缴费方式"),  # 电费 in the question
            FaqDraft("怎么缴费？", "物业费和电费都可以微信缴纳。", "缴费方式"),  # in the answer
            FaqDraft("电表不准怎么办？", "可以申请校验。", "电费,电表"),  # in the tags
            FaqDraft("为什么电费这么高？", "用电量大。", "电费"),  # question and tags
        ],
    )
    with store.session() as session:
        found = [item.id for item in search_faq(session, "电费", language="zh_CN")]
        assert found == [ids[3], ids[0], ids[2], ids[1]]
        both = [item.id for item in search_faq(session, " 电费  微信 ", language="zh_CN")]
        assert both == [ids[0], ids[1]]  # every term required; the question hit first
        assert search_faq(session, "电费 燃气", language="zh_CN") == []
        assert search_faq(session, "电费", language="en") == []  # one language at a time
        assert len(search_faq(session, "电费", language="zh_CN", limit=2)) == 2


def test_search_ignores_case_and_inactive_entries(store: Store) -> None:
    ids = _only(
        store,
        [
            FaqDraft("Can I pay by WeChat?", "Yes, scan the code.", "payment", "en"),
            FaqDraft("Receipts", "Every payment gets a receipt.", "RECEIPT,Fapiao", "en"),
        ],
    )
    with store.session() as session:
        assert [i.id for i in search_faq(session, "wechat", language="en")] == [ids[0]]
        assert [i.id for i in search_faq(session, "FAPIAO", language="en")] == [ids[1]]
        deactivate_faq(session, ids[0], 1)
        assert search_faq(session, "WECHAT", language="en") == []
        hidden = get_faq(session, ids[0])
        assert hidden is not None and not hidden.active and hidden.updated_by_name == "王芳"


def test_save_faq_validates_and_updates(store: Store) -> None:
    with store.session() as session:
        with pytest.raises(EntryInvalid) as caught:
            save_faq(session, FaqDraft("  ", "", "x" * 31, "fr"), 99)
        assert set(caught.value.by_field()) == {
            "question",
            "answer",
            "tags",
            "language",
            "staff_id",
        }
        with pytest.raises(EntryInvalid, match="at most 200"):
            save_faq(session, FaqDraft("问" * 201, "答"), 1)
        with pytest.raises(EntryInvalid, match="no FAQ entry #999"):
            save_faq(session, FaqDraft("问", "答", id=999), 1)
        at = dt.datetime(2026, 11, 27, 9, 30)
        new = save_faq(
            session,
            FaqDraft(" 车位能租吗？ ", " 可以，到服务中心登记。 ", "车位， 停车、车位"),
            1,
            now=at,
        )
        item = get_faq(session, new)
        assert item is not None
        assert (item.question, item.answer, item.tags) == (
            "车位能租吗？",
            "可以，到服务中心登记。",
            ("车位", "停车"),
        )
        assert (item.updated_at, item.updated_by, item.language) == (at, 1, "zh_CN")
        deactivate_faq(session, new, 1)
        same = save_faq(session, FaqDraft("车位可以租吗？", "可以。", "车位", id=new), None)
        assert same == new
        item = get_faq(session, new)
        assert item is not None and item.active and item.question == "车位可以租吗？"
        assert item.updated_by is None
        assert search_faq(session, "车位可以", language="zh_CN")[0].id == new
        rows = session.execute(text("SELECT count(*) FROM faq_entries WHERE id = :i"), {"i": new})
        assert rows.scalar() == 1  # updated in place
    assert split_tags("a, b，c、 d;e；a\n") == ("a", "b", "c", "d", "e")


# --- in Chinese ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wording", "expected"),
    [
        (
            "{owner}您好，欠费 {money} 元",
            "未知的占位符 {money}；可用的占位符为 {owner}、{collector}",
        ),
        ("{owner}您好 {amount", "附近的“{”没有闭合"),
        ("{owner}您好 amount}", "附近有单独的“}”"),
        ("{amount:.2f} 元", "“{amount:.2f}”不是有效的占位符"),
        ("｛owner｝您好", "发现全角符号“｛”"),
        ("{owner}，逾期将停水停电", "请删除'停水'、'停电'：话术中不得以停水、停电"),
        ("   ", "话术内容为空"),
        ("好" * 4001, "话术共 4001 个字，最多 4000 个字"),
    ],
)
def test_script_problems_in_chinese(wording: str, expected: str) -> None:
    with language("zh_CN"):
        problems = check_script(wording)
    assert problems and any(expected in problem for problem in problems), problems
    for problem in problems:
        assert_chinese(problem, allowed={*PLACEHOLDERS, "wner", "name", "money"})


def test_faq_and_script_refusals_in_chinese(store: Store) -> None:
    with language("zh_CN"), store.session() as session:
        with pytest.raises(EntryInvalid) as faq:
            save_faq(session, FaqDraft(" ", "好" * 4001, "标" * 31, "fr", id=999), 77)
        with pytest.raises(EntryInvalid) as script:
            save_script(session, "threat", "fr", "{owner}", 99)
    problems = faq.value.by_field()
    assert problems == {
        "question": ["请填写业主的问题"],
        "answer": ["共 4001 个字，最多 4000 个字"],
        "tags": [f"每个关键词最多 30 个字：{'标' * 31}"],
        "language": ["没有语言 'fr'；可用语言为 zh_CN、en"],
        "staff_id": ["没有编号为 77 的员工"],
        "id": ["没有第 999 条答客问"],
    }
    assert script.value.by_field()["kind"][0].startswith("没有话术 'threat'；可用话术为 ")
    for problem in (*faq.value.problems, *script.value.problems):
        assert_chinese(problem.message, allowed={"fr", "threat", "zh_CN", "en", *SCRIPT_KINDS})
