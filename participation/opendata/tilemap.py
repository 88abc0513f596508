"""A tile map of the 19 municipalities: one square each, placed on a grid
roughly where it lies on the map of Brussels (a well-known technique that
needs no geometry data), shaded by how many public ideas concern it. Plain
HTML and CSS (templates/opendata/_tilemap.html); the same numbers are in a
table beside it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from participation.models import Municipality
from participation.services.statistics import MunicipalityRow

# slug: (row, column, short code in French, short code in Dutch). Six columns,
# four rows; north at the top. English names are the French ones.
LAYOUT: dict[str, tuple[int, int, str, str]] = {
    "ganshoren": (1, 2, "GAN", "GAN"),
    "jette": (1, 3, "JET", "JET"),
    "bruxelles": (1, 4, "BXL", "BRU"),
    "schaerbeek": (1, 5, "SCH", "SCH"),
    "evere": (1, 6, "EVE", "EVE"),
    "berchem-sainte-agathe": (2, 1, "BSA", "SAB"),
    "koekelberg": (2, 2, "KOE", "KOE"),
    "molenbeek-saint-jean": (2, 3, "MOL", "SJM"),
    "saint-josse-ten-noode": (2, 4, "STJ", "SJT"),
    "etterbeek": (2, 5, "ETT", "ETT"),
    "woluwe-saint-lambert": (2, 6, "WSL", "SLW"),
    "anderlecht": (3, 2, "AND", "AND"),
    "saint-gilles": (3, 3, "STG", "SGI"),
    "ixelles": (3, 4, "IXL", "ELS"),
    "auderghem": (3, 5, "AUD", "OUD"),
    "woluwe-saint-pierre": (3, 6, "WSP", "SPW"),
    "forest": (4, 3, "FOR", "VOR"),
    "uccle": (4, 4, "UCC", "UKK"),
    "watermael-boitsfort": (4, 5, "WBO", "WAB"),
}
SHADES = 4  # shade 0: no idea yet; 1 to 4: quarters of the busiest municipality


@dataclass
class Tile:
    municipality: Municipality
    row: int
    column: int
    code: str
    ideas: int
    shade: int


@dataclass
class Step:
    """One shade of the legend: ideas from `low` to `high`."""

    shade: int
    low: int
    high: int


@dataclass
class TileMap:
    tiles: list[Tile]
    legend: list[Step]


def shade_of(value: int, busiest: int) -> int:
    if value <= 0 or busiest <= 0:
        return 0
    return max(1, min(SHADES, math.ceil(SHADES * value / busiest)))


def build(rows: list[MunicipalityRow], language: str) -> TileMap:
    """The tiles of the municipalities in `rows` (the Region's own row is left
    out), in reading order, and the legend of the shades in use."""
    places = [r for r in rows if r.municipality is not None]
    busiest = max((r.tally.ideas for r in places), default=0)
    tiles = []
    for r in places:
        assert r.municipality is not None
        row, column, code_fr, code_nl = LAYOUT[r.municipality.slug]
        tiles.append(
            Tile(
                municipality=r.municipality,
                row=row,
                column=column,
                code=code_nl if language == "nl" else code_fr,
                ideas=r.tally.ideas,
                shade=shade_of(r.tally.ideas, busiest),
            )
        )
    tiles.sort(key=lambda t: (t.row, t.column))
    legend = [Step(0, 0, 0)]
    for shade in range(1, SHADES + 1):
        low = math.floor((shade - 1) * busiest / SHADES) + 1
        high = math.floor(shade * busiest / SHADES)
        if busiest and low <= high:
            legend.append(Step(shade, low, high))
    return TileMap(tiles=tiles, legend=legend)
