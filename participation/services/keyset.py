"""Keyset ("seek") pagination: a page starts after the last row of the previous
one, found by its sort key, never by counting rows from the start (no OFFSET):
each page costs the same, however deep, and rows added meanwhile neither
shift nor repeat what follows.

A list's order is a list of `Key`s (its ORDER BY columns, the last one unique).
`condition(keys, values)` selects the rows after the row whose key values are
`values`, with each database's place for NULLs (PostgreSQL sorts them as the
largest values, SQLite as the smallest), exactly as its ORDER BY does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, false, or_, true, tuple_

from participation.extensions import db


@dataclass(frozen=True)
class Key:
    column: Any  # the SQL expression sorted on
    descending: bool
    nullable: bool = False
    kind: str = "int"  # how its values travel in a cursor: int, float, datetime

    def order(self):
        return self.column.desc() if self.descending else self.column.asc()


def _nulls_high() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _later(key: Key, value: Any, nulls_high: bool):
    """Rows whose `key` comes strictly after `value` in the order."""
    # Where NULLs fall: before or after every value, in this order.
    null_later = nulls_high != key.descending
    column = key.column
    if value is None:
        return column.is_not(None) if not null_later else false()
    beyond = column < value if key.descending else column > value
    if key.nullable and null_later:
        return or_(beyond, column.is_(None))
    return beyond


def _equal(key: Key, value: Any):
    return key.column.is_(None) if value is None else key.column == value


def condition(keys: list[Key], values: list[Any]):
    """The rows after the row with these key values, in the order of `keys`."""
    nulls_high = _nulls_high()
    same_direction = len({k.descending for k in keys}) == 1
    if nulls_high and same_direction and None not in values:
        # PostgreSQL compares rows as its b-tree indexes do: the scan starts at
        # the cursor (NULLs, sorted first when descending, are already behind).
        columns, row = tuple_(*(k.column for k in keys)), tuple_(*values)
        return columns < row if keys[0].descending else columns > row
    clause: Any = None
    for key, value in reversed(list(zip(keys, values, strict=True))):
        later = _later(key, value, nulls_high)
        clause = later if clause is None else or_(later, and_(_equal(key, value), clause))
    first, start = keys[0], values[0]
    if not first.nullable and start is not None:
        # A range on the first column, for the index (the rest filters ties only).
        bound = first.column <= start if first.descending else first.column >= start
        clause = and_(bound, clause)
    return clause if clause is not None else true()


def dump(keys: list[Key], values: list[Any]) -> list[Any]:
    """Key values as JSON values."""
    out: list[Any] = []
    for key, value in zip(keys, values, strict=True):
        if value is None:
            out.append(None)
        elif key.kind == "datetime":
            out.append(value.isoformat())
        elif key.kind == "float":
            out.append(float(value))
        else:
            out.append(int(value))
    return out


def load(keys: list[Key], raw: Any) -> list[Any]:
    """JSON values back into key values; ValueError if they do not fit `keys`."""
    if not isinstance(raw, list) or len(raw) != len(keys):
        raise ValueError("wrong number of values")
    values: list[Any] = []
    for key, value in zip(keys, raw, strict=True):
        if value is None:
            if not key.nullable:
                raise ValueError("null")
            values.append(None)
        elif key.kind == "datetime":
            if not isinstance(value, str):
                raise ValueError("not a date")
            values.append(datetime.fromisoformat(value).replace(tzinfo=None))
        elif key.kind == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError("not a number")
            values.append(float(value))
        else:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError("not an integer")
            if not -(2**63) <= value < 2**63:
                raise ValueError("out of range")
            values.append(value)
    return values
