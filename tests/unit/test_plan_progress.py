"""The plan and progress rules without a database: splitting, rates, plan files, pacing,
statuses and the forecast's weights."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callqueue.plan.files import plan_from_csv, plan_from_toml, read_plan_file
from callqueue.plan.rates import derive_rates, rate_percent
from callqueue.plan.resolve import resolve
from callqueue.plan.spec import PlanInvalid
from callqueue.plan.split import split_largest_remainder
from callqueue.progress.calendar import month_pace
from callqueue.progress.data import HouseholdData, PromiseRow
from callqueue.progress.figures import expected_by, fee_progress
from callqueue.progress.forecast import expected_from_promise, keeping_weight, project_prior
from callqueue.progress.statuses import Status, status_of
from tests.conftest import DATA

# --- the split ------------------------------------------------------------------------------


@given(
    st.integers(min_value=0, max_value=10**12),
    st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 10**10), min_size=1),
)
def test_split_sums_exactly_and_is_within_a_fen_of_proportional(
    total: int, weights: dict[str, int]
) -> None:
    shares = split_largest_remainder(total, weights)
    assert sum(shares.values()) == total
    assert shares.keys() == weights.keys()
    whole = sum(weights.values())
    for key, share in shares.items():
        exact = Fraction(total * weights[key], whole) if whole else Fraction(total, len(weights))
        assert exact - 1 < share < exact + 1


def test_split_ties_go_to_the_building_that_sorts_first() -> None:
    assert split_largest_remainder(1, {"7": 1, "6": 1, "10": 1}) == {"6": 0, "7": 0, "10": 0} | {
        "10": 1
    }  # plain sort: "10" < "6"
    from callqueue.household_key import building_order

    assert split_largest_remainder(1, {"7": 1, "6": 1, "10": 1}, order=building_order)["6"] == 1
    assert split_largest_remainder(0, {"6": 0}) == {"6": 0}
    with pytest.raises(ValueError):
        split_largest_remainder(-1, {"6": 1})


# --- rates ----------------------------------------------------------------------------------


def test_source_plan_rates_are_derived_and_its_slip_flagged() -> None:
    spec = read_plan_file(DATA / "plan-source.toml")
    plan = resolve(spec, [], {})
    electricity = plan.project_rates("electricity")
    assert [r.rate for r in electricity] == [Decimal("22.92"), Decimal("52.39"), Decimal("91.68")]
    assert [r.disagrees for r in electricity] == [False, True, True]
    assert electricity[1].typed_rate == Decimal("58.93")
    assert electricity[1].difference == Decimal("6.54")
    assert electricity[1].line is not None
    prop = plan.project_rates("property")
    assert [r.rate for r in prop] == [Decimal("15.65"), Decimal("43.83"), Decimal("90.80")]
    assert [(b, f, r.month) for b, f, r in plan.slips()] == [
        (None, "electricity", "2018-09"),
        (None, "electricity", "2018-10"),
        (None, "property", "2018-10"),
    ]


@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=6), st.integers(1, 10**11))
def test_derived_rate_is_cumulative_over_baseline_half_up(amounts: list[int], base: int) -> None:
    months = [(f"2026-{i + 1:02d}", Decimal(a) / 100, None, None) for i, a in enumerate(amounts)]
    rows = derive_rates(months, Decimal(base) / 100)
    running = 0
    for row, amount in zip(rows, amounts, strict=True):
        running += amount
        exact = Fraction(running * 100, base)
        assert row.cumulative == Decimal(running) / 100
        assert row.rate is not None and abs(Fraction(row.rate) - exact) <= Fraction(1, 200)
        assert not row.disagrees
    assert rate_percent(1, 0) is None


# --- plan files -----------------------------------------------------------------------------


def test_csv_plan_with_chinese_headers_in_gbk(tmp_path: Path) -> None:
    text = (
        "月份,收费项目,计划金额,累计比例,楼栋\n"
        '2026年10月,电费,"12,000.00",22.92%,6栋\n'
        "2026-11,物业费,8000元,,6\n"
    )
    path = tmp_path / "plan.csv"
    path.write_bytes(text.encode("gbk"))
    spec = read_plan_file(path)
    assert spec.start_month == "2026-10"
    assert spec.name == "plan"
    assert [
        (t.month, t.fee_type, t.amount, t.typed_rate, t.building, t.line) for t in spec.targets
    ] == [
        ("2026-10", "electricity", Decimal("12000.00"), Decimal("22.92"), "6", 2),
        ("2026-11", "property", Decimal("8000.00"), None, "6", 3),
    ]


def test_every_bad_line_is_named() -> None:
    text = (
        "month,fee_type,amount,typed_cumulative_rate\n"
        "2026-13,electricity,100,\n"
        "2026-10,gold,100.001,\n"
        "2026-10,electricity,100,120\n"
        "2026-10,electricity,100,\n"
        "2026-10,electricity,50,\n"
    )
    with pytest.raises(PlanInvalid) as caught:
        plan_from_csv(text)
    problems = [str(p) for p in caught.value.problems]
    assert problems[0].startswith("line 2: period '2026-13' has month 13")
    assert problems[1].startswith("line 3: fee type 'gold' is not known")
    assert "more than 2 decimal places" in problems[1]
    assert problems[2].startswith("line 4: rate '120' is more than 100%")
    assert problems[3].startswith("line 6: a second target for electricity 2026-10")
    assert "line 5" in problems[3]


def test_toml_problems_name_the_target_and_line() -> None:
    text = (
        'name = "x"\nstart_month = "2026-10"\n\n[arrears_at_start]\nelectricity = "100.00"\n\n'
        '[[target]]\nmonth = "2026-09"\nfee_type = "electricity"\namount = "10"\n\n'
        '[[target]]\nmonth = "2026-10"\nfee_type = "电费"\namount = 58.93\nbuilding = "6"\n'
    )
    with pytest.raises(PlanInvalid) as caught:
        plan_from_toml(text)
    problems = [str(p) for p in caught.value.problems]
    assert any("line 7" in p and "before the plan starts" in p for p in problems)
    assert any("per building and for the whole project" in p for p in problems)
    good = plan_from_toml(text.replace('"2026-09"', '"2026-11"').replace('building = "6"\n', ""))
    assert good.targets[1].amount == Decimal("58.93")  # a TOML float is read as typed


# --- pacing and figures ---------------------------------------------------------------------


def test_november_2026_has_21_working_days() -> None:
    pace = month_pace("2026-11", dt.date(2026, 11, 27))
    assert (pace.total, pace.elapsed, pace.remaining) == (21, 19, 2)
    assert month_pace("2026-11", dt.date(2026, 12, 1)).remaining == 0
    october = month_pace("2026-10", dt.date(2026, 10, 1))  # National Day week, make-up days
    assert october.total == 18 and october.working_days[:3] == (
        dt.date(2026, 10, 8),
        dt.date(2026, 10, 9),
        dt.date(2026, 10, 10),  # 10-10: a Saturday
    )


def test_fee_progress_arithmetic_in_fen() -> None:
    pace = month_pace("2026-11", dt.date(2026, 11, 27))
    fee = fee_progress(
        "6", "electricity", baseline=15_270_000, collected=6_000_000,
        month_target=4_500_000, prev_cumulative=3_500_000, pace=pace,
        promised=100_000, expected=60_000,
    )  # fmt: skip
    assert expected_by(3_500_000, 4_500_000, 19, 21) == 3_500_000 + round(4_500_000 * 19 / 21)
    assert fee.cumulative_target == Decimal("80000.00")
    assert fee.expected_by_now == Decimal("75714.29")
    assert fee.gap == Decimal("-15714.29") and not fee.on_track
    assert fee.behind_by == Decimal("15714.29")
    assert fee.to_go == Decimal("20000.00")
    assert fee.per_working_day == Decimal("10000.00")
    assert fee.rate == Decimal("39.29") and fee.target_rate == Decimal("52.39")
    assert fee.forecast == Decimal("60600.00")
    assert fee.forecast_short == Decimal("19400.00")


# --- statuses and the forecast --------------------------------------------------------------

START = dt.datetime(2026, 10, 1)
NOW = dt.datetime(2026, 11, 27, 10, 30)


def household(**kw: object) -> HouseholdData:
    record = HouseholdData(1, "6-1-101", "6", start={"electricity": 100_00, "property": 300_00})
    for name, value in kw.items():
        setattr(record, name, value)
    return record


def promise(made: dt.datetime, day: dt.date, status: str, settled: dt.datetime | None = None,
            amount: int | None = None) -> PromiseRow:  # fmt: skip
    return PromiseRow(1, made, day, status, settled, amount)


def test_status_precedence() -> None:
    call = {"attempts": 1}
    refused = {"attempts": 2, "last_conversation": "refused"}
    assert status_of(household(), NOW, START, 1) is Status.NOT_CONTACTED
    assert status_of(household(**call), NOW, START, 1) is Status.UNREACHABLE
    assert status_of(household(**refused), NOW, START, 1) is Status.REFUSED
    reached = household(attempts=3, last_conversation="callback")
    assert status_of(reached, NOW, START, 1) is Status.REACHED
    broken = promise(
        dt.datetime(2026, 11, 4), dt.date(2026, 11, 7), "broken", dt.datetime(2026, 11, 9)
    )
    assert status_of(household(**refused, promises=[broken]), NOW, START, 1) is (
        Status.PROMISE_BROKEN
    )
    lapsed = promise(dt.datetime(2026, 11, 20), dt.date(2026, 11, 24), "open")
    assert status_of(household(promises=[lapsed]), NOW, START, 1) is Status.PROMISE_BROKEN
    pending = promise(dt.datetime(2026, 11, 25), dt.date(2026, 11, 28), "open")
    assert status_of(household(promises=[broken, pending]), NOW, START, 1) is Status.PROMISED
    # kept after the moment: it was still open then
    later = promise(dt.datetime(2026, 11, 25), dt.date(2026, 11, 28), "kept", NOW + dt.timedelta(1))
    assert status_of(household(promises=[later]), NOW, START, 1) is Status.PROMISED
    disputed = household(promises=[pending], disputed_since=dt.datetime(2026, 11, 1))
    assert status_of(disputed, NOW, START, 1) is Status.DISPUTED
    paid = household(collected={"electricity": 100_00, "property": 300_00}, disputed_since=NOW)
    assert status_of(paid, NOW, START, 1) is Status.PAID
    assert status_of(HouseholdData(2, "6-1-102", "6"), NOW, START, 1) is Status.CLEAR


def test_forecast_weights_by_record_with_the_project_prior() -> None:
    prior = Fraction(3, 4)
    assert keeping_weight(0, 0, prior) == prior  # no record: the prior
    assert keeping_weight(2, 0, prior) == Fraction(2 + Fraction(3, 2), 4)
    old = [
        promise(dt.datetime(2026, 9, 1), dt.date(2026, 9, 4), "kept", dt.datetime(2026, 9, 3)),
        promise(dt.datetime(2026, 10, 1), dt.date(2026, 10, 4), "broken", dt.datetime(2026, 10, 8)),
    ]
    assert project_prior(3, 1) == Fraction(3, 4)
    assert project_prior(0, 0) == Fraction(1, 2)
    pending = promise(dt.datetime(2026, 11, 25), dt.date(2026, 11, 28), "open", amount=200_00)
    record = household(promises=[*old, pending], collected={"property": 100_00})
    expected, promised = expected_from_promise(record, NOW, 1, dt.date(2026, 11, 30), prior)
    weight = keeping_weight(1, 1, prior)  # (1 + 1.5) / 4
    assert sum(promised.values()) == 200_00
    assert sum(expected.values()) == round(200_00 * weight)
    assert promised == {"electricity": 66_67, "property": 133_33}  # as owed: 100 and 200
    # due after the month's end: not in this month's forecast
    assert expected_from_promise(record, NOW, 1, dt.date(2026, 11, 27), prior) == ({}, {})
