"""Translations: the language (set, from the environment, --lang), every vocabulary in
Chinese, placeholders kept, English unchanged, and catalogs that are up to date."""

from __future__ import annotations

import datetime as dt
import gettext
import importlib.util
import re
import string
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest

from callqueue import i18n
from callqueue.i18n import (
    LANGUAGES,
    _,
    action_text,
    channel_label,
    complaint_category_label,
    complaint_status_label,
    current_language,
    exclusion_label,
    exclusion_text,
    fee_label,
    holiday_label,
    language_from_environment,
    letter_kind_label,
    ngettext,
    outcome_label,
    payment_channel_label,
    pgettext,
    promise_status_label,
    reason_text,
    role_label,
    set_language,
    stage_label,
    vocabulary_messages,
    window_text,
)
from callqueue.ledger.values import FEE_TYPE_LABELS_EN, FEE_TYPES
from callqueue.policy import DEFAULT_POLICY, Policy
from callqueue.queue.actions import (
    ACTION_TEXT,
    EXCLUSION_LABEL,
    EXCLUSION_TEXT,
    REASON_TEXT,
    Action,
    Channel,
    Reason,
    Stage,
    reason,
)
from callqueue.queue.build import Exclusion, excluded
from callqueue.store import models
from callqueue.windows import WindowState, window_state

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "src" / "callqueue" / "locale"
PO = LOCALE / "zh_CN" / "LC_MESSAGES" / "callqueue.po"
MO = PO.with_suffix(".mo")
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


