"""One self-contained HTML brief a briefer can hand over: overview first, details below.

The page reads top down as a brief: the title, filters and period; key figures (incidents,
killed and wounded as low-high sums with unknown figures counted apart, the share of each
attribution status); a map of the incidents (`html_map`); the deadliest incidents; the tempo
per month with the milestones marked (`html_tempo`); a compact table of every entry linking
to its detail; then each incident's detail (summary first, notes and sources folded in
`<details>`), the milestones as a context section, and the credits.

No script, no external font, style or image, and a Content-Security-Policy that forbids
loading anything: the page works offline and asks nothing of the network. Every value goes
through `html.escape(quote=True)`; only http(s) sources become outside links. Print styles
give a compact A4 brief of a few pages: the map beside the deadliest incidents and the tempo
on the first page, smaller type (never under 8.5pt) and tighter spacing, and the folded
notes and sources left out with their toggles (an opened one prints, with its source
addresses); narrow screens get one column.
"""

from __future__ import annotations

from collections.abc import Sequence

from sahel_timeline.export import ExportContext
from sahel_timeline.export.attribution import acled_attribution
from sahel_timeline.export.brief_marks import (
    STATUS_COLOURS,
    STATUS_ORDER,
    incident_status,
    status_label,
)
from sahel_timeline.export.common import (
    counts_text,
    day_text,
    filters_text,
    source_item_html,
)
from sahel_timeline.export.escaping import escape_html, escape_html_lines
from sahel_timeline.export.html_map import left_off_map, map_svg, outlines
from sahel_timeline.export.html_tempo import TempoMilestone, chart_milestones, tempo_svg
from sahel_timeline.model import Incident, add_figures
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.reports.labels import (
    attribution_label,
    date_label,
    figure_label,
    perpetrators_label,
    place_label,
)
from sahel_timeline.reports.stats import compute_stats, period_series

DEADLIEST = 5  # incidents listed in the overview
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
# Said on paper only, where a folded <details> and its toggle are left out.
PRINTED_FOLDS = (
    "On paper the entries' folded notes and sources are left out: open them in the page "
    "before printing to print them, each source with its address."
)

