"""Parsing what arrives in URLs and forms: ids and page numbers the database can hold."""

from __future__ import annotations

# The largest id or page number the databases hold (a 32-bit integer column).
MAX_DB_INT = 2**31 - 1


def parse_id(value) -> int | None:
    """A positive whole number the database can hold ('42', ' #42 '), else None."""
    text = str(value if value is not None else "").strip().lstrip("#")
    if not text.isdigit() or not text.isascii():
        return None
    number = int(text)
    return number if 0 < number <= MAX_DB_INT else None


def page_number(value) -> int:
    """?page=: a page between 1 and MAX_DB_INT; anything else is page 1."""
    return parse_id(value) or 1