def load_script() -> ModuleType:
    path = ROOT / "scripts" / "translations.py"
    spec = importlib.util.spec_from_file_location("callqueue_translations", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


tools = load_script()


@pytest.fixture(autouse=True)
def keep_language() -> Iterator[None]:
    """Each test may switch languages; the rest of the suite keeps what it had."""
    before = i18n._language
    yield
    i18n._language = before


def in_language(lang: str, make: Callable[[], str]) -> str:
    set_language(lang)
    return make()


def fields(text: str) -> set[str]:
    """A template's `{placeholders}` (name, conversion and format spec)."""
    return {
        f"{name}!{conv}:{spec}"
        for _, name, spec, conv in string.Formatter().parse(text)
        if name is not None
    }


# --- the vocabularies: every code, both languages ------------------------------------------

LABELS: list[tuple[Callable[[str], str], list[str]]] = [
    (fee_label, list(FEE_TYPES)),
    (action_text, [a.value for a in Action]),
    (exclusion_label, list(EXCLUSION_LABEL)),
    (stage_label, [s.value for s in Stage]),
    (channel_label, sorted({c.value for c in Channel} | {c.value for c in models.ContactChannel})),
    (outcome_label, [o.value for o in models.ContactOutcome]),
    (payment_channel_label, [p.value for p in models.PaymentChannel]),
    (complaint_category_label, [c.value for c in models.ComplaintCategory]),
    (complaint_status_label, [s.value for s in models.ComplaintStatus]),
    (promise_status_label, [s.value for s in models.PromiseStatus]),
    (letter_kind_label, [k.value for k in models.LetterKind]),
    (role_label, [r.value for r in (*models.Role, *models.PersonRole)]),
]
LABEL_CASES = [(helper, code) for helper, codes in LABELS for code in codes]


@pytest.mark.parametrize(
    ("helper", "code"), LABEL_CASES, ids=[f"{h.__name__}-{c}" for h, c in LABEL_CASES]
)
def test_every_code_has_a_chinese_label_unlike_its_english(
    helper: Callable[[str], str], code: str
) -> None:
    english = in_language("en", lambda: helper(code))
    chinese = in_language("zh_CN", lambda: helper(code))
    assert english and english != chinese
    assert CJK.search(chinese), chinese
    assert "{" not in chinese


@pytest.mark.parametrize(
    ("table", "codes"),
    [
        (i18n.STAGE_EN, {s.value for s in Stage}),
        (i18n.CHANNEL_EN, {c.value for c in Channel} | {c.value for c in models.ContactChannel}),
        (i18n.OUTCOME_EN, {o.value for o in models.ContactOutcome}),
        (i18n.PAYMENT_CHANNEL_EN, {p.value for p in models.PaymentChannel}),
        (i18n.COMPLAINT_CATEGORY_EN, {c.value for c in models.ComplaintCategory}),
        (i18n.COMPLAINT_STATUS_EN, {s.value for s in models.ComplaintStatus}),
        (i18n.PROMISE_STATUS_EN, {s.value for s in models.PromiseStatus}),
        (i18n.LETTER_KIND_EN, {k.value for k in models.LetterKind}),
        (i18n.ROLE_EN, {r.value for r in (*models.Role, *models.PersonRole)}),
    ],
)
def test_the_english_tables_cover_exactly_the_core_codes(
    table: dict[str, str], codes: set[str]
) -> None:
    assert set(table) == codes


def test_the_holidays_and_weekdays_are_the_ones_the_core_writes() -> None:
    from chinese_calendar.constants import Holiday

    from callqueue import windows

    assert set(i18n.HOLIDAYS_EN) == {h.value for h in Holiday}
    assert i18n.WEEKDAYS_EN == windows._WEEKDAYS
    assert i18n.WEEKDAY_PLURALS_EN == windows._WEEKDAY_PLURALS


def test_the_examples_read_as_expected_in_chinese() -> None:
    set_language("zh_CN")
    assert [fee_label(code) for code in FEE_TYPES] == [
        "物业费", "电费", "水费", "车位费", "燃气费", "供暖费", "垃圾费", "公摊费",
    ]  # fmt: skip
    assert action_text(Action.LIMITATION_DEMAND) == "发送催告函（须有送达凭证）"
    assert action_text(Action.REMINDER) == "到期前提醒（短信或公告）"
    assert [channel_label(c) for c in Channel] == ["电话", "上门", "书面"]
    assert outcome_label(models.ContactOutcome.HARDSHIP) == "经济困难/申请分期"
    assert payment_channel_label("pos") == "POS刷卡"
    assert complaint_category_label("outside_duty") == "非物业职责"
    assert holiday_label("National Day") == "国庆节"
    expires = reason("expires", fee="property", period="2023-11", days=12)
    assert reason_text(expires) == "最早一笔欠费（物业费 2023-11）12天后超过诉讼时效"
    report = reason("report_back", date="11-20", category="cleaning")
    assert reason_text(report) == "11-20 的投诉（保洁）已处理，请告知业主"


def test_an_unknown_code_is_shown_as_it_is() -> None:
    for lang in LANGUAGES:
        set_language(lang)
        assert outcome_label("teleported") == "teleported"
        assert fee_label("internet") == "internet"


def test_every_vocabulary_string_is_translated() -> None:
    set_language("zh_CN")
    untranslated = [
        (context, msgid)
        for context, msgid, _note in vocabulary_messages()
        if pgettext(context, msgid) == msgid
    ]
    assert untranslated == []


# --- the core's templates: placeholders kept, English unchanged ----------------------------


def sample_params(template: str) -> dict[str, str]:
    values = {"fee": "electricity", "category": "outside_duty", "amount": "1,234.50"}
    return {
        name: values.get(name, str(n + 3))
        for n, (_, name, _spec, _conv) in enumerate(string.Formatter().parse(template))
        if name
    }


REASONS = [reason(code, **sample_params(text)) for code, text in REASON_TEXT.items()]
EXCLUSIONS = [excluded(code, **sample_params(text)) for code, text in EXCLUSION_TEXT.items()]


@pytest.mark.parametrize("item", REASONS, ids=[r.code for r in REASONS])
def test_reasons_in_english_are_the_cores_and_in_chinese_are_whole(item: Reason) -> None:
    assert in_language("en", lambda: reason_text(item)) == item.text()
    chinese = in_language("zh_CN", lambda: reason_text(item))
    assert CJK.search(chinese) and chinese != item.text()
    assert "{" not in chinese and "}" not in chinese
    for _name, value in item.params:  # every parameter is shown (codes in Chinese)
        if value in FEE_TYPE_LABELS_EN:
            assert fee_label(value) in chinese
        elif value == "outside_duty":
            assert "非物业职责" in chinese
        else:
            assert value in chinese


@pytest.mark.parametrize("item", EXCLUSIONS, ids=[e.code for e in EXCLUSIONS])
def test_exclusions_in_english_are_the_cores_and_in_chinese_are_whole(item: Exclusion) -> None:
    assert in_language("en", lambda: exclusion_text(item)) == item.text()
    chinese = in_language("zh_CN", lambda: exclusion_text(item))
    assert CJK.search(chinese) and chinese != item.text()
    assert all(value in chinese for _name, value in item.params)


def test_labels_in_english_are_the_cores() -> None:
    set_language("en")
    assert {code: fee_label(code) for code in FEE_TYPES} == FEE_TYPE_LABELS_EN
    assert {a: action_text(a) for a in Action} == ACTION_TEXT
    assert {code: exclusion_label(code) for code in EXCLUSION_LABEL} == EXCLUSION_LABEL


def test_every_translation_keeps_exactly_the_msgids_placeholders() -> None:
    catalog = tools.parse_po(PO.read_text("utf-8"))
    checked = 0
    for entry in catalog.entries:
        if entry.obsolete:
            continue
        expected = fields(entry.msgid) | fields(entry.plural or "")
        for text in entry.msgstr:
            if text:
                assert fields(text) == expected, (entry.msgid, text)
                checked += 1
    assert checked >= len(vocabulary_messages())


# --- contact windows -------------------------------------------------------------------------

FRIDAY = dt.date(2026, 11, 27)


def policy_with(**hours: object) -> Policy:
    return replace(DEFAULT_POLICY, hours=replace(DEFAULT_POLICY.hours, **hours))  # type: ignore[arg-type]


def window_states() -> list[WindowState]:
    """States of every kind: open, opening later or again, over, holidays (including the
    one-off 2015 one), weekends and company days off, nothing in the horizon, no windows."""
    everyday = tuple(FRIDAY + dt.timedelta(days=n) for n in range(90))
    policies = [
        DEFAULT_POLICY,
        policy_with(on_weekends=False),
        policy_with(extra_days_off=(FRIDAY,)),
        policy_with(extra_days_off=everyday),
        policy_with(call=(), visit=()),
    ]
    days = [
        FRIDAY,
        FRIDAY + dt.timedelta(days=1),
        FRIDAY + dt.timedelta(days=2),
        dt.date(2026, 9, 30),
        dt.date(2026, 10, 1),
        dt.date(2026, 2, 17),
        dt.date(2015, 9, 3),
        dt.date(2027, 5, 1),
    ]
    times = [dt.time(h, m) for h in range(7, 22) for m in (0, 30)]
    return [
        window_state(channel, dt.datetime.combine(day, time), policy)
        for policy in policies
        for day in days
        for time in times
        for channel in ("call", "visit")
    ]


STATES = window_states()


def test_window_sentences_in_english_are_the_cores() -> None:
    set_language("en")
    assert [window_text(state) for state in STATES] == [state.reason for state in STATES]


def test_window_sentences_are_rebuilt_in_chinese_for_every_kind() -> None:
    set_language("zh_CN")
    kinds = set()
    for state in STATES:
        chinese = window_text(state)
        assert not LATIN.search(chinese), (state.reason, chinese)
        assert CJK.search(chinese)
        for template, key in [(t, k) for k, t in i18n.WINDOW_TEXT.items()]:
            if i18n._match(template, state.reason) is not None:
                kinds.add(key)
    assert kinds == set(i18n.WINDOW_TEXT)  # the states above cover every sentence


@pytest.mark.parametrize(
    ("channel", "moment", "policy", "chinese"),
    [
        ("call", dt.datetime(2026, 11, 27, 9, 30), DEFAULT_POLICY, "10:00 开始可以打电话"),
        ("call", dt.datetime(2026, 11, 27, 10, 30), DEFAULT_POLICY, "电话时段至 12:00"),
        ("call", dt.datetime(2026, 11, 27, 12, 30), DEFAULT_POLICY, "15:00 起可以再次打电话"),
        (
            "call",
            dt.datetime(2026, 9, 30, 18, 30),
            DEFAULT_POLICY,
            "今天的电话时段已结束；下一时段 10-08（周四）10:00",
        ),
        (
            "call",
            dt.datetime(2026, 10, 1, 10, 30),
            DEFAULT_POLICY,
            "法定节假日（国庆节）不打电话；下一时段 10-08（周四）10:00",
        ),
        (
            "call",
            dt.datetime(2026, 11, 29, 11, 0),
            policy_with(on_weekends=False),
            "按公司规定周日不打电话；下一时段 11-30（周一）10:00",
        ),
        (
            "visit",
            dt.datetime(2026, 11, 27, 11, 0),
            policy_with(visit=()),
            "政策中没有设置上门时段",
        ),
    ],
)
def test_window_sentences_in_chinese(
    channel: str, moment: dt.datetime, policy: Policy, chinese: str
) -> None:
    set_language("zh_CN")
    assert window_text(window_state(channel, moment, policy)) == chinese


def test_a_window_sentence_it_does_not_know_stays_english() -> None:
    set_language("zh_CN")
    state = WindowState("call", False, None, None, "calls are paused by the manager")
    assert window_text(state) == "calls are paused by the manager"


# --- choosing the language -------------------------------------------------------------------


def test_switching_languages_works_both_ways() -> None:
    assert set_language("zh_CN") == "zh_CN" == current_language()
    assert stage_label("visit") == "上门催收"
    assert set_language("en") == "en" == current_language()
    assert stage_label("visit") == "visit"
    set_language("zh_CN")
    assert stage_label("visit") == "上门催收"


def test_untranslated_strings_show_in_english() -> None:
    set_language("zh_CN")
    assert _("a string nobody translated") == "a string nobody translated"
    assert ngettext("{n} household", "{n} households", 1) == "{n} household"
    assert ngettext("{n} household", "{n} households", 5) == "{n} households"
    set_language("en")
    assert ngettext("{n} household", "{n} households", 1) == "{n} household"
    assert ngettext("{n} household", "{n} households", 2) == "{n} households"


def test_an_unknown_language_is_refused_naming_the_choices() -> None:
    with pytest.raises(ValueError, match=r"unknown language 'fr': choose one of zh_CN, en"):
        set_language("fr")


CLEAR = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.mark.parametrize(
    ("environment", "language"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LANG": "C"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "zh_TW.UTF-8"}, "zh_CN"),
        ({"LANG": "zh_HK"}, "zh_CN"),
        ({}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LC_ALL": "C"}, "en"),
        ({"LC_ALL": "zh_CN.GB18030", "LANG": "en_GB.UTF-8"}, "zh_CN"),
        ({"LANGUAGE": "en:zh_CN", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANGUAGE": ":zh_CN:en", "LANG": "C"}, "zh_CN"),
        ({"LANGUAGE": "", "LANG": "zh_CN.UTF-8"}, "zh_CN"),
    ],
)
def test_the_default_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], language: str
) -> None:
    for name in CLEAR:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert language_from_environment() == language
    assert set_language(None) == language
    i18n._language = None  # nothing chosen yet: the first use reads the environment
    assert current_language() == language


# --- the command line ------------------------------------------------------------------------


def run_cli(*argv: str) -> int:
    from callqueue.cli import main

    return main([*argv, "--at", "2026-11-27T10:30"])


def test_lang_before_or_after_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALLQUEUE_POLICY", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", "/nonexistent")
    assert run_cli("--lang", "zh_CN", "policy", "show") == 0
    assert current_language() == "zh_CN"
    assert run_cli("policy", "show", "--lang", "en") == 0
    assert current_language() == "en"
    assert run_cli("--lang", "en", "policy", "show", "--lang", "zh_CN") == 0
    assert current_language() == "zh_CN"


def test_without_lang_the_cli_takes_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALLQUEUE_POLICY", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", "/nonexistent")
    for name in CLEAR:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    set_language("en")
    assert run_cli("policy", "show") == 0
    assert current_language() == "zh_CN"
    monkeypatch.setenv("LANG", "C")
    assert run_cli("policy", "show") == 0
    assert current_language() == "en"


