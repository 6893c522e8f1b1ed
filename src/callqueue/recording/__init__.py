"""Recording what happened: contacts, promises, complaints, payments and letters.

`entries` holds what a user enters and the validators (every problem at once, keyed by
field); `save` writes an entry in one transaction. The CLI (`callqueue record`) and the
app's forms both go through these, so a rule lives in one place.
"""

from callqueue.recording.entries import (
    ComplaintEntry,
    ComplaintProgressEntry,
    EntryInvalid,
    LetterEntry,
    OutcomeEntry,
    PaymentEntry,
    Problem,
    PromiseEntry,
    TextFields,
    default_demand_deadline,
    default_promise_date,
    parse_amount_text,
    parse_date_text,
    parse_datetime_text,
    parse_periods_text,
)
from callqueue.recording.save import (
    AllocatedCharge,
    Recorded,
    preview_allocation,
    record_complaint,
    record_complaint_progress,
    record_letter,
    record_outcome,
    record_payment,
    record_promise,
)

__all__ = [
    "AllocatedCharge",
    "ComplaintEntry",
    "ComplaintProgressEntry",
    "EntryInvalid",
    "LetterEntry",
    "OutcomeEntry",
    "PaymentEntry",
    "Problem",
    "PromiseEntry",
    "Recorded",
    "TextFields",
    "default_demand_deadline",
    "default_promise_date",
    "parse_amount_text",
    "parse_date_text",
    "parse_datetime_text",
    "parse_periods_text",
    "preview_allocation",
    "record_complaint",
    "record_complaint_progress",
    "record_letter",
    "record_outcome",
    "record_payment",
    "record_promise",
]
