"""Facts several export formats write the same way: the header lines, counts, sources."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sahel_timeline.export import ExportContext
from sahel_timeline.export.escaping import escape_html, safe_link_url
from sahel_timeline.model import Incident, Source

NO_FILTER = "none (every entry of the store)"


def filters_text(context: ExportContext) -> str:
    """`since 2018-01-01; country: Mali`, or a plain statement that nothing was filtered."""
    return "; ".join(context.filter_lines) if context.filter_lines else NO_FILTER


def day_text(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else "not given"


def counts_text(incidents: Sequence[Incident]) -> str:
    """`5 entries: 4 incidents, 1 milestone; killed 34-37 in 3 incidents, 1 unknown`.

    Killed sums add the lows and the highs separately; incidents whose figure nobody
    reported are counted apart, never as 0.
    """
    milestones = sum(1 for incident in incidents if incident.is_milestone)
    attacks = [incident for incident in incidents if not incident.is_milestone]
    text = (
        f"{_plural(len(incidents), 'entry', 'entries')}: "
        f"{_plural(len(attacks), 'incident', 'incidents')}, "
        f"{_plural(milestones, 'milestone', 'milestones')}"
    )
    known = [incident.killed for incident in attacks if incident.killed is not None]
    unknown = len(attacks) - len(known)
    if attacks:
        low = sum(figure.low for figure in known)
        high = sum(figure.high for figure in known)
        total = str(low) if low == high else f"{low}-{high}"
        text += f"; killed {total} in {_plural(len(known), 'incident', 'incidents')}"
        if unknown:
            text += f", {unknown} with no reported figure"
    return text


def source_text(source: Source) -> str:
    """`Title. Author. Publisher, 2018-03`: a source without its address."""
    parts = [source.title]
    if source.author:
        parts.append(source.author)
    where = ", ".join(p for p in (source.publisher, str(source.published or "")) if p)
    if where:
        parts.append(where)
    return ". ".join(part.rstrip(".") for part in parts)


def source_item_html(source: Source, *, new_tab: bool = False) -> str:
    """A source as an HTML list item: its escaped text, a link where it has a safe address."""
    label = escape_html(source_text(source))
    url = safe_link_url(source.url)
    if url is not None:
        target = ' target="_blank"' if new_tab else ""
        label = f'<a href="{escape_html(url)}"{target} rel="noopener noreferrer">{label}</a>'
    return f"<li>{label}</li>"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"
