"""An official's answer to an idea with 5 and with 5,000 supporters: the time the
server spends on the POST (wall and CPU), its queries and the outbox rows it
writes, against a hello-world request in the same run.

The answer writes one notification and one outbox row per supporter with
INSERT ... SELECT in the request's transaction; the emails leave later, from
the job worker (participation/services/outbox.py), so the request does not
grow with the supporters. Each case is answered `--rounds` times (the status
alternates) through the Flask test client with the real app and database;
the medians are printed.

    python bench/generate.py --size S --database-url sqlite:////tmp/bench-answer.sqlite3
    python bench/bench_answer.py --database-url sqlite:////tmp/bench-answer.sqlite3

The database gets 5,005 more citizens and their supports: use a bench copy.
"""

from __future__ import annotations

import argparse
import logging
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, insert, select, update  # noqa: E402

STATUSES = ("under_review", "in_progress")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    logging.disable(logging.INFO)

    from bench.hello import app as hello
    from participation import create_app
    from participation.extensions import db
    from participation.models import Idea, OutboxMessage, Support, User
    from participation.models.base import utcnow
    from participation.services.passwords import hash_password
    from participation.vocabulary import IdeaStatus, Role

    app = create_app(
        "development",
        {
            "SQLALCHEMY_DATABASE_URI": args.database_url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "OUTBOX_SEND_IN_APP": False,
            "PAGE_CACHE_ENABLED": False,
        },
    )
    run = secrets.token_hex(3)
    password = "bench-official-2026"
    with app.app_context():
        now = utcnow()
        db.session.add(
            User(
                email=f"official-{run}@example.be",
                display_name="Bench Official",
                password_hash=hash_password(password),
                role=Role.OFFICIAL,
                language="fr",
                email_confirmed_at=now,
            )
        )
        ideas = db.session.scalars(
            select(Idea.id)
            .where(Idea.status == IdeaStatus.PUBLISHED, Idea.official_status.is_(None))
            .order_by(Idea.id.desc())
            .limit(2)
        ).all()
        cases = dict(zip((5, 5000), ideas, strict=True))
        for n, idea_id in cases.items():
            db.session.execute(
                insert(User),
                [
                    {
                        "email": f"s{run}-{idea_id}-{i}@example.be",
                        "display_name": f"Supporter {i}",
                        "password_hash": "unused",
                        "role": Role.CITIZEN,
                        "language": ("fr", "nl", "en")[i % 3],
                        "email_confirmed_at": now,
                    }
                    for i in range(n)
                ],
            )
            users = db.session.scalars(
                select(User.id).where(User.email.like(f"s{run}-{idea_id}-%"))
            ).all()
            db.session.execute(
                insert(Support),
                [{"idea_id": idea_id, "user_id": uid, "created_at": now} for uid in users],
            )
            db.session.execute(
                update(Idea).where(Idea.id == idea_id).values(support_count=Idea.support_count + n)
            )
        db.session.commit()
        engine = db.engine
    client = app.test_client()
    client.post(
        "/fr/account/login", data={"email": f"official-{run}@example.be", "password": password}
    )
    floor_client = hello.test_client()
    floor_client.get("/")

    statements: list[str] = []

    def count(conn, cursor, statement, *rest):
        statements.append(statement)

    def outbox_rows() -> int:
        with app.app_context():
            return db.session.scalar(select(func.count(OutboxMessage.id))) or 0

    results = {}
    for n, idea_id in cases.items():
        walls, cpus, queries, written = [], [], [], []
        for r in range(args.rounds):
            before = outbox_rows()
            statements.clear()
            event.listen(engine, "before_cursor_execute", count)
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.post(
                f"/fr/officials/ideas/{idea_id}/status",
                data={
                    "status": STATUSES[r % 2],
                    "response_fr": "Nous étudions votre idée.",
                    "response_nl": "We bestuderen uw idee.",
                },
            )
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
            event.remove(engine, "before_cursor_execute", count)
            if response.status_code != 302:
                raise SystemExit(f"The answer failed: {response.status_code}")
            queries.append(len(statements))
            written.append(outbox_rows() - before)
        results[n] = (walls, cpus, queries, written)
    floor = []
    for _ in range(200):
        start = time.perf_counter()
        floor_client.get("/")
        floor.append((time.perf_counter() - start) * 1000)

    backend = args.database_url.split(":")[0].split("+")[0]
    print(f"\n{backend}: an official's answer, median of {args.rounds} POSTs each")
    print("| supporters | server ms (wall) | CPU ms | queries | outbox rows written |")
    print("|---|---|---|---|---|")
    for n, (walls, cpus, queries, written) in results.items():
        print(
            f"| {n:,} | {statistics.median(walls):.1f} | {statistics.median(cpus):.1f}"
            f" | {statistics.median(queries):.0f} | {statistics.median(written):,.0f} |"
        )
    print(f"hello-world floor in the same run: {statistics.median(floor):.2f} ms per request")


if __name__ == "__main__":
    main()
