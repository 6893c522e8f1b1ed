"""The call, visit and letter scripts, filled in for one household.

The built-in wording follows the source collection plan (its SMS reminder, phone and visit
scripts), made plainly respectful: no script threatens anything, none mentions restricting
water, electricity, heating or gas (forbidden by Civil Code art. 944), and none mentions
posting defaulters' names. The written demand (催告) gives a deadline and names the lawful
next step, arbitration or a lawsuit (art. 944 again).

Team leaders can reword a script in the app: `save_script` keeps their text in the store
(table `call_scripts`), `load_script` returns it, or the built-in text when there is none,
and `reset_script` goes back to the built-in. Placeholders are written `{name}`; a literal
brace is `{{` or `}}`. Known placeholders:

- `{owner}`: the owner's full name and 业主 ("王芳业主"; in English the full name: whether
  to say Mr or Ms cannot be known from the ledger);
- `{collector}`: the collector's name; `{project}`: the estate (default 本小区 / our estate);
- `{amount}`: the total owed, `1,234.50`; `{fees}`: per fee type, "物业费 1,000.00 元、电费
  234.50 元"; `{periods}`: the months, "2026年8月至10月". For the pre-due reminder these
  describe the bills falling due next; for every other script, the collectable arrears
  (overdue and not time-barred);
- `{deadline}`: the date to pay by (the reminder: the bills' due date; otherwise the
  deadline given, else the policy's written-demand deadline from the view's day);
- `{promise_date}`: the date the owner promised;
- `{complaint}`, `{resolution}`: the complaint to report back on and what was done.

Nothing here imports the UI; texts come out as plain strings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from callqueue.audit import AuditAction, add_audit
from callqueue.clock import month_from_key, months_between
from callqueue.clock import now as clock_now
from callqueue.household_view import ChargeView, HouseholdView
from callqueue.i18n import _, join_clauses, join_list, pgettext
from callqueue.ledger.values import FEE_TYPE_LABELS_EN, FEE_TYPE_LABELS_ZH, FEE_TYPES
from callqueue.money import ZERO, format_yuan
from callqueue.queue.actions import Action, Stage
from callqueue.recording.entries import EntryInvalid, Problem
from callqueue.safe_text import clean_input
from callqueue.store.models import CallScript, Staff, table_of

__all__ = [
    "BROKEN_PROMISE",
    "COMPLAINT_REPORT_BACK",
    "FORBIDDEN_TERMS",
    "LANGUAGES",
    "PHONE",
    "PLACEHOLDERS",
    "REMINDER_SMS",
    "SCRIPT_KINDS",
    "SCRIPT_MAX",
    "SCRIPT_TITLES",
    "VISIT",
    "WRITTEN_DEMAND",
    "UnknownScript",
    "built_in_script",
    "check_script",
    "fill_script",
    "format_date",
    "format_periods",
    "load_script",
    "render_script",
    "reset_script",
    "save_script",
    "script_kind_for",
    "script_values",
]

REMINDER_SMS = "reminder_sms"  # 15-20 days before a bill falls due
PHONE = "phone"  # 1-15 days overdue (and whenever the ladder says call)
BROKEN_PROMISE = "broken_promise"  # the promised date passed unpaid
VISIT = "visit"  # door to door
WRITTEN_DEMAND = "written_demand"  # 催告: a written demand with a deadline
COMPLAINT_REPORT_BACK = "complaint_report_back"  # tell the owner what became of a complaint
SCRIPT_KINDS: tuple[str, ...] = (
    REMINDER_SMS,
    PHONE,
    BROKEN_PROMISE,
    VISIT,
    WRITTEN_DEMAND,
    COMPLAINT_REPORT_BACK,
)
LANGUAGES: tuple[str, ...] = ("zh_CN", "en")
SCRIPT_MAX = 4000  # characters

PLACEHOLDERS: dict[str, str] = {
    "owner": "the owner's full name (with 业主 in Chinese)",
    "collector": "the collector's name",
    "project": "the estate's name",
    "amount": "the total owed, e.g. 1,234.50",
    "fees": "the amount per fee type",
    "periods": "the months owed, e.g. 2026年8月至10月",
    "deadline": "the date to pay by",
    "promise_date": "the date the owner promised to pay",
    "complaint": "the complaint being reported back on",
    "resolution": "what was done about the complaint",
}

# Never in a script: restricting utilities (Civil Code art. 944), posting defaulters' names.
FORBIDDEN_TERMS: tuple[str, ...] = (
    "停水", "停电", "断水", "断电", "停气", "断气", "停暖", "断暖", "停热", "拉闸", "限电",
    "限水", "断供", "停止供水", "停止供电", "停止供热", "停止供气", "停止供暖",
    "cut off", "disconnect", "shut off",
    "曝光", "黑名单", "欠费名单", "公布姓名", "张贴名单", "blacklist", "name and shame",
)  # fmt: skip

SCRIPT_TITLES: dict[str, dict[str, str]] = {
    REMINDER_SMS: {"zh_CN": "缴费提醒短信", "en": "Reminder SMS"},
    PHONE: {"zh_CN": "电话催缴", "en": "Phone call"},
    BROKEN_PROMISE: {"zh_CN": "逾期未按约缴费回访", "en": "Call after a broken promise"},
    VISIT: {"zh_CN": "上门拜访", "en": "Door visit"},
    WRITTEN_DEMAND: {"zh_CN": "书面催告函", "en": "Written demand"},
    COMPLAINT_REPORT_BACK: {"zh_CN": "投诉处理结果回复", "en": "Complaint report-back"},
}

_BUILT_IN: dict[str, dict[str, str]] = {
    REMINDER_SMS: {
        "zh_CN": (
            "尊敬的{owner}，您好！{project}物业服务中心温馨提示：您家{periods}的{fees}，"
            "合计 {amount} 元，将于{deadline}到期。物业费保障着小区的干净整洁、安全有序。"
            "您可以到物业服务中心缴费，也可以通过微信、支付宝或银行转账轻松缴费。"
            "如有疑问，欢迎随时联系我们。感谢您一直以来对我们工作的支持，祝您生活愉快！"
            "（{collector}）"
        ),
        "en": (
            "Dear {owner}, a friendly reminder from the property service centre of {project}: "
            "your fees for {periods} ({fees}, {amount} yuan in all) fall due on {deadline}. The "
            "property fee keeps our estate clean, tidy and safe. You can pay at the property "
            "service centre, or easily by WeChat, Alipay or bank transfer. If you have any "
            "questions, please contact us at any time. Thank you for your continued support, "
            "and best wishes! ({collector})"
        ),
    },
    PHONE: {
        "zh_CN": (
            "您好，请问是{owner}吗？我是{project}物业服务中心的{collector}。\n"
            "您最近有没有收到我们关于物业费的短信，或者看到公告栏的通知呀？目前您家{periods}"
            "的{fees}还没有缴，合计 {amount} 元。物业费用在小区的保洁、绿化、安保和设施维护上，"
            "让大家住得舒心。\n"
            "您是不是最近比较忙，忘记缴费了呀？您看什么时候方便缴一下？可以到物业服务中心缴，"
            "也可以用微信、支付宝或银行转账；不方便过来的话，我们也可以约时间上门收取。\n"
            "如果您对费用或者我们的服务有什么疑问、不方便的地方，都可以跟我说，我记下来，"
            "尽快给您处理，并把进度告诉您。"
        ),
        "en": (
            "Hello, may I speak to {owner}? This is {collector} from the property service "
            "centre of {project}.\n"
            "Have you had our text message about the fees, or seen the notice on the board? "
            "Your fees for {periods} are still unpaid: {fees}, {amount} yuan in all. The "
            "property fee pays for cleaning, greenery, security and upkeep, so that everyone lives "
            "comfortably.\n"
            "Perhaps you have been busy lately and it slipped your mind? When would suit you "
            "to pay? You can pay at the service centre, or by WeChat, Alipay or bank transfer; "
            "if it is hard to come in, we can arrange to collect it at your home.\n"
            "If you have any question about the bill or our service, or anything is "
            "inconvenient, please tell me: I will note it, have it dealt with quickly and let "
            "you know how it goes."
        ),
    },
    BROKEN_PROMISE: {
        "zh_CN": (
            "您好，请问是{owner}吗？我是{project}物业服务中心的{collector}。\n"
            "之前您和我们约好在{promise_date}前缴纳{periods}的{fees}，合计 {amount} 元，"
            "到现在我们还没有收到这笔款项，所以跟您确认一下。是不是最近遇到了什么情况，"
            "或者缴费时有不方便的地方？\n"
            "如果一次缴清有困难，我们可以一起商量分期的安排；不方便到服务中心的话，也可以用"
            "微信、支付宝、银行转账，或者约时间上门收取。\n"
            "您看哪天方便？我们重新约一个三到五天内的日期，我记录下来，到时再跟您联系。"
        ),
        "en": (
            "Hello, may I speak to {owner}? This is {collector} from the property service "
            "centre of {project}.\n"
            "You kindly agreed to pay your fees for {periods} ({fees}, {amount} yuan in all) "
            "by {promise_date}, and we have not received it yet, so I am calling to check with "
            "you. Has something come up, or was anything inconvenient about paying?\n"
            "If paying all at once is difficult, we can agree instalments together; if the "
            "service centre is hard to reach, you can pay by WeChat, Alipay or bank transfer, "
            "or we can arrange to collect it at your home.\n"
            "Which day would suit you? Let us agree a new date within three to five days; I "
            "will note it and be in touch then."
        ),
    },
    VISIT: {
        "zh_CN": (
            "您好，{owner}，打扰您了！我们是{project}物业服务中心的工作人员，我是{collector}"
            "（出示工牌）。今天来主要是想和您聊聊物业费的事儿。\n"
            "您家{periods}的{fees}目前还没有缴，合计 {amount} 元。这是费用明细，请您过目；"
            "哪一项和您了解的不一样，我们当场核对。\n"
            "咱们小区的卫生每天有人打扫，绿化定期修剪，保安二十四小时值守，这些都离不开大家"
            "缴纳的物业费。您平时对我们的服务有什么意见或者需要，也请尽管告诉我，我们记录"
            "下来尽快处理，并把进度告诉您。\n"
            "您看今天方便缴吗？可以扫码缴费，我们现场开收据；或者约一个三到五天内的日期，"
            "到服务中心缴费或转账都可以。"
        ),
        "en": (
            "Hello {owner}, sorry to disturb you! We are from the property service centre of "
            "{project}; I am {collector} (show the staff badge). We have come to talk with you "
            "about the property fees.\n"
            "Your fees for {periods} are still unpaid: {fees}, {amount} yuan in all. Here are "
            "the "
            "details for you to look over; if anything differs from what you know, we will "
            "check it together right now.\n"
            "Our estate is cleaned every day, the greenery is trimmed regularly and the guards "
            "are on duty around the clock, all paid for by the fees everyone pays. If you have "
            "any comment on our service or anything you need, please tell me: we will note it, "
            "deal with it quickly and let you know how it goes.\n"
            "Would it suit you to pay today? You can pay by scanning the code and we will give "
            "you a receipt at once; or we can agree a date within three to five days to pay "
            "at the service centre or by transfer."
        ),
    },
    WRITTEN_DEMAND: {
        "zh_CN": (
            "物业费缴费催告函\n"
            "尊敬的{owner}：\n"
            "您好！经核对，您家尚欠{periods}的{fees}，合计人民币 {amount} 元。感谢您一直以来"
            "对物业服务工作的理解和支持。\n"
            "根据《中华人民共和国民法典》第九百四十四条和物业服务合同的约定，现书面提请您于"
            "{deadline}前缴清上述费用。您可以到物业服务中心缴纳，也可以通过微信、支付宝或"
            "银行转账缴纳。如一次缴清确有困难，或者对费用有疑问，请在此期限内与我们联系，"
            "我们可以一起核对明细，或者商量分期安排。\n"
            "如期限届满仍未缴纳，我们将依法申请仲裁或者提起诉讼。我们更希望与您沟通解决，"
            "期待您的回复。\n"
            "{project}物业服务中心\n"
            "经办人：{collector}"
        ),
        "en": (
            "Written demand for payment of property fees\n"
            "Dear {owner},\n"
            "Our records show that your fees for {periods} remain unpaid: {fees}, {amount} "
            "yuan in all. Thank you for your understanding and support of our work.\n"
            "Under article 944 of the Civil Code of the People's Republic of China and the "
            "property service contract, we kindly ask you in writing to pay these fees by "
            "{deadline}. You can pay at the property service centre, or by WeChat, Alipay or "
            "bank transfer. If paying all at once is difficult, or you have questions about "
            "the fees, please contact us before that date: we can check the details together "
            "or agree instalments.\n"
            "If the fees remain unpaid after that date, we will apply for arbitration or bring "
            "a lawsuit, as the law provides. We would much rather settle this with you, and "
            "look forward to hearing from you.\n"
            "Property service centre of {project}\n"
            "Handled by: {collector}"
        ),
    },
    COMPLAINT_REPORT_BACK: {
        "zh_CN": (
            "您好，请问是{owner}吗？我是{project}物业服务中心的{collector}。\n"
            "您之前向我们反映的“{complaint}”，我们已经处理了，今天特地向您回复结果："
            "{resolution}。\n"
            "您看现在的情况满意吗？如果还有不到位的地方，请告诉我，我们继续跟进。\n"
            "另外也跟您说一下，您家目前还有{periods}的{fees}未缴，合计 {amount} 元。您看什么"
            "时候方便缴一下？可以到服务中心，也可以用微信、支付宝或银行转账。感谢您的理解和"
            "支持！"
        ),
        "en": (
            "Hello, may I speak to {owner}? This is {collector} from the property service "
            "centre of {project}.\n"
            'You told us about "{complaint}". We have dealt with it, and I am calling to tell '
            "you the result: {resolution}.\n"
            "Are you satisfied with how things are now? If anything still falls short, please "
            "tell me and we will keep following it up.\n"
            "May I also mention that your fees for {periods} are still unpaid: {fees}, "
            "{amount} yuan in all. When would suit you to pay? You can pay at the service "
            "centre, or by WeChat, Alipay or bank transfer. Thank you for your understanding "
            "and support!"
        ),
    },
}


class UnknownScript(ValueError):
    """No script of that kind or language; the message lists the known ones."""


def _check_kind(kind: str, language: str) -> None:
    if kind not in SCRIPT_KINDS:
        raise UnknownScript(_no_script(kind))
    if language not in LANGUAGES:
        raise UnknownScript(_no_language(language))


def _no_script(kind: str) -> str:
    return _("no script {kind}; scripts are {kinds}").format(
        kind=repr(kind), kinds=join_list(SCRIPT_KINDS)
    )


def _no_language(language: str) -> str:
    return _("no language {language}; languages are {languages}").format(
        language=repr(language), languages=join_list(LANGUAGES)
    )


def built_in_script(kind: str, language: str = "zh_CN") -> str:
    """The built-in text of a script (what `load_script` gives when nobody reworded it)."""
    _check_kind(kind, language)
    return _BUILT_IN[kind][language]


# --- placeholders -------------------------------------------------------------------------

_NAME = re.compile(r"[a-z_]+")


@dataclass(frozen=True, slots=True)
class _Field:
    name: str


def _parse(text: str) -> tuple[list[str | _Field], list[str]]:
    """The text as literal pieces and placeholders, and what is malformed or unknown."""
    parts: list[str | _Field] = []
    problems: list[str] = []
    unknown: list[str] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in "{}" and text[i : i + 2] in ("{{", "}}"):
            literal.append(char)
            i += 2
            continue
        if char == "}":
            problems.append(
                _("a lone '}}' at {where}: write '}}}}' for a brace").format(where=_where(text, i))
            )
            i += 1
            continue
        if char != "{":
            literal.append(char)
            i += 1
            continue
        end = text.find("}", i + 1)
        opening = text.find("{", i + 1)
        if end < 0 or (0 <= opening < end):
            problems.append(
                _("'{{' at {where} is not closed: write {{name}}, or '{{{{' for a brace").format(
                    where=_where(text, i)
                )
            )
            i += 1
            continue
        name = text[i + 1 : end]
        if not _NAME.fullmatch(name):
            problems.append(
                _(
                    "{field} is not a placeholder: names are lower-case letters, "
                    "e.g. {{owner}}, with no format or spaces"
                ).format(field=_quote("{" + name + "}"))
            )
        elif name not in PLACEHOLDERS:
            unknown.append(name)
        else:
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(_Field(name))
        i = end + 1
    if literal:
        parts.append("".join(literal))
    for wide in ("｛", "｝"):
        if wide in text:
            problems.append(
                _(
                    "full-width {brace} found: placeholders use half-width braces, e.g. {{owner}}"
                ).format(brace=_quote(wide))
            )
    if unknown:
        names = join_list("{" + n + "}" for n in dict.fromkeys(unknown))
        known = join_list("{" + n + "}" for n in PLACEHOLDERS)
        problems.insert(
            0,
            _("unknown placeholder(s) {names}; known ones are {known}").format(
                names=names, known=known
            ),
        )
    return parts, problems


def _where(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    return _("line {line}, near {text}").format(
        line=line, text=repr(text[max(index - 8, 0) : index + 8])
    )


def _quote(text: str) -> str:
    return pgettext("quoted value", "'{value}'").format(value=text)


def check_script(text: str) -> list[str]:
    """Everything wrong with a script text, in words (empty: fine)."""
    problems: list[str] = []
    if not text.strip():
        problems.append(_("the script is empty"))
    if len(text) > SCRIPT_MAX:
        problems.append(
            _("the script has {length} characters; at most {limit}").format(
                length=len(text), limit=SCRIPT_MAX
            )
        )
    problems += _parse(text)[1]
    lowered = text.casefold()
    found = [term for term in FORBIDDEN_TERMS if term.casefold() in lowered]
    if found:
        problems.append(
            _(
                "remove {terms}: scripts never threaten to cut off water, electricity, heating "
                "or gas (Civil Code art. 944) and never mention posting defaulters' names"
            ).format(terms=join_list(repr(t) for t in found))
        )
    return problems


def fill_script(text: str, values: dict[str, str]) -> str:
    """`text` with every placeholder replaced (raises UnknownScript if it is malformed)."""
    parts, problems = _parse(text)
    if problems:
        raise UnknownScript(join_clauses(problems))
    return "".join(p if isinstance(p, str) else values[p.name] for p in parts)


# --- values for one household -------------------------------------------------------------


def _owner(view: HouseholdView, zh: bool) -> str:
    name = view.owner.strip()
    if zh:
        return f"{name}业主" if name else "业主"
    return name or "owner"


def _fees(charges: Sequence[ChargeView], zh: bool) -> tuple[Decimal, str]:
    by_fee: dict[str, Decimal] = {}
    for charge in charges:
        by_fee[charge.fee_type] = by_fee.get(charge.fee_type, ZERO) + charge.outstanding
    order = {fee: i for i, fee in enumerate(FEE_TYPES)}
    fees = sorted(by_fee.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))
    if zh:
        text = "、".join(f"{FEE_TYPE_LABELS_ZH.get(f, f)} {format_yuan(a)} 元" for f, a in fees)
    else:
        text = ", ".join(f"{FEE_TYPE_LABELS_EN.get(f, f)} {format_yuan(a)} yuan" for f, a in fees)
    return sum(by_fee.values(), ZERO), text or ("费用" if zh else "fees")


def _runs(periods: Iterable[str]) -> Iterator[tuple[dt.date, dt.date]]:
    """Consecutive months as (first, last) runs, each month as its first day."""
    months = sorted({month_from_key(p) for p in periods})
    start = previous = None
    for month in months:
        if previous is not None and start is not None:
            if months_between(previous, month) == 1:
                previous = month
                continue
            yield start, previous
        start = previous = month
    if start is not None and previous is not None:
        yield start, previous


_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def format_periods(periods: Iterable[str], zh: bool) -> str:
    """`2026年8月至10月` / `August to October 2026`; gaps make several runs."""
    texts = []
    for first, last in _runs(periods):
        (y1, m1), (y2, m2) = (first.year, first.month), (last.year, last.month)
        if zh:
            if (y1, m1) == (y2, m2):
                texts.append(f"{y1}年{m1}月")
            elif y1 == y2:
                texts.append(f"{y1}年{m1}月至{m2}月")
            else:
                texts.append(f"{y1}年{m1}月至{y2}年{m2}月")
        elif (y1, m1) == (y2, m2):
            texts.append(f"{_MONTHS_EN[m1 - 1]} {y1}")
        elif y1 == y2:
            texts.append(f"{_MONTHS_EN[m1 - 1]} to {_MONTHS_EN[m2 - 1]} {y1}")
        else:
            texts.append(f"{_MONTHS_EN[m1 - 1]} {y1} to {_MONTHS_EN[m2 - 1]} {y2}")
    if zh:
        return "、".join(texts) or "此前各期"
    if len(texts) > 1:
        return ", ".join(texts[:-1]) + " and " + texts[-1]
    return texts[0] if texts else "earlier months"


def format_date(day: dt.date, zh: bool) -> str:
    return (
        f"{day.year}年{day.month}月{day.day}日"
        if zh
        else f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    )


def script_values(
    kind: str,
    view: HouseholdView,
    *,
    collector: str,
    lang: str = "zh_CN",
    project: str | None = None,
    deadline: dt.date | None = None,
) -> dict[str, str]:
    """The value of every placeholder for this household and script."""
    _check_kind(kind, lang)
    zh = lang == "zh_CN"
    charges: Sequence[ChargeView] = view.collectable_charges()
    pay_by = deadline or view.suggested_deadline
    if kind == REMINDER_SMS:
        upcoming = view.upcoming_charges()
        if upcoming:
            first_due = min(c.due_date for c in upcoming)
            charges = [c for c in upcoming if c.due_date == first_due]
            pay_by = deadline or first_due
    amount, fees = _fees(charges, zh)
    promised = view.broken_promise or view.pending_promise or view.last_promise_date
    complaint = view.report_back or next((c for c in reversed(view.open_complaints)), None)
    return {
        "owner": _owner(view, zh),
        "collector": collector.strip(),
        "project": (project or "").strip() or ("本小区" if zh else "our estate"),
        "amount": format_yuan(amount),
        "fees": fees,
        "periods": format_periods((c.period for c in charges), zh),
        "deadline": format_date(pay_by, zh),
        "promise_date": format_date(promised, zh)
        if promised
        else ("约定的日期" if zh else "the agreed date"),
        "complaint": complaint.description.strip()
        if complaint
        else ("物业服务方面的意见" if zh else "your comments on our service"),
        "resolution": (complaint.resolution or "").strip()
        if complaint and complaint.resolution
        else ("已处理完毕" if zh else "it has been dealt with"),
    }


def render_script(
    kind: str,
    view: HouseholdView,
    *,
    collector: str,
    lang: str = "zh_CN",
    project: str | None = None,
    deadline: dt.date | None = None,
    text: str | None = None,
) -> str:
    """Script `kind` filled in for `view`: `text` (a team's wording, from `load_script`) or
    the built-in wording."""
    values = script_values(
        kind, view, collector=collector, lang=lang, project=project, deadline=deadline
    )
    return fill_script(text if text is not None else built_in_script(kind, lang), values)


_BY_ACTION = {
    Action.LIMITATION_DEMAND: WRITTEN_DEMAND,
    Action.CALLBACK: PHONE,
    Action.BROKEN_PROMISE: BROKEN_PROMISE,
    Action.COMPLAINT_REPORT_BACK: COMPLAINT_REPORT_BACK,
    Action.CALL: PHONE,
    Action.VISIT: VISIT,
    Action.WRITTEN_DEMAND: WRITTEN_DEMAND,
    Action.COLLECTION_LETTER: WRITTEN_DEMAND,
    Action.LAWYER_LETTER: WRITTEN_DEMAND,
    Action.LITIGATION_CANDIDATE: WRITTEN_DEMAND,
    Action.REMINDER: REMINDER_SMS,
}
_BY_STAGE = {
    Stage.NOT_DUE: REMINDER_SMS,
    Stage.PHONE: PHONE,
    Stage.VISIT: VISIT,
}


def script_kind_for(view: HouseholdView) -> str:
    """The script for what the ladder asks of this household on the view's day: the next
    action when there is one (a callback after a broken promise gets the broken-promise
    script), else the stage's (phone, visit; the written demand from the letters on)."""
    if view.next_action is not None:
        kind = _BY_ACTION[view.next_action]
        if kind == PHONE and view.broken_promise is not None:
            return BROKEN_PROMISE
        return kind
    if view.broken_promise is not None:
        return BROKEN_PROMISE
    return _BY_STAGE.get(view.stage, WRITTEN_DEMAND)


# --- the store ----------------------------------------------------------------------------


def load_script(session: Session, kind: str, lang: str) -> str:
    """The team's wording of script `kind` in `lang`, or the built-in one."""
    _check_kind(kind, lang)
    c = table_of(CallScript).c
    stored: str | None = session.execute(
        select(c.text).where(c.kind == kind, c.language == lang)
    ).scalar_one_or_none()
    return stored if stored is not None else _BUILT_IN[kind][lang]


def save_script(
    session: Session,
    kind: str,
    lang: str,
    text: str,
    staff_id: int | None,
    *,
    now: dt.datetime | None = None,
) -> int:
    """Keep a team's wording of a script (replacing any earlier one); returns the row id.

    Raises EntryInvalid listing every problem: an unknown kind or language, an empty or
    too long text, unknown (`{names}` listed) or malformed placeholders, wording that
    threatens utilities or posting names, an unknown staff member. Commits. The text is kept
    without control characters (`safe_text.clean_input`).
    """
    text = clean_input(text)
    problems: list[Problem] = []
    if kind not in SCRIPT_KINDS:
        problems.append(Problem("kind", _no_script(kind)))
    if lang not in LANGUAGES:
        problems.append(Problem("language", _no_language(lang)))
    problems += [Problem("text", message) for message in check_script(text)]
    if staff_id is not None and session.get(Staff, staff_id) is None:
        problems.append(Problem("staff_id", _("no staff member with id {id}").format(id=staff_id)))
    if problems:
        raise EntryInvalid(problems)
    moment = now or clock_now()
    row = session.execute(
        select(CallScript).where(col(CallScript.kind) == kind, col(CallScript.language) == lang)
    ).scalar_one_or_none()
    if row is None:
        row = CallScript(
            kind=kind, language=lang, text=text, updated_at=moment, updated_by=staff_id
        )
        session.add(row)
    else:
        row.text, row.updated_at, row.updated_by = text, moment, staff_id
    session.flush()
    assert row.id is not None
    row_id = row.id
    add_audit(
        session,
        at=moment,
        staff_id=staff_id,
        action=AuditAction.SAVE_SCRIPT,
        table_name="call_scripts",
        row_id=row_id,
        household_id=None,
        detail={"kind": kind, "language": lang, "text": text},
    )
    session.commit()
    return row_id


def reset_script(
    session: Session,
    kind: str,
    lang: str,
    staff_id: int | None = None,
    *,
    now: dt.datetime | None = None,
) -> bool:
    """Go back to the built-in wording; False when there was no team wording. Commits."""
    _check_kind(kind, lang)
    c = table_of(CallScript)
    before = session.execute(
        select(c.c.id, c.c.text).where(c.c.kind == kind, c.c.language == lang)
    ).first()
    result = session.execute(c.delete().where(c.c.kind == kind, c.c.language == lang))
    if before is not None:
        add_audit(
            session,
            at=now or clock_now(),
            staff_id=staff_id,
            action=AuditAction.RESET_SCRIPT,
            table_name="call_scripts",
            row_id=before[0],
            household_id=None,
            detail={"kind": kind, "language": lang, "text_before": before[1]},
        )
    session.commit()
    return bool(getattr(result, "rowcount", 0))
