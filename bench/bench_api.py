"""Measure the open data pages (issue 13) against a hello-world Flask app, in
the same run, as bench/run.py does for the site's pages: the API's ideas list
(first page, and a page deep down the cursors), /stats, the municipalities
map and a municipality page.

Both apps are served by gunicorn (sync workers) and loaded by wrk; for each
round and page, hello-world then the page; the table shows the median ratio
(page requests/s over hello requests/s), p50/p99, the workers' CPU per request
and the SQL queries per request (in-process, same database).

Reproduce (build the database first with bench/generate.py; needs wrk):

    python bench/generate.py --size S --database-url sqlite:////tmp/bench-S.sqlite3
    python bench/bench_api.py --database-url sqlite:////tmp/bench-S.sqlite3
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import drain, free_port, serve, server_env, wait_up, worker_cpu, wrk  # noqa: E402

DEEP_PAGES = 100  # the deep page is this many cursors in, at limit=100
PAGES = [
    ("API ideas, first page", "/api/v1/ideas?limit=100"),
    ("API ideas, deep cursor page", "{deep}"),
    ("API ideas, supported, first page", "/api/v1/ideas?sort=supported&limit=100"),
    ("API statistics", "/api/v1/statistics"),
    ("/stats", "/en/stats"),
    ("municipalities map", "/fr/municipalities"),
    ("municipality page", "/nl/municipalities/ixelles"),
]


def deep_cursor(base: str) -> tuple[str, int]:
    """The address DEEP_PAGES pages into the newest ideas, following the cursors."""
    url = f"{base}/api/v1/ideas?limit=100"
    depth = 0
    for _ in range(DEEP_PAGES):
        page = json.loads(urllib.request.urlopen(url, timeout=120).read())
        if not page["links"]["next"]:
            break
        # The links name the public address: keep the path and query only.
        parts = urllib.parse.urlsplit(page["links"]["next"])
        url = f"{base}{parts.path}?{parts.query}"
        depth += 100
    return url.removeprefix(base), depth


def queries(url: str, paths: dict[str, str]) -> dict[str, int]:
    """SQL statements per request, in-process, with the Flask test client."""
    import logging

    from sqlalchemy import event

    from participation import create_app
    from participation.extensions import db

    logging.disable(logging.INFO)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret"})
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    client = app.test_client()
    found = {}
    for label, path in paths.items():
        client.get(path)
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        assert client.get(path).status_code == 200, path
        event.remove(engine, "before_cursor_execute", count)
        found[label] = len(statements)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk (or brew install wrk)")
    if args.rounds < 3:
        raise SystemExit("At least 3 rounds, for a median.")

    from sqlalchemy import create_engine, text

    engine = create_engine(args.database_url)
    with engine.connect() as conn:
        size = conn.scalar(text("SELECT count(*) FROM ideas"))
    engine.dispose()

    env = server_env(args.database_url)
    hello_port, app_port = free_port(), free_port()
    hello = serve("bench.hello:app", hello_port, args.workers, env)
    # The bench app: rate limits off (wrk sends thousands of API requests).
    app = serve("bench.wsgi_bench:app", app_port, args.workers, env)
    results: dict[str, list[dict]] = {label: [] for label, _ in PAGES}
    floors: dict[str, list[dict]] = {label: [] for label, _ in PAGES}
    load = []
    try:
        wait_up(hello_port)
        wait_up(app_port, "/en/")
        deep, depth = deep_cursor(f"http://127.0.0.1:{app_port}")
        paths = {label: path.format(deep=deep) for label, path in PAGES}
        for _round in range(args.rounds):
            for label, path in paths.items():
                headers = ["Accept-Encoding: gzip, br"]
                floor = wrk(
                    f"http://127.0.0.1:{hello_port}/", args.seconds, args.connections,
                    headers, None,
                )  # fmt: skip
                drain(hello_port)
                before = worker_cpu(app.pid)
                measured = wrk(
                    f"http://127.0.0.1:{app_port}{path}",
                    args.seconds, args.connections, headers, None,
                )  # fmt: skip
                drain(app_port)
                measured["cpu_ms"] = (
                    (worker_cpu(app.pid) - before) * 1000 / max(1, measured["requests"])
                )
                floors[label].append(floor)
                results[label].append(measured)
                load.append(os.getloadavg()[0])
    finally:
        for process in (hello, app):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait()
    counted = queries(args.database_url, paths)

    backend = args.database_url.split(":")[0].split("+")[0]
    print(
        f"\n{backend}, {size:,} ideas; deep page = {depth:,} ideas in; gunicorn sync"
        f" x{args.workers}, wrk {args.connections} connections, {args.rounds} rounds x"
        f" {args.seconds} s; load average {min(load):.2f}-{max(load):.2f}"
        f" on {os.cpu_count()} cores"
    )
    print(
        "| page | app / hello | app req/s | hello req/s | p50 ms | p99 ms | CPU ms/req | queries |"
    )
    print("|---|---|---|---|---|---|---|---|")
    table = []
    for label, _ in PAGES:
        runs, hellos = results[label], floors[label]
        row = {
            "page": label,
            "ratio": statistics.median(
                r["rps"] / f["rps"] for r, f in zip(runs, hellos, strict=True)
            ),
            "rps": statistics.median(r["rps"] for r in runs),
            "hello_rps": statistics.median(f["rps"] for f in hellos),
            "p50": statistics.median(r["p50"] for r in runs),
            "p99": statistics.median(r["p99"] for r in runs),
            "cpu_ms": statistics.median(r["cpu_ms"] for r in runs),
            "errors": sum(r["errors"] for r in runs),
            "queries": counted[label],
        }
        table.append(row)
        errors = f" {row['errors']} errors" if row["errors"] else ""
        print(
            f"| {label} | {row['ratio']:.3f} | {row['rps']:.0f} | {row['hello_rps']:.0f} |"
            f" {row['p50']:.1f} | {row['p99']:.1f} | {row['cpu_ms']:.1f} |"
            f" {row['queries']} |{errors}"
        )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"size": size, "backend": backend, "depth": depth, "rows": table})
        )


if __name__ == "__main__":
    main()
