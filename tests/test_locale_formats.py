"""English pages format dates as en_GB (issue 10 §1), and every email leaves
under the Region's name in the recipient's language (issue 10 §3)."""

from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr

import pytest

from participation.extensions import db
from participation.models import Idea

WHEN = datetime(2026, 9, 24, 10, 0)  # UTC: noon in Brussels


def test_english_dates_are_british_not_american(app, client, make_idea, make_comment):
    idea = make_idea(title="Benches in the Parc de Bruxelles")
    comment = make_comment(idea, created_at=datetime(2026, 11, 1, 23, 41))
    with app.app_context():
        row = db.session.get(Idea, idea.id)
        row.published_at = WHEN
        db.session.commit()

    cards = client.get("/en/ideas/").get_data(as_text=True)
    assert "24 Sept 2026" in cards or "24 Sep 2026" in cards
    assert "Sep 24, 2026" not in cards

    page = client.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    # 23:41 UTC on 1 November is 00:41 on 2 November in Brussels: day first, 24-hour clock.
    assert "02/11/2026, 00:41" in page, comment
    assert "11/2/26" not in page and "AM" not in page
    assert '<html lang="en"' in page  # the interface language stays "en"


def test_english_long_dates_in_python_messages(app):
    from flask import g

    from participation.templating import format_date

    with app.test_request_context("/en/"):
        g.lang_code = "en"
        assert format_date(WHEN, "long") == "24 September 2026"
    with app.test_request_context("/fr/"):
        g.lang_code = "fr"
        assert format_date(WHEN, "long") == "24 septembre 2026"


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("fr", "Participation Bruxelles"),
        ("nl", "Participatie Brussel"),
        ("en", "Participation Bruxelles / Participatie Brussel"),
    ],
)
def test_mail_sender_name_is_the_regions_in_the_recipients_language(
    client, mailbox, make_user, language, name
):
    user = make_user(email=f"sender-{language}@example.be", language=language)
    client.submit("/en/account/reset", {"email": user.email})
    message = mailbox.last(user.email)
    sender_name, address = parseaddr(message["From"])
    assert sender_name == name
    assert address == "no-reply@participation.brussels"
    assert "Participation Brussels" not in message["From"]
