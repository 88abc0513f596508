"""The web layer's one request lifecycle, shared by every blueprint.

A view reads: parse -> ask permission -> call a service inside `transaction()`
-> redirect. `transaction()` is the only place a view commits:

    with transaction(form) as outcome:
        idea = service.propose_idea(current_user, form.to_input())
    if outcome.failed:
        return render_template(..., form=form), 400
    return redirect(...)

On success it commits once, at the end. On a `DomainError` it rolls back and
maps the error onto the form field it names (or the whole form), or, without a
form, onto a flash message. A `PermissionDenied` that a view did not foresee
(a race: the idea closed meanwhile) is handled the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from participation.extensions import db
from participation.parsing import page_number, parse_id  # noqa: F401 - re-exported for views
from participation.permissions import Decision, can_view_idea
from participation.services import DomainError
from participation.vocabulary import Denial


@dataclass
class Outcome:
    error: DomainError | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None


def apply_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's error on the field it belongs to (or on the whole form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*list(field.errors or []), error.message]
    else:
        form.form_errors.append(error.message)


@contextmanager
def transaction(form: FlaskForm | None = None, *, flash_errors: bool = True) -> Iterator[Outcome]:
    """Commit once on success; on a DomainError roll back and report it (on the form,
    else as a flash message unless `flash_errors` is False: the view answers itself)."""
    outcome = Outcome()
    try:
        yield outcome
    except DomainError as error:
        db.session.rollback()
        outcome.error = error
        if form is not None:
            apply_domain_error(form, error)
        elif flash_errors:
            flash(error.message, "error")
        return
    db.session.commit()


def read_only() -> None:
    """For a view that only reads (the pages the page cache may keep): on
    PostgreSQL, its session runs in autocommit, so its reads send no BEGIN
    and no ROLLBACK (two round trips of a signed-in list page's three). Each
    statement sees the data committed when it starts, as it would inside a
    READ COMMITTED transaction. Call it before the request's first query."""
    one_statement_write()


def one_statement_write() -> None:
    """For a view whose only write is one SQL statement (the support buttons):
    on PostgreSQL, its session runs in autocommit. Each read, and the write,
    is then a transaction of its own, and the write commits as it runs:

    - there is no BEGIN and no COMMIT round trip;
    - the row locks the write takes are held for that statement only, not
      until the Python side sends COMMIT.

    Call it before the request's first query. If the session has already begun
    a transaction, nothing changes, and that transaction commits as usual.
    `transaction()` is still the place the view "commits". With autocommit,
    that commit sends nothing. SQLite keeps its transaction, because its
    write is two statements there."""
    if db.session().in_transaction() or db.engine.dialect.name != "postgresql":
        return
    db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


# --- Parsing and loading what a URL names -----------------------------------------------


def _visible_or_404(idea):
    """`idea` if this visitor may see it; 404 otherwise (never reveal pending ideas)."""
    if idea is None or not can_view_idea(current_user, idea):
        abort(404)
    return idea


def idea_or_404(idea_id: int):
    """The idea if this visitor may see it; 404 otherwise."""
    from participation.services.ideas import load_idea

    return _visible_or_404(load_idea(idea_id))


def idea_and_support_or_404(idea_id: int):
    """The idea if this visitor may see it (404 otherwise), and whether they
    support it: one query."""
    from participation.services.ideas import load_idea_and_support

    user_id = current_user.id if current_user.is_authenticated else None
    idea, supported = load_idea_and_support(idea_id, user_id)
    return _visible_or_404(idea), supported


def idea_state_or_404(idea_id: int):
    """Like idea_or_404, for views that only ask permission verbs and write (the
    support buttons): what those verbs read of the idea, not the ORM idea."""
    from participation.services.ideas import load_idea_state

    return _visible_or_404(load_idea_state(idea_id))


PARTICIPATION_DENIALS = frozenset({Denial.ANONYMOUS, Denial.UNCONFIRMED, Denial.SUSPENDED})


def refusal(decision: Decision, action: str = ""):
    """The page for a refused permission: 404 when the thing is not visible; a page
    that says why (and how to fix it) otherwise, with a 403."""
    if decision.reason == Denial.NOT_VISIBLE:
        abort(404)
    return (
        render_template(
            "errors/refused.html", reason=decision.reason, decision=decision, action=action
        ),
        403,
    )


def filters_url(filters, **changes) -> str:
    """A list view's URL with some of its filters changed, e.g. page=2."""
    return url_for(filters.endpoint, **filters.endpoint_args, **filters.args(**changes))


@dataclass(frozen=True)
class FilterChip:
    label: str
    url: str
    lang: str | None = None  # a label in another language (a language's own name)


def active_filter_chips(filters) -> list[FilterChip]:
    """The filters of a list in use, each with the link that removes it (the
    challenge of a challenge page is the page itself, not a filter)."""
    from participation.services.browse import STATUS_LABELS
    from participation.vocabulary import Language

    def without(**changes) -> str:
        return filters_url(filters, page=1, **changes)

    chips = []
    if filters.q:
        chips.append(FilterChip(_("Search: “%(q)s”", q=filters.q), without(q="")))
    if filters.challenge is not None and "slug" not in filters.endpoint_args:
        chips.append(FilterChip(filters.challenge.name(), without(challenge="")))
    if filters.whole_region:
        chips.append(FilterChip(_("The whole Region"), without(municipality="")))
    elif filters.municipality is not None:
        chips.append(FilterChip(filters.municipality.name(), without(municipality="")))
    if filters.status:
        chips.append(FilterChip(str(STATUS_LABELS[filters.status]), without(status="")))
    if filters.language:
        language = Language(filters.language)
        chips.append(FilterChip(language.label, without(language=""), lang=language.value))
    return chips


def public_idea_url(idea_id: int) -> str:
    return url_for("ideas.detail", idea_id=idea_id)
