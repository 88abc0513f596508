"""What every template can use: permissions, the vocabulary and its labels, display
helpers, locale formatting. The one place template globals are registered.

Lists render the same few things many times (a date per card or comment, a
link per idea and challenge): the helpers here do the expensive part once per
request or once per process (URL building through the language hook, Babel
pattern parsing), and only the cheap part per row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import get_datetime_format, parse_pattern
from flask import Flask, current_app, g, request, url_for
from flask_babel import format_decimal, format_percent, get_locale, get_timezone, get_translations
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_context
from markupsafe import Markup, escape

from participation import vocabulary
from participation.i18n import current_language, format_locale
from participation.permissions import can, menu_rights, sees_comments_as_others

# A stand-in id: URLs are built once with it, then it is replaced.
_ID = 987654321


# Rendered idea cards, keyed by everything a card shows: a changed count,
# title or status makes a new key, so an entry is never stale. Per process,
# emptied when full.
_CARDS: dict[tuple, str] = {}
MAX_CARDS = 5000


def cached_card(macro, idea, heading: str = "h3", status_labels=None):
    """The idea card `macro(idea, heading=..., status_labels=...)`, rendered once
    per content and language."""
    author = idea.author
    key = (
        str(get_locale()),
        heading,
        status_labels is not None,
        idea.id,
        idea.title,
        idea.translated_title(str(get_locale())),
        idea.language,
        idea.status,
        idea.official_status,
        idea.duplicate_of_id,
        idea.support_count,
        idea.comment_count,
        idea.published_at,
        idea.created_at,
        idea.challenge_id,
        idea.municipality_id,
        idea.author_id,
        author.display_name if author is not None else None,
        author.is_deleted if author is not None else None,
        idea.body_html,
    )
    html = _CARDS.get(key)
    if html is None:
        if len(_CARDS) >= MAX_CARDS:
            _CARDS.clear()
        html = _CARDS[key] = macro(idea, heading=heading, status_labels=status_labels)
    return html


_COMMENTS: dict[tuple, str] = {}


def cached_comment(macro, comment, placeholder: bool, is_reply: bool, view: dict):
    """A comment as an anonymous visitor sees it, rendered once per content and
    language. A signed-in visitor sees the same, except on their own comments
    and as a moderator (permissions.sees_comments_as_others): those are
    rendered each time. tests/test_comments.py checks that the rest is the same HTML."""
    if not sees_comments_as_others(view["user"], (comment.author_id,)):
        return macro(comment, placeholder, is_reply, view)
    author = comment.author
    key = (
        str(get_locale()),
        placeholder,
        is_reply,
        comment.id,
        comment.status,
        comment.hidden_reason,
        comment.body_html,
        comment.language,
        comment.created_at,
        comment.edited_at,
        comment.author_id == view["idea"].author_id,
        view["idea"].id,
        author.display_name if author is not None else None,
        author.is_deleted if author is not None else None,
    )
    html = _COMMENTS.get(key)
    if html is None:
        if len(_COMMENTS) >= MAX_CARDS:
            _COMMENTS.clear()
        html = _COMMENTS[key] = macro(comment, placeholder, is_reply, view)
    return html


# Stand-ins for a thread's id and its author's name in the reply form rendered
# once per page (ideas/detail.html): neither can occur in the rendered form
# (an id is digits; a name is escaped before it is put in).
REPLY_ID, REPLY_NAME = "reply-thread-id-0x1d", "reply-author-name-0x1e"


def fill_reply_box(template: str, thread_id: int, name: str) -> Markup:
    """The reply form rendered once per page, for this thread and its author."""
    html = str(template).replace(REPLY_ID, str(int(thread_id)))
    return Markup(html.replace(REPLY_NAME, str(escape(name))))


def display_name(user) -> str:
    """A contributor's public name; deleted accounts show as 'former participant'."""
    if user is None or user.is_deleted or not user.display_name:
        return _("Former participant")
    return user.display_name


def official_status_label(status: str | None) -> str:
    return (
        vocabulary.OfficialStatus.label_of(status, status or "")
        if status
        else _("No official response yet")
    )


_FALLBACK_NOTES = {
    vocabulary.Language.FR: _l(
        "There is no version of this response in your language: here is the French text."
    ),
    vocabulary.Language.NL: _l(
        "There is no version of this response in your language: here is the Dutch text."
    ),
    vocabulary.Language.EN: _l(
        "There is no version of this response in your language: here is the English text."
    ),
}


