"""Translations: every user-facing string in the chosen language (zh_CN or en).

Source strings (msgids) are English. The catalogs are stdlib `gettext` catalogs, domain
"callqueue", in `callqueue/locale/<lang>/LC_MESSAGES/callqueue.mo`; a string missing from
a catalog shows as its English msgid. English is the source language and needs no catalog:
`en` is the identity (no en.po, no en.mo).

The language is chosen once per process with `set_language` (the CLI's `--lang`); until
then it comes from the environment, as gettext would read it: the first non-empty of
LANGUAGE, LC_ALL, LC_MESSAGES and LANG; `zh…` means zh_CN, anything else en.

The core's vocabularies (fee types, actions, reasons, exclusions, stages, outcomes, …) are
codes; the helpers below turn them into words in the current language. Their English is
exactly what the core prints (`reason_text(r) == r.text()` under en). Each vocabulary is a
message context (msgctxt), so "call" the channel (电话) and "call" the action (电话催收)
translate independently.

Adding a string: write `_("English text")` (or `ngettext`, `pgettext`), then run
`scripts/translations.py extract`, translate the new entries in
`locale/zh_CN/LC_MESSAGES/callqueue.po`, and run `scripts/translations.py compile`.
See `locale/README.md`.

Cheap to import: only `gettext` and `os`; the core modules are imported when a helper needs
them.
"""

from __future__ import annotations

import gettext as _gettext
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from callqueue.windows import WindowState

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "SOURCE_LANGUAGE",
    "_",
    "action_text",
    "channel_label",
    "code_words",
    "complaint_category_label",
    "complaint_status_label",
    "current_language",
    "exclusion_label",
    "exclusion_text",
    "fee_label",
    "holiday_label",
    "join_clauses",
    "join_list",
    "join_words",
    "language_from_environment",
    "letter_kind_label",
    "ngettext",
    "npgettext",
    "outcome_label",
    "payment_channel_label",
    "pgettext",
    "promise_status_label",
    "reason_text",
    "role_label",
    "set_language",
    "stage_label",
    "vocabulary_messages",
    "window_text",
]

DOMAIN = "callqueue"
LANGUAGES = ("zh_CN", "en")
SOURCE_LANGUAGE = "en"  # the msgids' language: no catalog, the identity
LOCALE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "locale")
ENVIRONMENT_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_language: str | None = None  # None: not chosen yet; read from the environment on first use
_catalogs: dict[str, _gettext.NullTranslations] = {}


# --- the language -----------------------------------------------------------------------


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """zh_CN when the first non-empty of LANGUAGE, LC_ALL, LC_MESSAGES, LANG starts with
    "zh" (zh_CN.UTF-8, zh_TW, zh:en…), else en (C, POSIX, en_US.UTF-8, unset…)."""
    env = os.environ if environ is None else environ
    for name in ENVIRONMENT_VARIABLES:
        value = env.get(name, "")
        if name == "LANGUAGE":  # a priority list: "zh_CN:en"
            value = next((part for part in value.split(":") if part), "")
        if value:
            return "zh_CN" if value.strip().lower().startswith("zh") else "en"
    return "en"


def set_language(lang: str | None) -> str:
    """Choose the language of everything shown from now on; None: from the environment.

    Returns the language chosen. An unknown language is a ValueError naming the choices.
    Strings translated at import time (e.g. class-level key bindings) keep the language in
    force when their module was imported, so choose the language before importing the app.
    """
    global _language
    if lang is None:
        chosen = language_from_environment()
    elif lang in LANGUAGES:
        chosen = lang
    else:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    _language = chosen
    return chosen


def current_language() -> str:
    """The language in force: the one set, else the environment's."""
    global _language
    if _language is None:
        _language = language_from_environment()
    return _language


def _catalog() -> _gettext.NullTranslations:
    lang = current_language()
    catalog = _catalogs.get(lang)
    if catalog is None:
        path = os.path.join(LOCALE_DIR, lang, "LC_MESSAGES", f"{DOMAIN}.mo")
        if lang != SOURCE_LANGUAGE and os.path.exists(path):
            with open(path, "rb") as file:
                catalog = _gettext.GNUTranslations(file)
        else:  # English, or a catalog not built: every string shows as its msgid
            catalog = _gettext.NullTranslations()
        _catalogs[lang] = catalog
    return catalog


# --- translating strings ----------------------------------------------------------------


def _(message: str) -> str:
    """`message` (English) in the current language."""
    return _catalog().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for `n` of a message with a plural, in the current language."""
    return _catalog().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` in the current language, as meant in `context` (a msgctxt)."""
    return _catalog().pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return _catalog().npgettext(context, singular, plural, n)


