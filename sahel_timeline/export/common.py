"""Facts several export formats write the same way: the header lines, counts, sources."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sahel_timeline.export import ExportContext
from sahel_timeline.export.escaping import escape_html, safe_link_url
from sahel_timeline.model import Incident, Source
from sahel_timeline.reports.labels import source_title_label
from sahel_timeline.reports.stats import Bucket

NO_FILTER = "none (every entry of the store)"


def filters_text(context: ExportContext) -> str:
    """`since 2018-01-01; country: Mali`, or a plain statement that nothing was filtered."""
    return "; ".join(context.filter_lines) if context.filter_lines else NO_FILTER


def day_text(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else "not given"


def counts_text(incidents: Sequence[Incident]) -> str:
    """`5 entries: 4 incidents, 1 milestone; killed 34-37 in 3 incidents, 1 unknown`.

    Killed sums are the ones `stats` gives (lows and highs added separately, `N+` when a
    term is open-ended); incidents whose figure nobody reported are counted apart, never
    as 0.
    """
    milestones = sum(1 for incident in incidents if incident.is_milestone)
    attacks = [incident for incident in incidents if not incident.is_milestone]
    text = (
        f"{_plural(len(incidents), 'entry', 'entries')}: "
        f"{_plural(len(attacks), 'incident', 'incidents')}, "
        f"{_plural(milestones, 'milestone', 'milestones')}"
    )
    if attacks:
        total = Bucket("Total")
        for incident in attacks:
            total.add(incident)
        known = total.incidents - total.killed_unknown
        text += f"; killed {total.killed or 0} in {_plural(known, 'incident', 'incidents')}"
        if total.killed_unknown:
            text += f", {total.killed_unknown} with no reported figure"
    return text


def source_text(source: Source) -> str:
    """`Title. Author. Publisher, 2018-03`: a source without its address."""
    parts = [source_title_label(source)]
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
