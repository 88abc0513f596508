"""A real browser on what every page shares (issue 10, §1, §2 and §4): the
header and the footer keep their contrast under keyboard focus, a field in
error turns red whatever its kind, a 360 x 740 phone sees a compact header
and the first idea in its first screen, and the public-service pages pass
axe-core with no violation at all, in the three languages."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from participation.extensions import db
from participation.models import Challenge, Idea, User
from participation.models.base import utcnow
from participation.sanitize import render_markdown
from participation.services.passwords import hash_password

pytestmark = pytest.mark.browser

PASSWORD = "fietsen-langs-het-kanaal"
PHONE = {"width": 360, "height": 740}
# Measured at 360 x 740 with this layout: 110 px in French and Dutch (the
# Region's name takes two lines), whatever the role, since the menu is folded.
MAX_HEADER_HEIGHT = 120

# Relative luminance and contrast ratio (WCAG 2.x), on computed colours; the
# background of an element is the first opaque one among it and its ancestors.
CONTRAST_JS = """
(element) => {
  const parse = (value) => {
    const m = value.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const parts = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return {rgb: parts.slice(0, 3), alpha: parts.length > 3 ? parts[3] : 1};
  };
  const luminance = ([r, g, b]) => {
    const c = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const background = (node) => {
    for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c && c.alpha > 0.5) return c.rgb;
    }
    return [255, 255, 255];
  };
  const style = getComputedStyle(element);
  // Every element inside the focused one that shows text, and the element itself.
  const texts = [element, ...element.querySelectorAll("*")].filter((n) => {
    const s = getComputedStyle(n);
    if (s.display === "none" || s.visibility === "hidden") return false;
    if (n.closest(".visually-hidden")) return false;
    return [...n.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim());
  });
  const textRatio = Math.min(...texts.map(
    (n) => ratio(parse(getComputedStyle(n).color).rgb, background(n))));
  const outline = parse(style.outlineColor);
  return {
    name: (element.innerText || element.getAttribute("aria-label") || "").trim().slice(0, 40),
    text: textRatio,
    outline: style.outlineStyle === "none"
      ? 0 : ratio(outline.rgb, background(element.parentElement)),
    outlineWidth: parseFloat(style.outlineWidth),
  };
}
"""


def _seed(app) -> None:
    """A published idea, a confirmed citizen and an admin."""
    with app.app_context():
        users = {
            role: User(
                email=f"{role}@example.be",
                display_name=role.title(),
                password_hash=hash_password(PASSWORD),
                language="fr",
                role=role,
                email_confirmed_at=utcnow(),
            )
            for role in ("citizen", "admin")
        }
        db.session.add_all(users.values())
        db.session.flush()
        body = "Des arceaux vélos couverts à chaque gare, place Flagey et ailleurs."
        safe = db.session.scalar(select(Challenge.id).where(Challenge.slug == "safe"))
        db.session.add(
            Idea(
                author_id=users["citizen"].id,
                challenge_id=safe,
                title="Des arceaux vélos couverts aux gares",
                body_source=body,
                body_html=render_markdown(body),
                language="fr",
                status="published",
                published_at=utcnow(),
            )
        )
        db.session.commit()


def _log_in(page, base, role: str) -> None:
    page.goto(f"{base}/en/account/login")
    page.fill("#email", f"{role}@example.be")
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/en/")


def _tab_through(page, selector: str, limit: int = 80) -> list[dict]:
    """Press Tab from the top of the page; measure each focused element inside
    `selector` (links and buttons)."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    seen: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate_handle("document.activeElement")
        inside = page.evaluate(f"(e) => !!e.closest({selector!r})", focused)
        if inside:
            seen.append(page.evaluate(CONTRAST_JS, focused))
    return seen


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_focused_header_and_footer_links_keep_their_contrast(live_server, browser, role):
    """Black on amber inside a ring that stands out: text 4.5:1, outline 3:1,
    on the white header row, the blue menu bar and the dark footer."""
    base, app = live_server
    _seed(app)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    if role != "anonymous":
        _log_in(page, base, role)
    page.goto(f"{base}/fr/ideas/")
    header = _tab_through(page, ".site-header")
    footer = _tab_through(page, ".site-footer", limit=200)
    names = [item["name"] for item in header]
    assert "Idées" in names and ("Se connecter" in names) == (role == "anonymous")
    if role == "admin":
        assert "Modération" in names and "Se déconnecter" in names
    assert {"Déclaration d'accessibilité", "Déclaration de confidentialité"} <= {
        item["name"] for item in footer
    }
    for item in header + footer:
        assert item["text"] >= 4.5, item
        assert item["outline"] >= 3 and item["outlineWidth"] >= 2, item
    context.close()


