"""The team leader's panel: each building against the month's plan, and why.

The figures are `callqueue.progress.build_report`'s, the same `callqueue report` prints and
writes to the workbook, read in a worker. Tabs, switched with 1-5: buildings (rate against
target, behind by how much, what is needed per working day, the forecast, households by
status), the trend by day, collectors, complaints, households at limitation risk.
`m` opens the map of the highlighted building; a manager changes a target with `e`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Select, Static, TabbedContent, TabPane

from callqueue.app.forms import FormScreen
from callqueue.app.keys import bind_keys, keys_help
from callqueue.app.messages import Refused
from callqueue.i18n import _, complaint_category_label, fee_label, role_label
from callqueue.progress.figures import ALL_FEES, FeeProgress
from callqueue.progress.statuses import PLAN_STATUSES, status_label
from callqueue.recording.entries import Problem

if TYPE_CHECKING:
    from callqueue.progress.report import Report
    from callqueue.progress.trend import DayPoint

BAR = 30  # cells of the trend's bars


def money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value}%"


def fee_name(code: str) -> str:
    return _("all fees") if code == ALL_FEES else fee_label(code)


def gap_text(fee: FeeProgress) -> Text:
    """On track (green), or behind by how much (red)."""
    if fee.on_track:
        return Text(_("on track"), style="green")
    return Text(_("behind {amount}").format(amount=money(fee.behind_by)), style="bold red")


def trend_lines(points: tuple[DayPoint, ...]) -> Text:
    """Collected against the paced target, one bar a day (█ collected, │ the target)."""
    text = Text()
    top = max([p.target for p in points] + [p.cumulative for p in points] + [Decimal(1)])
    for point in points:
        filled = int(point.cumulative * BAR / top)
        mark = min(int(point.target * BAR / top), BAR - 1)
        cells = ["█" if i < filled else " " for i in range(BAR)]
        if cells[mark] == " ":
            cells[mark] = "│"
        style = "green" if point.cumulative >= point.target else "red"
        day = f"{point.day:%m-%d}" + ("" if point.working_day else "*")
        text.append(f"{day:<6} ")
        text.append("".join(cells), style=style)
        text.append(f" {money(point.cumulative):>12} / {money(point.target)}\n")
    return text


class ReportLoaded(Message):
    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__()


class ReportRefused(Message):
    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__()


class ProgressScreen(Screen[None]):
    DEFAULT_CSS = """
    ProgressScreen #head { height: auto; padding: 0 1; background: $boost; }
    ProgressScreen TabbedContent { height: 1fr; }
    ProgressScreen TabPane { padding: 0 1; height: 1fr; }
    ProgressScreen DataTable { height: 1fr; }
    ProgressScreen #statuses { height: auto; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        bind_keys(
            self,
            [
                keys_help(),
                ("1", "tab('buildings')", _("Buildings")),
                ("2", "tab('trend')", _("Trend")),
                ("3", "tab('people')", _("Collectors")),
                ("4", "tab('complaints')", _("Complaints")),
                ("5", "tab('risk')", _("Limitation")),
                ("m", "map", _("Map")),
                ("e", "edit_target", _("Change a target")),
                ("r", "reload", _("Reload")),
                ("escape", "back", _("Back")),
            ],
        )
        self.report: Report | None = None
        self.rows: list[FeeProgress] = []

    def compose(self) -> ComposeResult:
        yield Static(_("Loading the figures…"), id="head")
        with TabbedContent():
            with TabPane(_("Buildings"), id="buildings"):
                yield DataTable(id="fees", cursor_type="row", zebra_stripes=True)
                yield Static("", id="statuses")
            with TabPane(_("Trend"), id="trend"):
                yield DataTable(id="trend-table", show_header=False, cursor_type="none")
            with TabPane(_("Collectors"), id="people"):
                yield DataTable(id="collectors", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Complaints"), id="complaints"):
                yield DataTable(id="complaint-table", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Limitation"), id="risk"):
                yield DataTable(id="risk-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#fees", DataTable).focus()
        self.load()

    @work(thread=True, exclusive=True, group="progress", exit_on_error=False)
    def load(self) -> None:
        from callqueue.progress.report import ReportError, build_report
        from callqueue.progress.scope import NotAllowed, scope_for_staff

        workspace = self.app.workspace  # type: ignore[attr-defined]
        try:
            with workspace.store.session() as session:
                scope = scope_for_staff(session, workspace.staff_code or "")
                report = build_report(session, scope, workspace.clock(), workspace.policy)
        except (NotAllowed, ReportError) as refused:
            self.post_message(ReportRefused(str(refused)))
            return
        except Exception as error:
            self.post_message(ReportRefused(self.app._failure(error)))  # type: ignore[attr-defined]
            return
        self.post_message(ReportLoaded(report))

    @on(ReportRefused)
    def refused(self, message: ReportRefused) -> None:
        self.query_one("#head", Static).update(Text(message.text, style="bold"))

    @on(ReportLoaded)
    def show(self, message: ReportLoaded) -> None:
        report = self.report = message.report
        self.show_head(report)
        self.show_fees(report)
        self.show_trend(report)
        self.show_collectors(report)
        self.show_complaints(report)
        self.show_risk(report)

    def show_head(self, report: Report) -> None:
        pace = report.pace
        head = Text(
            _("{scope} · {month} · as of {moment} · working days {left} of {total} left").format(
                scope=report.scope.label,
                month=report.month,
                moment=f"{report.until:%Y-%m-%d %H:%M}",
                left=pace.remaining,
                total=pace.total,
            )
        )
        total = report.total
        head.append("\n")
        head.append(
            _("Collected {collected} of {target} ({rate}; target {target_rate}) · ").format(
                collected=money(total.collected),
                target=money(total.cumulative_target),
                rate=percent(total.rate),
                target_rate=percent(total.target_rate),
            )
        )
        head.append_text(gap_text(total))
        behind = report.behind
        if behind:
            head.append("\n")
            head.append(
                _("Behind: {list}").format(
                    list=", ".join(
                        _("building {code} by {amount}").format(
                            code=b.building, amount=money(b.total.behind_by)
                        )
                        for b in behind
                    )
                ),
                style="red",
            )
        if report.slips:
            head.append("\n")
            head.append(
                _("The plan's typed rates disagree with its amounts in {count} rows").format(
                    count=len(report.slips)
                ),
                style="yellow",
            )
        self.query_one("#head", Static).update(head)

    def show_fees(self, report: Report) -> None:
        table = self.query_one("#fees", DataTable)
        table.clear(columns=True)
        table.add_columns(
            _("Building"), _("Fee"), _("At plan start"), _("Collected"), _("Rate"),
            _("Target"), _("Against target"), _("Per working day"), _("Forecast"),
        )  # fmt: skip
        rows: list[tuple[str | Text, FeeProgress]] = [
            (building.building, fee)
            for building in report.buildings
            for fee in (*building.fees, building.total)
        ]
        rows += [(Text(_("all"), style="bold"), fee) for fee in (*report.totals, report.total)]
        self.rows = [fee for _where, fee in rows]
        for where, fee in rows:
            table.add_row(
                where, fee_name(fee.fee_type), money(fee.baseline), money(fee.collected),
                percent(fee.rate), percent(fee.target_rate), gap_text(fee),
                money(fee.per_working_day), percent(fee.forecast_rate),
            )  # fmt: skip
        self.show_statuses()

    @on(DataTable.RowHighlighted, "#fees")
    def show_statuses(self) -> None:
        """Households by status for the highlighted building (or the whole scope)."""
        report = self.report
        if report is None:
            return
        building = self.highlighted_building()
        counts = report.statuses
        where = _("every building")
        for row in report.buildings:
            if row.building == building:
                counts, where = row.statuses, _("building {code}").format(code=building)
        parts = [f"{status_label(s)} {counts.get(s.value, 0)}" for s in PLAN_STATUSES]
        self.query_one("#statuses", Static).update(f"{where}: " + " · ".join(parts))

    def highlighted_building(self) -> str | None:
        table = self.query_one("#fees", DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row].building

    def show_trend(self, report: Report) -> None:
        table = self.query_one("#trend-table", DataTable)
        table.clear(columns=True)
        table.add_column("chart")
        for line in trend_lines(report.trend).split("\n"):
            if line.plain:
                table.add_row(line)

    def show_collectors(self, report: Report) -> None:
        table = self.query_one("#collectors", DataTable)
        table.clear(columns=True)
        table.add_columns(
            _("Staff"), _("Role"), _("Attempts"), _("Conversations"), _("Promises made"),
            _("Promises kept"), _("Collected"),
        )  # fmt: skip
        for person in report.collectors:
            table.add_row(
                person.name, role_label(person.role), person.attempts, person.conversations,
                person.promises_made, person.promises_kept, money(person.collected),
            )  # fmt: skip

    def show_complaints(self, report: Report) -> None:
        from callqueue.progress.complaints import AGE_BUCKETS, bucket_label

        table = self.query_one("#complaint-table", DataTable)
        table.clear(columns=True)
        ages = [_("{days} days").format(days=bucket_label(b)) for b in AGE_BUCKETS]
        table.add_columns(
            _("Category"), _("Waiting"), *ages, _("Resolved, owner not told"), _("Disputes"),
            _("Opened this month"), _("Closed this month"),
        )  # fmt: skip
        for row in report.complaints:
            table.add_row(
                complaint_category_label(row.category), row.waiting, *row.by_age,
                row.resolved_not_told, row.disputes, row.opened_this_month,
                row.closed_this_month,
            )  # fmt: skip

    def show_risk(self, report: Report) -> None:
        table = self.query_one("#risk-table", DataTable)
        table.clear(columns=True)
        table.add_columns(
            _("Household"), _("Oldest charge"), _("Expires on"), _("Days left"), _("Collectable")
        )
        for risk in report.at_risk:
            table.add_row(
                risk.key, f"{fee_label(risk.fee_type)} {risk.period}", str(risk.deadline),
                risk.days_left, money(risk.collectable),
            )  # fmt: skip

    # -- keys ---------------------------------------------------------------------------------

    def action_tab(self, pane: str) -> None:
        self.query_one(TabbedContent).active = pane
        self.query_one(f"#{pane} DataTable").focus()

    def action_map(self) -> None:
        from callqueue.app.building_map_screen import BuildingMapScreen

        report = self.report
        if report is None or not report.buildings:
            return
        building = self.highlighted_building() or report.buildings[0].building
        self.app.push_screen(BuildingMapScreen(building, [b.building for b in report.buildings]))

    def action_edit_target(self) -> None:
        if self.report is None:
            return
        if not self.app.workspace.staff.manages:  # type: ignore[attr-defined]
            self.notify(_("Only a manager changes the plan."))
            return
        building = self.highlighted_building()
        row = self.rows[self.query_one("#fees", DataTable).cursor_row] if self.rows else None
        fee = row.fee_type if row is not None and row.fee_type != ALL_FEES else None
        form = PlanTargetForm(self.report, building=building, fee_type=fee)
        self.app.push_screen(form, self.target_changed)

    def target_changed(self, saved: bool | None) -> None:
        if saved:
            self.notify(_("The plan is changed; the figures are read again."))
            self.load()

    def action_reload(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()


class PlanTargetForm(FormScreen):
    """A manager sets one month's target for a building (or the project) and fee type."""

    AUTO_FOCUS = "#field-amount"
    fields = ("building", "fee_type", "month", "amount")

    def __init__(self, report: Report, *, building: str | None, fee_type: str | None) -> None:
        super().__init__()
        self.report = report
        self.building = building
        self.fee_type = fee_type

    def heading(self) -> str:
        return _("Change a monthly target")

    def body(self) -> ComposeResult:
        report = self.report
        buildings = [(_("the whole project"), "*")] + [
            (_("building {code}").format(code=b.building), b.building) for b in report.buildings
        ]
        fees = [(fee_label(f.fee_type), f.fee_type) for f in report.totals]
        yield from self.field(
            "building", _("Building"), Select(buildings, value=self.building or "*",
                                              allow_blank=False)
        )  # fmt: skip
        yield from self.field(
            "fee_type", _("Fee type"),
            Select(fees, value=self.fee_type or (fees[0][1] if fees else Select.NULL)),
        )  # fmt: skip
        yield from self.field("month", _("Month (YYYY-MM)"), Input(report.month))
        current = next(
            (f.month_target for f in self.current_rows() if f.fee_type == self.fee_type), None
        )
        yield from self.field(
            "amount",
            _("Target for the month (yuan)"),
            Input("" if current is None else str(current)),
        )

    def current_rows(self) -> tuple[FeeProgress, ...]:
        for building in self.report.buildings:
            if building.building == self.building:
                return building.fees
        return self.report.totals

    def submit(self) -> None:
        values = {name: self.value(name) for name in self.fields}
        problems = [
            Problem(name, _("this is required"))
            for name in ("fee_type", "month", "amount")
            if not values[name]
        ]
        self.show_problems(problems)
        if not problems:
            self.save(values)

    @work(thread=True, exclusive=True, group="plan", exit_on_error=False)
    def save(self, values: dict[str, Any]) -> None:
        from callqueue.plan.saved import PlanError, set_target

        workspace = self.app.workspace  # type: ignore[attr-defined]
        try:
            set_target(
                workspace.store,
                staff_code=workspace.staff_code or "",
                fee_type=values["fee_type"],
                month=values["month"].strip(),
                amount=values["amount"].strip().replace(",", ""),
                building=None if values["building"] == "*" else values["building"],
            )
        except PlanError as refused:
            self.post_message(Refused([Problem("general", str(refused))]))
            return
        self.app.call_from_thread(self.dismiss, True)
