"""Forms for what a collector records: modal screens, validated inline, nothing typed lost.

Each form turns its widgets into an entry from `callqueue.recording` and runs the same
validator the CLI uses; every problem shows under its own field. A valid entry is saved by
the app in a worker while the form stays open, so a refusal from the database (an amount
above the arrears, an unknown handler) also lands back in the form, next to the field.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from callqueue.app.keys import bind_keys
from callqueue.app.messages import Refused, Saved
from callqueue.i18n import (
    _,
    channel_label,
    complaint_category_label,
    complaint_status_label,
    fee_label,
    letter_kind_label,
    outcome_label,
    payment_channel_label,
)
from callqueue.policy import Policy
from callqueue.queue.build import Item
from callqueue.recording.corrections import ContactCorrection, PaymentReversal
from callqueue.recording.entries import (
    OUTCOMES_BY_CHANNEL,
    PROGRESS_STATUSES,
    PROMISE_METHODS,
    ComplaintEntry,
    ComplaintProgressEntry,
    LetterEntry,
    OutcomeEntry,
    PaymentEntry,
    Problem,
    PromiseEntry,
    TextFields,
    default_demand_deadline,
    default_promise_date,
    validate_complaint,
    validate_letter,
    validate_outcome,
    validate_payment,
    validate_progress,
    validate_promise,
)
from callqueue.recording.save import AllocatedCharge
from callqueue.store.models import (
    ComplaintCategory,
    ContactChannel,
    ContactOutcome,
    LetterKind,
    PaymentChannel,
)

if TYPE_CHECKING:
    from callqueue.household_view import ComplaintView, TimelineEntry

Entry = (
    OutcomeEntry
    | PromiseEntry
    | PaymentEntry
    | ComplaintEntry
    | ComplaintProgressEntry
    | LetterEntry
    | ContactCorrection
    | PaymentReversal
)


class FormScreen(ModalScreen[Any]):
    """A modal form: labelled fields, each with its problems under it, Save and Cancel.

    Subclasses lay out `body()` and say what Save does in `submit()`; whatever is refused
    comes back as `Refused` and shows next to its field, with everything typed kept.
    """

    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen > VerticalScroll { width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1; }
    FormScreen .problem { color: $error; height: auto; }
    FormScreen .problem.-empty { display: none; }
    FormScreen Input, FormScreen Select { margin: 0 0 1 0; background: $boost; }
    FormScreen TextArea { height: 8; margin: 0 0 1 0; }
    FormScreen Label { color: $text-muted; }
    FormScreen .title { color: $text; text-style: bold; margin-bottom: 1; }
    FormScreen Horizontal { height: auto; }
    FormScreen Button { margin: 0 1 0 0; }
    """
    fields: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        bind_keys(self, [("ctrl+s", "save", _("Save")), ("escape", "cancel", _("Cancel"))])

    def heading(self) -> str:
        raise NotImplementedError

    def title_text(self) -> str:
        return self.heading()

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Label(self.title_text(), classes="title")
            yield from self.body()
            yield Static("", id="problem-general", classes="problem -empty")
            with Horizontal():
                yield Button(_("Save (Ctrl+S)"), variant="primary", id="save", compact=True)
                yield Button(_("Cancel (Esc)"), id="cancel", compact=True)

    def body(self) -> ComposeResult:
        raise NotImplementedError

    def field(self, name: str, label: str, widget: Any) -> ComposeResult:
        """A labelled field with a place for its problems right under it.

        Widgets are compact (one line each), so a form fits an 80×24 terminal.
        """
        widget.id = f"field-{name}"
        if not isinstance(widget, TextArea):
            widget.compact = True
        yield Label(label, id=f"label-{name}")
        yield widget
        yield Static("", id=f"problem-{name}", classes="problem -empty")

    def value(self, name: str) -> Any:
        widget = self.query_one(f"#field-{name}")
        if isinstance(widget, Select):
            return None if widget.is_blank() else widget.value
        if isinstance(widget, TextArea):
            return widget.text
        return widget.value  # type: ignore[attr-defined]

    def show_problems(self, problems: list[Problem]) -> None:
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            name = problem.field if problem.field in self.fields else "general"
            by_field.setdefault(name, []).append(problem.message)
        for name in (*self.fields, "general"):
            box = self.query_one(f"#problem-{name}", Static)
            messages = by_field.get(name, [])
            box.update("\n".join(messages))
            box.set_class(not messages, "-empty")
        first = next((n for n in self.fields if n in by_field), None)
        if first is not None:
            self.query_one(f"#field-{first}").focus()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.submit()

    def submit(self) -> None:
        raise NotImplementedError

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_refused(self, message: Refused) -> None:
        self.show_problems(message.problems)


