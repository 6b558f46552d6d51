"""A brief in GitHub-flavoured Markdown: header, chronological table, one section per entry.

Every store-derived string goes through `escape_markdown`, so a pipe, a newline, `<script>`
or `[/]` in the data reads as itself and never breaks the table or injects HTML.
"""

from __future__ import annotations

from collections.abc import Sequence

from sahel_timeline.export import ExportContext
from sahel_timeline.export.attribution import acled_attribution
from sahel_timeline.export.common import counts_text, day_text, filters_text, source_text
from sahel_timeline.export.escaping import escape_markdown, safe_link_url
from sahel_timeline.model import Incident
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.reports.labels import date_label, figure_label, figure_words, perpetrators_label

TABLE_HEADER = (
    "Date", "Place", "Country", "Perpetrators", "Killed", "Wounded", "Title",
)  # fmt: skip


def export_markdown(
    incidents: Sequence[Incident], registry: GroupRegistry, context: ExportContext
) -> str:
    lines = [f"# {escape_markdown(context.title) or 'Untitled'}", ""]
    lines += [
        f"- Filters: {escape_markdown(filters_text(context))}",
        f"- Order: {escape_markdown(context.order)}",
        f"- Now (relative dates read against): {day_text(context.now)}",
        f"- Generated: {day_text(context.generated_on)}",
        f"- Counts: {escape_markdown(counts_text(incidents))}",
    ]
    attribution = acled_attribution(incidents)
    if attribution:
        lines.append(f"- {escape_markdown(attribution)}")
    lines += [
        "",
    ]
    if not incidents:
        lines += ["No entry matches these filters.", ""]
        return "\n".join(lines)
    lines += ["## Timeline", "", *_table(incidents, registry), ""]
    lines += ["## Entries", ""]
    for incident in incidents:
        lines += _section(incident, registry)
    return "\n".join(lines)


def _table(incidents: Sequence[Incident], registry: GroupRegistry) -> list[str]:
    rows = [_row(TABLE_HEADER), "|" + "---|" * len(TABLE_HEADER)]
    for incident in incidents:
        location = incident.location
        killed = figure_label(incident.killed)
        if incident.attackers_killed is not None:
            killed += f" (+{figure_words(incident.attackers_killed)} attackers)"
        cells = (
            date_label(incident),
            location.place or location.site or location.admin1 or "",
            location.country or "",
            perpetrators_label(incident, registry),
            "" if incident.is_milestone and incident.killed is None else killed,
            ""
            if incident.is_milestone and incident.wounded is None
            else figure_label(incident.wounded),
            ("Milestone: " if incident.is_milestone else "") + incident.title,
        )
        rows.append(_row([escape_markdown(cell) for cell in cells]))
    return rows


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _section(incident: Incident, registry: GroupRegistry) -> list[str]:
    heading = f"{date_label(incident)}: {incident.title}"
    lines = [f"### {escape_markdown(heading)}", ""]
    facts = [f"Id: `{incident.id}`"]  # ids are [a-z0-9-]: safe in a code span
    if incident.is_milestone:
        facts.append("Kind: milestone")
    else:
        facts.append(f"Perpetrators: {escape_markdown(perpetrators_label(incident, registry))}")
        facts.append(
            "Killed: "
            + escape_markdown(figure_label(incident.killed))
            + "; attackers killed: "
            + escape_markdown(figure_label(incident.attackers_killed))
            + "; wounded: "
            + escape_markdown(figure_label(incident.wounded))
        )
    lines += [f"- {fact}" for fact in facts] + [""]
    if incident.summary:
        lines += [escape_markdown(incident.summary), ""]
    if incident.notes:
        lines += [f"**Notes:** {escape_markdown(incident.notes)}", ""]
    if incident.sources:
        lines += ["Sources:", ""]
        for number, source in enumerate(incident.sources, start=1):
            text = escape_markdown(source_text(source))
            url = safe_link_url(source.url)
            if url is not None:
                text += f" <{_escape_autolink(url)}>"
            lines.append(f"{number}. {text}")
        lines.append("")
    return lines


def _escape_autolink(url: str) -> str:
    # Inside `<...>` an autolink takes everything but spaces, `<` and `>`, which
    # `safe_link_url` already refused; percent-encode the characters that would end a
    # table cell or confuse a reader, in case a renderer is stricter than CommonMark. A `:`
    # after the host is encoded too (the same address), or GitHub shows `?q=:fire:` as an
    # emoji in the link's text.
    url = url.replace("|", "%7C").replace("`", "%60")
    scheme, _, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme}://{host}{slash}{path.replace(':', '%3A')}"
