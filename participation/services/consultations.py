"""Consultations: officials ask questions, confirmed residents answer once and
anonymously, everyone reads the results in percentages.

Anonymity (see models/consultations.py): `answer_consultation` writes the
participation (who) and the response with its answers (what) in the same
transaction, but nothing in the second names the first: random ids, no user,
no participation id, no time, only the municipality the respondent declared.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, distinct, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from participation.extensions import db
from participation.models import (
    Consultation,
    ConsultationAnswer,
    ConsultationEvent,
    ConsultationOption,
    ConsultationParticipation,
    ConsultationQuestion,
    ConsultationResponse,
    ConsultationTally,
    ConsultationTextAnswer,
    Municipality,
)
from participation.models.base import utcnow
from participation.parsing import parse_id
from participation.permissions import (
    PermissionDenied,
    can_answer_consultation,
    can_create_consultation,
    can_edit_consultation,
    can_moderate_consultation_texts,
    can_move_closing_date,
    deny,
    require,
)
from participation.services import DomainError
from participation.vocabulary import (
    CHOICE_KINDS,
    EXCLUSIVE_OPTION_KINDS,
    ConsultationEventKind,
    ConsultationState,
    Denial,
    OptionKind,
    QuestionKind,
    ResultsVisibility,
    TextAnswerStatus,
)

TITLE_MAX = 200
INTRO_MAX = 5000
QUESTION_MAX = 500
OPTION_MAX = 300
OPTIONS_MAX = 20
SCALE_LABEL_MAX = 80
TEXT_ANSWER_MAX = 2000
SCALE = range(1, 6)
# A municipality with fewer respondents is folded into "Other municipalities".
SMALL_CELL = 10


class _Municipal(Protocol):
    municipality_id: int | None


def _log(actor: Any, consultation: Consultation, kind: str, **details: Any) -> None:
    db.session.add(
        ConsultationEvent(
            consultation_id=consultation.id,
            actor_id=getattr(actor, "id", None),
            kind=kind,
            details=details,
            created_at=utcnow(),
        )
    )


# --- Creating and editing (officials) ---------------------------------------------------


@dataclass
class ConsultationInput:
    title_fr: str = ""
    title_nl: str = ""
    title_en: str = ""
    intro_fr: str = ""
    intro_nl: str = ""
    intro_en: str = ""
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    municipality_id: int | None = None
    results_visibility: str = ResultsVisibility.AFTER_CLOSING


def _clean(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _validate_consultation(data: ConsultationInput) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, limit, required in (
        ("title_fr", TITLE_MAX, True),
        ("title_nl", TITLE_MAX, True),
        ("title_en", TITLE_MAX, False),
        ("intro_fr", INTRO_MAX, True),
        ("intro_nl", INTRO_MAX, True),
        ("intro_en", INTRO_MAX, False),
    ):
        text = _clean(getattr(data, name))
        if required and not text:
            raise DomainError(_("This field is required in French and in Dutch."), field=name)
        if len(text) > limit:
            raise DomainError(
                _("This text can have at most %(max)d characters.", max=limit), field=name
            )
        values[name] = text or None
    if data.opens_at is None:
        raise DomainError(_("Please give the opening date."), field="opens_at")
    if data.closes_at is None:
        raise DomainError(_("Please give the closing date."), field="closes_at")
    if data.closes_at <= data.opens_at:
        raise DomainError(_("The closing date must come after the opening date."), "closes_at")
    if data.results_visibility not in ResultsVisibility.values():
        raise DomainError(_("Please choose a value from the list."), field="results_visibility")
    if (
        data.municipality_id is not None
        and db.session.get(Municipality, data.municipality_id) is None
    ):
        raise DomainError(_("Please choose a value from the list."), field="municipality")
    values.update(
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        municipality_id=data.municipality_id,
        results_visibility=data.results_visibility,
    )
    return values


def create_consultation(official: Any, data: ConsultationInput) -> Consultation:
    require(can_create_consultation(official))
    values = _validate_consultation(data)
    consultation = Consultation(
        **values, created_by_id=official.id, created_at=utcnow(), respondent_count=0
    )
    db.session.add(consultation)
    db.session.flush()
    _log(official, consultation, ConsultationEventKind.CREATE)
    db.session.flush()
    return consultation


def update_consultation(official: Any, consultation: Consultation, data: ConsultationInput) -> None:
    """Change everything, until the first answer (then see move_closing_date)."""
    require(can_edit_consultation(official, consultation))
    values = _validate_consultation(data)
    changed = sorted(k for k, v in values.items() if getattr(consultation, k) != v)
    for key, value in values.items():
        setattr(consultation, key, value)
    _log(official, consultation, ConsultationEventKind.EDIT, fields=changed)
    db.session.flush()


def move_closing_date(
    official: Any, consultation: Consultation, closes_at: datetime | None
) -> None:
    """The one change allowed once answers arrived: the closing date, logged."""
    require(can_move_closing_date(official, consultation))
    if closes_at is None:
        raise DomainError(_("Please give the closing date."), field="closes_at")
    if closes_at <= consultation.opens_at or closes_at <= utcnow():
        raise DomainError(
            _("The closing date must come after the opening date and after now."),
            field="closes_at",
        )
    previous = consultation.closes_at
    if previous == closes_at:
        return
    consultation.closes_at = closes_at
    _log(
        official,
        consultation,
        ConsultationEventKind.MOVE_CLOSING,
        previous=previous.isoformat(),
        new=closes_at.isoformat(),
    )
    db.session.flush()


@dataclass
class QuestionInput:
    kind: str = QuestionKind.SINGLE
    required: bool = True
    text_fr: str = ""
    text_nl: str = ""
    text_en: str = ""
    # One option per line, the same number of lines in each language.
    options_fr: str = ""
    options_nl: str = ""
    options_en: str = ""
    max_choices: int | None = None
    dont_know: bool = False
    none_of_these: bool = False
    low_label_fr: str = ""
    low_label_nl: str = ""
    low_label_en: str = ""
    high_label_fr: str = ""
    high_label_nl: str = ""
    high_label_en: str = ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in _clean(text).split("\n") if line.strip()]


def add_question(
    official: Any, consultation: Consultation, data: QuestionInput
) -> ConsultationQuestion:
    require(can_edit_consultation(official, consultation))
    if data.kind not in QuestionKind.values():
        raise DomainError(_("Please choose a value from the list."), field="kind")
    texts = {f"text_{c}": _clean(getattr(data, f"text_{c}")) for c in ("fr", "nl", "en")}
    for name in ("text_fr", "text_nl"):
        if not texts[name]:
            raise DomainError(_("This field is required in French and in Dutch."), field=name)
    for name, text in texts.items():
        if len(text) > QUESTION_MAX:
            raise DomainError(
                _("This text can have at most %(max)d characters.", max=QUESTION_MAX), name
            )
    question = ConsultationQuestion(
        consultation_id=consultation.id,
        position=_next_position(consultation.id),
        kind=data.kind,
        required=bool(data.required),
        text_fr=texts["text_fr"],
        text_nl=texts["text_nl"],
        text_en=texts["text_en"] or None,
    )
    options: list[ConsultationOption] = []
    if data.kind in CHOICE_KINDS:
        labels = {c: _lines(getattr(data, f"options_{c}")) for c in ("fr", "nl", "en")}
        count = len(labels["fr"])
        if count < 2:
            raise DomainError(_("Please give at least two options, one per line."), "options_fr")
        if count > OPTIONS_MAX:
            raise DomainError(
                _("A question can have at most %(max)d options.", max=OPTIONS_MAX), "options_fr"
            )
        if len(labels["nl"]) != count:
            raise DomainError(
                _("Please give each option in French and in Dutch: the same number of lines."),
                field="options_nl",
            )
        if labels["en"] and len(labels["en"]) != count:
            raise DomainError(
                _("English is optional, but then every option needs its English line."),
                field="options_en",
            )
        if any(len(label) > OPTION_MAX for lang in labels.values() for label in lang):
            raise DomainError(
                _("An option can have at most %(max)d characters.", max=OPTION_MAX), "options_fr"
            )
        if data.max_choices is not None and not 1 <= data.max_choices <= count:
            raise DomainError(
                _("Please give a number between 1 and %(max)d.", max=count), field="max_choices"
            )
        if data.kind == QuestionKind.MULTIPLE or data.kind == QuestionKind.RANKING:
            question.max_choices = data.max_choices
        for i in range(count):
            options.append(
                ConsultationOption(
                    position=i + 1,
                    kind=OptionKind.REGULAR,
                    label_fr=labels["fr"][i],
                    label_nl=labels["nl"][i],
                    label_en=labels["en"][i] if labels["en"] else None,
                )
            )
        if data.kind != QuestionKind.RANKING:
            for flag, kind in ((data.dont_know, OptionKind.DONT_KNOW),
                               (data.none_of_these, OptionKind.NONE_OF_THESE)):  # fmt: skip
                if flag:
                    options.append(ConsultationOption(position=len(options) + 1, kind=kind))
    elif data.kind == QuestionKind.SCALE:
        for end in ("low_label", "high_label"):
            for code in ("fr", "nl", "en"):
                name = f"{end}_{code}"
                text = _clean(getattr(data, name))
                if code != "en" and not text:
                    raise DomainError(
                        _("Please label both ends of the scale in French and in Dutch."), name
                    )
                if len(text) > SCALE_LABEL_MAX:
                    raise DomainError(
                        _("This text can have at most %(max)d characters.", max=SCALE_LABEL_MAX),
                        name,
                    )
                setattr(question, name, text or None)
    question.options = options
    db.session.add(question)
    db.session.flush()
    _log(official, consultation, ConsultationEventKind.ADD_QUESTION, question_id=question.id)
    db.session.flush()
    return question


def _next_position(consultation_id: int) -> int:
    last = db.session.scalar(
        select(func.max(ConsultationQuestion.position)).where(
            ConsultationQuestion.consultation_id == consultation_id
        )
    )
    return (last or 0) + 1


def remove_question(official: Any, consultation: Consultation, question_id: int) -> None:
    require(can_edit_consultation(official, consultation))
    question = db.session.get(ConsultationQuestion, question_id)
    if question is None or question.consultation_id != consultation.id:
        raise DomainError(_("This question does not exist."))
    db.session.delete(question)
    _log(official, consultation, ConsultationEventKind.REMOVE_QUESTION, question_id=question_id)
    db.session.flush()


# --- Loading ------------------------------------------------------------------------


def load(consultation_id: int) -> Consultation | None:
    return db.session.get(Consultation, consultation_id)


def questions_of(consultation: Consultation) -> list[ConsultationQuestion]:
    """The questions in order with their options: two queries."""
    return list(
        db.session.scalars(
            select(ConsultationQuestion)
            .options(selectinload(ConsultationQuestion.options))
            .where(ConsultationQuestion.consultation_id == consultation.id)
            .order_by(ConsultationQuestion.position, ConsultationQuestion.id)
        ).all()
    )


def listing(
    include_upcoming: bool, now: datetime | None = None
) -> dict[ConsultationState, list[Consultation]]:
    """Consultations by state (open first, then upcoming, then closed): one query."""
    now = now or utcnow()
    rows = db.session.scalars(select(Consultation).order_by(Consultation.closes_at.desc())).all()
    groups: dict[ConsultationState, list[Consultation]] = {s: [] for s in ConsultationState}
    for row in rows:
        state = row.state(now)
        if state == ConsultationState.UPCOMING and not include_upcoming:
            continue
        groups[state].append(row)
    groups[ConsultationState.OPEN].sort(key=lambda c: c.closes_at)
    return groups


def open_consultations(limit: int = 3) -> list[Consultation]:
    """For the home page: the open ones, closing soonest first (one query)."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(Consultation)
            .where(Consultation.opens_at <= now, Consultation.closes_at > now)
            .order_by(Consultation.closes_at)
            .limit(limit)
        ).all()
    )


