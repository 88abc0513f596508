"""Bulk open datasets: complete CSV and JSON downloads of what is public, and
the DCAT-AP catalogue (JSON-LD) that open data portals harvest.

`export(directory)` writes every dataset in both formats (each file written
aside, then moved into place, so a download never reads half a file) and an
`index.json` with each dataset's temporal coverage and record count; `flask
opendata export` runs it and can be scheduled. `catalog(...)` describes the
files found there.

What goes in is what anyone can read on the site, decided by the permission
verbs asked as a visitor: published and withdrawn ideas (never pending,
rejected or hidden ones), their official responses, daily support counts
(counts, never who), visible comments. Authors appear by public display name
("Former participant" once the account is deleted); no email, no user id.

Budgeting and consultation results: add a `Dataset` to DATASETS with its rows
function when those features land; the files, the catalogue and the data page
follow.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from participation.extensions import db
from participation.models import Comment, Consultation, Idea, OfficialStatusChange, Support
from participation.models.base import utcnow
from participation.permissions import can_read_text, can_view_idea
from participation.sanitize import spreadsheet_safe
from participation.vocabulary import LISTED_IDEA_STATUSES, CommentStatus, Language

PUBLIC = AnonymousUserMixin()
LISTED = tuple(LISTED_IDEA_STATUSES)
INDEX = "index.json"
BATCH = 500
LICENCE_URL = "http://creativecommons.org/licenses/by/4.0/"
LICENCE_NAME = "CC BY 4.0"
# EU controlled vocabularies (publications office) that DCAT-AP asks for.
FREQUENCY_DAILY = "http://publications.europa.eu/resource/authority/frequency/DAILY"
FILE_TYPES = {
    "csv": "http://publications.europa.eu/resource/authority/file-type/CSV",
    "json": "http://publications.europa.eu/resource/authority/file-type/JSON",
}
MEDIA_TYPES = {"csv": "text/csv", "json": "application/json"}
IANA = "http://www.iana.org/assignments/media-types/"
PUBLISHER = {
    "fr": "Région de Bruxelles-Capitale",
    "nl": "Brussels Hoofdstedelijk Gewest",
    "en": "Brussels-Capital Region",
}


def _iso(value: datetime | None) -> str | None:
    return value.replace(tzinfo=UTC).isoformat() if value is not None else None


def _name(user) -> str:
    from participation.templating import display_name

    return display_name(user)


# --- The datasets' rows -----------------------------------------------------------------


def idea_rows(idea_url: Callable[[int], str]) -> Iterator[dict[str, Any]]:
    query = (
        select(Idea)
        .where(Idea.status.in_(LISTED))
        .options(joinedload(Idea.challenge), joinedload(Idea.municipality), joinedload(Idea.author))
        .order_by(Idea.id)
        .execution_options(yield_per=BATCH)
    )
    for idea in db.session.scalars(query):
        if not (can_view_idea(PUBLIC, idea) and can_read_text(PUBLIC, idea)):
            continue
        yield {
            "id": idea.id,
            "url": idea_url(idea.id),
            "title": idea.title,
            "body_html": idea.body_html,
            "language": idea.language,
            "status": idea.status,
            "challenge": idea.challenge.slug,
            "municipality_nis_code": idea.municipality.nis_code if idea.municipality else None,
            "municipality": idea.municipality.slug if idea.municipality else None,
            "author": _name(idea.author),
            "published_at": _iso(idea.published_at),
            "withdrawn_at": _iso(idea.withdrawn_at),
            "support_count": idea.support_count,
            "comment_count": idea.comment_count,
            "official_status": idea.official_status,
            "duplicate_of": idea.duplicate_of_id,
        }


def official_response_rows(idea_url: Callable[[int], str]) -> Iterator[dict[str, Any]]:
    query = (
        select(OfficialStatusChange)
        .join(Idea, Idea.id == OfficialStatusChange.idea_id)
        .where(Idea.status.in_(LISTED))
        .options(joinedload(OfficialStatusChange.official))
        .order_by(OfficialStatusChange.idea_id, OfficialStatusChange.created_at)
        .execution_options(yield_per=BATCH)
    )
    for change in db.session.scalars(query):
        yield {
            "idea_id": change.idea_id,
            "status": change.status,
            # "response": the French text (the Dutch or English one for a response
            # migrated from a single language); then every version.
            "response": (change.version("fr") or ("", ""))[1],
            "response_fr": change.response_fr,
            "response_nl": change.response_nl,
            "response_en": change.response_en,
            "answered_by": _name(change.official),
            "created_at": _iso(change.created_at),
        }


def daily_support_rows(idea_url: Callable[[int], str]) -> Iterator[dict[str, Any]]:
    """How many supports each public idea received each day (UTC): counts, never who."""
    day = func.date(Support.created_at)
    query = (
        select(Support.idea_id, day, func.count())
        .join(Idea, Idea.id == Support.idea_id)
        .where(Idea.status.in_(LISTED))
        .group_by(Support.idea_id, day)
        .order_by(Support.idea_id, day)
        .execution_options(yield_per=BATCH)
    )
    for idea_id, value, count in db.session.execute(query):
        yield {"idea_id": idea_id, "date": str(value)[:10], "supports": int(count)}


def comment_rows(idea_url: Callable[[int], str]) -> Iterator[dict[str, Any]]:
    query = (
        select(Comment)
        .join(Idea, Idea.id == Comment.idea_id)
        .where(Idea.status.in_(LISTED), Comment.status == CommentStatus.VISIBLE)
        .options(joinedload(Comment.author))
        .order_by(Comment.id)
        .execution_options(yield_per=BATCH)
    )
    for comment in db.session.scalars(query):
        if not can_read_text(PUBLIC, comment):
            continue
        yield {
            "id": comment.id,
            "idea_id": comment.idea_id,
            "parent_id": comment.parent_id,
            "author": _name(comment.author),
            "body_html": comment.body_html,
            "language": comment.language,
            "created_at": _iso(comment.created_at),
            "edited_at": _iso(comment.edited_at),
        }


def municipality_rows(idea_url: Callable[[int], str]) -> Iterator[dict[str, Any]]:
    """Participation per municipality (as on /stats), with small-cell protection:
    a count of participants under 10 is null, and flagged."""
    from participation.services import statistics

    today = utcnow().date().isoformat()
    for row in statistics.with_participants(Language.EN):
        place = row.municipality
        shown = statistics.protected(row.participants) if place is not None else None
        yield {
            "municipality_nis_code": place.nis_code if place else None,
            "municipality": place.name_fr if place else None,
            "ideas": row.tally.ideas,
            "supports": row.tally.supports,
            "comments": row.tally.comments,
            "answered": row.tally.answered,
            "participants": shown,
            "participants_fewer_than_10": place is not None and shown is None,
            "as_of": today,
        }


def budget_result_rows(idea_url: Callable[[int], str]) -> Iterator[dict[str, Any]]:
    """The projects of every counted budget round, with their votes (counts,
    never who) and whether the round's rule funds them."""
    from participation.models import BudgetProject, BudgetRound

    query = (
        select(BudgetProject, BudgetRound)
        .join(BudgetRound, BudgetRound.id == BudgetProject.round_id)
        .where(BudgetRound.counted_at.is_not(None))
        .order_by(BudgetRound.id, BudgetProject.vote_count.desc(), BudgetProject.id)
    )
    for project, budget_round in db.session.execute(query):
        yield {
            "round_id": budget_round.id,
            "round": budget_round.title_fr,
            "municipality_nis_code": (
                budget_round.municipality.nis_code if budget_round.municipality else None
            ),
            "total_amount": budget_round.total_amount,
            "outcome_rule": budget_round.outcome_rule,
            "project_id": project.id,
            "title": project.title,
            "cost": project.cost,
            "feasibility": project.feasibility,
            "votes": project.vote_count,
            "funded": project.funded_by(budget_round.outcome_rule),
            "counted_at": _iso(budget_round.counted_at),
        }


