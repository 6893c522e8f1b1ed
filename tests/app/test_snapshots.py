"""Snapshots of the main screens at 80×24 and 120×40, in Chinese and in English.

The clock is fixed and the demo is seeded, so a change in a picture is a change in the app.
Update them on purpose with `pytest tests/app/test_snapshots.py --snapshot-update`, then look
at the report.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.pilot import Pilot

from callqueue.app.app import CallqueueApp
from callqueue.i18n import current_language, set_language
from callqueue.policy import DEFAULT_POLICY
from callqueue.store.database import Store
from tests.app.conftest import AT

SIZES = [(80, 24), (120, 40)]
LANGUAGES = ["zh_CN", "en"]


@pytest.fixture
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    before = current_language()
    set_language(request.param)
    yield request.param
    set_language(before)


async def loaded(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("language", LANGUAGES, indirect=True)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_queue_screen(
    snap_compare, demo_store: Store, language: str, size: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    app = CallqueueApp(demo_store, DEFAULT_POLICY, staff_code="lina", clock=lambda: AT)
    assert snap_compare(app, terminal_size=size, run_before=loaded)


@pytest.mark.parametrize("language", LANGUAGES, indirect=True)
@pytest.mark.parametrize("form_key", ["o", "p", "y", "x", "l"])
def test_forms(snap_compare, demo_store: Store, language: str, form_key: str) -> None:  # type: ignore[no-untyped-def]
    app = CallqueueApp(demo_store, DEFAULT_POLICY, staff_code="lina", clock=lambda: AT)

    async def open_form(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        await pilot.press("n", "n", "n", "n", "n", "n", "n", form_key)
        await loaded(pilot)  # the payment form's preview

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_form)


@pytest.mark.parametrize("language", LANGUAGES, indirect=True)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_household_panel(
    snap_compare, demo_store: Store, language: str, size: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    app = CallqueueApp(demo_store, DEFAULT_POLICY, staff_code="lina", clock=lambda: AT)

    async def open_panel(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        await pilot.press("n", "n", "enter")
        await loaded(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_panel)


@pytest.mark.parametrize("language", LANGUAGES, indirect=True)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_visit_round(snap_compare, demo_store: Store, language: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    app = CallqueueApp(demo_store, DEFAULT_POLICY, staff_code="lina", clock=lambda: AT)

    async def open_round(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        await pilot.press("v", "t")  # every debtor of building 6, top floor down
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_round)


@pytest.mark.parametrize("language", LANGUAGES, indirect=True)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_leader_panels(
    snap_compare, demo_store: Store, language: str, size: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    app = CallqueueApp(demo_store, DEFAULT_POLICY, staff_code="wangfang", clock=lambda: AT)

    async def open_progress(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        await pilot.press("f")
        await loaded(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_progress)


@pytest.mark.parametrize("language", LANGUAGES, indirect=True)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_building_map(
    snap_compare, demo_store: Store, language: str, size: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    app = CallqueueApp(demo_store, DEFAULT_POLICY, staff_code="wangfang", clock=lambda: AT)

    async def open_map(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        await pilot.press("f")
        await loaded(pilot)
        await pilot.press("m")
        await loaded(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_map)
