"""Open datasets (flask opendata export, /data/, the DCAT-AP catalogue), the
statistics page with its charts, and the API page. Both databases."""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
from datetime import timedelta

import pytest

from participation.extensions import db
from participation.models import Support
from participation.models.base import utcnow
from tests.factories import insert_comment, municipality_id, supported_ideas
from tests.pages import assert_clean_page, html
from tests.test_api import SECRETS, answer


@pytest.fixture
def opendata_dir(app, tmp_path):
    directory = tmp_path / "opendata"
    app.config["OPENDATA_DIR"] = str(directory)
    return directory


@pytest.fixture
def world(app, make_user, make_idea):
    author = make_user(email="secret.author@example.be", display_name="Amina")
    official = make_user(role="official", email="secret.official@example.be", display_name="Ofc")
    supporters = [make_user(email=f"secret.supporter{n}@example.be") for n in range(3)]
    published = make_idea(
        author=author,
        title='=HYPERLINK("http://evil.example") trees',
        challenge="sustainable",
        municipality_id=municipality_id(app, "ixelles"),
    )
    withdrawn = make_idea(status="withdrawn", author=author, title="A withdrawn idea here")
    for status in ("pending", "rejected", "hidden"):
        make_idea(status=status, author=author, title=f"{status.upper()}-SECRET idea")
    answer(app, published, "accepted", "Accepted: planting in spring.", official)
    with app.app_context():
        yesterday = utcnow() - timedelta(days=1)
        for n, user in enumerate(supporters):
            when = yesterday if n else utcnow()
            db.session.add(Support(idea_id=published.id, user_id=user.id, created_at=when))
        db.session.commit()
    insert_comment(app, published, author, body="VISIBLE comment words")
    insert_comment(app, published, author, body="HIDDEN-COMMENT-SECRET", status="hidden")
    insert_comment(app, published, author, body="DELETED-SECRET", status="deleted")
    return {"published": published, "withdrawn": withdrawn}


def export(runner, directory):
    result = runner.invoke(args=["opendata", "export", "--directory", str(directory)])
    assert result.exit_code == 0, result.output
    return result.output


def test_export_writes_public_data_only_formula_safe(runner, world, opendata_dir):
    output = export(runner, opendata_dir)
    assert "ideas: 2 records" in output
    files = {path.name: path.read_text(encoding="utf-8") for path in opendata_dir.iterdir()}
    assert set(files) == {
        f"{name}.{fmt}"
        for name in (
            "ideas",
            "official_responses",
            "daily_supports",
            "comments",
            "municipalities",
            "budget_results",
            "consultation_results",
        )
        for fmt in ("csv", "json")
    } | {"index.json"}
    for name, text in files.items():
        for secret in (*SECRETS, "DELETED-SECRET", "@example.be", "user_id", "author_id"):
            assert secret not in text, (name, secret)
    ideas = list(csv.DictReader(io.StringIO(files["ideas.csv"])))
    assert [row["id"] for row in ideas] == [str(world["published"].id), str(world["withdrawn"].id)]
    # A spreadsheet shows the formula as text; the JSON keeps the words as written.
    assert ideas[0]["title"].startswith("'=HYPERLINK")
    assert json.loads(files["ideas.json"])[0]["title"].startswith("=HYPERLINK")
    assert ideas[0]["author"] == "Amina" and ideas[0]["municipality_nis_code"] == "21009"
    daily = json.loads(files["daily_supports.json"])
    assert sorted(row["supports"] for row in daily) == [1, 2]
    assert set(daily[0]) == {"idea_id", "date", "supports"}
    [response] = json.loads(files["official_responses.json"])
    assert response["status"] == "accepted" and response["answered_by"] == "Ofc"
    [comment] = json.loads(files["comments.json"])
    assert "VISIBLE" in comment["body_html"]
    # Participation per municipality: a handful of participants is never counted exactly.
    places = {row["municipality_nis_code"]: row for row in json.loads(files["municipalities.json"])}
    assert len(places) == 20 and places[None]["participants"] is None
    assert places["21009"]["ideas"] == 1 and places["21009"]["supports"] == 3
    assert places["21009"]["participants"] is None
    assert places["21009"]["participants_fewer_than_10"] is True


def test_empty_datasets_are_valid_files(runner, opendata_dir):
    export(runner, opendata_dir)
    assert json.loads((opendata_dir / "comments.json").read_text()) == []
    assert (opendata_dir / "comments.csv").read_text().startswith("id,idea_id,parent_id")


