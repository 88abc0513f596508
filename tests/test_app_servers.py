"""Several app servers, for real (issue 9): two gunicorn instances on two ports
share one PostgreSQL and one Redis, with `flask jobs worker` processes beside
them, as in the README's production topology."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter

import pytest
from sqlalchemy import func, select

from config import BASE_DIR
from participation.extensions import db
from participation.models import Idea, OutboxMessage, Support
from tests.conftest import PASSWORD, PROBLEMS, TEST_DATABASE_URL, TEST_REDIS_URL
from tests.pages import csrf_from

pytestmark = [pytest.mark.postgres_only, pytest.mark.redis]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A browser's cookie jar, shared by every server it talks to (a load
    balancer puts them all behind one host name)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, url: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def submit(self, url: str, data: dict, page: str | None = None) -> tuple[int, str, dict]:
        status, html, _headers = self.request(page or url)
        assert status == 200, (status, page or url)
        return self.request(url, {**data, "csrf_token": csrf_from(html)})

    def login(self, base: str, email: str, password: str = PASSWORD) -> None:
        status, _body, headers = self.submit(
            f"{base}/en/account/login", {"email": email, "password": password}
        )
        assert status == 302 and "/account/login" not in headers["Location"], status


@pytest.fixture(scope="module")
def topology(tmp_path_factory, smtp_server):
    """Two gunicorn app servers and the environment a worker needs."""
    if not TEST_DATABASE_URL or PROBLEMS.get("postgresql") or PROBLEMS.get("redis"):
        pytest.skip("needs PostgreSQL and Redis")
    import redis

    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    logs = tmp_path_factory.mktemp("servers")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("REDIS_", "DATABASE_", "MAIL_", "PARTICIPATION_", "OUTBOX_"))
    }
    env.update(
        PARTICIPATION_ENV="development",
        SECRET_KEY="the-same-secret-on-every-server",
        DATABASE_URL=TEST_DATABASE_URL,
        REDIS_URL=TEST_REDIS_URL,
        JOBS_QUEUE=f"servers-{uuid.uuid4().hex[:8]}",
        MAIL_SERVER=smtp_server.hostname,
        MAIL_PORT=str(smtp_server.port),
        OPENDATA_EXPORT_HOURS="0",
    )
    servers, bases = [], []
    for name in ("a", "b"):
        port = _free_port()
        log = (logs / f"{name}.log").open("w")
        servers.append(
            subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4"]
                + ["--bind", f"127.0.0.1:{port}", "wsgi:app"],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 60
    for base in bases:
        while True:
            try:
                urllib.request.urlopen(f"{base}/en/about", timeout=5).close()
                break
            except OSError:
                assert time.monotonic() < deadline, (logs / "a.log").read_text()
                time.sleep(0.2)
    yield {"a": bases[0], "b": bases[1], "env": env, "logs": logs}
    for server in servers:
        server.send_signal(signal.SIGTERM)
    for server in servers:
        server.wait(timeout=30)


# Every test uses its own addresses: login rate limits count per address and account.


def test_a_session_made_on_one_server_is_valid_on_the_other(app, topology, make_user):
    user = make_user(email="session@example.be")
    browser = Browser()
    browser.login(topology["a"], user.email)
    status, html, _headers = browser.request(f"{topology['b']}/en/account/profile")
    assert status == 200
    assert user.email in html
    # A browser without the cookie is sent to the login page by both.
    stranger = Browser()
    for base in (topology["a"], topology["b"]):
        status, _body, headers = stranger.request(f"{base}/en/account/profile")
        assert status == 302 and "/account/login" in headers["Location"]


def test_rate_limits_are_shared(app, topology, make_user):
    user = make_user(email="limited@example.be")
    browser = Browser()
    wrong = {"email": user.email, "password": "wrong-password"}
    codes = [
        browser.submit(f"{topology[server]}/en/account/login", wrong)[0]
        for server in ("a", "a", "a", "b", "b")
    ]
    assert codes == [400] * 5  # the allowance, "5 per minute", spent across both
    for server in ("a", "b"):
        assert browser.submit(f"{topology[server]}/en/account/login", wrong)[0] == 429


def test_concurrent_supports_across_both_servers_never_double(app, topology, make_user, make_idea):
    idea = make_idea()
    citizens = [make_user(email=f"supporter{i}@example.be") for i in range(4)]
    browsers = []
    for citizen in citizens:
        browser = Browser()
        browser.login(topology["a"], citizen.email)
        _status, html, _headers = browser.request(f"{topology['b']}/en/ideas/{idea.id}")
        browsers.append((browser, csrf_from(html)))
    start = threading.Barrier(16)
    codes: list[int] = []

    def support(browser: Browser, token: str, server: str) -> None:
        start.wait(timeout=30)
        url = f"{topology[server]}/en/ideas/{idea.id}/support"
        codes.append(browser.request(url, {"csrf_token": token})[0])

    threads = [
        threading.Thread(target=support, args=(browser, token, server))
        for browser, token in browsers
        for server in ("a", "b", "a", "b")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert codes == [302] * 16
    with app.app_context():
        rows = db.session.scalar(select(func.count(Support.id)).where(Support.idea_id == idea.id))
        assert rows == 4
        assert db.session.get(Idea, idea.id).support_count == 4


def test_a_page_kept_by_one_server_is_fresh_after_a_write_on_the_other(
    app, topology, make_user, make_idea
):
    """Anonymous pages are kept per content version (participation/pagecache.py);
    the version lives in the shared Redis, so a support on server b makes
    server a's kept page stale at once."""
    idea = make_idea(title="Shared page across servers")
    page = f"{topology['a']}/en/ideas/{idea.id}"
    visitor = Browser()
    for _ in range(3):  # rendered once, then kept by a's workers
        status, html, headers = visitor.request(page)
        assert status == 200 and "0 supports" in html
        assert headers["Cache-Control"] == "no-cache"
    citizen = make_user(email="fresh-page@example.be")
    browser = Browser()
    browser.login(topology["b"], citizen.email)
    status, html, _headers = browser.request(f"{topology['b']}/en/ideas/{idea.id}")
    url = f"{topology['b']}/en/ideas/{idea.id}/support"
    assert browser.request(url, {"csrf_token": csrf_from(html)})[0] == 302
    for _ in range(3):  # whichever of a's workers answers
        status, html, _headers = visitor.request(page)
        assert status == 200 and "1 support" in html, html[:500]


