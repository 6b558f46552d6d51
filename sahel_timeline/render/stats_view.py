"""Stats as a table with a horizontal bar per bucket, scaled to the width the terminal has.

The bar shows the killed range: `█` up to the summed low figure, `░` on to the high one,
so a wide spread between sources is visible at a glance, and reads in plain text too.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from sahel_timeline.model import Figure
from sahel_timeline.render.tempo_line import tempo_line
from sahel_timeline.render.user_text import Trimmed, user_text
from sahel_timeline.reports.labels import UNKNOWN
from sahel_timeline.reports.stats import Bucket, Stats

LOW_BLOCK = "█"
HIGH_BLOCK = "░"
BAR_STYLE = "red"
MIN_BAR_WIDTH = 4
EMPTY_CELLS = ("0", "0", "-", "0", "-")  # incidents, killed, ?, wounded, ?

HEADINGS = {
    "week": "ISO week",
    "month": "Month",
    "quarter": "Quarter",
    "year": "Year",
    "country": "Country",
    "group": "Group",
    "tactic": "Tactic",
}


def render_stats(
    stats: Stats, filters: Sequence[str], console: Console, dates_read: Sequence[str] = ()
) -> None:
    """Print the buckets of `stats`, the total and a note on what was counted."""
    largest = max((bucket.killed_high for bucket in stats.buckets), default=0)
    table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False, expand=True)
    table.add_column(HEADINGS.get(stats.by, stats.by.title()), overflow="fold", ratio=None)
    table.add_column("Incidents", justify="right", no_wrap=True)
    table.add_column("Killed", justify="right", no_wrap=True)
    table.add_column("?", justify="right", no_wrap=True)
    table.add_column("Wounded", justify="right", no_wrap=True)
    table.add_column("?", justify="right", no_wrap=True)
    table.add_column("Killed, low to high", ratio=1, min_width=MIN_BAR_WIDTH, no_wrap=True)
    for bucket in stats.buckets:
        table.add_row(*_cells(bucket), KilledBar(bucket, largest))
    if stats.buckets:
        table.add_section()
        table.add_row(*_cells(stats.total, style="bold"), Text(""))
    if stats.buckets:
        console.print(Trimmed(table))
    else:
        console.print(Text("No incidents match.", style="bold"))
    if stats.monthly is not None and stats.monthly.buckets:
        console.print()
        console.print(tempo_line(stats.monthly, console.width))
    console.print()
    console.print(Trimmed(_notes(stats, filters, dates_read)))


class KilledBar:
    """`█████░░`: the summed low figure solid, the range up to the high figure shaded."""

    def __init__(self, bucket: Bucket, largest: int) -> None:
        self.bucket = bucket
        self.largest = largest

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(MIN_BAR_WIDTH, options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        low = _scaled(self.bucket.killed_low, self.largest, width)
        high = max(_scaled(self.bucket.killed_high, self.largest, width), low)
        if self.bucket.killed_high > 0 and high == 0:
            high = 1  # a toll that is not zero never draws as nothing
        yield Segment(LOW_BLOCK * low, console.get_style(BAR_STYLE))
        yield Segment(HIGH_BLOCK * (high - low), console.get_style(BAR_STYLE))


def _cells(bucket: Bucket, style: str = "") -> list[Text]:
    if not bucket.incidents:  # an empty period: a lull, nothing unknown about it
        style = "dim"
        return [user_text(bucket.label, style), *(Text(value, style) for value in EMPTY_CELLS)]
    return [
        user_text(bucket.label, style),
        Text(str(bucket.incidents), style=style),
        _figure(bucket.killed, style),
        _unknown_count(bucket.killed_unknown),
        _figure(bucket.wounded, style),
        _unknown_count(bucket.wounded_unknown),
    ]


def _figure(figure: Figure | None, style: str) -> Text:
    if figure is None:
        return Text(UNKNOWN, style="dim")
    return Text(str(figure), style=style)


def _unknown_count(count: int) -> Text:
    return Text(str(count) if count else "-", style="" if count else "dim")


def _scaled(value: int, largest: int, width: int) -> int:
    if largest <= 0:
        return 0
    return round(value * width / largest)


def _notes(stats: Stats, filters: Sequence[str], dates_read: Sequence[str]) -> Text:
    text = Text(style="dim")
    text.append(
        "Killed and wounded add the low and the high figures of each incident separately; "
        '"?" counts the incidents whose figure is unknown (left out of the sums, never 0).'
    )
    if stats.total.killed_open_ended or stats.total.wounded_open_ended:
        text.append('\n"N+" is a lower bound: it adds a figure the sources give as "at least N".')
    if stats.by in ("group", "tactic"):
        text.append(
            f"\nAn incident with several {stats.by}s counts under each; the total counts it once."
        )
    if stats.milestones_left_out:
        count = stats.milestones_left_out
        text.append(f"\n{count} milestone{'' if count == 1 else 's'} left out (context only).")
    text.append("\nFilters: ")
    if filters:
        text.append_text(user_text("; ".join(filters), "dim"))
    else:
        text.append("none")
    if dates_read:
        text.append("\nDates: ")
        text.append_text(user_text("; ".join(dates_read), "dim"))
    return text
