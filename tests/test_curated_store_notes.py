"""The curated store says nothing its research notes do not: every source title is one the
notes give or is marked unchecked, and every number in an entry's title, summary or notes
(and in a group's notes) appears in the notes' section for that entry.

The research notes live beside the repository, at ../shared/reference/incident-facts.md
(CI has them there too); without them these tests are skipped, saying why.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from sahel_timeline.model import Group, Incident
from sahel_timeline.store.load import Store, load_store

REPOSITORY = Path(__file__).resolve().parent.parent
CURATED = REPOSITORY / "incidents.yaml"
NOTES = REPOSITORY.parent / "shared" / "reference" / "incident-facts.md"
TODAY = dt.date(2026, 11, 21)

# Where in the notes each entry comes from: a numbered section ("5"), a row of the context
# milestones table (its first cell, "milestone: ..."), an item of the discrepancies and
# cautions ("caution 6"). Every entry also draws on the table of seed documents, which
# describes the seed analyses the entries cite. A new entry needs its line here.
ENTRY_SECTIONS: dict[str, tuple[str, ...]] = {
    "2012-03-21-mali-coup": ("milestone: Mali coup d'état",),
    "2013-01-11-operation-serval": ("milestone: Operation Serval start",),
    "2013-04-25-minusma-resolution-2100": ("milestone: MINUSMA established",),
    "2013-07-01-minusma-takes-over-from-afisma": ("milestone: MINUSMA established",),
    "2014-08-01-operation-barkhane": ("milestone: Operation Barkhane launch",),
    "2015-05-13-isgs-pledge-to-islamic-state": (
        "milestone: ISGS founding (pledge to IS)",
        "milestone: IS recognition of the ISGS pledge",
    ),
    "2015-05-15-algiers-accord": ("milestone: Algiers Accord",),
    "2015-06-20-algiers-accord-second-signature": ("milestone: Algiers Accord",),
    "2016-10-30-islamic-state-recognises-isgs": ("milestone: IS recognition of the ISGS pledge",),
    "2017-03-02-jnim-formed": ("milestone: JNIM formation announced",),
    "2017-07-02-g5-sahel-joint-force-launch": ("milestone: G5 Sahel Joint Force launch",),
    "2017-08-13-ouagadougou-aziz-istanbul": ("1", "caution 1", "caution 2"),
    "2017-08-14-timbuktu-minusma-camp": ("2", "caution 3"),
    "2017-08-14-douentza-minusma-camp": ("3", "caution 4"),
    "2017-10-04-tongo-tongo-ambush": ("4", "caution 5"),
    "2017-10-soumpi-army-camp": ("10", "caution 11"),
    "2018-01-27-soumpi-army-camp": ("10", "caution 11"),
    "2018-03-02-ouagadougou-embassy-army-hq": ("5", "caution 6"),
    "2018-04-14-timbuktu-airport-super-camp": ("6", "caution 7"),
    "2018-06-29-sevare-g5-sahel-hq": ("7", "caution 8"),
    "2018-07-01-gao-barkhane-patrol": ("8", "caution 9"),
    "2018-07-23-sevare-airport-shelling": ("9", "caution 10"),
    "2018-07-23-guire-campaign-convoy": ("11", "caution 12"),
    "2018-07-29-mali-presidential-election": ("milestone: Mali presidential election",),
    # Groups: the rows and sections that name them.
    "aqim": ("milestone: JNIM formation announced",),
    "jnim": ("milestone: JNIM formation announced",),
    "ansar-dine": ("milestone: JNIM formation announced",),
    "katiba-macina": ("milestone: JNIM formation announced", "11"),
    "al-mourabitoun": (
        "milestone: JNIM formation announced",
        "milestone: ISGS founding (pledge to IS)",
    ),
    "isgs": (
        "milestone: ISGS founding (pledge to IS)",
        "milestone: IS recognition of the ISGS pledge",
    ),
    "unidentified-jihadists": ("9",),
}
SEEDS_SECTION = "The seed documents as sources"

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12,
}  # fmt: skip
NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)


def _normal(text: str) -> str:
    """Case, accents' composition, curly quotes and runs of white space do not count."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    return " ".join(text.replace("\u201d", '"').split())


def numbers_in(text: str) -> set[str]:
    """Every number of `text` in one spelling: `11,200` -> 11200, `05` -> 5, `15.30` ->
    15.3, `Fourteen` -> 14."""
    found = set()
    for match in NUMBER.finditer(text):
        token = match.group()
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+", token):  # a thousands separator
            token = token.replace(",", "")
        for part in token.split(","):
            if part.count(".") == 1:
                found.add(str(Decimal(part).normalize()))
            else:  # a whole number, or dotted numbers such as an address (5.180.24.3)
                found.update(str(int(piece)) for piece in part.split("."))
    found.update(str(NUMBER_WORDS[word.lower()]) for word in NUMBER_WORD.findall(text))
    return found


