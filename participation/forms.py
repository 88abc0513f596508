"""Shared form pieces: choices and coercion."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField
from wtforms.validators import ValidationError

from participation.i18n import LANGUAGE_NAMES, LANGUAGES, current_language
from participation.parsing import parse_id


def choices(pairs) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def language_choices() -> list[SelectChoice]:
    return choices((code, LANGUAGE_NAMES[code]) for code in LANGUAGES)


# Dates a filter may ask for. Nothing on the platform is older or newer, and
# the edge of the calendar (9999-12-31, plus one day) would overflow.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2999, 12, 31)


def date_in_range(form, field) -> None:
    """WTForms validator: a date between EARLIEST_DATE and LATEST_DATE, else a
    clear message (the page answers 400)."""
    from participation.templating import format_date

    if field.data is not None and not (EARLIEST_DATE <= field.data <= LATEST_DATE):
        raise ValidationError(
            _(
                "Please choose a date between %(first)s and %(last)s.",
                first=format_date(EARLIEST_DATE, "long"),  # en_GB for English
                last=format_date(LATEST_DATE, "long"),
            )
        )


def optional_int(value):
    """'' -> None, '12' -> 12, anything else -> -1 (never a valid choice)."""
    if value in (None, "", "None"):
        return None
    number = parse_id(value)
    return number if number is not None else -1


class MunicipalityField(SelectField):
    """An optional choice among the 19 municipalities, in the page's language."""

    def __init__(self, label=None, empty_label=None, **kwargs):
        kwargs.setdefault("coerce", optional_int)
        kwargs.setdefault("validators", [])
        super().__init__(label, **kwargs)
        self.empty_label = empty_label if empty_label is not None else _l("Not specified")

    def _load(self):
        from participation.services.places import municipalities

        lang = current_language()
        named = [(m.id, m.name(lang)) for m in municipalities(lang)]
        self.choices = choices([("", str(self.empty_label)), *named])

    def iter_choices(self):
        if not self.choices:
            self._load()
        yield from super().iter_choices()

    def pre_validate(self, form):
        if not self.choices:
            self._load()
        if self.data is None:
            return
        if self.data not in {c.value for c in self.choices}:
            raise ValidationError(str(_l("Please choose a value from the list.")))