def has_answered(user: Any, consultation: Consultation) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        db.session.scalar(
            select(ConsultationParticipation.id).where(
                ConsultationParticipation.consultation_id == consultation.id,
                ConsultationParticipation.user_id == user.id,
            )
        )
        is not None
    )


def events(consultation: Consultation) -> list[ConsultationEvent]:
    return list(
        db.session.scalars(
            select(ConsultationEvent)
            .where(ConsultationEvent.consultation_id == consultation.id)
            .order_by(ConsultationEvent.created_at, ConsultationEvent.id)
        ).all()
    )


# --- Answering ----------------------------------------------------------------------


class AnswerError(DomainError):
    """Some answers are not acceptable: `errors` maps question ids to a message each."""

    def __init__(self, errors: dict[int, str]):
        super().__init__(
            ngettext(
                "%(num)d answer needs your attention.",
                "%(num)d answers need your attention.",
                len(errors),
            )
        )
        self.errors = errors


@dataclass
class ParsedAnswers:
    choices: list[tuple[int, int, int | None]] = field(default_factory=list)  # (q, option, rank)
    values: list[tuple[int, int]] = field(default_factory=list)  # (question, 1..5)
    texts: list[tuple[int, str]] = field(default_factory=list)  # (question, text)


def rank_field(question: ConsultationQuestion, option: ConsultationOption) -> str:
    return f"{question.field_name}_o{option.id}"


