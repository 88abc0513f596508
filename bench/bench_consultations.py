"""Measure a consultation's results page and the answer POST at 10,000 and 100,000
answers, against a hello-world Flask app in the same run (the pattern of
bench/run.py: gunicorn sync workers, wrk, median of the rounds).

For each size it builds, in the given database (migrated to head first), one
consultation with the five question kinds of tests/factories_consultations.py and
that many anonymous respondents spread over the 19 municipalities (bulk inserts),
plus enough confirmed citizens for the POST rounds: each POST is a different
citizen answering once (a signed session cookie and CSRF token per citizen, made
in-process), so every measured POST really writes a participation and its
answers.

Needs wrk (`apt-get install -y wrk`). Reproduce:

    python bench/bench_consultations.py --database-url sqlite:////tmp/bench-consultations.sqlite3
    python bench/bench_consultations.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/consultations_bench
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import sys
import tempfile
import time
import urllib.parse
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import prepare  # noqa: E402
from bench.run import drain, free_port, serve, server_env, wait_up, worker_cpu, wrk  # noqa: E402

SIZES = (10_000, 100_000)
SECRET = "bench-consultations-secret"
POST_LUA = """
local pairs_ = {%s}
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  n = 0
end
-- wrk runs two threads, each with its own copy of this script: they take turns
-- through the citizens, so no citizen answers twice.
request = function()
  n = n + 1
  local p = pairs_[(((n - 1) * 2 + id) %% #pairs_) + 1]
  return wrk.format("POST", "%s", {["Cookie"] = p[1],
    ["Content-Type"] = "application/x-www-form-urlencoded"}, p[2])
end
"""


def build(app, size: int, citizens: int) -> tuple[int, list[tuple[str, str]]]:
    """The consultation with `size` respondents (reused if it exists), and
    `citizens` new (cookie, form body) pairs for the POST rounds."""
    from flask import g, session
    from flask_login import login_user
    from flask_wtf.csrf import generate_csrf
    from sqlalchemy import insert, select

    from participation.extensions import db
    from participation.models import (
        Consultation,
        ConsultationAnswer,
        ConsultationResponse,
        Municipality,
        User,
    )
    from participation.models.base import utcnow
    from participation.models.consultations import random_id
    from participation.services import consultations as service
    from participation.vocabulary import QuestionKind, Role
    from tests.factories_consultations import QUESTIONS, full_answer

    title = f"Bench {size}"
    rng = random.Random(size)
    with app.app_context():
        consultation = db.session.scalar(select(Consultation).where(Consultation.title_en == title))
        if consultation is None:
            official = User(
                email=f"bench-official-{size}@example.be",
                display_name="Bench official",
                role=Role.OFFICIAL,
                language="en",
                email_confirmed_at=utcnow(),
            )
            db.session.add(official)
            db.session.flush()
            now = utcnow()
            consultation = service.create_consultation(
                official,
                service.ConsultationInput(
                    title_fr=f"Banc {size}",
                    title_nl=f"Bank {size}",
                    title_en=title,
                    intro_fr="Banc d'essai.",
                    intro_nl="Benchmark.",
                    opens_at=now - timedelta(days=1),
                    closes_at=now + timedelta(days=365),
                    results_visibility="live",
                ),
            )
            for question in QUESTIONS:
                service.add_question(official, consultation, question)
            questions = service.questions_of(consultation)
            places = list(db.session.scalars(select(Municipality.id))) + [None]
            batch = 5_000
            for start in range(0, size, batch):
                responses: list[dict] = []
                answers: list[dict] = []
                for _ in range(min(batch, size - start)):
                    rid = random_id()
                    responses.append(
                        {
                            "id": rid,
                            "consultation_id": consultation.id,
                            "municipality_id": rng.choice(places),
                        }
                    )
                    for q in questions:
                        options = [o.id for o in q.options]
                        if q.kind == QuestionKind.SINGLE:
                            chosen = [(rng.choice(options), None)]
                        elif q.kind == QuestionKind.MULTIPLE:
                            chosen = [(o, None) for o in rng.sample(options[:-1], 2)]
                        elif q.kind == QuestionKind.RANKING:
                            a, b = rng.sample(options, 2)
                            chosen = [(a, 1), (b, 2)]
                        elif q.kind == QuestionKind.SCALE:
                            answers.append(
                                {
                                    "id": random_id(),
                                    "response_id": rid,
                                    "question_id": q.id,
                                    "value": rng.randint(1, 5),
                                }
                            )
                            continue
                        else:
                            continue
                        answers += [
                            {
                                "id": random_id(),
                                "response_id": rid,
                                "question_id": q.id,
                                "option_id": o,
                                "rank": r,
                            }
                            for o, r in chosen
                        ]
                db.session.execute(insert(ConsultationResponse), responses)
                db.session.execute(insert(ConsultationAnswer), answers)
            consultation.respondent_count = size
            service.rebuild_tallies(consultation)
            db.session.commit()
        consultation_id = consultation.id
        questions = service.questions_of(consultation)
        shape = [
            {"id": q.id, "kind": q.kind, "options": [o.id for o in q.options]} for q in questions
        ]
        first = db.session.scalar(select(db.func.max(User.id))) or 0
        db.session.execute(
            insert(User),
            [
                {
                    "email": f"bench-citizen-{size}-{first + i}@example.be",
                    "display_name": "Bench citizen",
                    "role": Role.CITIZEN,
                    "language": "en",
                    "email_confirmed_at": utcnow(),
                    "session_token": random_id(),
                }
                for i in range(citizens)
            ],
        )
        db.session.commit()
        users = db.session.scalars(
            select(User).where(User.email.like(f"bench-citizen-{size}-%")).order_by(User.id.desc())
        ).all()[:citizens]
        serializer = app.session_interface.get_signing_serializer(app)
        pairs = []
        for i, user in enumerate(users):
            with app.test_request_context("/en/"):
                login_user(user)
                g.pop("csrf_token", None)  # cached on the app context, shared by the loop
                token = generate_csrf()
                cookie = f"session={serializer.dumps(dict(session))}"
            form = full_answer(shape, pick=i, text="" if i % 3 else "More benches")
            form["csrf_token"] = token
            pairs.append((cookie, urllib.parse.urlencode(form)))
        db.session.remove()
    return consultation_id, pairs


def lua_for(pairs: list[tuple[str, str]], path: str) -> str:
    def quote(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    body = ",\n".join(f"{{{quote(c)}, {quote(b)}}}" for c, b in pairs)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(POST_LUA % (body, path))
    return lua.name


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--citizens", type=int, default=2_500, help="per POST round")
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    args = parser.parse_args()

    from flask_migrate import upgrade

    from participation import create_app

    prepare(args.database_url)
    # The same configuration as the served app, so its cookies and CSRF tokens hold.
    os.environ.update(
        DATABASE_URL=args.database_url, SECRET_KEY=SECRET, PARTICIPATION_ENV="development"
    )
    app = create_app(
        test_config={
            "RATELIMIT_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": args.database_url,
            "SECRET_KEY": SECRET,
        }
    )
    with app.app_context():
        upgrade()
    sizes = [int(s) for s in args.sizes.split(",")]
    built = {}
    for size in sizes:
        started = time.monotonic()
        built[size] = build(app, size, args.citizens * args.rounds)
        print(f"built {size:,} answers in {time.monotonic() - started:.0f} s", flush=True)

    env = {**server_env(args.database_url), "SECRET_KEY": SECRET}
    hello_port, app_port = free_port(), free_port()
    hello = serve("bench.hello:app", hello_port, args.workers, env)
    server = serve("bench.wsgi_bench:app", app_port, args.workers, env)
    rows = []
    load = []
    try:
        wait_up(hello_port)
        wait_up(app_port, "/en/")
        for size in sizes:
            consultation_id, pairs = built[size]
            cases = [("results page", f"/en/consultations/{consultation_id}/results", None)]
            cases.append(("answer POST", f"/en/consultations/{consultation_id}", "post"))
            for label, path, kind in cases:
                runs, floors = [], []
                for round_ in range(args.rounds):
                    script = None
                    if kind == "post":
                        chunk = pairs[round_ * args.citizens : (round_ + 1) * args.citizens]
                        script = lua_for(chunk, path)
                    floor = wrk(
                        f"http://127.0.0.1:{hello_port}/", args.seconds, args.connections,
                        [], None,
                    )  # fmt: skip
                    drain(hello_port)
                    before = worker_cpu(server.pid)
                    measured = wrk(
                        f"http://127.0.0.1:{app_port}{path}", args.seconds, args.connections,
                        ["Accept-Encoding: gzip, br"], script,
                    )  # fmt: skip
                    drain(app_port)
                    measured["cpu_ms"] = (
                        (worker_cpu(server.pid) - before) * 1000 / max(1, measured["requests"])
                    )
                    runs.append(measured)
                    floors.append(floor)
                    load.append(os.getloadavg()[0])
                rows.append(
                    {
                        "label": f"{label}, {size:,} answers",
                        "ratio": statistics.median(
                            r["rps"] / f["rps"] for r, f in zip(runs, floors, strict=True)
                        ),
                        "rps": statistics.median(r["rps"] for r in runs),
                        "hello": statistics.median(f["rps"] for f in floors),
                        "p50": statistics.median(r["p50"] for r in runs),
                        "p99": statistics.median(r["p99"] for r in runs),
                        "cpu": statistics.median(r["cpu_ms"] for r in runs),
                        "errors": sum(r["errors"] for r in runs),
                        "requests": sum(r["requests"] for r in runs),
                    }
                )
    finally:
        for process in (hello, server):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait()

    from sqlalchemy import func, select

    from participation.extensions import db
    from participation.models import ConsultationParticipation

    with app.app_context():
        written = dict(
            db.session.execute(
                select(ConsultationParticipation.consultation_id, func.count()).group_by(
                    ConsultationParticipation.consultation_id
                )
            ).all()
        )
    backend = args.database_url.split(":")[0].split("+")[0]
    print(
        f"\n{backend}; gunicorn sync x{args.workers}, wrk {args.connections} connections,"
        f" {args.rounds} rounds x {args.seconds} s; load average {min(load):.2f}-"
        f"{max(load):.2f} on {os.cpu_count()} cores"
    )
    print("| case | app / hello | app req/s | hello req/s | p50 ms | p99 ms | CPU ms/req |")
    print("|---|---|---|---|---|---|---|")
    for size in sizes:
        print(f"answers written by the POST rounds at {size:,}: {written.get(built[size][0], 0)}")
    for row in rows:
        errors = f" ({row['errors']} of {row['requests']} not 2xx/3xx)" if row["errors"] else ""
        print(
            f"| {row['label']} | {row['ratio']:.3f} | {row['rps']:.0f} | {row['hello']:.0f} |"
            f" {row['p50']:.1f} | {row['p99']:.1f} | {row['cpu']:.1f} |{errors}"
        )


if __name__ == "__main__":
    main()
