"""Participatory budgeting, the rest of issue 11: an idea becomes a project (and its
supporters hear of it), project translations and filters, the receipt by email, the
notifications (voting opens to those who opted in, results to voters), the log of
officials' actions, phase changes, the count in the background, and the Pabulib
import and export on the command line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from participation.extensions import db
from participation.models import (
    BudgetBallot,
    BudgetEvent,
    BudgetProject,
    BudgetRound,
    Notification,
    OutboxMessage,
    Support,
    User,
)
from participation.services import budgets as service
from participation.services import notifications, pabulib
from participation.vocabulary import BudgetEventKind, CountState, NotificationKind, RoundPhase
from tests.pages import html

PB_FILES = Path(__file__).parent / "pabulib"


def _kinds(app, round_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(BudgetEvent.kind)
                .where(BudgetEvent.round_id == round_id)
                .order_by(BudgetEvent.id)
            )
        )


def _notified(app, user_id: int, kind: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.recipient_id == user_id, Notification.kind == kind
            )
        )


# --- An idea becomes a project ---------------------------------------------------------


def test_official_turns_an_idea_into_a_project(
    app, client, login, make_user, make_round, make_idea, mailbox
):
    official = make_user(role="official", language="fr")
    author = make_user(language="nl")
    supporter = make_user(language="fr")
    idea = make_idea(author=author, title="Plus d'arbres rue Haute")
    draft = make_idea(status="pending", author=author)
    with app.app_context():
        db.session.add(Support(user_id=supporter.id, idea_id=idea.id))
        db.session.commit()
    budget_round = make_round(phase="submission")
    login(client, official)
    page = f"/fr/budgets/{budget_round.id}"
    url = f"/fr/budgets/{budget_round.id}/projects/from-idea"
    refused = client.submit(url, {"idea_id": str(draft.id)}, page=page)
    assert refused.status_code == 400
    assert str(draft.id) in html(refused)  # what was typed is kept
    assert client.submit(url, {"idea_id": "abc"}, page=page).status_code == 400
    done = client.submit(url, {"idea_id": f"#{idea.id}"}, page=page)
    assert done.status_code == 302
    with app.app_context():
        project = db.session.scalars(select(BudgetProject)).one()
        assert project.idea_id == idea.id and project.author_id == author.id
        assert project.title == "Plus d'arbres rue Haute"
    # Twice is refused.
    assert client.submit(url, {"idea_id": str(idea.id)}, page=page).status_code == 400
    # The two link to each other.
    assert f"/ideas/{idea.id}" in html(client.get(f"{page}/projects/{project.id}"))
    assert f"/budgets/{budget_round.id}/projects/{project.id}" in html(
        client.get(f"/fr/ideas/{idea.id}")
    )
    # The author and the supporters are told, in the app and by email.
    assert _notified(app, author.id, NotificationKind.IDEA_BECAME_PROJECT) == 1
    assert _notified(app, supporter.id, NotificationKind.SUPPORTED_IDEA_BECAME_PROJECT) == 1
    assert "burgerbegroting" in mailbox.text(mailbox.last(author.email)).lower()
    assert f"/budgets/{budget_round.id}/projects/{project.id}" in mailbox.text(
        mailbox.last(supporter.email)
    )
    assert BudgetEventKind.PROJECT_FROM_IDEA in _kinds(app, budget_round.id)


def test_only_officials_turn_ideas_into_projects(app, client, login, make_user, make_round):
    budget_round = make_round(phase="submission")
    login(client, make_user())
    page = f"/en/budgets/{budget_round.id}"
    response = client.submit(
        f"/en/budgets/{budget_round.id}/projects/from-idea", {"idea_id": "1"}, page=page
    )
    assert response.status_code == 403


# --- Translations and filters ------------------------------------------------------------


def test_project_with_translations_and_list_filters(
    app, client, login, make_user, make_round, make_budget_project
):
    from tests.factories import municipality_id

    budget_round = make_round(phase="submission")
    citizen = make_user()
    login(client, citizen)
    base = {
        "title": "Trees along the canal",
        "description": "Plant thirty trees along the canal, for shade and birds.",
        "language": "en",
        "challenge": "",
        "municipality": str(municipality_id(app, "ixelles")),
    }
    url = f"/en/budgets/{budget_round.id}/projects/new"
    short = client.submit(url, {**base, "title_nl": "Bo"})
    assert short.status_code == 400 and "Trees along the canal" in html(short)
    created = client.submit(
        url,
        {
            **base,
            "title_nl": "Bomen langs het kanaal",
            "description_nl": "Dertig bomen planten langs het kanaal.",
            "title_en": "Ignored: same language",
        },
    )
    assert created.status_code == 302
    with app.app_context():
        project = db.session.scalars(select(BudgetProject)).one()
        assert project.translations == {
            "nl": {
                "title": "Bomen langs het kanaal",
                "description": "Dertig bomen planten langs het kanaal.",
            }
        }
    page = html(client.get(f"/nl/budgets/{budget_round.id}/projects/{project.id}"))
    assert "Bomen langs het kanaal" in page and 'lang="nl"' in page
    assert "Trees along the canal" in page  # the original stays readable
    assert "Trees along the canal" in html(
        client.get(f"/fr/budgets/{budget_round.id}/projects/{project.id}")
    )
    other = make_budget_project(budget_round, title="Benches in the park")
    listed = html(client.get(f"/en/budgets/{budget_round.id}"))
    assert "Trees along the canal" in listed and "Benches in the park" in listed
    filtered = html(
        client.get(f"/en/budgets/{budget_round.id}?municipality={municipality_id(app, 'ixelles')}")
    )
    assert "Trees along the canal" in filtered and "Benches in the park" not in filtered
    assert f"/projects/{other.id}" not in filtered
    nothing = html(client.get(f"/en/budgets/{budget_round.id}?challenge=999999"))
    assert "No project matches these filters." in nothing


def test_project_order_is_random_but_fixed_per_visitor(app, make_round, make_budget_project):
    budget_round = make_round(phase="voting")
    for _ in range(12):
        make_budget_project(budget_round)

    def order(client):
        page = html(client.get(f"/en/budgets/{budget_round.id}"))
        return re.findall(r"/projects/(\d+)\"", page)

    first = app.test_client()
    seen = order(first)
    assert len(seen) == 12 and order(first) == seen  # fixed for this visitor
    others = {tuple(order(app.test_client())) for _ in range(4)}
    assert others - {tuple(seen)}  # other visitors get other orders


# --- Receipt, notifications ----------------------------------------------------------------


def test_receipt_is_emailed_and_kept_in_the_account(
    app, client, login, make_user, make_round, make_budget_project, mailbox
):
    budget_round = make_round(phase="voting")
    project = make_budget_project(budget_round, cost=20_000, title="Banken in het park")
    voter = make_user(language="nl")
    login(client, voter)
    sent = client.submit(
        f"/nl/budgets/{budget_round.id}/ballot", {"project": [str(project.id)], "action": "submit"}
    )
    assert sent.status_code == 302
    with app.app_context():
        receipt = db.session.scalar(select(BudgetBallot.receipt))
    message = mailbox.last(voter.email)
    text = mailbox.text(message)
    assert receipt in message["Subject"] and receipt in text
    assert "Banken in het park" in text and "ontvangstcode" in text.lower()
    assert receipt in html(client.get("/nl/budgets/"))  # kept in the account
    with app.test_request_context("/nl/"):
        from participation.services.accounts import export_user_data

        data = export_user_data(db.session.get(User, voter.id))
        assert data["budget_ballots"]["items"][0]["receipt"] == receipt
        assert data["budget_ballots"]["items"][0]["project_ids"] == [project.id]


def test_voting_opens_to_those_who_opted_in(app, client, login, make_user, make_round, mailbox):
    keen = make_user(language="fr")
    quiet = make_user()
    official = make_user(role="official")
    login(client, keen)
    saved = client.submit(
        "/fr/notifications/preferences",
        {"budget_voting": "y", "budgets": "y", "moderation": "y"},
    )
    assert saved.status_code == 302
    budget_round = make_round(phase="review")
    official_client = app.test_client()
    from tests.pages import FormClient

    official_client = FormClient(official_client)
    login(official_client, official)
    page = f"/en/budgets/{budget_round.id}"
    moved = official_client.submit(f"/en/budgets/{budget_round.id}/phase", {}, page=page)
    assert moved.status_code == 302
    with app.app_context():
        assert db.session.get(BudgetRound, budget_round.id).phase == RoundPhase.VOTING
    assert _notified(app, keen.id, NotificationKind.BUDGET_VOTING_OPEN) == 1
    assert _notified(app, quiet.id, NotificationKind.BUDGET_VOTING_OPEN) == 0
    assert f"/budgets/{budget_round.id}/ballot" in mailbox.text(mailbox.last(keen.email))
    # Once only, whatever announces it again.
    with app.app_context():
        assert service.announce_due_rounds() == 0
    assert _kinds(app, budget_round.id)[-1] == BudgetEventKind.CHANGE_PHASE
    # A citizen cannot move phases.
    assert client.submit(f"/en/budgets/{budget_round.id}/phase", {}, page=page).status_code == 403


def test_default_preferences_leave_the_opt_in_off(app, make_user):
    user = make_user()
    with app.test_request_context("/en/"):
        preference = notifications.preferences_for(db.session.get(User, user.id))
        assert preference.budgets is True and preference.budget_voting is False


def test_count_runs_in_the_background_and_tells_voters(
    app, client, login, make_user, make_round, make_budget_project, mailbox
):
    budget_round = make_round(phase="voting")
    projects = [make_budget_project(budget_round, cost=c) for c in (40_000, 30_000)]
    voter = make_user(language="en")
    bystander = make_user()
    with app.test_request_context("/en/"):
        service.cast_ballot(
            db.session.get(User, voter.id),
            service.load_round(budget_round.id),
            [str(projects[0].id)],
        )
        db.session.commit()
    official = make_user(role="official")
    login(client, official)
    page = f"/en/budgets/{budget_round.id}"
    closed = client.submit(f"/en/budgets/{budget_round.id}/phase", {}, page=page)
    assert closed.status_code == 302
    counted = client.submit(f"/en/budgets/{budget_round.id}/count", {}, page=page)
    assert counted.status_code == 302 and counted.location.endswith(page)
    # The count ran after the response (no Redis here), in a session of its own.
    with app.app_context():
        row = db.session.get(BudgetRound, budget_round.id)
        assert row.count_state == CountState.DONE and row.count_progress == 100
        assert row.counted_at is not None
    assert client.get(f"/en/budgets/{budget_round.id}/results").status_code == 200
    assert _notified(app, voter.id, NotificationKind.BUDGET_RESULTS) == 1
    assert _notified(app, bystander.id, NotificationKind.BUDGET_RESULTS) == 0
    assert f"/budgets/{budget_round.id}/results" in mailbox.text(mailbox.last(voter.email))
    assert _kinds(app, budget_round.id) == [
        BudgetEventKind.CREATE_ROUND,
        BudgetEventKind.CLOSE_VOTING,
        BudgetEventKind.REQUEST_COUNT,
        BudgetEventKind.PUBLISH_RESULTS,
    ]
    assert "Results published" in html(client.get(page))  # the log, for officials


@pytest.mark.logs_errors
def test_a_failed_count_is_shown_and_can_be_asked_again(app, make_user, make_round):
    from participation import jobs

    budget_round = make_round(phase="results")
    official = make_user(role="official")
    with app.test_request_context("/en/"):
        row = service.load_round(budget_round.id)
        service.request_count(db.session.get(User, official.id), row)
        db.session.commit()
        # The official lost the right meanwhile: the job fails, and says so.
        db.session.get(User, official.id).role = "citizen"
        db.session.commit()
    assert jobs.run_count(app, budget_round.id, official.id) == CountState.FAILED
    with app.app_context():
        assert db.session.get(BudgetRound, budget_round.id).count_state == CountState.FAILED
    assert jobs.run_count(app, budget_round.id, official.id) == "not queued"


def test_review_is_logged(app, make_user, make_round, make_budget_project):
    budget_round = make_round(phase="review")
    project = make_budget_project(budget_round, cost=None, feasibility="pending")
    official = make_user(role="official")
    with app.test_request_context("/en/"):
        row = service.load_project(service.load_round(budget_round.id), project.id)
        service.review_project(db.session.get(User, official.id), row, 5000, "feasible")
        db.session.commit()
        event = db.session.scalars(
            select(BudgetEvent).where(BudgetEvent.kind == BudgetEventKind.REVIEW_PROJECT)
        ).one()
        assert event.project_id == project.id and event.actor_id == official.id
        assert event.details["after"] == {"cost": 5000, "feasibility": "feasible"}


# --- Pabulib on the command line -------------------------------------------------------------


def _sections(text: str):
    parsed = pabulib.parse(text)
    projects = {
        (row.get("name"), int(float(row["cost"]))): pid for pid, row in parsed.projects.items()
    }
    names = {pid: key for key, pid in projects.items()}
    ballots = sorted(sorted(names[p] for p in chosen) for chosen in parsed.votes.values())
    return parsed, set(projects), ballots


@pytest.mark.parametrize(
    "name", ["greedy_knapsack.pb", "equal_shares_approval.pb", "no_selected.pb"]
)
def test_import_then_export_round_trips(app, runner, name):
    from pabulib import Checker

    source = PB_FILES / name
    result = runner.invoke(args=["budgets", "import", str(source)])
    assert result.exit_code == 0, result.output
    round_id = int(result.output.strip())
    exported = runner.invoke(args=["budgets", "export", str(round_id)])
    assert exported.exit_code == 0, exported.output
    text = exported.output
    with app.test_request_context("/en/"):
        assert text == service.export_pabulib(service.load_round(round_id))  # as the site offers
    report = Checker().process_files([text])
    assert report["metadata"]["valid"] == 1, report
    original, original_projects, original_ballots = _sections(source.read_text())
    again, projects, ballots = _sections(text)
    assert projects == original_projects and ballots == original_ballots
    assert again.meta["budget"] == original.meta["budget"]
    # The imported greedy outcome is the file's own `selected`, where it has one and
    # its rule is greedy.
    with app.app_context():
        rows = db.session.scalars(
            select(BudgetProject).where(BudgetProject.round_id == round_id)
        ).all()
        by_key = {(p.title, p.cost): p for p in rows}
        budget_round = db.session.get(BudgetRound, round_id)
        assert budget_round.phase == RoundPhase.RESULTS and budget_round.counted_at
        assert budget_round.ballot_count == len(original.votes)
        assert BudgetEventKind.IMPORT_ROUND in _kinds(app, round_id)
    selected = original.selected()
    if selected is not None:
        names = {pid: (row.get("name"), int(row["cost"])) for pid, row in original.projects.items()}
        rule = original.meta["rule"]
        funded = {
            key
            for key, p in by_key.items()
            if (p.funded_greedy if rule.startswith("greedy") else p.funded_equal_shares)
        }
        assert funded == {names[pid] for pid in selected}
    # Importing the exported file again gives the same election.
    path = Path(app.instance_path).parent / f"again-{round_id}.pb"
    try:
        path.write_text(text, encoding="utf-8")
        second = runner.invoke(args=["budgets", "import", str(path)])
        assert second.exit_code == 0, second.output
        assert _sections(runner.invoke(args=["budgets", "export", second.output.strip()]).output)[
            1:
        ] == (projects, ballots)
    finally:
        path.unlink(missing_ok=True)


def test_import_refuses_what_it_cannot_read(app, runner, tmp_path):
    bad = tmp_path / "bad.pb"
    bad.write_text(
        "META\nkey;value\nbudget;100\nvote_type;ordinal\nPROJECTS\nproject_id;cost\n1;5\n"
    )
    result = runner.invoke(args=["budgets", "import", str(bad)])
    assert result.exit_code != 0 and "only approval ballots" in result.output
    unknown = tmp_path / "unknown.pb"
    unknown.write_text(
        "META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\nv;1,2\n"
    )
    result = runner.invoke(args=["budgets", "import", str(unknown)])
    assert result.exit_code != 0 and "not listed" in result.output
    assert runner.invoke(args=["budgets", "export", "999999"]).exit_code != 0
    with app.app_context():
        assert db.session.scalar(select(func.count(BudgetRound.id))) == 0
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


# --- Demo data --------------------------------------------------------------------------------


def test_demo_budgets(app, runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        rounds = db.session.scalars(select(BudgetRound).order_by(BudgetRound.id)).all()
        assert len(rounds) == 2
        regional, municipal = rounds
        assert regional.municipality_id is None and regional.phase == RoundPhase.VOTING
        feasibility = [
            p.feasibility
            for p in db.session.scalars(
                select(BudgetProject).where(BudgetProject.round_id == regional.id)
            )
        ]
        assert feasibility.count("feasible") == 12 and feasibility.count("not_feasible") == 3
        assert municipal.municipality_id is not None and municipal.counted_at is not None
        projects = db.session.scalars(
            select(BudgetProject).where(BudgetProject.round_id == municipal.id)
        ).all()
        greedy = {p.id for p in projects if p.funded_greedy}
        shares = {p.id for p in projects if p.funded_equal_shares}
        assert greedy and shares and greedy != shares
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0  # no real email
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(BudgetRound.id))) == 2  # idempotent


@pytest.mark.redis
def test_with_redis_the_worker_counts(
    app, client, login, make_user, make_round, make_budget_project, smtp_server, redis_server
):
    """With REDIS_URL the request only queues the count; `flask jobs worker` runs it."""
    import uuid

    from tests.conftest import TEST_REDIS_URL
    from tests.test_outbox import flask, worker_env

    queue_name = f"budgets-test-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL=TEST_REDIS_URL, JOBS_QUEUE=queue_name)
    budget_round = make_round(phase="voting")
    project = make_budget_project(budget_round, cost=1000)
    voter = make_user()
    with app.test_request_context("/en/"):
        service.cast_ballot(
            db.session.get(User, voter.id), service.load_round(budget_round.id), [str(project.id)]
        )
        db.session.commit()
    from tests.factories import set_round_phase

    set_round_phase(app, budget_round.id, "results")
    login(client, make_user(role="official"))
    page = f"/en/budgets/{budget_round.id}"
    assert client.submit(f"{page}/count", {}, page=page).status_code == 302
    with app.app_context():
        row = db.session.get(BudgetRound, budget_round.id)
        assert row.count_state == CountState.QUEUED and row.counted_at is None
    assert "The count is waiting to start." in html(client.get(page))
    env = worker_env(
        app, smtp_server.hostname, smtp_server.port, REDIS_URL=TEST_REDIS_URL, JOBS_QUEUE=queue_name
    )
    output, _ = flask("jobs", "worker", "--burst", env=env).communicate(timeout=180)
    with app.app_context():
        row = db.session.get(BudgetRound, budget_round.id)
        assert row.count_state == CountState.DONE and row.counted_at is not None, output
        assert db.session.get(BudgetProject, project.id).vote_count == 1


def test_fast_greedy_equals_pabutools_on_the_whole_profile():
    """The count gives pabutools' greedy one ballot per project (its votes as the
    multiplicity): on random elections it funds exactly what pabutools' greedy funds
    from every ballot, and equal shares what pabutools finds from every ballot."""
    import random

    from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

    rng = random.Random(11)
    for _ in range(40):
        costs = {i: rng.randrange(1, 40) * 500 for i in range(1, rng.randint(3, 12))}
        total = rng.randrange(5, 60) * 1000
        ballots = [
            rng.sample(sorted(costs), rng.randint(0, min(4, len(costs))))
            for _ in range(rng.randint(1, 60))
        ]
        outcome = service.compute_outcome(total, costs, ballots)
        projects = {i: Project(str(i), c) for i, c in costs.items()}
        voted = Instance(budget_limit=total)
        voted.update(projects[i] for i in costs if outcome.votes[i] > 0)
        whole = ApprovalProfile(
            [ApprovalBallot([projects[i] for i in b if projects[i] in voted]) for b in ballots],
            instance=voted,
        )
        ties = service.tie_breaking()
        expected = greedy_utilitarian_welfare(voted, whole, sat_class=Cost_Sat, tie_breaking=ties)
        assert outcome.greedy == {int(p.name) for p in expected}
        instance = Instance(budget_limit=total)
        instance.update(projects.values())
        everyone = ApprovalProfile(
            [ApprovalBallot([projects[i] for i in b]) for b in ballots], instance=instance
        )
        shares = method_of_equal_shares(instance, everyone, sat_class=Cost_Sat, tie_breaking=ties)
        assert outcome.equal_shares == {int(p.name) for p in shares}
