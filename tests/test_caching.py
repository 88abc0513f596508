"""What browsers may keep (issue 9): compressed answers, fingerprinted static
files kept a year, ETag and 304 for anonymous pages, nothing kept for a
signed-in visitor."""

from __future__ import annotations

import re


def test_anonymous_pages_revalidate_with_an_etag_and_get_304(client, make_idea):
    make_idea(title="Cached idea")
    first = client.get("/en/ideas/", headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200
    assert first.headers["Content-Encoding"] == "gzip"
    assert first.headers["Cache-Control"] == "no-cache"
    assert "Cookie" in first.headers["Vary"] and "Accept-Encoding" in first.headers["Vary"]
    etag = first.headers["ETag"]
    again = client.get("/en/ideas/", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    # Without compression, the same: a 304 for the plain ETag.
    plain = client.get("/en/ideas/")
    assert (
        client.get("/en/ideas/", headers={"If-None-Match": plain.headers["ETag"]}).status_code
        == 304
    )
    # A change in the data changes the page: a full answer.
    make_idea(title="Another idea")
    changed = client.get("/en/ideas/", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert changed.status_code == 200


def test_signed_in_pages_are_never_kept(client, make_idea, make_user, login):
    make_idea(title="Someone's idea")
    anonymous = client.get("/en/ideas/")
    login(client, make_user())
    page = client.get("/en/ideas/", headers={"If-None-Match": anonymous.headers["ETag"]})
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in page.headers
    assert "Log out" in page.get_data(as_text=True)


def test_static_files_have_fingerprinted_urls_kept_a_year(client):
    html = client.get("/en/").get_data(as_text=True)
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert urls and all(re.search(r"\?v=[0-9a-f]{12}$", url) for url in urls), urls
    css = next(url for url in urls if "site.css" in url)
    response = client.get(css, headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert response.headers.get("Content-Encoding") == "br"
    # An old fingerprint is not promised a year.
    stale = client.get(css.split("?")[0] + "?v=000000000000")
    assert "immutable" not in (stale.headers.get("Cache-Control") or "")


def test_area_style_sheets_only_where_used(client, make_idea):
    idea = make_idea()
    home = client.get("/en/").get_data(as_text=True)
    assert "moderation.css" not in home and "officials.css" not in home
    detail = client.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    assert "moderation.css" in detail and "officials.css" in detail
