"""Translations of an idea: the author adds theirs (published at once); another
participant offers one for a language that has none (moderated)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participation.extensions import limiter
from participation.ideas import bp
from participation.ideas.forms import TranslationForm
from participation.permissions import can_translate_idea, is_author
from participation.services import translations as service
from participation.vocabulary import Language, TranslationStatus
from participation.web import idea_or_404, refusal, transaction


def _languages(idea, existing, author: bool) -> list[str]:
    """The languages this visitor may write a translation in."""
    others = [lang for lang in Language.values() if lang != idea.language]
    if author:
        return others
    return [
        lang
        for lang in others
        if lang not in existing or existing[lang].status == TranslationStatus.REJECTED
    ]


def _page(idea, form, existing, languages, author: bool, status: int = 200):
    return (
        render_template(
            "ideas/translate.html",
            idea=idea,
            form=form,
            existing=existing,
            languages=languages,
            author=author,
        ),
        status,
    )


@bp.route("/<int:idea_id>/translations", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["RATE_LIMIT_WRITE"], methods=["POST"])
def translate(idea_id: int):
    idea = idea_or_404(idea_id)
    decision = can_translate_idea(current_user, idea)
    if not decision:
        return refusal(decision)
    author = is_author(current_user, idea)
    existing = service.translations_of(idea)
    languages = _languages(idea, existing, author)
    form = TranslationForm()
    form.language.choices = [c for c in form.language.choices if c.value in languages]
    if request.method == "GET":
        wanted = request.args.get("language")
        form.language.data = wanted if wanted in languages else (languages or [""])[0]
        mine = existing.get(form.language.data or "")
        if author and mine is not None:
            form.title.data, form.body.data = mine.title, mine.body_source
        return _page(idea, form, existing, languages, author)
    if not form.validate_on_submit():
        return _page(idea, form, existing, languages, author, 400)
    with transaction(form) as outcome:
        row = service.translate_idea(
            current_user,
            idea,
            service.TranslationInput(form.language.data or "", form.title.data, form.body.data),
        )
    if outcome.failed:
        existing = service.translations_of(idea)
        return _page(idea, form, existing, languages, author, 400)
    if row.status == TranslationStatus.PUBLISHED:
        flash(_("Your translation is published with your idea."), "success")
    else:
        flash(
            _("Thank you! A moderator will review your translation before readers see it."),
            "success",
        )
    return redirect(url_for("ideas.detail", idea_id=idea.id))