def join_list(items: Iterable[str]) -> str:
    """Items listed: "a, b, c" (English), "a、b、c" (Chinese)."""
    return pgettext("list separator", ", ").join(items)


def join_clauses(items: Iterable[str]) -> str:
    """Clauses of one sentence: "a; b" (English), "a；b" (Chinese)."""
    return pgettext("clause separator", "; ").join(items)


def join_words(items: Sequence[str]) -> str:
    """Items as a phrase: "a", "a and b", "a, b and c" (English), "a、b和c" (Chinese)."""
    if len(items) <= 1:
        return "".join(items)
    return pgettext("list, last two", "{items} and {last}").format(
        items=join_list(items[:-1]), last=items[-1]
    )


def code_words(label: Callable[[str], str], code: str) -> str:
    """A code as the core's English shows it (the code, "_" as spaces: "bank transfer",
    "no answer") or, in any other language, in that language's words (`label`: one of the
    vocabulary helpers below, e.g. `outcome_label`)."""
    if current_language() == SOURCE_LANGUAGE:
        return str(code).replace("_", " ")
    return label(code)


def _fill(context: str, template: str, params: Mapping[str, str]) -> str:
    """The translated template with its placeholders filled; the English one if a
    translation has lost a placeholder (the tests make sure none does)."""
    try:
        return pgettext(context, template).format(**params)
    except (KeyError, IndexError, ValueError):
        return template.format(**params)


# --- the vocabularies -------------------------------------------------------------------
# Contexts (msgctxt) of the vocabularies: the translator sees which list a word is from.

CTX_FEE = "fee type"
CTX_ACTION = "action"
CTX_REASON = "reason"
CTX_EXCLUSION = "exclusion"
CTX_EXCLUSION_LABEL = "exclusion label"
CTX_STAGE = "stage"
CTX_CHANNEL = "channel"
CTX_OUTCOME = "outcome"
CTX_PAYMENT_CHANNEL = "payment channel"
CTX_COMPLAINT_CATEGORY = "complaint category"
CTX_COMPLAINT_STATUS = "complaint status"
CTX_PROMISE_STATUS = "promise status"
CTX_LETTER_KIND = "letter kind"
CTX_ROLE = "role"
CTX_WINDOW = "contact window"
CTX_HOLIDAY = "holiday"
CTX_WEEKDAY = "weekday"
CTX_WEEKDAYS = "weekdays"

# English words for the vocabularies the core keeps as bare codes (callqueue.store.models,
# callqueue.queue.actions.Stage); tests check the codes against the enums.
STAGE_EN = {
    "not_due": "not yet due",
    "phone": "phone",
    "visit": "visit",
    "written_demand": "written demand",
    "collection_letter": "collection letter",
    "lawyer_letter": "lawyer's letter",
    "litigation_candidate": "litigation candidate",
    "litigation": "in litigation",
}
CHANNEL_EN = {  # queue.actions.Channel and store.models.ContactChannel
    "call": "call",
    "visit": "visit",
    "letter": "letter",
    "sms": "SMS",
    "notice": "notice",
}
OUTCOME_EN = {
    "no_answer": "no answer",
    "busy": "busy",
    "switched_off": "switched off",
    "wrong_number": "wrong number",
    "not_home": "nobody home",
    "will_pay": "will pay",
    "promise": "promised a date",
    "refused": "refused",
    "dispute": "disputes the charge",
    "callback": "call back later",
    "says_paid": "says it is paid",
    "hardship": "hardship / asks for instalments",
    "paid_on_spot": "paid on the spot",
    "delivered": "delivered",
    "sent": "sent",
}
PAYMENT_CHANNEL_EN = {
    "cash": "cash",
    "pos": "POS card",
    "wechat": "WeChat Pay",
    "alipay": "Alipay",
    "bank_transfer": "bank transfer",
}
COMPLAINT_CATEGORY_EN = {
    "service": "service quality",
    "cleaning": "cleaning",
    "security": "security",
    "greening": "greening",
    "facilities": "facilities",
    "parking": "parking",
    "noise": "noise",
    "outside_duty": "not the property company's duty",
}
COMPLAINT_STATUS_EN = {
    "open": "open",
    "in_progress": "in progress",
    "resolved": "resolved, owner not yet told",
    "closed": "closed",
}
PROMISE_STATUS_EN = {
    "open": "open",
    "kept": "kept",
    "broken": "broken",
    "cancelled": "cancelled",
}
LETTER_KIND_EN = {
    "reminder": "pre-due reminder",
    "written_demand": "written demand",
    "collection_letter": "collection letter",
    "lawyer_letter": "lawyer's letter",
}
ROLE_EN = {  # store.models.Role (staff) and PersonRole (people of a household)
    "collector": "collector",
    "team_leader": "team leader",
    "manager": "manager",
    "owner": "owner",
    "occupant": "occupant",
    "tenant": "tenant",
    "former_owner": "former owner",
}
# The statutory holidays as `chinesecalendar` names them (workdays.holiday_name).
HOLIDAYS_EN = (
    "New Year's Day",
    "Spring Festival",
    "Tomb-sweeping Day",
    "Labour Day",
    "Dragon Boat Festival",
    "National Day",
    "Mid-autumn Festival",
    "Anti-Fascist 70th Day",
)
# As windows.py writes them: "next window Thu 10-08 10:00", "no calls on Sundays …".
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_PLURALS_EN = (
    "Mondays",
    "Tuesdays",
    "Wednesdays",
    "Thursdays",
    "Fridays",
    "Saturdays",
    "Sundays",
)


