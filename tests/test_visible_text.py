"""Store text on a terminal: control characters are shown as escapes, never obeyed."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from sahel_timeline.model import Figure
from sahel_timeline.reports.labels import figure_phrase, status_mark
from sahel_timeline.visible import visible_text

BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@given(st.text())
def test_no_control_character_survives(text: str) -> None:
    shown = visible_text(text)
    assert not any(unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS for c in shown)


@given(st.text())
def test_newlines_survive_only_where_asked(text: str) -> None:
    shown = visible_text(text, keep_newlines=True)
    assert shown.count("\n") == text.count("\n")
    assert not any(
        (unicodedata.category(c) == "Cc" and c != "\n") or c in BIDI_CONTROLS for c in shown
    )


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Zs", "Zl", "Zp", "Cf"))))
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert visible_text(text) == text


def test_escapes_are_visible_and_say_which_character_it_was() -> None:
    assert visible_text("\x1b[31mred\x1b[0m") == "\\x1b[31mred\\x1b[0m"
    assert visible_text("a\u202eb") == "a\\u202eb"
    assert visible_text("bell\a") == "bell\\x07"


def test_a_one_line_field_folds_newlines_and_tabs_into_single_spaces() -> None:
    assert visible_text("Multi\nline\t\tplace  ") == "Multi line place"


def test_right_to_left_text_and_emoji_are_ordinary_text() -> None:
    assert visible_text("هجوم 🔥 \u200f") == "هجوم 🔥 \u200f".strip()


def test_figure_phrases_never_show_an_unknown_figure_as_zero() -> None:
    assert figure_phrase(Figure(18, 19), "killed") == "18-19 killed"
    assert figure_phrase(Figure(0, 0), "killed") == "0 killed"
    assert figure_phrase(None, "killed") == "killed: unknown"


def test_every_status_has_its_own_mark() -> None:
    marks = [status_mark(s) for s in ("claimed", "attributed", "suspected", "unknown")]
    assert len(set(marks)) == 4
