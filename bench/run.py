"""Measure every page against a hello-world Flask app, in the same run.

Both apps are served by gunicorn (sync workers, 3 by default) and loaded by
wrk (32 connections, `Accept-Encoding: gzip, br` as a browser sends). For each
round and each page, hello-world and the page are measured one after the
other; the ratio is page requests/s over hello requests/s of that round, and
the table shows the median over the rounds (at least 3), with the page's p50
and p99 latency, the server CPU per request (user + system time of the
gunicorn workers, from /proc, divided by the requests served: the figure that
least depends on what else the machine is doing), the SQL queries per request
and the bytes sent (compressed / uncompressed), measured in-process with the
Flask test client on the same database. The signed-in rows are also
measured against bench/floor.py (the least a signed-in page, or support,
costs with Flask, Flask-Login, Flask-WTF and Flask-SQLAlchemy), served beside
them: floor / hello and app / floor, in the same rounds. On PostgreSQL each
round starts with a VACUUM, autovacuum's work in production, so that the
supports of one round do not slow the next round's pages.

Needs wrk: `apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk`.

Reproduce (from any directory; build the database first with bench/generate.py):

    python bench/generate.py --size S --database-url sqlite:////tmp/bench-S.sqlite3
    python bench/run.py --database-url sqlite:////tmp/bench-S.sqlite3
    python bench/run.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/participation_bench
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import BENCH_EMAIL, BENCH_PASSWORD, WORDS  # noqa: E402

# (label, path, signed in); {idea} is the idea with 200 comments.
PAGES = [
    ("list, newest", "/en/ideas/", False),
    ("list, newest, signed in", "/en/ideas/", True),
    ("list, trending", "/en/ideas/?sort=trending", False),
    (
        "list, filtered + sorted",
        "/fr/ideas/?challenge=safe&municipality=ixelles&sort=supported",
        False,
    ),
    ("list, page 50", "/en/ideas/?page=50", False),
    ("challenge page", "/nl/ideas/challenge/sustainable", False),
    ("challenge page, signed in", "/nl/ideas/challenge/sustainable", True),
    ("home", "/fr/", False),
    ("home, signed in", "/fr/", True),
    ("idea, 200 comments", "/en/ideas/{idea}", False),
    # Signed in: their support button, the comment and reply forms (CSRF), their
    # own comments' buttons; never a kept page.
    ("idea, 200 comments, signed in", "/en/ideas/{idea}", True),
    ("search 'park'", "/en/ideas/?q=park", False),
    ("search, 2 words", "/fr/ideas/?q=s%C3%A9curit%C3%A9+%C3%A9cole", False),
    # Two words drawn at random from the generated vocabulary for every request:
    # almost never a page kept from an earlier request (the cost of a search
    # nobody asked before; each word is in most generated ideas: the worst case).
    ("search, 2 random words (not kept)", "SEARCHES", False),
    # One citizen supports, then withdraws, across 1,000 ideas (each wrk thread
    # takes every other one): what a Region's supports look like, spread over
    # many ideas.
    ("support + withdraw POST", "POSTS", True),
    # The worst case: every request on the same idea, so every write waits for
    # the same row lock, and that row's index entries grow until vacuum runs.
    ("support + withdraw POST, one idea (hot row)", "POST", True),
]
# Issue 9's targets, app / hello in the same run: (SQLite, PostgreSQL). The
# random-words search has none (the cost of a search nobody asked before). The
# issue gives signed-in citizens a target of their own for the list only; the
# home, challenge and idea pages are held to theirs signed in too.
ANONYMOUS_LIST, SIGNED_IN_LIST = (0.25, 0.17), (0.12, 0.10)
TARGETS = {
    "list, newest": ANONYMOUS_LIST,
    "list, newest, signed in": SIGNED_IN_LIST,
    "list, trending": ANONYMOUS_LIST,
    "list, filtered + sorted": ANONYMOUS_LIST,
    "list, page 50": ANONYMOUS_LIST,
    "challenge page": (0.25, 0.25),
    "challenge page, signed in": (0.25, 0.25),
    "home": (0.25, 0.25),
    "home, signed in": (0.25, 0.25),
    "idea, 200 comments": (0.12, 0.12),
    "idea, 200 comments, signed in": (0.12, 0.12),
    "search 'park'": (0.15, 0.15),
    "search, 2 words": (0.15, 0.15),
    "support + withdraw POST": (0.15, 0.15),
    "support + withdraw POST, one idea (hot row)": (0.15, 0.15),
}
# At L (100,000 ideas), every page with a target answers 99 % of requests
# within this (the search's own 150 ms is then met too); "flat": the L ratio
# is at least 90 % of the S ratio (--flat-against, the S run's --json file).
L_IDEAS, P99_AT_L, FLAT = 100_000, 100.0, 0.9
assert set(TARGETS) <= {label for label, *_ in PAGES}, "a target names no page"
SEARCH_LUA = """
local words = {%s}
math.randomseed(7)
request = function()
  local a = words[math.random(#words)]
  local b = words[math.random(#words)]
  return wrk.format("GET", "/en/ideas/?q=" .. a .. "+" .. b, nil, "")
end
"""
SUPPORTS_LUA = """
local ideas = {%s}
local threads = 0
function setup(thread)
  thread:set("offset", threads)
  threads = threads + 1
end
local n = 0
request = function()
  n = n + 1
  local k = math.floor((n - 1) / 2) * 2 + offset
  local verb = (n %% 2 == 1) and "support" or "unsupport"
  return wrk.format("POST", "/en/ideas/" .. ideas[(k %% #ideas) + 1] .. "/" .. verb, nil, "")
end
"""
SUPPORT_LUA = """
local n = 0
request = function()
  n = n + 1
  local verb = (n % 2 == 1) and "support" or "unsupport"
  return wrk.format("POST", "/en/ideas/{idea}/" .. verb, nil, "")
end
"""


USER_AGENT = "participation-bench"


def server_env(database_url: str) -> dict[str, str]:
    """The environment gunicorn serves the platform with in the benches: the
    embedded configuration on the given database, without Redis."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-secret",
        "PARTICIPATION_ENV": "development",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(port: int, path: str = "/") -> None:
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2).read()
            return
        except Exception:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn on port {port} did not answer")


def serve(target: str, port: int, workers: int, env: dict) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    return subprocess.Popen(
        [
            str(gunicorn),
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
            # Several servers at once: none takes the shared control socket.
            "--no-control-socket",
            "--chdir",
            str(ROOT),
            target,
        ],
        env=env,
        start_new_session=True,
    )


def vacuum(database_url: str) -> None:
    """On PostgreSQL, VACUUM the database: what autovacuum does in production
    (on by default), done here between rounds because a bench machine may run
    without it (this workplace's PostgreSQL has `autovacuum = off`). Without
    it, the dead rows each support and withdrawal leaves in `supports`,
    `ideas` and `challenges` pile up from round to round, and the next round's
    signed-in pages read through them (its own supports, its idea's row)."""
    if not database_url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("VACUUM"))
    finally:
        engine.dispose()


def worker_cpu(master: int) -> float:
    """User + system seconds of a gunicorn master's children."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return 0.0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def drain(port: int) -> None:
    """Wait until the requests wrk left queued are served: a request sent now
    is answered after them."""
    for _ in range(3):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=120).read()


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(url: str, seconds: int, connections: int, headers: list[str], script: str | None):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "requests": requests,
        "p50": _ms(latency["50"]),
        "p99": _ms(latency["99"]),
        "errors": int(errors.group(1)) if errors else 0,
    }


def log_in(base: str) -> tuple[str, str]:
    """A session cookie for the bench citizen, and its CSRF token."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    # The browser's name, as wrk sends it: Flask-Login's session protection
    # would otherwise see another client on every request and sign the
    # session cookie again each time, which a real browser never causes.
    opener.addheaders = [("User-Agent", USER_AGENT)]
    html = opener.open(f"{base}/en/account/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode(
        {"csrf_token": token, "email": BENCH_EMAIL, "password": BENCH_PASSWORD}
    ).encode()
    opener.open(f"{base}/en/account/login", data=data).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    page = opener.open(f"{base}/en/ideas/").read().decode()
    if "Log out" not in page:
        raise SystemExit("The bench citizen could not log in: build the database with generate.py")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return cookie, token


def floor_log_in(base: str) -> tuple[str, str]:
    """A session cookie of bench/floor.py for the bench citizen, and its CSRF token."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    data = urllib.parse.urlencode({"email": BENCH_EMAIL, "password": BENCH_PASSWORD}).encode()
    token = opener.open(f"{base}/login", data=data).read().decode()
    return "; ".join(f"{c.name}={c.value}" for c in jar), token


def in_process(url: str, idea: int) -> dict[str, tuple[int, int, int]]:
    """Queries, compressed and raw bytes of each page, with the Flask test client."""
    import logging

    from sqlalchemy import event

    from participation import create_app
    from participation.extensions import db

    logging.disable(logging.INFO)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    client = app.test_client()
    signed = app.test_client()
    signed.post("/en/account/login", data={"email": BENCH_EMAIL, "password": BENCH_PASSWORD})
    results = {}
    for label, path, signed_in in PAGES:
        if path in ("POST", "POSTS"):
            continue
        if path == "SEARCHES":
            path = "/en/ideas/?q=tram+bench"  # one of them (the page cache is off here)
        path = path.format(idea=idea)
        who = signed if signed_in else client
        who.get(path)
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        response = who.get(path, headers={"Accept-Encoding": "gzip"})
        event.remove(engine, "before_cursor_execute", count)
        body = response.get_data()
        raw = gzip.decompress(body) if response.headers.get("Content-Encoding") == "gzip" else body
        results[label] = (len(statements), len(body), len(raw))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--only", help="measure only pages whose label contains this (several: comma-separated)"
    )
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument(
        "--flat-against",
        help="the --json file of the S run on the same database: checks that L is flat",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk (or brew install wrk)")
    if args.rounds < 3:
        raise SystemExit("At least 3 rounds, for a median.")

    from sqlalchemy import create_engine, text

    engine = create_engine(args.database_url)
    with engine.connect() as conn:
        idea = conn.scalar(text("SELECT id FROM ideas ORDER BY comment_count DESC, id LIMIT 1"))
        size = conn.scalar(text("SELECT count(*) FROM ideas"))
        # The POST bench supports and withdraws on a published idea that takes
        # supports and is not the bench citizen's own.
        to_support = list(
            conn.scalars(
                text(
                    "SELECT ideas.id FROM ideas JOIN users ON users.id = ideas.author_id"
                    " WHERE ideas.status = 'published' AND ideas.official_status IS NULL"
                    " AND users.email != :email ORDER BY ideas.id LIMIT 1000"
                ),
                {"email": BENCH_EMAIL},
            )
        )
    engine.dispose()

    wanted = [w for w in (args.only or "").split(",") if w]
    pages = [p for p in PAGES if not wanted or any(w in p[0] for w in wanted)]
    env = server_env(args.database_url)
    hello_port, app_port = free_port(), free_port()
    hello = serve("bench.hello:app", hello_port, args.workers, env)
    # Rate limits off for the POST bench only (one user sends thousands).
    app = serve("bench.wsgi_bench:app", app_port, args.workers, env)
    # The signed-in rows (pages and POSTs) are also measured against the
    # stack's floor (bench/floor.py).
    floored = any(signed for _label, _path, signed in pages)
    floor_port = free_port()
    floor_app = serve("bench.floor:app", floor_port, args.workers, env) if floored else None
    servers = [s for s in (hello, app, floor_app) if s is not None]
    results: dict[str, list[dict]] = {label: [] for label, *_ in pages}
    hellos: dict[str, list[dict]] = {label: [] for label, *_ in pages}
    floors: dict[str, list[dict]] = {label: [] for label, *_ in pages}
    load = []
    try:
        wait_up(hello_port)
        wait_up(app_port, "/en/")
        cookie, token = log_in(f"http://127.0.0.1:{app_port}")
        if floor_app is not None:
            wait_up(floor_port)
            floor_cookie, floor_token = floor_log_in(f"http://127.0.0.1:{floor_port}")
        base_headers = ["Accept-Encoding: gzip, br", f"User-Agent: {USER_AGENT}"]
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write(SUPPORT_LUA.replace("{idea}", str(to_support[0])))
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as spread:
            spread.write(SUPPORTS_LUA % ", ".join(str(i) for i in to_support))
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as searches:
            ascii_words = sorted({w.lower() for w in WORDS if w.isascii() and w.isalpha()})
            searches.write(SEARCH_LUA % ", ".join(f'"{w}"' for w in ascii_words))
        for _round in range(args.rounds):
            vacuum(args.database_url)  # what earlier rounds' and runs' supports left
            for label, path, signed_in in pages:
                headers = list(base_headers)
                script = None
                if signed_in:
                    headers.append(f"Cookie: {cookie}")
                if path == "SEARCHES":
                    script, path = searches.name, "/"
                if path in ("POST", "POSTS"):
                    headers += [f"X-CSRFToken: {token}", "Accept: application/json"]
                    script, path = (lua if path == "POST" else spread).name, "/"
                hello_run = wrk(
                    f"http://127.0.0.1:{hello_port}/", args.seconds, args.connections,
                    base_headers, None,
                )  # fmt: skip
                drain(hello_port)
                before = worker_cpu(app.pid)
                measured = wrk(
                    f"http://127.0.0.1:{app_port}{path.format(idea=idea)}",
                    args.seconds, args.connections, headers, script,
                )  # fmt: skip
                drain(app_port)
                # The queued requests were served too: count them (wrk reports
                # those it saw answered; the drain adds 3, negligible).
                measured["cpu_ms"] = (
                    (worker_cpu(app.pid) - before) * 1000 / max(1, measured["requests"])
                )
                if floor_app is not None and signed_in:
                    floor_headers = [*base_headers, f"Cookie: {floor_cookie}"]
                    if script is not None:  # the POSTs
                        floor_headers += [f"X-CSRFToken: {floor_token}", "Accept: application/json"]
                    before = worker_cpu(floor_app.pid)
                    lowest = wrk(
                        f"http://127.0.0.1:{floor_port}{path.format(idea=idea)}",
                        args.seconds, args.connections, floor_headers, script,
                    )  # fmt: skip
                    drain(floor_port)
                    lowest["cpu_ms"] = (
                        (worker_cpu(floor_app.pid) - before) * 1000 / max(1, lowest["requests"])
                    )
                    floors[label].append(lowest)
                hellos[label].append(hello_run)
                results[label].append(measured)
                load.append(os.getloadavg()[0])
    finally:
        for process in servers:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait()
    details = in_process(args.database_url, idea)

    backend = args.database_url.split(":")[0].split("+")[0]
    print(
        f"\n{backend}, {size:,} ideas; gunicorn sync x{args.workers}, wrk {args.connections}"
        f" connections, {args.rounds} rounds x {args.seconds} s; load average during the run"
        f" {min(load):.2f}-{max(load):.2f} on {os.cpu_count()} cores"
    )
    header = (
        "| page | app / hello | app req/s | hello req/s | p50 ms | p99 ms | CPU ms/req"
        " | queries | KB gzip / raw |"
    )
    print(header)
    print("|---|---|---|---|---|---|---|---|---|")
    table = []
    for label, *_ in pages:
        runs, hello_runs = results[label], hellos[label]
        ratio = statistics.median(
            r["rps"] / h["rps"] for r, h in zip(runs, hello_runs, strict=True)
        )
        queries, packed, raw = details.get(label, (0, 0, 0))
        row = {
            "page": label,
            "ratio": ratio,
            "rps": statistics.median(r["rps"] for r in runs),
            "hello_rps": statistics.median(h["rps"] for h in hello_runs),
            "p50": statistics.median(r["p50"] for r in runs),
            "p99": statistics.median(r["p99"] for r in runs),
            "cpu_ms": statistics.median(r["cpu_ms"] for r in runs),
            "errors": sum(r["errors"] for r in runs),
            "queries": queries,
            "kb": (packed / 1024, raw / 1024),
        }
        table.append(row)
        size_text = f"{row['kb'][0]:.1f} / {row['kb'][1]:.1f}" if packed else "-"
        errors = f" {row['errors']} errors" if row["errors"] else ""
        print(
            f"| {label} | {ratio:.3f} | {row['rps']:.0f} | {row['hello_rps']:.0f} |"
            f" {row['p50']:.1f} | {row['p99']:.1f} | {row['cpu_ms']:.1f} |"
            f" {queries or '-'} | {size_text} |{errors}"
        )
    floor_rows = floor_table(pages, results, hellos, floors)
    flat_against = json.loads(Path(args.flat_against).read_text()) if args.flat_against else None
    verdicts(table, backend, size, flat_against)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"size": size, "backend": backend, "rows": table, "floor": floor_rows})
        )


def verdicts(table: list[dict], backend: str, size: int, s_run: dict | None) -> None:
    """Print each row against issue 9's targets, and how many rows miss one."""
    at_l = size >= L_IDEAS
    s_ratios = {row["page"]: row["ratio"] for row in (s_run or {}).get("rows", [])}
    print(
        f"\nAgainst the targets ({backend}, {'L' if at_l else 'S'}; app / hello"
        + (f", p99 < {P99_AT_L:.0f} ms" if at_l else "")
        + (f", flat: L ratio >= {FLAT:.0%} of S" if s_ratios else "")
        + ")"
    )
    print("| page | target | ratio | verdict |")
    print("|---|---|---|---|")
    missed = []
    for row in table:
        target = TARGETS.get(row["page"])
        if target is None:
            print(f"| {row['page']} | none | {row['ratio']:.3f} | - |")
            continue
        goal = target[0] if backend == "sqlite" else target[1]
        misses = []
        if row["ratio"] < goal:
            misses.append(f"ratio below {goal}")
        if at_l and row["p99"] >= P99_AT_L:
            misses.append(f"p99 {row['p99']:.0f} ms")
        s_ratio = s_ratios.get(row["page"])
        if at_l and s_ratio and row["ratio"] < FLAT * s_ratio:
            misses.append(f"not flat (S {s_ratio:.3f})")
        if misses:
            missed.append(row["page"])
        verdict = "NOT MET: " + ", ".join(misses) if misses else "met"
        print(f"| {row['page']} | >= {goal} | {row['ratio']:.3f} | {verdict} |")
    print(f"{len(missed)} row(s) miss a target." if missed else "Every target is met.")


def floor_table(pages, results, hellos, floors) -> list[dict]:
    """The signed-in rows against the stack's floor (bench/floor.py), measured
    in the same rounds: floor / hello is the best this stack reaches for a
    signed-in page or support; app / floor is the share of it the platform
    keeps."""
    rows = []
    for label, *_ in pages:
        runs, floor_runs, hello_runs = results[label], floors[label], hellos[label]
        if not floor_runs:
            continue
        rows.append(
            {
                "page": label,
                "floor_ratio": statistics.median(
                    f["rps"] / h["rps"] for f, h in zip(floor_runs, hello_runs, strict=True)
                ),
                "app_over_floor": statistics.median(
                    r["rps"] / f["rps"] for r, f in zip(runs, floor_runs, strict=True)
                ),
                "floor_rps": statistics.median(f["rps"] for f in floor_runs),
                "floor_cpu_ms": statistics.median(f["cpu_ms"] for f in floor_runs),
                "errors": sum(f["errors"] for f in floor_runs),
            }
        )
    if rows:
        print(
            "\nSigned in, against the floor of the stack (bench/floor.py: Flask, Flask-Login"
            " loading the visitor through Flask-SQLAlchemy; for the POSTs, Flask-WTF's CSRF"
            " check and the same write; same rounds)"
        )
        print("| page | floor / hello | app / floor | floor req/s | floor CPU ms/req |")
        print("|---|---|---|---|---|")
        for row in rows:
            errors = f" {row['errors']} errors" if row["errors"] else ""
            print(
                f"| {row['page']} | {row['floor_ratio']:.3f} | {row['app_over_floor']:.3f} |"
                f" {row['floor_rps']:.0f} | {row['floor_cpu_ms']:.1f} |{errors}"
            )
    return rows


if __name__ == "__main__":
    main()
