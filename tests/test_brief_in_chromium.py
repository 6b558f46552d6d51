"""The curated store's HTML brief in a real browser: what a person sees on a desktop screen
and on a phone, how many pages it prints on, and that it asks nothing of the network.

Needs Chromium from the system's packages (Debian: `apt-get install chromium`); skipped
with that reason where there is none. One browser serves the whole module; each page
loads in well under a second.
"""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from headless_chromium import Chromium, curated_brief, find_chromium, pdf_page_count, pdf_text

from sahel_timeline.engine.database import sort_incidents
from sahel_timeline.export import ExportContext, export
from sahel_timeline.store.load import load_store

pytestmark = pytest.mark.skipif(
    find_chromium() is None,
    reason="Chromium is not installed (Debian: apt-get install chromium); "
    "the brief is not checked in a real browser",
)

DESKTOP = (1280, 800)
PHONE = (390, 844)
MAX_PRINTED_PAGES = 6
OVERVIEW_PAGES = 2


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    with Chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def brief(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return curated_brief(tmp_path_factory.mktemp("brief") / "brief.html")


@pytest.fixture(scope="module")
def desktop(browser: Chromium, brief: Path) -> dict:
    return browser.render(brief, *DESKTOP, pdf=True)


@pytest.fixture(scope="module")
def phone(browser: Chromium, brief: Path) -> dict:
    return browser.render(brief, *PHONE)


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_the_overview_and_the_map_are_on_the_first_desktop_screen(desktop: dict) -> None:
    screen = desktop["viewport"]["height"]
    assert desktop["viewport"]["width"] == DESKTOP[0]
    for part in ("h1", ".figures", "#attribution", "#map svg"):
        box = desktop["boxes"][part]
        assert box is not None, part
        assert box["bottom"] <= screen, f"{part} ends at {box['bottom']:.0f}px, below {screen}"
    # the map and the deadliest incidents share the screen, side by side
    assert desktop["boxes"]["#deadliest"]["left"] > desktop["boxes"]["#map svg"]["right"]
    assert _png_size(desktop["screenshot"]) == DESKTOP


def test_a_phone_gets_the_overview_and_map_on_its_first_screen_using_its_width(
    phone: dict,
) -> None:
    width, screen = PHONE
    assert phone["viewport"]["width"] == width
    assert phone["page"]["width"] <= width, "the page scrolls sideways on a phone"
    figures, brief_map = phone["boxes"][".figures"], phone["boxes"]["#map svg"]
    assert figures["bottom"] <= screen
    assert brief_map["bottom"] <= screen
    # no gutter: the map spans the screen but for a small margin on each side
    assert brief_map["left"] <= 16 and brief_map["right"] >= width - 16


def test_the_brief_prints_on_a_few_a4_pages_with_the_overview_and_map_first(
    desktop: dict,
) -> None:
    pages = pdf_page_count(desktop["pdf"])
    assert 1 <= pages <= MAX_PRINTED_PAGES
    first_pages = pdf_text(desktop["pdf"], 1, OVERVIEW_PAGES)
    if first_pages is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: page contents not checked")
    for words in ("incidents", "Deadliest incidents", "size: killed", "Tempo"):
        assert words in first_pages, words


def test_the_page_requests_nothing_but_itself(desktop: dict, phone: dict, brief: Path) -> None:
    for render in (desktop, phone):
        assert render["requests"] == [brief.as_uri()]


def test_long_words_and_hostile_text_never_widen_the_phone_page(
    browser: Chromium, tmp_path: Path
) -> None:
    # The command line refuses this store (its control characters are validation errors):
    # the exporter must still keep such text in its place.
    hostile_store = Path(__file__).resolve().parent / "data" / "export" / "hostile.yaml"
    hostile = load_store([hostile_store], dt.date(2020, 1, 1))
    page = tmp_path / "hostile.html"
    text = export("html", sort_incidents(hostile.incidents), hostile.registry, ExportContext())
    page.write_text(text, encoding="utf-8")
    render = browser.render(page, *PHONE)
    assert render["page"]["width"] <= PHONE[0]
    assert render["requests"] == [page.as_uri()]
