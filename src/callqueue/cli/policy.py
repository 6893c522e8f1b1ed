"""`callqueue policy`: the collection policy in force (show), or check a policy file."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from callqueue.cli.common import Commands, add_policy_option, policy_for

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
    add_policy_option(policy)


def cmd_policy(args: argparse.Namespace) -> int:
    from callqueue.policy import describe, policy_source

    source = policy_source(args.policy)
    policy = policy_for(args)
    if args.action == "check":
        print(f"policy OK: {source}")
        return 0
    # Status lines are TOML comments, so `callqueue policy show > policy.toml` gives a
    # file callqueue reads back.
    print(f"# policy in force: {source}")
    for line in status_lines(args.moment, policy):
        print(f"# {line}")
    print()
    print(describe(policy), end="")
    return 0


def status_lines(moment: dt.datetime, policy: Policy) -> list[str]:
    """What the policy means at `moment`: the kind of day, calls and visits, warnings."""
    from callqueue.windows import CHANNELS, window_state
    from callqueue.workdays import calendar_warning, describe_day

    day = moment.date()
    lines = [
        f"at {moment:%Y-%m-%d %H:%M} (CST): {day.isoformat()} is "
        f"{describe_day(day, policy.hours.extra_days_off)}"
    ]
    for channel in CHANNELS:
        state = window_state(channel, moment, policy)
        lines.append(f"{channel}s {'open' if state.open_now else 'closed'}: {state.reason}")
    warning = calendar_warning(day)
    if warning:
        lines.append(f"warning: {warning}")
    return lines