def response_fallback_note(shown_language: str) -> str:
    """Said above an official response shown in another language than the reader's."""
    return str(_FALLBACK_NOTES.get(shown_language, ""))


def email_response(extra: dict, language: str) -> tuple[str, str] | None:
    """(language, text) of the official response an email carries, in the
    recipient's language when there is one (outbox rows written before
    responses were bilingual carry a single "response")."""
    from participation.models.officials import response_version

    if extra.get("response_texts"):
        return response_version(extra["response_texts"], language)
    if extra.get("response"):
        return language, str(extra["response"])
    return None


def in_language(text: str, language: str | None) -> Markup:
    """`text` (user content, escaped) in a <span lang>, to put inside a
    translated sentence: _("On the idea “%(title)s”.", title=in_language(...))."""
    if not language:
        return Markup("{}").format(text)
    return Markup('<span lang="{}">{}</span>').format(language, text)


_TITLE_SLOT = "\ue000"  # a private-use character: never in a translated sentence


def sentence_with_title(describe, title: str, language: str | None, *args) -> Markup:
    """describe(kind, title, ...) (a translated sentence quoting a title), with
    the title in a <span lang> when it is the idea's own words (`language`
    given), everything escaped."""
    sentence = describe(args[0], _TITLE_SLOT, *args[1:])
    before, found, after = sentence.partition(_TITLE_SLOT)
    if not found:
        return Markup("{}").format(describe(args[0], title, *args[1:]))
    return escape(before) + in_language(title, language) + escape(after)


def reason_label(code: str | None) -> str:
    """The translated label of a reason code (hidden placeholders, the log)."""
    return vocabulary.Reason.label_of(code)


def official_history(idea) -> list:
    """For the idea page: its official statuses, in one query, or none at all
    when the idea was never answered."""
    from participation.services.officials import history

    if idea is None or not idea.official_status:
        return []
    return history(idea.id)


VOCABULARY = {
    name: getattr(vocabulary, name)
    for name in (
        "Role",
        "Language",
        "IdeaStatus",
        "OfficialStatus",
        "CommentStatus",
        "Reason",
        "ModerationActionKind",
        "TargetType",
        "EmailGroup",
        "NotificationKind",
        "Denial",
        "RoundPhase",
        "BallotRule",
        "OutcomeRule",
        "Feasibility",
        "QuestionKind",
        "OptionKind",
        "ConsultationState",
        "ResultsVisibility",
        "TextAnswerStatus",
        "ConsultationEventKind",
        "BudgetEventKind",
        "CountState",
        "OutboxStatus",
        "TranslationStatus",
    )
}


def url_for_id(endpoint: str, **values) -> str:
    """url_for(endpoint, **values) where one value is an integer id: the URL is
    built once per request, then only the id changes (for links in rows)."""
    (name, number), *_ = ((k, v) for k, v in values.items() if isinstance(v, int))
    cache = g.setdefault("_url_patterns", {})
    fixed = tuple(sorted((k, v) for k, v in values.items() if k != name))
    key = (endpoint, str(get_locale()), name, fixed)
    pattern = cache.get(key)
    if pattern is None:
        pattern = cache[key] = url_for(endpoint, **dict(fixed), **{name: _ID})
    return pattern.replace(str(_ID), str(number))


def idea_url(idea_id: int) -> str:
    """url_for('ideas.detail', idea_id=...) at the cost of a string replace."""
    return url_for_id("ideas.detail", idea_id=idea_id)


def challenge_url(slug: str) -> str:
    cache = g.setdefault("_challenge_urls", {})
    key = (slug, str(get_locale()))
    if key not in cache:
        cache[key] = url_for("ideas.challenge", slug=slug)
    return cache[key]


MAX_FRAME_KEPT = 1000


def _frame_kept() -> tuple[dict, tuple]:
    """What the frame keeps for this application, and the request's language,
    application root and public base URL (everything else is in the keys)."""
    try:
        return g._frame_kept
    except AttributeError:
        pass
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    kept = {} if app.debug else app.extensions.setdefault("frame_kept", {})
    if len(kept) >= MAX_FRAME_KEPT:
        kept.clear()
    setting = (
        g.get("lang_code") or current_language(),
        request.script_root,
        app.config["PUBLIC_BASE_URL"],
    )
    g._frame_kept = (kept, setting)
    return kept, setting


