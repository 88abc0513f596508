"""Outgoing mail, in the recipient's language, as text plus HTML.

Emails are not sent from here during a request: services write them to the
outbox (participation/services/outbox.py) and participation/jobs.py renders
them with render_email()/build_message() and sends them through connection().
With MAIL_SERVER set, messages go through SMTP. Without it, the whole message
is written to the log, so a newcomer can click a confirmation link from the
console.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from flask import current_app, render_template
from flask_babel import force_locale


def render_email(template: str, language: str, **context) -> tuple[str, str, str]:
    """Render templates/email/<template>.{txt,html} and its subject in `language`."""
    context.setdefault("email_language", language)
    with force_locale(language):
        subject = render_template(f"email/{template}.subject.txt", **context).strip()
        text = render_template(f"email/{template}.txt", **context)
        html = render_template(f"email/{template}.html", subject=subject, **context)
    return subject, text, html


def sender(language: str) -> str:
    """MAIL_DEFAULT_SENDER's address under a name in the recipient's language
    (MAIL_SENDER_NAMES), or under its own bilingual name (English)."""
    config = current_app.config
    name, address = parseaddr(config["MAIL_DEFAULT_SENDER"])
    name = (config.get("MAIL_SENDER_NAMES") or {}).get(language) or name
    return formataddr((name, address)) if name else address


def build_message(to: str, subject: str, text: str, html: str, language: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender(language)
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="participation.brussels")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    # After the parts exist: make_alternative() moves Content-* headers into
    # the first part, and the whole message is in this language.
    message["Content-Language"] = language
    for part in message.iter_parts():
        part["Content-Language"] = language
    return message


def readable(message: EmailMessage) -> str:
    """The whole message as a person reads it: headers, then each part decoded
    (the wire format would cut long links with quoted-printable soft breaks)."""
    lines = [f"{name}: {value}" for name, value in message.items() if name != "Content-Type"]
    for part in message.walk():
        if part.get_content_maintype() == "multipart":
            continue
        lines += ["", f"--- {part.get_content_type()} ---", part.get_content().rstrip()]
    return "\n".join(lines)


def _log_message(message: EmailMessage) -> None:
    current_app.logger.info(
        "Mail not sent (MAIL_SERVER unset); full message follows:\n%s", readable(message)
    )


@contextmanager
def connection() -> Iterator[Callable[[EmailMessage], object]]:
    """One SMTP session: yields send(message), which raises smtplib errors or
    OSError. Without MAIL_SERVER, send() writes the message to the log."""
    config = current_app.config
    server = config.get("MAIL_SERVER")
    if not server:
        yield _log_message
        return
    if config.get("MAIL_USE_SSL"):
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            server, config["MAIL_PORT"], timeout=10, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(server, config["MAIL_PORT"], timeout=10)
    with smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        yield smtp.send_message


def external_url(endpoint: str, **values) -> str:
    """An absolute link for an email: always PUBLIC_BASE_URL, never the Host
    the request claims (see participation.urls)."""
    from participation.urls import public_url

    return public_url(endpoint, **values)
