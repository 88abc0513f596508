"""Build a benchmark database: S or L, on SQLite or PostgreSQL.

    S: 1,000 ideas, 10,000 supports, 2,000 comments
    L: 100,000 ideas, 1,000,000 supports, 200,000 comments
    (and one idea in ten with a published translation)

The schema comes from the migrations (`flask db upgrade`), then rows are bulk
inserted through it (executemany on SQLite, COPY on PostgreSQL). Counters are
computed from the generated rows (support and comment counts, trending
scores, challenge totals); the triggers that keep them are off during the load
(dropped and created again from the migration on SQLite,
session_replication_role = replica on PostgreSQL), then every stored counter
is checked against the rows, trending scores included. ANALYZE runs at the
end. One idea has exactly 200 comments (the "idea with 200 comments" page),
and a confirmed citizen bench@example.be (password below) can log in.

Reproduce (from any directory):

    python bench/generate.py --size S --database-url sqlite:////tmp/bench-S.sqlite3
    python bench/generate.py --size L \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/participation_bench

A PostgreSQL database is emptied first (schema public dropped), so its name
must contain "bench" or "test"; an SQLite file is replaced.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

SIZES = {
    "S": {"ideas": 1_000, "supports": 10_000, "comments": 2_000},
    "L": {"ideas": 100_000, "supports": 1_000_000, "comments": 200_000},
}
BENCH_EMAIL = "bench@example.be"
BENCH_PASSWORD = "bench-password-2026"
BIG_THREAD = 200  # comments on the idea of the "200 comments" page
EPOCH = datetime(2026, 1, 1)  # as migrations/versions/0006_scale.py
HALF_LIFE = 7 * 86400.0

WORDS = (
    "bike lane crossing school tram bus STIB Villo canal park tree bench light street "
    "data open budget recypark compost noise air safety Zone 30 Good Move Flagey Midi "
    "piste cyclable école sécurité éclairage propreté chaussée parc arbre données "
    "fietspad school veiligheid verlichting park boom gegevens afval lucht square "
    "market library playground river garden parking sidewalk bridge metro station"
).split()


def weight(at: datetime) -> float:
    return 2.0 ** ((at - EPOCH).total_seconds() / HALF_LIFE)


def prepare(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = parsed.database or ""
    if "bench" not in name and "test" not in name:
        raise SystemExit(f"Refusing to empty database {name!r}: use a name with 'bench' or 'test'.")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_rows(n_ideas: int, n_supports: int, n_comments: int, seed: int = 7):
    """Users, ideas, supports and comments as tuples, counters computed."""
    from participation.services.passwords import hash_password

    rng = random.Random(seed)
    now = datetime.now().replace(microsecond=0)
    n_users = max(500, min(n_supports // 20, 50_000))
    users = [
        (
            f"bench{i}@example.be",
            f"Resident {i}",
            rng.choice(("fr", "nl", "en")),
            rng.choice([None, *range(1, 20)]),
            "citizen",
            now,
            now,
            f"{i:032d}",
            None,
        )
        for i in range(1, n_users + 1)
    ]
    users.append(
        ("bench@example.be", "Bench Citizen", "en", 3, "citizen", now, now, "b" * 32,
         hash_password(BENCH_PASSWORD))
    )  # fmt: skip
    bench_user = len(users)

    ideas = []
    for i in range(1, n_ideas + 1):
        words = rng.sample(WORDS, 14)
        body = " ".join(rng.choice(WORDS) for _ in range(90)).capitalize() + "."
        published = now - timedelta(minutes=rng.randint(10, 60 * 24 * 365))
        status = rng.choices(("published", "withdrawn", "pending", "hidden"), (90, 4, 4, 2))[0]
        ideas.append(
            {
                "author_id": rng.randint(1, n_users),
                "challenge_id": rng.randint(1, 4),
                "municipality_id": rng.choice([None, *range(1, 20)]),
                "title": " ".join(words[:6]).capitalize() + f" #{i}",
                "body_source": body,
                "body_html": f"<p>{body}</p>",
                "language": rng.choice(("fr", "nl", "en")),
                "status": status,
                "official_status": (
                    rng.choice(("under_review", "accepted", "in_progress", None, None))
                    if status == "published" and rng.random() < 0.03
                    else None
                ),
                "support_count": 0,
                "comment_count": 0,
                "trending_score": 0.0,
                "created_at": published - timedelta(hours=2),
                "updated_at": published,
                "published_at": None if status == "pending" else published,
            }
        )
    # The idea with the long discussion: published, takes supports.
    big = ideas[0]
    big["status"], big["official_status"] = "published", None
    big["published_at"] = big["published_at"] or now - timedelta(days=30)

    supportable = [n for n, idea in enumerate(ideas) if idea["published_at"] is not None]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < n_supports:
        # Popular ideas get more supports.
        if rng.random() < 0.5:
            index = supportable[int(rng.paretovariate(1.1)) % len(supportable)]
        else:
            index = rng.choice(supportable)
        pairs.add((index, rng.randint(1, n_users)))
    supports = []
    for index, user in pairs:
        idea = ideas[index]
        age = max(60, int((now - idea["published_at"]).total_seconds()))
        at = now - timedelta(seconds=rng.randint(0, min(age, 60 * 86400)))
        idea["support_count"] += 1
        idea["trending_score"] += weight(at)
        supports.append((index + 1, user, at))

    comments = []
    commented = [n for n in supportable if ideas[n]["status"] == "published"][1:]
    for n in range(n_comments):
        index = 0 if n < BIG_THREAD else rng.choice(commented)
        idea = ideas[index]
        # A fifth are replies to the previous comment of the same idea, if top-level.
        parent = None
        if n % 5 == 4 and comments and comments[-1][0] == index + 1 and comments[-1][2] is None:
            parent = len(comments)
        at = idea["published_at"] + timedelta(minutes=10 + n % 5000)
        body = f"I agree with point {n}, and the same is true in my street."
        comments.append((index + 1, rng.randint(1, n_users), parent, body, f"<p>{body}</p>", at))
        idea["comment_count"] += 1
    return users, ideas, supports, comments, bench_user


USER_COLUMNS = (
    "email, display_name, language, municipality_id, role, created_at, "
    "email_confirmed_at, session_token, password_hash"
)
IDEA_COLUMNS = (
    "author_id",
    "challenge_id",
    "municipality_id",
    "title",
    "body_source",
    "body_html",
    "language",
    "status",
    "official_status",
    "support_count",
    "comment_count",
    "trending_score",
    "created_at",
    "updated_at",
    "published_at",
)
COMMENT_COLUMNS = "idea_id, author_id, parent_id, body_source, body_html, created_at"


def _migration(name: str):
    """migrations/versions/<name>.py, for its trigger definitions."""
    import importlib.util

    path = ROOT / "migrations" / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"migration_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sqlite_trigger_definitions() -> tuple[list[str], list[str]]:
    """The names and the latest definitions of the SQLite triggers that keep
    the counters: 0006_scale's, with the supports triggers as
    0018_support_counters redefined them (count, trending score and lock)."""
    scale, counters = _migration("0006_scale"), _migration("0018_support_counters")
    redefined = set(counters.SQLITE_TRIGGER_NAMES)
    kept = [
        statement
        for statement in scale.SQLITE_TRIGGERS
        if not any(f"TRIGGER {name} " in statement for name in redefined)
    ]
    return scale.SQLITE_TRIGGER_NAMES, kept + counters.SQLITE_TRIGGERS


TOTALS = (
    "UPDATE challenges SET"
    " idea_count = (SELECT count(*) FROM ideas WHERE challenge_id = challenges.id"
    "   AND status IN ('published', 'withdrawn')),"
    " support_count = (SELECT coalesce(sum(support_count), 0) FROM ideas"
    "   WHERE challenge_id = challenges.id AND status IN ('published', 'withdrawn'))"
)


def load_sqlite(path: str, users, ideas, supports, comments) -> None:
    """Bulk insert; the triggers that keep the challenge totals and trending
    scores are dropped for the load (the rows carry those values) and created
    again from the migration's own definitions."""
    import sqlite3

    trigger_names, triggers = _sqlite_trigger_definitions()

    def stamp(value):
        return value.isoformat(sep=" ", timespec="microseconds") if value else None

    from participation.stemming import stem_text

    conn = sqlite3.connect(path)
    # The similar-ideas triggers (0013_translations) stem each new idea.
    conn.create_function("stem_text", 2, stem_text, deterministic=True)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=OFF")
    with conn:
        for name in trigger_names:
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        conn.executemany(
            f"INSERT INTO users ({USER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*u[:5], stamp(u[5]), stamp(u[6]), *u[7:]) for u in users],
        )
        conn.executemany(
            f"INSERT INTO ideas ({', '.join(IDEA_COLUMNS)}) VALUES "
            f"({', '.join('?' * len(IDEA_COLUMNS))})",
            [
                tuple(stamp(i[c]) if c.endswith("_at") else i[c] for c in IDEA_COLUMNS)
                for i in ideas
            ],
        )
        conn.executemany(
            "INSERT INTO supports (idea_id, user_id, created_at) VALUES (?, ?, ?)",
            [(i, u, stamp(at)) for i, u, at in supports],
        )
        conn.executemany(
            f"INSERT INTO comments ({COMMENT_COLUMNS}, status)"
            " VALUES (?, ?, ?, ?, ?, ?, 'visible')",
            [(*c[:5], stamp(c[5])) for c in comments],
        )
        conn.execute(TOTALS)
        for statement in triggers:
            conn.execute(statement)
    conn.execute("ANALYZE")
    conn.close()


