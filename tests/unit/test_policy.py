"""The policy file: loading, refusing, describing; `callqueue policy show` and `check`."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from callqueue.cli import main
from callqueue.policy import (
    DEFAULT_POLICY,
    ContactHours,
    LimitationRules,
    Policy,
    PolicyError,
    PromiseRules,
    describe,
    load_policy,
    policy_source,
    validate,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "policy-example.toml"


@pytest.fixture(autouse=True)
def no_user_policy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No $CALLQUEUE_POLICY and an empty config folder, whatever the machine has."""
    monkeypatch.delenv("CALLQUEUE_POLICY", raising=False)
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return config / "callqueue" / "policy.toml"


def write(tmp_path: Path, text: str, name: str = "policy.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


# --- where the policy comes from ----------------------------------------------------------


def test_no_file_means_the_built_in_defaults() -> None:
    assert load_policy() == DEFAULT_POLICY
    assert policy_source() == "built-in defaults"


def test_the_config_folder_file_is_used_when_it_exists(no_user_policy: Path) -> None:
    no_user_policy.parent.mkdir(parents=True)
    no_user_policy.write_text("pause_on_dispute = false\n", encoding="utf-8")
    assert policy_source() == str(no_user_policy)
    assert load_policy().pause_on_dispute is False


def test_the_environment_wins_over_the_config_folder(
    no_user_policy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_user_policy.parent.mkdir(parents=True)
    no_user_policy.write_text("pause_on_dispute = false\n", encoding="utf-8")
    named = write(tmp_path, "[caps]\nvisits_per_day = 2\n", "env.toml")
    monkeypatch.setenv("CALLQUEUE_POLICY", str(named))
    assert policy_source() == str(named)
    policy = load_policy()
    assert policy.caps.visits_per_day == 2 and policy.pause_on_dispute is True


def test_a_given_path_wins_over_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLQUEUE_POLICY", str(tmp_path / "missing.toml"))
    given = write(tmp_path, "[promises]\ndefault_days = 4\n")
    assert policy_source(given) == str(given)
    assert load_policy(given).promises.default_days == 4


def test_a_missing_named_file_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLQUEUE_POLICY", str(tmp_path / "missing.toml"))
    with pytest.raises(PolicyError, match=r"missing\.toml: no such policy file.*CALLQUEUE_POLICY"):
        load_policy()


# --- reading ----------------------------------------------------------------------------------


def test_the_example_file_is_the_defaults_written_out() -> None:
    assert load_policy(EXAMPLE) == DEFAULT_POLICY


@pytest.mark.parametrize(
    "policy",
    [
        DEFAULT_POLICY,
        Policy(
            hours=ContactHours(
                call=((t("09:30"), t("11:45")), (t("14:00"), t("20:59:30"))),
                visit=(),
                on_weekends=False,
                on_holidays=True,
                extra_days_off=(dt.date(2026, 12, 31), dt.date(2027, 1, 4)),
            ),
            promises=PromiseRules(default_days=5, max_days=10, grace_days=0),
            limitation=LimitationRules(warn_days=365),
            pause_on_dispute=False,
        ),
    ],
    ids=["defaults", "custom"],
)
def test_describe_round_trips(tmp_path: Path, policy: Policy) -> None:
    text = describe(policy)
    assert load_policy(write(tmp_path, text)) == policy


def test_describe_comments_every_section() -> None:
    lines = describe(DEFAULT_POLICY).splitlines()
    for section in ("[hours]", "[caps]", "[escalation]", "[promises]", "[limitation]"):
        at = lines.index(section)
        assert lines[at - 1].startswith("# ")
    assert 'call = ["10:00-12:00", "15:00-18:00"]' in lines


def test_a_partial_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[hours]\ncall = ["15:00-18:00", "10:00-11:30"]\nextra_days_off = [2026-12-31]\n'
        "[escalation]\nreminder_days_before_due = [10, 14]\n",
    )
    policy = load_policy(path)
    assert policy.hours.call == ((t("10:00"), t("11:30")), (t("15:00"), t("18:00")))  # sorted
    assert policy.hours.extra_days_off == (dt.date(2026, 12, 31),)
    assert policy.hours.visit == DEFAULT_POLICY.hours.visit
    assert policy.escalation.reminder_days_before_due == (10, 14)
    assert policy.escalation.phone_until_days == 15
    assert replace(policy, hours=DEFAULT_POLICY.hours, escalation=DEFAULT_POLICY.escalation) == (
        DEFAULT_POLICY
    )


# --- refusals ----------------------------------------------------------------------------------

LATE_OR_EARLY = "allows contact between 21:00 and 08:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[hours]\ncall = ["07:30-09:00"]', f"hours.call: call window 07:30-09:00 {LATE_OR_EARLY}"),
        (
            '[hours]\nvisit = ["20:00-21:30"]',
            f"hours.visit: visit window 20:00-21:30 {LATE_OR_EARLY}",
        ),
        ('[hours]\nvisit = ["19:00-22:00"]', "visit window 19:00-22:00 " + LATE_OR_EARLY),
        ('[hours]\ncall = ["12:00-10:00"]', "window 12:00-10:00 must end after it starts"),
        ('[hours]\ncall = ["10:00-10:00"]', "window 10:00-10:00 must end after it starts"),
        (
            '[hours]\ncall = ["10:00-12:00", "11:00-13:00"]',
            "windows 10:00-12:00 and 11:00-13:00 overlap",
        ),
        ('[hours]\ncall = ["10-12"]', "cannot read the window '10-12'"),
        ('[hours]\ncall = ["10:00-25:00"]', "does not exist"),
        ('[hours]\ncall = "10:00-12:00"', "hours.call: must be a list"),
        ("[hours]\ncall = [10:00:00]", 'written as text like "10:00-12:00"'),
        ("[hours]\non_weekend = false", "no key 'on_weekend' (did you mean 'on_weekends'?)"),
        ('[hours]\non_weekends = "no"', "hours.on_weekends: must be true or false"),
        ('[hours]\nextra_days_off = ["2026-12-31"]', "hours.extra_days_off: must list dates"),
        ("[hours]\nextra_days_off = [2026-12-31T08:00:00]", "must list dates"),
        ("[hour]\non_weekends = true", "unknown section [hour] (did you mean [hours]?)"),
        ("pause_on_disputes = true", "unknown key 'pause_on_disputes'"),
        ("hours = 1", "hours: must be a section [hours]"),
        ("[caps]\ncall_attempts_per_day = 0", "caps.call_attempts_per_day: must be at least 1"),
        ("[caps]\nvisits_per_day = 0", "caps.visits_per_day: must be at least 1"),
        ("[caps]\ncooling_off_days = -1", "caps.cooling_off_days: must be at least 0"),
        ("[caps]\nvisits_per_day = 1.5", "must be a whole number, not the number 1.5"),
        ("[caps]\nvisits_per_day = true", "must be a whole number"),
        ("[promises]\ndefault_days = 0", "promises.default_days: 0 must be at least 1"),
        ("[promises]\ndefault_days = 6", "not more than max_days (5)"),
        ("[promises]\ngrace_days = -1", "promises.grace_days: must be at least 0"),
        ("[escalation]\nreminder_days_before_due = [0, 20]", "reminder_days_before_due"),
        ("[escalation]\nreminder_days_before_due = [20, 15]", "reminder_days_before_due"),
        ("[escalation]\nreminder_days_before_due = [15]", "two whole numbers"),
        ("[escalation]\nphone_from_days = 16", "phone_from_days: 16 is after phone_until_days"),
        ("[escalation]\nwritten_demand_deadline_days = 0", "must give the owner time to pay"),
        ("[limitation]\nyears = 2", "limitation.years: 2 is not the law"),
        ("[limitation]\nyears = 2", "Civil Code art. 188"),
        ("[limitation]\nwarn_days = 0", "limitation.warn_days: 0 must be between 1 and 365"),
        ("[limitation]\nwarn_days = 366", "between 1 and 365"),
        ("[caps\n", "is not valid TOML"),
    ],
)
def test_refusals_name_the_file_the_key_and_the_problem(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text + "\n")
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message


