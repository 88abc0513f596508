"""Server-side SVG charts of a round's results (pygal), shown as images with their
data table beside them on the results page. No JavaScript."""

from __future__ import annotations

import re

import pygal
from flask_babel import gettext as _
from pygal.style import Style

from participation.services.budgets import Results, euros

# High-contrast colours: funded (dark blue), not funded (grey).
_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1b2733",
    foreground_strong="#0b0c0c",
    foreground_subtle="#5b6773",
    colors=("#0b4f8a", "#8a96a3", "#1e6b3a"),
    value_colors=("white", "#0b0c0c", "white"),
    font_family="sans-serif",
    label_font_size=16,
    major_label_font_size=16,
    value_font_size=16,
    legend_font_size=16,
    title_font_size=18,
)


_SCRIPT = re.compile(rb"<script\b.*?</script>", re.S)


def _render(chart) -> bytes:
    """The SVG without pygal's configuration script (the chart needs none)."""
    return _SCRIPT.sub(b"", chart.render())


def _config(**extra):
    return {
        "style": _STYLE,
        "js": [],
        "disable_xml_declaration": False,
        "print_values": True,
        "show_y_guides": False,
        # Values are printed on the bars; the value axis would crowd a phone screen.
        "show_x_labels": False,
        "legend_at_bottom": True,
        "truncate_label": 24,
        "truncate_legend": 60,
        **extra,
    }


def votes_chart(results: Results) -> bytes:
    """Votes per project, funded projects (by the round's rule) in their own colour."""
    rule = results.official_rule
    projects = results.projects[:40]
    chart = pygal.HorizontalBar(
        **_config(
            title=_("Votes per project"),
            legend_at_bottom_columns=1,
            width=480,
            height=max(300, 130 + 40 * len(projects)),
        )
    )
    chart.x_labels = [p.title for p in reversed(projects)]
    chart.add(
        _("Funded (%(rule)s)", rule=rule.short_label),
        [p.vote_count if p.funded_by(rule) else None for p in reversed(projects)],
    )
    chart.add(
        _("Not funded"),
        [None if p.funded_by(rule) else p.vote_count for p in reversed(projects)],
    )
    return _render(chart)


def budget_chart(results: Results) -> bytes:
    """The budget each rule spends, against the total."""
    total = results.budget_round.total_amount
    chart = pygal.HorizontalBar(
        **_config(
            title=_("Budget used"),
            show_legend=False,
            width=480,
            height=300,
            range=(0, total),
            formatter=euros,
        )
    )
    rules = [results.official_rule, results.other_rule]
    chart.x_labels = [r.short_label for r in reversed(rules)]
    chart.add(_("Spent"), [results.spent(r) for r in reversed(rules)])
    return _render(chart)
