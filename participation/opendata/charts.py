"""Server-rendered SVG charts (pygal) for the statistics page. Each chart's
numbers are also in a table beside it on the page; the SVG carries no script
(pygal's tooltips need JavaScript from elsewhere: switched off)."""

from __future__ import annotations

import re

import pygal
from flask_babel import gettext as _
from pygal.style import Style

from participation.services.statistics import ChallengeRow, MunicipalityRow, Week
from participation.templating import format_date

# The site's palette (static/css/site.css): dark blue, teal, orange, on white.
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1b2733",
    foreground_strong="#1b2733",
    foreground_subtle="#4a5968",
    colors=("#0b4f8a", "#1e6b3a", "#7a4b00"),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    title_font_size=16,
)
COMMON = {
    "style": STYLE,
    "js": [],
    "disable_xml_declaration": False,
    "legend_at_bottom": True,
    "print_values": False,
    "show_y_guides": True,
    "explicit_size": False,
    "width": 800,
    "height": 420,
}


# pygal always writes its tooltip settings in an inline <script>: inert in an
# <img>, and left out all the same.
SCRIPT = re.compile(rb"<script\b[^>]*>.*?</script>", re.S)


def _render(chart) -> bytes:
    return SCRIPT.sub(b"", chart.render())


def weekly(weeks: list[Week]) -> bytes:
    chart = pygal.Line(**COMMON, x_label_rotation=30, dots_size=3)
    chart.title = _("Participation per week")
    chart.x_labels = [format_date(w.start, "d MMM") for w in weeks]
    chart.add(_("Ideas"), [w.ideas for w in weeks])
    chart.add(_("Supports"), [w.supports for w in weeks])
    chart.add(_("Comments"), [w.comments for w in weeks])
    return _render(chart)


def challenges(rows: list[ChallengeRow], language: str) -> bytes:
    chart = pygal.Bar(**COMMON)
    chart.title = _("Ideas per challenge")
    chart.x_labels = [r.challenge.name(language) for r in rows]
    chart.add(_("Ideas"), [r.tally.ideas for r in rows])
    chart.add(_("Ideas with an official response"), [r.tally.answered for r in rows])
    return _render(chart)


def municipalities(rows: list[MunicipalityRow], language: str) -> bytes:
    chart = pygal.HorizontalBar(**{**COMMON, "height": 720})
    chart.title = _("Ideas per municipality")
    rows = rows[::-1]  # pygal draws the first bar at the bottom: read from the top
    chart.x_labels = [
        r.municipality.name(language) if r.municipality else _("The whole Region") for r in rows
    ]
    chart.add(_("Ideas"), [r.tally.ideas for r in rows])
    chart.add(_("Ideas with an official response"), [r.tally.answered for r in rows])
    return _render(chart)
