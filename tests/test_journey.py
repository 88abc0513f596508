"""The whole path of issue 4's "Done when", through the web pages as people
use them, in all three languages: a Dutch citizen proposes; a moderator
rejects with a reason the author reads in Dutch; the citizen proposes again;
the moderator approves; three citizens report it and it hides itself; the
moderator restores it and the log shows all of it; an official accepts it with
a response and its supporters are told; the dashboard ranks it and the CSV
opens cleanly."""

from __future__ import annotations

import re

from sqlalchemy import select

from participation.extensions import db
from participation.models import Challenge, Idea, ModerationAction, Notification
from tests.pages import translated

TITLE = "Veilige oversteekplaatsen aan de scholen van Schaarbeek"
BODY = (
    "Aan de Josaphatstraat steken kinderen over tussen geparkeerde auto's, zonder zicht. "
    "Verhoogde zebrapaden en uitstulpingen van de stoep zouden veel veiliger zijn."
)


def _idea_id(response) -> int:
    match = re.search(r"/ideas/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def _propose(client, lang, challenge_id, title=TITLE):
    return client.submit(
        f"/{lang}/ideas/new",
        {
            "title": title,
            "body": BODY,
            "challenge": str(challenge_id),
            "municipality": "",
            "language": "nl",
            "action": "submit",
        },
    )


def test_propose_reject_approve_report_restore_answer_rank_export(
    app, make_client, make_user, login, mailbox
):
    author = make_user(language="nl", display_name="Lotte", email="lotte@example.be")
    moderator = make_user(role="moderator", language="fr")
    official = make_user(role="official", language="en")
    reporters = [make_user() for _ in range(3)]
    supporter = make_user(language="fr", email="supporter@example.be")
    with app.app_context():
        safe = db.session.scalar(select(Challenge.id).where(Challenge.slug == "safe"))

    citizen = make_client()
    login(citizen, author)
    mod = make_client()
    login(mod, moderator)

    # 1. The citizen proposes, in Dutch: the idea waits for review.
    first = _idea_id(_propose(citizen, "nl", safe))
    with app.app_context():
        assert db.session.get(Idea, first).status == "pending"

    # 2. A moderator rejects it (French interface) with a reason from the list.
    response = mod.submit(
        f"/fr/moderation/ideas/{first}/reject",
        {"reason": "duplicate", "text": "Zie het bestaande idee over de Josaphatstraat."},
        page=f"/fr/moderation/ideas/{first}",
    )
    assert response.status_code == 302
    # A reason outside the list is refused with a clear message.
    refused = mod.submit(
        f"/fr/moderation/ideas/{first}/reject",
        {"reason": "because", "text": ""},
        page=f"/fr/moderation/ideas/{first}",
    )
    assert refused.status_code == 400
    # The author reads it in Dutch: in the email and in the app.
    mail = mailbox.last("lotte@example.be")
    assert mail["Content-Language"] == "nl"
    assert mail["Subject"] == translated(app, "nl", "Your idea was not published")
    assert "Zie het bestaande idee over de Josaphatstraat." in mailbox.text(mail)
    page = citizen.get(f"/nl/ideas/{first}").get_data(as_text=True)
    assert "Zie het bestaande idee over de Josaphatstraat." in page
    notifications = citizen.get("/nl/notifications/").get_data(as_text=True)
    assert translated(app, "nl", "Message from the moderators:") in notifications
    assert "Zie het bestaande idee over de Josaphatstraat." in notifications

    # 3. The citizen proposes again (English interface); the moderator approves.
    second = _idea_id(_propose(citizen, "en", safe, title=TITLE + " (nieuw voorstel)"))
    response = mod.submit(f"/en/moderation/ideas/{second}/approve", {}, page="/en/moderation/")
    assert response.status_code == 302
    public = make_client()
    assert public.get(f"/fr/ideas/{second}").status_code == 200

    # A citizen supports it before anything else happens.
    fan = make_client()
    login(fan, supporter)
    assert (
        fan.submit(f"/fr/ideas/{second}/support", {}, page=f"/fr/ideas/{second}").status_code == 302
    )

    # 4. Three citizens report it: it hides itself.
    for reporter in reporters:
        client = make_client()
        login(client, reporter)
        response = client.submit(
            f"/en/moderation/report/idea/{second}",
            {"reason": "spam", "details": "Looks like advertising to me."},
        )
        assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Idea, second).status == "hidden"
    hidden_page = public.get(f"/nl/ideas/{second}").get_data(as_text=True)
    assert TITLE not in hidden_page and "Josaphatstraat" not in hidden_page

    # 5. The moderator restores it; the log shows all of it.
    response = mod.submit(
        f"/fr/moderation/ideas/{second}/restore",
        {"text": "Pas de publicité: c'est une vraie proposition."},
        page=f"/fr/moderation/ideas/{second}",
    )
    assert response.status_code == 302
    assert TITLE in public.get(f"/nl/ideas/{second}").get_data(as_text=True)
    with app.app_context():
        actions = db.session.execute(
            select(ModerationAction.action, ModerationAction.actor_id).order_by(ModerationAction.id)
        ).all()
    names = [a for a, _ in actions]
    assert names == ["reject", "approve", "auto_hide", "restore"]
    assert dict(actions)["auto_hide"] is None  # hidden by the system, after the reports
    log = mod.get("/fr/moderation/log")
    assert log.status_code == 200
    assert str(second) in log.get_data(as_text=True)

    # 6. An official accepts it with a public response: supporters are told.
    desk = make_client()
    login(desk, official)
    missing = desk.submit(
        f"/en/officials/ideas/{second}/status",
        {"status": "accepted", "response_fr": "", "response_nl": ""},
    )
    assert missing.status_code == 400
    response = desk.submit(
        f"/en/officials/ideas/{second}/status",
        {
            "status": "accepted",
            "response_fr": "Nous étudions ces traversées avec la commune.",
            "response_nl": "Wij bestuderen deze oversteekplaatsen met de gemeente.",
        },
    )
    assert response.status_code == 302
    supporter_mail = mailbox.last("supporter@example.be")
    assert supporter_mail["Content-Language"] == "fr"
    assert "Nous étudions ces traversées avec la commune." in mailbox.text(supporter_mail)
    with app.app_context():
        kinds = set(
            db.session.scalars(
                select(Notification.kind).where(Notification.recipient_id == supporter.id)
            )
        )
    assert "supported_idea_answered" in kinds
    assert "Nous étudions ces traversées" in public.get(f"/en/ideas/{second}").get_data(
        as_text=True
    )

    # 7. The dashboard ranks it first (it is the only supported idea), and the
    # CSV opens cleanly: UTF-8 with a BOM, headers in the official's language.
    dashboard = desk.get("/en/officials/").get_data(as_text=True)
    assert dashboard.index(f"/en/ideas/{second}") < dashboard.index("</table>")
    csv = desk.get("/nl/officials/export.csv")
    assert csv.status_code == 200
    raw = csv.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert TITLE in text
    assert translated(app, "nl", "Title") in text.splitlines()[0]
