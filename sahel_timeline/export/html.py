"""One self-contained HTML page: a vertical timeline a briefer can open offline or print.

No script, no external font, style or image: the CSS is inline. Entries hang on a year axis;
an incident's marker shows how certain its attribution is (fill) and how many were killed
(size); a milestone is a diamond, or a band when it spans time. Every value goes through
`html.escape(quote=True)`; only http(s) sources become links.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from sahel_timeline.export import ExportContext
from sahel_timeline.export.common import (
    counts_text,
    day_text,
    filters_text,
    source_item_html,
)
from sahel_timeline.export.escaping import escape_html, escape_html_lines
from sahel_timeline.labels import date_label, figure_label, perpetrators_label, place_label
from sahel_timeline.model import Incident
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.vocab import STATUSES, UNKNOWN_STATUS

# From the most to the least certain: an incident shows its most certain attribution.
STATUS_ORDER = STATUSES
MIN_MARKER, MAX_MARKER = 12, 40  # pixels

STYLE = """
:root { --ink: #1d1d1f; --muted: #5b5b60; --axis: #b9b9c0; --claimed: #9b1c1c;
  --attributed: #d4731c; --suspected: #d4731c; --unknown: #76767c; --milestone: #1f5f99; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  max-width: 60rem; margin: 0 auto; padding: 1.5rem; overflow-wrap: anywhere; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: 0 0 1rem;
  color: var(--muted); }
.meta dt { font-weight: 600; } .meta dd { margin: 0; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1.4rem; padding: .6rem .8rem;
  border: 1px solid var(--axis); border-radius: 6px; margin-bottom: 1.5rem; font-size: .9rem; }
.legend span { display: inline-flex; align-items: center; gap: .4rem; }
.timeline { position: relative; padding-left: 6.5rem; }
.timeline::before { content: ""; position: absolute; left: 5rem; top: 0; bottom: 0;
  border-left: 3px solid var(--axis); }
.year > h2 { position: relative; left: -6.5rem; width: 4.3rem; margin: 1.2rem 0 .4rem;
  text-align: right; font-size: 1.25rem; }