class EntryForm(FormScreen):
    """A form for one entry about a household. Subclasses lay out fields and build the entry."""

    def __init__(
        self,
        item: Item,
        *,
        staff_code: str,
        now: dt.datetime,
        policy: Policy,
        channel: str | None = None,
    ) -> None:
        super().__init__()
        self.item = item
        self.staff_code = staff_code
        self.now = now
        self.policy = policy
        # Where the collector is talking to the owner: on the phone, or at the door.
        self.channel = channel or ("visit" if item.channel.value == "visit" else "call")

    def title_text(self) -> str:
        return f"{self.heading()} · {self.item.key} {self.item.owner}"

    def build(self) -> tuple[Entry | None, list[Problem]]:
        raise NotImplementedError

    def submit(self) -> None:
        entry, problems = self.build()
        self.show_problems(problems)
        if entry is not None and not problems:
            self.app.save_entry(entry, self)  # type: ignore[attr-defined]

    def on_saved(self, message: Saved) -> None:
        self.dismiss(message.recorded)


def _options(values: Any, label: Any) -> list[tuple[str, str]]:
    return [(label(v), str(v)) for v in values]


class OutcomeForm(EntryForm):
    AUTO_FOCUS = "#field-outcome"

    def heading(self) -> str:
        return _("Record an outcome")

    fields = ("channel", "outcome", "phone_number", "note", "callback_at")

    def body(self) -> ComposeResult:
        channel = self.channel
        yield from self.field(
            "channel",
            _("Channel"),
            Select(
                _options([ContactChannel.CALL, ContactChannel.VISIT], channel_label),
                value=channel,
                allow_blank=False,
            ),
        )
        yield from self.field(
            "outcome", _("Outcome"), Select(self._outcomes(channel), prompt=_("choose"))
        )
        phones = self.item.facts.record.phones
        yield from self.field(
            "phone_number",
            _("Number dialled"),
            Select([(p, p) for p in phones], value=phones[0] if phones else Select.NULL),
        )
        yield from self.field("note", _("Note (what the owner said)"), Input())
        yield from self.field("callback_at", _("Call back at (e.g. 15:00, +1 10:30)"), Input())

    def _outcomes(self, channel: str) -> list[tuple[str, str]]:
        allowed = OUTCOMES_BY_CHANNEL[ContactChannel(channel)] - {
            ContactOutcome.PROMISE,
            ContactOutcome.PAID_ON_SPOT,
        }
        ordered = [o for o in ContactOutcome if o in allowed]
        return _options(ordered, outcome_label)

    @on(Select.Changed, "#field-channel")
    def channel_changed(self, event: Select.Changed) -> None:
        outcome = self.query_one("#field-outcome", Select)
        outcome.set_options(self._outcomes(str(event.value)))
        self.show_phone(event.value == "call")

    def on_mount(self) -> None:
        self.show_phone(self.channel == "call")

    def show_phone(self, shown: bool) -> None:
        """The number dialled matters on the phone only, not at the door."""
        for widget in self.query("#field-phone_number, #label-phone_number"):
            widget.display = shown

    def build(self) -> tuple[Entry | None, list[Problem]]:
        text = TextFields(now=self.now)
        callback = text.datetime("callback_at", self.value("callback_at"))
        outcome = self.value("outcome")
        text.require("outcome", outcome, _("choose what came of it"))
        if text.problems and outcome is None:
            return None, text.problems
        channel = self.value("channel")
        entry = OutcomeEntry(
            household_key=self.item.key,
            staff_code=self.staff_code,
            at=self.now,
            channel=channel,
            outcome=outcome,
            note=self.value("note") or "",
            phone_number=self.value("phone_number") if channel == "call" else None,
            callback_at=callback,
        )
        return entry, text.problems + validate_outcome(entry, now=self.now)