def test_focus_in_the_phone_menu_keeps_its_contrast(live_server, browser):
    base, app = live_server
    _seed(app)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{base}/nl/ideas/")
    page.locator(".nav-toggle").focus()
    toggle = page.evaluate(CONTRAST_JS, page.evaluate_handle("document.activeElement"))
    assert toggle["text"] >= 4.5 and toggle["outline"] >= 3, toggle
    page.keyboard.press("Enter")  # opens the menu
    items = _tab_through(page, ".nav-row")
    assert len(items) >= 8
    for item in items:
        assert item["text"] >= 4.5 and item["outline"] >= 3, item
    context.close()


def test_every_kind_of_field_in_error_has_a_red_border(live_server, page):
    base, _app = live_server
    page.goto(f"{base}/en/account/register")
    page.locator("#email").fill("not-an-address")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    red = "rgb(179, 38, 30)"  # --red
    for selector in ("#email", "#display_name", "#password"):
        assert page.locator(selector).get_attribute("aria-invalid") == "true"
        color = page.locator(selector).evaluate("(e) => getComputedStyle(e).borderTopColor")
        assert color == red, f"{selector}: {color}"
    # A field without error keeps the grey border.
    grey = page.locator("#language").evaluate("(e) => getComputedStyle(e).borderTopColor")
    assert grey != red


@pytest.mark.parametrize("role", ["anonymous", "citizen", "admin"])
def test_phone_header_is_compact_and_the_first_idea_is_in_the_first_screen(
    live_server, browser, role
):
    base, app = live_server
    _seed(app)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    if role != "anonymous":
        _log_in(page, base, role)
    for lang, region in (("fr", "Région de Bruxelles-Capitale"), ("nl", "Brussels Hoofdstedelijk")):
        page.goto(f"{base}/{lang}/ideas/")
        header = page.locator(".site-header").bounding_box()
        assert header["height"] <= MAX_HEADER_HEIGHT, (lang, role, header)
        assert region in page.locator(".brand-region").inner_text()
        assert page.locator(".brand-mark").is_visible()
        # The menu and the filters are folded, each behind one control.
        assert page.locator(".nav-toggle").is_visible()
        assert not page.locator(".nav-links").is_visible()
        assert page.locator(".filters-toggle").is_visible()
        assert not page.locator("#filter-status").is_visible()
        card = page.locator(".idea-card").first.bounding_box()
        assert card["y"] < PHONE["height"], (lang, role, card)
    context.close()


def test_phone_menu_and_filters_open_without_javascript_and_chips_remove_a_filter(
    live_server, browser
):
    base, app = live_server
    _seed(app)
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/fr/ideas/")
    page.locator(".nav-toggle").click()
    assert page.locator(".nav-links a[href='/fr/consultations/']").is_visible()
    page.locator(".filters-toggle").click()
    page.locator("#filter-status").select_option("published")
    page.locator("#filter-language").select_option("fr")
    page.locator(".filters button[type=submit]").last.click()
    # Each click starts a navigation: wait for its URL, not for the old page's load.
    page.wait_for_url(lambda url: "language=fr" in url and "status=published" in url)
    chips = page.locator(".filter-chips .chip")
    expect(chips).to_have_count(2)
    assert "2" in page.locator(".filters-toggle").inner_text()
    chips.filter(has_text="Français").click()
    page.wait_for_url(lambda url: "language=" not in url and "status=published" in url)
    expect(page.locator(".filter-chips .chip")).to_have_count(1)
    context.close()


def test_desktop_shows_the_menu_and_filters_without_their_toggles(live_server, page):
    base, app = live_server
    _seed(app)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{base}/en/ideas/")
    assert not page.locator(".nav-toggle").is_visible()
    assert page.locator(".nav-links a[href='/en/ideas/']").is_visible()
    assert not page.locator(".filters-toggle").is_visible()
    assert page.locator("#filter-status").is_visible()


PUBLIC_PAGES = ["/privacy", "/rules", "/how-ideas-are-answered", "/accessibility"]


def test_public_service_pages_have_no_accessibility_violation(live_server, page):
    """axe-core, every impact level, in the three languages; and the footer
    links every page."""
    base, _app = live_server
    problems: list[str] = []
    for lang in ("fr", "nl", "en"):
        for path in [*PUBLIC_PAGES, "/", "/account/register"]:
            response = page.goto(f"{base}/{lang}{path}")
            assert response.status == 200, path
            for target in PUBLIC_PAGES:
                assert page.locator(f".site-footer a[href='/{lang}{target}']").count() == 1
            results = Axe().run(page)
            problems += [
                f"{lang}{path}: {v['id']} ({v['impact']}): {v['help']}"
                for v in results.response["violations"]
            ]
    assert problems == [], "\n".join(problems)