def _label(context: str, english: Mapping[Any, str], code: str) -> str:
    """A code's words in the current language; an unknown code is shown as it is."""
    text = english.get(str(code))
    return str(code) if text is None else pgettext(context, text)


def _fee_labels() -> Mapping[str, str]:
    from callqueue.ledger.values import FEE_TYPE_LABELS_EN

    return FEE_TYPE_LABELS_EN


def fee_label(code: str) -> str:
    """物业费 / property fee, 电费 / electricity, …: a fee type code in words."""
    return _label(CTX_FEE, _fee_labels(), code)


def action_text(action: str) -> str:
    """What a queue item asks for (queue.actions.ACTION_TEXT), in words."""
    from callqueue.queue.actions import ACTION_TEXT

    return _label(CTX_ACTION, ACTION_TEXT, action)


class _Coded(Protocol):
    """A reason or an exclusion: a code with string parameters."""

    @property
    def code(self) -> str: ...

    @property
    def params(self) -> tuple[tuple[str, str], ...]: ...


def reason_text(reason: _Coded) -> str:
    """A queue item's reason (queue.actions.Reason) in words; under en, `reason.text()`.

    A `fee` parameter is a fee code and is shown with `fee_label`; a `category` parameter
    (a complaint category code) with `complaint_category_label`, except in English, where
    the core shows the code itself.
    """
    from callqueue.queue.actions import REASON_TEXT

    params = dict(reason.params)
    if "fee" in params:
        params["fee"] = fee_label(params["fee"])
    if "category" in params and current_language() != SOURCE_LANGUAGE:
        params["category"] = complaint_category_label(params["category"])
    return _fill(CTX_REASON, REASON_TEXT[reason.code], params)


def exclusion_text(exclusion: _Coded) -> str:
    """Why a household is left out of the queue (queue.build.Exclusion), in words."""
    from callqueue.queue.actions import EXCLUSION_TEXT

    return _fill(CTX_EXCLUSION, EXCLUSION_TEXT[exclusion.code], dict(exclusion.params))


def exclusion_label(code: str) -> str:
    """A short label for an exclusion code (queue.actions.EXCLUSION_LABEL)."""
    from callqueue.queue.actions import EXCLUSION_LABEL as labels

    return _label(CTX_EXCLUSION_LABEL, labels, code)


def stage_label(stage: str) -> str:
    """How far up the escalation ladder a household is (queue.actions.Stage)."""
    return _label(CTX_STAGE, STAGE_EN, stage)


def channel_label(channel: str) -> str:
    """call 电话, visit 上门, letter 书面 (also sms 短信, notice 公告)."""
    return _label(CTX_CHANNEL, CHANNEL_EN, channel)


def outcome_label(outcome: str) -> str:
    """What came of a contact (store.models.ContactOutcome)."""
    return _label(CTX_OUTCOME, OUTCOME_EN, outcome)


def payment_channel_label(channel: str) -> str:
    """How a payment was made (store.models.PaymentChannel)."""
    return _label(CTX_PAYMENT_CHANNEL, PAYMENT_CHANNEL_EN, channel)


def complaint_category_label(category: str) -> str:
    """What a complaint is about (store.models.ComplaintCategory)."""
    return _label(CTX_COMPLAINT_CATEGORY, COMPLAINT_CATEGORY_EN, category)


def complaint_status_label(status: str) -> str:
    """store.models.ComplaintStatus in words."""
    return _label(CTX_COMPLAINT_STATUS, COMPLAINT_STATUS_EN, status)


