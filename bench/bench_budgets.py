"""Participatory budgets at scale: 100 projects, 100,000 ballots.

Times, in one run:
- the count under each rule, computed by pabutools as the platform does
  (`services.budgets.compute_outcome`, one rule at a time), then the whole count
  the background job runs (`tally`: reading the ballots, both rules, writing votes
  and winners);
- the project list (the round page) and the ballot page (signed in), served by
  gunicorn and loaded by wrk exactly as bench/run.py does, alternating with a
  hello-world Flask app in the same run (`app / hello`: the page's requests per
  second over hello's), with the SQL queries per page (in process). Needs wrk.

Reproduce (from any directory; the database is built through the migrations):

    python bench/bench_budgets.py --database-url sqlite:////tmp/bench-budgets.sqlite3
    python bench/bench_budgets.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/participation_bench_budgets
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import statistics
import sys
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (label, path, signed in); {round} is the bench round.
PAGES = [
    ("project list (round page, 100 projects)", "/en/budgets/{round}", False),
    ("ballot page, signed in", "/en/budgets/{round}/ballot", True),
]
EMAIL = "bench-voter@example.be"
PASSWORD = "bench-password-2026"


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    """Median seconds over `repeat` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def fresh_database(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and os.path.exists(parsed.database):
            os.remove(parsed.database)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def build(app, projects: int, ballots: int, seed: int) -> int:
    """A voting round with `projects` feasible projects and `ballots` ballots (each 3 to
    8 projects, popular projects more often), bulk inserted. Returns the round id."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from participation.extensions import db
    from participation.models import BudgetBallot, BudgetBallotChoice, BudgetProject, User
    from participation.models.base import utcnow
    from participation.services import budgets
    from participation.services.passwords import hash_password

    rng = random.Random(seed)
    with app.test_request_context("/en/"):
        upgrade()
        now = utcnow()
        admin = User(
            email="bench-admin@example.be",
            display_name="Admin",
            password_hash=hash_password(PASSWORD),
            language="en",
            role="admin",
            email_confirmed_at=now,
        )
        voter = User(
            email=EMAIL,
            display_name="Voter",
            password_hash=hash_password(PASSWORD),
            language="en",
            email_confirmed_at=now,
        )
        db.session.add_all([admin, voter])
        db.session.flush()
        costs = [rng.randrange(5, 200) * 1000 for _ in range(projects)]
        budget_round = budgets.create_round(
            admin,
            budgets.RoundInput(
                title_fr="Budget de banc d'essai",
                title_nl="Testbegroting",
                title_en="Bench budget",
                description_fr="Cent projets, cent mille bulletins.",
                description_nl="Honderd projecten, honderdduizend stembiljetten.",
                total_amount=sum(costs) // 4,
                submission_opens_at=now - timedelta(days=3),
                review_opens_at=now - timedelta(days=2),
                voting_opens_at=now - timedelta(days=1),
                voting_closes_at=now + timedelta(days=7),
            ),
        )
        db.session.execute(
            insert(BudgetProject),
            [
                {
                    "round_id": budget_round.id,
                    "author_id": voter.id,
                    "title": f"Project {n + 1}: trees, benches and bike racks",
                    "description": "A project for the neighbourhood. " * 10,
                    "language": "en",
                    "cost": cost,
                    "feasibility": "feasible",
                    "translations": {},
                    "created_at": now,
                    "vote_count": 0,
                }
                for n, cost in enumerate(costs)
            ],
        )
        ids = list(
            db.session.scalars(
                select(BudgetProject.id).where(BudgetProject.round_id == budget_round.id)
            )
        )
        weights = [1.0 / (k + 1) ** 0.7 for k in range(len(ids))]
        batch = 10_000
        for start in range(0, ballots, batch):
            count = min(batch, ballots - start)
            rows = [
                {
                    "round_id": budget_round.id,
                    "voter_id": None,
                    "receipt": f"b{start + i:07d}",
                    "total_cost": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(count)
            ]
            db.session.execute(insert(BudgetBallot), rows)
            by_receipt = dict(
                db.session.execute(
                    select(BudgetBallot.receipt, BudgetBallot.id).where(
                        BudgetBallot.receipt.in_([r["receipt"] for r in rows])
                    )
                ).all()
            )
            choices = []
            for row in rows:
                chosen = set(rng.choices(ids, weights=weights, k=rng.randint(3, 8)))
                choices += [
                    {"ballot_id": by_receipt[row["receipt"]], "project_id": p} for p in chosen
                ]
            db.session.execute(insert(BudgetBallotChoice), choices)
        db.session.commit()
        return budget_round.id


def count_rules(app, round_id: int) -> dict[str, float]:
    """Seconds for each step of the count, with the platform's own functions."""
    from participation.extensions import db
    from participation.models import BudgetRound
    from participation.services import budgets
    from participation.vocabulary import OutcomeRule

    figures: dict[str, float] = {}
    with app.test_request_context("/en/"):
        budget_round = db.session.get(BudgetRound, round_id)
        seconds, ballots = timed(lambda: budgets.ballots_of(budget_round))
        figures[f"read the {len(ballots):,} ballots (one query)"] = seconds
        projects = budgets.projects_of(budget_round, feasible_only=True)
        costs = {p.id: p.cost or 0 for p in projects}
        choices = [chosen for _receipt, chosen in ballots]
        for rule in OutcomeRule:
            figures[f"{rule.short_label} alone (pabutools)"], _ = timed(
                lambda rule=rule: budgets.compute_outcome(
                    budget_round.total_amount, costs, choices, rules=[rule]
                )
            )

        def whole():
            outcome = budgets.tally(None, budget_round)
            db.session.rollback()
            return outcome

        figures["whole count, both rules, read and written, as the job runs it"], _ = timed(whole)
    return figures


def log_in(base: str) -> str:
    """A session cookie for the bench voter."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(f"{base}/en/account/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode(
        {"csrf_token": token, "email": EMAIL, "password": PASSWORD}
    ).encode()
    opener.open(f"{base}/en/account/login", data=data).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def queries_per_page(app, round_id: int) -> dict[str, int]:
    """SQL statements per request, in this process with the test client."""
    from sqlalchemy import event

    from participation.extensions import db
    from tests.pages import FormClient

    client = FormClient(app.test_client())
    assert (
        client.submit("/en/account/login", {"email": EMAIL, "password": PASSWORD}).status_code
        == 302
    )
    anonymous = app.test_client()
    counted = {"n": 0}
    with app.app_context():
        engine = db.engine

    def counter(*_args):
        counted["n"] += 1

    found = {}
    event.listen(engine, "before_cursor_execute", counter)
    try:
        for label, path, signed_in in PAGES:
            c = client if signed_in else anonymous
            url = path.format(round=round_id)
            assert c.get(url).status_code == 200, url
            counted["n"] = 0
            c.get(url)
            found[label] = counted["n"]
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    return found


def pages(url: str, round_id: int, rounds: int, seconds: int, connections: int, workers: int):
    """Each page under gunicorn + wrk, alternating with hello world as bench/run.py does:
    (label, median app/hello ratio, median req/s, p99 ms, CPU ms per request)."""
    from bench.run import drain, free_port, serve, server_env, wait_up, worker_cpu, wrk

    env = server_env(url)
    hello_port, app_port = free_port(), free_port()
    hello = serve("bench.hello:app", hello_port, workers, env)
    app = serve("bench.wsgi_bench:app", app_port, workers, env)
    results: dict[str, list[tuple[dict, dict, float]]] = {label: [] for label, *_ in PAGES}
    try:
        wait_up(hello_port)
        wait_up(app_port, "/en/")
        cookie = log_in(f"http://127.0.0.1:{app_port}")
        # Warm up every worker (templates compiled, catalogs loaded) before measuring.
        for _label, path, signed_in in PAGES:
            wrk(
                f"http://127.0.0.1:{app_port}{path.format(round=round_id)}", 2, workers * 2,
                [f"Cookie: {cookie}"] if signed_in else [], None,
            )  # fmt: skip
            drain(app_port)
        for _round in range(rounds):
            for label, path, signed_in in PAGES:
                headers = ["Accept-Encoding: gzip, br"]
                if signed_in:
                    headers.append(f"Cookie: {cookie}")
                floor = wrk(
                    f"http://127.0.0.1:{hello_port}/", seconds, connections, headers[:1], None
                )
                drain(hello_port)
                before = worker_cpu(app.pid)
                measured = wrk(
                    f"http://127.0.0.1:{app_port}{path.format(round=round_id)}",
                    seconds, connections, headers, None,
                )  # fmt: skip
                drain(app_port)
                if measured["errors"]:
                    raise SystemExit(f"{label}: {measured['errors']} error responses")
                cpu = (worker_cpu(app.pid) - before) * 1000 / max(1, measured["requests"])
                results[label].append((measured, floor, cpu))
    finally:
        for process in (hello, app):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait()
    table = []
    for label, runs in results.items():
        table.append(
            (
                label,
                statistics.median(m["rps"] / f["rps"] for m, f, _c in runs),
                statistics.median(m["rps"] for m, _f, _c in runs),
                statistics.median(f["rps"] for _m, f, _c in runs),
                statistics.median(m["p99"] for m, _f, _c in runs),
                statistics.median(c for _m, _f, c in runs),
            )
        )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/bench-budgets.sqlite3")
    parser.add_argument("--projects", type=int, default=100)
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production-0123456789")
    from participation import create_app

    fresh_database(args.database_url)
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": args.database_url,
            "WTF_CSRF_ENABLED": True,
            "OUTBOX_SEND_IN_APP": False,
            "RATELIMIT_ENABLED": False,
        },
    )
    started = time.perf_counter()
    round_id = build(app, args.projects, args.ballots, args.seed)
    print(
        f"Built {args.projects} projects and {args.ballots:,} ballots on "
        f"{args.database_url.split(':')[0]} in {time.perf_counter() - started:.1f} s "
        f"(load average {os.getloadavg()[0]:.1f})."
    )
    print("\n| the count | seconds |\n|---|---|")
    for label, seconds in count_rules(app, round_id).items():
        print(f"| {label} | {seconds:.2f} |")
    queries = queries_per_page(app, round_id)
    with app.app_context():
        from participation.extensions import db

        db.engine.dispose()
    table = pages(
        args.database_url, round_id, args.rounds, args.seconds, args.connections, args.workers
    )
    print(
        "\n| page | app / hello | app req/s | hello req/s | p99 ms | CPU ms/req | queries |"
        "\n|---|---|---|---|---|---|---|"
    )
    for label, ratio, rps, hello_rps, p99, cpu in table:
        print(
            f"| {label} | {ratio:.3f} | {rps:.0f} | {hello_rps:.0f} | {p99:.0f} | {cpu:.1f} "
            f"| {queries[label]} |"
        )
    print(f"\nLoad average after the run: {os.getloadavg()[0]:.1f}.")


if __name__ == "__main__":
    main()
