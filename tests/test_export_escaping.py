"""Property tests of the export escaping: whatever the text, the output reads back as the text."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from sahel_timeline.export.escaping import (
    WORD_JOINER,
    escape_html,
    escape_html_lines,
    escape_markdown,
    neutralise_formula,
    safe_link_url,
)

# OWASP's CSV Injection page (owasp.org/www-community/attacks/CSV_Injection): cells must not
# begin with these. Written out here, not imported, so that a character dropped from the
# product's list fails the tests below. Line feed was added to OWASP's list in August 2025.
OWASP_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")

MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])
LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# Text with a bias towards what Markdown, spreadsheets and browsers treat specially.
SPECIAL = st.sampled_from(
    [
        *"\\|<>&*_`[]()!~#-+=@:.1) \t\n\r",
        *("<script>", "=HYPERLINK(", "@SUM(1)", "-2+3", "[/]", ":fire:", "&amp;", "1.", "***"),
        *("\u202eabc", "🔥", "x" * 50, "http://a.b/?q=1|2", "www.example.com", "<br>"),
    ]
)
TEXTS = st.lists(st.one_of(SPECIAL, st.text(max_size=5)), max_size=12).map("".join)


def _expected_markdown_text(text: str) -> str:
    lines = LINE_BREAK.split(text.replace("\x00", "\ufffd").strip())
    return "\n".join(lines).replace(WORD_JOINER, "")


def _inline_text(tokens: list) -> str:
    """The text of inline tokens, with `<br>` as a line break; fails on any other markup."""
    out = []
    for token in tokens:
        if token.type == "text":
            out.append(token.content)
        elif token.type == "html_inline":
            assert token.content == "<br>", f"unexpected HTML {token.content!r}"
            out.append("\n")
        else:
            raise AssertionError(f"unexpected markup {token.type}")
    # The invisible joiners that keep `:fire:` and `@name` from becoming an emoji or a
    # mention are not part of the text a reader sees.
    return "".join(out).replace(WORD_JOINER, "")


@settings(max_examples=400)
@given(TEXTS)
@example("1. item")
@example("    indented code")
@example("---")
@example("a\n===")
@example("\\|")
def test_escaped_markdown_is_one_paragraph_of_the_original_text(text: str) -> None:
    escaped = escape_markdown(text)
    expected = _expected_markdown_text(text)
    tokens = MARKDOWN.parse(escaped)
    if not expected:
        assert tokens == []
        return
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert _inline_text(tokens[1].children) == expected


@settings(max_examples=400)
@given(st.lists(TEXTS, min_size=1, max_size=4))
def test_escaped_markdown_cells_keep_every_column(cells: list[str]) -> None:
    header = "| " + " | ".join(f"h{i}" for i in range(len(cells))) + " |"
    rule = "|" + "---|" * len(cells)
    row = "| " + " | ".join(escape_markdown(cell) for cell in cells) + " |"
    tokens = MARKDOWN.parse("\n".join([header, rule, row]) + "\n")
    body = tokens[[t.type for t in tokens].index("tbody_open") :]
    contents = [_inline_text(t.children) for t in body if t.type == "inline"]
    assert contents == [_expected_markdown_text(cell).strip() for cell in cells]


@pytest.mark.parametrize("prefix", OWASP_FORMULA_PREFIXES, ids=repr)
def test_each_owasp_formula_prefix_gets_a_leading_quote(prefix: str) -> None:
    assert neutralise_formula(prefix + "HYPERLINK(1)") == "'" + prefix + "HYPERLINK(1)"
    assert neutralise_formula(prefix) == "'" + prefix


# What GitHub turns into an emoji or a notification in the text of a rendered document.
GITHUB_EMOJI = re.compile(r":[\w+-]+:")
GITHUB_MENTION = re.compile(r"(?<!\w)@[A-Za-z0-9]")


@settings(max_examples=300)
@given(TEXTS)
@example(":fire: for @jnim and @org/team :+1:")
@example("**@name** and _:fire:_")
def test_escaped_markdown_shows_no_emoji_or_mention_on_github(text: str) -> None:
    tokens = MARKDOWN.parse(escape_markdown(text))
    # What GitHub shows, run by run: a line break (`<br>`) ends a shortcode or a mention.
    shown = "".join(
        child.content if child.type == "text" else "\n"
        for t in tokens
        for child in t.children or []
    )
    assert not GITHUB_EMOJI.search(shown), shown
    assert not GITHUB_MENTION.search(shown), shown


def test_shortcodes_and_mentions_read_as_written() -> None:
    tokens = MARKDOWN.parse(escape_markdown(":fire: @jnim"))
    assert _inline_text(tokens[1].children) == ":fire: @jnim"


@given(st.text())
@example("\tcmd")
@example("\r=1")
def test_neutralised_cell_never_starts_like_a_formula_and_keeps_the_text(text: str) -> None:
    cell = neutralise_formula(text)
    assert not cell.startswith(OWASP_FORMULA_PREFIXES)
    assert cell in (text, "'" + text)
    assert (cell != text) == text.startswith(OWASP_FORMULA_PREFIXES)


@given(st.lists(TEXTS, min_size=1, max_size=5))
def test_neutralised_cells_survive_a_csv_round_trip(cells: list[str]) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerow([neutralise_formula(c) for c in cells])
    (row,) = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert row == [neutralise_formula(c) for c in cells]


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@given(TEXTS)
def test_escaped_html_is_text_in_content_and_attributes(text: str) -> None:
    parser = _TextCollector()
    parser.feed(f'<p title="{escape_html(text)}">{escape_html(text)}</p>')
    parser.close()
    assert parser.tags == ["p"]
    assert parser.attributes == [("title", text)]
    assert "".join(parser.text) == text


@given(TEXTS)
def test_html_lines_hold_no_tag_but_br(text: str) -> None:
    parser = _TextCollector()
    parser.feed(f"<p>{escape_html_lines(text)}</p>")
    parser.close()
    assert set(parser.tags) <= {"p", "br"}


@given(TEXTS)
def test_only_http_urls_become_links(text: str) -> None:
    url = safe_link_url(text)
    if url is not None:
        assert re.match(r"^https?://", url, re.IGNORECASE)
        assert not set(url) & set("<>\"' \t\r\n")
    assert safe_link_url("javascript:alert(1)") is None
    assert safe_link_url("https://example.org/a?b=1|2") == "https://example.org/a?b=1|2"