class PromiseForm(EntryForm):
    AUTO_FOCUS = "#field-promised_date"

    def heading(self) -> str:
        return _("Record a promise to pay")

    fields = ("promised_date", "amount", "method", "instalment", "reason", "note")

    def body(self) -> ComposeResult:
        default = default_promise_date(self.now, self.policy)
        yield from self.field(
            "promised_date",
            _("Pays by (date; at most {days} days out)").format(days=self.policy.promises.max_days),
            Input(value=default.isoformat()),
        )
        yield from self.field(
            "amount", _("Amount (yuan; empty: everything owed)"), Input(value=f"{self.item.total}")
        )
        yield from self.field(
            "method",
            _("How they will pay"),
            Select(_options(PROMISE_METHODS, payment_channel_label), prompt=_("choose")),
        )
        yield from self.field("instalment", _("Instalment plan"), Checkbox(_("instalments")))
        yield from self.field("reason", _("Reason for instalments"), Input())
        yield from self.field("note", _("Note"), Input())

    def build(self) -> tuple[Entry | None, list[Problem]]:
        text = TextFields(now=self.now)
        promised = text.date("promised_date", self.value("promised_date"))
        amount = text.amount("amount", self.value("amount"))
        text.require("promised_date", promised, _("the date is required"))
        if promised is None:
            return None, text.problems
        entry = PromiseEntry(
            household_key=self.item.key,
            staff_code=self.staff_code,
            at=self.now,
            promised_date=promised,
            amount=amount,
            method=self.value("method"),
            instalment=bool(self.value("instalment")),
            reason=self.value("reason") or None,
            note=self.value("note") or "",
            channel=self.channel,
        )
        return entry, text.problems + validate_promise(
            entry, now=self.now, policy=self.policy, outstanding=self.item.total
        )


class PaymentForm(EntryForm):
    AUTO_FOCUS = "#field-amount"

    def heading(self) -> str:
        return _("Record a payment")

    fields = ("amount", "channel", "receipt_no", "periods", "note")

    def body(self) -> ComposeResult:
        yield from self.field("amount", _("Amount (yuan)"), Input(value=f"{self.item.total}"))
        yield from self.field(
            "channel",
            _("Paid by"),
            Select(_options(list(PaymentChannel), payment_channel_label), prompt=_("choose")),
        )
        yield from self.field("receipt_no", _("Receipt number (cash and POS)"), Input())
        yield from self.field(
            "periods", _("Periods to settle (e.g. 2026-08,2026-09; empty: oldest first)"), Input()
        )
        yield from self.field("note", _("Note"), Input())
        yield Static("", id="preview")

    def on_mount(self) -> None:
        self.amounts_changed()

    @on(Input.Changed, "#field-amount, #field-periods")
    def amounts_changed(self) -> None:
        self.preview(self.value("amount"), self.value("periods"))

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def preview(self, amount_text: str, periods_text: str) -> None:
        """Which charges the amount would settle, worked out off the UI thread as it is typed."""
        from callqueue.recording.entries import EntryInvalid
        from callqueue.recording.save import preview_allocation

        text = TextFields(now=self.now)
        amount = text.amount("amount", amount_text)
        periods = text.periods("periods", periods_text)
        if amount is None or text.problems:
            self.app.call_from_thread(self.show_preview, "")
            return
        entry = PaymentEntry(
            household_key=self.item.key,
            staff_code=self.staff_code,
            at=self.now,
            amount=amount,
            channel=PaymentChannel.BANK_TRANSFER.value,  # the channel does not change the split
            receipt_no=None,
            periods=periods,
        )
        try:
            with self.app.store.session() as session:  # type: ignore[attr-defined]
                shown = preview_lines(preview_allocation(session, entry))
        except EntryInvalid as refused:
            shown = "\n".join(problem.message for problem in refused.problems)
        self.app.call_from_thread(self.show_preview, shown)

    def show_preview(self, text: str) -> None:
        self.query_one("#preview", Static).update(text)

    def build(self) -> tuple[Entry | None, list[Problem]]:
        text = TextFields(now=self.now)
        amount = text.amount("amount", self.value("amount"))
        periods = text.periods("periods", self.value("periods"))
        text.require("amount", amount, _("the amount is required"))
        channel = self.value("channel")
        text.require("channel", channel, _("choose how it was paid"))
        if amount is None or channel is None:
            return None, text.problems
        entry = PaymentEntry(
            household_key=self.item.key,
            staff_code=self.staff_code,
            at=self.now,
            amount=amount,
            channel=channel,
            receipt_no=self.value("receipt_no") or None,
            periods=periods,
            note=self.value("note") or None,
        )
        return entry, text.problems + validate_payment(entry, now=self.now)


