"""Citizen accounts, through the real stack: register, confirm, log in and out,
reset, profile, email and password change, data export, deletion (issue 2, §4)."""

from __future__ import annotations

import json
import re
import time

import itsdangerous.timed
import pytest
from sqlalchemy import func, select

from participation.extensions import db
from participation.models import User
from tests.factories import PASSWORD, municipality_id, reload, user_by_email
from tests.pages import assert_clean_page, html, translated, without_tokens

NEW_PASSWORD = "tram-quatre-vers-la-gare-du-nord"


def registration(**overrides) -> dict:
    data = {
        "email": "lotte@example.be",
        "display_name": "Lotte",
        "password": "fietsen-langs-het-kanaal",
        "confirm": "fietsen-langs-het-kanaal",
        "language": "nl",
        "municipality": "",
        "accept_rules": "y",
    }
    data.update(overrides)
    return data


def count_users(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(User).where(func.lower(User.email) == email.lower())
        )


@pytest.fixture
def later(monkeypatch):
    """later(seconds): from now on, signed tokens are checked as if `seconds` had passed."""

    def travel(seconds: int) -> None:
        monkeypatch.setattr(
            itsdangerous.timed.TimestampSigner,
            "get_timestamp",
            lambda self: int(time.time()) + seconds,
        )

    return travel


# --- Register ------------------------------------------------------------------


def test_register_page_lists_the_19_municipalities_in_the_page_language(client):
    for lang, ixelles, molenbeek in (
        ("fr", "Ixelles", "Molenbeek-Saint-Jean"),
        ("nl", "Elsene", "Sint-Jans-Molenbeek"),
    ):
        response = client.get(f"/{lang}/account/register")
        assert response.status_code == 200
        body = html(response)
        select_html = re.search(r'<select[^>]*name="municipality".*?</select>', body, re.S).group(0)
        options = re.findall(r"<option[^>]*>([^<]*)</option>", select_html)
        assert len(options) == 20  # "not specified" + 19
        assert ixelles in options and molenbeek in options
        assert_clean_page(response)
    # Each field has a label.
    for name in ("email", "display_name", "password", "confirm", "language", "municipality"):
        assert f'<label for="{name}"' in body


def test_register_preselects_the_page_language(client):
    body = html(client.get("/nl/account/register"))
    assert re.search(r'<option selected value="nl">|<option value="nl" selected>', body)


def test_register_creates_an_unconfirmed_citizen_and_mails_a_link(client, mailbox, app):
    ixelles = municipality_id(app, "ixelles")
    response = client.submit(
        "/nl/account/register",
        registration(email="  Lotte@Example.BE ", municipality=str(ixelles)),
    )
    assert response.status_code == 200
    assert "lotte@example.be" in html(response).lower()
    user = user_by_email(app, "lotte@example.be")
    assert user is not None
    assert user.display_name == "Lotte"
    assert user.language == "nl"
    assert user.municipality_id == ixelles
    assert user.role == "citizen"
    assert not user.is_confirmed
    assert user.rules_accepted_at is not None  # the consent, with its time
    assert user.password_hash.startswith("scrypt:")
    assert "fietsen" not in user.password_hash
    message = mailbox.last("lotte@example.be")
    assert message["Content-Language"] == "nl"
    assert mailbox.link("lotte@example.be").startswith("/nl/account/confirm/")


