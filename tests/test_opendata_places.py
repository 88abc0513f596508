"""Participation per municipality: the municipality pages, the tile map (on
/stats and the municipalities page), and small-cell protection of participant
counts on the pages, in the API and in the dataset. Both databases."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import update

from participation.extensions import db
from participation.models import Support, User
from participation.opendata import tilemap
from tests.factories import insert_comment, municipality_id
from tests.pages import assert_clean_page, html, translated
from tests.test_api import answer

FEWER = {"fr": "moins de 10", "nl": "minder dan 10", "en": "fewer than 10"}


def residents(app, make_user, slug: str, n: int) -> list[User]:
    """`n` users who declared living in the municipality `slug`."""
    people = [make_user() for _ in range(n)]
    with app.app_context():
        db.session.execute(
            update(User)
            .where(User.id.in_([u.id for u in people]))
            .values(municipality_id=municipality_id(app, slug))
        )
        db.session.commit()
    return people


def support(app, idea, users) -> None:
    with app.app_context():
        for user in users:
            db.session.add(Support(idea_id=idea.id, user_id=user.id))
        db.session.commit()


@pytest.fixture
def places(app, make_user, make_idea):
    """Ixelles: two public ideas (one answered), 12 supporters who live there, and
    non-public ideas; Uccle: one idea and 3 residents who took part."""
    ixelles, uccle = municipality_id(app, "ixelles"), municipality_id(app, "uccle")
    official = make_user(role="official")
    top = make_idea(title="Most supported in Ixelles", municipality_id=ixelles)
    other = make_idea(title="Answered in Ixelles", municipality_id=ixelles)
    for status in ("pending", "rejected", "hidden"):
        make_idea(status=status, title=f"{status.upper()}-SECRET place", municipality_id=ixelles)
    answer(app, other, "accepted", "Yes.", official)
    support(app, top, residents(app, make_user, "ixelles", 12))
    in_uccle = make_idea(title="An idea in Uccle", municipality_id=uccle)
    three = residents(app, make_user, "uccle", 3)
    support(app, in_uccle, three[:2])
    insert_comment(app, in_uccle, three[2], body="A comment")
    return {"top": top, "other": other, "uccle": in_uccle}


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_a_municipality_page_beside_the_regions_average(app, client, places, lang):
    page = client.get(f"/{lang}/municipalities/ixelles")
    assert page.status_code == 200
    body = html(page)
    assert_clean_page(page)
    assert {"fr": "<h1>Ixelles</h1>", "nl": "<h1>Elsene</h1>", "en": "<h1>Ixelles (Elsene)</h1>"}[
        lang
    ] in body
    # Top ideas first by supports, then the answered ones; nothing that is not public.
    assert body.index("Most supported in Ixelles") < body.index("Answered in Ixelles")
    assert "SECRET" not in body
    # 12 residents took part (at least 10: shown); the Region's average of
    # participants per municipality, (12 + 3) / 19, is under 10: protected.
    compare = body[body.index('id="compare-table"') :]
    compare = compare[: compare.index("</table>")]
    cells = re.findall(r'<td class="num">([^<]*)</td>', compare)
    ideas, average_ideas = cells[0], cells[1]
    assert ideas == "2" and average_ideas in ("0,2", "0.2")  # 4 public ideas / 19
    assert cells[6] == "12" and cells[7] == FEWER[lang]
    assert translated(app, lang, "Compared with the Region") in body


def test_few_participants_are_fewer_than_10(client, places):
    body = html(client.get("/nl/municipalities/uccle"))
    assert "minder dan 10" in body and ">3<" not in body
    stats = html(client.get("/en/stats"))
    row = stats[stats.index('href="/en/municipalities/uccle"') :]
    row = row[: row.index("</tr>")]
    assert "fewer than 10" in row
    row = stats[stats.index('href="/en/municipalities/ixelles"') :]
    assert ">12<" in row[: row.index("</tr>")]


def test_api_statistics_protect_small_counts(client, places):
    stats = json.loads(client.get("/api/v1/statistics").get_data(as_text=True))
    assert stats["small_cell_threshold"] == 10
    assert stats["participants"] == 18  # and the three ideas' authors
    found = {
        r["municipality"]["slug"]: r["participants"]
        for r in stats["by_municipality"]
        if r["municipality"]
    }
    assert found["ixelles"] == 12 and found["uccle"] is None and found["jette"] is None
    assert stats["by_municipality"][-1]["participants"] is None
    [first, *_] = stats["most_supported_this_month"]
    assert first["title"] == "Most supported in Ixelles" and first["supports"] == 12


def test_this_months_most_supported_on_stats(client, places):
    body = html(client.get("/fr/stats"))
    section = body[body.index('id="month-heading"') :]
    assert section.index("Most supported in Ixelles") < section.index("An idea in Uccle")
    assert "SECRET" not in body


def test_unknown_municipality_is_404(client):
    assert client.get("/en/municipalities/paris").status_code == 404


@pytest.mark.parametrize("path", ["/nl/municipalities", "/nl/stats"])
def test_the_tile_map_links_every_municipality_with_a_text_label(client, places, path):
    page = client.get(path)
    assert page.status_code == 200
    body = html(page)
    assert_clean_page(page)
    tiles = re.findall(r'<a class="tile shade-(\d)" href="/nl/municipalities/([a-z-]+)"', body)
    assert len(tiles) == 19 and len({slug for _, slug in tiles}) == 19
    shades = dict((slug, int(shade)) for shade, slug in tiles)
    assert shades["ixelles"] == 4 and shades["uccle"] == 2 and shades["jette"] == 0
    # Each square is named in words (the abbreviation on it is only decoration).
    assert '<span class="visually-hidden">Elsene: 2 ideeën</span>' in body
    assert '<span class="tile-code" aria-hidden="true">ELS</span>' in body
    # The numbers are in a table beside the map.
    assert "<table" in body and 'href="/nl/municipalities/uccle">Ukkel</a>' in body


def test_the_tile_layout_is_a_grid_of_19_distinct_squares(app):
    from participation.models import Municipality

    with app.app_context():
        slugs = set(db.session.scalars(db.select(Municipality.slug)))
    assert set(tilemap.LAYOUT) == slugs
    cells = [(row, column) for row, column, _, _ in tilemap.LAYOUT.values()]
    assert len(set(cells)) == 19
    assert all(1 <= row <= 4 and 1 <= column <= 6 for row, column in cells)
    codes = [code for layout in tilemap.LAYOUT.values() for code in layout[2:]]
    assert len(set(tilemap.LAYOUT[s][2] for s in slugs)) == 19
    assert len(set(tilemap.LAYOUT[s][3] for s in slugs)) == 19
    assert all(len(code) == 3 for code in codes)


def test_shades_and_legend_agree():
    for busiest in (1, 3, 4, 7, 100):
        for value in range(busiest + 1):
            shade = tilemap.shade_of(value, busiest)
            steps = [s for s in tilemap_legend(busiest) if s.low <= value <= s.high]
            assert [s.shade for s in steps] == [shade], (busiest, value)


def tilemap_legend(busiest: int) -> list[tilemap.Step]:
    from participation.services.statistics import MunicipalityRow, Tally

    class Place:
        slug = "ixelles"

    row = MunicipalityRow(Place(), Tally(ideas=busiest))  # type: ignore[arg-type]
    return tilemap.build([row], "fr").legend


def test_municipality_pages_have_a_fixed_query_count(
    app, client, make_idea, make_user, runner, count_queries
):
    """The pages read the numbers the job counted (tests/test_statistics_snapshot.py)."""
    ixelles = municipality_id(app, "ixelles")

    def count(path):
        assert runner.invoke(args=["jobs", "statistics"]).exit_code == 0
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    make_idea(municipality_id=ixelles)
    few = {path: count(path) for path in ("/en/municipalities/ixelles", "/en/municipalities")}
    official = make_user(role="official")
    for n in range(8):
        idea = make_idea(municipality_id=ixelles, title=f"Idea {n}")
        answer(app, idea, "accepted", "Yes.", official)
        support(app, idea, residents(app, make_user, "ixelles", 2))
    many = {path: count(path) for path in few}
    assert many == few
    assert few["/en/municipalities/ixelles"] <= 5 and few["/en/municipalities"] <= 2