class ComplaintForm(EntryForm):
    AUTO_FOCUS = "#field-category"

    def heading(self) -> str:
        return _("Record a complaint or request")

    fields = ("category", "within_duty", "description", "report_back_on", "pauses_collection")

    def body(self) -> ComposeResult:
        yield from self.field(
            "category",
            _("Category"),
            Select(_options(list(ComplaintCategory), complaint_category_label), prompt=_("choose")),
        )
        yield from self.field(
            "within_duty", _("The company's duty?"), Checkbox(_("within duty"), value=True)
        )
        yield from self.field("description", _("What the owner asks or complains of"), Input())
        yield from self.field(
            "report_back_on",
            _("Report back to the owner by (date)"),
            Input(value=(self.now.date() + dt.timedelta(days=3)).isoformat()),
        )
        yield from self.field(
            "pauses_collection",
            _("Dispute"),
            Checkbox(_("the owner withholds payment until it is resolved")),
        )

    def build(self) -> tuple[Entry | None, list[Problem]]:
        text = TextFields(now=self.now)
        report_back = text.date("report_back_on", self.value("report_back_on"))
        category = self.value("category")
        text.require("category", category, _("choose a category"))
        if category is None:
            return None, text.problems
        entry = ComplaintEntry(
            household_key=self.item.key,
            staff_code=self.staff_code,
            at=self.now,
            category=category,
            within_duty=bool(self.value("within_duty")),
            description=self.value("description") or "",
            handler_code=None,
            report_back_on=report_back,
            pauses_collection=bool(self.value("pauses_collection")),
        )
        return entry, text.problems + validate_complaint(entry, now=self.now)


class LetterForm(EntryForm):
    """A reminder, written demand, collection letter or lawyer's letter, sent or delivered."""

    AUTO_FOCUS = "#field-kind"

    def heading(self) -> str:
        return _("Record a letter")

    fields = ("kind", "delivered", "proof", "deadline", "note")

    def body(self) -> ComposeResult:
        suggested = {
            "limitation_demand": LetterKind.WRITTEN_DEMAND,
            "written_demand": LetterKind.WRITTEN_DEMAND,
            "collection_letter": LetterKind.COLLECTION_LETTER,
            "lawyer_letter": LetterKind.LAWYER_LETTER,
            "reminder": LetterKind.REMINDER,
        }.get(self.item.action.value, LetterKind.WRITTEN_DEMAND)
        yield from self.field(
            "kind",
            _("Kind of letter"),
            Select(
                _options(list(LetterKind), letter_kind_label), value=suggested, allow_blank=False
            ),
        )
        yield from self.field(
            "delivered",
            _("Delivery"),
            Checkbox(_("delivered, with proof (signed receipt, EMS, photo)"), value=True),
        )
        yield from self.field("proof", _("Proof of delivery (e.g. EMS number, signed by)"), Input())
        yield from self.field(
            "deadline",
            _("Pay by (date)"),
            Input(value=default_demand_deadline(self.now, self.policy).isoformat()),
        )
        yield from self.field("note", _("Note"), Input())

    def build(self) -> tuple[Entry | None, list[Problem]]:
        text = TextFields(now=self.now)
        deadline = text.date("deadline", self.value("deadline"))
        kind = self.value("kind")
        entry = LetterEntry(
            household_key=self.item.key,
            staff_code=self.staff_code,
            at=self.now,
            kind=kind,
            delivered=bool(self.value("delivered")),
            proof=self.value("proof") or None,
            deadline=deadline,
            note=self.value("note") or "",
        )
        return entry, text.problems + validate_letter(entry, now=self.now, policy=self.policy)


