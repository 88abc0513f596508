"""Downloads of a consultation's results: CSV (headers in the reader's language,
formula-safe, ';' for French and Dutch as Excel expects in Belgium), JSON, and
the anonymous answers, one row per respondent with no identity (CC BY 4.0)."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask_babel import gettext as _

from participation.sanitize import spreadsheet_safe
from participation.services import consultations as service
from participation.vocabulary import QuestionKind

LICENSE = "CC BY 4.0"


def _writer(language: str) -> tuple[io.StringIO, Any]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="," if language == "en" else ";", lineterminator="\r\n")
    return buffer, writer


def _bytes(buffer: io.StringIO) -> bytes:
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _rows(results: service.Results, language: str):
    """(question, n, answer, count, percent) for every option or scale value."""
    for result in results.questions:
        question = result.question
        if question.kind == QuestionKind.FREE_TEXT:
            continue
        if question.kind == QuestionKind.SCALE:
            for value, count, pct in result.scale:
                yield question.text(language), result.n, str(value), count, pct
        else:
            for option in result.options:
                count = option.first if question.kind == QuestionKind.RANKING else option.count
                yield (
                    question.text(language),
                    result.n,
                    option.option.label(language),
                    count,
                    (option.percent),
                )


def results_csv(results: service.Results, language: str) -> bytes:
    buffer, writer = _writer(language)
    writer.writerow([_("Question"), _("Respondents (n)"), _("Answer"), _("Count"), _("Percentage")])
    for row in _rows(results, language):
        writer.writerow([spreadsheet_safe(v) for v in row])
    return _bytes(buffer)


def results_json(results: service.Results, language: str) -> dict:
    consultation = results.consultation
    return {
        "consultation": consultation.id,
        "title": consultation.title(language),
        "respondents": results.respondents,
        "license": LICENSE,
        "questions": [
            {
                "id": r.question.id,
                "kind": str(r.question.kind),
                "text": r.question.text(language),
                "n": r.n,
                "options": [
                    {
                        "label": o.option.label(language),
                        "count": o.count,
                        "percent": o.percent,
                        **(
                            {"ranked_first": o.first, "average_rank": o.average_rank}
                            if r.question.kind == QuestionKind.RANKING
                            else {}
                        ),
                    }
                    for o in r.options
                ],
                **(
                    {
                        "distribution": [
                            {"value": v, "count": c, "percent": p} for v, c, p in r.scale
                        ],
                        "average": r.average,
                    }
                    if r.question.kind == QuestionKind.SCALE
                    else {}
                ),
                **({"texts": r.texts} if r.question.kind == QuestionKind.FREE_TEXT else {}),
            }
            for r in results.questions
        ],
        "municipalities": [
            {"name": g.label, "n": g.n, "percents": g.percents} for g in results.groups
        ],
    }


def answers_csv(consultation, language: str) -> bytes:
    """One row per respondent, in random order, without any identity: no id, no
    time, no municipality below the small-cell threshold."""
    questions, rows = service.anonymous_rows(consultation, language)
    buffer, writer = _writer(language)
    writer.writerow([_("License: %(license)s", license=LICENSE)])
    writer.writerow([_("Municipality")] + [q.text(language) for q in questions])
    for row in rows:
        writer.writerow([spreadsheet_safe(v) for v in row])
    return _bytes(buffer)
