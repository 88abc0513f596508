"""The open data pages in a real browser: axe-core finds no serious problem, no
Content-Security-Policy error, and they reflow on a 360 px phone, with the
demo data loaded and the datasets exported."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

PAGES = (
    "/fr/stats",
    "/nl/stats",
    "/en/data",
    "/nl/api",
    "/fr/municipalities",
    "/nl/municipalities/ixelles",
    "/en/municipalities/uccle",
)


@pytest.fixture
def loaded(live_server, tmp_path):
    base, app = live_server
    app.config["OPENDATA_DIR"] = str(tmp_path / "opendata")
    runner = app.test_cli_runner()
    for args in (["demo", "load"], ["opendata", "export"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    return base


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_open_data_pages_pass_axe_without_csp_errors(loaded, page):
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    for path in PAGES:
        page.goto(loaded + path)
        assert _serious(page) == [], path
    # The charts load as images.
    page.goto(loaded + "/en/stats")
    sizes = page.evaluate("[...document.querySelectorAll('.chart img')].map(i => i.naturalWidth)")
    assert sizes and all(width > 0 for width in sizes)
    assert errors == []


def test_open_data_pages_reflow_on_a_phone(loaded, browser, tmp_path):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    for path in PAGES:
        page.goto(loaded + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width}px wide"
        page.screenshot(
            path=str(tmp_path / f"{path.strip('/').replace('/', '-')}.png"), full_page=True
        )
    context.close()
