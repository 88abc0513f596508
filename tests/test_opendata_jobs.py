"""The open data export runs on the job queue, like the outbox and the budget
counts: `flask opendata export --queue` hands it to the worker, and the worker
queues it by itself once a day (once, whichever worker polls first)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from participation import jobs
from tests.conftest import TEST_REDIS_URL
from tests.test_outbox import flask, worker_env


def test_queue_needs_redis(runner):
    result = runner.invoke(args=["opendata", "export", "--queue"])
    assert result.exit_code != 0
    assert "--queue needs REDIS_URL" in result.output


@pytest.mark.redis
def test_the_worker_exports_the_datasets(
    app, runner, make_idea, smtp_server, redis_server, tmp_path
):
    make_idea(title="Open data about bike lanes")
    queue_name = f"opendata-test-{uuid.uuid4().hex[:8]}"
    target = tmp_path / "opendata"
    app.config.update(
        REDIS_URL=TEST_REDIS_URL,
        JOBS_QUEUE=queue_name,
        OPENDATA_DIR=str(target),
        OPENDATA_EXPORT_HOURS=24,
    )
    # Due (never exported): queued once, not twice by a second worker's poll.
    assert jobs._export_if_due(app) is True
    assert jobs._export_if_due(app) is False
    result = runner.invoke(args=["opendata", "export", "--queue"])
    assert result.exit_code == 0 and "Export queued" in result.output
    assert len(jobs.job_queue(app)) == 2
    assert not (target / "index.json").exists()  # nothing done in the request or CLI
    env = worker_env(
        app,
        smtp_server.hostname,
        smtp_server.port,
        REDIS_URL=TEST_REDIS_URL,
        JOBS_QUEUE=queue_name,
        OPENDATA_DIR=str(target),
    )
    output, _ = flask("jobs", "worker", "--burst", env=env).communicate(timeout=180)
    index = json.loads(Path(target / "index.json").read_text())
    assert index["datasets"]["ideas"]["records"] == 1, output
    assert "Open data about bike lanes" in (target / "ideas.csv").read_text(encoding="utf-8-sig")
    # Fresh files: not due again.
    redis_server[1].delete("participation:export-queued")
    assert jobs._export_if_due(app) is False
