"""Try the main pages as a resident on a phone would, on a database built by
bench/generate.py: Debian's Chromium (Playwright, headless) at 360 x 740 CSS
pixels loads the home page, the ideas list, the idea with 200 comments and a
search in French, Dutch and English from a gunicorn server (sync, 3 workers),
twice each (a first visit, then a repeat visit with the browser's cache),
after warming the workers on other URLs of the same pages.
Prints time to first byte, DOMContentLoaded and load, and the bytes
transferred; saves a full-page screenshot of each first visit.

    python bench/phone.py --database-url sqlite:////tmp/bench-L.sqlite3 --out /tmp/phone

Needs /usr/bin/chromium (apt-get install chromium); never `playwright install`.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import free_port, serve, server_env, wait_up  # noqa: E402

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PAGES = [
    ("home", "/{lang}/"),
    ("list", "/{lang}/ideas/"),
    ("idea, 200 comments", "/{lang}/ideas/{idea}"),
    ("search", "/{lang}/ideas/?q={word}"),
]
WORDS = {"fr": "parc", "nl": "fietspad", "en": "park"}

TIMING = """() => {
  const n = performance.getEntriesByType("navigation")[0];
  const bytes = performance.getEntriesByType("resource")
    .reduce((sum, r) => sum + (r.transferSize || 0), n.transferSize || 0);
  return {ttfb: n.responseStart - n.requestStart, dom: n.domContentLoadedEventEnd,
          load: n.loadEventEnd, bytes: bytes};
}"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--out", default="/tmp/phone")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright
    from sqlalchemy import create_engine, text

    engine = create_engine(args.database_url)
    with engine.connect() as conn:
        idea = conn.scalar(text("SELECT id FROM ideas ORDER BY comment_count DESC, id LIMIT 1"))
        other = conn.scalar(
            text(
                "SELECT id FROM ideas WHERE status = 'published' AND id <> :i ORDER BY id LIMIT 1"
            ),  # noqa: E501
            {"i": idea},
        )
        size = conn.scalar(text("SELECT count(*) FROM ideas"))
    engine.dispose()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    env = server_env(args.database_url)
    port = free_port()
    server = serve("wsgi:app", port, 3, env)
    try:
        wait_up(port, "/en/")
        # Warm every worker (templates compiled, locale data loaded) on other
        # URLs of the same pages, several requests at once so that each of the
        # three workers gets them: a first visit below is then a page rendered
        # for the first time by a running server, not by a new process.
        warm = [
            f"http://127.0.0.1:{port}" + path.format(lang=lang, other=other)
            for lang in ("fr", "nl", "en")
            for path in (
                "/{lang}/?warm",
                "/{lang}/ideas/?page=2",
                "/{lang}/ideas/{other}",
                "/{lang}/ideas/?q=tram",
            )  # fmt: skip
        ]
        with ThreadPoolExecutor(max_workers=6) as pool:
            list(pool.map(lambda u: urllib.request.urlopen(u, timeout=60).read(), warm * 6))
        print(f"{size:,} ideas; Chromium at 360 x 740; ms from the navigation's start")
        print("| page | language | visit | first byte | DOMContentLoaded | load | KB transferred |")
        print("|---|---|---|---|---|---|---|")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=ARGS)
            for lang in ("fr", "nl", "en"):
                context = browser.new_context(
                    viewport={"width": 360, "height": 740}, device_scale_factor=1
                )
                page = context.new_page()
                for label, path in PAGES:
                    url = f"http://127.0.0.1:{port}" + path.format(
                        lang=lang, idea=idea, word=WORDS[lang]
                    )
                    for visit in ("first", "repeat"):
                        page.goto(url, wait_until="load")
                        t = page.evaluate(TIMING)
                        print(
                            f"| {label} | {lang} | {visit} | {t['ttfb']:.0f} | {t['dom']:.0f}"
                            f" | {t['load']:.0f} | {t['bytes'] / 1024:.1f} |"
                        )
                        if visit == "first":
                            name = f"{label.split(',')[0].replace(' ', '-')}-{lang}.png"
                            page.screenshot(path=str(out / name), full_page=False)
                context.close()
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    print(f"Screenshots in {out}")


if __name__ == "__main__":
    main()
