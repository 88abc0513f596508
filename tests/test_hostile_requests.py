"""Hostile GET requests (issue 8): every GET route of the route matrix, given
query parameter names that steer URL building, a doubled parameter, broken
percent-encoding or `_method=POST`, answers as usual or with a clear 4xx, never
a 5xx (and, through the `no_logged_errors` fixture, never a logged traceback).

The routes come from tests/test_route_matrix.py, so a new route is swept too.
"""

from __future__ import annotations

import pytest

from tests.pages import client_for_role, html, translated
from tests.test_route_matrix import ROUTES
from tests.test_route_matrix import world as world  # noqa: F401 - a fixture used below

# Names url_for takes as keywords, and the language prefix.
RESERVED_NAMES = ["lang_code", "endpoint", "values", "_external", "_anchor", "_scheme", "_method"]
HOSTILE_QUERIES = [
    *(f"{name}=1" for name in RESERVED_NAMES),
    *(f"{name}=1&{name}=2" for name in RESERVED_NAMES),
    "_method=POST",
    "_external=1&_scheme=javascript&_anchor=x",
    "page=1&page=2",
    "q=a&q=b",
    "page=2&q=bike&q=lanes&sort=newest&sort=supported",
    "x=%ff%fe",
    "%ff%fe=1",
    "q=%c3%28&page=%e2%82",
    "q=%&page=%zz",
    "q=%E2%80%AE%EF%BB%BF",
]
GET_ROUTES = [
    (endpoint, template)
    for (endpoint, method), (template, _d, _e) in ROUTES.items()
    if method == "GET"
]


def _with_query(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


def test_the_sweep_covers_every_get_route(app):
    get_endpoints = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and "GET" in rule.methods
    }
    assert get_endpoints == {endpoint for endpoint, _template in GET_ROUTES}


@pytest.mark.parametrize("role", ["anonymous", "citizen", "admin"])
def test_hostile_query_strings_never_give_a_5xx(
    role,
    app,
    world,  # noqa: F811 - the route matrix's fixture
    make_client,
    make_user,
    login,
):
    client, _page = client_for_role(role, app, make_client, make_user, login)
    failures = []
    for endpoint, template in GET_ROUTES:
        url = template.format(**world)
        for query in HOSTILE_QUERIES:
            target = _with_query(url, query)
            response = client.get(target)
            if response.status_code >= 500:
                failures.append(f"{response.status_code} {target} ({endpoint})")
    assert failures == [], "\n".join(failures)


def test_reserved_names_are_not_copied_into_links(client):
    response = client.get("/en/ideas/?q=bike&q=lanes&_anchor=evil&endpoint=x&lang_code=nl&page=1")
    assert response.status_code == 200
    body = html(response)
    # The language switcher keeps both values of q, and nothing that steers links.
    assert 'href="/fr/ideas/?q=bike&amp;q=lanes&amp;page=1"' in body
    assert "_anchor" not in body and "#evil" not in body and "endpoint=" not in body


def test_dashboard_export_link_keeps_only_the_filters(client, make_user, login):
    login(client, make_user(role="official"))
    response = client.get("/en/officials/?period=30d&_method=POST&endpoint=x&_external=1")
    assert response.status_code == 200
    assert 'href="/en/officials/export.csv?period=30d"' in html(response)


@pytest.mark.parametrize(
    "query",
    [
        "date_to=9999-12-31",
        "date_from=0001-01-01",
        "date_from=9999-12-31&date_to=9999-12-31",
        "date_to=1900-01-01",
    ],
)
def test_dates_at_the_edge_of_the_calendar_are_a_clear_400(app, client, make_user, login, query):
    login(client, make_user(role="moderator"))
    response = client.get(f"/en/moderation/log?{query}")
    assert response.status_code == 400
    assert "Please choose a date between" in html(response)
    assert translated(
        app,
        "en",
        "Please choose a date between %(first)s and %(last)s.",
        first="1 January 2000",  # en_GB, as every English page
        last="31 December 2999",
    ) in html(response)


def test_a_date_within_the_range_still_filters(client, make_user, login):
    login(client, make_user(role="moderator"))
    assert (
        client.get("/en/moderation/log?date_from=2024-01-01&date_to=2999-12-31").status_code == 200
    )