def load_postgres(url: str, users, ideas, supports, comments) -> None:
    import psycopg

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn:
        with conn.cursor() as cur:
            # Triggers off for the load; the values they keep are in the rows.
            cur.execute("SET session_replication_role = replica")
            with cur.copy(f"COPY users ({USER_COLUMNS}) FROM STDIN") as copy:
                for row in users:
                    copy.write_row(row)
            with cur.copy(f"COPY ideas ({', '.join(IDEA_COLUMNS)}) FROM STDIN") as copy:
                for idea in ideas:
                    copy.write_row(tuple(idea[c] for c in IDEA_COLUMNS))
            with cur.copy("COPY supports (idea_id, user_id, created_at) FROM STDIN") as copy:
                for row in supports:
                    copy.write_row(row)
            with cur.copy(f"COPY comments ({COMMENT_COLUMNS}, status) FROM STDIN") as copy:
                for row in comments:
                    copy.write_row((*row, "visible"))
            cur.execute(TOTALS)
            # The triggers that list the search words are off too (0017_search_lexemes).
            cur.execute(
                "INSERT INTO search_lexemes (lexeme) SELECT DISTINCT"
                " unnest(tsvector_to_array(search_vector)) FROM ideas ON CONFLICT DO NOTHING"
            )
            cur.execute("SET session_replication_role = DEFAULT")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")