def test_a_harvester_reads_the_catalogue_and_downloads_every_distribution(
    client, runner, world, opendata_dir
):
    from rdflib import Graph, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

    export(runner, opendata_dir)
    response = client.get("/data/catalog.jsonld")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/ld+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    with warnings.catch_warnings():
        # rdflib's own JSON-LD parser still builds a ConjunctiveGraph.
        warnings.simplefilter("ignore", DeprecationWarning)
        graph = Graph().parse(data=response.get_data(as_text=True), format="json-ld")
    [catalog] = graph.subjects(RDF.type, DCAT.Catalog)
    # DCAT-AP mandatory properties of the catalogue, its datasets and distributions.
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.dataset):
        assert graph.value(catalog, prop) is not None, prop
    publisher = graph.value(catalog, DCTERMS.publisher)
    assert graph.value(publisher, FOAF.name) is not None
    datasets = list(graph.objects(catalog, DCAT.dataset))
    assert len(datasets) == 7
    freq = Namespace("http://publications.europa.eu/resource/authority/frequency/")
    for dataset in datasets:
        titles = {t.language for t in graph.objects(dataset, DCTERMS.title)}
        assert titles == {"fr", "nl", "en"}
        assert {d.language for d in graph.objects(dataset, DCTERMS.description)} == titles
        assert graph.value(dataset, DCTERMS.accrualPeriodicity) == freq.DAILY
        assert graph.value(dataset, DCTERMS.publisher) is not None
        temporal = graph.value(dataset, DCTERMS.temporal)
        # Budgets and consultations are empty here: no records, no coverage yet.
        english = {str(t) for t in graph.objects(dataset, DCTERMS.title) if t.language == "en"}
        if not english & {"Participatory budget results", "Consultation results"}:
            assert graph.value(temporal, DCAT.startDate) is not None
        distributions = list(graph.objects(dataset, DCAT.distribution))
        assert len(distributions) == 2
        for distribution in distributions:
            url = graph.value(distribution, DCAT.downloadURL)
            assert graph.value(distribution, DCAT.accessURL) == url
            assert graph.value(distribution, DCTERMS.license) == URIRef(
                "http://creativecommons.org/licenses/by/4.0/"
            )
            media = str(graph.value(distribution, DCAT.mediaType))
            size = int(graph.value(distribution, DCAT.byteSize))
            download = client.get(str(url).removeprefix("http://localhost"))
            assert download.status_code == 200, url
            assert len(download.data) == size
            assert download.headers["Content-Type"].split(";")[0] == media.rsplit("/", 2)[-2] + (
                "/" + media.rsplit("/", 1)[-1]
            )
            if media.endswith("csv"):
                assert download.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_only_the_datasets_files_are_served(client, runner, opendata_dir):
    export(runner, opendata_dir)
    for name in ("index.json", "..%2Fconfig.py", "nothing.csv", ".ideas.csv.tmp"):
        assert client.get(f"/data/{name}").status_code == 404


def test_data_page_lists_the_datasets(client, runner, world, opendata_dir):
    page = client.get("/nl/data")
    assert page.status_code == 200
    assert "nog niet" in html(page)  # not generated yet
    export(runner, opendata_dir)
    page = client.get("/en/data")
    body = html(page)
    assert "Ideas proposed by residents" in body and 'href="/data/ideas.csv"' in body
    assert 'href="/data/catalog.jsonld"' in body and 'href="/en/api"' in body
    assert_clean_page(page)


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_statistics_page_in_each_language(client, world, lang):
    page = client.get(f"/{lang}/stats")
    assert page.status_code == 200
    body = html(page)
    assert_clean_page(page)
    # Weekly, challenges, municipalities, and this month's most supported.
    assert body.count("<table") == 4 and body.count("<caption") == 4
    assert f'src="/{lang}/stats/weekly.svg"' in body
    assert {"fr": "Ixelles", "nl": "Elsene", "en": "Ixelles"}[lang] in body
    # The share of answered ideas in the language's own format ("45,6 %" in French).
    share = {"fr": "[0-9,]+\u00a0%", "nl": "[0-9,]+%", "en": "[0-9.]+%"}[lang]
    assert re.search(f'class="figure">{share}<', body), lang


def test_statistics_page_has_a_fixed_query_count(
    app, client, make_idea, make_user, runner, count_queries
):
    """The page reads the stored numbers (tests/test_statistics_snapshot.py):
    the same queries with one idea as with thirteen and a top of the month."""

    def count():
        assert runner.invoke(args=["jobs", "statistics"]).exit_code == 0
        with count_queries() as counter:
            assert client.get("/en/stats").status_code == 200
        return counter.count

    make_idea()
    few = count()
    supported_ideas(app, make_idea, make_user(), 12)
    assert count() == few + 1 <= 4  # + the top of the month's ideas


@pytest.mark.parametrize("chart", ["weekly", "challenges", "municipalities"])
def test_charts_are_svg_without_script(client, world, chart):
    response = client.get(f"/nl/stats/{chart}.svg")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("image/svg+xml")
    svg = response.get_data(as_text=True)
    assert "<svg" in svg and "<script" not in svg and "http://kozea" not in svg
    assert "script-src" not in response.headers["Content-Security-Policy"]
    if chart == "municipalities":
        assert "Elsene" in svg
    assert client.get(f"/nl/stats/{chart}x.svg").status_code == 404


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_api_page_documents_every_endpoint_with_an_example(client, lang):
    from participation.api import OPERATIONS

    page = client.get(f"/{lang}/api")
    assert page.status_code == 200
    body = html(page)
    assert_clean_page(page)
    for path in ("/api/v1/ideas", "/api/v1/ideas/{idea_id}", "/api/v1/statistics"):
        assert path in body
    assert body.count("curl ") >= len(OPERATIONS)
    assert "http://localhost/api/v1/openapi.json" in body
