"""Time the list page, a search and the home page on a large database.

Creates N ideas, supports and comments in a fresh database built by the
migrations, then requests each page through the Flask test client many times
and prints the median and 95th percentile time and the number of SQL queries
per page. Tests assert query counts; this script is where we look at seconds.

Reproduce (from the repository root; the script also runs from any other
directory, e.g. `cd bench && ../.venv/bin/python bench_lists.py`):

    .venv/bin/python bench/bench_lists.py                      # SQLite, temp file
    .venv/bin/python bench/bench_lists.py --ideas 20000 --supports 200000
    .venv/bin/python bench/bench_lists.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/participation_bench

With TEST_DATABASE_URL set, PostgreSQL is measured too. A PostgreSQL
database is emptied first (schema public dropped), so its name must contain
"bench" or "test".
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

# Paths come from this file, never from the current directory: the script runs
# the same from the repository root, from bench/ or from anywhere else.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from participation import create_app  # noqa: E402
from participation.extensions import db  # noqa: E402
from participation.models import Comment, Idea, Support, User  # noqa: E402
from participation.models.base import utcnow  # noqa: E402

PAGES = [
    ("list, newest", "/en/ideas/"),
    ("list, trending", "/en/ideas/?sort=trending"),
    ("list, filtered + sorted", "/fr/ideas/?challenge=safe&municipality=ixelles&sort=supported"),
    ("list, page 100", "/en/ideas/?page=100"),
    ("search, 2 words", "/en/ideas/?q=bike+lane"),
    ("search, accents", "/fr/ideas/?q=s%C3%A9curit%C3%A9+%C3%A9cole"),
    ("challenge page", "/nl/ideas/challenge/sustainable"),
    ("home", "/fr/"),
    ("feed", "/en/ideas/feed.atom"),
]

WORDS = (
    "bike lane crossing school tram bus STIB Villo! canal park tree bench light street "
    "data open budget recypark compost noise air safety Zone 30 Good Move Flagey Midi "
    "piste cyclable école sécurité éclairage propreté chaussée parc arbre données "
    "fietspad school veiligheid verlichting park boom gegevens afval lucht"
).split()


def prepare_postgres(url: str) -> None:
    name = make_url(url).database or ""
    if "bench" not in name and "test" not in name:
        raise SystemExit(f"Refusing to empty database {name!r}: use a name with 'bench' or 'test'.")
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def fill(n_ideas: int, n_supports: int, n_comments: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    now = utcnow()
    n_users = max(200, min(n_supports // 10, 20000))
    db.session.execute(
        insert(User),
        [
            {
                "email": f"bench{i}@example.be",
                "display_name": f"Resident {i}",
                "language": rng.choice(("fr", "nl", "en")),
                "role": "citizen",
                "created_at": now,
                "email_confirmed_at": now,
                "session_token": f"{i:032d}",
            }
            for i in range(1, n_users + 1)
        ],
    )
    ideas = []
    for i in range(1, n_ideas + 1):
        words = rng.sample(WORDS, 12)
        created = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365))
        body = " ".join(words * 4)
        ideas.append(
            {
                "author_id": rng.randint(1, n_users),
                "challenge_id": rng.randint(1, 4),
                "municipality_id": rng.choice([None, *range(1, 20)]),
                "title": " ".join(words[:6]).capitalize() + f" #{i}",
                "body_source": body,
                "body_html": f"<p>{body}</p>",
                "language": rng.choice(("fr", "nl", "en")),
                "status": rng.choices(
                    ("published", "withdrawn", "pending", "hidden"), (90, 4, 4, 2)
                )[0],
                "support_count": 0,
                "comment_count": 0,
                "created_at": created,
                "updated_at": created,
                "published_at": created,
            }
        )
    for start in range(0, len(ideas), 1000):
        db.session.execute(insert(Idea), ideas[start : start + 1000])
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < n_supports:
        # Popular ideas get more supports.
        idea = (
            int(rng.paretovariate(1.2)) % n_ideas + 1
            if rng.random() < 0.5
            else rng.randint(1, n_ideas)
        )
        pairs.add((idea, rng.randint(1, n_users)))
    supports = [
        {
            "idea_id": i,
            "user_id": u,
            "created_at": now - timedelta(minutes=rng.randint(0, 60 * 24 * 60)),
        }
        for i, u in pairs
    ]
    for start in range(0, len(supports), 5000):
        db.session.execute(insert(Support), supports[start : start + 5000])
    comments = [
        {
            "idea_id": rng.randint(1, n_ideas),
            "author_id": rng.randint(1, n_users),
            "body_source": "I agree, and the same is true in my street.",
            "body_html": "<p>I agree, and the same is true in my street.</p>",
            "status": "visible",
            "created_at": now,
        }
        for _ in range(n_comments)
    ]
    for start in range(0, len(comments), 5000):
        db.session.execute(insert(Comment), comments[start : start + 5000])
    db.session.execute(
        text(
            "UPDATE ideas SET"
            " support_count = (SELECT count(*) FROM supports s WHERE s.idea_id = ideas.id),"
            " comment_count = (SELECT count(*) FROM comments c WHERE c.idea_id = ideas.id)"
        )
    )
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def measure(app, runs: int) -> list[tuple[str, str, float, float, int, int]]:
    client = app.test_client()
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    results = []
    for label, url in PAGES:
        client.get(url)  # warm up
        timings = []
        for _ in range(runs):
            statements.clear()
            event.listen(engine, "before_cursor_execute", count)
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            event.remove(engine, "before_cursor_execute", count)
            assert response.status_code == 200, (url, response.status_code)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(round(0.95 * (len(timings) - 1))))]
        results.append(
            (label, url, statistics.median(timings), p95, len(statements), response.status_code)
        )
    return results


def run(url: str, args) -> None:
    from flask_migrate import upgrade

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ECHO": False})
    with app.app_context():
        upgrade()
        start = time.perf_counter()
        fill(args.ideas, args.supports, args.comments)
        filled = time.perf_counter() - start
    backend = make_url(url).get_backend_name()
    print(
        f"\n{backend}: {args.ideas:,} ideas, {args.supports:,} supports, {args.comments:,} comments"
        f" (filled in {filled:.1f} s); {args.runs} runs per page"
    )
    print(f"{'page':26} {'median ms':>10} {'p95 ms':>8} {'queries':>8}  url")
    for label, page_url, median, p95, queries, _status in measure(app, args.runs):
        print(f"{label:26} {median:10.1f} {p95:8.1f} {queries:8d}  {page_url}")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ideas", type=int, default=5000)
    parser.add_argument("--supports", type=int, default=50000)
    parser.add_argument("--comments", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()

    import logging

    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/bench.sqlite3", args)
    if args.database_url:
        prepare_postgres(args.database_url)
        run(args.database_url, args)
    print(
        f"\nReproduce (in {ROOT}): .venv/bin/python bench/bench_lists.py "
        f"--ideas {args.ideas} --supports {args.supports} --comments {args.comments}"
        f" --runs {args.runs}" + (" --database-url <postgresql url>" if args.database_url else "")
    )


if __name__ == "__main__":
    main()
