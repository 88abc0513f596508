"""Consultations for tests, made through the services as an official would."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from participation.extensions import db
from participation.models import Consultation, User
from participation.models.base import utcnow
from participation.services import consultations as service
from participation.vocabulary import QuestionKind, ResultsVisibility

# One question of each kind; the first is the seed survey's first question.
QUESTIONS = [
    service.QuestionInput(
        kind=QuestionKind.SINGLE,
        text_fr="Qu'est-ce qu'une commune intelligente ? <script>alert(1)</script>",
        text_nl="Wat is een slimme gemeente?",
        text_en="What is a smart municipality?",
        options_fr="Des services en ligne\nDes applications mobiles\nLes réseaux sociaux",
        options_nl="Online diensten\nMobiele apps\nSociale netwerken",
        options_en="Online services\nMobile applications\nSocial networks",
        dont_know=True,
        none_of_these=True,
    ),
    service.QuestionInput(
        kind=QuestionKind.MULTIPLE,
        text_fr="Quels services utilisez-vous ?",
        text_nl="Welke diensten gebruikt u?",
        text_en="Which services do you use?",
        options_fr="Guichet\nKiosque\nApplication\nSite",
        options_nl="Loket\nKiosk\nApp\nWebsite",
        options_en="Counter\nKiosk\nApp\nWebsite",
        max_choices=2,
        none_of_these=True,
    ),
    service.QuestionInput(
        kind=QuestionKind.SCALE,
        text_fr="Votre commune est-elle intelligente ?",
        text_nl="Is uw gemeente slim?",
        text_en="How smart is your municipality?",
        low_label_fr="Pas du tout",
        low_label_nl="Helemaal niet",
        low_label_en="Not at all",
        high_label_fr="Tout à fait",
        high_label_nl="Helemaal",
        high_label_en="Very",
    ),
    service.QuestionInput(
        kind=QuestionKind.RANKING,
        text_fr="Classez ces priorités",
        text_nl="Rangschik deze prioriteiten",
        text_en="Rank these priorities",
        options_fr="Outils numériques\nSensibilisation\nFormation",
        options_nl="Digitale hulpmiddelen\nBewustmaking\nOpleiding",
        options_en="Digital tools\nAwareness\nTraining",
        max_choices=2,
    ),
    service.QuestionInput(
        kind=QuestionKind.FREE_TEXT,
        required=False,
        text_fr="Autre chose ?",
        text_nl="Nog iets?",
        text_en="Anything else?",
    ),
]


def make_consultation(
    app: Flask,
    official: User,
    state: str = "open",
    municipality_id: int | None = None,
    visibility: str = ResultsVisibility.AFTER_CLOSING,
    questions: list[service.QuestionInput] | None = None,
) -> int:
    """A consultation with QUESTIONS, open now (or upcoming); returns its id.
    Close it afterwards with `close(app, id)` (answers need it open)."""
    now = utcnow()
    opens = now - timedelta(days=1) if state == "open" else now + timedelta(days=1)
    with app.app_context():
        actor = db.session.get(User, official.id)
        consultation = service.create_consultation(
            actor,
            service.ConsultationInput(
                title_fr="Votre commune est-elle intelligente ?",
                title_nl="Is uw gemeente slim?",
                title_en="Is your municipality smart? <b>bold</b>",
                intro_fr="Trois questions sur la commune intelligente.",
                intro_nl="Drie vragen over de slimme gemeente.",
                intro_en="Three questions about the smart municipality.",
                opens_at=opens,
                closes_at=opens + timedelta(days=30),
                municipality_id=municipality_id,
                results_visibility=visibility,
            ),
        )
        for question in QUESTIONS if questions is None else questions:
            service.add_question(actor, consultation, question)
        db.session.commit()
        return consultation.id


def close(app: Flask, consultation_id: int) -> None:
    """Move the dates into the past, as time would."""
    with app.app_context():
        consultation = db.session.get(Consultation, consultation_id)
        length = consultation.closes_at - consultation.opens_at
        consultation.closes_at = utcnow() - timedelta(minutes=1)
        consultation.opens_at = consultation.closes_at - length
        db.session.commit()


def question_ids(app: Flask, consultation_id: int) -> list[dict]:
    """Each question's id, kind and option ids, in order."""
    with app.app_context():
        consultation = db.session.get(Consultation, consultation_id)
        return [
            {"id": q.id, "kind": q.kind, "options": [o.id for o in q.options]}
            for q in service.questions_of(consultation)
        ]


def full_answer(questions: list[dict], pick: int = 0, text: str = "") -> dict:
    """A complete, valid answer form: option `pick` everywhere it exists."""
    data: dict = {}
    for q in questions:
        name = f"q{q['id']}"
        if q["kind"] in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            data[name] = str(q["options"][pick % len(q["options"])])
        elif q["kind"] == QuestionKind.SCALE:
            data[name] = str(pick % 5 + 1)
        elif q["kind"] == QuestionKind.RANKING:
            first = q["options"][pick % len(q["options"])]
            data[f"{name}_o{first}"] = "1"
        elif text:
            data[name] = text
    return data
