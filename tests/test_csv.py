"""CSV export of the officials' dashboard: opens cleanly in Excel, never runs a formula."""

from __future__ import annotations

import csv
import io

from flask_babel import force_locale
from flask_babel import gettext as _

from participation.services.officials import neutralize

EVIL = '=HYPERLINK("http://evil.example","x")'


def export(client, url: str = "/en/officials/export.csv"):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


def parse(body: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))


def test_csv_is_utf8_with_a_bom_and_an_attachment(client, make_user, make_idea, login):
    make_idea(title="Vélos partagés à Saint-Gilles")
    login(client, make_user(role="official"))
    response = export(client)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert "Vélos partagés à Saint-Gilles".encode() in response.data
    rows = parse(response.data, ",")
    assert rows[0][0] == "Title"
    assert rows[1][0] == "Vélos partagés à Saint-Gilles"


def test_csv_formula_injection_is_neutralized(client, make_user, make_idea, login):
    make_idea(title=EVIL, support_count=3)
    make_idea(title="+32 2 123 45 67 call me", support_count=2)
    make_idea(title="-1 cheaper bus", support_count=1)
    make_idea(title="@SUM(A1:A2)")
    login(client, make_user(role="official"))
    raw = export(client).data
    # The raw bytes: the cell is quoted and starts with a single quote.
    assert b'"\'=HYPERLINK(""http://evil.example"",""x"")"' in raw
    assert b",=HYPERLINK" not in raw and b"\n=HYPERLINK" not in raw
    titles = [row[0] for row in parse(raw, ",")[1:]]
    assert titles == [
        "'" + EVIL,
        "'+32 2 123 45 67 call me",
        "'-1 cheaper bus",
        "'@SUM(A1:A2)",
    ]


def test_neutralize_covers_every_formula_prefix():
    for prefix in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralize(prefix + "1+1") == "'" + prefix + "1+1"
    assert neutralize("Plain title") == "Plain title"
    assert neutralize(-3) == -3  # numbers stay numbers


def test_csv_headers_in_the_officials_language(app, client, make_user, make_idea, login):
    make_idea(title="Fietsenstalling")
    login(client, make_user(role="official", language="nl"))
    response = export(client, "/nl/officials/export.csv")
    rows = parse(response.data, ";")
    with app.test_request_context("/nl/"), force_locale("nl"):
        expected = [_("Title"), _("Challenge"), _("Municipality")]
    assert rows[0][0] == expected[0]
    assert rows[0][2:4] == expected[1:]
    assert "Uitdaging" in rows[0]  # already in the Dutch catalog
    assert rows[1][0] == "Fietsenstalling"
    assert rows[1][2] == "Een verbonden Gewest"
    assert rows[1][1].endswith("/nl/ideas/" + rows[1][1].rsplit("/", 1)[1])


def test_csv_follows_the_dashboard_filters(app, client, make_user, make_idea, login):
    make_idea(title="Safe crossing", challenge="safe")
    make_idea(title="Open data portal", challenge="open")
    login(client, make_user(role="admin"))
    rows = parse(export(client, "/en/officials/export.csv?challenge=safe").data, ",")
    assert [row[0] for row in rows[1:]] == ["Safe crossing"]
    # Ideas about the whole Region say so, as on the public pages.
    assert rows[1][3] == "The whole Region"
