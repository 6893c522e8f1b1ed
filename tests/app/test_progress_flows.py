"""The team leader's panels in the app: the figures are the report's, the map is the
building's, and collectors are kept out."""

from __future__ import annotations

from decimal import Decimal

from textual.widgets import DataTable, Input, Static

from callqueue.app.building_map_screen import BuildingMapScreen
from callqueue.app.progress_screen import PlanTargetForm, ProgressScreen
from callqueue.policy import DEFAULT_POLICY
from callqueue.progress.report import build_report
from callqueue.progress.scope import scope_for_staff
from callqueue.store.database import Store
from tests.app.conftest import AT
from tests.app.test_flows import make_app, settle


async def open_progress(app, pilot) -> ProgressScreen:  # type: ignore[no-untyped-def]
    await settle(app)
    await pilot.pause()
    await pilot.press("f")
    await settle(app)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ProgressScreen) and screen.report is not None
    return screen


async def test_leader_sees_the_reports_figures(demo_store: Store) -> None:
    with demo_store.session() as session:
        expected = build_report(session, scope_for_staff(session, "wangfang"), AT, DEFAULT_POLICY)
    app = make_app(demo_store, staff="wangfang")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_progress(app, pilot)
        assert screen.report is not None
        assert screen.report.total == expected.total
        table = screen.query_one("#fees", DataTable)
        first = expected.buildings[0].fees[0]
        assert table.get_row_at(0)[3] == f"{first.collected:,.2f}"
        head = str(screen.query_one("#head", Static).render())
        assert f"{expected.total.collected:,.2f}" in head
        statuses = str(screen.query_one("#statuses", Static).render())
        assert "6" in statuses
        await pilot.press("2")
        await pilot.pause()
        chart = screen.query_one("#trend-table", DataTable)
        assert chart.row_count == len(expected.trend)
        await pilot.press("3")
        await pilot.pause()
        assert screen.query_one("#collectors", DataTable).row_count == len(expected.collectors)
        await pilot.press("1", "m")
        await settle(app)
        await pilot.pause()
        building_map = app.screen
        assert isinstance(building_map, BuildingMapScreen) and building_map.building == "6"
        shown = str(building_map.query_one("#map", Static).render())
        assert "15F" in shown and "1203" in shown
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("e")  # a team leader does not set the plan
        await pilot.pause()
        assert app.screen is screen


async def test_collector_is_kept_out(demo_store: Store) -> None:
    app = make_app(demo_store)  # lina
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app)
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        assert app.screen is app.queue_screen


async def test_manager_changes_a_target(demo_store: Store) -> None:
    app = make_app(demo_store, staff="manager")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_progress(app, pilot)
        report = screen.report
        assert report is not None
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PlanTargetForm)
        amount = form.query_one("#field-amount", Input)
        amount.value = "12.345"
        await pilot.press("ctrl+s")
        await settle(app)
        await pilot.pause()
        assert app.screen is form and "12.345" in str(
            form.query_one("#problem-general", Static).render()
        )
        amount.value = "60000"
        await pilot.press("ctrl+s")
        await settle(app)
        await pilot.pause()
        assert app.screen is screen
        await settle(app)
        await pilot.pause()
        changed = screen.report
        assert changed is not None
        building = report.buildings[0]
        fee = building.fees[0]
        new = next(b for b in changed.buildings if b.building == building.building).fees[0]
        assert new.month_target == Decimal("60000.00") != fee.month_target