def parse_answers(
    questions: list[ConsultationQuestion], form: Mapping[str, Any]
) -> tuple[ParsedAnswers, dict[int, str]]:
    """Read the one answer form: `q<id>` (an option id, option ids, 1-5 or text) and,
    for rankings, `q<id>_o<option id>` = a rank. Every problem is kept, per question."""

    def getlist(name: str) -> list[str]:
        getter = getattr(form, "getlist", None)
        if getter is not None:
            return [str(v) for v in getter(name)]
        value = form.get(name)
        if value is None:
            return []
        return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]

    parsed = ParsedAnswers()
    errors: dict[int, str] = {}
    required_message = _("Please answer this question.")
    for question in questions:
        name = question.field_name
        options = {o.id: o for o in question.options}
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            raw = [v for v in getlist(name) if v.strip()]
            ids = [parse_id(v) for v in raw]
            if any(i is None or i not in options for i in ids):
                errors[question.id] = _("Please choose among this question's options.")
                continue
            chosen = list(dict.fromkeys(i for i in ids if i is not None))
            if not chosen:
                if question.required:
                    errors[question.id] = required_message
                continue
            if question.kind == QuestionKind.SINGLE and len(chosen) > 1:
                errors[question.id] = _("Please choose only one option.")
                continue
            if question.max_choices and len(chosen) > question.max_choices:
                errors[question.id] = ngettext(
                    "Please choose at most %(num)d option.",
                    "Please choose at most %(num)d options.",
                    question.max_choices,
                )
                continue
            if len(chosen) > 1 and any(options[i].kind in EXCLUSIVE_OPTION_KINDS for i in chosen):
                errors[question.id] = _(
                    "“I do not know” and “None of these” cannot be combined with other options."
                )
                continue
            parsed.choices.extend((question.id, i, None) for i in chosen)
        elif question.kind == QuestionKind.RANKING:
            ranks: dict[int, int] = {}
            bad = False
            limit = question.max_choices or len(options)
            for option in question.options:
                values = [v.strip() for v in getlist(rank_field(question, option)) if v.strip()]
                if not values:
                    continue
                rank = parse_id(values[0]) if len(values) == 1 else None
                if rank is None or rank > limit:
                    bad = True
                    break
                ranks[option.id] = rank
            unknown = [
                key
                for key in getattr(form, "keys", lambda: [])()
                if str(key).startswith(f"{name}_o")
                and parse_id(str(key)[len(name) + 2 :]) not in options
                and any(str(v).strip() for v in getlist(str(key)))
            ]
            if bad or unknown:
                errors[question.id] = ngettext(
                    "Please give each option a rank from 1 to %(num)d, or none.",
                    "Please give each option a rank from 1 to %(num)d, or none.",
                    limit,
                )
                continue
            if not ranks:
                if question.required:
                    errors[question.id] = required_message
                continue
            if len(set(ranks.values())) != len(ranks):
                errors[question.id] = _("Each rank can be given to one option only.")
                continue
            if sorted(ranks.values()) != list(range(1, len(ranks) + 1)):
                errors[question.id] = _("Please number the options 1, 2, 3… without gaps.")
                continue
            parsed.choices.extend((question.id, o, r) for o, r in ranks.items())
        elif question.kind == QuestionKind.SCALE:
            raw = [v.strip() for v in getlist(name) if v.strip()]
            if not raw:
                if question.required:
                    errors[question.id] = required_message
                continue
            value = parse_id(raw[0]) if len(raw) == 1 else None
            if value is None or value not in SCALE:
                errors[question.id] = _("Please choose a value from 1 to 5.")
                continue
            parsed.values.append((question.id, value))
        else:  # free text
            raw = getlist(name)
            text = _clean(raw[0] if raw else "")
            if not text:
                if question.required:
                    errors[question.id] = required_message
                continue
            if len(text) > TEXT_ANSWER_MAX:
                errors[question.id] = _(
                    "Your answer can have at most %(max)d characters (it has %(count)d).",
                    max=TEXT_ANSWER_MAX,
                    count=len(text),
                )
                continue
            parsed.texts.append((question.id, text))
    return parsed, errors