def frame_url(endpoint: str, _public: bool = False, **values) -> str:
    """url_for(endpoint, **values) (public_url with `_public`) for a link that
    depends only on the language and the application's root, built once per
    process and application: base.html carries some thirty, each one a pass
    through the url_defaults hooks (the language, the static fingerprint's
    stat()). Kept for the request only in debug mode, where an edited static
    file gets its new fingerprint at once."""
    kept, setting = _frame_kept()
    key = ("url", endpoint, _public, setting, *sorted(values.items()))
    url = kept.get(key)
    if url is None:
        if _public:
            from participation.urls import public_url

            url = public_url(endpoint, **values)
        else:
            url = url_for(endpoint, **values)
        kept[key] = url
    return url


def kept_fragment(name: str, *parts, caller, fill: dict[str, Any] | None = None) -> Markup:
    """{% call kept_fragment(name, *parts) %}...{% endcall %}: a piece of the
    frame rendered once per process, language and application root, and
    `parts` (everything else it reads, such as request.endpoint). Only for
    pieces that show nothing about the visitor (the footer, the style sheets),
    or whose visitor's values are stand-ins: `fill` maps each stand-in the
    piece holds (a tag, such as "<menu-name>", which no escaped text can
    contain) to the visitor's value, put in after the piece is kept; unless
    the whole page is rendered to be kept (keeping_stand_ins), when the
    stand-ins stay for fill_stand_ins."""
    kept, setting = _frame_kept()
    key = (
        "fragment",
        name,
        setting,
        *(tuple(part) if isinstance(part, list) else part for part in parts),
    )
    html = kept.get(key)
    if html is None:
        html = kept[key] = Markup(caller())
    if fill and not g.get(_KEEPING_STAND_INS):
        html = Markup(fill_stand_ins(str(html), fill))
    return html


_KEEPING_STAND_INS = "_keeping_stand_ins"
# Stands for the visitor's CSRF token in kept HTML (the menu, the idea page's
# pieces), replaced once the page is rendered. It cannot occur anywhere else
# in a page: its "<" is escaped in every text a participant wrote (names,
# titles, sanitized comments), so no one's words can make the replacement
# touch them; and so for the menu's other stand-ins.
CSRF_STAND_IN = Markup("<csrf-token>")
MENU_STAND_INS = ("<menu-unread>", "<menu-name>", str(CSRF_STAND_IN))


def menu_fill(user: Any) -> dict[str, Markup]:
    """What the menu's stand-ins stand for, for `user`: their unread count,
    their name and their CSRF token (nothing for a visitor)."""
    if not user.is_authenticated:
        return {}
    unread, name, token = MENU_STAND_INS
    badge = current_app.jinja_env.get_template("_menu.html").module.unread_badge  # type: ignore[attr-defined]
    return {
        unread: Markup(badge(user.unread_notification_count)),
        name: escape(user.display_name),
        token: escape(generate_csrf()),
    }


def fill_stand_ins(text: str, fill: dict[str, Markup]) -> str:
    """`text` with each stand-in replaced by its (escaped) value. A value
    cannot bring a stand-in in: its "<" is escaped."""
    for stand_in, value in fill.items():
        text = text.replace(stand_in, str(escape(value)))
    return text


@contextmanager
def keeping_stand_ins() -> Iterator[None]:
    """`with keeping_stand_ins():` the frame rendered inside keeps the menu's
    stand-ins, for a page kept whole and filled for each visitor
    (fill_stand_ins with menu_fill)."""
    setattr(g, _KEEPING_STAND_INS, True)
    try:
        yield
    finally:
        g.pop(_KEEPING_STAND_INS, None)


def _translations():
    """flask_babel.get_translations() (about 9 µs: a dozen context lookups),
    kept for the request and its locale: a page calls _() some thirty times.
    force_locale (an email in its recipient's language) and refresh() set
    another Locale object, so the translations are looked up again then."""
    try:
        ctx = g._flask_babel
    except (AttributeError, RuntimeError):  # not looked up yet, or no app context
        return get_translations()
    locale = getattr(ctx, "babel_locale", None)
    if locale is None:
        return get_translations()
    kept = getattr(ctx, "kept_translations", None)
    if kept is None or kept[0] is not locale:
        kept = ctx.kept_translations = (locale, get_translations())
    return kept[1]