@pytest.mark.parametrize(
    "argv",
    [("--lang", "fr", "policy", "show"), ("policy", "show", "--lang", "zh")],
)
def test_an_unknown_lang_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        run_cli(*argv)
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert "--lang" in error and "invalid choice" in error
    assert "zh_CN" in error and "'en'" in error


# --- the catalogs ----------------------------------------------------------------------------


def test_the_shipped_mo_is_compiled_from_the_po(tmp_path: Path) -> None:
    (compiled,) = tools.compile_all(out=tmp_path)
    assert compiled == tmp_path / "zh_CN" / "LC_MESSAGES" / "callqueue.mo"
    assert compiled.read_bytes() == MO.read_bytes(), "run: scripts/translations.py compile"


def test_the_compiled_mo_reads_back_with_the_stdlib(tmp_path: Path) -> None:
    (compiled,) = tools.compile_all(out=tmp_path)
    with compiled.open("rb") as file:
        catalog = gettext.GNUTranslations(file)
    assert catalog.info()["language"] == "zh_CN"
    for entry in tools.parse_po(PO.read_text("utf-8")).entries:
        if entry.obsolete or not entry.translated:
            continue
        if entry.plural is not None and entry.context is not None:
            got = catalog.npgettext(entry.context, entry.msgid, entry.plural, 2)
        elif entry.plural is not None:
            got = catalog.ngettext(entry.msgid, entry.plural, 2)
        elif entry.context is not None:
            got = catalog.pgettext(entry.context, entry.msgid)
        else:
            got = catalog.gettext(entry.msgid)
        assert got == entry.msgstr[-1]