def answer_consultation(
    user: Any, consultation: Consultation, form: Mapping[str, Any]
) -> ConsultationResponse:
    """Record that `user` took part, and, apart from it, what they answered."""
    require(can_answer_consultation(user, consultation, has_answered(user, consultation)))
    questions = questions_of(consultation)
    parsed, errors = parse_answers(questions, form)
    if errors:
        raise AnswerError(errors)
    if not _insert_participation(consultation.id, user.id):
        # A concurrent request (another tab, a double click) got there first.
        raise PermissionDenied(deny(Denial.ALREADY_ANSWERED))
    response = ConsultationResponse(
        consultation_id=consultation.id, municipality_id=user.municipality_id
    )
    db.session.add(response)
    db.session.flush()
    db.session.add_all(
        [
            ConsultationAnswer(response_id=response.id, question_id=q, option_id=o, rank=r)
            for q, o, r in parsed.choices
        ]
        + [
            ConsultationAnswer(response_id=response.id, question_id=q, value=v)
            for q, v in parsed.values
        ]
    )
    db.session.add_all(
        [
            ConsultationTextAnswer(
                response_id=response.id, question_id=q, body=t, status=TextAnswerStatus.PENDING
            )
            for q, t in parsed.texts
        ]
    )
    db.session.execute(
        update(Consultation)
        .where(Consultation.id == consultation.id)
        .values(respondent_count=Consultation.respondent_count + 1)
        .execution_options(synchronize_session=False)
    )
    # After the consultation's row: answers to one consultation take their turn.
    _count(consultation.id, user.municipality_id, parsed)
    db.session.flush()
    return response