STYLE = """
:root { --ink: #1d1d1f; --muted: #5b5b63; --line: #d5d5db; --soft: #f5f5f7;
  --milestone: #1f5f99; --sea: #eef3f7; --land: #fbfaf6; --border: #a9a9b2; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); max-width: 72rem; margin: 0 auto; padding: 1.2rem 1.5rem;
  overflow-wrap: anywhere; }
h1 { font-size: 1.7rem; line-height: 1.2; margin: 0 0 .3rem; }
h2 { font-size: 1.2rem; margin: 1.6rem 0 .6rem; padding-bottom: .2rem;
  border-bottom: 2px solid var(--line); }
h3 { font-size: 1.02rem; margin: 0 0 .2rem; }
a { color: #174f80; }
.meta { margin: 0 0 .8rem; color: var(--muted); font-size: .9rem; }
.meta span + span::before { content: " · "; }
.figures { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: .6rem;
  margin: .6rem 0; }
.figure { background: var(--soft); border-radius: 6px; padding: .5rem .7rem; }
.figure b { display: block; font-size: 1.45rem; line-height: 1.2; }
.figure small { color: var(--muted); }
.shares { display: flex; height: 1.1rem; border-radius: 4px; overflow: hidden;
  margin: .3rem 0; }
.shares span { display: block; height: 100%; }
.key { display: inline-block; width: .8rem; height: .8rem; border-radius: 50%;
  vertical-align: -1px; margin-right: .25rem; }
.legend { font-size: .85rem; color: var(--muted); margin: .2rem 0; }
.legend > span { margin-right: 1rem; white-space: nowrap; }
.overview-grid { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
  gap: 1rem; align-items: start; }
.map { width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px;
  display: block; }
.map .sea { fill: var(--sea); }
.map .countries path { fill: var(--land); stroke: var(--border); stroke-width: .8; }
.map .countries path.struck { fill: #f4ecdc; }
.map .country-names text { font-size: 13px; fill: #8a8a93; text-anchor: middle;
  letter-spacing: .08em; text-transform: uppercase; }
.map .place-names text { font-size: 12px; fill: var(--ink); paint-order: stroke;
  stroke: #fff; stroke-width: 3px; }
.map .point circle:not(.halo):not(.vague) { stroke: #fff; stroke-width: 1.2; fill-opacity: .9; }
.map .point .halo { fill: none; stroke-width: 1.5; stroke-dasharray: 3 2; }
.map .point .vague { fill-opacity: .15; stroke-width: 1.5; stroke-dasharray: 5 3; }
.mark { display: inline-block; width: 1rem; height: 1rem; vertical-align: -3px;
  margin-right: .2rem; }
.deadliest { margin: 0; padding-left: 1.3rem; }
.deadliest li { margin-bottom: .35rem; }
.deadliest small, .note { color: var(--muted); font-size: .85rem; }
.tempo { width: 100%; height: auto; display: block; }
.tempo .count { fill: #4a5b6e; }
.tempo .killed-low { fill: #a1221b; }
.tempo .killed-high { fill: #e7aaa5; }
.tempo .grid { stroke: var(--line); stroke-dasharray: 2 3; }
.tempo .axis { stroke: var(--border); }
.tempo text { font-size: 11px; fill: var(--muted); }
.tempo .panel { font-size: 12px; font-weight: 600; fill: var(--ink); }
.tempo .value { fill: var(--ink); }
.tempo .year { font-weight: 600; fill: var(--ink); }
.tempo .below { dominant-baseline: hanging; }
.tempo .milestone line { stroke: var(--milestone); stroke-dasharray: 4 3; }
.tempo .milestone text { fill: var(--milestone); font-weight: 600; }
.tempo .milestone-band { fill: var(--milestone); fill-opacity: .07; }
.milestone-key { font-size: .85rem; margin: .3rem 0 0; padding-left: 0; list-style: none;
  columns: 2; column-gap: 1.5rem; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
.entries-table { table-layout: fixed; }
.entries-table .date { width: 8.2rem; }
.entries-table .place { width: 16%; }
.entries-table .who { width: 17%; }
.entries-table .num { width: 4.8rem; }
th, td { text-align: left; padding: .25rem .4rem; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { font-weight: 600; background: var(--soft); }
td.num, th.num { text-align: right; white-space: nowrap; }
td.date { overflow-wrap: normal; }
tr.milestone-row td { color: var(--muted); font-style: italic; }
.entry { padding: .6rem 0 .7rem; border-bottom: 1px solid var(--line); break-inside: avoid; }
.entry .when { margin: 0; color: var(--muted); font-size: .88rem; }
.entry .facts { margin: .15rem 0 .3rem; font-size: .9rem; }
.entry .summary { margin: .2rem 0; }
.entry details { font-size: .88rem; margin-top: .3rem; }
.entry summary { cursor: pointer; color: #174f80; }
.entry .notes { color: var(--muted); }
.entry .sources { margin: .3rem 0 0; padding-left: 1.4rem; }
.context { list-style: none; padding: 0; margin: 0; border-left: 3px solid var(--milestone); }
.context > li { padding: .3rem 0 .4rem .8rem; }
.context .when { color: var(--milestone); font-weight: 600; font-size: .88rem; }
.print-only { display: none; }
footer { margin-top: 2rem; padding-top: .6rem; border-top: 1px solid var(--line);
  color: var(--muted); font-size: .82rem; }
footer p { margin: .2rem 0; }
@media screen and (max-width: 700px) {
  body { padding: .7rem; font-size: 15px; }
  h1 { font-size: 1.35rem; }
  .figures { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .overview-grid { grid-template-columns: minmax(0, 1fr); }
  .milestone-key { columns: 1; }
  th, td { padding: .25rem .2rem; }
  .entries-table .place { display: none; }
  .map .place-names text { font-size: 22px; stroke-width: 5px; }
  .map .country-names text { font-size: 22px; }
  .tempo text { font-size: 22px; }
  .tempo .panel { font-size: 22px; }
  .entries-table td:nth-child(2) { min-width: 8.5rem; }
  .entries-table th { font-size: .78rem; }
  .entries-table { table-layout: auto; }
  .entries-table .date { width: 5.2rem; }
  .entries-table .who { width: 26%; }
  .entries-table .num { width: auto; }
}
@page { size: A4; margin: 10mm 11mm 11mm; }
@media print {
  html { font-size: 9pt; }
  body { font-size: 9pt; line-height: 1.3; max-width: none; padding: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h1 { font-size: 15pt; }
  h2 { font-size: 11pt; margin: .9rem 0 .4rem; break-after: avoid; }
  h3 { font-size: 9.5pt; break-after: avoid; }
  .meta, .legend, .note, small, .deadliest small, .milestone-key, table, footer,
  .entry .when, .entry .facts, .entry details, .context .when { font-size: 8.5pt; }
  .meta { margin-bottom: .4rem; }
  .figures { gap: .5rem; margin: .4rem 0; }
  .figure { padding: .25rem .5rem; }
  .figure b { font-size: 13pt; }
  .overview-grid { gap: .8rem; }
  .map .place-names text { font-size: 22px; stroke-width: 5px; }
  .map .country-names text { font-size: 22px; }
  .tempo text { font-size: 14px; }
  .tempo .panel { font-size: 14px; }
  #map, #deadliest, #tempo { break-inside: avoid; }
  details:not([open]) { display: none; }
  .print-only { display: block; }
  a { color: inherit; text-decoration: none; }
  .sources a::after { content: " <" attr(href) ">"; word-break: break-all; }
  tr { break-inside: avoid; }
  .entries-table .date { width: 6.6rem; white-space: normal; }
  .entries-table .num { width: 5.4rem; }
  th, td { padding: .1rem .3rem; }
  .entry { padding: .25rem 0 .3rem; break-inside: auto; }
  .entry .when, .entry h3, .entry .facts, .entry summary { break-after: avoid; }
  .entry > p, .entry h3, .sources li { break-inside: avoid; }
  .entry .sources { padding-left: 2.2rem; }
  .entry .facts { margin: .1rem 0 .15rem; }
  .entry .summary { margin: .1rem 0; }
  .context { border-left: 0; }
  .context .when { display: block; }
  .context > li { padding: .15rem 0 .2rem .6rem; border-left: 3px solid var(--milestone); }
  footer { margin-top: 1rem; }
}
"""