@pass_context
def _template_gettext(__context, __string: str, **variables):
    """{{ _("...") }}: as Jinja's newstyle gettext (escaped when the template
    autoescapes, always %-formatted), in one call."""
    rv = _translations().ugettext(__string)
    if __context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


@lru_cache(maxsize=64)
def _patterns(locale: str, kind: str, fmt: str):
    """Parsed Babel patterns for a locale: ('date', fmt) or ('datetime', fmt);
    for a date, `fmt` may also be a pattern such as "d MMM"."""
    parsed = Locale.parse(locale)
    named = fmt in ("short", "medium", "long", "full")
    date_pattern = parse_pattern(parsed.date_formats[fmt] if named else fmt)
    if kind == "date":
        return parsed, date_pattern, None, None
    time_pattern = parse_pattern(parsed.time_formats[fmt])
    joiner = get_datetime_format(fmt, locale=parsed).replace("'", "")
    return parsed, date_pattern, time_pattern, joiner


def _local(value):
    """A naive UTC datetime in the user's time zone (as Flask-Babel's rebase)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(get_timezone())
    return value


def format_date(value: date | datetime | None, fmt: str = "long") -> str:
    """flask_babel.format_date(value, fmt), with the pattern parsed once, in
    format_locale() (en_GB for English). The only date formatter: Python code
    uses it too, never flask_babel's."""
    if not value:
        return ""
    locale, date_pattern, _t, _j = _patterns(format_locale(), "date", fmt)
    return date_pattern.apply(_local(value), locale)


def format_datetime(value: datetime | None, fmt: str = "medium") -> str:
    """flask_babel.format_datetime(value, fmt) for the standard formats, parsed
    once, in format_locale() (en_GB for English)."""
    if not value:
        return ""
    locale, date_pattern, time_pattern, joiner = _patterns(format_locale(), "datetime", fmt)
    local = _local(value)
    return joiner.replace("{0}", time_pattern.apply(local, locale)).replace(
        "{1}", date_pattern.apply(local, locale)
    )


def format_share(value: float | None) -> str:
    """A share as a percentage with at most one decimal, in the locale's pattern
    (45,6 % in French, with its no-break space)."""
    pattern = get_locale().percent_formats[None].pattern
    head, zero, tail = pattern.partition("0")
    return format_percent(value or 0, f"{head}0.#{tail}" if zero else pattern)


def people(value: float | None) -> str:
    """A count of people as it may be shown: "fewer than 10" under the
    small-cell threshold (statistics.SMALL_CELL), the number otherwise."""
    from participation.services.statistics import SMALL_CELL

    if value is None or value < SMALL_CELL:
        return _("fewer than %(num)s", num=SMALL_CELL)
    return format_decimal(round(value, 1))


def init_app(app: Flask) -> None:
    from participation.services.budgets import euros
    from participation.web import active_filter_chips, filters_url, public_idea_url

    app.jinja_env.globals.update(
        can=can,
        display_name=display_name,
        official_status_label=official_status_label,
        moderation_reason_label=reason_label,
        official_history=official_history,
        response_fallback_note=response_fallback_note,
        email_response=email_response,
        in_language=in_language,
        sentence_with_title=sentence_with_title,
        filters_url=filters_url,
        active_filter_chips=active_filter_chips,
        public_idea_url=public_idea_url,
        euro=euros,
        percent=format_share,
        **VOCABULARY,
        idea_url=idea_url,
        url_for_id=url_for_id,
        cached_card=cached_card,
        cached_comment=cached_comment,
        fill_reply_box=fill_reply_box,
        REPLY_ID=REPLY_ID,
        REPLY_NAME=REPLY_NAME,
        challenge_url=challenge_url,
        frame_url=frame_url,
        kept_fragment=kept_fragment,
        menu_rights=menu_rights,
        menu_fill=menu_fill,
    )
    # Flask-Babel's callables, with the translations kept per request (the
    # same strings, found with fewer lookups); `_` and `gettext` called
    # directly rather than through Jinja's alias and wrapper (two calls less
    # for each of the thirty strings of a page), with the same newstyle rules.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext)
    app.jinja_env.filters.update(
        date=format_date,
        datetime=format_datetime,
        number=lambda value: format_decimal(value or 0),
        people=people,
    )

    @app.context_processor
    def inject_user():
        return {"current_user": current_user, "locale": str(get_locale())}