TallyKey = tuple[int, int, int, int, int]  # question, municipality, option, value, rank


def _count(consultation_id: int, municipality_id: int | None, parsed: ParsedAnswers) -> None:
    """Add one respondent's answers to the tallies: one statement."""
    m = municipality_id or 0
    keys: dict[TallyKey, int] = defaultdict(int)
    for q, o, r in parsed.choices:
        keys[(q, m, o, 0, r or 0)] += 1
    for q, v in parsed.values:
        keys[(q, m, 0, v, 0)] += 1
    for q in {q for q, _o, _r in parsed.choices} | {q for q, _v in parsed.values}:
        keys[(q, m, 0, 0, 0)] += 1
    _add_tallies(consultation_id, keys)


def _add_tallies(consultation_id: int, keys: Mapping[TallyKey, int]) -> None:
    if not keys:
        return
    rows = [
        {
            "consultation_id": consultation_id,
            "question_id": q,
            "municipality_id": m,
            "option_id": o,
            "value": v,
            "rank": r,
            "count": n,
        }
        for (q, m, o, v, r), n in sorted(keys.items())  # one lock order for everyone
    ]
    module = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = module.insert(ConsultationTally).values(rows)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[
                "consultation_id",
                "question_id",
                "municipality_id",
                "option_id",
                "value",
                "rank",
            ],
            set_={"count": ConsultationTally.count + statement.excluded.count},
        )
    )


def rebuild_tallies(consultation: Consultation) -> None:
    """Count the tallies again from the answers (imported answers, a check): the
    GROUP BY queries the tallies save the results page. Flushes."""
    db.session.execute(
        delete(ConsultationTally).where(ConsultationTally.consultation_id == consultation.id)
    )
    place = func.coalesce(ConsultationResponse.municipality_id, 0)
    keys: dict[TallyKey, int] = {}
    base = (
        select()
        .select_from(ConsultationAnswer)
        .join(ConsultationResponse, ConsultationResponse.id == ConsultationAnswer.response_id)
        .where(ConsultationResponse.consultation_id == consultation.id)
    )
    for q, m, n in db.session.execute(
        base.add_columns(
            ConsultationAnswer.question_id,
            place,
            func.count(distinct(ConsultationAnswer.response_id)),
        ).group_by(ConsultationAnswer.question_id, place)
    ):
        keys[(q, m, 0, 0, 0)] = n
    for q, m, o, v, r, n in db.session.execute(
        base.add_columns(
            ConsultationAnswer.question_id,
            place,
            func.coalesce(ConsultationAnswer.option_id, 0),
            func.coalesce(ConsultationAnswer.value, 0),
            func.coalesce(ConsultationAnswer.rank, 0),
            func.count(),
        ).group_by(
            ConsultationAnswer.question_id,
            place,
            ConsultationAnswer.option_id,
            ConsultationAnswer.value,
            ConsultationAnswer.rank,
        )
    ):
        keys[(q, m, o, v, r)] = n
    _add_tallies(consultation.id, keys)
    db.session.flush()


