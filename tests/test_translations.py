"""Translations of ideas (issue 10, §3): the author's are published with the
idea; a participant's wait for a moderator; readers see the idea in their
language, marked, with the original one click away; lists show the translated
title with its own `lang`; hidden ideas never show a translation; the search
finds ideas through their translations."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.models import Idea, IdeaTranslation, ModerationAction
from participation.services import DomainError, search
from participation.services import translations as service
from participation.vocabulary import ModerationActionKind, TranslationStatus
from tests.factories import reload

NL_TITLE = "Beschermde fietspaden op de Waversesteenweg"
NL_BODY = (
    "Fietsers delen de weg met bussen. <script>alert('x')</script> Een beschermd fietspad helpt."
)
FR_TITLE = "Des pistes cyclables protégées chaussée de Wavre"
FR_BODY = "Les cyclistes partagent la route avec les bus. Une piste protégée les aiderait."


def _translate(client, idea_id, language, title, body, page=None):
    return client.submit(
        f"/en/ideas/{idea_id}/translations",
        {"language": language, "title": title, "body": body},
        page=page,
    )


def _rows(app, idea_id):
    with app.app_context():
        return {
            t.language: (t.status, t.by_author, t.body_html)
            for t in db.session.scalars(
                select(IdeaTranslation).where(IdeaTranslation.idea_id == idea_id)
            )
        }


@pytest.fixture
def idea_and_author(make_user, make_idea):
    author = make_user()
    idea = make_idea(author=author, title="Protected bike lanes on Chaussée de Wavre")
    return idea, author


def test_the_author_publishes_a_translation_and_readers_see_it(
    app, client, make_client, login, idea_and_author
):
    idea, author = idea_and_author
    login(client, author)
    page = client.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    assert f"/en/ideas/{idea.id}/translations" in page  # "Translate my idea"
    response = _translate(client, idea.id, "nl", NL_TITLE, NL_BODY)
    assert response.status_code == 302
    status, by_author, body_html = _rows(app, idea.id)["nl"]
    assert (status, by_author) == (TranslationStatus.PUBLISHED, True)
    assert "<script>" not in body_html  # sanitized on write
    assert reload(app, Idea, idea.id).title_nl == NL_TITLE

    reader = make_client()
    html = reader.get(f"/nl/ideas/{idea.id}").get_data(as_text=True)
    assert f'<h1 id="idea-title" lang="nl">{NL_TITLE}</h1>' in html
    assert "Vertaald door de auteur" in html
    assert f'href="/nl/ideas/{idea.id}?original=1"' in html
    assert 'class="idea-body user-content" lang="nl"' in html
    original = reader.get(f"/nl/ideas/{idea.id}?original=1").get_data(as_text=True)
    assert 'lang="en">Protected bike lanes on Chaussée de Wavre</h1>' in original
    assert f'href="/nl/ideas/{idea.id}"' in original  # back to the translation
    # Readers of the original's language, and of a language without a
    # translation, read the original.
    assert "Vertaald" not in reader.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    french = reader.get(f"/fr/ideas/{idea.id}").get_data(as_text=True)
    assert 'lang="en">Protected bike lanes' in french and "Traduit par" not in french

    # Cards in lists: the translated title, with the content's language.
    listing = reader.get("/nl/ideas/").get_data(as_text=True)
    assert re.search(rf'<a href="/nl/ideas/{idea.id}" lang="nl">{NL_TITLE}</a>', listing)
    english = reader.get("/en/ideas/").get_data(as_text=True)
    assert re.search(rf'<a href="/en/ideas/{idea.id}" lang="en">Protected bike lanes', english)


def test_a_participant_offers_a_translation_and_a_moderator_approves_it(
    app, client, make_client, make_user, login, idea_and_author
):
    idea, _author = idea_and_author
    translator = make_user(language="fr")
    login(client, translator)
    assert "Offer a translation" in client.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    assert _translate(client, idea.id, "fr", FR_TITLE, FR_BODY).status_code == 302
    assert _rows(app, idea.id)["fr"][:2] == (TranslationStatus.PENDING, False)
    reader = make_client()
    assert FR_TITLE not in reader.get(f"/fr/ideas/{idea.id}").get_data(as_text=True)
    assert FR_TITLE not in reader.get("/fr/ideas/").get_data(as_text=True)
    # A second offer for the same language is refused while one waits.
    again = _translate(client, idea.id, "fr", FR_TITLE + " bis", FR_BODY)
    assert again.status_code == 400

    moderator = make_user(role="moderator")
    mod = make_client()
    login(mod, moderator)
    queue = mod.get("/en/moderation/").get_data(as_text=True)
    with app.app_context():
        translation_id = db.session.scalar(
            select(IdeaTranslation.id).where(IdeaTranslation.idea_id == idea.id)
        )
    assert f"/en/moderation/translations/{translation_id}" in queue
    assert f'lang="fr">{FR_TITLE}</a>' in queue
    response = mod.submit(
        f"/en/moderation/translations/{translation_id}/approve",
        {},
        page=f"/en/moderation/translations/{translation_id}",
    )
    assert response.status_code == 302
    html = reader.get(f"/fr/ideas/{idea.id}").get_data(as_text=True)
    assert FR_TITLE in html and "Traduit par un participant" in html
    with app.app_context():
        logged = db.session.scalars(
            select(ModerationAction).where(ModerationAction.target_id == idea.id)
        ).all()
    assert [(a.action, a.target_user_id) for a in logged] == [
        (ModerationActionKind.APPROVE_TRANSLATION, translator.id)
    ]
    assert '"translation": "fr"' in logged[0].details


def test_a_rejected_offer_is_never_shown_and_makes_room_for_another(
    app, client, make_client, make_user, login, idea_and_author
):
    idea, _author = idea_and_author
    translator = make_user()
    login(client, translator)
    _translate(client, idea.id, "nl", NL_TITLE, NL_BODY)
    moderator = make_user(role="moderator")
    with app.app_context():
        row = db.session.scalar(select(IdeaTranslation))
        with pytest.raises(DomainError):
            service.reject_translation(reload(app, type(moderator), moderator.id), row, "", "")
        db.session.rollback()
    mod = make_client()
    login(mod, moderator)
    with app.app_context():
        row_id = db.session.scalar(select(IdeaTranslation.id))
    page = f"/en/moderation/translations/{row_id}"
    refused = mod.submit(f"{page}/reject", {"reason": "other", "text": ""}, page=page)
    assert refused.status_code == 400
    rejected = mod.submit(f"{page}/reject", {"reason": "off_topic"}, page=page)
    assert rejected.status_code == 302
    assert _rows(app, idea.id)["nl"][0] == TranslationStatus.REJECTED
    assert NL_TITLE not in make_client().get(f"/nl/ideas/{idea.id}").get_data(as_text=True)
    # Someone may offer a new one.
    other = make_client()
    login(other, make_user())
    assert _translate(other, idea.id, "nl", NL_TITLE, NL_BODY).status_code == 302
    assert _rows(app, idea.id)["nl"][0] == TranslationStatus.PENDING


def test_proposing_points_to_translations(app, client, make_user, login):
    from tests.test_ideas_write import _form

    login(client, make_user())
    response = client.submit("/en/ideas/new", _form(app), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "You can add your idea in the other languages now" in html
    assert re.search(r'href="/en/ideas/\d+/translations"', html)


def test_bad_input_is_refused_and_kept(client, login, idea_and_author, app):
    idea, author = idea_and_author
    login(client, author)
    short = _translate(client, idea.id, "nl", "Kort", NL_BODY)
    assert short.status_code == 400
    html = short.get_data(as_text=True)
    assert "The title must have between 8 and 120 characters." in html
    assert "Fietsers delen de weg met bussen." in html  # what was typed stays
    same = _translate(client, idea.id, "en", NL_TITLE, NL_BODY)  # the idea's own language
    assert same.status_code == 400
    assert _rows(app, idea.id) == {}


def test_the_author_may_replace_a_participants_translation(
    app, client, make_client, make_user, login, idea_and_author
):
    idea, author = idea_and_author
    other = make_client()
    login(other, make_user())
    _translate(other, idea.id, "nl", NL_TITLE, NL_BODY)
    login(client, author)
    assert _translate(client, idea.id, "nl", NL_TITLE + " (auteur)", NL_BODY).status_code == 302
    assert _rows(app, idea.id)["nl"][:2] == (TranslationStatus.PUBLISHED, True)


def test_hidden_ideas_never_show_their_translation(
    app, client, make_client, make_user, login, idea_and_author
):
    idea, author = idea_and_author
    login(client, author)
    _translate(client, idea.id, "nl", NL_TITLE, NL_BODY)
    from participation.models import User
    from participation.services.moderation import hide_item

    moderator = make_user(role="moderator")
    with app.app_context():
        hide_item(db.session.get(User, moderator.id), db.session.get(Idea, idea.id), "spam", None)
        db.session.commit()
    html = make_client().get(f"/nl/ideas/{idea.id}").get_data(as_text=True)
    assert NL_TITLE not in html and "Fietsers" not in html
    assert NL_TITLE not in make_client().get("/nl/ideas/").get_data(as_text=True)
    assert make_client().get(f"/en/ideas/{idea.id}/translations").status_code == 302  # login
    login(other := make_client(), make_user())
    assert other.get(f"/en/ideas/{idea.id}/translations").status_code == 403


def test_lists_keep_their_query_count_with_translations(
    app, client, make_client, login, make_idea, make_user, count_queries
):
    for _ in range(3):
        make_idea()
    reader = make_client()
    with count_queries() as before:
        assert reader.get("/nl/ideas/").status_code == 200
    author = make_user()
    login(client, author)
    for n in range(3):
        idea = make_idea(author=author)
        _translate(client, idea.id, "nl", f"{NL_TITLE} {n}", NL_BODY)
    with count_queries() as after:
        html = reader.get("/nl/ideas/").get_data(as_text=True)
    assert f"{NL_TITLE} 2" in html
    assert after.count == before.count


def test_search_finds_ideas_through_their_translations(
    app, client, make_client, make_user, login, idea_and_author
):
    idea, author = idea_and_author
    login(client, author)
    _translate(client, idea.id, "nl", NL_TITLE, NL_BODY)
    found = make_client().get("/en/ideas/?q=waversesteenweg").get_data(as_text=True)
    assert f'href="/en/ideas/{idea.id}"' in found
    # A word of both the original and the translation: the idea once.
    both = make_client().get("/nl/ideas/?q=wavre").get_data(as_text=True)
    assert both.count(f'href="/nl/ideas/{idea.id}"') == 1
    # Pending translations are not searched.
    other = make_client()
    login(other, make_user())
    _translate(other, idea.id, "fr", "Des pistes cyclables protégées partout", FR_BODY)
    none = make_client().get("/en/ideas/?q=partout").get_data(as_text=True)
    assert f'href="/en/ideas/{idea.id}"' not in none
    with app.app_context():
        similar = search.similar_ideas("Een beschermd fietspad op de Waversesteenweg")
    assert [i.id for i in similar] == [idea.id]
