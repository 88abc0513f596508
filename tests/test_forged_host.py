"""Links never follow a forged host (issue 8): absolute links in emails and
feeds start with PUBLIC_BASE_URL, an unknown Host gets a 400, and production
refuses to start without PUBLIC_BASE_URL."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from xml.etree import ElementTree

import pytest

from config import BASE_DIR
from participation import create_app
from tests.pages import html
from tests.test_security import dispose

PUBLIC = "https://participation.brussels"
FORGED = "evil.example"


@pytest.fixture
def public_app(app):
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    app.config["TRUSTED_HOSTS"] = ["localhost", "participation.brussels"]
    return app


def _links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text)


@pytest.mark.parametrize("path", ["/en/account/reset", "/en/ideas/feed.atom", "/en/"])
def test_an_unknown_host_is_a_clear_400(public_app, client, path):
    response = client.get(path, base_url=f"http://{FORGED}")
    assert response.status_code == 400
    assert FORGED not in html(response)


def test_a_forwarded_host_through_the_proxy_is_checked_too(app_config):
    app = create_app("testing", {**app_config, "PROXY_COUNT": 1, "PUBLIC_BASE_URL": PUBLIC})
    try:
        client = app.test_client()
        assert client.get("/en/", headers={"X-Forwarded-Host": FORGED}).status_code == 400
        trusted = {"X-Forwarded-Host": "participation.brussels"}
        assert client.get("/en/", headers=trusted).status_code == 200
    finally:
        dispose(app)


def test_reset_link_comes_from_public_base_url_whatever_the_headers(
    public_app, client, make_user, mailbox
):
    user = make_user(email="victim@example.be")
    response = client.submit(
        "/en/account/reset",
        {"email": user.email},
        headers={"X-Forwarded-Host": FORGED, "X-Forwarded-Proto": "http"},
    )
    assert response.status_code == 200
    message = mailbox.last(user.email)
    for body in (mailbox.text(message), mailbox.html(message)):
        links = _links(body)
        assert links and all(link.startswith(f"{PUBLIC}/") for link in links), links
        assert FORGED not in body and "localhost" not in body


def test_feed_links_come_from_public_base_url(public_app, client, make_idea):
    idea = make_idea(status="published")
    response = client.get("/en/ideas/feed.atom", headers={"X-Forwarded-Host": FORGED})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert FORGED not in body and "localhost" not in body
    feed = ElementTree.fromstring(response.data)
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.find(f"{atom}id").text == f"{PUBLIC}/en/ideas/feed.atom"
    assert feed.find(f"{atom}entry/{atom}id").text == f"{PUBLIC}/en/ideas/{idea.id}"


def _start_in_production(tmp_path, **env_changes) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("FLASK_APP", "DATABASE_URL", "PUBLIC_BASE_URL", "TRUSTED_HOSTS")
    }
    env.update(
        PARTICIPATION_ENV="production",
        PYTHONPATH=str(BASE_DIR),
        SECRET_KEY="a-long-random-production-key",
        **env_changes,
    )
    return subprocess.run(
        [sys.executable, "-c", "from participation import create_app; create_app()"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("value", [None, "", "participation.brussels", "ftp://x.example"])
def test_production_refuses_to_start_without_a_public_base_url(tmp_path, value):
    changes = {} if value is None else {"PUBLIC_BASE_URL": value}
    result = _start_in_production(tmp_path, **changes)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Refusing to start" in lines[0] and "PUBLIC_BASE_URL" in lines[0]
    assert "Traceback" not in result.stderr


def test_production_trusts_the_public_host_by_default(app_config):
    app = create_app(
        "production",
        {**app_config, "SECRET_KEY": "a-long-random-key", "PUBLIC_BASE_URL": PUBLIC},
    )
    try:
        assert app.config["TRUSTED_HOSTS"] == ["participation.brussels"]
        client = app.test_client()
        assert client.get("/en/about", base_url=PUBLIC).status_code == 200
        assert client.get("/en/about", base_url=f"https://{FORGED}").status_code == 400
    finally:
        dispose(app)
