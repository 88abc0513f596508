"""Security from day one (issue 2, §6): CSRF, cookies, SECRET_KEY, redirects,
rate limits, headers, error pages."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest
from flask import abort

from config import BASE_DIR
from participation import create_app
from tests.factories import PASSWORD
from tests.pages import FormClient, assert_clean_page, html, translated


def assert_error_page(app, response, code: int, lang: str, title: str) -> None:
    """A translated page in the site's layout, with a way back home."""
    assert response.status_code == code
    assert response.mimetype == "text/html"
    body = html(response)
    assert f'<html lang="{lang}">' in body
    assert 'class="site-header"' in body and 'id="main"' in body and "site-footer" in body
    if lang != "en":
        assert translated(app, lang, title) != title, f"{title!r} is not translated to {lang}"
    assert f"<h1>{translated(app, lang, title)}</h1>" in body
    assert f'<a class="button" href="/{lang}/">' in body
    assert_clean_page(response)


# --- CSRF -----------------------------------------------------------------------


def test_post_without_csrf_token_is_refused_with_a_translated_page(client, app, make_user):
    make_user(email="csrf@example.be")
    client.get("/fr/account/login")  # a session exists, the token is simply missing
    response = client.post(
        "/fr/account/login", data={"email": "csrf@example.be", "password": PASSWORD}
    )
    assert_error_page(app, response, 400, "fr", "Bad request")
    expired = (
        "Your form has expired or was sent from another site. "
        "Please go back, reload the page and try again."
    )
    assert translated(app, "fr", expired) in html(response)
    # No session was opened.
    assert client.get("/fr/account/profile").status_code == 302


def test_post_with_a_forged_csrf_token_is_refused(client, make_user, login):
    login(client, make_user())
    response = client.post(
        "/en/account/profile",
        data={"csrf_token": "forged", "display_name": "Hacked", "language": "en"},
    )
    assert response.status_code == 400
    assert "Your form has expired" in html(response)


# --- Cookies and secret key -------------------------------------------------------


def test_session_and_language_cookies_are_httponly_and_lax(client):
    response = client.get("/fr/account/login")
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session="))
    lang = next(c for c in cookies if c.startswith("lang="))
    for cookie in (session, lang):
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # plain http on a newcomer's machine


def test_production_cookies_are_secure(app_config):
    app = create_app(
        "production",
        {
            **app_config,
            "SECRET_KEY": "a-long-random-production-key",
            "PUBLIC_BASE_URL": "https://participation.example",
        },
    )
    try:
        check_production_cookies(app)
    finally:
        dispose(app)


def test_production_hashes_passwords_with_full_cost_scrypt(app, app_config):
    """Only TestConfig lowers the cost; production keeps Werkzeug's full scrypt."""
    from config import Config, ProductionConfig
    from participation.services.passwords import hash_password, verify_password

    assert Config.PASSWORD_HASH_METHOD == ProductionConfig.PASSWORD_HASH_METHOD == "scrypt"
    production = create_app(
        "production",
        {
            **app_config,
            "SECRET_KEY": "a-long-production-key",
            "PUBLIC_BASE_URL": "https://participation.example.brussels",
        },
    )
    try:
        with production.app_context():
            stored = hash_password(PASSWORD)
            assert stored.startswith("scrypt:32768:8:1$")
            assert verify_password(stored, PASSWORD)
            assert not verify_password(stored, PASSWORD + "x")
    finally:
        dispose(production)
    with app.app_context():
        assert hash_password(PASSWORD).startswith("scrypt:128:8:1$")


def dispose(app) -> None:
    """Close this extra app's connections now, not when the GC finds them."""
    from participation.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def check_production_cookies(app) -> None:
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    client = app.test_client()
    response = client.get("/fr/account/login", base_url="https://participation.example")
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies
    for cookie in cookies:
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "FLASK_APP", "DATABASE_URL")
    }
    env.update(PARTICIPATION_ENV="production", PYTHONPATH=str(BASE_DIR))
    script = "from participation import create_app; create_app()"
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "SECRET_KEY" in lines[0] and "Refusing to start" in lines[0]
    assert "Traceback" not in result.stderr