def _insert_participation(consultation_id: int, user_id: int) -> bool:
    """One row per citizen per consultation; False if the unique constraint says it exists."""
    values = {"consultation_id": consultation_id, "user_id": user_id}
    dialect = db.session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        module = postgresql if dialect == "postgresql" else sqlite
        statement = (
            module.insert(ConsultationParticipation)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["consultation_id", "user_id"])
            .returning(ConsultationParticipation.id)
        )
        return db.session.execute(statement).scalar() is not None
    try:  # pragma: no cover - other databases
        with db.session.begin_nested():
            db.session.add(ConsultationParticipation(**values))
    except IntegrityError:
        return False
    return True


# --- Moderating free text -------------------------------------------------------------


def pending_texts(consultation: Consultation) -> list[ConsultationTextAnswer]:
    return list(
        db.session.scalars(
            select(ConsultationTextAnswer)
            .join(
                ConsultationQuestion, ConsultationQuestion.id == ConsultationTextAnswer.question_id
            )
            .where(
                ConsultationQuestion.consultation_id == consultation.id,
                ConsultationTextAnswer.status == TextAnswerStatus.PENDING,
            )
            .order_by(ConsultationTextAnswer.id)
        ).all()
    )


@dataclass
class PendingText:
    """A free-text answer waiting in the moderation queue, with what it answers.
    Nothing about who wrote it or when: there is nothing to show."""

    text: ConsultationTextAnswer
    question: ConsultationQuestion
    consultation: Consultation


QUEUE_TEXTS = 50


def pending_texts_queue(limit: int = QUEUE_TEXTS) -> tuple[list[PendingText], int]:
    """For the main moderation queue: up to `limit` free-text answers waiting, from
    every consultation, with their question and consultation, and how many wait in
    all. One query. Ordered by their random ids: no order of arrival."""
    rows = db.session.execute(
        select(
            ConsultationTextAnswer,
            ConsultationQuestion,
            Consultation,
            func.count().over().label("total"),
        )
        .join(ConsultationQuestion, ConsultationQuestion.id == ConsultationTextAnswer.question_id)
        .join(Consultation, Consultation.id == ConsultationQuestion.consultation_id)
        .where(ConsultationTextAnswer.status == TextAnswerStatus.PENDING)
        .order_by(ConsultationTextAnswer.id)
        .limit(limit)
    ).all()
    total = rows[0].total if rows else 0
    return [PendingText(r[0], r[1], r[2]) for r in rows], total


def moderate_text(
    moderator: Any, consultation: Consultation, text_id: str, approve: bool
) -> ConsultationTextAnswer:
    require(can_moderate_consultation_texts(moderator))
    text = db.session.get(ConsultationTextAnswer, text_id)
    question = db.session.get(ConsultationQuestion, text.question_id) if text else None
    if text is None or question is None or question.consultation_id != consultation.id:
        raise DomainError(_("This answer does not exist."))
    text.status = TextAnswerStatus.APPROVED if approve else TextAnswerStatus.REJECTED
    # The log names the answer's random id, never a time the answer was given.
    _log(
        moderator,
        consultation,
        ConsultationEventKind.APPROVE_TEXT if approve else ConsultationEventKind.REJECT_TEXT,
        text_id=text.id,
    )
    db.session.flush()
    return text


# --- Results ------------------------------------------------------------------------


def percent(count: int, n: int) -> int:
    """Whole percentages, as the 2018 survey published them."""
    return int(round(100 * count / n)) if n else 0


@dataclass
class OptionResult:
    option: ConsultationOption
    count: int
    percent: int
    # Rankings: how often ranked first, and the average rank among those who ranked it.
    first: int = 0
    average_rank: float | None = None


@dataclass
class QuestionResult:
    question: ConsultationQuestion
    n: int
    options: list[OptionResult] = field(default_factory=list)
    # Scale: the count of each value 1-5 and the average.
    scale: list[tuple[int, int, int]] = field(default_factory=list)  # (value, count, percent)
    average: float | None = None
    texts: list[str] = field(default_factory=list)


@dataclass
class Group:
    """One column of the municipal breakdown."""

    key: str
    label: str
    n: int
    # question id -> option id (or scale value) -> percent
    percents: dict[int, dict[int, int]]


@dataclass
class Results:
    consultation: Consultation
    respondents: int
    questions: list[QuestionResult]
    groups: list[Group]
    # Respondents folded away because even "other municipalities" stayed too small.
    suppressed: int = 0