def test_the_catalog_files_read_and_write_back_unchanged() -> None:
    for path in (PO, LOCALE / "callqueue.pot"):
        text = path.read_text("utf-8")
        assert tools.write_po(tools.parse_po(text)) == text


def test_the_template_has_every_vocabulary_string() -> None:
    template = tools.parse_po((LOCALE / "callqueue.pot").read_text("utf-8"))
    keys = {entry.key for entry in template.entries}
    missing = [(c, m) for c, m, _ in vocabulary_messages() if (c, m) not in keys]
    assert missing == [], "run: scripts/translations.py extract"


def test_merging_keeps_translations_and_keeps_dropped_ones_as_obsolete() -> None:
    entry = tools.Entry
    old = tools.Catalog(
        "",
        [
            entry("Save", msgstr=["保存"], comments=["checked by lina"]),
            entry("Open", context="complaint status", msgstr=["待处理"]),
            entry("Gone", msgstr=["不用了"]),
            entry("Never translated"),
        ],
    )
    template = [
        entry("Save", references=["src/callqueue/app/forms.py"]),
        entry("Open", context="complaint status"),
        entry("Open", context="promise status"),
        entry("{n} item", plural="{n} items", msgstr=["", ""], flags=["python-brace-format"]),
    ]
    merged = tools.merge(template, old, "zh_CN")
    by_key = {(e.context, e.msgid): e for e in merged.entries}
    assert by_key[(None, "Save")].msgstr == ["保存"]
    assert by_key[(None, "Save")].comments == ["checked by lina"]
    assert by_key[(None, "Save")].references == ["src/callqueue/app/forms.py"]
    assert by_key[("complaint status", "Open")].msgstr == ["待处理"]
    assert by_key[("promise status", "Open")].msgstr == [""]
    assert by_key[(None, "{n} item")].msgstr == [""]  # Chinese has one plural form
    assert by_key[(None, "Gone")].obsolete and by_key[(None, "Gone")].msgstr == ["不用了"]
    assert (None, "Never translated") not in by_key
    assert "Plural-Forms: nplurals=1; plural=0;" in merged.header
    again = tools.parse_po(tools.write_po(merged))
    assert [(e.key, e.msgstr, e.obsolete) for e in again.entries] == [
        (e.key, e.msgstr, e.obsolete) for e in merged.entries
    ]


