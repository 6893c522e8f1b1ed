"""The collection policy: when a household may be contacted, how often, and how collection
escalates. Defaults come from the source collection plan; a TOML file overrides them.

Every rule the queue applies reads its numbers from here, so a company can tune them
without touching code, and `callqueue policy show` prints what is in force.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, get_type_hints

from callqueue.i18n import _, channel_label, code_words, join_clauses, join_list, pgettext

Window = tuple[dt.time, dt.time]  # [start, end): 10:00 ≤ t < 12:00


def _t(hours: int, minutes: int = 0) -> dt.time:
    return dt.time(hours, minutes)


@dataclass(frozen=True)
class ContactHours:
    """Windows in which each channel may be used (source plan: calls 10-12 and 15-18)."""

    call: tuple[Window, ...] = ((_t(10), _t(12)), (_t(15), _t(18)))
    visit: tuple[Window, ...] = ((_t(9), _t(12)), (_t(14), _t(20)))
    on_weekends: bool = True  # Saturdays and Sundays that are not statutory holidays
    on_holidays: bool = False  # statutory holidays (法定节假日)
    extra_days_off: tuple[dt.date, ...] = ()  # the company's own days off


@dataclass(frozen=True)
class ContactCaps:
    """How often a household may be approached."""

    call_attempts_per_day: int = 2
    visits_per_day: int = 1
    no_call_after_conversation_same_day: bool = True
    cooling_off_days: int = 3  # after a conversation, unless a callback or promise falls due


@dataclass(frozen=True)
class Escalation:
    """The ladder by days overdue (source plan; Civil Code art. 944 for the written demand)."""

    reminder_days_before_due: tuple[int, int] = (15, 20)  # SMS / notice, not a call
    phone_from_days: int = 1
    phone_until_days: int = 15
    visit_after_failed_calls: int = 3  # unanswered attempts on different days
    visit_after_days: int = 15
    written_demand_after_days: int = 30
    written_demand_deadline_days: int = 15  # the 合理期限 a written demand gives
    collection_letter_after_demand_days: int = 15  # after the demand's deadline passed
    lawyer_letter_after_collection_letter_days: int = 30
    litigation_after_lawyer_letter_days: int = 30


@dataclass(frozen=True)
class PromiseRules:
    """Promised payment dates: 3 to 5 days out in the source plan."""

    default_days: int = 3
    max_days: int = 5  # later only as an instalment plan with a reason
    grace_days: int = 1  # not paid by the date plus this: broken


@dataclass(frozen=True)
class LimitationRules:
    """诉讼时效: three years (Civil Code art. 188), restarted by evidence (art. 195)."""

    years: int = 3
    warn_days: int = 90  # a charge this close to its deadline puts the household on top


@dataclass(frozen=True)
class Policy:
    hours: ContactHours = field(default_factory=ContactHours)
    caps: ContactCaps = field(default_factory=ContactCaps)
    escalation: Escalation = field(default_factory=Escalation)
    promises: PromiseRules = field(default_factory=PromiseRules)
    limitation: LimitationRules = field(default_factory=LimitationRules)
    pause_on_dispute: bool = True  # an open dispute takes the household out of the queue


DEFAULT_POLICY = Policy()


# --- the policy file ----------------------------------------------------------------------

POLICY_ENV = "CALLQUEUE_POLICY"
POLICY_FILENAME = "policy.toml"
BUILT_IN = "built-in defaults"

EARLIEST_CONTACT = dt.time(8, 0)  # no contact before 08:00 ...
LATEST_CONTACT = dt.time(21, 0)  # ... nor after 21:00
STATUTORY_LIMITATION_YEARS = 3  # Civil Code art. 188


def _section_notes() -> dict[str, str]:
    """The comment above each section of `policy show`, in the current language."""
    return {
        "hours": _(
            'When owners may be contacted (CST); windows are half-open: "10:00-12:00" '
            "closes at 12:00."
        ),
        "caps": _("How often one household may be approached."),
        "escalation": _(
            "The escalation ladder, in days overdue: reminder, phone, visit, "
            "written demand, letters, lawsuit."
        ),
        "promises": _("Promised payment dates: how far out, and when a promise counts as broken."),
        "limitation": _(
            "The limitation period (诉讼时效, Civil Code art. 188) and how early to warn."
        ),
    }


def _top_level_notes() -> dict[str, str]:
    return {
        "pause_on_dispute": _(
            "An open dispute takes the household out of the queue until it is resolved."
        ),
    }


class PolicyError(ValueError):
    """A policy (file) that callqueue refuses: the message names the file, the key and the
    problem, on one line."""


def _sections() -> list[tuple[str, type[Any]]]:
    """Policy fields that are sections, in declaration order, with their dataclass."""
    hints = get_type_hints(Policy)
    return [(f.name, hints[f.name]) for f in fields(Policy) if is_dataclass(hints[f.name])]


def _top_level() -> list[str]:
    hints = get_type_hints(Policy)
    return [f.name for f in fields(Policy) if not is_dataclass(hints[f.name])]


def _user_policy_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path("callqueue", appauthor=False) / POLICY_FILENAME


def _resolve_path(path: Path | None) -> tuple[Path | None, str]:
    """The file in force and why: given, named by $CALLQUEUE_POLICY, or in the config dir."""
    if path is not None:
        return Path(path), "given"
    named = os.environ.get(POLICY_ENV, "").strip()
    if named:
        return Path(named).expanduser(), POLICY_ENV
    user = _user_policy_path()
    if user.is_file():
        return user, "config"
    return None, BUILT_IN


def policy_source(path: Path | None = None) -> str:
    """Which policy `load_policy(path)` would use: the file's path, or "built-in defaults"."""
    resolved, _ = _resolve_path(path)
    return BUILT_IN if resolved is None else str(resolved)


