"""What every command shares: the common options, the store, errors users can fix."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy.orm import Session

    from callqueue.access import Access, Need
    from callqueue.policy import Policy
    from callqueue.store.database import Store

Handler = Callable[[argparse.Namespace], int]


# Exit statuses: what a script (or a person reading $?) can tell apart.
EXIT_BAD_INPUT = 1  # the user's input: fix it and run again
EXIT_ENVIRONMENT = 3  # the machine: permissions, a read-only database, a full disk, a damaged file
EXIT_BUG = 70  # a bug in callqueue (EX_SOFTWARE): logged, "not your fault"


class UserError(Exception):
    """A mistake the user can fix; printed as one line, without a traceback (exit 1)."""


class EnvironmentProblem(Exception):
    """The machine, not the input: a file or database that cannot be read or written, a full
    disk. Printed as one line naming what and what to do (exit 3)."""


def add_common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """The global options, meaning the same before or after the command name: `--db`,
    `--at`, `--lang`, `--as` and `--policy`. After the command they are SUPPRESSed unless
    given, so a subcommand never overrides with its default what came before it."""
    from callqueue.i18n import LANGUAGES

    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--as",
        dest="staff",
        metavar="STAFF",
        default=default,
        help="act as this staff code: for the demo and a single-user database; on a shared "
        "database you are who your sign-in or operating-system account says",
    )
    parser.add_argument(
        "--policy",
        metavar="FILE",
        type=Path,
        default=default,
        help="a policy TOML file (default: $CALLQUEUE_POLICY, else policy.toml in your "
        "config folder, else the built-in defaults)",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        default=default,
        help="database: a SQLite file path, sqlite:///…, or postgresql+psycopg://… "
        "(default: $CALLQUEUE_DB, else callqueue.db in your data folder)",
    )
    parser.add_argument(
        "--at",
        metavar="DATETIME",
        default=default,
        help="run as if it were this moment, China Standard Time (e.g. 2026-11-27T10:30)",
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=default,
        help="language: zh_CN or en (default: from LANGUAGE, LC_ALL, LC_MESSAGES or LANG; "
        "zh… means zh_CN, anything else en)",
    )


class Commands:
    """Adds subcommands that all take the common options."""

    def __init__(self, subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        self.subparsers = subparsers

    def add(self, name: str, handler: Handler, help_: str) -> argparse.ArgumentParser:
        sub = self.subparsers.add_parser(name, help=help_, description=help_)
        add_common(sub, top=False)
        sub.set_defaults(handler=handler)
        return sub


def resolve_moment(text: str | None) -> dt.datetime:
    """The moment every command runs at: `--at`, else now (CST). Checked for every command."""
    from callqueue.clock import FIRST_YEAR, LAST_YEAR, OutOfRange
    from callqueue.clock import resolve_moment as resolve
    from callqueue.i18n import _

    try:
        return resolve(text)
    except OutOfRange:
        raise UserError(
            _(
                "--at {text} is outside the years {first}-{last}; give the moment the work "
                "was done, e.g. 2026-11-27T10:30 (China Standard Time)"
            ).format(text=text, first=FIRST_YEAR, last=LAST_YEAR)
        ) from None
    except ValueError:
        raise UserError(
            _(
                "cannot read the time {text}; use e.g. 2026-11-27T10:30 (China Standard Time)"
            ).format(text=repr(text))
        ) from None


def open_store_for(args: argparse.Namespace) -> Store:
    from callqueue.store.database import open_store

    return open_store(getattr(args, "db", None))


def signed_in(
    args: argparse.Namespace, store: Store, session: Session, need: Need | None = None
) -> Access:
    """Who runs this command and what they may see: the one access rule
    (`access.command_access`), before any data is read or written. Refused: `UserError`."""
    from callqueue.access import Need, NotAllowed, command_access

    try:
        return command_access(store, session, getattr(args, "staff", None), need or Need.SIGNED_IN)
    except NotAllowed as refused:
        raise UserError(str(refused)) from None


def fee_label(fee_type: str) -> str:
    """`物业费 property fee` in English (the Chinese is what billing exports say); in any
    other language the fee type in that language's words (物业费)."""
    from callqueue.i18n import SOURCE_LANGUAGE, current_language
    from callqueue.i18n import fee_label as fee_words
    from callqueue.ledger.values import FEE_TYPE_LABELS_EN, FEE_TYPE_LABELS_ZH

    if current_language() != SOURCE_LANGUAGE:
        return fee_words(fee_type)
    return f"{FEE_TYPE_LABELS_ZH.get(fee_type, fee_type)} {FEE_TYPE_LABELS_EN.get(fee_type, '')}"


def err(message: str) -> None:
    print(message, file=sys.stderr)


def console(stderr: bool = False) -> Console:
    """A rich console for status lines and progress bars (imported only when used)."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def policy_for(args: argparse.Namespace) -> Policy:
    """The policy in force for this command; a bad file is the user's to fix."""
    from callqueue.policy import PolicyError, load_policy

    try:
        return load_policy(getattr(args, "policy", None))
    except PolicyError as error:
        raise UserError(str(error)) from None


def day_text(day: dt.date, extra_days_off: tuple[dt.date, ...] = ()) -> str:
    """The kind of day in words: `workdays.describe_day` in English ("a Sunday"), the same
    in any other language (星期日)."""
    from callqueue.i18n import (
        CTX_WEEKDAY,
        SOURCE_LANGUAGE,
        WEEKDAYS_EN,
        _,
        current_language,
        holiday_label,
        pgettext,
    )
    from callqueue.workdays import DayKind, day_kind, describe_day

    english = describe_day(day, extra_days_off)
    if current_language() == SOURCE_LANGUAGE:
        return english
    kind = day_kind(day, extra_days_off)
    if kind is DayKind.COMPANY_DAY_OFF:
        return _("a company day off")
    if kind is DayKind.HOLIDAY:
        name = english.removeprefix("a statutory holiday (").removesuffix(")")
        return _("a statutory holiday ({holiday})").format(holiday=holiday_label(name))
    if kind is DayKind.MAKEUP_WORKDAY:
        _before, found, name = english.partition(" for ")
        if found:
            return _("a make-up workday for {holiday}").format(holiday=holiday_label(name))
        return _("a make-up workday")
    if kind is DayKind.WEEKEND:  # 周六, 周日: the weekday names the window sentences use
        return pgettext(CTX_WEEKDAY, WEEKDAYS_EN[day.weekday()])
    return _("a workday")


def calendar_warning_text(day: dt.date) -> str | None:
    """`workdays.calendar_warning` in the current language: the holiday data ends."""
    from callqueue.i18n import SOURCE_LANGUAGE, _, current_language
    from callqueue.workdays import calendar_warning, calendar_years

    warning = calendar_warning(day)
    if warning is None or current_language() == SOURCE_LANGUAGE:
        return warning
    first, last = calendar_years()
    if day.year > last:
        return _(
            "the holiday calendar ends with {year}; for {day} only weekends are known, "
            "statutory holidays are not (update the chinesecalendar package)"
        ).format(year=last, day=day.isoformat())
    return _(
        "the holiday calendar starts with {year}; for {day} only weekends are known, "
        "statutory holidays are not (update the chinesecalendar package)"
    ).format(year=first, day=day.isoformat())
