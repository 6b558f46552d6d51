"""Store-derived strings as Rich Text: never markup, never raw control characters."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment
from rich.text import Text

from sahel_timeline.visible import visible_text


def user_text(value: str | None, style: str = "", *, keep_newlines: bool = False) -> Text:
    """`value` as Text: brackets and `:codes:` stay literal, control characters visible."""
    return Text(visible_text(value or "", keep_newlines=keep_newlines), style=style)


class Trimmed:
    """Any renderable, without the trailing spaces Rich pads lines with.

    Tables and trees pad every line to the full width; piped into a file or a diff, those
    spaces are noise. Styles and control segments are kept.
    """

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in console.render_lines(self.renderable, options, pad=False, new_lines=False):
            yield from trim_line(line)
            yield Segment.line()


def trim_line(line: list[Segment]) -> list[Segment]:
    """`line` without trailing white space."""
    segments = list(line)
    while segments and not segments[-1].control and not segments[-1].text.rstrip():
        segments.pop()
    if segments and not segments[-1].control:
        last = segments[-1]
        segments[-1] = Segment(last.text.rstrip(), last.style, last.control)
    return segments
