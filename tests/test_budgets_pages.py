"""Budget pages through the real stack: CSRF on, three languages, no JavaScript."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from participation.extensions import db
from participation.models import BudgetBallot, BudgetProject, BudgetRound, User
from tests.factories import municipality_id, set_round_phase
from tests.pages import assert_clean_page, html, translated


def checked_ids(body: str) -> set[int]:
    return {
        int(m) for m in re.findall(r'name="project" value="(\d+)" id="project-\d+" checked', body)
    }


def test_round_page_in_three_languages(app, client, make_round, make_budget_project):
    budget_round = make_round(phase="voting")
    project = make_budget_project(budget_round, cost=12_345)
    make_budget_project(budget_round, feasibility="not_feasible")
    for lang, title in (
        ("fr", "Budget participatif"),
        ("nl", "Burgerbegroting"),
        ("en", "Participatory"),
    ):
        response = client.get(f"/{lang}/budgets/{budget_round.id}")
        assert response.status_code == 200
        body = html(response)
        assert title in body and "<script>alert" not in body
        assert translated(app, lang, "Voting") in body
        assert f"/budgets/{budget_round.id}/projects/{project.id}" in body
        assert_clean_page(response)
    assert client.get("/en/budgets/").status_code == 200
    assert client.get(f"/en/budgets/{budget_round.id}/projects/{project.id}").status_code == 200
    assert client.get("/en/budgets/999999").status_code == 404


def test_round_and_ballot_pages_make_a_fixed_number_of_queries(
    app, client, login, make_user, make_round, make_budget_project, count_queries
):
    budget_round = make_round(phase="voting", total=1_000_000)
    citizen = make_user()
    login(client, citizen)
    counts = []
    for n in (2, 12):
        while True:
            with app.app_context():
                have = db.session.scalar(
                    select(func.count(BudgetProject.id)).where(
                        BudgetProject.round_id == budget_round.id
                    )
                )
            if have >= n:
                break
            make_budget_project(budget_round, cost=1000)
        with count_queries() as round_page:
            assert client.get(f"/en/budgets/{budget_round.id}").status_code == 200
        with count_queries() as ballot_page:
            assert client.get(f"/en/budgets/{budget_round.id}/ballot").status_code == 200
        counts.append((round_page.count, ballot_page.count))
    assert counts[0] == counts[1], counts


def test_knapsack_ballot_without_javascript(
    app, client, login, make_user, make_round, make_budget_project
):
    budget_round = make_round(phase="voting", total=100_000, min_share=50)
    park = make_budget_project(budget_round, cost=60_000, title="Park")
    lane = make_budget_project(budget_round, cost=45_000, title="Bike lane")
    benches = make_budget_project(budget_round, cost=30_000, title="Benches")
    citizen = make_user(language="nl")
    login(client, citizen)
    url = f"/nl/budgets/{budget_round.id}/ballot"
    page = client.get(url)
    assert page.status_code == 200 and checked_ids(html(page)) == set()
    assert_clean_page(page)

    # "Check my ballot": the server adds up and says what is left.
    checked = client.submit(url, {"project": [str(park.id)], "action": "check"})
    assert checked.status_code == 200
    body = html(checked)
    assert checked_ids(body) == {park.id}
    # The bike lane no longer fits: it says why, with the figures.
    assert "45.000" in body and "40.000" in body

    # Over budget: a clear message in Dutch, a 400, and the ballot as it was.
    over = client.submit(url, {"project": [str(park.id), str(lane.id)], "action": "submit"})
    assert over.status_code == 400
    assert checked_ids(html(over)) == {park.id, lane.id}
    assert "budget" in html(over).lower()
    with app.app_context():
        assert db.session.scalar(select(func.count(BudgetBallot.id))) == 0

    # Under the minimum spend is refused on submit, kept too.
    under = client.submit(url, {"project": [str(benches.id)], "action": "submit"})
    assert under.status_code == 400 and checked_ids(html(under)) == {benches.id}

    # A missing CSRF token: 400, nothing saved, nothing lost.
    forged = client.post(url, data={"project": [str(park.id), str(benches.id)], "action": "submit"})
    assert forged.status_code == 400
    assert checked_ids(html(forged)) == {park.id, benches.id}

    # Tampered and foreign ids: 400 with a message, never a 500.
    tampered = client.submit(
        url, {"project": ["x'; DROP TABLE", "99999999999"], "action": "submit"}
    )
    assert tampered.status_code == 400

    saved = client.submit(url, {"project": [str(park.id), str(benches.id)], "action": "submit"})
    assert saved.status_code == 302
    page = html(client.get(url))
    receipt = re.search(r'class="receipt">([0-9a-f-]{14})<', page).group(1)
    assert checked_ids(page) == {park.id, benches.id}

    # Changing it leaves one ballot, with a new receipt.
    changed = client.submit(url, {"project": [str(lane.id), str(benches.id)], "action": "submit"})
    assert changed.status_code == 302
    page = html(client.get(url))
    assert checked_ids(page) == {lane.id, benches.id}
    assert receipt not in page
    with app.app_context():
        assert db.session.scalar(select(func.count(BudgetBallot.id))) == 1


def test_ballot_refusals_say_why(
    app, make_client, login, make_user, make_round, make_budget_project
):
    ixelles = municipality_id(app, "ixelles")
    budget_round = make_round(phase="voting", municipality_id=ixelles)
    make_budget_project(budget_round)
    client = make_client()
    login(client, make_user())
    response = client.get(f"/en/budgets/{budget_round.id}/ballot")
    assert response.status_code == 403
    assert "declared, not verified" in html(response)
    set_round_phase(app, budget_round.id, "review")
    response = client.get(f"/en/budgets/{budget_round.id}/ballot")
    assert response.status_code == 403
    assert translated(app, "en", "Voting is not open in this round: see its dates.") in html(
        response
    )


def test_official_runs_a_round_in_french(app, client, login, make_user, make_round):
    official = make_user(role="official", language="fr")
    citizen = make_user(language="fr")
    login(client, official)
    form = {
        "title_fr": "Budget de quartier",
        "title_nl": "",
        "description_fr": "Décidez ensemble.",
        "description_nl": "Beslis samen.",
        "municipality_id": "",
        "total_amount": "50000",
        "submission_opens_at": "2026-01-01",
        "review_opens_at": "2026-02-01",
        "voting_opens_at": "2026-03-01",
        "voting_closes_at": "2026-03-31",
        "ballot_rule": "knapsack",
        "min_share": "0",
        "outcome_rule": "equal_shares",
    }
    refused = client.submit("/fr/budgets/new", form)
    assert refused.status_code == 400
    assert "Budget de quartier" in html(refused)  # nothing lost
    assert translated(app, "fr", "Please give the title in French and in Dutch.") in html(refused)
    created = client.submit("/fr/budgets/new", {**form, "title_nl": "Buurtbudget"})
    assert created.status_code == 302
    with app.app_context():
        round_id = db.session.scalar(select(BudgetRound.id))
        assert db.session.get(BudgetRound, round_id).voting_closes_at.day == 1  # end of 31 March
    set_round_phase(app, round_id, "submission")

    # A citizen proposes a project.
    citizen_client = client.application.test_client()
    from tests.pages import FormClient

    citizen_client = FormClient(citizen_client)
    login(citizen_client, citizen)
    proposed = citizen_client.submit(
        f"/fr/budgets/{round_id}/projects/new",
        {
            "title": "Des arbres rue Haute",
            "description": "Planter vingt arbres le long de la rue Haute.",
            "language": "fr",
            "challenge": "",
            "municipality": "",
        },
    )
    assert proposed.status_code == 302, html(proposed)[:500]
    with app.app_context():
        project_id = db.session.scalar(select(BudgetProject.id))

    # The official reviews it: not feasible needs reasons in FR and NL.
    url = f"/fr/budgets/{round_id}/projects/{project_id}/review"
    missing = client.submit(url, {"feasibility": "not_feasible", "cost": "", "reason_fr": "Non"})
    assert missing.status_code == 400
    assert client.submit(url, {"feasibility": "feasible", "cost": "20000"}).status_code == 302

    # Voting, then closing and counting.
    set_round_phase(app, round_id, "voting")
    assert client.get(url).status_code == 403  # review closed once voting opens
    vote = citizen_client.submit(
        f"/fr/budgets/{round_id}/ballot", {"project": [str(project_id)], "action": "submit"}
    )
    assert vote.status_code == 302
    assert client.get(f"/fr/budgets/{round_id}/results").status_code == 404
    set_round_phase(app, round_id, "results")
    counted = client.submit(f"/fr/budgets/{round_id}/count", {}, page=f"/fr/budgets/{round_id}")
    assert counted.status_code == 302
    results = client.get(f"/fr/budgets/{round_id}/results")
    assert results.status_code == 200
    body = html(results)
    assert "Des arbres rue Haute" in body
    assert_clean_page(results)
    for name in ("votes", "budget"):
        chart = client.get(f"/fr/budgets/{round_id}/charts/{name}.svg")
        assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
        assert b"<script" not in chart.data
    export = client.get(f"/fr/budgets/{round_id}/round.pb")
    assert export.status_code == 200
    assert "VOTES" in export.get_data(as_text=True)
    # Counted once only.
    again = client.submit(f"/fr/budgets/{round_id}/count", {}, page=f"/fr/budgets/{round_id}")
    assert again.status_code == 403
    with app.app_context():
        assert db.session.get(User, citizen.id) is not None