def promise_status_label(status: str) -> str:
    """store.models.PromiseStatus in words."""
    return _label(CTX_PROMISE_STATUS, PROMISE_STATUS_EN, status)


def letter_kind_label(kind: str) -> str:
    """store.models.LetterKind in words."""
    return _label(CTX_LETTER_KIND, LETTER_KIND_EN, kind)


def role_label(role: str) -> str:
    """A staff role (store.models.Role) or a person's role in a household (PersonRole)."""
    return _label(CTX_ROLE, ROLE_EN, role)


def holiday_label(name: str) -> str:
    """A statutory holiday's name (as `chinesecalendar` gives it, in English) in words."""
    text = pgettext(CTX_HOLIDAY, name)
    if text == name and current_language() == "zh_CN":  # a holiday newer than the catalog
        try:
            from chinese_calendar.constants import Holiday

            return str(Holiday(name).chinese)
        except (ImportError, ValueError):
            pass
    return text


# --- contact windows --------------------------------------------------------------------
# windows.window_state builds its English sentence from fragments; WindowState keeps the
# sentence and the times but not the moment or the kind of day. window_text reads which
# fragments were used from the English sentence (by matching these templates, the same
# words windows.py writes) and rebuilds the sentence in the current language, taking the
# times and weekdays from the state's datetime fields.

WINDOW_TEXT: dict[tuple[str, str], str] = {
    ("no_windows", "call"): "the policy has no call windows",
    ("no_windows", "visit"): "the policy has no visit windows",
    ("open_until", "call"): "calls are open until {time}",
    ("open_until", "visit"): "visits are open until {time}",
    ("opens", "call"): "calls open at {time}",
    ("opens", "visit"): "visits open at {time}",
    ("opens_again", "call"): "calls open again at {time}",
    ("opens_again", "visit"): "visits open again at {time}",
    ("over_for_today", "call"): "calls are over for today; {later}",
    ("over_for_today", "visit"): "visits are over for today; {later}",
    ("holiday", "call"): "no calls on statutory holidays ({holiday}); {later}",
    ("holiday", "visit"): "no visits on statutory holidays ({holiday}); {later}",
    ("company_day_off", "call"): "no calls on company days off; {later}",
    ("company_day_off", "visit"): "no visits on company days off; {later}",
    ("weekday_off", "call"): "no calls on {weekdays} by company policy; {later}",
    ("weekday_off", "visit"): "no visits on {weekdays} by company policy; {later}",
}
WINDOW_LATER = {
    "next": "next window {when}",
    "none": "no window in the next {days} days",
}
WINDOW_WHEN = "{weekday} {date} {time}"  # a window on another day: "Thu 10-08 10:00"

_TIME = r"\d\d:\d\d"
_GROUPS = {
    "time": _TIME,
    "days": r"\d+",
    "date": r"\d\d-\d\d",
    "weekday": "|".join(WEEKDAYS_EN),
    "weekdays": "|".join(WEEKDAY_PLURALS_EN),
}
_patterns: dict[str, re.Pattern[str]] = {}


def _match(template: str, text: str) -> dict[str, str] | None:
    """The placeholders' values if `text` is `template` filled in, else None."""
    pattern = _patterns.get(template)
    if pattern is None:
        parts = re.split(r"\{(\w+)\}", template)
        pattern = re.compile(
            "".join(
                re.escape(part) if n % 2 == 0 else f"(?P<{part}>{_GROUPS.get(part, '.+')})"
                for n, part in enumerate(parts)
            )
        )
        _patterns[template] = pattern
    found = pattern.fullmatch(text)
    return None if found is None else found.groupdict()


def _later_text(state: WindowState, later: str) -> str | None:
    found = _match(WINDOW_LATER["none"], later)
    if found is not None:
        return _fill(CTX_WINDOW, WINDOW_LATER["none"], found)
    found = _match(WINDOW_LATER["next"], later)
    if found is None:
        return None
    when, opens = found["when"], state.next_opens_at
    if opens is None:
        return None
    if re.fullmatch(_TIME, when):  # later today: the time alone
        when_text = f"{opens:%H:%M}"
    elif _match(WINDOW_WHEN, when) is not None:
        weekday = pgettext(CTX_WEEKDAY, WEEKDAYS_EN[opens.weekday()])
        when_text = _fill(
            CTX_WINDOW,
            WINDOW_WHEN,
            {"weekday": weekday, "date": f"{opens:%m-%d}", "time": f"{opens:%H:%M}"},
        )
    else:
        return None
    return _fill(CTX_WINDOW, WINDOW_LATER["next"], {"when": when_text})


