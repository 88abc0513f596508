"""Budgets and consultations in the API (issue 13): rounds with their projects
and, once counted, votes and funding; consultations with their results once a
visitor may read them and enough people answered. Never who voted or
answered. Both databases."""

from __future__ import annotations

import json

from werkzeug.datastructures import MultiDict

from participation.extensions import db
from participation.models import BudgetRound, Consultation, User
from participation.services import budgets, consultations
from tests.factories import count_budget_round, set_round_phase
from tests.factories_consultations import close, full_answer, make_consultation, question_ids
from tests.test_api import get_json

NEVER = ("@example.be", "user_id", "voter_id", "receipt", "author_id")


def _vote(app, user, round_id, project_ids):
    with app.test_request_context("/en/"):
        budgets.cast_ballot(
            db.session.get(User, user.id),
            db.session.get(BudgetRound, round_id),
            [str(i) for i in project_ids],
        )
        db.session.commit()


def _answer(app, user, consultation_id, data):
    with app.test_request_context("/en/"):
        consultations.answer_consultation(
            db.session.get(User, user.id),
            db.session.get(Consultation, consultation_id),
            MultiDict(data),
        )
        db.session.commit()


def test_budget_rounds_with_projects_then_results(
    app, client, make_user, make_round, make_budget_project, tmp_path
):
    budget_round = make_round(phase="voting", total=100_000)
    park = make_budget_project(budget_round, cost=60_000, title="Park")
    benches = make_budget_project(budget_round, cost=30_000, title="Benches")
    make_budget_project(budget_round, cost=5_000, feasibility="not_feasible", title="Refused")
    voters = [make_user() for _ in range(3)]
    for voter in voters:
        _vote(app, voter, budget_round.id, [park.id])
    _vote(app, make_user(), budget_round.id, [benches.id])
    _, before = get_json(client, "/api/v1/budgets?lang=en")
    [row] = before["data"]
    assert row["phase"] == "voting" and row["counted_at"] is None and row["ballots"] is None
    assert {p["title"]: p["votes"] for p in row["projects"]} == {
        "Park": None,
        "Benches": None,
        "Refused": None,
    }
    set_round_phase(app, budget_round.id, "results")
    count_budget_round(app, budget_round.id, make_user(role="official").id)
    response, after = get_json(client, "/api/v1/budgets?lang=en")
    [row] = after["data"]
    assert row["phase"] == "results" and row["counted_at"] is not None
    # Four ballots: fewer than 10 people, so the count of voters is withheld.
    assert row["ballots"] is None
    projects = {p["title"]: p for p in row["projects"]}
    assert projects["Park"]["votes"] == 3 and projects["Park"]["funded"] is True
    assert projects["Benches"]["votes"] == 1 and projects["Benches"]["funded"] is True
    assert projects["Refused"]["feasibility"] == "not_feasible"
    body = response.get_data(as_text=True)
    for secret in NEVER:
        assert secret not in body
    rows = export(app, tmp_path, "budget_results")
    assert [(r["title"], r["votes"], r["funded"]) for r in rows] == [
        ("Park", 3, True),
        ("Benches", 1, True),
        ("Refused", 0, None),
    ]


def test_consultation_results_once_readable_and_enough_people(app, client, make_user, tmp_path):
    official = make_user(role="official")
    many = make_consultation(app, official)
    few = make_consultation(app, official)
    upcoming = make_consultation(app, official, state="upcoming")
    questions = question_ids(app, many)
    for _ in range(10):
        _answer(app, make_user(), many, full_answer(questions, text="A private opinion"))
    for _ in range(3):
        _answer(app, make_user(), few, full_answer(question_ids(app, few)))
    _, listing = get_json(client, "/api/v1/consultations?lang=en")
    by_id = {c["id"]: c for c in listing["data"]}
    assert set(by_id) == {many, few}
    assert by_id[many]["respondents"] == 10 and by_id[few]["respondents"] is None
    assert by_id[many]["state"] == "open" and by_id[many]["results"] is None
    # Results after closing only (the consultation's choice), never earlier.
    _, still_open = get_json(client, f"/api/v1/consultations/{many}")
    assert still_open["results"] is None
    assert client.get(f"/api/v1/consultations/{upcoming}").status_code == 404
    close(app, many)
    close(app, few)
    response, closed = get_json(client, f"/api/v1/consultations/{many}?lang=en")
    assert closed["state"] == "closed"
    first = closed["results"][0]
    assert first["answers"] == 10 and sum(o["count"] for o in first["options"]) == 10
    assert first["options"][0]["count"] == 10 and first["options"][0]["percent"] == 100
    body = response.get_data(as_text=True)
    assert "A private opinion" not in body  # free texts stay on the site, moderated
    for secret in NEVER:
        assert secret not in body
    _, small = get_json(client, f"/api/v1/consultations/{few}")
    assert small["respondents"] is None and small["results"] is None
    # The dataset: the same counts, for the consultation with enough people only.
    rows = export(app, tmp_path, "consultation_results")
    assert {row["consultation_id"] for row in rows} == {many}
    assert rows[0]["answers"] == 10 and rows[0]["count"] == 10
    assert "A private opinion" not in json.dumps(rows)


def export(app, directory, name: str) -> list[dict]:
    result = app.test_cli_runner().invoke(
        args=["opendata", "export", "--directory", str(directory / "opendata")]
    )
    assert result.exit_code == 0, result.output
    return json.loads((directory / "opendata" / f"{name}.json").read_text(encoding="utf-8"))


def test_fixed_query_counts(app, client, make_user, make_round, make_budget_project, count_queries):
    def counts():
        found = {}
        for url in ("/api/v1/budgets", "/api/v1/consultations"):
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            found[url] = counter.count
        return found

    official = make_user(role="official")
    budget_round = make_round(phase="submission")
    make_budget_project(budget_round)
    make_consultation(app, official)
    few = counts()
    for _ in range(3):
        more = make_round(phase="voting")
        make_budget_project(more)
        make_budget_project(more)
        make_consultation(app, official)
    assert counts() == few
    assert few["/api/v1/budgets"] <= 2 and few["/api/v1/consultations"] <= 1