def test_register_with_a_known_email_looks_the_same_and_warns_the_owner(
    client, make_client, mailbox, app, make_user
):
    owner = make_user(email="owner@example.be", language="fr")
    known = client.submit(
        "/en/account/register", registration(email="OWNER@example.be", language="en")
    )
    other = make_client().submit(
        "/en/account/register", registration(email="nobody@example.be", language="en")
    )
    assert known.status_code == other.status_code == 200
    assert without_tokens(html(known)).replace("OWNER@example.be", "X") == without_tokens(
        html(other)
    ).replace("nobody@example.be", "X")
    assert count_users(app, "owner@example.be") == 1
    assert reload(app, User, owner.id).password_hash == owner.password_hash
    warning = mailbox.last("owner@example.be")
    assert warning["Content-Language"] == "fr"
    text = mailbox.text(warning)
    assert "/fr/account/login" in text and "/fr/account/reset" in text
    assert "/account/confirm/" not in text
    assert len(mailbox.to("owner@example.be")) == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password": "short-pw1", "confirm": "short-pw1"}, "password", "between 10 and 128"),
        ({"password": "password123", "confirm": "password123"}, "password", "too common"),
        ({"password": "azertyuiop", "confirm": "azertyuiop"}, "password", "too common"),
        ({"confirm": "fietsen-langs-de-vaart"}, "confirm", "do not match"),
        ({"email": "lotte-at-example.be"}, "email", "valid email address"),
        ({"email": ""}, "email", "enter your email"),
        ({"display_name": ""}, "display_name", "name others will see"),
        ({"display_name": "L" * 10_000}, "display_name", "between 2 and 60"),
        ({"language": "de"}, "language", "Not a valid choice"),
        ({"municipality": "9999"}, "municipality", "choose a value from the list"),
        ({"municipality": "ixelles"}, "municipality", "choose a value from the list"),
        ({"accept_rules": ""}, "accept_rules", "accept the participation rules"),
    ],
)
def test_register_bad_input_is_400_keeps_what_was_typed(client, app, overrides, field, message):
    data = registration(email="typed@example.be", display_name="Typed Name", language="en")
    data.update(overrides)
    response = client.submit("/en/account/register", data)
    assert response.status_code == 400
    body = html(response)
    error = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', body, re.S)
    assert error, f"no error tied to {field}"
    assert message.lower() in error.group(1).lower()
    tag = re.search(rf'<(?:input|select)[^>]*\bid="{field}"[^>]*>', body).group(0)
    assert f"{field}-error" in re.search(r'aria-describedby="([^"]*)"', tag).group(1)
    assert 'aria-invalid="true"' in tag
    email = data["email"]
    if email:
        assert f'value="{email}"' in body
    if field != "display_name":
        assert 'value="Typed Name"' in body
    assert 'type="password"' in body and data["password"] not in body  # never echoed
    assert count_users(app, "typed@example.be") == 0


def test_register_links_the_rules_and_the_privacy_notice_and_keeps_the_consent(client):
    body = html(client.get("/fr/account/register"))
    assert 'href="/fr/rules"' in body and 'href="/fr/privacy"' in body
    assert re.search(r'<input[^>]*id="accept_rules"[^>]*required', body)
    # Another field in error: the ticked box stays ticked.
    response = client.submit("/fr/account/register", registration(confirm="autre-chose-encore"))
    assert response.status_code == 400
    checkbox = re.search(r'<input[^>]*id="accept_rules"[^>]*>', html(response)).group(0)
    assert "checked" in checkbox


def test_ten_thousand_character_display_name_keeps_the_typed_email(client):
    response = client.submit(
        "/fr/account/register",
        registration(email="patient@example.be", display_name="x" * 10_000, language="fr"),
    )
    assert response.status_code == 400
    assert 'value="patient@example.be"' in html(response)


def test_password_must_not_contain_the_email_or_name(client, app):
    response = client.submit(
        "/en/account/register",
        registration(
            email="marcel@example.be",
            display_name="Marcel",
            password="marcel-from-etterbeek",
            confirm="marcel-from-etterbeek",
        ),
    )
    assert response.status_code == 400
    assert "must not contain your email address or name" in html(response)
    assert count_users(app, "marcel@example.be") == 0


def test_signed_in_user_visiting_register_goes_to_profile(client, make_user, login):
    login(client, make_user())
    response = client.get("/en/account/register")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/account/profile")


# --- Confirmation -------------------------------------------------------------


def test_confirmation_link_confirms_once(client, mailbox, app):
    client.submit("/en/account/register", registration(language="en"))
    link = mailbox.link("lotte@example.be")
    assert link.startswith("/en/account/confirm/")
    response = client.get(link)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/account/login")
    assert user_by_email(app, "lotte@example.be").is_confirmed
    again = client.get(link)
    assert again.status_code == 400
    assert "already been used" in html(again)
    assert "Send a new confirmation link" in html(again)


def test_confirmation_link_expires(client, mailbox, app, later):
    client.submit("/en/account/register", registration(language="en"))
    link = mailbox.link("lotte@example.be")
    later(app.config["CONFIRM_TOKEN_MAX_AGE"] + 60)
    response = client.get(link)
    assert response.status_code == 400
    assert "This link has expired" in html(response)
    assert not user_by_email(app, "lotte@example.be").is_confirmed


