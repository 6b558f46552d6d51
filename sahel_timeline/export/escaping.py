"""Escaping for the export formats: pure functions, property-tested.

- Markdown (GitHub-flavoured): any text becomes inline text that renders as itself, inside a
  table cell or a paragraph: no HTML, no link, no emphasis, no list, no dropped cell.
- CSV: a text cell a spreadsheet would run as a formula gets a leading `'` (OWASP).
- HTML: every value through `html.escape(quote=True)`; links only for http(s) URLs.
"""

from __future__ import annotations

import html
import re

# Characters with an inline meaning in CommonMark or GFM (emphasis, code, links, HTML,
# entities, tables, strikethrough, autolinks): each gets a backslash, which CommonMark
# allows before any ASCII punctuation.
_MARKDOWN_INLINE = frozenset("\\`*_[]<>&|~!")
# Characters that open a block (list, heading, quote, thematic break, setext underline,
# fenced code) when they start a line; only the first character can start one, because
# line breaks never survive escaping.
_MARKDOWN_BLOCK_START = frozenset("-+=#>")
_ORDERED_LIST_START = re.compile(r"^(\d{1,9})([.)])")
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")

# http(s) only, and nothing that could end an attribute, a Markdown autolink or a line.
_LINKABLE_URL = re.compile(r"^https?://[^\s<>\"'`\x00-\x1f\x7f]+$", re.IGNORECASE)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")

# GitHub turns `:fire:` into an emoji and `@name` into a mention after the Markdown is
# parsed, so a backslash cannot stop them: an invisible WORD JOINER after the `:` or `@`
# breaks the pattern while the text reads (and searches) the same.
WORD_JOINER = "\u2060"
_EMOJI_SHORTCODE = re.compile(r":(?=[\w+-]+:)")
_MENTION = re.compile(r"(?<!\w)@(?=[A-Za-z0-9])")


def escape_markdown(text: str) -> str:
    """`text` as GFM inline text, safe in a table cell, a heading, a list item or a paragraph.

    Backslash-escapes the inline punctuation (`\\` first, then `|`, `<` and the rest),
    escapes what would start a block, turns each line break into `<br>` (the only HTML the
    result can hold) and trims white space at both ends: Markdown drops it anyway, and a
    `<br>` at the start of a line would open an HTML block. An emoji shortcode (`:fire:`)
    or a mention (`@name`) gets a WORD JOINER after its `:` or `@`, so GitHub shows it as
    written instead of an emoji or a notification.
    """
    lines = _LINE_BREAK.split(text.replace("\x00", "\ufffd").strip())
    escaped = "<br>".join(
        "".join("\\" + char if char in _MARKDOWN_INLINE else char for char in _unlinked(line))
        for line in lines
    )
    if escaped[:1] in _MARKDOWN_BLOCK_START:
        return "\\" + escaped
    return _ORDERED_LIST_START.sub(r"\1\\\2", escaped, count=1)


def _unlinked(line: str) -> str:
    return _MENTION.sub("@" + WORD_JOINER, _EMOJI_SHORTCODE.sub(":" + WORD_JOINER, line))


def neutralise_formula(text: str) -> str:
    """A CSV text cell a spreadsheet will show as text: `'` before `= + - @`, tab, CR or LF.

    Apply it to text cells only: numbers (a negative longitude) and ISO dates stay as they are.
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def escape_html(text: str) -> str:
    """Text for HTML content or a quoted attribute value."""
    return html.escape(text, quote=True)


def escape_html_lines(text: str) -> str:
    """Escaped text whose line breaks become `<br>`."""
    return "<br>".join(escape_html(line) for line in _LINE_BREAK.split(text))


def safe_link_url(url: str | None) -> str | None:
    """The URL when it is an http(s) address fit for an `href`, else None."""
    if url is None:
        return None
    stripped = url.strip()
    if not _LINKABLE_URL.match(stripped):
        return None
    return stripped