# One idea in TRANSLATED has a published translation (search and similar
# ideas read them too: migration 0013_translations).
TRANSLATED = 10


def translate(url: str) -> None:
    """A published translation for one idea in TRANSLATED, into Dutch (or
    French for a Dutch idea), with the idea's own words: a search for a common
    word finds many ideas through their translation too."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        from sqlalchemy import event

        from participation.stemming import stem_text

        @event.listens_for(engine, "connect")
        def _functions(connection, _record):
            # The similar-ideas triggers (0013_translations) stem each translation.
            connection.create_function("stem_text", 2, stem_text, deterministic=True)

    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO idea_translations (idea_id, language, title, body_source,"
                " body_html, translator_id, by_author, status, created_at, updated_at)"
                " SELECT id, CASE WHEN language = 'nl' THEN 'fr' ELSE 'nl' END,"
                " CASE WHEN language = 'nl' THEN 'Traduction : ' ELSE 'Vertaling: ' END || title,"
                " body_source, body_html, author_id, :yes, 'published', updated_at, updated_at"
                " FROM ideas WHERE id % :every = 0 ORDER BY id"
            ),
            {"yes": True, "every": TRANSLATED},
        )
        conn.execute(text("ANALYZE"))
    engine.dispose()


def check(url: str) -> None:
    """Every stored counter equals what the rows say."""
    engine = create_engine(url)
    with engine.connect() as conn:
        wrong = conn.scalar(
            text(
                "SELECT count(*) FROM ideas i WHERE support_count <>"
                " (SELECT count(*) FROM supports s WHERE s.idea_id = i.id)"
                " OR comment_count <> (SELECT count(*) FROM comments c WHERE c.idea_id = i.id"
                " AND c.status = 'visible')"
            )
        )
        weight = (
            "pow(2.0, (julianday(s.created_at) - julianday('2026-01-01')) / 7.0)"
            if conn.dialect.name == "sqlite"
            else "power(2.0::float8, extract(epoch FROM (s.created_at"
            " - timestamp '2026-01-01'))::float8 / 604800.0)"
        )
        wrong += conn.scalar(
            text(
                "SELECT count(*) FROM ideas i WHERE abs(trending_score - (SELECT"
                f" coalesce(sum({weight}), 0) FROM supports s WHERE s.idea_id = i.id))"
                " > 1e-6 * (1 + abs(trending_score))"
            )
        )
        totals = conn.scalar(
            text(
                "SELECT count(*) FROM challenges c WHERE idea_count <> (SELECT count(*) FROM ideas"
                " WHERE challenge_id = c.id AND status IN ('published', 'withdrawn'))"
                " OR support_count <> (SELECT coalesce(sum(support_count), 0) FROM ideas"
                " WHERE challenge_id = c.id AND status IN ('published', 'withdrawn'))"
            )
        )
    engine.dispose()
    if wrong or totals:
        raise SystemExit(f"Counters differ from rows: {wrong} ideas, {totals} challenges.")


def generate(url: str, size: str, seed: int = 7) -> None:
    import logging

    from flask_migrate import upgrade

    from participation import create_app
    from participation.extensions import db
    from participation.services import statistics

    logging.disable(logging.INFO)
    counts = SIZES[size]
    start = time.perf_counter()
    prepare(url)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()
    users, ideas, supports, comments, _bench = make_rows(
        counts["ideas"], counts["supports"], counts["comments"], seed
    )
    made = time.perf_counter()
    if make_url(url).get_backend_name() == "sqlite":
        load_sqlite(make_url(url).database, users, ideas, supports, comments)
    else:
        load_postgres(url, users, ideas, supports, comments)
    translate(url)
    loaded = time.perf_counter()
    check(url)
    checked = time.perf_counter()
    with app.app_context():
        # What the job worker does every STATS_CACHE_SECONDS (participation/jobs.py).
        statistics.refresh()
        db.session.remove()
        db.engine.dispose()
    print(
        f"{size} on {make_url(url).get_backend_name()}: {counts['ideas']:,} ideas, "
        f"{counts['supports']:,} supports, {counts['comments']:,} comments, {len(users):,} users,"
        f" {counts['ideas'] // TRANSLATED:,} translations;"
        f" rows made in {made - start:.0f} s, loaded in {loaded - made:.0f} s, checked in"
        f" {checked - loaded:.0f} s, statistics counted in {time.perf_counter() - checked:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.database_url, args.size, args.seed)


if __name__ == "__main__":
    main()
