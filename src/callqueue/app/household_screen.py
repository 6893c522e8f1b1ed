"""The household panel: who they are, what they owe, what happened, and what to say.

Opened from the queue with Enter. The view is loaded in a worker as plain data
(`callqueue.household_view`); phone numbers stay masked except the one being dialled.
"""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    DataTable,
    Footer,
    Input,
    OptionList,
    Static,
    TabbedContent,
    TabPane,
)

from callqueue.app.keys import bind_keys, keys_help
from callqueue.app.queue_list import fit
from callqueue.faq import FaqItem, search_faq
from callqueue.household_view import HouseholdView, load_household_view
from callqueue.i18n import _, action_text, current_language, fee_label, stage_label
from callqueue.privacy import mask_phone
from callqueue.queue.build import Item
from callqueue.scripts import SCRIPT_TITLES, load_script, render_script, script_kind_for


def flag_labels() -> dict[str, str]:
    return {
        "chronic_defaulter": _("chronic defaulter"),
        "difficult": _("difficult customer"),
        "elderly": _("elderly"),
        "no_phone": _("no phone"),
        "do_not_call": _("do not call"),
    }


def person_role_labels() -> dict[str, str]:
    return {
        "owner": _("owner"),
        "occupant": _("occupant"),
        "tenant": _("tenant"),
        "former_owner": _("former owner"),
    }


RENEW_SECONDS = 60  # well within the lease (10 minutes)


class ViewLoaded(Message):
    def __init__(self, view: HouseholdView, script_kind: str, wording: str, script: str) -> None:
        self.view = view
        self.script_kind = script_kind
        self.wording = wording  # the script as worded, placeholders and all
        self.script = script  # filled in for this household
        super().__init__()


class FaqFound(Message):
    def __init__(self, items: list[FaqItem]) -> None:
        self.items = items
        super().__init__()


