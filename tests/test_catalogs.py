"""The French and Dutch catalogs are complete, not fuzzy, up to date with the
source strings, and compiled."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "participation" / "translations"
LANGS = ("fr", "nl")


SOURCE_SUFFIXES = {".py", ".html", ".txt", ".xml"}
GETTEXT_CALL = re.compile(r"\b(?:_|_l|gettext|ngettext|lazy_gettext|pgettext)\(")


@pytest.fixture(scope="module")
def extraction(tmp_path_factory) -> tuple[set, set[str]]:
    """Run the project's extraction; return the message ids and the files it read."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    from participation.cli import EXTRACT_ARGS

    result = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *EXTRACT_ARGS, "-o", str(pot), "."],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    visited = set(re.findall(r"^extracting messages from (\S+)", result.stderr, re.MULTILINE))
    with pot.open("rb") as fh:
        catalog = read_po(fh)
    ids = {m.id for m in catalog if m.id}
    assert len(ids) > 100, "extraction found suspiciously few strings"
    return ids, visited


@pytest.fixture(scope="module")
def source_ids(extraction) -> set:
    return extraction[0]


def _files(folder: str, suffixes: set[str]) -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and path.suffix in suffixes and "__pycache__" not in path.parts
    }


def test_extraction_reads_every_template_and_python_file(extraction):
    """Babel's default filter skipped folders starting with "_" (templates/_macros/),
    and feed.xml had no mapping: their strings never reached the catalogs."""
    _ids, visited = extraction
    expected = _files("templates", SOURCE_SUFFIXES) | _files("participation", {".py"})
    assert "templates/_macros/forms.html" in expected
    assert "templates/ideas/feed.xml" in expected
    missed = sorted(expected - visited)
    assert not missed, f"the extractor never reads: {missed}"


def test_every_file_with_translatable_strings_is_extracted(extraction):
    """Anywhere in the project (outside tests and migrations), a file that calls
    gettext is read by the extractor."""
    _ids, visited = extraction
    skip = {"tests", "migrations", "bench", "instance", "node_modules"}
    calling = set()
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if (
            not path.is_file()
            or path.suffix not in SOURCE_SUFFIXES
            or relative.parts[0] in skip
            or any(part.startswith(".") or part == "__pycache__" for part in relative.parts)
        ):
            continue
        if GETTEXT_CALL.search(path.read_text(encoding="utf-8", errors="replace")):
            calling.add(relative.as_posix())
    assert "templates/_macros/forms.html" in calling
    missed = sorted(calling - visited)
    assert not missed, f"files with translatable strings the extractor never reads: {missed}"


def test_form_error_strings_are_in_the_catalogs(source_ids):
    for message in ("Please correct the following:", "%(field)s: %(error)s"):
        assert message in source_ids
    french = {m.id: m.string for m in _catalog("fr") if m.id}
    # French puts a no-break space before the colon.
    assert french["%(field)s: %(error)s"] == "%(field)s\u00a0: %(error)s"
    assert french["Please correct the following:"].endswith("\u00a0:")


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


# --- Typography and words (issue 10; participation/translations/GLOSSARY.md) ------------

NBSP, NNBSP = "\u00a0", "\u202f"
# The space French puts before each sign: a no-break space before ":" and "»", a
# narrow no-break space before ";", "!" and "?"; and a no-break space after "«".
FRENCH_SPACE_BEFORE = {":": NBSP, "»": NBSP, ";": NNBSP, "!": NNBSP, "?": NNBSP}
BRANDS = ("Villo!",)
ENDS_A_PHRASE = ("", " ", "\n", NBSP, NNBSP, "<", '"', ")", ".", ",", "»")


