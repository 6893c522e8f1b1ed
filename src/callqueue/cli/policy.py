"""`callqueue policy`: the collection policy in force (show), or check a policy file."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from callqueue.cli.common import (
    Commands,
    calendar_warning_text,
    day_text,
    policy_for,
)
from callqueue.i18n import SOURCE_LANGUAGE, _, current_language, window_text

if TYPE_CHECKING:
    import datetime as dt

    from callqueue.policy import Policy


def register(commands: Commands) -> None:
    policy = commands.add(
        "policy",
        cmd_policy,
        "the collection policy: show what is in force, or check a policy file",
    )
    policy.add_argument(
        "action",
        choices=["show", "check"],
        help="show: the policy in force as TOML, and whether calls and visits are open at "
        "--at; check: validate the policy file",
    )


def cmd_policy(args: argparse.Namespace) -> int:
    from callqueue.policy import BUILT_IN, describe, policy_source

    source = policy_source(args.policy)
    if source == BUILT_IN:
        source = _("built-in defaults")
    policy = policy_for(args)
    if args.action == "check":
        print(_("policy OK: {source}").format(source=source))
        return 0
    # Status lines are TOML comments, so `callqueue policy show > policy.toml` gives a
    # file callqueue reads back.
    print("# " + _("policy in force: {source}").format(source=source))
    for line in status_lines(args.moment, policy):
        print(f"# {line}")
    print()
    print(describe(policy), end="")
    return 0


def status_lines(moment: dt.datetime, policy: Policy) -> list[str]:
    """What the policy means at `moment`: the kind of day, calls and visits, warnings."""
    from callqueue.windows import CHANNELS, window_state

    day = moment.date()
    english = current_language() == SOURCE_LANGUAGE
    lines = [
        _("at {moment} (CST): {day} is {kind}").format(
            moment=f"{moment:%Y-%m-%d %H:%M}",
            day=day.isoformat(),
            kind=day_text(day, policy.hours.extra_days_off),
        )
    ]
    for channel in CHANNELS:
        state = window_state(channel, moment, policy)
        reason = state.reason if english else window_text(state)
        if channel == "call":
            template = _("calls open: {reason}") if state.open_now else _("calls closed: {reason}")
        elif channel == "visit":
            template = (
                _("visits open: {reason}") if state.open_now else _("visits closed: {reason}")
            )
        else:
            template = f"{channel}s {'open' if state.open_now else 'closed'}: {{reason}}"
        lines.append(template.format(reason=reason))
    warning = calendar_warning_text(day)
    if warning:
        lines.append(_("warning: {warning}").format(warning=warning))
    return lines
