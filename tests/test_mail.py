"""Mail (issue 2, §5): real SMTP on localhost, the recipient's language, text
plus HTML, and the whole message in the log when MAIL_SERVER is unset."""

from __future__ import annotations

import logging
import re
import socket

import pytest

from participation.extensions import db
from tests.pages import translated


def register(client, lang: str = "nl", language: str = "nl", **overrides):
    data = {
        "email": "lea@example.be",
        "display_name": "Léa",
        "password": "velo-dans-le-parc-royal",
        "confirm": "velo-dans-le-parc-royal",
        "language": language,
        "municipality": "",
        "accept_rules": "y",
    }
    data.update(overrides)
    response = client.submit(f"/{lang}/account/register", data)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


def test_confirmation_mail_over_smtp_in_the_recipients_language(client, mailbox, app):
    register(client, lang="fr", language="nl")  # French page, Dutch preference
    [message] = mailbox.to("lea@example.be")
    assert message["Content-Language"] == "nl"
    assert message["Subject"] == translated(app, "nl", "Confirm your email address")
    assert message["Subject"] != "Confirm your email address"
    assert "no-reply@participation.brussels" in message["From"]
    assert message["Message-ID"] and message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    text = mailbox.text(message)
    html = mailbox.html(message)
    link = re.search(r"http://localhost/nl/account/confirm/\S+", text).group(0)
    assert f'href="{link}"' in html
    assert "Léa" in text and "Léa" in html
    assert "Hallo" in text or translated(app, "nl", "Hello %(name)s,", name="Léa") in text
    assert '<html lang="nl">' in html


def test_html_mail_escapes_the_display_name(client, mailbox, make_user):
    user = make_user(email="xss@example.be")  # the factory's name carries a <script>
    client.submit("/en/account/reset", {"email": user.email})
    html = mailbox.html(mailbox.last(user.email))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_reset_mail_goes_out_in_the_users_language_whatever_the_page(
    client, mailbox, make_user, app
):
    user = make_user(email="sarah@example.be", language="en")
    client.submit("/nl/account/reset", {"email": user.email})
    message = mailbox.last(user.email)
    assert message["Content-Language"] == "en"
    assert message["Subject"] == "Choose a new password"
    assert mailbox.link(user.email).startswith("/en/account/reset/")
    assert "60 minutes" in mailbox.text(message)


def test_french_mail(client, mailbox, app):
    register(client, lang="en", language="fr")
    message = mailbox.last("lea@example.be")
    assert message["Content-Language"] == "fr"
    assert message["Subject"] == translated(app, "fr", "Confirm your email address")
    assert mailbox.link("lea@example.be").startswith("/fr/account/confirm/")


def test_links_use_public_base_url(client, mailbox, app):
    app.config["PUBLIC_BASE_URL"] = "https://participation.brussels/"
    register(client)
    text = mailbox.text(mailbox.last("lea@example.be"))
    assert re.search(r"https://participation\.brussels/nl/account/confirm/\S+", text)


def test_without_mail_server_the_whole_message_is_logged(client, mailbox, app, caplog):
    app.config["MAIL_SERVER"] = None
    with caplog.at_level(logging.INFO, logger=app.logger.name):
        register(client, lang="fr", language="fr")
    assert mailbox.messages == []
    log = caplog.text
    assert "MAIL_SERVER unset" in log
    assert "To: lea@example.be" in log
    assert f"Subject: {translated(app, 'fr', 'Confirm your email address')}" in log
    assert "--- text/plain ---" in log and "--- text/html ---" in log
    assert "Léa" in log  # decoded, readable
    # The newcomer can click the link from the console: it is whole.
    links = re.findall(r"http://localhost(/fr/account/confirm/[\w.\-]+)", log)
    assert len(links) >= 2  # in the text part and in the HTML part
    response = client.get(links[0])
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/fr/account/login")


@pytest.mark.logs_errors
def test_a_broken_mail_server_does_not_break_registration(client, app, caplog, mailbox):
    """The mail waits in the outbox and goes out once the server is back."""
    from participation.jobs import deliver_due
    from participation.models import OutboxMessage

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    working_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = closed_port
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        register(client)
    assert "could not reach the mail server" in caplog.text
    assert mailbox.to("lea@example.be") == []
    with app.app_context():
        [row] = db.session.scalars(db.select(OutboxMessage)).all()
        assert (row.status, row.attempts, row.to_address) == ("pending", 1, "lea@example.be")
        assert row.next_attempt_at > row.created_at  # backoff
        row.next_attempt_at = row.created_at  # time passes
        db.session.commit()
        app.config["MAIL_PORT"] = working_port
        assert deliver_due(app) == 1
        assert db.session.get(OutboxMessage, row.id).status == "sent"
    assert len(mailbox.to("lea@example.be")) == 1