def french_typography_errors(text: str) -> list[str]:
    """Each place in `text` where French typography is not kept, shown in context."""
    errors = []
    for brand in BRANDS:
        text = text.replace(brand, "Villo")
    for i, sign in enumerate(text):
        around = text[max(0, i - 15) : i + 15]
        if sign == "«":
            if text[i + 1 : i + 2] != NBSP:
                errors.append(around)
            continue
        wanted = FRENCH_SPACE_BEFORE.get(sign)
        if wanted is None or i == 0:
            continue
        before, after = text[i - 1], text[i + 1 : i + 2]
        if before == wanted:
            continue
        if before.isspace() or before in (NBSP, NNBSP):
            errors.append(around)  # an ordinary (or the wrong) space
        elif after in ENDS_A_PHRASE and text[i + 1 : i + 3] != "//":
            # No space at all before a sign that ends a phrase; a URL ("https://",
            # "?page=2") or an HTML entity ("&amp;") is followed by more text.
            if not re.search(r"&#?\w+$", text[:i]):
                errors.append(around)
    return errors


def _msgstrs(lang: str):
    for message in _catalog(lang):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for msgid, string in zip(ids * len(strings), strings, strict=False):
            yield msgid, string or ""


def test_french_typography_checker_catches_what_it_should():
    assert french_typography_errors("Statut : accepté")  # ordinary space
    assert french_typography_errors("Statut: accepté")  # no space
    assert french_typography_errors("Vraiment\u00a0?")  # the wide space before "?"
    assert french_typography_errors("« titre »")
    assert french_typography_errors("Merci !")
    assert french_typography_errors("«\u00a0Vraiment?\u00a0»")
    assert not french_typography_errors("Statut\u00a0: «\u00a0%(title)s\u00a0»\u202f; ok\u202f!")
    assert not french_typography_errors("[a](https://x.be) /ideas/?page=2 &amp; Villo! ici")


def test_french_catalog_keeps_french_typography():
    """A no-break space before ":" and "»" and after "«", a narrow no-break space
    before ";", "!" and "?", in every French msgstr (issue 10: "Nouveau statut" and
    ": Acceptée" must not end up on separate lines)."""
    wrong = [
        (msgid, error)
        for msgid, string in _msgstrs("fr")
        for error in french_typography_errors(string)
    ]
    assert not wrong, f"fr: {len(wrong)} signs without their no-break space: {wrong[:10]}"


# Variants the glossary replaced: one term per concept in each language.
BANNED = {
    "fr": [
        r"Soutiens clôturés",
        r"\brefusées?\b",  # an idea is "rejetée" (the moderation verb is "rejeter")
        r"^Responsable$",
        r"^Principal$",
        r"^Tout le monde$",
        r"\bRôle de\b",
        r"\b(?:de|que|le|la) %\((?:name|place|email)\)s",  # "de Oumar", "de Anderlecht"
        r"\bsmart city\b(?!\u00a0»)",
    ],
    "nl": [
        r"gelijkaardig",
        r"\bMelden\b|(?<![Aa]an te )\bmelden\b|\b[Gg]emeld",  # report: rapporteren
        r"\bdubbel\b",
        r"\b(?:voor|uw|mijn|geen|veel|de|totale|nieuwe)\s+steun\b",
        r"^Steun(?: in| afgesloten|$)",
        r"\bpubliek(?:e)?\b",
        r"\bVoormalige deelnemer|\bvoormalige deelnemer",
        r"Kies een nieuw:",
        r"smart city",
        r"\b(?:je|jij|jou|jouw|jullie)\b",
        r"^Antwoorden$",
    ],
}


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_keeps_to_the_glossary(lang):
    patterns = [re.compile(p) for p in BANNED[lang]]
    wrong = [
        (msgid, string)
        for msgid, string in _msgstrs(lang)
        for pattern in patterns
        if pattern.search(string)
    ]
    assert not wrong, f"{lang}: words the glossary replaced: {wrong[:10]}"


def test_glossary_lists_the_terms_the_catalogs_use():
    glossary = (TRANSLATIONS / "GLOSSARY.md").read_text(encoding="utf-8")
    french = {m.id: m.string for m in _catalog("fr") if m.id}
    dutch = {m.id: m.string for m in _catalog("nl") if m.id}
    for msgid in ("Report", "Duplicate", "Official response", "Official", "Hide", "Reject"):
        assert french[msgid].lower() in glossary.lower(), (msgid, french[msgid])
        assert dutch[msgid].lower() in glossary.lower(), (msgid, dutch[msgid])