def test_confirmation_link_still_works_just_before_expiry(client, mailbox, app, later):
    client.submit("/en/account/register", registration(language="en"))
    link = mailbox.link("lotte@example.be")
    later(app.config["CONFIRM_TOKEN_MAX_AGE"] - 60)
    assert client.get(link).status_code == 302
    assert user_by_email(app, "lotte@example.be").is_confirmed


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage"])
def test_tampered_confirmation_link_is_refused(client, mailbox, app, damage):
    client.submit("/en/account/register", registration(language="en"))
    link = mailbox.link("lotte@example.be")
    prefix, token = link.rsplit("/", 1)
    if damage == "flip":
        token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    elif damage == "truncate":
        token = token[: len(token) // 2]
    else:
        token = "not-a-token"
    response = client.get(f"{prefix}/{token}")
    assert response.status_code == 400
    assert "This link is not valid" in html(response)
    assert not user_by_email(app, "lotte@example.be").is_confirmed


def test_token_error_page_speaks_the_link_language(client, mailbox, app):
    client.submit("/nl/account/register", registration())
    link = mailbox.link("lotte@example.be")
    response = client.get(link + "x")
    assert response.status_code == 400
    assert '<html lang="nl">' in html(response)
    invalid = "This link is not valid. Please check that you copied all of it."
    assert translated(app, "nl", invalid) != invalid
    assert translated(app, "nl", invalid) in html(response)


def test_reset_token_is_not_a_confirmation_token(client, mailbox, app, make_user):
    user = make_user(confirmed=False, email="mixed@example.be")
    client.submit("/en/account/reset", {"email": user.email})
    token = mailbox.link(user.email).rsplit("/", 1)[1]
    response = client.get(f"/en/account/confirm/{token}")
    assert response.status_code == 400
    assert not reload(app, User, user.id).is_confirmed


def test_unconfirmed_user_browses_sees_why_and_asks_for_a_new_link(
    client, make_user, login, mailbox, app
):
    from participation.permissions import can_participate

    user = make_user(confirmed=False, email="waiting@example.be")
    login(client, user)
    home = client.get("/en/")
    assert home.status_code == 200
    body = html(home)
    assert "Please confirm your email address to propose, support, comment or report" in body
    assert "/en/account/confirm/resend" in body
    assert not can_participate(user)
    assert can_participate(user).reason == "unconfirmed"
    # Trying to propose tells them why, instead of showing the form.
    propose = client.get("/en/ideas/new")
    assert propose.status_code in (200, 403)
    assert 'name="title"' not in html(propose)
    # A new link from the profile page...
    response = client.submit("/en/account/resend", {}, page="/en/account/profile")
    assert response.status_code == 302
    link = mailbox.link("waiting@example.be")
    # ...and from the public form.
    mailbox.clear()
    response = client.submit("/en/account/confirm/resend", {"email": "waiting@example.be"})
    assert response.status_code == 200
    assert mailbox.link("waiting@example.be").startswith("/en/account/confirm/")
    assert client.get(link).status_code == 302
    assert reload(app, User, user.id).is_confirmed
    assert "Please confirm your email address" not in html(client.get("/en/"))


def test_resend_form_does_not_reveal_accounts(client, make_client, make_user, mailbox):
    make_user(confirmed=True, email="done@example.be")
    make_user(confirmed=False, email="pending@example.be")
    bodies = []
    for email in ("done@example.be", "pending@example.be", "ghost@example.be"):
        response = make_client().submit("/en/account/confirm/resend", {"email": email})
        assert response.status_code == 200
        bodies.append(without_tokens(html(response)).replace(email, "X"))
    assert bodies[0] == bodies[1] == bodies[2]
    assert [m["To"] for m in mailbox.messages] == ["pending@example.be"]


# --- Login and logout ---------------------------------------------------------


def test_login_logout(client, make_user, app):
    user = make_user(email="ana@example.be")
    response = client.submit(
        "/en/account/login", {"email": "ANA@example.be ", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/")
    assert reload(app, User, user.id).last_login_at is not None
    assert client.get("/en/account/profile").status_code == 200
    assert client.get("/en/account/logout").status_code == 405  # logout is POST only
    response = client.submit("/en/account/logout", {}, page="/en/")
    assert response.status_code == 302
    response = client.get("/en/account/profile")
    assert response.status_code == 302
    assert "/en/account/login?next=" in response.headers["Location"]


def test_logout_without_token_does_not_log_out(client, make_user, login):
    login(client, make_user())
    assert client.post("/en/account/logout").status_code == 400
    assert client.get("/en/account/profile").status_code == 200


def test_login_follows_local_next(client, make_user):
    make_user(email="next@example.be")
    response = client.submit(
        "/en/account/login?next=/nl/account/profile",
        {"email": "next@example.be", "password": PASSWORD},
        page="/en/account/login?next=/nl/account/profile",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/nl/account/profile"


def test_login_page_keeps_next_in_the_form(client):
    body = html(client.get("/en/account/login?next=/en/account/profile"))
    assert 'action="/en/account/login?next=/en/account/profile"' in body


def test_remember_me_cookie_only_when_ticked(make_client, make_user, login):
    user = make_user()
    plain = make_client()
    response = login(plain, user)
    assert "remember_token=" not in " ".join(response.headers.getlist("Set-Cookie"))
    ticked = make_client()
    response = login(ticked, user, remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("remember_token=")]
    assert remember, cookies
    assert "HttpOnly" in remember[0] and "SameSite=Lax" in remember[0]
    assert "Expires=" in remember[0]


def test_remember_cookie_alone_signs_in(app, make_user, login, make_client):
    user = make_user()
    client = make_client()
    login(client, user, remember=True)
    remember = client.get_cookie("remember_token")
    fresh = make_client()
    fresh.set_cookie("remember_token", remember.value)
    assert fresh.get("/en/account/profile").status_code == 200


def test_login_errors_do_not_reveal_whether_an_email_is_registered(make_client, make_user):
    make_user(email="known@example.be")
    wrong_password = make_client().submit(
        "/en/account/login", {"email": "known@example.be", "password": "not-the-password"}
    )
    unknown_email = make_client().submit(
        "/en/account/login", {"email": "unknown@example.be", "password": "not-the-password"}
    )
    assert wrong_password.status_code == unknown_email.status_code == 400
    assert "The email address or password is not correct." in html(wrong_password)
    assert without_tokens(html(wrong_password)).replace("known@", "X@") == without_tokens(
        html(unknown_email)
    ).replace("unknown@", "X@")


def test_deleted_account_cannot_log_in(client, make_user, login, make_client):
    user = make_user(email="gone@example.be")
    login(client, user)
    client.submit(
        "/en/account/delete", {"password": PASSWORD, "confirm": "y"}, page="/en/account/delete"
    )
    response = make_client().submit(
        "/en/account/login", {"email": "gone@example.be", "password": PASSWORD}
    )
    assert response.status_code == 400


def test_suspended_user_is_told_until_when(client, make_user):
    make_user(email="paused@example.be", suspended=True)
    response = client.submit(
        "/en/account/login", {"email": "paused@example.be", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "Your account is suspended until" in html(response)
    assert client.get("/en/account/profile").status_code == 302


# --- Password reset -----------------------------------------------------------


def test_reset_request_same_answer_for_unknown_email(make_client, make_user, mailbox):
    make_user(email="known@example.be")
    known = make_client().submit("/en/account/reset", {"email": "known@example.be"})
    unknown = make_client().submit("/en/account/reset", {"email": "unknown@example.be"})
    assert known.status_code == unknown.status_code == 200
    assert without_tokens(html(known)).replace("known@", "X@") == without_tokens(
        html(unknown)
    ).replace("unknown@", "X@")
    assert [m["To"] for m in mailbox.messages] == ["known@example.be"]


def test_reset_works_once_and_signs_out_everywhere(
    client, make_client, make_user, login, mailbox, app
):
    user = make_user(email="forgot@example.be", language="nl")
    elsewhere = make_client()
    login(elsewhere, user)
    client.submit("/en/account/reset", {"email": "forgot@example.be"})
    message = mailbox.last("forgot@example.be")
    assert message["Content-Language"] == "nl"
    link = mailbox.link("forgot@example.be")
    assert link.startswith("/nl/account/reset/")
    page = client.get(link)
    assert page.status_code == 200
    bad = client.submit(link, {"password": "too-short", "confirm": "too-short"})
    assert bad.status_code == 400
    response = client.submit(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/nl/account/login")
    # Once only.
    again = client.get(link)
    assert again.status_code == 400
    used = "This link has already been used. Please ask for a new one if needed."
    assert translated(app, "nl", used) in html(again)
    reuse = {"password": NEW_PASSWORD + "2", "confirm": NEW_PASSWORD + "2"}
    assert client.submit(link, reuse, page="/en/account/reset").status_code == 400
    # The other session is signed out, the new password works, the old one not.
    assert elsewhere.get("/en/account/profile").status_code == 302
    assert (
        make_client()
        .submit("/en/account/login", {"email": "forgot@example.be", "password": PASSWORD})
        .status_code
        == 400
    )
    assert (
        make_client()
        .submit("/en/account/login", {"email": "forgot@example.be", "password": NEW_PASSWORD})
        .status_code
        == 302
    )


def test_reset_link_expires(client, make_user, mailbox, app, later):
    make_user(email="slow@example.be")
    client.submit("/en/account/reset", {"email": "slow@example.be"})
    link = mailbox.link("slow@example.be")
    later(app.config["RESET_TOKEN_MAX_AGE"] + 1)
    response = client.get(link)
    assert response.status_code == 400
    assert "This link has expired" in html(response)
    response = client.submit(
        link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, page="/en/account/reset"
    )
    assert response.status_code == 400


def test_reset_link_confirms_an_unconfirmed_address(client, make_user, mailbox, app):
    user = make_user(email="late@example.be", confirmed=False)
    client.submit("/en/account/reset", {"email": "late@example.be"})
    link = mailbox.link("late@example.be")
    client.submit(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert reload(app, User, user.id).is_confirmed


# --- Profile ------------------------------------------------------------------


def test_profile_updates_name_language_and_municipality(client, make_user, login, app):
    user = make_user(language="en")
    login(client, user)
    page = client.get("/en/account/profile")
    assert page.status_code == 200
    assert_clean_page(page)
    etterbeek = municipality_id(app, "etterbeek")
    response = client.submit(
        "/en/account/profile",
        {"display_name": "Nieuwe Naam", "language": "nl", "municipality": str(etterbeek)},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/nl/account/profile")
    page = html(client.get("/nl/account/profile"))
    assert translated(app, "nl", "Your profile has been saved.") in page
    saved = reload(app, User, user.id)
    assert (saved.display_name, saved.language, saved.municipality_id) == (
        "Nieuwe Naam",
        "nl",
        etterbeek,
    )
    # The saved language now drives "/".
    assert client.get("/").headers["Location"].endswith("/nl/")


def test_profile_bad_input_is_400_and_keeps_it(client, make_user, login, app):
    user = make_user()
    login(client, user)
    response = client.submit(
        "/en/account/profile",
        {"display_name": "N" * 10_000, "language": "en", "municipality": ""},
    )
    assert response.status_code == 400
    assert 'id="display_name-error"' in html(response)
    assert reload(app, User, user.id).display_name == user.display_name


def test_profile_needs_login(client):
    response = client.get("/fr/account/profile")
    assert response.status_code == 302
    assert response.headers["Location"] == "/fr/account/login?next=/fr/account/profile"


def test_email_change_waits_for_confirmation(client, make_user, login, mailbox, app):
    user = make_user(email="old@example.be", language="fr")
    login(client, user)
    response = client.submit(
        "/en/account/email", {"email": "New@Example.be"}, page="/en/account/profile"
    )
    assert response.status_code == 302
    saved = reload(app, User, user.id)
    assert saved.email == "old@example.be"
    assert saved.pending_email == "new@example.be"
    assert "new@example.be" in html(client.get("/en/account/profile"))
    link = mailbox.link("new@example.be")
    assert link.startswith("/fr/account/confirm/")
    assert mailbox.to("old@example.be") == []
    assert client.get(link).status_code == 302
    saved = reload(app, User, user.id)
    assert (saved.email, saved.pending_email) == ("new@example.be", None)
    assert saved.is_confirmed
    assert client.get(link).status_code == 400  # used


def test_email_change_bad_address_is_400(client, make_user, login, app):
    user = make_user()
    login(client, user)
    response = client.submit(
        "/en/account/email", {"email": "not an address"}, page="/en/account/profile"
    )
    assert response.status_code == 400
    assert 'value="not an address"' in html(response)
    assert reload(app, User, user.id).pending_email is None


def test_email_change_to_a_taken_address_is_refused_at_confirmation(
    client, make_user, login, mailbox, app
):
    user = make_user(email="mine@example.be")
    make_user(email="taken@example.be")
    login(client, user)
    client.submit("/en/account/email", {"email": "taken@example.be"}, page="/en/account/profile")
    link = mailbox.link("taken@example.be")
    response = client.get(link)
    assert response.status_code == 400
    assert reload(app, User, user.id).email == "mine@example.be"


def test_password_change_asks_the_current_one_and_signs_out_other_sessions(
    client, make_client, make_user, login, app
):
    user = make_user()
    login(client, user)
    other = make_client()
    login(other, user)
    wrong = client.submit(
        "/en/account/password",
        {"current_password": "not-my-password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        page="/en/account/profile",
    )
    assert wrong.status_code == 400
    assert re.search(r'id="current_password-error">.*?not correct', html(wrong), re.S)
    mismatch = client.submit(
        "/en/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"},
        page="/en/account/profile",
    )
    assert mismatch.status_code == 400
    assert "do not match" in html(mismatch)
    response = client.submit(
        "/en/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        page="/en/account/profile",
    )
    assert response.status_code == 302
    assert client.get("/en/account/profile").status_code == 200  # this session stays
    assert other.get("/en/account/profile").status_code == 302  # the other one is out
    login(make_client(), reload(app, User, user.id), password=NEW_PASSWORD)


# --- Personal data ------------------------------------------------------------


def test_download_my_data(client, make_user, login, app):
    user = make_user(email="data@example.be", language="nl", display_name="Datafan")
    with app.app_context():
        saved = db.session.get(User, user.id)
        saved.municipality_id = municipality_id(app, "schaerbeek")
        db.session.commit()
    login(client, user)
    response = client.get("/en/account/data")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    account = data["account"]
    assert account["email"] == "data@example.be"
    assert account["display_name"] == "Datafan"
    assert account["language"] == "nl"
    assert "Schaerbeek" in account["municipality"]
    assert account["role"] == "citizen"
    assert account["created_at"].endswith("Z")
    assert account["last_login_at"] is not None
    assert "password_hash" not in json.dumps(data)
    assert "session_token" not in json.dumps(data)


def test_download_needs_login(client):
    assert client.get("/en/account/data").status_code == 302


# --- Deletion -----------------------------------------------------------------


def test_delete_needs_password_and_confirmation(client, make_user, login, app):
    user = make_user()
    login(client, user)
    for data in ({"password": "wrong-password", "confirm": "y"}, {"password": PASSWORD}):
        response = client.submit("/en/account/delete", data)
        assert response.status_code == 400
        assert "field-error" in html(response)
    assert not reload(app, User, user.id).is_deleted


def test_delete_account_erases_personal_data_and_keeps_contributions(
    client, make_user, login, mailbox, app, make_idea
):
    from flask_babel import force_locale

    from participation.templating import display_name

    user = make_user(email="leaving@example.be", display_name="Leaving Soon")
    idea = make_idea(author=user, title="Bike lanes on the Chaussée de Wavre")
    login(client, user)
    page = client.get("/en/account/delete")
    assert page.status_code == 200
    response = client.submit("/en/account/delete", {"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/")
    with app.app_context():
        gone = db.session.get(User, user.id)
        assert gone.is_deleted
        assert gone.email is None and gone.display_name is None
        assert gone.password_hash is None and gone.pending_email is None
        assert gone.municipality_id is None and gone.last_login_at is None
        with force_locale("en"):
            assert display_name(gone) == "Former participant"
        from participation.models import Idea

        assert db.session.get(Idea, idea.id).author_id == user.id
    assert client.get("/en/account/profile").status_code == 302  # signed out
    # The idea page still shows the contribution, by a former participant.
    page = html(client.get(f"/en/ideas/{idea.id}"))
    assert "Bike lanes on the Chaussée de Wavre" in page
    assert "Former participant" in page
    assert "Leaving Soon" not in page
    # The same address can register again, as a new account.
    response = client.submit(
        "/en/account/register", registration(email="leaving@example.be", language="en")
    )
    assert response.status_code == 200
    assert mailbox.link("leaving@example.be").startswith("/en/account/confirm/")
    again = user_by_email(app, "leaving@example.be")
    assert again.id != user.id and not again.is_confirmed


def test_old_confirmation_link_is_useless_after_deletion(client, mailbox, app):
    client.submit("/en/account/register", registration(language="en"))
    link = mailbox.link("lotte@example.be")
    login_data = {"email": "lotte@example.be", "password": registration()["password"]}
    assert client.submit("/en/account/login", login_data).status_code == 302
    client.submit(
        "/en/account/delete",
        {"password": login_data["password"], "confirm": "y"},
        page="/en/account/delete",
    )
    assert client.get(link).status_code == 400
