"""The shared prepared answers (收费答客问): every collector gives the same answer.

The source plan asks that the reasons owners give for not paying be collected into a
question-and-answer list that collectors are trained on; reasonable requests are answered
promptly with the progress, and for matters outside the company's duty the answer explains
and offers at least one path to a solution. Migration 0004 seeds a starter list in Chinese
and English; managers keep it up to date with `save_faq` and `deactivate_faq` (an entry is
never deleted, so what a collector was told stays on record).

Search happens in Python over the active entries of one language: the list is small (tens
to a few hundred entries), and matching Chinese and English case-insensitively must behave
the same on SQLite (whose LIKE and lower() know only ASCII) and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqueue.audit import AuditAction, add_audit, row_values
from callqueue.clock import now as clock_now
from callqueue.i18n import _, join_list
from callqueue.recording.entries import EntryInvalid, Problem
from callqueue.safe_text import clean_input
from callqueue.store.models import FaqEntry, Staff, table_of

__all__ = [
    "ANSWER_MAX",
    "FAQ_LANGUAGES",
    "QUESTION_MAX",
    "TAGS_MAX",
    "TAG_MAX",
    "FaqDraft",
    "FaqItem",
    "deactivate_faq",
    "get_faq",
    "save_faq",
    "search_faq",
    "split_tags",
]

FAQ_LANGUAGES: tuple[str, ...] = ("zh_CN", "en")
QUESTION_MAX = 200  # faq_entries.question
ANSWER_MAX = 4000
TAGS_MAX = 200  # faq_entries.tags, joined with commas
TAG_MAX = 30

_TAG_SEPARATORS = re.compile(r"[,，、;；\n]+")


@dataclass(frozen=True, slots=True)
class FaqItem:
    """One prepared answer, as the app shows it."""

    id: int
    question: str
    answer: str
    tags: tuple[str, ...]
    language: str
    updated_at: dt.datetime
    updated_by: int | None  # staff id; None for the starter entries
    updated_by_name: str | None
    active: bool


@dataclass(frozen=True, slots=True)
class FaqDraft:
    """What a manager typed: a new entry (`id` None) or a change to entry `id`.

    `tags` may be separated by commas (half- or full-width), 、 or semicolons.
    """

    question: str
    answer: str
    tags: str = ""
    language: str = "zh_CN"
    id: int | None = None


def split_tags(text: str) -> tuple[str, ...]:
    """Tags as typed → a clean tuple, duplicates dropped, order kept."""
    tags = (t.strip() for t in _TAG_SEPARATORS.split(text))
    return tuple(dict.fromkeys(t for t in tags if t))


def _validate(draft: FaqDraft) -> list[Problem]:
    problems: list[Problem] = []
    question, answer = draft.question.strip(), draft.answer.strip()
    if not question:
        problems.append(Problem("question", _("type the owner's question")))
    elif len(question) > QUESTION_MAX:
        problems.append(Problem("question", _too_long(len(question), QUESTION_MAX)))
    if not answer:
        problems.append(Problem("answer", _("type the prepared answer")))
    elif len(answer) > ANSWER_MAX:
        problems.append(Problem("answer", _too_long(len(answer), ANSWER_MAX)))
    tags = split_tags(draft.tags)
    long_tags = [t for t in tags if len(t) > TAG_MAX]
    if long_tags:
        problems.append(
            Problem(
                "tags",
                _("tags are at most {limit} characters: {tags}").format(
                    limit=TAG_MAX, tags=join_list(long_tags)
                ),
            )
        )
    elif len(",".join(tags)) > TAGS_MAX:
        problems.append(
            Problem(
                "tags",
                _("too many tags: at most {limit} characters in all").format(limit=TAGS_MAX),
            )
        )
    if draft.language not in FAQ_LANGUAGES:
        problems.append(
            Problem(
                "language",
                _("no language {language}; languages are {languages}").format(
                    language=repr(draft.language), languages=join_list(FAQ_LANGUAGES)
                ),
            )
        )
    return problems


def _too_long(length: int, limit: int) -> str:
    return _("{length} characters; at most {limit}").format(length=length, limit=limit)


def _check_staff(session: Session, staff_id: int | None, problems: list[Problem]) -> None:
    if staff_id is not None and session.get(Staff, staff_id) is None:
        problems.append(Problem("staff_id", _("no staff member with id {id}").format(id=staff_id)))


def save_faq(
    session: Session, entry: FaqDraft, staff_id: int | None, *, now: dt.datetime | None = None
) -> int:
    """Insert a new entry or update entry `entry.id`; returns its id. Commits.

    Raises EntryInvalid with every problem (question and answer required, lengths, the
    language, an unknown entry or staff member). Saving an inactive entry reactivates it.
    The texts are kept without control characters (`safe_text.clean_input`).
    """
    entry = replace(
        entry,
        question=clean_input(entry.question),
        answer=clean_input(entry.answer),
        tags=clean_input(entry.tags),
    )
    problems = _validate(entry)
    _check_staff(session, staff_id, problems)
    row: FaqEntry | None = None
    if entry.id is not None:
        row = session.get(FaqEntry, entry.id)
        if row is None:
            problems.append(Problem("id", _("no FAQ entry #{id}").format(id=entry.id)))
    if problems:
        raise EntryInvalid(problems)
    moment = now or clock_now()
    if row is None:
        row = FaqEntry(question="", answer="", language=entry.language, updated_at=moment)
        session.add(row)
    row.question = entry.question.strip()
    row.answer = entry.answer.strip()
    row.tags = ",".join(split_tags(entry.tags))
    row.language = entry.language
    row.updated_at = moment
    row.updated_by = staff_id
    row.active = True
    session.flush()
    assert row.id is not None
    saved = row.id
    add_audit(
        session,
        at=moment,
        staff_id=staff_id,
        action=AuditAction.SAVE_FAQ,
        table_name="faq_entries",
        row_id=saved,
        household_id=None,
        detail={"new": entry.id is None, **row_values(row)},
    )
    session.commit()
    return saved


def deactivate_faq(
    session: Session, faq_id: int, staff_id: int | None, *, now: dt.datetime | None = None
) -> None:
    """Take an entry out of searches (it stays on record). Commits."""
    problems: list[Problem] = []
    _check_staff(session, staff_id, problems)
    row = session.get(FaqEntry, faq_id)
    if row is None:
        problems.append(Problem("id", _("no FAQ entry #{id}").format(id=faq_id)))
    if problems:
        raise EntryInvalid(problems)
    assert row is not None
    row.active = False
    row.updated_at = now or clock_now()
    row.updated_by = staff_id
    add_audit(
        session,
        at=row.updated_at,
        staff_id=staff_id,
        action=AuditAction.DEACTIVATE_FAQ,
        table_name="faq_entries",
        row_id=faq_id,
        household_id=None,
        detail={"question": row.question, "language": row.language},
    )
    session.commit()


def _items(
    session: Session, *, language: str | None, active_only: bool, faq_id: int | None = None
) -> list[FaqItem]:
    f, s = table_of(FaqEntry).c, table_of(Staff).c
    query = select(
        f.id, f.question, f.answer, f.tags, f.language, f.updated_at, f.updated_by, s.name,
        f.active,
    ).select_from(table_of(FaqEntry).outerjoin(table_of(Staff), s.id == f.updated_by))  # fmt: skip
    if language is not None:
        query = query.where(f.language == language)
    if active_only:
        query = query.where(f.active)
    if faq_id is not None:
        query = query.where(f.id == faq_id)
    return [
        FaqItem(
            id=row[0],
            question=row[1],
            answer=row[2],
            tags=split_tags(row[3] or ""),
            language=row[4],
            updated_at=row[5],
            updated_by=row[6],
            updated_by_name=row[7],
            active=bool(row[8]),
        )
        for row in session.execute(query.order_by(f.id))
    ]


def get_faq(session: Session, faq_id: int) -> FaqItem | None:
    """One entry, active or not (for the edit form)."""
    found = _items(session, language=None, active_only=False, faq_id=faq_id)
    return found[0] if found else None


def search_faq(session: Session, text: str, *, language: str, limit: int = 20) -> list[FaqItem]:
    """Active entries in `language` that contain every whitespace-separated term of `text`
    (case-insensitive, in the question, the answer or the tags), best first.

    Best: more terms found in the question, then in the tags, then in the answer; then the
    shorter question, then the entry's id. Empty `text`: every active entry, in id order.
    """
    items = _items(session, language=language, active_only=True)
    terms = [t.casefold() for t in text.split()]
    if not terms:
        return items[:limit]
    ranked: list[tuple[tuple[int, int, int, int, int], FaqItem]] = []
    for item in items:
        question, answer = item.question.casefold(), item.answer.casefold()
        tags = " ".join(item.tags).casefold()
        in_question = in_tags = in_answer = 0
        for term in terms:
            q, t, a = term in question, term in tags, term in answer
            if not (q or t or a):
                break
            in_question += q
            in_tags += t
            in_answer += a
        else:
            key = (-in_question, -in_tags, -in_answer, len(item.question), item.id)
            ranked.append((key, item))
    ranked.sort(key=lambda pair: pair[0])
    return [item for _key, item in ranked[:limit]]