class ComplaintProgressForm(EntryForm):
    """Progress on one of the household's open complaints, until the owner is told and it closes."""

    AUTO_FOCUS = "#field-complaint_id"

    def heading(self) -> str:
        return _("Complaint progress")

    fields = ("complaint_id", "status", "note")

    def __init__(
        self,
        item: Item,
        complaints: tuple[ComplaintView, ...],
        *,
        staff_code: str,
        now: dt.datetime,
        policy: Policy,
    ) -> None:
        super().__init__(item, staff_code=staff_code, now=now, policy=policy)
        self.complaints = complaints

    def body(self) -> ComposeResult:
        options = [
            (
                f"#{c.id} {c.opened_at:%m-%d} {complaint_category_label(c.category)} · "
                f"{complaint_status_label(c.status)} · {c.description[:30]}",
                str(c.id),
            )
            for c in self.complaints
        ]
        first = options[0][1] if options else Select.NULL
        yield from self.field(
            "complaint_id", _("Complaint"), Select(options, value=first, prompt=_("choose"))
        )
        yield from self.field(
            "status",
            _("Now"),
            Select(_options(PROGRESS_STATUSES, complaint_status_label), prompt=_("choose")),
        )
        yield from self.field(
            "note", _("What was done (closing: what the owner was told)"), Input()
        )

    def build(self) -> tuple[Entry | None, list[Problem]]:
        text = TextFields(now=self.now)
        chosen, status = self.value("complaint_id"), self.value("status")
        text.require("complaint_id", chosen, _("choose a complaint"))
        text.require("status", status, _("choose how far it has come"))
        if chosen is None or status is None:
            return None, text.problems
        entry = ComplaintProgressEntry(
            complaint_id=int(chosen),
            staff_code=self.staff_code,
            at=self.now,
            status=status,
            note=self.value("note") or "",
            household_key=self.item.key,
        )
        return entry, text.problems + validate_progress(entry, now=self.now)


def preview_lines(parts: list[AllocatedCharge]) -> str:
    """What a payment would settle, one charge a line: period, fee, amount, still owed."""
    lines = [_("This payment settles:")]
    for part in parts:
        left = (
            _("settled")
            if not part.left
            else _("{amount} still owed").format(amount=f"{part.left:,.2f}")
        )
        lines.append(f"  {part.period} {fee_label(part.fee_type)} {part.amount:>10,.2f}  ({left})")
    return "\n".join(lines)


class CorrectionForm(EntryForm):
    """A form about one entry of the household's timeline (`entry`), shown at its top."""

    def __init__(
        self, item: Item, entry: TimelineEntry, *, staff_code: str, now: dt.datetime,
        policy: Policy,
    ) -> None:  # fmt: skip
        super().__init__(item, staff_code=staff_code, now=now, policy=policy)
        self.entry = entry

    def entry_text(self) -> str:
        entry = self.entry
        amount = f" {entry.amount:,.2f}" if entry.amount is not None else ""
        return f"{entry.at:%Y-%m-%d %H:%M} {entry.title}{amount}\n{entry.detail}"


class ContactCorrectionForm(CorrectionForm):
    """Correct a contact recorded wrongly: a new entry pointing at it; the original stays.

    Fields left empty keep what was recorded. The reason is required: the history shows it.
    """

    AUTO_FOCUS = "#field-outcome"
    fields = ("outcome", "note", "reason")

    def heading(self) -> str:
        return _("Correct an entry")

    def body(self) -> ComposeResult:
        yield Static(self.entry_text())
        outcomes = _options(list(ContactOutcome), outcome_label)
        yield from self.field(
            "outcome", _("What really came of it (empty: as recorded)"),
            Select(outcomes, prompt=_("as recorded")),
        )  # fmt: skip
        yield from self.field("note", _("Note (empty: as recorded)"), Input())
        yield from self.field("reason", _("Why it is corrected"), Input())

    def build(self) -> tuple[Entry | None, list[Problem]]:
        reason = self.value("reason") or ""
        problems = [] if reason.strip() else [Problem("reason", _("say why it is corrected"))]
        assert self.entry.ref_id is not None
        entry = ContactCorrection(
            contact_id=self.entry.ref_id,
            staff_code=self.staff_code,
            at=self.now,
            reason=reason,
            household_key=self.item.key,
            outcome=self.value("outcome"),
            note=self.value("note") or None,
        )
        return entry, problems


class PaymentReversalForm(CorrectionForm):
    """Reverse a payment recorded by mistake: a negative entry pointing at it; both stay."""

    AUTO_FOCUS = "#field-reason"
    fields = ("reason",)

    def heading(self) -> str:
        return _("Reverse a payment")

    def body(self) -> ComposeResult:
        yield Static(self.entry_text())
        yield from self.field("reason", _("Why it is reversed"), Input())

    def build(self) -> tuple[Entry | None, list[Problem]]:
        reason = self.value("reason") or ""
        if not reason.strip():
            return None, [Problem("reason", _("say why the payment is reversed"))]
        assert self.entry.ref_id is not None
        entry = PaymentReversal(
            payment_id=self.entry.ref_id,
            staff_code=self.staff_code,
            at=self.now,
            reason=reason,
            household_key=self.item.key,
        )
        return entry, []