def _tallies(
    consultation_id: int,
) -> tuple[
    dict[tuple[int | None, int], int],
    dict[tuple[int | None, int, int | None, int | None, int | None], int],
]:
    """The stored tallies (one query, a few hundred rows whatever the number of
    answers), by the respondent's municipality: how many respondents answered each
    question, and how often each (option, value, rank) was given."""
    answered: dict[tuple[int | None, int], int] = {}
    counts: dict[tuple[int | None, int, int | None, int | None, int | None], int] = {}
    for q, m, o, v, r, n in db.session.execute(
        select(
            ConsultationTally.question_id,
            ConsultationTally.municipality_id,
            ConsultationTally.option_id,
            ConsultationTally.value,
            ConsultationTally.rank,
            ConsultationTally.count,
        ).where(ConsultationTally.consultation_id == consultation_id)
    ):
        if not (o or v or r):
            answered[(m or None, q)] = n
        else:
            counts[(m or None, q, o or None, v or None, r or None)] = n
    return answered, counts


def results(consultation: Consultation, language: str, with_texts: bool = True) -> Results:
    """Every question's results and the municipal breakdown, in a fixed number of
    queries whatever the number of answers, each returning a few hundred rows at
    most (counted by the database, never one row per answer)."""
    questions = questions_of(consultation)
    ids = [q.id for q in questions]
    answered_by, counts_by = _tallies(consultation.id)
    per_question_n: dict[int, int] = defaultdict(int)
    for (_m, q), n in answered_by.items():
        per_question_n[q] += n
    counts: dict[tuple[int, int | None, int | None, int | None], int] = defaultdict(int)
    for (_m, q, o, v, r), c in counts_by.items():
        counts[(q, o, v, r)] += c
    text_n = (
        dict(
            db.session.execute(
                select(ConsultationTextAnswer.question_id, func.count(ConsultationTextAnswer.id))
                .where(ConsultationTextAnswer.question_id.in_(ids))
                .group_by(ConsultationTextAnswer.question_id)
            ).all()
        )
        if ids
        else {}
    )
    texts: dict[int, list[str]] = defaultdict(list)
    if with_texts and ids:
        for q, body in db.session.execute(
            select(ConsultationTextAnswer.question_id, ConsultationTextAnswer.body).where(
                ConsultationTextAnswer.question_id.in_(ids),
                ConsultationTextAnswer.status == TextAnswerStatus.APPROVED,
            )
        ):
            texts[q].append(body)
    rng = random.SystemRandom()

    out: list[QuestionResult] = []
    for question in questions:
        if question.kind == QuestionKind.FREE_TEXT:
            shown = list(texts.get(question.id, []))
            rng.shuffle(shown)
            out.append(QuestionResult(question, text_n.get(question.id, 0), texts=shown))
            continue
        n = per_question_n.get(question.id, 0)
        result = QuestionResult(question, n)
        if question.kind == QuestionKind.SCALE:
            total = 0
            for value in SCALE:
                c = counts.get((question.id, None, value, None), 0)
                total += c * value
                result.scale.append((value, c, percent(c, n)))
            result.average = round(total / n, 1) if n else None
        else:
            for option in question.options:
                if question.kind == QuestionKind.RANKING:
                    by_rank = {
                        r: c
                        for (q, o, _v, r), c in counts.items()
                        if q == question.id and o == option.id and r is not None
                    }
                    c = sum(by_rank.values())
                    average = round(sum(r * k for r, k in by_rank.items()) / c, 1) if c else None
                    first = by_rank.get(1, 0)
                    result.options.append(
                        OptionResult(option, c, percent(first, n), first, average)
                    )
                else:
                    c = counts.get((question.id, option.id, None, None), 0)
                    result.options.append(OptionResult(option, c, percent(c, n)))
        out.append(result)

    groups, suppressed = _breakdown(consultation, questions, language, answered_by, counts_by)
    return Results(consultation, consultation.respondent_count, out, groups, suppressed)


