"""Bilingual content (issue 10 §3): official responses in French and Dutch
(English optional), each reader and each email in their language, with the
other versions one click away; comments record their language; and every piece
of user content on a page carries the `lang` of its language (WCAG 3.1.2)."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.models import Comment, OfficialStatusChange
from tests.factories import reload
from tests.pages import translated

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

NL_TITLE = "NLTITLE Overdekte fietsenstalling aan het Zuidstation"
NL_BODY = "NLBODY Een veilige fietsenstalling voor pendelaars, dicht bij de perrons."
FR_COMMENT = "FRCOMMENT Très bonne idée, il faut aussi des arceaux pour les vélos cargos."
EN_REPLY = "ENREPLY Agreed, and a repair stand would help."
ANSWER = {
    "fr": "FRANSWER La Région étudie un parking vélos couvert avec la SNCB.",
    "nl": "NLANSWER Het Gewest bestudeert een overdekte fietsenstalling met de NMBS.",
}


class LangOfText(HTMLParser):
    """Each text of the page's <body> with the `lang` in force around it (the
    nearest ancestor's, as a screen reader reads it)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.texts: list[tuple[str, str | None]] = []
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        if tag in VOID:
            return
        lang = dict(attrs).get("lang")
        self.stack.append((tag, lang if lang is not None else self.lang))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    @property
    def lang(self) -> str | None:
        return self.stack[-1][1] if self.stack else None

    def handle_data(self, data):
        if self.in_body and data.strip():
            self.texts.append((data, self.lang))


def langs_of(html: str, marker: str) -> list[str | None]:
    """The `lang` around every text of the body that contains `marker`."""
    parser = LangOfText()
    parser.feed(html)
    return [lang for text, lang in parser.texts if marker in text]


def assert_marked(html: str, marker: str, lang: str, where: str) -> None:
    found = langs_of(html, marker)
    assert found, f"{marker} not on {where}"
    assert set(found) == {lang}, f"{marker} on {where}: lang {found}, expected {lang}"


@pytest.fixture
def story(app, make_user, make_idea, make_client, login):
    """A Dutch idea on English pages, with a French comment, an English reply
    and an official answer in French and Dutch only."""
    author = make_user(language="nl", display_name="Jan")
    idea = make_idea(author=author, title=NL_TITLE, body=NL_BODY, language="nl", support_count=0)
    citizen = make_user(language="en", display_name="Sarah")
    citizen_client = make_client()
    login(citizen_client, citizen)
    assert citizen_client.submit(f"/en/ideas/{idea.id}/support", {}).status_code == 302
    posted = citizen_client.submit(
        f"/en/ideas/{idea.id}/comments", {"body": FR_COMMENT, "language": "fr"}
    )
    assert posted.status_code == 302
    with app.app_context():
        first = db.session.scalar(select(Comment).where(Comment.idea_id == idea.id))
        assert first.language == "fr"
        first_id = first.id
    # No language field: the page's language (English).
    posted = citizen_client.submit(
        f"/en/ideas/{idea.id}/comments", {"body": EN_REPLY, "parent_id": str(first_id)}
    )
    assert posted.status_code == 302
    official_client = make_client()
    login(official_client, make_user(role="official", display_name="Agent"))
    answered = official_client.submit(
        f"/en/officials/ideas/{idea.id}/status",
        {"status": "accepted", "response_fr": ANSWER["fr"], "response_nl": ANSWER["nl"]},
    )
    assert answered.status_code == 302, answered.get_data(as_text=True)[:300]
    author_client = make_client()
    login(author_client, author)
    return {
        "idea": idea,
        "citizen": citizen_client,
        "official": official_client,
        "author": author_client,
    }