def test_wsgi_entry_point_refuses_too(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    env.update(PARTICIPATION_ENV="production", PYTHONPATH=str(BASE_DIR))
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


# --- next= --------------------------------------------------------------------------

EVIL_TARGETS = [
    "//evil.example",
    "https://evil.example",
    "http://evil.example/en/",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "%2F%2Fevil.example",
    "/%0a/evil.example",
    "///evil.example",
    " //evil.example",
]


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_login_ignores_foreign_next(make_client, make_user, target):
    from urllib.parse import quote

    user = make_user()
    url = "/en/account/login?next=" + quote(target, safe="%")
    client = make_client()
    response = client.submit(url, {"email": user.email, "password": PASSWORD}, page=url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/"
    # Already signed in: the same rule.
    again = client.get(url)
    assert again.headers["Location"] == "/en/"


def test_login_honours_a_local_next(client, make_user, login):
    login(client, make_user())
    response = client.get("/en/account/login?next=/nl/account/profile")
    assert response.headers["Location"] == "/nl/account/profile"
    response = client.get("/en/account/login?next=/fr/about%3Fx%3D1")
    assert response.headers["Location"] == "/fr/about?x=1"


def test_is_safe_local_path():
    from urllib.parse import unquote

    from participation.security import is_safe_local_path

    assert is_safe_local_path("/nl/account/profile")
    assert is_safe_local_path("/fr/ideas?page=2&q=v%C3%A9lo")
    decoded = [unquote(t) for t in EVIL_TARGETS]
    for target in [*decoded, "", None, "evil.example", "/\tevil", "/fr/\x7f"]:
        assert not is_safe_local_path(target), target


# --- Rate limits -----------------------------------------------------------------


def test_many_residents_behind_one_address_can_still_log_in(app, make_client, make_user, login):
    """The 5-a-minute limit is per account; one shared address (a library)
    may sign in many different residents."""
    for _ in range(8):
        login(make_client(), make_user())


def test_one_address_trying_many_accounts_is_capped(client, app):
    app.config["RATE_LIMIT_LOGIN_PER_ADDRESS"] = "10 per minute"
    statuses = [
        client.submit(
            "/en/account/login", {"email": f"guess{n}@example.be", "password": "wrong-password"}
        ).status_code
        for n in range(11)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429


def test_sixth_login_attempt_in_a_minute_gets_a_translated_429(client, app, make_user):
    user = make_user()
    token_page = "/fr/account/login"
    for _ in range(5):
        response = client.submit(
            "/fr/account/login", {"email": user.email, "password": "wrong-password"}, token_page
        )
        assert response.status_code == 400
    response = client.submit(
        "/fr/account/login", {"email": user.email, "password": PASSWORD}, token_page
    )
    assert_error_page(app, response, 429, "fr", "Too many attempts")
    assert "Retry-After" in response.headers
    assert client.get("/fr/account/profile").status_code == 302  # not logged in
    # Reading the page is not limited.
    assert client.get("/fr/account/login").status_code == 200


@pytest.mark.parametrize(
    ("url", "config_key", "data"),
    [
        ("/en/account/register", "RATE_LIMIT_REGISTER", {"email": "x@example.be"}),
        ("/en/account/confirm/resend", "RATE_LIMIT_RESEND", {"email": "x@example.be"}),
        ("/en/account/reset", "RATE_LIMIT_RESET", {"email": "x@example.be"}),
    ],
)
def test_registration_resend_and_reset_are_limited(client, app, url, config_key, data):
    allowed = int(app.config[config_key].split()[0])
    token = client.token(url)
    for _ in range(allowed):
        assert client.post(url, data={**data, "csrf_token": token}).status_code != 429
    response = client.post(url, data={**data, "csrf_token": token})
    assert response.status_code == 429
    assert "Too many attempts" in html(response)


@pytest.mark.redis
def test_redis_limiter_is_shared_by_two_app_servers(app_config, make_user, redis_server):
    """Two app servers (here: this process and a subprocess) share one Redis:
    attempts on either count towards the same limit."""
    redis_url, server = redis_server
    config = {**app_config, "RATELIMIT_STORAGE_URI": redis_url}
    user = make_user()
    first = create_app("testing", config)
    from participation.extensions import limiter

    assert type(limiter.storage).__name__.startswith("Redis")
    client = FormClient(first.test_client())
    for _ in range(3):
        response = client.submit(
            "/en/account/login", {"email": user.email, "password": "wrong-password"}
        )
        assert response.status_code == 400
    assert server.keys("*participation*")
    # The second app server makes two more attempts from the same address.
    second = textwrap.dedent(
        f"""
        import json, re
        from participation import create_app
        app = create_app("testing", json.loads({json.dumps(json.dumps(config))}))
        client = app.test_client()
        codes = []
        for _ in range(2):
            page = client.get("/en/account/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
            codes.append(client.post("/en/account/login", data={{"csrf_token": token,
                "email": {user.email!r}, "password": "wrong-password"}}).status_code)
        print(codes)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", second],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("[400, 400]")
    try:
        response = client.submit("/en/account/login", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 429
    finally:
        dispose(first)


# --- Headers ----------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/fr/", "/nl/account/login", "/en/nowhere", "/"])
def test_security_headers(client, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split("; ")}
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_or_style(client, make_user, login, mailbox):
    anonymous = [
        "/fr/",
        "/nl/about",
        "/fr/privacy",
        "/nl/rules",
        "/en/how-ideas-are-answered",
        "/fr/accessibility",
        "/en/account/register",
        "/fr/account/login?next=/fr/account/profile",
        "/nl/account/reset",
        "/en/account/confirm/resend",
        "/en/account/reset/bad-token",
        "/en/account/confirm/bad-token",
        "/de/",
    ]
    for url in anonymous:
        assert_clean_page(client.get(url))
    assert_clean_page(client.submit("/en/account/register", {"email": "bad"}))
    assert_clean_page(client.submit("/en/account/reset", {"email": "a@example.be"}))
    login(client, make_user(confirmed=False))
    for url in ("/en/", "/en/account/profile", "/nl/account/delete"):
        response = client.get(url)
        assert response.status_code == 200
        assert_clean_page(response)
    bad = client.submit("/en/account/password", {"current_password": "x"}, "/en/account/profile")
    assert bad.status_code == 400
    assert_clean_page(bad)


# --- Error pages -------------------------------------------------------------------


@pytest.fixture
def error_routes(app):
    """Test-only routes that fail on purpose (added before the first request)."""

    @app.route("/<any(fr, nl, en):lang_code>/test-forbidden")
    def forbidden():
        abort(403)

    @app.route("/<any(fr, nl, en):lang_code>/test-crash")
    def crash():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


@pytest.mark.logs_errors
@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_error_pages_are_translated_in_the_layout_with_a_way_back(client, error_routes, lang):
    app = error_routes
    assert_error_page(app, client.get(f"/{lang}/test-forbidden"), 403, lang, "Access denied")
    assert_error_page(app, client.get(f"/{lang}/no-such-page"), 404, lang, "Page not found")
    assert_error_page(app, client.get(f"/{lang}/account/logout"), 405, lang, "Method not allowed")
    assert_error_page(app, client.post(f"/{lang}/account/login"), 400, lang, "Bad request")
    crash = client.get(f"/{lang}/test-crash")
    assert_error_page(app, crash, 500, lang, "Something went wrong")
    assert "boom" not in html(crash) and "Traceback" not in html(crash)


@pytest.mark.logs_errors
def test_500_is_logged(client, error_routes, caplog):
    with caplog.at_level("ERROR"):
        assert client.get("/en/test-crash").status_code == 500
    assert "boom" in caplog.text


def test_405_allows_header(client):
    response = client.get("/en/account/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize(
    ("url", "code"),
    [("/en/no-such-page", 404), ("/de/", 404), ("/en/account/logout", 405)],
)
def test_json_errors_when_json_is_asked_for(client, url, code):
    response = client.get(url, headers={"Accept": "application/json"})
    assert response.status_code == code
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert data["status"] == code
    assert data["error"] and data["message"]


def test_json_error_for_a_missing_csrf_token(client):
    response = client.post(
        "/en/account/login", data={"email": "a@example.be"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["status"] == 400


def test_browsers_get_html_errors(client):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/en/no-such-page", headers={"Accept": accept})
    assert response.mimetype == "text/html"


def test_too_large_request_is_413_not_500(client):
    token = client.token("/en/account/register")
    response = client.post(
        "/en/account/register",
        data={"csrf_token": token, "display_name": "x" * (2 * 1024 * 1024)},
    )
    assert response.status_code == 413
    assert "Request too large" in html(response)


def test_error_pages_keep_flashes_and_sessions_harmless(client):
    """An error page is a normal page: a visitor can go on from it."""
    response = client.get("/en/no-such-page")
    body = html(response)
    assert re.search(r'<nav class="language-switcher"', body)
    assert '<a href="/en/account/login">' in body
