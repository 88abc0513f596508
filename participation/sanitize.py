"""The one HTML allowlist. User text (Markdown subset) is rendered and
sanitized once, on write; templates print the stored HTML as it is."""

from __future__ import annotations

import bleach
import markdown
from bleach.linkifier import DEFAULT_CALLBACKS, TLDS, Linker, build_url_re

ALLOWED_TAGS = frozenset({"p", "br", "a", "ul", "ol", "li", "em", "strong", "blockquote"})
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


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
    html = _markdown().convert(source.replace("\r\n", "\n"))
    html = _cleaner.clean(html)
    # Bare URLs become links; every link gets rel="nofollow ugc ...".
    return _linker.linkify(html)


def plain_text(source: str) -> str:
    """Text with every tag removed (for feeds, previews and search)."""
    return bleach.clean(source, tags=set(), strip=True)
