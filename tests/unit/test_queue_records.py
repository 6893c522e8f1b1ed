"""The queue's loader reads the store through light table clauses and plain words: both
must agree with the models, which the queue does not import (see `queue.records`)."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import Table
from sqlalchemy.types import TypeDecorator
from sqlmodel.sql.sqltypes import AutoString

from callqueue import auth
from callqueue.queue import facts, records
from callqueue.store.models import (
    Building,
    ChargeLine,
    Complaint,
    ComplaintStatus,
    Contact,
    ContactOutcome,
    Household,
    LetterKind,
    Payment,
    Person,
    Phone,
    Promise,
    PromiseStatus,
    Staff,
    Team,
    table_of,
)

LIGHT = {
    auth.STAFF_SIGN_IN: Staff,
    auth.TEAMS: Team,
    records.BUILDINGS: Building,
    records.STAFF: Staff,
    records.HOUSEHOLDS: Household,
    records.PEOPLE: Person,
    records.PHONES: Phone,
    records.CHARGE_LINES: ChargeLine,
    records.CONTACTS: Contact,
    records.PROMISES: Promise,
    records.PAYMENTS: Payment,
    records.COMPLAINTS: Complaint,
}


def test_every_light_column_is_a_column_of_the_model_with_the_same_kind_of_type() -> None:
    for light, model in LIGHT.items():
        real: Table = table_of(model)
        assert light.name == real.name
        for column in light.c:
            assert column.name in real.c, f"{real.name}.{column.name} is not in the models"
            kind = real.c[column.name].type
            if isinstance(kind, TypeDecorator):  # money (integer fen), CST datetimes
                kind = kind.impl_instance
            python_type = str if isinstance(kind, AutoString) else kind.python_type
            assert column.type.python_type is python_type, f"{real.name}.{column.name}"


def test_the_queue_words_are_the_store_vocabularies() -> None:
    assert {
        ContactOutcome.NO_ANSWER,
        ContactOutcome.BUSY,
        ContactOutcome.SWITCHED_OFF,
    } == facts.UNANSWERED
    assert facts.CALLBACK == ContactOutcome.CALLBACK
    assert {ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS} == facts.OPEN_COMPLAINT
    assert facts.RESOLVED == ComplaintStatus.RESOLVED
    assert (facts.WRITTEN_DEMAND, facts.COLLECTION_LETTER, facts.LAWYER_LETTER) == (
        LetterKind.WRITTEN_DEMAND,
        LetterKind.COLLECTION_LETTER,
        LetterKind.LAWYER_LETTER,
    )
    assert (facts.PROMISE_OPEN, facts.PROMISE_KEPT, facts.PROMISE_CANCELLED) == (
        PromiseStatus.OPEN,
        PromiseStatus.KEPT,
        PromiseStatus.CANCELLED,
    )


def test_the_queue_and_the_workspace_do_not_import_the_models() -> None:
    code = (
        "import sys, callqueue.workspace, callqueue.queue.book;"
        "print(sorted(m for m in sys.modules if m in ('sqlmodel', 'callqueue.store.models')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