def test_every_piece_of_user_content_carries_its_lang(client, story):
    """WCAG 3.1.2 (language of parts): titles, descriptions, comments, answers
    and titles inside hidden button labels, on every page that shows them."""
    idea = story["idea"]
    detail = story["citizen"].get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    assert '<html lang="en"' in detail
    assert_marked(detail, "NLTITLE", "nl", "the idea page")
    assert_marked(detail, "NLBODY", "nl", "the idea page")
    assert_marked(detail, "FRCOMMENT", "fr", "the idea page")
    assert_marked(detail, "ENREPLY", "en", "the idea page")
    assert_marked(detail, "FRANSWER", "fr", "the idea page")
    assert_marked(detail, "NLANSWER", "nl", "the idea page")
    # The support button's hidden label names the idea: "Withdraw my support: <title>".
    assert detail.count("NLTITLE") >= 2

    for url in (
        "/en/",
        "/en/ideas/",
        "/en/ideas/challenge/connected",
        "/en/ideas/?status=accepted",
    ):
        html = client.get(url).get_data(as_text=True)
        assert_marked(html, "NLTITLE", "nl", url)
        assert_marked(html, "NLBODY", "nl", url)

    dashboard = story["official"].get("/en/officials/?period=all").get_data(as_text=True)
    assert dashboard.count("NLTITLE") >= 2  # the link and the hidden "Respond: <title>"
    assert_marked(dashboard, "NLTITLE", "nl", "the dashboard")
    status_page = story["official"].get(f"/en/officials/ideas/{idea.id}/status")
    assert_marked(status_page.get_data(as_text=True), "NLTITLE", "nl", "the status page")
    # The author's notifications quote the title inside an English sentence.
    notifications = story["author"].get("/en/notifications/").get_data(as_text=True)
    assert "received an official response" in notifications
    assert_marked(notifications, "NLTITLE", "nl", "the notifications")
    mine = story["author"].get("/en/ideas/mine").get_data(as_text=True)
    assert_marked(mine, "NLTITLE", "nl", "my ideas")


@pytest.mark.parametrize(
    ("lang", "shown", "others"),
    [("fr", "fr", ["nl"]), ("nl", "nl", ["fr"]), ("en", "fr", ["nl"])],
)
def test_each_reader_reads_the_answer_in_their_language(app, client, story, lang, shown, others):
    html = client.get(f"/{lang}/ideas/{story['idea'].id}").get_data(as_text=True)
    marker = {"fr": "FRANSWER", "nl": "NLANSWER"}
    # Shown first, outside any <details>: the reader's version.
    first = html.index('<div class="official-response"')
    assert html.index(marker[shown]) > first
    assert html.index(marker[shown]) < html.index('<details class="official-response-version"')
    for other in others:
        # One click away, without JavaScript: a <details> with the language named in itself.
        assert html.index(marker[other]) > html.index('<details class="official-response-version"')
        assert f'<summary><span lang="{other}">' in html
    note = translated(
        app, lang, "There is no version of this response in your language: here is the French text."
    )
    if lang == "en":
        assert note in html  # English falls back to French, and says so
    else:
        assert note not in html


def test_answers_in_three_languages_and_the_api_and_open_data(
    app, client, make_user, make_idea, make_client, login
):
    idea = make_idea(title="Trilingual answer")
    official = make_client()
    login(official, make_user(role="official"))
    response = official.submit(
        f"/en/officials/ideas/{idea.id}/status",
        {
            "status": "under_review",
            "response_fr": "Nous étudions.",
            "response_nl": "Wij bestuderen.",
            "response_en": "We are studying it.",
        },
    )
    assert response.status_code == 302
    html = client.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    assert html.index("We are studying it.") < html.index("Nous étudions.")
    assert "here is the French text" not in html

    body = client.get(f"/api/v1/ideas/{idea.id}?lang=nl").get_json()
    [change] = body["official_responses"]
    assert change["response"] == "Wij bestuderen." and change["response_language"] == "nl"
    assert change["response_texts"] == {
        "fr": "Nous étudions.",
        "nl": "Wij bestuderen.",
        "en": "We are studying it.",
    }


def test_the_english_version_is_optional_in_the_api(client, story):
    body = client.get(f"/api/v1/ideas/{story['idea'].id}?lang=en").get_json()
    [change] = body["official_responses"]
    assert change["response_texts"] == {"fr": ANSWER["fr"], "nl": ANSWER["nl"], "en": None}
    assert change["response"] == ANSWER["fr"] and change["response_language"] == "fr"


