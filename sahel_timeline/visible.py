"""Which characters may drive a terminal or reorder text, and how they are shown instead.

One place for the facts that validation (`control-character`, `bidi-control` and
`bidi-mark` findings) and every display of store text or file names rely on. Plain strings
in and out: no Rich, no terminal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Bidirectional embeddings, overrides and isolates reorder the text that follows them (the
# "Trojan source" trick): they are shown, never obeyed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# The marks LRM, RLM and ALM are invisible but reorder nothing beyond their neighbours;
# right-to-left text may need them, so they are kept on screen (validation warns).
BIDI_MARKS = frozenset("\u200e\u200f\u061c")
_WHITE_SPACE = re.compile(r"\s+")
_LINE_END = re.compile(r"(\r\n|\n)")


def is_control(char: str) -> bool:
    """C0 and C1 control characters and DEL (tab and line feed included)."""
    return unicodedata.category(char) == "Cc"


def escaped(char: str) -> str:
    """`\\x1b`, `\\u202e`: how a character that must not reach a terminal is shown."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _must_escape(char: str) -> bool:
    return char in BIDI_CONTROLS or is_control(char)


def visible_text(text: str, *, keep_newlines: bool = False) -> str:
    """`text` safe for a terminal: control characters become visible escapes.

    C0 and C1 control characters (ESC, BEL, CR...), DEL and bidirectional overrides are
    written as `\\x1b`, `\\u202e`... so that store text can never colour, move or reorder
    the terminal. Tabs become spaces. With `keep_newlines` (notes, summaries) line breaks
    stay; otherwise every run of white space becomes one space, so a title stays one line.
    """
    if not keep_newlines:
        text = _WHITE_SPACE.sub(" ", text).strip()
    if text.isascii() and text.isprintable():
        return text  # the common case, without looking at each character
    out: list[str] = []
    for char in text:
        if char == "\n" and keep_newlines:
            out.append(char)
        elif char == "\t":
            out.append(" ")
        elif _must_escape(char):
            out.append(escaped(char))
        else:
            out.append(char)
    return "".join(out)


def visible_line(text: str) -> str:
    """A file name, or a message line holding one, on one line with every control shown:
    `a\\x0a::error.yaml` cannot start a line of its own, `\\x1b[2J` cannot clear a screen.
    Unlike `visible_text`, nothing is collapsed: a newline reads `\\x0a`, not a space."""
    return "".join(escaped(char) if _must_escape(char) else char for char in text)


def visible_document(text: str) -> str:
    """A whole document (an export, a diff) fit for a terminal: its lines and line ends
    (LF or CRLF) as they are, every other control character shown as an escape."""
    return "".join(
        part if _LINE_END.fullmatch(part) else visible_text(part, keep_newlines=True)
        for part in _LINE_END.split(text)
    )


def character_class(chars: Iterable[str]) -> str:
    """`\\u0000-\\u0008\\u000b...`: the body of a regular-expression class that Python and
    JSON Schema (ECMA-262) read alike."""
    runs: list[list[int]] = []
    for code in sorted(ord(char) for char in chars):
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(
        f"\\u{low:04x}" + (f"-\\u{high:04x}" if high > low else "") for low, high in runs
    )


# Every C0 and C1 control character and DEL (what `is_control` says of one character).
CONTROLS = frozenset(chr(code) for code in range(0xA0) if is_control(chr(code)))
_CRLF_OR_CR = re.compile(r"\r\n?")
_UNFIT = re.compile(f"[{character_class(CONTROLS | BIDI_CONTROLS)}]")
_UNFIT_BUT_TAB_AND_LF = re.compile(
    f"[{character_class((CONTROLS - set(chr(9) + chr(10))) | BIDI_CONTROLS)}]"
)


def without_controls(text: str, *, multiline: bool) -> str:
    """`text` fit to be store text: CRLF and CR become LF, every other control character
    and bidirectional override a space; without `multiline`, tabs and line breaks too."""
    if multiline:
        return _UNFIT_BUT_TAB_AND_LF.sub(" ", _CRLF_OR_CR.sub("\n", text))
    return _UNFIT.sub(" ", text)
