"""Consultation pages through HTTP with CSRF on (issue 12): an official creates one
in French, a Dutch-speaking citizen answers it as one form, every bad input gets
its translated message and a 4xx with what was typed kept, the results page
shows percentages, charts, tables and downloads."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.models import Consultation, ConsultationParticipation, User
from participation.services import consultations as service
from participation.vocabulary import ConsultationEventKind, Denial, TextAnswerStatus
from tests.factories_consultations import close, full_answer, make_consultation, question_ids
from tests.pages import html, translated


@pytest.fixture
def official(make_user):
    return make_user(role="official", language="fr")


@pytest.fixture
def open_consultation(app, official):
    cid = make_consultation(app, official)
    return cid, question_ids(app, cid)


def _citizen(client, make_user, login, language="en"):
    user = make_user(language=language)
    login(client, user)
    return user


def test_official_creates_a_consultation_in_french(app, client, official, login):
    login(client, official)
    page = client.get("/fr/consultations/new")
    assert page.status_code == 200
    data = {
        "title_fr": "Votre commune est-elle intelligente ?",
        "title_nl": "",
        "intro_fr": "Trois questions.",
        "intro_nl": "Drie vragen.",
        "opens_at": "2026-01-01T09:00",
        "closes_at": "2099-01-01T18:00",
        "results_visibility": "after_closing",
    }
    refused = client.submit("/fr/consultations/new", data)
    assert refused.status_code == 400
    body = html(refused)
    assert translated(app, "fr", "This field is required in French and in Dutch.") in body
    assert "Trois questions." in body  # kept
    data["title_nl"] = "Is uw gemeente slim?"
    created = client.submit("/fr/consultations/new", data)
    assert created.status_code == 302
    edit_url = created.headers["Location"]
    for kind, extra in (
        ("single", {"options_fr": "Oui\nNon", "options_nl": "Ja\nNee", "dont_know": "y"}),
        (
            "scale",
            {
                "low_label_fr": "Pas",
                "low_label_nl": "Niet",
                "high_label_fr": "Très",
                "high_label_nl": "Zeer",
            },
        ),  # fmt: skip
        ("free_text", {}),
    ):
        response = client.submit(
            edit_url.replace("/edit", "/questions"),
            {
                "kind": kind,
                "required": "y",
                "text_fr": f"Q {kind}",
                "text_nl": f"V {kind}",
                **extra,
            },  # fmt: skip
            page=edit_url,
        )
        assert response.status_code == 302, html(response)[:3000]
    bad = client.submit(
        edit_url.replace("/edit", "/questions"),
        {"kind": "single", "text_fr": "Q", "text_nl": "V", "options_fr": "Un", "options_nl": ""},
        page=edit_url,
    )
    assert bad.status_code == 400
    assert translated(app, "fr", "Please give at least two options, one per line.") in html(bad)
    with app.app_context():
        consultation = db.session.scalars(select(Consultation)).one()
        assert len(service.questions_of(consultation)) == 3
        assert consultation.created_by_id == official.id
        # Typed in Brussels time (winter: UTC+1), stored in UTC.
        assert consultation.opens_at.hour == 8
        first = service.questions_of(consultation)[0].id
    removed = client.submit(
        edit_url.replace("/edit", f"/questions/{first}/delete"), {}, page=edit_url
    )
    assert removed.status_code == 302
    with app.app_context():
        consultation = db.session.scalars(select(Consultation)).one()
        assert len(service.questions_of(consultation)) == 2
        kinds = [e.kind for e in service.events(consultation)]
        assert kinds.count("add_question") == 3 and kinds[-1] == "remove_question"


def test_citizen_answers_in_dutch_once(app, client, make_user, login, open_consultation):
    cid, questions = open_consultation
    _citizen(client, make_user, login, language="nl")
    url = f"/nl/consultations/{cid}"
    page = client.get(url)
    assert page.status_code == 200
    body = html(page)
    assert "Is uw gemeente slim?" in body
    assert "<script>alert(1)</script>" not in body
    assert 'name="csrf_token"' in body and "<script>alert" not in body
    answered = client.submit(url, full_answer(questions, text="Meer fietspaden"))
    assert answered.status_code == 302
    again = client.submit(url, full_answer(questions, pick=1))
    assert again.status_code == 409
    assert translated(app, "nl", Denial.ALREADY_ANSWERED.lazy_label._args[0]) in html(again)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(ConsultationParticipation.id))) == 1


@pytest.mark.parametrize(
    "case",
    [
        "required",
        "too_many",
        "foreign_option",
        "scale",
        "ranking_duplicates",
        "huge_text",
    ],
)
def test_bad_answers_get_400_with_message_and_typed_kept(
    app, client, make_user, login, open_consultation, official, case
):
    cid, questions = open_consultation
    single, multiple, scale, ranking, free = questions
    _citizen(client, make_user, login, language="fr")
    data = full_answer(questions, text="Mon idée à moi")
    message = None
    if case == "required":
        del data[f"q{single['id']}"]
        message = "Please answer this question."
    elif case == "too_many":
        data[f"q{multiple['id']}"] = [str(o) for o in multiple["options"][:3]]
        message = None
    elif case == "foreign_option":
        other = question_ids(app, make_consultation(app, official))[0]["options"][0]
        data[f"q{single['id']}"] = str(other)
        message = "Please choose among this question's options."
    elif case == "scale":
        data[f"q{scale['id']}"] = "7"
        message = "Please choose a value from 1 to 5."
    elif case == "ranking_duplicates":
        for option in ranking["options"][:2]:
            data[f"q{ranking['id']}_o{option}"] = "1"
        message = "Each rank can be given to one option only."
    elif case == "huge_text":
        data[f"q{free['id']}"] = "é" * 100_000
    response = client.submit(f"/fr/consultations/{cid}", data)
    assert response.status_code == 400
    body = html(response)
    if message:
        assert translated(app, "fr", message) in body
    if case == "too_many":
        assert "Veuillez choisir au plus 2 options." in body
    if case == "huge_text":
        assert "100000" in body.replace("\u202f", "").replace("\u00a0", "")  # its length
        assert f'value="{multiple["options"][0]}" checked' in body  # the rest is kept
    assert 'aria-invalid="true"' in body
    if case != "huge_text":
        assert "Mon idée à moi" in body  # the free text typed is kept
        assert f'value="{scale["options"][0] if scale["options"] else 1}" checked' in body or (
            case == "scale"
        )
    with app.app_context():
        assert db.session.scalar(select(db.func.count(ConsultationParticipation.id))) == 0


def test_closed_and_upcoming_consultations_refuse_answers(
    app, client, make_client, make_user, login, official
):
    closed = make_consultation(app, official)
    questions = question_ids(app, closed)
    close(app, closed)
    upcoming = make_consultation(app, official, state="upcoming")
    _citizen(client, make_user, login, language="fr")
    response = client.submit(f"/fr/consultations/{closed}", full_answer(questions))
    assert response.status_code == 403
    assert translated(app, "fr", Denial.CONSULTATION_CLOSED.lazy_label._args[0]) in html(response)
    assert client.get(f"/fr/consultations/{upcoming}").status_code == 404
    # An official previewing it (a forged or early post) is told why answering waits.
    client = make_client()
    login(client, official)
    early = client.submit(
        f"/fr/consultations/{upcoming}",
        full_answer(question_ids(app, upcoming)),
        page="/fr/consultations/new",
    )
    assert early.status_code == 403
    assert translated(app, "fr", Denial.CONSULTATION_NOT_OPEN.lazy_label._args[0]) in html(early)


def test_missing_csrf_is_refused(app, client, make_user, login, open_consultation):
    cid, questions = open_consultation
    _citizen(client, make_user, login)
    response = client.post(f"/en/consultations/{cid}", data=full_answer(questions))
    assert response.status_code == 400


def test_results_after_closing_with_chart_table_and_downloads(
    app, make_client, make_user, login, official, count_queries
):
    cid = make_consultation(app, official)
    questions = question_ids(app, cid)
    for pick in (0, 0, 1, 4):
        client = make_client()
        _citizen(client, make_user, login)
        assert client.submit(f"/en/consultations/{cid}", full_answer(questions, pick)).status_code
    visitor = make_client()
    early = visitor.get(f"/en/consultations/{cid}/results")
    assert early.status_code == 403
    assert translated(app, "en", Denial.RESULTS_NOT_YET.lazy_label._args[0]) in html(early)
    close(app, cid)
    with count_queries() as counter:
        page = visitor.get(f"/fr/consultations/{cid}/results")
    assert page.status_code == 200
    assert counter.count <= 12, counter.statements
    body = html(page)
    # 2 of 4, 1 of 4, in French: a no-break space before "%" (GLOSSARY.md)
    assert "50\u00a0%" in body and "25\u00a0%" in body
    assert "<img" in body and ".svg" in body
    svg_url = re.search(r'src="([^"]+/results/[0-9]+\.svg)"', body).group(1)
    chart = visitor.get(svg_url)
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    assert b"<script" not in chart.data and b"http://kozea" not in chart.data
    assert "50\u00a0%" in chart.data.decode()  # a French chart, French percentages
    assert "unsafe-inline" in chart.headers["Content-Security-Policy"]
    results_csv = visitor.get(f"/fr/consultations/{cid}/results.csv")
    rows = list(csv.reader(io.StringIO(results_csv.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == translated(app, "fr", "Question")
    assert ["4", "50"] == rows[1][3:5] or rows[1][1] == "4"
    data = json.loads(visitor.get(f"/en/consultations/{cid}/results.json").data)
    assert data["respondents"] == 4 and data["questions"][0]["options"][0]["percent"] == 50
    answers = visitor.get(f"/en/consultations/{cid}/answers.csv").data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(answers)))
    assert "CC BY 4.0" in lines[0][0]
    assert len(lines) == 2 + 4  # license, headers, one row per respondent
    with app.app_context():
        emails = [u.email for u in db.session.scalars(select(User))]
    assert not any(e in answers for e in emails)


def test_locked_consultation_moves_only_its_closing_date(
    app, client, make_client, make_user, login, official, open_consultation
):
    cid, questions = open_consultation
    citizen = make_client()
    _citizen(citizen, make_user, login)
    assert citizen.submit(f"/en/consultations/{cid}", full_answer(questions)).status_code == 302
    login(client, official)
    edit = f"/en/consultations/{cid}/edit"
    page = client.get(edit)
    assert page.status_code == 200 and "Move the closing date" in html(page)
    refused = client.submit(f"/en/consultations/{cid}/questions", {"kind": "single"}, page=edit)
    assert refused.status_code == 403
    moved = client.submit(edit, {"closes_at": "2099-06-01T12:00"})
    assert moved.status_code == 302
    bad = client.submit(edit, {"closes_at": "2000-06-01T12:00"})
    assert bad.status_code == 400
    page = html(client.get(edit))
    assert "Closing date moved" in page


def test_free_text_moderation_pages(app, make_client, make_user, login, official):
    cid = make_consultation(app, official, visibility="live")
    questions = question_ids(app, cid)
    citizen = make_client()
    _citizen(citizen, make_user, login)
    citizen.submit(f"/en/consultations/{cid}", full_answer(questions, text="<b>Trees</b> please"))
    moderator = make_client()
    login(moderator, make_user(role="moderator"))
    page = moderator.get(f"/en/consultations/{cid}/texts")
    assert page.status_code == 200 and "&lt;b&gt;Trees&lt;/b&gt; please" in html(page)
    results = html(moderator.get(f"/en/consultations/{cid}/results"))
    assert "Trees" not in results
    action = re.search(r'action="([^"]+/texts/[0-9a-f]{32})"', html(page)).group(1)
    assert (
        moderator.submit(action, {"action": "approve"}, page=page.request.path).status_code == 302
    )
    assert "Trees" in html(moderator.get(f"/en/consultations/{cid}/results"))
    assert moderator.submit(action, {"action": "nonsense"}, page=f"/en/consultations/{cid}/texts")
    citizen_page = citizen.get(f"/en/consultations/{cid}/texts")
    assert citizen_page.status_code == 403


def test_privacy_notice_and_form_explain_anonymity(
    app, client, make_user, login, open_consultation
):
    cid, _questions = open_consultation
    about = html(client.get("/fr/about"))
    assert translated(app, "fr", "Consultations: anonymous answers") in about
    _citizen(client, make_user, login, language="fr")
    assert 'id="anonymity-note"' in html(client.get(f"/fr/consultations/{cid}"))


# --- The home page block ----------------------------------------------------------------


def test_the_home_page_shows_the_open_consultations_in_a_fixed_number_of_queries(
    app, client, official, count_queries
):
    from tests.factories_consultations import QUESTIONS

    page = client.get("/nl/")
    assert page.status_code == 200
    assert 'id="consultations-heading"' not in html(page)  # none open: no block
    with count_queries() as none_open:
        client.get("/nl/")
    opened = make_consultation(app, official, questions=QUESTIONS[:1])
    upcoming = make_consultation(app, official, state="upcoming", questions=QUESTIONS[:1])
    closed = make_consultation(app, official, questions=QUESTIONS[:1])
    close(app, closed)
    page = html(client.get("/nl/"))
    block = page.split('id="consultations-heading"')[1].split("</section>")[0]
    assert "Is uw gemeente slim?" in block
    assert f'href="/nl/consultations/{opened}"' in block
    for hidden in (upcoming, closed):
        assert f"/nl/consultations/{hidden}" not in block
    for _ in range(4):
        make_consultation(app, official, questions=QUESTIONS[:1])
    with count_queries() as many_open:
        page = html(client.get("/nl/"))
    # Three shown at most, closing soonest first; one query for the block.
    assert page.split('id="consultations-heading"')[1].count('class="home-consultation"') == 3
    assert none_open.count == many_open.count == 4, many_open.statements


def test_free_text_answers_wait_in_the_main_moderation_queue(
    app, make_client, make_user, login, official, count_queries
):
    """Moderators decide about free-text answers where they decide about ideas; the
    queue shows the answer, its question and consultation, and nothing of who wrote it."""
    from participation.models import ConsultationEvent, ConsultationTextAnswer

    cid = make_consultation(app, official, visibility="live")
    questions = question_ids(app, cid)
    author = make_user(display_name="Zoë Unique-Author")
    with app.app_context():
        db.session.get(User, author.id).municipality_id = 5
        db.session.commit()
    citizen = make_client()
    login(citizen, author)
    written = full_answer(questions, text="Plus de <i>bancs</i> au parc")
    assert citizen.submit(f"/en/consultations/{cid}", written).status_code == 302
    moderator = make_client()
    mod = make_user(role="moderator")
    login(moderator, mod)
    with count_queries() as one:
        page = moderator.get("/en/moderation/")
    body = html(page)
    section = body.split('id="texts-heading"')[1].split("</section>")[0]
    assert "Plus de &lt;i&gt;bancs&lt;/i&gt; au parc" in section
    assert "Anything else?" in section  # its question
    assert "Is your municipality smart?" in section  # its consultation
    with app.app_context():
        text_row = db.session.scalars(select(ConsultationTextAnswer)).one()
        municipality = db.session.get(User, author.id).municipality.name("en")
    # Nothing that names or places the respondent, not even the response's id.
    for secret in ("Zoë", "Unique-Author", author.email, text_row.response_id, municipality):
        assert secret not in body
    # A second pending answer costs no query.
    other = make_client()
    _citizen(other, make_user, login)
    other.submit(f"/en/consultations/{cid}", full_answer(questions, text="Des arbres"))
    with count_queries() as two:
        assert moderator.get("/en/moderation/").status_code == 200
    assert one.count == two.count
    # Approve it from the queue: back to the queue, published, logged.
    action = f"/en/consultations/{cid}/texts/{text_row.id}"
    assert action in section
    done = moderator.submit(action, {"action": "approve", "back": "queue"}, page="/en/moderation/")
    assert done.status_code == 302
    assert done.headers["Location"].endswith("/en/moderation/#texts-heading")
    with app.app_context():
        decided = db.session.get(ConsultationTextAnswer, text_row.id)
        assert decided.status == TextAnswerStatus.APPROVED
        approved = ConsultationEvent.kind == ConsultationEventKind.APPROVE_TEXT
        event = db.session.scalars(select(ConsultationEvent).where(approved)).one()
        assert event.actor_id == mod.id and event.details == {"text_id": text_row.id}
    assert "Plus de" not in html(moderator.get("/en/moderation/")).split('id="texts-heading"')[1]
    assert "Plus de &lt;i&gt;bancs" in html(moderator.get(f"/en/consultations/{cid}/results"))