def load_policy(path: Path | None = None) -> Policy:
    """The policy in force: `path`, else $CALLQUEUE_POLICY, else policy.toml in the user
    config folder if it exists, else the built-in defaults. A file overrides only what it
    names. Raises PolicyError for anything wrong with the file, never anything else."""
    resolved, origin = _resolve_path(path)
    if resolved is None:
        return DEFAULT_POLICY
    data = _read_toml(resolved, origin)
    policy = _from_mapping(data, str(resolved))
    try:
        validate(policy)
    except PolicyError as error:
        raise PolicyError(_("{path}: {problems}").format(path=resolved, problems=error)) from None
    return policy


def _read_toml(path: Path, origin: str) -> dict[str, Any]:
    import tomllib

    named_by = (
        _(" (named by ${variable})").format(variable=POLICY_ENV) if origin == POLICY_ENV else ""
    )
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PolicyError(
            _("{path}: no such policy file{named_by}").format(path=path, named_by=named_by)
        ) from None
    except IsADirectoryError:
        raise PolicyError(
            _("{path}: is a folder, not a policy file{named_by}").format(
                path=path, named_by=named_by
            )
        ) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise PolicyError(
            _("{path}: cannot read the policy file{named_by}: {reason}").format(
                path=path, named_by=named_by, reason=reason
            )
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PolicyError(
            _("{path}: is not UTF-8 text; save the policy file as UTF-8").format(path=path)
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(
            _("{path}: is not valid TOML: {error}").format(path=path, error=error)
        ) from None


def _closest(name: str, known: Iterable[str], section: bool = False) -> str:
    import difflib

    match = difflib.get_close_matches(name, list(known), n=1)
    if not match:
        return ""
    if section:
        return _(" (did you mean [{name}]?)").format(name=match[0])
    return _(" (did you mean {name}?)").format(name=repr(match[0]))


def _from_mapping(data: dict[str, Any], source: str) -> Policy:
    problems: list[str] = []
    sections = dict(_sections())
    top_level = _top_level()
    hints = get_type_hints(Policy)
    changes: dict[str, Any] = {}
    for name, value in data.items():
        if name in sections:
            if not isinstance(value, dict):
                problems.append(
                    _("{name}: must be a section [{name}], not {value}").format(
                        name=name, value=_kind(value)
                    )
                )
                continue
            section = _section_from_mapping(name, sections[name], value, problems)
            if section is not None:
                changes[name] = section
        elif name in top_level:
            try:
                changes[name] = _convert(value, hints[name])
            except _Wrong as wrong:
                problems.append(_key_problem(name, wrong))
        elif isinstance(value, dict):
            known = join_list(f"[{s}]" for s in sections)
            problems.append(
                _("unknown section [{name}]{guess}; the sections are {known}").format(
                    name=name, guess=_closest(name, sections, section=True), known=known
                )
            )
        else:
            problems.append(
                _("unknown key {name}{guess}; top-level keys are {known}").format(
                    name=repr(name),
                    guess=_closest(name, [*top_level, *sections]),
                    known=join_list(top_level),
                )
            )
    if problems:
        raise PolicyError(
            _("{path}: {problems}").format(path=source, problems=join_clauses(problems))
        )
    return replace(DEFAULT_POLICY, **changes)


def _section_from_mapping(
    name: str, cls: type[Any], data: dict[str, Any], problems: list[str]
) -> Any:
    hints = get_type_hints(cls)
    known = [f.name for f in fields(cls)]
    changes: dict[str, Any] = {}
    count = len(problems)
    for key, value in data.items():
        if key not in hints:
            problems.append(
                _("[{section}] has no key {key}{guess}; its keys are {known}").format(
                    section=name, key=repr(key), guess=_closest(key, known), known=join_list(known)
                )
            )
            continue
        try:
            changes[key] = _convert(value, hints[key])
        except _Wrong as wrong:
            problems.append(_key_problem(f"{name}.{key}", wrong))
    if len(problems) > count:
        return None
    return replace(getattr(DEFAULT_POLICY, name), **changes)


class _Wrong(Exception):
    """A value of the wrong type or form (the message says what was expected)."""


def _key_problem(key: str, wrong: _Wrong) -> str:
    return pgettext("policy problem", "{key}: {problem}").format(key=key, problem=wrong)


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, int | float):
        return _("the number {value}").format(value=value)
    if isinstance(value, str):
        return _("the text {value}").format(value=repr(value))
    if isinstance(value, dt.datetime):
        return _("the date and time {value}").format(value=value.isoformat())
    if isinstance(value, dt.date):
        return _("the date {value}").format(value=value.isoformat())
    if isinstance(value, dt.time):
        return _("the time {value}").format(value=value.isoformat())
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a section")
    return type(value).__name__


_WINDOW_RE = re.compile(
    r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*[-–~]\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$"
)


def _time_of(hours: str, minutes: str, seconds: str | None, text: str) -> dt.time:
    try:
        return dt.time(int(hours), int(minutes), int(seconds or 0))
    except ValueError:
        raise _Wrong(
            _("{text} has a time that does not exist (use 00:00 to 23:59)").format(text=repr(text))
        ) from None


def _parse_window(value: object) -> Window:
    if not isinstance(value, str):
        raise _Wrong(
            _('windows are written as text like "10:00-12:00", not {value}').format(
                value=_kind(value)
            )
        )
    match = _WINDOW_RE.match(value)
    if match is None:
        raise _Wrong(
            _('cannot read the window {value}; write it like "10:00-12:00"').format(
                value=repr(value)
            )
        )
    start = _time_of(match[1], match[2], match[3], value)
    end = _time_of(match[4], match[5], match[6], value)
    return (start, end)


def _list(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise _Wrong(
            _("must be a list of {what}, not {value}").format(what=what, value=_kind(value))
        )
    return value


def _convert(value: object, hint: object) -> object:
    """A TOML value as the field's Python type, or _Wrong saying what was expected."""
    if hint is bool:
        if not isinstance(value, bool):
            raise _Wrong(_("must be true or false, not {value}").format(value=_kind(value)))
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Wrong(_("must be a whole number, not {value}").format(value=_kind(value)))
        return value
    if hint == tuple[Window, ...]:
        what = _('windows like "10:00-12:00"')
        windows = [_parse_window(item) for item in _list(value, what)]
        return tuple(sorted(windows))
    if hint == tuple[dt.date, ...]:
        days = _list(value, _("dates like 2026-12-31"))
        for item in days:
            if isinstance(item, dt.datetime) or not isinstance(item, dt.date):
                raise _Wrong(
                    _("must list dates like 2026-12-31 (no quotes), not {value}").format(
                        value=_kind(item)
                    )
                )
        return tuple(sorted(set(days)))
    if hint == tuple[int, int]:
        pair = _list(value, _("two whole numbers"))
        if len(pair) != 2 or any(isinstance(n, bool) or not isinstance(n, int) for n in pair):
            raise _Wrong(
                _("must be two whole numbers like [15, 20], not {value}").format(value=repr(pair))
            )
        return (pair[0], pair[1])
    raise TypeError(f"no TOML form for {hint!r}")  # a new field needs a form here


# --- validation -------------------------------------------------------------------------


def _hhmm(time: dt.time) -> str:
    return time.strftime("%H:%M:%S" if time.second else "%H:%M")


def format_window(window: Window) -> str:
    """`10:00-12:00`, the form the policy file uses."""
    return f"{_hhmm(window[0])}-{_hhmm(window[1])}"


def _window_problems(channel: str, windows: tuple[Window, ...]) -> list[str]:
    problems: list[str] = []
    for start, end in windows:
        text = format_window((start, end))
        if start >= end:
            problems.append(
                _(
                    "hours.{channel}: window {window} must end after it starts "
                    "(a window may not run past midnight)"
                ).format(channel=channel, window=text)
            )
        elif start < EARLIEST_CONTACT or end > LATEST_CONTACT:
            problems.append(
                _(
                    "hours.{channel}: {what} window {window} allows contact between 21:00 "
                    "and 08:00; owners must not be contacted that late or that early (keep "
                    "windows inside 08:00-21:00)"
                ).format(channel=channel, what=code_words(channel_label, channel), window=text)
            )
    ordered = sorted((start, end) for start, end in windows if start < end)
    for (start_a, end_a), (start_b, end_b) in itertools.pairwise(ordered):
        if start_b < end_a:
            problems.append(
                _(
                    "hours.{channel}: windows {first} and {second} overlap; merge them into one"
                ).format(
                    channel=channel,
                    first=format_window((start_a, end_a)),
                    second=format_window((start_b, end_b)),
                )
            )
    return problems


def _at_least(key: str, value: int, low: int, why: str = "") -> list[str]:
    if value < low:
        return [
            _("{key}: must be at least {low}, not {value}{why}").format(
                key=key, low=low, value=value, why=why
            )
        ]
    return []


def validate(policy: Policy) -> None:
    """Refuse a policy that breaks the law, the source plan or common sense (PolicyError,
    naming every problem). Unsorted windows are accepted; overlapping ones are not."""
    problems: list[str] = []
    hours, caps, esc = policy.hours, policy.caps, policy.escalation
    problems += _window_problems("call", hours.call)
    problems += _window_problems("visit", hours.visit)

    problems += _at_least("caps.call_attempts_per_day", caps.call_attempts_per_day, 1)
    problems += _at_least("caps.visits_per_day", caps.visits_per_day, 1)
    problems += _at_least("caps.cooling_off_days", caps.cooling_off_days, 0)

    low, high = esc.reminder_days_before_due
    if not 0 < low <= high:
        problems.append(
            _(
                "escalation.reminder_days_before_due: [{low}, {high}] must be two days before "
                "the due date, the first at least 1 and not more than the second (e.g. [15, 20])"
            ).format(low=low, high=high)
        )
    if esc.phone_from_days > esc.phone_until_days:
        problems.append(
            _(
                "escalation.phone_from_days: {start} is after phone_until_days {end}; "
                "phoning would never start"
            ).format(start=esc.phone_from_days, end=esc.phone_until_days)
        )
    for name in (
        "phone_from_days",
        "visit_after_days",
        "written_demand_after_days",
        "collection_letter_after_demand_days",
        "lawyer_letter_after_collection_letter_days",
        "litigation_after_lawyer_letter_days",
    ):
        problems += _at_least(f"escalation.{name}", getattr(esc, name), 0)
    problems += _at_least("escalation.visit_after_failed_calls", esc.visit_after_failed_calls, 1)
    problems += _at_least(
        "escalation.written_demand_deadline_days",
        esc.written_demand_deadline_days,
        1,
        _(" (a written demand must give the owner time to pay)"),
    )

    promises = policy.promises
    if not 1 <= promises.default_days <= promises.max_days:
        problems.append(
            _(
                "promises.default_days: {days} must be at least 1 and not more than "
                "max_days ({max_days})"
            ).format(days=promises.default_days, max_days=promises.max_days)
        )
    problems += _at_least("promises.grace_days", promises.grace_days, 0)

    limitation = policy.limitation
    if limitation.years != STATUTORY_LIMITATION_YEARS:
        problems.append(
            _(
                "limitation.years: {years} is not the law: the limitation period is "
                "{statutory} years (Civil Code art. 188)"
            ).format(years=limitation.years, statutory=STATUTORY_LIMITATION_YEARS)
        )
    if not 1 <= limitation.warn_days <= 365:
        problems.append(
            _("limitation.warn_days: {days} must be between 1 and 365 days").format(
                days=limitation.warn_days
            )
        )
    if problems:
        raise PolicyError(join_clauses(problems))


# --- describing -------------------------------------------------------------------------


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple):
        items: list[str] = []
        for item in value:
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], dt.time):
                items.append(f'"{format_window(item)}"')
            elif isinstance(item, dt.date):
                items.append(item.isoformat())
            else:
                items.append(_toml_value(item))
        return "[" + ", ".join(items) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def describe(policy: Policy) -> str:
    """The policy as TOML, in the layout `load_policy` reads, a comment above each section.
    Loading the text gives back an equal policy (windows and days off sorted)."""
    lines = [
        "# " + _("callqueue collection policy. Times are China Standard Time."),
        "",
    ]
    top_notes, section_notes = _top_level_notes(), _section_notes()
    for name in _top_level():
        lines.append(f"# {top_notes.get(name, name)}")
        lines.append(f"{name} = {_toml_value(getattr(policy, name))}")
    for name, cls in _sections():
        section = getattr(policy, name)
        lines += ["", f"# {section_notes.get(name, name)}", f"[{name}]"]
        for f in fields(cls):
            lines.append(f"{f.name} = {_toml_value(getattr(section, f.name))}")
    return "\n".join(lines) + "\n"
