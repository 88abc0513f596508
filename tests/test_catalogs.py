"""The French and Dutch catalogs are complete, not fuzzy, up to date with the
source strings, and compiled."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "participation" / "translations"
LANGS = ("fr", "nl")


@pytest.fixture(scope="module")
def source_ids(tmp_path_factory) -> set:
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    from participation.cli import EXTRACT_ARGS

    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *EXTRACT_ARGS, "-o", str(pot), "."],
        check=True,
        cwd=ROOT,
    )
    with pot.open("rb") as fh:
        catalog = read_po(fh)
    ids = {m.id for m in catalog if m.id}
    assert len(ids) > 100, "extraction found suspiciously few strings"
    return ids


def _catalog(lang: str):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh)


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_is_up_to_date_with_the_source(lang, source_ids):
    catalog = _catalog(lang)
    ids = {m.id for m in catalog if m.id}
    missing = sorted(str(i) for i in source_ids - ids)
    stale = sorted(str(i) for i in ids - source_ids)
    assert not missing, (
        f"{lang}: strings missing from the catalog (run flask translate update): {missing[:20]}"
    )
    assert not stale, f"{lang}: strings no longer in the source: {stale[:20]}"


@pytest.mark.parametrize("lang", LANGS)
def test_every_entry_is_translated_and_not_fuzzy(lang):
    catalog = _catalog(lang)
    untranslated, fuzzy = [], []
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            fuzzy.append(message.id)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(s and s.strip() for s in strings):
            untranslated.append(message.id)
    assert not fuzzy, f"{lang}: fuzzy entries: {fuzzy[:20]}"
    assert not untranslated, f"{lang}: untranslated entries: {untranslated[:20]}"


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_are_kept(lang):
    import re

    catalog = _catalog(lang)
    pattern = re.compile(r"%\(\w+\)[sd]")
    wrong = []
    for message in catalog:
        if not message.id or isinstance(message.id, tuple):
            continue
        if sorted(pattern.findall(message.id)) != sorted(pattern.findall(message.string or "")):
            wrong.append(message.id)
    assert not wrong, f"{lang}: placeholders differ: {wrong[:10]}"


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_catalog_matches(lang):
    catalog = _catalog(lang)
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").open("rb") as fh:
        compiled = read_mo(fh)

    def key(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    expected = {key(m.id): key(m.string) for m in catalog if m.id and not m.fuzzy}
    actual = {key(m.id): key(m.string) for m in compiled if m.id}
    assert actual == expected, f"{lang}: messages.mo is stale: run flask translate compile"