def test_open_data_gives_every_version(app, runner, story, tmp_path):
    result = runner.invoke(args=["opendata", "export", "--directory", str(tmp_path)])
    assert result.exit_code == 0, result.output
    [row] = json.loads((tmp_path / "official_responses.json").read_text(encoding="utf-8"))
    assert row["response_fr"] == ANSWER["fr"] and row["response_nl"] == ANSWER["nl"]
    assert row["response_en"] == "" and row["response"] == ANSWER["fr"]


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("response_nl", "Please give the response in Dutch too"),
        ("response_fr", "Please give the response in French too"),
    ],
)
def test_french_and_dutch_are_both_required_and_the_form_keeps_the_text(
    app, make_user, make_idea, make_client, login, missing, message
):
    idea = make_idea()
    official = make_client()
    login(official, make_user(role="official"))
    data = {
        "status": "under_review",
        "response_fr": "Texte <b>gardé</b>",
        "response_nl": "Tekst <b>bewaard</b>",
        "response_en": "Kept text",
        missing: "  ",
    }
    response = official.submit(f"/nl/officials/ideas/{idea.id}/status", data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert translated(app, "nl", message + ": the Region answers in French and Dutch.") in html
    assert "Kept text" in html
    kept = (
        "Tekst &lt;b&gt;bewaard&lt;/b&gt;" if missing == "response_fr" else "Texte &lt;b&gt;gardé"
    )
    assert kept in html
    assert 'aria-invalid="true"' in html
    with app.app_context():
        assert db.session.scalar(select(OfficialStatusChange)) is None


def test_each_email_carries_the_recipients_version(
    app, make_user, make_idea, make_client, login, mailbox
):
    author = make_user(language="nl", email="nl-author@example.be")
    idea = make_idea(author=author, title="Groene daken")
    english = make_user(language="en", email="en-supporter@example.be")
    french = make_user(language="fr", email="fr-supporter@example.be")
    for supporter in (english, french):
        supporter_client = make_client()
        login(supporter_client, supporter)
        supporter_client.submit(f"/en/ideas/{idea.id}/support", {})
    official = make_client()
    login(official, make_user(role="official"))
    official.submit(
        f"/en/officials/ideas/{idea.id}/status",
        {"status": "accepted", "response_fr": ANSWER["fr"], "response_nl": ANSWER["nl"]},
    )
    dutch_mail = mailbox.text(mailbox.last(author.email))
    assert "NLANSWER" in dutch_mail and "FRANSWER" not in dutch_mail
    french_mail = mailbox.last(french.email)
    assert "FRANSWER" in mailbox.text(french_mail) and "NLANSWER" not in mailbox.text(french_mail)
    english_mail = mailbox.last(english.email)
    text = mailbox.text(english_mail)
    assert "FRANSWER" in text and "NLANSWER" not in text
    assert "no version of this response in your language: here is the French text" in text
    assert 'lang="fr"' in mailbox.html(english_mail)


def test_a_comment_records_the_language_chosen_or_the_pages(
    app, make_user, make_idea, make_client, login
):
    idea = make_idea()
    writer = make_client()
    login(writer, make_user(language="en"))
    page = writer.get(f"/fr/ideas/{idea.id}").get_data(as_text=True)
    # The select offers the three languages, the page's chosen.
    assert '<option selected value="fr">' in page or 'value="fr" selected' in page
    writer.submit(f"/fr/ideas/{idea.id}/comments", {"body": "Un commentaire en français."})
    writer.submit(
        f"/fr/ideas/{idea.id}/comments",
        {"body": "Een reactie in het Nederlands.", "language": "nl"},
    )
    refused = writer.submit(
        f"/fr/ideas/{idea.id}/comments", {"body": "A comment in Klingon.", "language": "tlh"}
    )
    assert refused.status_code == 400
    assert translated(app, "fr", "Please choose French, Dutch or English.") in refused.get_data(
        as_text=True
    )
    assert "A comment in Klingon." in refused.get_data(as_text=True)
    with app.app_context():
        stored = db.session.execute(
            select(Comment.body_source, Comment.language).order_by(Comment.id)
        ).all()
    assert [tuple(row) for row in stored] == [
        ("Un commentaire en français.", "fr"),
        ("Een reactie in het Nederlands.", "nl"),
    ]
    html = writer.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    assert_marked(html, "Een reactie in het Nederlands.", "nl", "the idea page")
    # The API says it too.
    body = writer.get(f"/api/v1/ideas/{idea.id}/comments").get_json()
    assert [c["language"] for c in body["data"]] == ["fr", "nl"]


def test_editing_a_comment_can_correct_its_language(app, make_user, make_idea, make_client, login):
    idea = make_idea()
    writer = make_client()
    login(writer, make_user(language="en"))
    writer.submit(f"/en/ideas/{idea.id}/comments", {"body": "Goed idee, echt waar."})
    with app.app_context():
        comment_id = db.session.scalar(select(Comment.id))
    url = f"/en/ideas/{idea.id}/comments/{comment_id}/edit"
    assert 'value="en" selected' in writer.get(url).get_data(as_text=True) or (
        '<option selected value="en">' in writer.get(url).get_data(as_text=True)
    )
    assert (
        writer.submit(url, {"body": "Goed idee, echt waar.", "language": "nl"}).status_code == 302
    )
    assert reload(app, Comment, comment_id).language == "nl"