class HouseholdScreen(Screen[None]):
    BINDINGS = [Binding("escape,backspace", "back", show=False)]
    DEFAULT_CSS = """
    HouseholdScreen #head { height: auto; padding: 0 1; background: $boost; }
    HouseholdScreen TabbedContent { height: 1fr; }
    HouseholdScreen TabPane { padding: 0 1; height: 1fr; }
    HouseholdScreen DataTable { height: 1fr; }
    HouseholdScreen #faq-list { height: 7; border: none; }
    HouseholdScreen #faq-search { margin: 0; }
    """

    def __init__(self, item: Item) -> None:
        super().__init__()
        bind_keys(
            self,
            [
                keys_help(),
                ("1", "tab('arrears')", _("Arrears")),
                ("2", "tab('timeline')", _("Timeline")),
                ("3", "tab('script-pane')", _("Script")),
                ("4", "tab('faq-pane')", _("FAQ")),
                ("d", "dial", _("Dial")),
                ("o", "form('outcome')", _("Outcome")),
                ("p", "form('promise')", _("Promise")),
                ("y", "form('payment')", _("Payment")),
                ("x", "form('complaint')", _("Complaint")),
                ("l", "form('letter')", _("Letter")),
                ("g", "progress", _("Complaint progress")),
                ("c", "correct", _("Correct")),
                ("e", "edit", _("Edit")),
                ("n", "new_answer", _("New answer")),
                ("escape", "back", _("Back")),
            ],
        )
        self.item = item
        self.view: HouseholdView | None = None
        self.dialling: str | None = None
        self.script_kind = ""
        self.wording = ""
        self.answers: list[FaqItem] = []

    def compose(self) -> ComposeResult:
        yield Static(f"{self.item.key} {self.item.owner} · {_('Loading…')}", id="head")
        with TabbedContent():
            with TabPane(_("Arrears"), id="arrears"), VerticalScroll():
                yield Static("", id="money")
                yield Static("", id="people")
            with TabPane(_("Timeline"), id="timeline"):
                yield DataTable(id="events", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Script"), id="script-pane"), VerticalScroll():
                yield Static("", id="script")
            with TabPane(_("FAQ"), id="faq-pane"):
                yield Input(
                    placeholder=_("Search the prepared answers"), id="faq-search", compact=True
                )
                yield OptionList(id="faq-list")
                with VerticalScroll():
                    yield Static("", id="faq")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        # Held for this collector while open (renewed each minute, let go on leaving);
        # should another collector hold it, the panel closes and says who.
        self.app.hold(self.item.household_id, refused=self.app.pop_screen)  # type: ignore[attr-defined]
        self.set_interval(RENEW_SECONDS, self.renew)
        table = self.query_one("#events", DataTable)
        table.add_columns(_("When"), _("What"), _("Detail"), _("Amount"), _("By"))
        self.load()
        self.search_faq("")

    @work(thread=True, exclusive=True, group="household", exit_on_error=False)
    def load(self) -> None:
        """The household, and the script for its stage filled in with its name and amounts."""
        workspace = self.app.workspace  # type: ignore[attr-defined]
        now, lang = workspace.clock(), current_language()
        with workspace.store.session() as session:
            view = load_household_view(
                session, self.item.household_id, day=now.date(), policy=workspace.policy
            )
            kind = script_kind_for(view)
            wording = load_script(session, kind, lang)
        collector = workspace.staff_name or workspace.staff_code or ""
        script = render_script(kind, view, collector=collector, lang=lang, text=wording)
        self.post_message(ViewLoaded(view, kind, wording, script))

    @work(thread=True, exclusive=True, group="faq", exit_on_error=False)
    def search_faq(self, text: str) -> None:
        workspace = self.app.workspace  # type: ignore[attr-defined]
        with workspace.store.session() as session:
            items = search_faq(session, text, language=current_language(), limit=20)
        self.post_message(FaqFound(items))

    @on(Input.Changed, "#faq-search")
    def faq_typed(self, event: Input.Changed) -> None:
        self.search_faq(event.value)

    @on(FaqFound)
    def show_faq(self, message: FaqFound) -> None:
        self.answers = message.items
        listing = self.query_one("#faq-list", OptionList)
        listing.clear_options()
        listing.add_options([Text(item.question) for item in message.items])
        listing.highlighted = 0 if message.items else None
        if not message.items:
            self.query_one("#faq", Static).update(_("No prepared answer matches."))

    @on(OptionList.OptionHighlighted, "#faq-list")
    def show_answer(self, event: OptionList.OptionHighlighted) -> None:
        item = self.answers[event.option_index]
        self.query_one("#faq", Static).update(Text(item.answer))

    @on(Input.Submitted, "#faq-search")
    def to_answers(self) -> None:
        self.query_one("#faq-list", OptionList).focus()

    @on(ViewLoaded)
    def show(self, message: ViewLoaded) -> None:
        view = self.view = message.view
        flags = ", ".join(flag_labels()[flag] for flag in view.flags)
        step = action_text(view.next_action) if view.next_action else _("nothing to do today")
        self.query_one("#head", Static).update(
            f"{view.key} {view.owner} · {stage_label(view.stage)} · "
            + _("owes {amount}").format(amount=f"{view.total:,.2f}")
            + (f" · {flags}" if flags else "")
            + f"\n{_('Next step')}: {step}"
        )
        self.query_one("#money", Static).update(self.money_text(view))
        self.script_kind, self.wording = message.script_kind, message.wording
        title = SCRIPT_TITLES[message.script_kind][current_language()]
        self.query_one("#script", Static).update(
            f"[b]{escape(title)}[/b]\n\n{escape(message.script)}"
        )
        self.query_one("#people", Static).update(self.people_text(view))
        table = self.query_one("#events", DataTable)
        table.clear()
        for entry in view.timeline:
            table.add_row(
                f"{entry.at:%m-%d %H:%M}",
                entry.title,
                entry.detail,
                f"{entry.amount:,.2f}" if entry.amount is not None else "",
                entry.staff_name or "",
            )

    def money_text(self, view: HouseholdView) -> str:
        lines = [_("Arrears by fee type:")]
        for fee in view.arrears:
            periods = (
                f"{fee.periods[0]}…{fee.periods[-1]}"
                if len(fee.periods) > 1
                else (fee.periods[0] if fee.periods else "")
            )
            lines.append(f"  {fit(fee_label(fee.fee_type), 14)}{fee.amount:>12,.2f}  {periods}")
        lines.append(f"  {fit(_('Total'), 14)}{view.total:>12,.2f}")
        if view.at_risk is not None:
            risk = view.at_risk
            lines.append(
                _("Limitation: {fee} {period} expires on {date} ({days} days)").format(
                    fee=fee_label(risk.fee_type), period=risk.period, date=risk.deadline,
                    days=risk.days_left,
                )
            )  # fmt: skip
        if view.time_barred:
            lines.append(
                _("Time-barred, not collectable: {amount}").format(
                    amount=f"{view.time_barred:,.2f}"
                )
            )
        if view.not_yet_due:
            lines.append(
                _("Billed, not yet due: {amount}").format(amount=f"{view.not_yet_due:,.2f}")
            )
        if view.pending_promise:
            lines.append(_("Promised to pay by {date}").format(date=view.pending_promise))
        return "\n".join(lines)

    def people_text(self, view: HouseholdView) -> str:
        lines = ["", _("People and phones:")]
        for person in view.people:
            numbers = [
                (p.number if p.number == self.dialling else mask_phone(p.number))
                + (f" ({_('wrong number')})" if p.wrong_number else "")
                for p in person.phones
            ]
            role = person_role_labels().get(person.role, person.role)
            lines.append(f"  {person.name} ({role}): {' / '.join(numbers) or '-'}")
        return "\n".join(lines)

    def action_dial(self) -> None:
        """Show the number being dialled in full (the first working one, then the next)."""
        if self.view is None:
            return
        working = [p.number for person in self.view.people for p in person.phones
                   if not p.wrong_number]  # fmt: skip
        if not working:
            self.notify(_("No working phone number."), severity="warning")
            return
        index = (working.index(self.dialling) + 1) % len(working) if self.dialling in working else 0
        self.dialling = working[index]
        self.query_one("#people", Static).update(self.people_text(self.view))
        self.notify(_("Dialling {number}").format(number=self.dialling))

    def action_form(self, kind: str) -> None:
        self.app.queue_screen.open_form(kind, self.item)  # type: ignore[attr-defined]

    def action_progress(self) -> None:
        """Progress on one of the household's open complaints (until the owner is told)."""
        from callqueue.app.forms import ComplaintProgressForm

        workspace = self.app.workspace  # type: ignore[attr-defined]
        if self.view is None or not workspace.staff_code:
            return
        if not self.view.open_complaints:
            self.notify(_("This household has no open complaint."), severity="warning")
            return
        self.app.push_screen(
            ComplaintProgressForm(
                self.item, self.view.open_complaints, staff_code=workspace.staff_code,
                now=workspace.clock(), policy=workspace.policy,
            )
        )  # fmt: skip

    def action_correct(self) -> None:
        """Correct the highlighted contact, or reverse the highlighted payment (timeline)."""
        from callqueue.app.forms import ContactCorrectionForm, PaymentReversalForm

        workspace = self.app.workspace  # type: ignore[attr-defined]
        if self.view is None or not workspace.staff_code:
            return
        if self.query_one(TabbedContent).active != "timeline":
            self.action_tab("timeline")
            self.notify(_("Choose the entry to correct, then press c again."))
            return
        row = self.query_one("#events", DataTable).cursor_row
        if not 0 <= row < len(self.view.timeline):
            return
        entry = self.view.timeline[row]
        if entry.corrected_by is not None or entry.ref_id is None:
            self.notify(_("This entry has been corrected already: correct the newer one."))
            return
        kinds = {"contact": ContactCorrectionForm, "letter": ContactCorrectionForm,
                 "payment": PaymentReversalForm}  # fmt: skip
        form = kinds.get(entry.kind)
        if form is None or (entry.kind == "payment" and entry.corrects_id is not None):
            self.notify(_("Only calls, visits, letters and payments are corrected here."))
            return
        self.app.push_screen(
            form(self.item, entry, staff_code=workspace.staff_code, now=workspace.clock(),
                 policy=workspace.policy)
        )  # fmt: skip

    # -- prepared words: team leaders change the script and the FAQ in place -----------------

    def leader(self) -> str | None:
        """The signed-in leader's code, or None (with a word why) for anyone else."""
        if self.app.workspace.staff.leads:  # type: ignore[attr-defined]
            return self.app.workspace.staff_code  # type: ignore[attr-defined, no-any-return]
        self.notify(_("Only team leaders and managers change the prepared words."))
        return None

    def action_edit(self) -> None:
        from callqueue.app.prepared_words import FaqForm, ScriptForm

        pane = self.query_one(TabbedContent).active
        if pane not in ("script-pane", "faq-pane") or (code := self.leader()) is None:
            return
        lang = current_language()
        if pane == "script-pane" and self.script_kind:
            form: ScriptForm | FaqForm = ScriptForm(
                self.script_kind, language=lang, wording=self.wording, staff_code=code
            )
            self.app.push_screen(form, self.words_changed)
        elif pane == "faq-pane":
            highlighted = self.query_one("#faq-list", OptionList).highlighted
            if highlighted is not None and self.answers:
                item = self.answers[highlighted]
                form = FaqForm(item, language=lang, staff_code=code)
                self.app.push_screen(form, self.words_changed)

    def action_new_answer(self) -> None:
        from callqueue.app.prepared_words import FaqForm

        if (code := self.leader()) is not None:
            self.query_one(TabbedContent).active = "faq-pane"
            form = FaqForm(None, language=current_language(), staff_code=code)
            self.app.push_screen(form, self.words_changed)

    def words_changed(self, saved: bool | None) -> None:
        if saved:
            self.notify(_("Saved; every collector now sees the new wording."))
            self.load()
            self.search_faq(self.query_one("#faq-search", Input).value)

    def action_tab(self, pane: str) -> None:
        """Show a tab and focus its first part (the FAQ: its search box).

        Focus must move into the new tab: left on a widget of the old one, the tabs would
        switch back to show it.
        """
        self.query_one(TabbedContent).active = pane
        self.query_one(f"#{pane}").query("Input, DataTable, VerticalScroll").first().focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def renew(self) -> None:
        self.app.renew_hold(self.item.household_id)  # type: ignore[attr-defined]

    def on_unmount(self) -> None:
        self.app.let_go(self.item.household_id)  # type: ignore[attr-defined]

    def refreshed(self) -> None:
        """Something was saved for this household: load it again (the timeline grows)."""
        self.load()