def test_extraction_finds_literal_calls_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "screen.py").write_text(
        "from callqueue.i18n import _, ngettext, pgettext\n"
        "import callqueue.i18n as i18n\n"
        "a = _('Search')\n"
        "b = ngettext('{n} item', '{n} items', 3)\n"
        "c = pgettext('button', 'Open')\n"
        "d = i18n._('Clear')\n"
        "name = 'x'\n"
        "e = _(name)\n"
        "f = _(f'{name}')\n",
        "utf-8",
    )
    monkeypatch.setattr(tools, "ROOT", tmp_path)
    found = tools.source_messages(tmp_path)
    assert [(e.context, e.msgid, e.plural) for e in found] == [
        (None, "Search", None),
        (None, "{n} item", "{n} items"),
        ("button", "Open", None),
        (None, "Clear", None),
    ]


def test_importing_i18n_is_cheap() -> None:
    code = (
        "import sys, callqueue.i18n\n"
        "heavy = ('callqueue.', 'textual', 'sqlalchemy', 'sqlmodel', 'rich', 'babel')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "['callqueue.i18n']"


# --- lists, codes and value problems ---------------------------------------------------------


def test_lists_and_clauses_in_both_languages() -> None:
    set_language("en")
    assert i18n.join_list(["a", "b", "c"]) == "a, b, c"
    assert i18n.join_words(["calls"]) == "calls"
    assert i18n.join_words(["SMS", "letters", "notices"]) == "SMS, letters and notices"
    assert i18n.join_clauses(["a", "b"]) == "a; b"
    assert i18n.code_words(outcome_label, "not_home") == "not home"  # the core's English
    set_language("zh_CN")
    assert i18n.join_list(["电话", "上门"]) == "电话、上门"
    assert i18n.join_words(["短信", "函件", "公告"]) == "短信、函件和公告"
    assert i18n.join_clauses(["甲", "乙"]) == "甲；乙"
    assert i18n.code_words(outcome_label, "not_home") == "无人在家"


def test_value_problems_in_chinese_keep_a_detail_without_the_subject() -> None:
    from callqueue.ledger.values import NOT_A_DATE, ValueProblem, parse_date, parse_money

    set_language("zh_CN")
    with pytest.raises(ValueProblem) as bad_date:
        parse_date("2026-02-30")
    assert str(bad_date.value) == "日期“2026-02-30”不存在"
    assert bad_date.value.detail == "“2026-02-30”不存在"
    with pytest.raises(ValueProblem) as no_date:
        parse_date("next week")
    assert no_date.value.code == NOT_A_DATE
    with pytest.raises(ValueProblem) as money:
        parse_money("1.234", field="amount due")
    assert str(money.value) == "应收金额“1.234”的小数超过两位"
    set_language("en")
    with pytest.raises(ValueProblem) as english:
        parse_money("1.234", field="amount due")
    assert str(english.value) == "amount due '1.234' has more than 2 decimal places"
    assert english.value.detail == "'1.234' has more than 2 decimal places"
