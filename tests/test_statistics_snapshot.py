"""The statistics are counted off the request (issue 9: nothing slow inside a
request): a job counts them at most every STATS_CACHE_SECONDS and stores the
numbers in one row; the pages, their charts and the API read that row and say
when it was counted. Both databases; the queue on a real Redis."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from rq import SimpleWorker
from sqlalchemy import select, update

from participation import jobs
from participation.extensions import db
from participation.models import StatisticsSnapshot
from participation.models.base import utcnow
from participation.services import statistics
from tests.conftest import TEST_REDIS_URL
from tests.factories import supported_ideas
from tests.pages import html


def totals(client) -> tuple[int, str]:
    """(public ideas, computed_at) as the API shows them."""
    response = client.get("/api/v1/statistics?lang=en")
    assert response.status_code == 200
    body = response.get_json()
    return body["totals"]["ideas"], body["computed_at"]


def age_snapshot(app, minutes: int) -> None:
    """As if the stored numbers had been counted `minutes` ago."""
    with app.app_context():
        db.session.execute(
            update(StatisticsSnapshot).values(computed_at=utcnow() - timedelta(minutes=minutes))
        )
        db.session.commit()


def stored_ideas(app) -> int | None:
    with app.app_context():
        numbers = db.session.scalar(select(StatisticsSnapshot.figures))
    if numbers is None:
        return None
    return sum(tally[0] for tally in numbers["challenges"].values())


def test_a_new_platform_counts_on_its_first_view(app, client, make_idea):
    make_idea()
    make_idea(status="pending")  # not public: not counted
    assert stored_ideas(app) is None
    ideas, _ = totals(client)
    assert ideas == 1
    assert stored_ideas(app) == 1


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "Figures counted on "),
        ("fr", "Chiffres calculés le "),
        ("nl", "Cijfers berekend op "),
    ],
)
def test_every_statistics_page_says_when_its_figures_were_counted(client, make_idea, lang, said):
    make_idea()
    for path in (f"/{lang}/stats", f"/{lang}/municipalities", f"/{lang}/municipalities/ixelles"):
        page = client.get(path)
        assert page.status_code == 200, path
        text = re.sub(r"\s+", " ", html(page))
        # The moment, in the language's short format, and how often it is counted.
        assert re.search(re.escape(said) + r"\S+ \d{1,2}:\d\d\. ", text), (path, text[:300])
        assert re.search(r"\b5\s(minutes|minuten)\b", text.replace("\u00a0", " ")), path


def test_up_to_date_numbers_are_read_not_counted(app, client, make_idea, count_queries):
    make_idea()
    assert totals(client)[0] == 1
    make_idea()  # a write: the stored numbers are not out of date for that
    with count_queries() as counter:
        assert totals(client)[0] == 1
    # The snapshot, the challenges, the municipalities (no support this month: no top).
    assert counter.count == 3, counter.statements
    assert not any("union" in s.lower() for s in counter.statements)


def test_out_of_date_numbers_are_shown_then_counted_after_the_response(app, client, make_idea):
    """Without Redis (the embedded default), the request that finds the numbers
    out of date answers with them, and counts them again once its response is
    sent: the next visitor gets the new numbers, no visitor waits for a count."""
    make_idea()
    assert totals(client)[0] == 1
    make_idea()
    make_idea()
    age_snapshot(app, minutes=6)  # STATS_CACHE_SECONDS is 300
    before = utcnow()
    ideas, counted_at = totals(client)
    assert ideas == 1  # the stored numbers, as they were
    assert stored_ideas(app) == 3  # counted after that response
    ideas, counted_at = totals(client)
    assert ideas == 3
    assert counted_at >= before.isoformat()[:19]


def test_the_page_and_its_charts_use_the_stored_numbers(app, client, make_idea, count_queries):
    make_idea(challenge="safe")
    client.get("/en/stats")  # the first count
    for _ in range(3):
        make_idea(challenge="safe")
    with count_queries() as counter:
        page = client.get("/en/stats")
        for chart in ("weekly", "challenges", "municipalities"):
            assert client.get(f"/en/stats/{chart}.svg").status_code == 200
    assert page.status_code == 200
    # Four answers, each from the snapshot and at most the rows it names.
    assert counter.count <= 3 + 3 * 2, counter.statements
    assert not any("group by" in s.lower() for s in counter.statements), counter.statements


def test_counting_makes_a_fixed_number_of_queries(app, make_idea, make_user, count_queries):
    def count() -> int:
        with count_queries() as counter, app.app_context():
            statistics.refresh()
        return counter.count

    make_idea()
    few = count()
    supported_ideas(app, make_idea, make_user(), 6)
    assert count() == few <= 10


def test_the_job_command_counts_now(app, runner, make_idea):
    make_idea()
    make_idea(status="withdrawn")  # public: counted
    result = runner.invoke(args=["jobs", "statistics"])
    assert result.exit_code == 0, result.output
    assert "Statistics counted at" in result.output
    assert stored_ideas(app) == 2


@pytest.mark.logs_errors
def test_a_failed_count_keeps_the_numbers_shown(app, client, make_idea, monkeypatch, caplog):
    make_idea()
    assert totals(client)[0] == 1
    make_idea()
    age_snapshot(app, minutes=10)

    def broken(now=None):
        raise RuntimeError("database went away")

    monkeypatch.setattr(statistics, "compute_figures", broken)
    assert totals(client)[0] == 1  # answered, with the numbers stored before
    assert "Statistics: counting failed" in caplog.text
    assert stored_ideas(app) == 1


def test_zero_seconds_counts_on_every_request(app, client, make_idea):
    app.config["STATS_CACHE_SECONDS"] = 0
    make_idea()
    assert totals(client)[0] == 1
    make_idea()
    assert totals(client)[0] == 2


@pytest.fixture
def queued(app, redis_server):
    """The app on a real Redis, with a queue of its own."""
    name = f"statistics-test-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL=TEST_REDIS_URL, JOBS_QUEUE=name)
    return jobs.job_queue(app)


def run_worker(app, queue) -> None:
    with app.app_context():
        SimpleWorker([queue], connection=queue.connection).work(burst=True)


def claimed(app) -> bool:
    with app.app_context():
        return db.session.scalar(select(StatisticsSnapshot.claimed_until)) is not None


@pytest.mark.redis
def test_with_a_worker_many_views_queue_one_count(app, client, make_idea, queued):
    make_idea()
    assert totals(client)[0] == 1  # the first count: in the request (nothing stored)
    make_idea()
    age_snapshot(app, minutes=6)
    for _ in range(5):
        assert totals(client)[0] == 1  # no request counts: the worker will
    assert len(queued) == 1  # one count queued, however many views noticed
    assert stored_ideas(app) == 1 and claimed(app)
    run_worker(app, queued)
    assert stored_ideas(app) == 2 and not claimed(app)
    assert totals(client)[0] == 2


def test_many_processes_noticing_count_once(app, client, make_idea, count_queries):
    """Another app process (or server) on the same database: the first to find
    the numbers out of date claims the count; the others only read."""
    from participation import create_app

    make_idea()
    assert totals(client)[0] == 1
    make_idea()
    age_snapshot(app, minutes=6)
    other = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    )
    with other.app_context():
        assert statistics.claim(60) is True  # the other process claimed it first
    try:
        with count_queries() as counter:
            assert totals(client)[0] == 1
        assert stored_ideas(app) == 1  # not counted here: claimed elsewhere
        assert not any("union" in s.lower() for s in counter.statements)
        # The claim is read with the numbers: no attempt to claim it again.
        assert not any(s.lstrip().upper().startswith("UPDATE") for s in counter.statements)
        assert counter.count == 3, counter.statements
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_claim_left_by_a_failed_worker_expires(app, client, make_idea):
    make_idea()
    assert totals(client)[0] == 1
    make_idea()
    age_snapshot(app, minutes=6)
    with app.app_context():
        db.session.execute(
            update(StatisticsSnapshot).values(claimed_until=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    assert totals(client)[0] == 1
    assert stored_ideas(app) == 2  # the stale claim was taken over, and counted


@pytest.mark.redis
def test_the_workers_poll_keeps_the_numbers_counted(app, client, make_idea, queued):
    make_idea()
    assert jobs._statistics_if_due(app) is True  # nothing stored yet
    run_worker(app, queued)
    assert stored_ideas(app) == 1
    assert jobs._statistics_if_due(app) is False  # fresh
    age_snapshot(app, minutes=6)
    assert jobs._statistics_if_due(app) is True
    assert jobs._statistics_if_due(app) is False  # due, but already queued
    assert len(queued) == 1
    make_idea()
    run_worker(app, queued)
    assert stored_ideas(app) == 2 and not claimed(app)


def test_redis_down_counts_after_the_response(app, client, make_idea):
    make_idea()
    assert totals(client)[0] == 1
    make_idea()
    age_snapshot(app, minutes=6)
    app.config["REDIS_URL"] = "redis://127.0.0.1:9/0"  # nothing listens there
    app.extensions.pop("participation_redis", None)
    assert totals(client)[0] == 1
    assert stored_ideas(app) == 2