def consultation_result_rows(idea_url: Callable[[int], str]) -> Iterator[dict[str, Any]]:
    """Each option's count in the consultations whose results a visitor may read
    and that at least 10 people answered (small-cell protection); free-text
    answers stay on the site, moderated."""
    from participation.permissions import can_view_consultation_results
    from participation.services import consultations, statistics

    for consultation in db.session.scalars(
        select(Consultation).order_by(Consultation.closes_at, Consultation.id)
    ):
        if statistics.protected(consultation.respondent_count) is None:
            continue
        if not can_view_consultation_results(PUBLIC, consultation):
            continue
        found = consultations.results(consultation, Language.FR, with_texts=False)
        for result in found.questions:
            question = result.question
            base = {
                "consultation_id": consultation.id,
                "consultation": consultation.title(Language.FR),
                "closes_at": _iso(consultation.closes_at),
                "question_id": question.id,
                "question": question.text(Language.FR),
                "kind": question.kind,
                "answers": result.n,
            }
            for option in result.options:
                yield {**base, "option": option.option.label(Language.FR),
                       "count": option.count, "percent": option.percent}  # fmt: skip
            for value, count, share in result.scale:
                yield {**base, "option": str(value), "count": count, "percent": share}


@dataclass(frozen=True)
class Dataset:
    name: str
    title: Any  # lazy strings, given in each language in the catalogue
    description: Any
    columns: tuple[str, ...]
    rows: Callable[[Callable[[int], str]], Iterator[dict[str, Any]]]
    # The column that dates each record (its temporal coverage).
    dated_by: str


DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "ideas",
        _l("Ideas proposed by residents"),
        _l(
            "Every public idea: title, text, language, challenge, municipality, author's "
            "public name, dates, supports, comments and official status."
        ),
        (
            "id",
            "url",
            "title",
            "body_html",
            "language",
            "status",
            "challenge",
            "municipality_nis_code",
            "municipality",
            "author",
            "published_at",
            "withdrawn_at",
            "support_count",
            "comment_count",
            "official_status",
            "duplicate_of",
        ),
        idea_rows,
        "published_at",
    ),
    Dataset(
        "official_responses",
        _l("Official responses to ideas"),
        _l("Every official status given to a public idea, with its public response."),
        (
            "idea_id",
            "status",
            "response",
            "response_fr",
            "response_nl",
            "response_en",
            "answered_by",
            "created_at",
        ),
        official_response_rows,
        "created_at",
    ),
    Dataset(
        "daily_supports",
        _l("Daily supports per idea"),
        _l("How many supports each public idea received each day: counts, never who."),
        ("idea_id", "date", "supports"),
        daily_support_rows,
        "date",
    ),
    Dataset(
        "comments",
        _l("Comments on ideas"),
        _l("Every visible comment on a public idea, with its author's public name."),
        (
            "id",
            "idea_id",
            "parent_id",
            "author",
            "body_html",
            "language",
            "created_at",
            "edited_at",
        ),
        comment_rows,
        "created_at",
    ),
    Dataset(
        "municipalities",
        _l("Participation per municipality"),
        _l(
            "For each of the 19 municipalities (and the whole Region): public ideas, "
            "supports, comments, answered ideas, and participants who declared living "
            "there. A count of participants under 10 is left empty "
            "(participants_fewer_than_10 is then true), so no one can be singled out."
        ),
        (
            "municipality_nis_code",
            "municipality",
            "ideas",
            "supports",
            "comments",
            "answered",
            "participants",
            "participants_fewer_than_10",
            "as_of",
        ),
        municipality_rows,
        "as_of",
    ),
    Dataset(
        "budget_results",
        _l("Participatory budget results"),
        _l(
            "The projects of every counted participatory budget round: cost, feasibility, "
            "votes (counts, never who) and whether the round's rule funds them."
        ),
        (
            "round_id",
            "round",
            "municipality_nis_code",
            "total_amount",
            "outcome_rule",
            "project_id",
            "title",
            "cost",
            "feasibility",
            "votes",
            "funded",
            "counted_at",
        ),
        budget_result_rows,
        "counted_at",
    ),
    Dataset(
        "consultation_results",
        _l("Consultation results"),
        _l(
            "For each consultation whose results are public and that at least 10 people "
            "answered: each question's answers per option (counts and percentages, never "
            "who). Free-text answers are not included."
        ),
        (
            "consultation_id",
            "consultation",
            "closes_at",
            "question_id",
            "question",
            "kind",
            "answers",
            "option",
            "count",
            "percent",
        ),
        consultation_result_rows,
        "closes_at",
    ),
)
FORMATS = ("csv", "json")


