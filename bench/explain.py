"""Where the time goes: every SQL statement a page runs, its plan and its time.

Requests each page once in-process (Flask test client) on a database built by
bench/generate.py, captures its SELECTs, then prints for each the plan
(EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL) and the time of
one execution; with --profile, a pyinstrument profile of the request too.

    python bench/explain.py --database-url sqlite:////tmp/bench-L.sqlite3
    python bench/explain.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/participation_bench \\
        --path "/en/ideas/?sort=trending" --profile
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from participation import create_app  # noqa: E402
from participation.extensions import db  # noqa: E402

PATHS = [
    "/en/ideas/",
    "/en/ideas/?sort=trending",
    "/fr/ideas/?challenge=safe&municipality=ixelles&sort=supported",
    "/en/ideas/?page=50",
    "/fr/",
    "/en/ideas/1",
    "/en/ideas/?q=park",
]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--path", action="append", help="a page (default: the main ones)")
    parser.add_argument("--profile", action="store_true", help="pyinstrument, 20 requests")
    args = parser.parse_args()
    logging.disable(logging.INFO)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": args.database_url})
    client = app.test_client()
    with app.app_context():
        engine = db.engine
    for path in args.path or PATHS:
        captured: list[tuple[str, object]] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith("SELECT"):
                captured.append((statement, parameters))  # noqa: B023

        client.get(path)
        event.listen(engine, "before_cursor_execute", before)
        start = time.process_time()
        response = client.get(path)
        cpu = (time.process_time() - start) * 1000
        event.remove(engine, "before_cursor_execute", before)
        print(f"\n=== {path}: {response.status_code}, {cpu:.1f} ms CPU in this process")
        with app.app_context():
            connection = db.session.connection()
            postgres = connection.dialect.name == "postgresql"
            for statement, parameters in captured:
                start = time.perf_counter()
                connection.exec_driver_sql(statement, parameters).all()
                took = (time.perf_counter() - start) * 1000
                print(f"\n--- {took:.2f} ms: {' '.join(statement.split())[:400]}")
                prefix = "EXPLAIN (ANALYZE, BUFFERS)" if postgres else "EXPLAIN QUERY PLAN"
                for row in connection.exec_driver_sql(f"{prefix} {statement}", parameters):
                    print("    " + str(row[-1]))
            db.session.rollback()
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0002)
            profiler.start()
            for _ in range(20):
                client.get(path)
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    main()