def _breakdown(
    consultation: Consultation,
    questions: list[ConsultationQuestion],
    language: str,
    answered_by: dict[tuple[int | None, int], int],
    counts_by: dict[tuple[int | None, int, int | None, int | None, int | None], int],
) -> tuple[list[Group], int]:
    """Percentages per municipality. A municipality with fewer than SMALL_CELL
    respondents (and respondents who gave none) are folded into "Other
    municipalities"; if that group is still too small, it is not shown."""
    sizes = dict(
        db.session.execute(
            select(ConsultationResponse.municipality_id, func.count())
            .where(ConsultationResponse.consultation_id == consultation.id)
            .group_by(ConsultationResponse.municipality_id)
        ).all()
    )
    shown = {m for m, n in sizes.items() if m is not None and n >= SMALL_CELL}
    if not shown:
        return [], 0
    other_n = sum(n for m, n in sizes.items() if m not in shown)

    def key(municipality_id: int | None) -> str:
        return str(municipality_id) if municipality_id in shown else "other"

    ids = [q.id for q in questions if q.kind != QuestionKind.FREE_TEXT]
    kinds = {q.id: q.kind for q in questions}
    # A response has one municipality: the groups' respondents add up.
    answered: dict[tuple[str, int], int] = defaultdict(int)
    for (m, q), n in answered_by.items():
        answered[(key(m), q)] += n
    tallies: dict[tuple[str, int], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for (m, q, o, v, r), c in counts_by.items():
        k = (key(m), q)
        if kinds.get(q) == QuestionKind.RANKING:
            if r == 1 and o is not None:
                tallies[k][o] += c
        else:
            choice = o if o is not None else v
            if choice is not None:
                tallies[k][choice] += c

    names = {
        m.id: m.name(language)
        for m in db.session.scalars(select(Municipality).where(Municipality.id.in_(shown)))
    }
    groups = [
        Group(str(m), names.get(m, ""), sizes[m], {})
        for m in sorted(shown, key=lambda m: names.get(m, ""))
    ]
    suppressed = 0
    if other_n >= SMALL_CELL:
        groups.append(Group("other", _("Other municipalities"), other_n, {}))
    else:
        suppressed = other_n
    for group in groups:
        for q in ids:
            n = answered.get((group.key, q), 0)
            group.percents[q] = {
                choice: percent(c, n) for choice, c in tallies.get((group.key, q), {}).items()
            }
    return groups, suppressed


def anonymous_rows(
    consultation: Consultation, language: str
) -> tuple[list[ConsultationQuestion], list[list[Any]]]:
    """The answers, one row per respondent in random order: the municipality (folded
    into "Other municipalities" below SMALL_CELL, blank if that is still too small),
    then one cell per question. Free text only once approved. Five queries."""
    questions = questions_of(consultation)
    ids = [q.id for q in questions]
    responses = dict(
        db.session.execute(
            select(ConsultationResponse.id, ConsultationResponse.municipality_id).where(
                ConsultationResponse.consultation_id == consultation.id
            )
        ).all()
    )
    sizes: dict[int | None, int] = defaultdict(int)
    for municipality_id in responses.values():
        sizes[municipality_id] += 1
    shown = {m for m, n in sizes.items() if m is not None and n >= SMALL_CELL}
    other_n = sum(n for m, n in sizes.items() if m not in shown)
    names = {
        m.id: m.name(language)
        for m in db.session.scalars(select(Municipality).where(Municipality.id.in_(shown)))
    }
    other = _("Other municipalities") if other_n >= SMALL_CELL else ""
    labels = {o.id: o.label(language) for q in questions for o in q.options}
    cells: dict[tuple[str, int], list[tuple[int, str]]] = defaultdict(list)
    if ids:
        for response_id, question_id, option_id, rank, value in db.session.execute(
            select(
                ConsultationAnswer.response_id,
                ConsultationAnswer.question_id,
                ConsultationAnswer.option_id,
                ConsultationAnswer.rank,
                ConsultationAnswer.value,
            ).where(ConsultationAnswer.question_id.in_(ids))
        ):
            if option_id is None:
                cells[(response_id, question_id)].append((0, str(value)))
            elif rank is not None:
                cells[(response_id, question_id)].append((rank, f"{rank}. {labels[option_id]}"))
            else:
                cells[(response_id, question_id)].append((0, labels[option_id]))
        for response_id, question_id, body in db.session.execute(
            select(
                ConsultationTextAnswer.response_id,
                ConsultationTextAnswer.question_id,
                ConsultationTextAnswer.body,
            ).where(
                ConsultationTextAnswer.question_id.in_(ids),
                ConsultationTextAnswer.status == TextAnswerStatus.APPROVED,
            )
        ):
            cells[(response_id, question_id)].append((0, body))
    rows = []
    for response_id, municipality_id in responses.items():
        place = names[municipality_id] if municipality_id in shown else other
        row: list[Any] = [place]
        for question in questions:
            parts = sorted(cells.get((response_id, question.id), []))
            row.append(" | ".join(text for _rank, text in parts))
        rows.append(row)
    random.SystemRandom().shuffle(rows)
    return questions, rows
