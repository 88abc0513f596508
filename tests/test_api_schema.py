"""The API tested from its own OpenAPI document: schemathesis generates requests
for every operation (valid and invalid parameters) and sends them to the real
app, on SQLite and on PostgreSQL, with data in every state. No answer may be a
5xx, carry an undocumented status or content type, or break its schema."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode

from participation import create_app
from participation.extensions import db
from tests.factories import count_budget_round, insert_comment, municipality_id, set_round_phase
from tests.factories_consultations import close, full_answer, make_consultation, question_ids
from tests.test_api import answer
from tests.test_api_engagement import _answer, _vote

EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_app(app_config, make_user, make_idea, app, make_round, make_budget_project):
    """The app with ideas in every state, a counted budget round, consultations
    open and closed with results (and no rate limit in the way)."""
    author = make_user(display_name="Amina")
    official = make_user(role="official")
    published = make_idea(author=author, municipality_id=municipality_id(app, "ixelles"))
    ids = [published.id]
    for status in ("withdrawn", "pending", "rejected", "hidden"):
        ids.append(make_idea(status=status, author=author).id)
    answer(app, published, "accepted", "Planting in spring.", official)
    insert_comment(app, published, author)
    insert_comment(app, published, author, status="hidden")
    budget_round = make_round(phase="voting")
    project = make_budget_project(budget_round)
    for _ in range(2):
        _vote(app, make_user(), budget_round.id, [project.id])
    set_round_phase(app, budget_round.id, "results")
    count_budget_round(app, budget_round.id, official.id)
    closed = make_consultation(app, official)
    for _ in range(10):
        _answer(app, make_user(), closed, full_answer(question_ids(app, closed)))
    close(app, closed)
    consultation_ids = [closed, make_consultation(app, official)]
    consultation_ids.append(make_consultation(app, official, state="upcoming"))
    tested = create_app("testing", {**app_config, "RATE_LIMIT_API": "100000 per minute"})
    tested.config["TEST_IDEA_IDS"] = ids
    tested.config["TEST_CONSULTATION_IDS"] = consultation_ids
    yield tested
    with tested.app_context():
        db.session.remove()
        db.engine.dispose()


OPERATIONS = [
    "GET /api/v1/",
    "GET /api/v1/challenges",
    "GET /api/v1/municipalities",
    "GET /api/v1/ideas",
    "GET /api/v1/ideas/{idea_id}",
    "GET /api/v1/ideas/{idea_id}/comments",
    "GET /api/v1/statistics",
    "GET /api/v1/budgets",
    "GET /api/v1/consultations",
    "GET /api/v1/consultations/{consultation_id}",
]


def test_every_operation_is_tested(api_app):
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    labels = {result.ok().label for result in loaded.get_all_operations()}
    assert labels == set(OPERATIONS)


# (schemathesis's own pytest plugin does not run under pytest 9: its cases are
# drawn here with Hypothesis directly, valid and invalid ones.)
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("label", OPERATIONS)
def test_api_conforms_to_its_openapi_document(api_app, label, mode):
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    operation = next(
        result.ok() for result in loaded.get_all_operations() if result.ok().label == label
    )
    strategies = [operation.as_strategy(generation_mode=mode)]
    if "{idea_id}" in label:
        # Random ids are nearly all 404s: also every idea made above, in each state.
        strategies += [
            operation.as_strategy(generation_mode=mode, path_parameters={"idea_id": idea_id})
            for idea_id in api_app.config["TEST_IDEA_IDS"]
        ]
    if "{consultation_id}" in label:
        strategies += [
            operation.as_strategy(generation_mode=mode, path_parameters={"consultation_id": cid})
            for cid in api_app.config["TEST_CONSULTATION_IDS"]
        ]

    @given(case=st.one_of(strategies))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def conforms(case):
        # The WSGI transport does not decode brotli: ask for the plain body.
        case.headers = {**(case.headers or {}), "Accept-Encoding": "identity"}
        case.call_and_validate(checks=CHECKS)

    conforms()