def test_a_notification_written_by_one_server_is_delivered_once(
    app, topology, make_user, make_idea, mailbox
):
    author = make_user(language="nl", email="author@example.be")
    idea = make_idea(author=author)
    supporters = [
        make_user(language=lang, email=f"{lang}@example.be") for lang in ("fr", "nl", "en")
    ]
    with app.app_context():
        for supporter in supporters:
            db.session.add(Support(idea_id=idea.id, user_id=supporter.id))
        db.session.commit()
    official = make_user(role="official", email="official@example.be")
    # Two workers compete for the same queue and the same outbox rows.
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--poll", "1"],
            cwd=BASE_DIR,
            env=topology["env"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        browser = Browser()
        browser.login(topology["a"], official.email)
        status, _body, _headers = browser.submit(
            f"{topology['b']}/en/officials/ideas/{idea.id}/status",
            {
                "status": "accepted",
                "response_fr": "Approuvée par la Région.",
                "response_nl": "Goedgekeurd door het Gewest.",
            },
        )
        assert status == 302
        addresses = [author.email] + [s.email for s in supporters]
        deadline = time.monotonic() + 60
        while len(mailbox.messages) < len(addresses) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2)  # time for a duplicate to show up, if there were one
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        outputs = [worker.communicate(timeout=30)[0] for worker in workers]
    received = Counter(m["To"] for m in mailbox.messages)
    assert received == Counter(addresses), outputs
    assert re.search(r"/fr/ideas/\d+", mailbox.text(mailbox.last(supporters[0].email)))
    assert mailbox.last(author.email)["Content-Language"] == "nl"
    with app.app_context():
        statuses = db.session.scalars(select(OutboxMessage.status)).all()
    assert statuses == ["sent"] * len(addresses)
