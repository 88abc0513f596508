"""Demonstration consultations (issue 12), loaded by `flask demo load`. Idempotent.

- The 2018 Brussels Smart City survey ("What is a smart municipality?", "How smart
  is your municipality?", "How should efforts be directed…"), closed, with its three
  questions, their exact options in French, Dutch and English, and 300 anonymous
  answers whose published results are the survey's percentages exactly (each
  percentage × 3). The 2018 respondents had no account here: their answers are
  imported as anonymous responses, with no participation rows, and a plausible
  municipality each (a few municipalities stay under 10 respondents, so the
  breakdown folds them into "Other municipalities").
- One open consultation in the three languages, for a newcomer to answer; two demo
  citizens have answered it already (one free-text answer waits for moderation).

Consultations are found by their English title: running it again creates nothing.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from werkzeug.datastructures import MultiDict

from participation.extensions import db
from participation.models import (
    Consultation,
    ConsultationAnswer,
    ConsultationResponse,
    Municipality,
    User,
)
from participation.models.base import clock_at, utcnow
from participation.models.consultations import random_id
from participation.services import consultations as service
from participation.vocabulary import OptionKind, QuestionKind, ResultsVisibility

SEED_TITLE_EN = "Brussels Smart City 2018: is your municipality smart?"
OPEN_TITLE_EN = "Walking and cycling in your neighbourhood"
SEED_RESPONDENTS = 300

# The seed survey: each question's options, in FR / NL / EN, with the published
# percentage. DONT_KNOW and NONE_OF_THESE are the vocabulary's special options.
SEED_QUESTIONS: list[dict[str, Any]] = [
    {
        "text": (
            "Qu'est-ce qu'une commune intelligente ?",
            "Wat is een slimme gemeente?",
            "What is a smart municipality?",
        ),
        "options": [
            (
                "Une commune qui facilite les démarches administratives en proposant des "
                "services en ligne ou des guichets électroniques",
                "Een gemeente die administratieve procedures vereenvoudigt met online "
                "diensten of elektronische loketten",
                "A municipality which facilitates administrative procedures by offering "
                "online services or electronic counters",
                44,
            ),
            (
                "Une commune qui propose une ou des applications mobiles utiles au "
                "bien-être de ses citoyens (mobilité, voirie, déchets, etc.)",
                "Een gemeente die een of meer nuttige mobiele applicaties aanbiedt voor het "
                "welzijn van haar burgers (mobiliteit, straten, afval enz.)",
                "A municipality which offers useful (a) mobile application(s) for the "
                "well-being of its citizens (mobility, streets, waste, etc.)",
                26,
            ),
            (
                "Une commune qui utilise les réseaux sociaux ou des plateformes de "
                "participation en ligne pour renforcer le dialogue avec ses citoyens",
                "Een gemeente die sociale netwerken of e-participatieplatformen gebruikt om "
                "de dialoog met haar burgers te versterken",
                "A municipality which uses social networks or e-participation platforms to "
                "strengthen dialogue with its citizens",
                15,
            ),
        ],
        "unsure_percent": 6,
        "none_percent": 9,
    },
    {
        "text": (
            "Votre commune est-elle intelligente ?",
            "Hoe slim is uw gemeente?",
            "How smart is your municipality?",
        ),
        "options": [
            (
                "Ma commune n'a pas de politique smart claire",
                "Mijn gemeente heeft geen duidelijk smart beleid",
                "My municipality has no clear smart policy",
                33,
            ),
            (
                "Ma commune a une volonté de transformation, mais pas de stratégie définie",
                "Mijn gemeente wil veranderen, maar heeft geen vastgelegde strategie",
                "My municipality has a desire for transformation, but no defined strategy",
                32,
            ),
            (
                "Ma commune mène une politique proactive et y travaille",
                "Mijn gemeente voert een proactief beleid en werkt eraan",
                "My municipality has a pro-active policy and is working on it",
                16,
            ),
        ],
        "unsure_percent": 16,
        "none_percent": 3,
    },
    {
        "text": (
            "Comment orienter les efforts pour que votre commune devienne plus intelligente ?",
            "Waar moeten de inspanningen naartoe opdat uw gemeente slimmer wordt?",
            "How should efforts be directed to ensure that your municipality gets smarter?",
        ),
        "options": [
            (
                "Investir (davantage) dans les outils numériques (bornes, guichets "
                "électroniques, etc.)",
                "(Meer) investeren in digitale hulpmiddelen (kiosken, elektronische loketten enz.)",
                "Invest (more) in digital tools (kiosks, electronic counters, etc.)",
                43,
            ),
            (
                "(Mieux) sensibiliser les citoyens aux enjeux de la transformation numérique",
                "Burgers (beter) bewust maken van wat er op het spel staat bij de digitale "
                "transformatie",
                "(Better) raise awareness among citizens of the issues involved in digital "
                "transformation",
                22,
            ),
            (
                "(Mieux) sensibiliser les conseillers, élus et agents publics aux enjeux de "
                "la transformation numérique",
                "Raadsleden, verkozenen en ambtenaren (beter) bewust maken van wat er op het "
                "spel staat bij de digitale transformatie",
                "(Better) raise awareness of councillors, elected officials and public "
                "servants to the issues involved in the digital transformation",
                15,
            ),
            (
                "Former les agents publics",
                "Ambtenaren opleiden",
                "Provide training for public servants",
                7,
            ),
            (
                "Consacrer un budget (plus important) aux réseaux sociaux",
                "Een (groter) budget aan sociale media besteden",
                "Allocate a (larger) budget to social media",
                4,
            ),
        ],
        "unsure_percent": 6,
        "none_percent": 3,
    },
]
# The seed's own words for its last option, in the three languages.
NONE_OF_THESE_RESPONSES = (
    "Aucune de ces réponses",
    "Geen van deze antwoorden",
    "None of these responses",
)

# Where the 300 respondents declared they live: roughly by population; the last
# ones stay under 10 respondents (folded into "Other municipalities"), and 15 gave none.
SEED_MUNICIPALITIES = {
    "bruxelles": 45,
    "schaerbeek": 30,
    "anderlecht": 28,
    "ixelles": 22,
    "molenbeek-saint-jean": 22,
    "uccle": 20,
    "woluwe-saint-lambert": 16,
    "forest": 14,
    "etterbeek": 12,
    "jette": 12,
    "saint-gilles": 12,
    "evere": 10,
    "woluwe-saint-pierre": 10,
    "auderghem": 8,
    "watermael-boitsfort": 6,
    "saint-josse-ten-noode": 5,
    "ganshoren": 5,
    "berchem-sainte-agathe": 4,
    "koekelberg": 4,
}
SEED_NO_MUNICIPALITY = SEED_RESPONDENTS - sum(SEED_MUNICIPALITIES.values())


def _fr(text: str) -> str:
    """French typography: a no-break space before ":" and "»" and after "«", a
    narrow one before "?"."""
    return (
        text.replace(" :", "\u00a0:")
        .replace(" ?", "\u202f?")
        .replace("« ", "«\u00a0")
        .replace(" »", "\u00a0»")
        .replace("'", "’")
    )


def _official() -> User | None:
    return db.session.scalar(select(User).where(User.email == "official@demo.brussels"))


def _exists(title_en: str) -> bool:
    found = db.session.scalar(select(Consultation.id).where(Consultation.title_en == title_en))
    return found is not None


def load() -> int:
    """Create the demo consultations that are missing; return how many were created."""
    official = _official()
    if official is None:
        return 0
    created = 0
    if not _exists(SEED_TITLE_EN):
        load_seed_survey(official)
        created += 1
    if not _exists(OPEN_TITLE_EN):
        load_open_consultation(official)
        created += 1
    db.session.flush()
    return created


def load_seed_survey(official: User) -> Consultation:
    opens = datetime(2018, 5, 22, 8, 0)
    closes = datetime(2018, 10, 15, 21, 59)
    with clock_at(opens - timedelta(days=7)):
        consultation = service.create_consultation(
            official,
            service.ConsultationInput(
                title_fr=_fr("Brussels Smart City 2018 : votre commune est-elle intelligente ?"),
                title_nl="Brussels Smart City 2018: is uw gemeente slim?",
                title_en=SEED_TITLE_EN,
                intro_fr=_fr(
                    "En mai 2018, Brussels Smart City a consacré un événement aux pouvoirs "
                    "locaux bruxellois, « Communes et citoyens à l'ère numérique ». Trois "
                    "questions ont été posées aux visiteurs du portail. Les réponses, "
                    "publiées le 26 octobre 2018, sont reprises ici."
                ),
                intro_nl=(
                    "In mei 2018 wijdde Brussels Smart City een evenement aan de Brusselse "
                    "lokale besturen, 'Gemeenten en burgers in het digitale tijdperk'. De "
                    "bezoekers van het portaal kregen drie vragen. De antwoorden, "
                    "gepubliceerd op 26 oktober 2018, staan hier."
                ),
                intro_en=(
                    "In May 2018, Brussels Smart City held an event for Brussels' local "
                    "authorities, 'Municipalities and citizens in the digital era'. Three "
                    "questions were asked to the visitors of the portal. The answers, "
                    "published on 26 October 2018, are shown here."
                ),
                opens_at=opens,
                closes_at=closes,
                results_visibility=ResultsVisibility.AFTER_CLOSING,
            ),
        )
        questions = []
        for spec in SEED_QUESTIONS:
            questions.append(
                service.add_question(
                    official,
                    consultation,
                    service.QuestionInput(
                        kind=QuestionKind.SINGLE,
                        text_fr=_fr(spec["text"][0]),
                        text_nl=spec["text"][1],
                        text_en=spec["text"][2],
                        options_fr=_fr("\n".join(o[0] for o in spec["options"])),
                        options_nl="\n".join(o[1] for o in spec["options"]),
                        options_en="\n".join(o[2] for o in spec["options"]),
                        dont_know=True,
                        none_of_these=True,
                    ),
                )
            )
    loaded = service.questions_of(consultation)
    for question in loaded:
        for option in question.options:
            if option.kind == OptionKind.NONE_OF_THESE:
                option.label_fr, option.label_nl, option.label_en = NONE_OF_THESE_RESPONSES
    _import_seed_answers(consultation, loaded)
    service.rebuild_tallies(consultation)
    # 2018 is long past: nobody is to be told about it now.
    consultation.announced_at = opens
    consultation.results_announced_at = closes
    db.session.flush()
    return consultation


def _import_seed_answers(consultation: Consultation, questions: list) -> None:
    """300 anonymous responses: each question's answers in the published proportions,
    shuffled independently, and a municipality each. No participation rows."""
    rng = random.Random(2018)
    slugs = dict(db.session.execute(select(Municipality.slug, Municipality.id)).all())
    places: list[int | None] = [None] * SEED_NO_MUNICIPALITY
    for slug, n in SEED_MUNICIPALITIES.items():
        places += [slugs[slug]] * n
    rng.shuffle(places)
    response_ids = [random_id() for _ in range(SEED_RESPONDENTS)]
    db.session.execute(
        insert(ConsultationResponse),
        [
            {"id": rid, "consultation_id": consultation.id, "municipality_id": place}
            for rid, place in zip(response_ids, places, strict=True)
        ],
    )
    answers = []
    for question, spec in zip(questions, SEED_QUESTIONS, strict=True):
        percents = [o[3] for o in spec["options"]] + [spec["unsure_percent"], spec["none_percent"]]
        assert sum(percents) == 100, question.text("en")
        chosen: list[int] = []
        for option, pct in zip(question.options, percents, strict=True):
            chosen += [option.id] * (pct * SEED_RESPONDENTS // 100)
        rng.shuffle(chosen)
        answers += [
            {"id": random_id(), "response_id": rid, "question_id": question.id, "option_id": o}
            for rid, o in zip(response_ids, chosen, strict=True)
        ]
    db.session.execute(insert(ConsultationAnswer), answers)
    consultation.respondent_count = SEED_RESPONDENTS


OPEN_QUESTIONS = [
    service.QuestionInput(
        kind=QuestionKind.SINGLE,
        text_fr="Comment vous déplacez-vous le plus souvent dans votre quartier ?",
        text_nl="Hoe verplaatst u zich het vaakst in uw wijk?",
        text_en="How do you most often get around your neighbourhood?",
        options_fr="À pied\nÀ vélo ou trottinette\nEn transports publics\nEn voiture",
        options_nl="Te voet\nMet de fiets of step\nMet het openbaar vervoer\nMet de auto",
        options_en="On foot\nBy bike or scooter\nBy public transport\nBy car",
        none_of_these=True,
    ),
    service.QuestionInput(
        kind=QuestionKind.MULTIPLE,
        text_fr="Qu'est-ce qui vous ferait marcher ou pédaler davantage ?",
        text_nl="Wat zou u meer doen wandelen of fietsen?",
        text_en="What would make you walk or cycle more?",
        options_fr=(
            "Des trottoirs plus larges\nDes pistes cyclables séparées\n"
            "Des rues scolaires\nPlus d'arbres et d'ombre\nDes parkings vélo sûrs"
        ),
        options_nl=(
            "Bredere voetpaden\nAfgescheiden fietspaden\n"
            "Schoolstraten\nMeer bomen en schaduw\nVeilige fietsenstallingen"
        ),
        options_en=(
            "Wider pavements\nSeparated cycle lanes\n"
            "School streets\nMore trees and shade\nSafe bike parking"
        ),
        max_choices=2,
        dont_know=True,
    ),
    service.QuestionInput(
        kind=QuestionKind.SCALE,
        text_fr="Vous sentez-vous en sécurité à vélo dans votre quartier ?",
        text_nl="Voelt u zich veilig op de fiets in uw wijk?",
        text_en="Do you feel safe cycling in your neighbourhood?",
        low_label_fr="Pas du tout",
        low_label_nl="Helemaal niet",
        low_label_en="Not at all",
        high_label_fr="Tout à fait",
        high_label_nl="Helemaal",
        high_label_en="Completely",
    ),
    service.QuestionInput(
        kind=QuestionKind.RANKING,
        text_fr="Classez ces priorités pour votre quartier",
        text_nl="Rangschik deze prioriteiten voor uw wijk",
        text_en="Rank these priorities for your neighbourhood",
        options_fr=(
            "Moins de trafic de transit\nTraversées plus sûres\nBancs et fontaines\nÉclairage"
        ),
        options_nl=(
            "Minder doorgaand verkeer\nVeiligere oversteekplaatsen\n"
            "Banken en fonteinen\nVerlichting"
        ),
        options_en="Less through traffic\nSafer crossings\nBenches and fountains\nLighting",
        max_choices=3,
    ),
    service.QuestionInput(
        kind=QuestionKind.FREE_TEXT,
        required=False,
        text_fr="Un endroit précis à améliorer ?",
        text_nl="Een precieze plek die beter kan?",
        text_en="A specific place to improve?",
    ),
]


def load_open_consultation(official: User) -> Consultation:
    now = utcnow()
    with clock_at(now - timedelta(days=4)):
        consultation = service.create_consultation(
            official,
            service.ConsultationInput(
                title_fr=_fr("Marcher et pédaler dans votre quartier"),
                title_nl="Wandelen en fietsen in uw wijk",
                title_en=OPEN_TITLE_EN,
                intro_fr=_fr(
                    "La Région prépare son prochain plan pour les piétons et les cyclistes. "
                    "Cinq questions, cinq minutes : vos réponses sont anonymes."
                ),
                intro_nl=(
                    "Het Gewest bereidt zijn volgende plan voor voetgangers en fietsers voor. "
                    "Vijf vragen, vijf minuten: uw antwoorden zijn anoniem."
                ),
                intro_en=(
                    "The Region is preparing its next plan for pedestrians and cyclists. "
                    "Five questions, five minutes: your answers are anonymous."
                ),
                opens_at=now - timedelta(days=3),
                closes_at=now + timedelta(days=40),
                results_visibility=ResultsVisibility.LIVE,
            ),
        )
        for question in OPEN_QUESTIONS:
            question.text_fr = _fr(question.text_fr)
            question.options_fr = _fr(question.options_fr)
            service.add_question(official, consultation, question)
    # Opened before the demo existed: no one is told about it now.
    consultation.announced_at = consultation.opens_at
    questions = service.questions_of(consultation)
    for email, pick, text in (
        ("amina@demo.brussels", 0, ""),
        (
            "jan@demo.brussels",
            1,
            "Kruispunt Flageyplein: te weinig tijd om over te steken.",
        ),
    ):
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            continue
        form: MultiDict[str, str] = MultiDict()
        for question in questions:
            options = question.options
            if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
                form.add(question.field_name, str(options[pick].id))
            elif question.kind == QuestionKind.SCALE:
                form.add(question.field_name, str(2 + pick))
            elif question.kind == QuestionKind.RANKING:
                form.add(service.rank_field(question, options[pick]), "1")
                form.add(service.rank_field(question, options[2]), "2")
            elif text:
                form.add(question.field_name, text)
        service.answer_consultation(user, consultation, form)
    db.session.flush()
    return consultation