def _sections(notes: str) -> dict[str, str]:
    """The notes by section: numbered sections, milestone rows, cautions, seed table."""
    sections: dict[str, str] = {}
    for block in re.split(r"^## ", notes, flags=re.MULTILINE)[1:]:
        heading, _, body = block.partition("\n")
        numbered = re.match(r"(\d+)\. ", heading)
        if numbered:
            sections[numbered.group(1)] = block
        elif heading.startswith("Context milestones"):
            for row in body.splitlines():
                cells = [cell.strip() for cell in row.strip("|").split("|")]
                if len(cells) > 1 and not set(cells[0]) <= {"-"} and cells[0] != "Milestone":
                    sections[f"milestone: {cells[0]}"] = row
        elif heading.startswith("Discrepancies and cautions"):
            for item in re.split(r"^(?=\d+\. )", body, flags=re.MULTILINE):
                number = re.match(r"(\d+)\. ", item)
                if number:
                    sections[f"caution {number.group(1)}"] = item
        else:
            sections[heading.strip()] = block
    return sections


def _given_titles(notes: str) -> set[str]:
    """Titles the notes give: the seed documents' table, and articles they name in quotes
    (`copy of en.wikipedia "2017 Ouagadougou attack"`)."""
    titles = {_normal(name) for name in re.findall(r'wikipedia "([^"]+)"', notes, re.I)}
    seeds = _sections(notes)[SEEDS_SECTION]
    for row in seeds.splitlines():
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith("`"):
            titles.add(_normal(cells[1]))
    return titles


@pytest.fixture(scope="module")
def notes() -> str:
    if not NOTES.is_file():
        pytest.skip(
            f"the research notes are not beside the repository ({NOTES.name} expected "
            "in ../shared/reference/): nothing to compare the curated store with"
        )
    return NOTES.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def curated() -> Store:
    return load_store([CURATED], TODAY)


def _entries(store: Store) -> list[Incident | Group]:
    return [*store.registry, *store.incidents]


def _texts(entry: Incident | Group) -> list[str]:
    if isinstance(entry, Group):
        return [entry.notes or ""]
    return [entry.title, entry.summary or "", entry.notes or ""]


def test_every_entry_has_its_sections_in_the_notes(notes: str, curated: Store) -> None:
    sections = _sections(notes)
    for entry in _entries(curated):
        if isinstance(entry, Group) and not entry.notes:
            continue  # a group without notes says nothing to trace
        assert entry.id in ENTRY_SECTIONS, f"{entry.id}: say which sections of the notes it uses"
        for key in ENTRY_SECTIONS[entry.id]:
            assert any(name.startswith(key) for name in sections), f"{entry.id}: no {key!r}"


def unsupported_numbers(entry: Incident | Group, sections: dict[str, str]) -> list[str]:
    """The numbers of the entry's texts that its sections of the notes do not have."""
    keys = ENTRY_SECTIONS.get(entry.id, ())
    source_text = sections[SEEDS_SECTION] + "".join(
        text for name, text in sections.items() if any(name.startswith(k) for k in keys)
    )
    found = set().union(*(numbers_in(text) for text in _texts(entry)))
    return sorted(found - numbers_in(source_text), key=Decimal)


def guessed_titles(store: Store, notes: str) -> list[tuple[str, str]]:
    """(entry id, title) of each source title that the notes do not give and is not marked."""
    given = _given_titles(notes)
    return [
        (incident.id, source.title)
        for incident in store.incidents
        for source in incident.sources
        if source.title_checked and _normal(source.title) not in given
    ]


def test_every_number_of_an_entry_appears_in_its_section_of_the_notes(
    notes: str, curated: Store
) -> None:
    sections = _sections(notes)
    missing = {e.id: n for e in _entries(curated) if (n := unsupported_numbers(e, sections))}
    assert missing == {}


def test_every_source_title_is_given_by_the_notes_or_marked_unchecked(
    notes: str, curated: Store
) -> None:
    assert guessed_titles(curated, notes) == []


def test_an_invented_number_or_title_is_caught(notes: str) -> None:
    curated = load_store([CURATED], TODAY)  # its own copy: the entry is edited below
    sections = _sections(notes)
    timbuktu = next(
        i for i in curated.incidents if i.id == "2018-04-14-timbuktu-airport-super-camp"
    )
    timbuktu.notes = (timbuktu.notes or "") + " A later toll gave 37 attackers killed."
    assert unsupported_numbers(timbuktu, sections) == ["37"]
    source = timbuktu.sources[0]
    timbuktu.sources = (replace(source, title_checked=True), *timbuktu.sources[1:])
    assert guessed_titles(curated, notes) == [(timbuktu.id, source.title)]


def test_the_number_reader_finds_what_a_reader_would() -> None:
    assert numbers_in("11,200 troops; 05:30; 15.30, -7.4667; Fourteen killed; 1-2 km") == {
        "11200", "5", "30", "15.3", "7.4667", "14", "1", "2",
    }  # fmt: skip
    assert numbers_in("4,000 and 5,250; 13-14 May") == {"4000", "5250", "13", "14"}
