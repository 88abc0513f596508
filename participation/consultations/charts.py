"""Horizontal bar charts of a question's results, as SVG rendered on the server by
pygal (no JavaScript, no network: pygal's scripts are switched off). The page
shows the same numbers in a table beside each chart."""

from __future__ import annotations

import re
import sys

import pygal
from babel.numbers import format_percent
from flask_babel import gettext as _
from pygal.style import Style

from participation.services.consultations import QuestionResult
from participation.vocabulary import QuestionKind

# pygal appends a legacy import hook (for its map plugins, unused here) to
# sys.meta_path; it has no find_spec, so Python 3.11 warns (ImportWarning) on every
# import that falls through to it. Take it out.
sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#555555",
    colors=("#1d4f91",),
    font_family="system-ui, sans-serif",
    label_font_size=18,
    major_label_font_size=18,
    value_font_size=18,
    value_label_font_size=18,
    title_font_size=16,
)


def _short(label: str, limit: int = 60) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def question_chart(result: QuestionResult, language: str) -> bytes | None:
    """The SVG document for one question, or None for a free-text question."""
    question = result.question
    if question.kind == QuestionKind.FREE_TEXT:
        return None
    if question.kind == QuestionKind.SCALE:
        labels = [str(value) for value, _c, _p in result.scale]
        labels[0] = f"1 · {_short(question.low_label(language), 30)}"
        labels[-1] = f"5 · {_short(question.high_label(language), 30)}"
        values = [p for _v, _c, p in result.scale]
    else:
        # Short labels leave the bars room; the table beside gives each one in full.
        labels = [_short(o.option.label(language), 30) for o in result.options]
        values = [o.percent for o in result.options]
    chart = pygal.HorizontalBar(
        style=STYLE,
        js=[],
        width=640,
        height=max(220, 56 * len(values) + 60),
        show_legend=False,
        print_values=True,
        # The language's own pattern: "45 %" with a no-break space in French.
        value_formatter=lambda v: format_percent(v / 100, locale=language),
        range=(0, 100),
        y_labels=[0, 25, 50, 75, 100],  # the value axis: five labels that never overlap
        show_y_guides=False,
        truncate_label=-1,
        margin_left=10,
        disable_xml_declaration=False,
    )
    # Top to bottom in the question's order (pygal draws the first label at the bottom).
    chart.x_labels = list(reversed(labels))
    chart.add(_("Respondents, in percent"), list(reversed(values)))
    # pygal still writes its configuration as an inline script: drop it, the
    # chart is a plain image (and its CSP forbids any script anyway).
    return _SCRIPT.sub(b"", chart.render())


_SCRIPT = re.compile(rb"<script\b.*?</script>", re.S)
