"""Similar ideas make sense (issue 10): a fixed evaluation set of 31 queries in
French, Dutch and English (tests/similar_eval.json) against the demo ideas and
their published translations, on SQLite and PostgreSQL.

Recall: the share of queries with an expected idea that find at least one.
Precision: the share of all ideas shown (the five best above the threshold,
for every query, those expecting nothing included) that are expected or
acceptable. Both are printed (pytest -s) and held above the figures reached.
"""

from __future__ import annotations

import json
from pathlib import Path

from participation import demo
from participation.extensions import db
from participation.models import Challenge, Idea, IdeaTranslation
from participation.models.base import utcnow
from participation.sanitize import render_markdown
from participation.services import search
from participation.vocabulary import IdeaStatus, TranslationStatus

EVAL = json.loads((Path(__file__).parent / "similar_eval.json").read_text(encoding="utf-8"))
TRANSLATIONS = json.loads(
    (Path(demo.__file__).parent / "data" / "demo_translations.json").read_text(encoding="utf-8")
)
# Reached when the set was written: precision 0.94, recall 0.92, the same on
# both databases (29 of 31 queries right). A change that
# makes similar ideas worse fails here.
MIN_PRECISION = 0.90
MIN_RECALL = 0.90


def _load_corpus(app, author) -> dict[str, int]:
    """The demo ideas (published) and their published demo translations."""
    with app.app_context():
        challenges = {c.slug: c.id for c in db.session.query(Challenge)}
        now = utcnow()
        ideas = {}
        for entry in demo.DATA["ideas"]:
            idea = Idea(
                author_id=author.id,
                challenge_id=challenges[entry["challenge"]],
                title=entry["title"],
                body_source=entry["body"],
                body_html=render_markdown(entry["body"]),
                language=entry["language"],
                status=IdeaStatus.PUBLISHED,
                support_count=0,
                comment_count=0,
                created_at=now,
                updated_at=now,
                published_at=now,
            )
            db.session.add(idea)
            ideas[entry["title"]] = idea
        db.session.flush()
        for entry in TRANSLATIONS["translations"]:
            pending = entry.get("review") == "pending"
            db.session.add(
                IdeaTranslation(
                    idea_id=ideas[entry["idea"]].id,
                    language=entry["language"],
                    title=entry["title"],
                    body_source=entry["body"],
                    body_html=render_markdown(entry["body"]),
                    translator_id=author.id,
                    by_author=False,
                    status=TranslationStatus.PENDING if pending else TranslationStatus.PUBLISHED,
                    created_at=now,
                    updated_at=now,
                )
            )
        db.session.commit()
        return {title: idea.id for title, idea in ideas.items()}


def evaluate(app, ids: dict[str, int]) -> tuple[float, float, list[str]]:
    titles = {v: k for k, v in ids.items()}
    shown = relevant_shown = with_expected = found = 0
    report = []
    with app.app_context():
        for query in EVAL["queries"]:
            results = [titles[i.id] for i in search.similar_ideas(query["text"])]
            good = set(query["expected"]) | set(query["acceptable"])
            shown += len(results)
            relevant_shown += sum(1 for r in results if r in good)
            if query["expected"]:
                with_expected += 1
                hit = any(r in query["expected"] for r in results)
                found += hit
            else:
                hit = not results
            wrong = [r for r in results if r not in good]
            report.append(f"{'ok ' if hit and not wrong else '-- '}{query['text']!r}: {results}")
    precision = relevant_shown / shown if shown else 1.0
    recall = found / with_expected
    return precision, recall, report


def test_similar_ideas_evaluation_set(app, make_user):
    assert len(EVAL["queries"]) >= 30
    ids = _load_corpus(app, make_user())
    precision, recall, report = evaluate(app, ids)
    print("\n".join(report))
    print(f"similar ideas: precision {precision:.2f}, recall {recall:.2f}")
    assert precision >= MIN_PRECISION, "\n".join(report)
    assert recall >= MIN_RECALL, "\n".join(report)


def test_the_two_examples_of_the_issue(app, make_user):
    ids = _load_corpus(app, make_user())
    with app.app_context():
        bike = [i.title for i in search.similar_ideas("Secure bike parking near train stations")]
        benches = [
            i.title
            for i in search.similar_ideas("Plus de bancs publics et de toilettes dans les parcs")
        ]
    assert "Water refill fountains in every park" not in bike
    assert "Secure bike parking at Etterbeek station" in bike
    assert benches[0] == "An open register of all public benches, toilets and water points"
    assert ids