.entry { position: relative; margin: 0 0 1.1rem; padding: .5rem .8rem; border-radius: 6px;
  background: #fafafa; border: 1px solid #e6e6ea; break-inside: avoid; }
.entry .marker { position: absolute; left: calc(-1.5rem - var(--size) / 2); top: .6rem;
  width: var(--size); height: var(--size); border-radius: 50%; background: #fff; }
.status-claimed .marker { background: var(--claimed); border: 2px solid var(--claimed); }
.status-attributed .marker { background: var(--attributed); border: 2px solid var(--attributed); }
.status-suspected .marker { border: 3px solid var(--suspected); }
.status-unknown .marker { border: 3px dashed var(--unknown); }
.milestone .marker { border-radius: 2px; transform: rotate(45deg);
  background: var(--milestone); border: 2px solid var(--milestone); }
.band { background: #eaf1f8; border-left: 6px solid var(--milestone); }
.band .marker { display: none; }
.when { margin: 0; color: var(--muted); font-size: .9rem; }
.entry h3 { margin: .1rem 0 .3rem; font-size: 1.05rem; }
.facts { margin: 0 0 .3rem; font-size: .9rem; }
.summary, .notes { margin: .3rem 0; }
.notes { color: var(--muted); font-size: .9rem; }
.sources { margin: .3rem 0 0; padding-left: 1.4rem; font-size: .85rem; }
.key { display: inline-block; width: 14px; height: 14px; border-radius: 50%; }
.key.claimed { background: var(--claimed); }
.key.attributed { background: var(--attributed); }
.key.suspected { border: 3px solid var(--suspected); }
.key.unknown { border: 3px dashed var(--unknown); }
.key.milestone { background: var(--milestone); border-radius: 2px; transform: rotate(45deg); }
.key.band { width: 22px; border-radius: 2px; background: #eaf1f8;
  border-left: 6px solid var(--milestone); }
.key.small { width: 10px; height: 10px; border: 2px solid var(--ink); }
.key.large { width: 24px; height: 24px; border: 2px solid var(--ink); }
footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
@media print {
  body { font-size: 10pt; max-width: none; padding: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .entry { background: none; }
  .sources a::after { content: " <" attr(href) ">"; word-break: break-all; }
  a { color: inherit; }
}
"""


def export_html(
    incidents: Sequence[Incident], registry: GroupRegistry, context: ExportContext
) -> str:
    title = escape_html(context.title)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{title}</h1>",
        '<dl class="meta">',
        *(
            f"<dt>{label}</dt><dd>{escape_html(value)}</dd>"
            for label, value in (
                ("Filters", filters_text(context)),
                ("Order", context.order),
                ("Now", day_text(context.now)),
                ("Generated", day_text(context.generated_on)),
                ("Counts", counts_text(incidents)),
            )
        ),
        "</dl>",
        "</header>",
        _legend(),
        '<main class="timeline">',
    ]
    if not incidents:
        parts.append("<p>No entry matches these filters.</p>")
    for year, entries in _by_year(incidents):
        parts.append(f'<section class="year"><h2>{year}</h2>')
        parts.extend(_entry(incident, registry) for incident in entries)
        parts.append("</section>")
    parts += [
        "</main>",
        "<footer>Marker size grows with the high figure of people killed; "
        "a dashed ring means no perpetrator is named.</footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def incident_status(incident: Incident) -> str:
    """The most certain attribution of an incident, or `unknown` when none is named."""
    statuses = {perpetrator.status for perpetrator in incident.perpetrators}
    for status in STATUS_ORDER:
        if status in statuses:
            return status
    return UNKNOWN_STATUS


def marker_size(incident: Incident) -> int:
    """Marker diameter in pixels: by the square root of the high figure killed, so the
    area grows with the toll; unknown and zero get the smallest."""
    if incident.killed is None or incident.killed.highest_given <= 0:
        return MIN_MARKER
    return min(MAX_MARKER, MIN_MARKER + round(4 * math.sqrt(incident.killed.highest_given)))


def _legend() -> str:
    keys = [
        ("claimed", "claimed"),
        ("attributed", "attributed"),
        ("suspected", "suspected"),
        ("unknown", "no perpetrator named"),
        ("milestone", "milestone"),
        ("band", "milestone over a period"),
        ("small", "few killed or unknown"),
        ("large", "many killed"),
    ]
    items = "".join(
        f'<span><i class="key {key}"></i>{escape_html(label)}</span>' for key, label in keys
    )
    return f'<section class="legend" aria-label="Legend">{items}</section>'


def _by_year(incidents: Sequence[Incident]) -> list[tuple[int, list[Incident]]]:
    years: dict[int, list[Incident]] = {}
    for incident in incidents:
        years.setdefault(incident.date.year, []).append(incident)
    return list(years.items())


def _entry(incident: Incident, registry: GroupRegistry) -> str:
    if incident.is_milestone:
        classes = "entry milestone" + (" band" if incident.end_date is not None else "")
        size = MIN_MARKER
    else:
        classes = f"entry incident status-{incident_status(incident)}"
        size = marker_size(incident)
    when = date_label(incident)
    place = place_label(incident.location)
    if place:
        when += f" · {place}"
    lines = [
        f'<article class="{classes}" id="{escape_html(incident.id)}">',
        f'<span class="marker" style="--size: {size}px"></span>',
        f'<p class="when">{escape_html(when)}</p>',
        f"<h3>{escape_html(incident.title)}</h3>",
    ]
    if not incident.is_milestone:
        facts = (
            f"{perpetrators_label(incident, registry)} · killed {figure_label(incident.killed)}"
            f" · attackers killed {figure_label(incident.attackers_killed)}"
            f" · wounded {figure_label(incident.wounded)}"
        )
        lines.append(f'<p class="facts">{escape_html(facts)}</p>')
    if incident.summary:
        lines.append(f'<p class="summary">{escape_html_lines(incident.summary)}</p>')
    if incident.notes:
        lines.append(f'<p class="notes">Notes: {escape_html_lines(incident.notes)}</p>')
    if incident.sources:
        lines.append('<ol class="sources">')
        lines.extend(source_item_html(source) for source in incident.sources)
        lines.append("</ol>")
    lines.append("</article>")
    return "\n".join(lines)