def filenames() -> dict[str, tuple[Dataset, str]]:
    """Every downloadable file name: its dataset and format."""
    return {f"{d.name}.{fmt}": (d, fmt) for d in DATASETS for fmt in FORMATS}


# --- Writing the files -----------------------------------------------------------------


def _atomic(path: Path):
    handle = tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", newline="", dir=path.parent, prefix=f".{path.name}.", delete=False
    )
    return handle


def export(directory: str | Path, idea_url: Callable[[int], str]) -> dict[str, Any]:
    """Write every dataset as CSV and JSON into `directory`, then index.json.
    Memory stays flat whatever the data: rows are streamed in batches."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    index: dict[str, Any] = {"generated_at": _iso(utcnow()), "datasets": {}}
    with force_locale(Language.EN):  # "Former participant" in the files, in English
        for dataset in DATASETS:
            index["datasets"][dataset.name] = _write(target, dataset, idea_url)
    with _atomic(target / INDEX) as handle:
        json.dump(index, handle, indent=1)
    os.chmod(handle.name, 0o644)
    os.replace(handle.name, target / INDEX)
    return index


def _write(target: Path, dataset: Dataset, idea_url) -> dict[str, Any]:
    csv_path, json_path = target / f"{dataset.name}.csv", target / f"{dataset.name}.json"
    count, first, last = 0, None, None
    with _atomic(csv_path) as csv_file, _atomic(json_path) as json_file:
        writer = csv.DictWriter(csv_file, fieldnames=dataset.columns, lineterminator="\r\n")
        writer.writeheader()
        json_file.write("[")
        for row in dataset.rows(idea_url):
            writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
            json_file.write(("\n" if count == 0 else ",\n") + json.dumps(row, ensure_ascii=False))
            count += 1
            moment = row.get(dataset.dated_by)
            if moment:
                day = str(moment)[:10]
                first = day if first is None or day < first else first
                last = day if last is None or day > last else last
        json_file.write("\n]\n" if count else "]\n")
    for written, path in ((csv_file.name, csv_path), (json_file.name, json_path)):
        os.chmod(written, 0o644)  # readable by the web server, like any published file
        os.replace(written, path)
    return {"records": count, "start": first, "end": last}


# --- What is there to download ---------------------------------------------------------


@dataclass
class Distribution:
    filename: str
    format: str
    media_type: str
    size: int
    modified: datetime


@dataclass
class Published:
    dataset: Dataset
    records: int
    start: date | None
    end: date | None
    distributions: list[Distribution]


def published(directory: str | Path) -> tuple[datetime | None, list[Published]]:
    """The datasets last exported into `directory` (none before a first export)."""
    target = Path(directory)
    try:
        index = json.loads((target / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, []
    found = []
    for dataset in DATASETS:
        info = index.get("datasets", {}).get(dataset.name)
        if info is None:
            continue
        distributions = []
        for fmt in FORMATS:
            path = target / f"{dataset.name}.{fmt}"
            try:
                stat = path.stat()
            except OSError:
                continue
            distributions.append(
                Distribution(
                    path.name,
                    fmt,
                    MEDIA_TYPES[fmt],
                    stat.st_size,
                    datetime.fromtimestamp(stat.st_mtime, UTC).replace(tzinfo=None),
                )
            )
        found.append(
            Published(
                dataset,
                int(info.get("records") or 0),
                date.fromisoformat(info["start"]) if info.get("start") else None,
                date.fromisoformat(info["end"]) if info.get("end") else None,
                distributions,
            )
        )
    generated = index.get("generated_at")
    moment = datetime.fromisoformat(generated).replace(tzinfo=None) if generated else None
    return moment, found


# --- The DCAT-AP catalogue -------------------------------------------------------------


def _texts(value: Any) -> list[dict[str, str]]:
    """A translatable text in each language, as JSON-LD language-tagged values."""
    result = []
    for code in Language.values():
        with force_locale(code):
            result.append({"@value": str(value), "@language": code})
    return result


def catalog(
    directory: str | Path,
    catalog_url: str,
    download_url: Callable[[str], str],
    page_url: str,
    home_url: str,
) -> dict[str, Any]:
    """The DCAT-AP 2 catalogue of the exported datasets, as JSON-LD."""
    generated, datasets = published(directory)
    publisher = {
        "@id": home_url + "#publisher",
        "@type": "foaf:Agent",
        "foaf:name": [{"@value": v, "@language": k} for k, v in PUBLISHER.items()],
    }
    licence = {"@id": LICENCE_URL, "@type": "dct:LicenseDocument"}
    entries = []
    for item in datasets:
        distributions = [
            {
                "@id": download_url(d.filename),
                "@type": "dcat:Distribution",
                "dct:title": f"{item.dataset.name}.{d.format}",
                "dcat:accessURL": {"@id": download_url(d.filename)},
                "dcat:downloadURL": {"@id": download_url(d.filename)},
                "dcat:mediaType": {"@id": IANA + d.media_type},
                "dct:format": {"@id": FILE_TYPES[d.format]},
                "dcat:byteSize": {"@value": str(d.size), "@type": "xsd:nonNegativeInteger"},
                "dct:modified": {"@value": _iso(d.modified), "@type": "xsd:dateTime"},
                "dct:license": licence,
            }
            for d in item.distributions
        ]
        entry: dict[str, Any] = {
            "@id": f"{catalog_url}#{item.dataset.name}",
            "@type": "dcat:Dataset",
            "dct:identifier": item.dataset.name,
            "dct:title": _texts(item.dataset.title),
            "dct:description": _texts(item.dataset.description),
            "dct:publisher": publisher,
            "dct:accrualPeriodicity": {"@id": FREQUENCY_DAILY},
            "dcat:landingPage": {"@id": page_url},
            "dct:language": [
                {"@id": f"http://publications.europa.eu/resource/authority/language/{c}"}
                for c in ("FRA", "NLD", "ENG")
            ],
            "dcat:keyword": [
                {"@value": k, "@language": "en"} for k in ("participation", "ideas", "Brussels")
            ],
            "dcat:distribution": distributions,
        }
        if item.start or item.end:
            entry["dct:temporal"] = {
                "@type": "dct:PeriodOfTime",
                **(
                    {"dcat:startDate": {"@value": item.start.isoformat(), "@type": "xsd:date"}}
                    if item.start
                    else {}
                ),
                **(
                    {"dcat:endDate": {"@value": item.end.isoformat(), "@type": "xsd:date"}}
                    if item.end
                    else {}
                ),
            }
        if generated:
            entry["dct:modified"] = {"@value": _iso(generated), "@type": "xsd:dateTime"}
        entries.append(entry)
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": catalog_url,
        "@type": "dcat:Catalog",
        "dct:title": _texts(_l("Citizen participation in the Brussels-Capital Region")),
        "dct:description": _texts(
            _l(
                "What residents proposed, supported and discussed on the Region's "
                "participation platform, and the official responses they received."
            )
        ),
        "dct:publisher": publisher,
        "dct:license": licence,
        "foaf:homepage": {"@id": home_url},
        "dcat:dataset": entries,
    }