def _window_sentence(state: WindowState) -> str | None:
    for (kind, channel), template in WINDOW_TEXT.items():
        if channel != state.channel:
            continue
        found = _match(template, state.reason)
        if found is None:
            continue
        params = dict(found)
        if "time" in params:
            moment = state.closes_at if kind == "open_until" else state.next_opens_at
            if moment is not None:
                params["time"] = f"{moment:%H:%M}"
        if "later" in params:
            later = _later_text(state, params["later"])
            if later is None:
                return None
            params["later"] = later
        if "holiday" in params:
            params["holiday"] = holiday_label(params["holiday"])
        if "weekdays" in params:
            params["weekdays"] = pgettext(CTX_WEEKDAYS, params["weekdays"])
        return _fill(CTX_WINDOW, template, params)
    return None


def window_text(state: WindowState) -> str:
    """Whether a channel is open and when it next opens (windows.window_state), in the
    current language, e.g. "10:00 开始可以打电话" for "calls open at 10:00". Under en it is
    `state.reason`; a sentence windows.py has learnt since is shown in English."""
    sentence = _window_sentence(state)
    return state.reason if sentence is None else sentence


# --- for the catalog tools --------------------------------------------------------------


def vocabulary_messages() -> list[tuple[str, str, str]]:
    """Every vocabulary string to translate, as (msgctxt, msgid, note for the translator).

    The strings the helpers above look up by code; `scripts/translations.py extract` puts
    them into the catalog next to the literal `_("…")` calls it finds in the source.
    """
    from callqueue.ledger.values import FEE_TYPE_LABELS_ZH, FEE_TYPES
    from callqueue.queue.actions import ACTION_TEXT, EXCLUSION_TEXT, REASON_TEXT
    from callqueue.queue.actions import EXCLUSION_LABEL as exclusion_labels

    fees = _fee_labels()
    found: list[tuple[str, str, str]] = [
        (CTX_FEE, fees[code], f"fee type {code} (billing exports say {FEE_TYPE_LABELS_ZH[code]})")
        for code in FEE_TYPES
    ]
    found += [(CTX_ACTION, text, f"queue action {code}") for code, text in ACTION_TEXT.items()]
    found += [(CTX_REASON, text, f"queue reason {code}") for code, text in REASON_TEXT.items()]
    found += [
        (CTX_EXCLUSION, text, f"why a household is left out: {code}")
        for code, text in EXCLUSION_TEXT.items()
    ]
    found += [
        (CTX_EXCLUSION_LABEL, text, f"short label of exclusion {code}")
        for code, text in exclusion_labels.items()
    ]
    tables: tuple[tuple[str, Mapping[str, str], str], ...] = (
        (CTX_STAGE, STAGE_EN, "escalation stage"),
        (CTX_CHANNEL, CHANNEL_EN, "contact channel"),
        (CTX_OUTCOME, OUTCOME_EN, "contact outcome"),
        (CTX_PAYMENT_CHANNEL, PAYMENT_CHANNEL_EN, "payment channel"),
        (CTX_COMPLAINT_CATEGORY, COMPLAINT_CATEGORY_EN, "complaint category"),
        (CTX_COMPLAINT_STATUS, COMPLAINT_STATUS_EN, "complaint status"),
        (CTX_PROMISE_STATUS, PROMISE_STATUS_EN, "promise status"),
        (CTX_LETTER_KIND, LETTER_KIND_EN, "letter kind"),
        (CTX_ROLE, ROLE_EN, "staff or household role"),
    )
    for context, table, what in tables:
        found += [(context, text, f"{what} {code}") for code, text in table.items()]
    found += [
        (CTX_WINDOW, text, f"contact window: {kind} ({channel})")
        for (kind, channel), text in WINDOW_TEXT.items()
    ]
    found += [
        (CTX_WINDOW, WINDOW_LATER["next"], "{when}: a time today, or weekday, date and time"),
        (CTX_WINDOW, WINDOW_LATER["none"], "contact window: nothing opens soon"),
        (CTX_WINDOW, WINDOW_WHEN, "a window on another day, e.g. Thu 10-08 10:00"),
    ]
    found += [(CTX_HOLIDAY, name, "statutory holiday") for name in HOLIDAYS_EN]
    found += [(CTX_WEEKDAY, name, "short weekday name") for name in WEEKDAYS_EN]
    found += [
        (CTX_WEEKDAYS, name, "no calls/visits on {weekdays} by company policy")
        for name in WEEKDAY_PLURALS_EN
    ]
    return found