def test_every_problem_is_named_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, "[caps]\nvisits_per_day = 0\ncall_attempts_per_day = 0\n")
    with pytest.raises(PolicyError, match=r"call_attempts_per_day.*; caps\.visits_per_day"):
        load_policy(path)


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gbk.toml"
    path.write_bytes("# 物业费\n".encode("gbk"))
    with pytest.raises(PolicyError, match="not UTF-8"):
        load_policy(path)


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes("pause_on_dispute = false\n".encode("utf-8-sig"))
    assert load_policy(path).pause_on_dispute is False


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (
            Policy(hours=ContactHours(visit=((t("19:00"), t("22:00")),))),
            "visit window 19:00-22:00 " + LATE_OR_EARLY,
        ),
        (Policy(hours=ContactHours(call=((t("07:59"), t("09:00")),))), LATE_OR_EARLY),
        (Policy(limitation=LimitationRules(years=5)), "Civil Code art. 188"),
    ],
)
def test_validate_refuses_a_policy_built_in_code(policy: Policy, expected: str) -> None:
    with pytest.raises(PolicyError, match=expected):
        validate(policy)


@pytest.mark.parametrize(
    "hours",
    [
        ContactHours(call=((t("15:00"), t("18:00")), (t("10:00"), t("12:00")))),  # unsorted
        ContactHours(call=((t("08:00"), t("12:00")), (t("12:00"), t("21:00")))),  # the limits
        ContactHours(call=()),
    ],
)
def test_validate_accepts(hours: ContactHours) -> None:
    validate(Policy(hours=hours))
    validate(DEFAULT_POLICY)