def export_html(
    incidents: Sequence[Incident], registry: GroupRegistry, context: ExportContext
) -> str:
    title = escape_html(context.title)
    attacks = [incident for incident in incidents if not incident.is_milestone]
    milestones = [incident for incident in incidents if incident.is_milestone]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        '<header id="top">',
        f"<h1>{title}</h1>",
        _meta_line(incidents, context),
        "</header>",
    ]
    if not incidents:
        parts.append("<p>No entry matches these filters.</p>")
    else:
        parts += _overview(incidents, attacks, registry)
        parts += _tempo(incidents, context)
        parts += _entries_table(incidents, registry)
        if attacks:
            parts.append('<section id="incidents"><h2>Incidents in detail</h2>')
            parts.extend(_incident_detail(incident, registry) for incident in attacks)
            parts.append("</section>")
        if milestones:
            parts += _context_section(milestones)
    parts += [
        _credits(incidents),
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def brief_credits(incidents: Sequence[Incident]) -> list[str]:
    """The credit lines of a brief, as plain text: where its data and its map come from."""
    source = acled_attribution(incidents)
    return [
        *([source] if source else []),
        f"Map outlines: {outlines()['source']}.",
        "Figures are low-high ranges as the sources give them; an unknown figure is "
        "counted apart, never as 0.",
    ]


def _meta_line(incidents: Sequence[Incident], context: ExportContext) -> str:
    items = [
        f"Filters: {filters_text(context)}",
        f"Period: {_period_text(incidents)}",
        f"Order: {context.order}",
        f"Relative dates read against: {day_text(context.now)}",
        f"Generated: {day_text(context.generated_on)}",
    ]
    spans = "".join(f"<span>{escape_html(item)}</span>" for item in items)
    line = f'<p class="meta">{spans}</p><p class="meta">{escape_html(counts_text(incidents))}</p>'
    source = acled_attribution(incidents)  # ACLED's terms: on anything made from its data
    if source:
        line += f'<p class="meta source">{escape_html(source)}</p>'
    return line


def _period_text(incidents: Sequence[Incident]) -> str:
    """`13 Aug 2017 to 23 Jul 2018 (milestones from 21 Mar 2012)`: when the entries start."""
    if not incidents:
        return "none"
    attacks = [incident for incident in incidents if not incident.is_milestone]
    milestones = [incident for incident in incidents if incident.is_milestone]
    text = _first_to_last(attacks or milestones)
    if attacks and milestones:
        text += f" (milestones {_first_to_last(milestones)})"
    return text


def _first_to_last(entries: Sequence[Incident]) -> str:
    first = min(entries, key=lambda i: (i.start, i.end)).date.display()
    last = max(entries, key=lambda i: (i.start, i.end)).date.display()
    return first if first == last else f"{first} to {last}"


# --- overview ------------------------------------------------------------------------------


def _overview(
    incidents: Sequence[Incident], attacks: Sequence[Incident], registry: GroupRegistry
) -> list[str]:
    total = compute_stats(attacks).total
    parts = ['<section id="overview" aria-label="Overview">', '<div class="figures">']
    parts += [
        _figure_box(str(total.incidents), "incidents", _milestone_note(incidents)),
        _figure_box(
            figure_label(total.killed),
            "killed",
            _unknown_note(total.killed_unknown, total.incidents),
        ),
        _figure_box(
            figure_label(total.wounded),
            "wounded",
            _unknown_note(total.wounded_unknown, total.incidents),
        ),
        _figure_box(*_attackers_killed(attacks)),
    ]
    parts.append("</div>")
    parts += _status_shares(attacks)
    parts.append('<div class="overview-grid">')
    parts.append('<div id="map">')
    parts.append(map_svg(incidents))
    parts.append(_map_legend(incidents))
    parts.append("</div>")
    parts += _deadliest(attacks, registry)
    parts.append("</div>")
    parts.append("</section>")
    return parts


def _figure_box(value: str, label: str, note: str) -> str:
    small = f"<small>{escape_html(note)}</small>" if note else ""
    return f'<div class="figure"><b>{escape_html(value)}</b> {escape_html(label)} {small}</div>'


def _unknown_note(unknown: int, counted: int) -> str:
    """`(+2 unknown)` beside a sum; nothing when none is unknown, or all are (the sum then
    reads `unknown` itself)."""
    return f"(+{unknown} unknown)" if 0 < unknown < counted else ""


def _milestone_note(incidents: Sequence[Incident]) -> str:
    milestones = sum(1 for incident in incidents if incident.is_milestone)
    return f"(+{milestones} milestone{'' if milestones == 1 else 's'})" if milestones else ""


def _attackers_killed(attacks: Sequence[Incident]) -> tuple[str, str, str]:
    known = [i.attackers_killed for i in attacks if i.attackers_killed is not None]
    value = figure_label(add_figures(known))
    return value, "attackers killed", _unknown_note(len(attacks) - len(known), len(attacks))


def _status_shares(attacks: Sequence[Incident]) -> list[str]:
    if not attacks:
        return []
    counts = {status: 0 for status in STATUS_ORDER}
    for incident in attacks:
        counts[incident_status(incident)] += 1
    bar = "".join(
        f'<span style="width: {100 * count / len(attacks):.2f}%; '
        f'background: {STATUS_COLOURS[status]}"></span>'
        for status, count in counts.items()
        if count
    )
    keys = "".join(
        f'<span><i class="key" style="background: {STATUS_COLOURS[status]}"></i>'
        f"{escape_html(status_label(status))}: {count} "
        f"({round(100 * count / len(attacks))}%)</span>"
        for status, count in counts.items()
    )
    return [
        '<div id="attribution" aria-label="Share of incidents by attribution status">',
        f'<div class="shares">{bar}</div>',
        f'<p class="legend">Attribution (most certain per incident): {keys}</p>',
        "</div>",
    ]


def _map_legend(incidents: Sequence[Incident]) -> str:
    marks = [
        ("site or settlement", '<circle cx="8" cy="8" r="5" fill="#555"/>'),
        (
            "area",
            '<circle cx="8" cy="8" r="7" fill="none" stroke="#555" stroke-dasharray="3 2"/>'
            '<circle cx="8" cy="8" r="3.5" fill="#555"/>',
        ),
        (
            "region or country: position vague",
            '<circle cx="8" cy="8" r="7" fill="#555" fill-opacity=".15" stroke="#555" '
            'stroke-dasharray="4 2"/>',
        ),
    ]
    items = "".join(
        f'<span><svg class="mark" viewBox="0 0 16 16">{shape}</svg>{escape_html(label)}</span>'
        for label, shape in marks
    )
    legend = f'<p class="legend">{items}<span>size: killed (high figure)</span></p>'
    left_off = left_off_map(incidents)
    if left_off:
        legend += (
            f'<p class="note">{left_off} incident{"" if left_off == 1 else "s"} without '
            "coordinates in the map's region not shown.</p>"
        )
    return legend


def _deadliest(attacks: Sequence[Incident], registry: GroupRegistry) -> list[str]:
    known = [incident for incident in attacks if incident.killed is not None]
    ranked = sorted(
        known, key=lambda i: (-(i.killed.highest_given if i.killed else 0), i.start, i.id)
    )
    parts = ['<div id="deadliest">', "<h2>Deadliest incidents</h2>"]
    if not ranked:
        parts.append('<p class="note">No incident has a reported toll.</p>')
    else:
        parts.append('<ol class="deadliest">')
        for incident in ranked[:DEADLIEST]:
            line = (
                f"{place_label(incident.location) or 'place unknown'} · "
                f"{perpetrators_label(incident, registry)}"
            )
            parts.append(
                f"<li><b>{escape_html(figure_label(incident.killed))} killed</b> · "
                f'{escape_html(date_label(incident))}: <a href="#{escape_html(incident.id)}">'
                f"{escape_html(incident.title)}</a><br><small>{escape_html(line)}</small></li>"
            )
        parts.append("</ol>")
    unknown = len(attacks) - len(known)
    if unknown:
        parts.append(
            f'<p class="note">{unknown} incident{"" if unknown == 1 else "s"} with no '
            "reported toll not ranked.</p>"
        )
    parts.append("</div>")
    return parts


# --- tempo ----------------------------------------------------------------------------------


def _tempo(incidents: Sequence[Incident], context: ExportContext) -> list[str]:
    attacks = [incident for incident in incidents if not incident.is_milestone]
    # As the timeline's tempo line counts them: one that began before --since counts in
    # the first month, where the timeline shows it as ongoing.
    series = period_series(
        attacks, "month", first=context.since, last=context.until, ongoing_in_first=True
    )
    months = series.buckets
    if not any(bucket.incidents for bucket in months):
        return []  # nothing to chart: no incident dated to a month
    milestones = chart_milestones(months, incidents)
    first, last = months[0].label, months[-1].label
    parts = [
        '<section id="tempo">',
        f"<h2>Tempo: {escape_html(first)} to {escape_html(last)}</h2>",
        tempo_svg(months, milestones),
    ]
    if series.imprecise.incidents:
        count = series.imprecise.incidents
        parts.append(
            f'<p class="note">{count} incident{"" if count == 1 else "s"} dated only to a '
            "year, in no month, not charted.</p>"
        )
    if milestones:
        parts.append(_milestone_key(milestones))
    parts.append("</section>")
    return parts


def _milestone_key(milestones: Sequence[TempoMilestone]) -> str:
    items = "".join(
        f"<li>\u25c6{mark.number} {escape_html(date_label(mark.incident))}: "
        f'<a href="#{escape_html(mark.incident.id)}">{escape_html(mark.incident.title)}</a></li>'
        for mark in milestones
    )
    return f'<ol class="milestone-key" aria-label="Milestones on the chart">{items}</ol>'


# --- every entry ------------------------------------------------------------------------------


def _entries_table(incidents: Sequence[Incident], registry: GroupRegistry) -> list[str]:
    parts = [
        '<section id="entries">',
        f"<h2>All entries ({len(incidents)})</h2>",
        '<table class="entries-table">',
        '<thead><tr><th class="date">Date</th><th>What</th><th class="place">Place</th>'
        '<th class="who">Who</th><th class="num">Killed</th><th class="num">Wounded</th>'
        "</tr></thead>",
        "<tbody>",
    ]
    for incident in incidents:
        row_class = ' class="milestone-row"' if incident.is_milestone else ""
        what = ("Milestone: " if incident.is_milestone else "") + incident.title
        killed = "" if incident.is_milestone else figure_label(incident.killed)
        wounded = "" if incident.is_milestone else figure_label(incident.wounded)
        parts.append(
            f"<tr{row_class}>"
            f'<td class="date">{escape_html(date_label(incident))}</td>'
            f'<td><a href="#{escape_html(incident.id)}">{escape_html(what)}</a></td>'
            f'<td class="place">{escape_html(place_label(incident.location))}</td>'
            f'<td class="who">{escape_html(perpetrators_label(incident, registry))}</td>'
            f'<td class="num">{escape_html(killed)}</td>'
            f'<td class="num">{escape_html(wounded)}</td></tr>'
        )
    parts += ["</tbody>", "</table>", "</section>"]
    return parts


def _incident_detail(incident: Incident, registry: GroupRegistry) -> str:
    when = date_label(incident)
    place = place_label(incident.location)
    if place:
        when += f" · {place}"
    who = "; ".join(attribution_label(p, registry) for p in incident.perpetrators) or "unknown"
    status = incident_status(incident)
    facts = (
        f"{who} · killed {figure_label(incident.killed)}"
        f" · attackers killed {figure_label(incident.attackers_killed)}"
        f" · wounded {figure_label(incident.wounded)}"
    )
    if incident.tactics:
        facts += f" · {', '.join(incident.tactics)}"
    lines = [
        f'<article class="entry" id="{escape_html(incident.id)}">',
        f'<p class="when"><i class="key" style="background: {STATUS_COLOURS[status]}" '
        f'title="{escape_html(status_label(status))}"></i>{escape_html(when)}</p>',
        f"<h3>{escape_html(incident.title)}</h3>",
        f'<p class="facts">{escape_html(facts)}</p>',
    ]
    if incident.summary:
        lines.append(f'<p class="summary">{escape_html_lines(incident.summary)}</p>')
    lines += _folded_notes_and_sources(incident)
    lines.append("</article>")
    return "\n".join(lines)


def _folded_notes_and_sources(incident: Incident) -> list[str]:
    if not incident.notes and not incident.sources:
        return []
    what = []
    if incident.notes:
        what.append("notes")
    if incident.sources:
        count = len(incident.sources)
        what.append(f"{count} source{'' if count == 1 else 's'}")
    lines = ["<details>", f"<summary>{escape_html(' and '.join(what).capitalize())}</summary>"]
    if incident.notes:
        lines.append(f'<p class="notes">{escape_html_lines(incident.notes)}</p>')
    if incident.sources:
        lines.append('<ol class="sources">')
        lines.extend(source_item_html(source) for source in incident.sources)
        lines.append("</ol>")
    lines.append("</details>")
    return lines


def _context_section(milestones: Sequence[Incident]) -> list[str]:
    parts = ['<section id="context">', "<h2>Context: milestones</h2>", '<ol class="context">']
    for milestone in milestones:
        place = place_label(milestone.location)
        when = date_label(milestone) + (f" · {place}" if place else "")
        parts.append(f'<li class="entry" id="{escape_html(milestone.id)}">')
        parts.append(f'<span class="when">{escape_html(when)}</span>')
        parts.append(f"<h3>{escape_html(milestone.title)}</h3>")
        if milestone.summary:
            parts.append(f'<p class="summary">{escape_html_lines(milestone.summary)}</p>')
        parts += _folded_notes_and_sources(milestone)
        parts.append("</li>")
    parts += ["</ol>", "</section>"]
    return parts


def _credits(incidents: Sequence[Incident]) -> str:
    lines = "".join(f"<p>{escape_html(line)}</p>" for line in brief_credits(incidents))
    if any(incident.notes or incident.sources for incident in incidents):
        lines += f'<p class="print-only">{escape_html(PRINTED_FOLDS)}</p>'
    return f'<footer id="credits"><h2>Credits</h2>{lines}</footer>'
