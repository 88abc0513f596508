"""The one HTML allowlist. User text (Markdown subset) is rendered and
sanitized once, on write; templates print the stored HTML as it is.

Every text stored is also cleaned of the characters XML 1.0 forbids (control
characters, lone surrogates, U+FFFE and U+FFFF), so that feeds and exports stay
well-formed: forms clean what they read, and a flush hook cleans every text
column, whatever wrote it."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import bleach
import markdown
from bleach.linkifier import DEFAULT_CALLBACKS, TLDS, Linker, build_url_re

ALLOWED_TAGS = frozenset({"p", "br", "a", "ul", "ol", "li", "em", "strong", "blockquote"})
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


# Characters XML 1.0 forbids (tab, line feed and carriage return are allowed),
# plus DEL and the C1 controls, which no person types either.
_FORBIDDEN_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: Any) -> Any:
    """Text without the characters XML 1.0 forbids; anything else unchanged."""
    if isinstance(value, str):
        return _FORBIDDEN_IN_XML.sub("", value)
    return value


def clean_field(value: Any) -> Any:
    """A WTForms filter: clean_text, then no spaces at either end."""
    value = clean_text(value)
    return value.strip() if isinstance(value, str) else value


def _clean_before_flush(session, flush_context, instances) -> None:
    """Every str column of every new or changed row goes through clean_text."""
    from sqlalchemy import inspect

    for obj in (*session.new, *session.dirty):
        state = inspect(obj)
        loaded = state.dict  # never load a deferred column just to look at it
        for column in state.mapper.column_attrs:
            value = loaded.get(column.key)
            if isinstance(value, str):
                cleaned = clean_text(value)
                if cleaned != value:
                    setattr(obj, column.key, cleaned)


def init_app(app) -> None:
    from sqlalchemy import event

    from participation.extensions import db

    if not event.contains(db.session, "before_flush", _clean_before_flush):
        event.listen(db.session, "before_flush", _clean_before_flush)
    app.jinja_env.filters["xml_text"] = clean_text


def _rel(attrs, new=False):
    href_key = (None, "href")
    if href_key in attrs:
        attrs[(None, "rel")] = "nofollow ugc noopener noreferrer"
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)
# bleach's list of endings lacks the newer ones Brussels uses (mobilite.brussels, ...).
_URL_RE = build_url_re(
    tlds=sorted({*TLDS, "brussels", "bruxelles", "vlaanderen", "gent", "eu"}, reverse=True)
)
_linker = Linker(url_re=_URL_RE, callbacks=[*DEFAULT_CALLBACKS, _rel], parse_email=False)


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(output_format="html")
    # Raw HTML in the source is shown as text, never interpreted.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    # A small subset: no images, no headings, no code blocks, no tables.
    for name in ("image_link", "image_reference", "short_image_ref"):
        if name in md.inlinePatterns:
            md.inlinePatterns.deregister(name)
    for name in ("hashheader", "setextheader", "code", "hr"):
        if name in md.parser.blockprocessors:
            md.parser.blockprocessors.deregister(name)
    return md


def render_markdown(source: str) -> str:
    """Markdown subset -> safe HTML: paragraphs, line breaks, links, lists, emphasis."""
    html = _markdown().convert(clean_text(source).replace("\r\n", "\n"))
    html = _cleaner.clean(html)
    # Bare URLs become links; every link gets rel="nofollow ugc ...".
    return _linker.linkify(html)


def plain_text(source: str) -> str:
    """Text with every tag removed (for feeds, previews and search)."""
    return bleach.clean(source, tags=set(), strip=True)


# --- Spreadsheets -------------------------------------------------------------------

# A spreadsheet runs a cell whose first visible character is one of these.
FORMULA_SIGNS = ("=", "+", "-", "@")


def _invisible(char: str) -> bool:
    """Whitespace (space, tab, CR, no-break space...) or an invisible format
    character (Unicode category Cf: BOM, zero-width space, bidi marks...)."""
    return char.isspace() or unicodedata.category(char) == "Cf"


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text, never runs: text whose first
    visible character is a formula sign, or that starts with a tab or CR, gets
    a leading single quote. Spreadsheets skip leading spaces and invisible
    characters, so they are skipped here too before looking. Numbers stay numbers."""
    if not isinstance(value, str) or not value:
        return value
    index = 0
    while index < len(value) and _invisible(value[index]):
        index += 1
    if value.startswith(("\t", "\r")) or value[index:].startswith(FORMULA_SIGNS):
        return "'" + value
    return value