# --- the command line ------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_show_prints_the_source_the_policy_and_the_day(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "policy", "show", "--at", "2026-10-01T10:30")
    assert code == 0, err
    assert "# policy in force: built-in defaults" in out
    assert "2026-10-01 is a statutory holiday (National Day)" in out
    assert (
        "calls closed: no calls on statutory holidays (National Day); next window Thu 10-08" in out
    )
    assert "visits closed:" in out
    assert "warning" not in out
    assert describe(DEFAULT_POLICY) in out
    assert load_policy(write(tmp_path, out, "shown.toml")) == DEFAULT_POLICY  # output is TOML


def test_show_on_a_workday_and_beyond_the_calendar(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "policy", "show", "--at", "2027-05-01T11:00")
    assert code == 0
    assert "calls open: calls are open until 12:00" in out
    assert "warning: the holiday calendar ends with 2026; for 2027-05-01 only weekends" in out


def test_show_with_a_policy_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path, "[hours]\non_weekends = false\n")
    code, out, _ = run(capsys, "policy", "show", "--policy", str(path), "--at", "2026-11-29T11:00")
    assert code == 0
    assert f"# policy in force: {path}" in out
    assert "2026-11-29 is a Sunday" in out
    assert "no calls on Sundays by company policy; next window Mon 11-30 10:00" in out
    assert "on_weekends = false" in out


def test_check_accepts_a_good_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "policy", "check", "--policy", str(EXAMPLE))
    assert code == 0
    assert out.startswith("policy OK")


def test_check_without_a_file_checks_the_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "policy", "check")
    assert (code, out) == (0, "policy OK: built-in defaults\n")


@pytest.mark.parametrize("action", ["show", "check"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[hours]\nvisit = ["19:00-22:00"]\n', "visit window 19:00-22:00 " + LATE_OR_EARLY),
        ("[limitation]\nyears = 2\n", "Civil Code art. 188"),
        ("[hours\n", "is not valid TOML"),
        (None, "no such policy file"),
    ],
)
def test_a_bad_file_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, action: str, text: str | None, expected: str
) -> None:
    path = write(tmp_path, text) if text is not None else tmp_path / "missing.toml"
    code, out, err = run(capsys, "policy", action, "--policy", str(path))
    assert code == 1
    assert out == ""
    assert err.startswith(f"callqueue: {path}: ") and expected in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_a_bad_file_named_by_the_environment_is_refused_too(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALLQUEUE_POLICY", str(write(tmp_path, "[caps]\nvisit_per_day = 1\n")))
    code, _, err = run(capsys, "policy", "check")
    assert code == 1
    assert "no key 'visit_per_day' (did you mean 'visits_per_day'?)" in err
