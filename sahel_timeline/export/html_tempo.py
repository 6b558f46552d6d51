"""The HTML brief's tempo chart: incidents and people killed per month, as an inline SVG.

The numbers are `stats.period_series` by month, the same buckets as `stats --by month`, with
the months that had no incident drawn as zeros. Killed is a bar to the low sum with a
lighter part up to the high sum; a month whose tolls are all unknown gets a `?`. Milestones
that fall in the period are marked by numbered lines (a shaded band while one spans time),
listed under the chart.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sahel_timeline.export.escaping import escape_html
from sahel_timeline.model import Incident
from sahel_timeline.reports.labels import date_label, figure_label
from sahel_timeline.reports.stats import Bucket

WIDTH = 800
LEFT, RIGHT = 46, 10  # room for the value axis, and a margin
MILESTONE_Y = 14  # the row of numbered milestone marks, above both panels
INCIDENTS_TOP, INCIDENTS_HEIGHT = 52, 70
KILLED_TOP, KILLED_HEIGHT = 160, 90
AXIS_Y = KILLED_TOP + KILLED_HEIGHT
HEIGHT = AXIS_Y + 56  # room for month and year names, at a phone's larger type too
HEADROOM = 0.85  # the tallest bar fills this share of its panel, leaving room for its value
LABEL_EVERY_MONTH = 24  # up to this many months every month is named, beyond only years
VALUES_UP_TO = 30  # up to this many months the bars carry their values


@dataclass(frozen=True)
class TempoMilestone:
    number: int
    incident: Incident


def chart_milestones(months: Sequence[Bucket], entries: Sequence[Incident]) -> list[TempoMilestone]:
    """The milestones that start within the chart's months, numbered in date order."""
    if not months:
        return []
    first, last = months[0].start, months[-1].end
    assert first is not None and last is not None
    inside = [e for e in entries if e.is_milestone and first <= e.start <= last]
    inside.sort(key=lambda e: (e.start, e.id))
    return [TempoMilestone(number, entry) for number, entry in enumerate(inside, start=1)]


def tempo_svg(months: Sequence[Bucket], milestones: Sequence[TempoMilestone]) -> str:
    """The chart of `months`: the buckets of `period_series(..., "month")`, in order."""
    step = (WIDTH - LEFT - RIGHT) / len(months)
    most_incidents = max(bucket.incidents for bucket in months) or 1
    most_killed = max(bucket.killed_high for bucket in months) or 1
    parts = [
        f'<svg class="tempo" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        'aria-labelledby="tempo-title">',
        '<title id="tempo-title">Incidents and people killed per month</title>',
        f'<text class="panel" x="{LEFT}" y="{INCIDENTS_TOP - 18}">Incidents per month</text>',
        f'<text class="panel" x="{LEFT}" y="{KILLED_TOP - 18}">Killed per month '
        "(dark: low sum; light: up to the high sum)</text>",
    ]
    parts += _value_axis(INCIDENTS_TOP, INCIDENTS_HEIGHT, most_incidents)
    parts += _value_axis(KILLED_TOP, KILLED_HEIGHT, most_killed)
    parts += _milestone_marks(months, milestones, step)
    show_values = len(months) <= VALUES_UP_TO
    for index, bucket in enumerate(months):
        month = bucket.start
        assert month is not None
        x = LEFT + index * step
        bars = _month_bars(x, step, bucket, most_incidents, most_killed, show_values)
        parts.append(
            f'<g class="month" data-month="{month:%Y-%m}" data-incidents="{bucket.incidents}" '
            f'data-killed-low="{bucket.killed_low}" data-killed-high="{bucket.killed_high}" '
            f'data-killed-unknown="{bucket.killed_unknown}">{bars}</g>'
        )
        parts.extend(_month_label(x, step, month, len(months)))
    parts.append(
        f'<line class="axis" x1="{LEFT}" y1="{AXIS_Y}" x2="{WIDTH - RIGHT}" y2="{AXIS_Y}"/>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _value_axis(top: float, height: float, most: int) -> list[str]:
    bottom = top + height
    top = round(bottom - height * HEADROOM, 1)
    return [
        f'<line class="grid" x1="{LEFT}" y1="{top}" x2="{WIDTH - RIGHT}" y2="{top}"/>',
        f'<line class="axis" x1="{LEFT}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}"/>',
        f'<text class="tick" x="{LEFT - 6}" y="{top + 4}" text-anchor="end">{most}</text>',
        f'<text class="tick" x="{LEFT - 6}" y="{bottom}" text-anchor="end">0</text>',
    ]


def _month_bars(
    x: float, step: float, bucket: Bucket, most_incidents: int, most_killed: int, values: bool
) -> str:
    width = max(step * 0.7, 1.0)
    left = round(x + (step - width) / 2, 1)
    centre = round(x + step / 2, 1)
    tip = (
        f"{bucket.label}: {bucket.incidents} incident{'' if bucket.incidents == 1 else 's'}, "
        f"killed {figure_label(bucket.killed) if bucket.incidents else '0'}"
    )
    if bucket.killed_unknown:
        tip += f" ({bucket.killed_unknown} with no reported figure)"
    count_height = HEADROOM * INCIDENTS_HEIGHT * bucket.incidents / most_incidents
    low_height = HEADROOM * KILLED_HEIGHT * bucket.killed_low / most_killed
    high_height = HEADROOM * KILLED_HEIGHT * bucket.killed_high / most_killed
    incidents_bottom = INCIDENTS_TOP + INCIDENTS_HEIGHT
    shapes = [
        f'<rect class="count" x="{left}" y="{round(incidents_bottom - count_height, 1)}" '
        f'width="{round(width, 1)}" height="{round(count_height, 1)}"/>',
        f'<rect class="killed-high" x="{left}" y="{round(AXIS_Y - high_height, 1)}" '
        f'width="{round(width, 1)}" height="{round(high_height - low_height, 1)}"/>',
        f'<rect class="killed-low" x="{left}" y="{round(AXIS_Y - low_height, 1)}" '
        f'width="{round(width, 1)}" height="{round(low_height, 1)}"/>',
    ]
    if values and bucket.incidents:
        shapes.append(
            f'<text class="value" x="{centre}" y="{round(incidents_bottom - count_height - 3, 1)}"'
            f' text-anchor="middle">{bucket.incidents}</text>'
        )
        killed = figure_label(bucket.killed) if bucket.killed is not None else "?"
        shapes.append(
            f'<text class="value" x="{centre}" y="{round(AXIS_Y - high_height - 3, 1)}" '
            f'text-anchor="middle">{escape_html(killed)}</text>'
        )
    return f"<title>{escape_html(tip)}</title>{''.join(shapes)}"


def _month_label(x: float, step: float, month: dt.date, count: int) -> list[str]:
    centre = round(x + step / 2, 1)
    labels = []
    if count <= LABEL_EVERY_MONTH:
        name = calendar.month_abbr[month.month]
        labels.append(
            f'<text class="tick below" x="{centre}" y="{AXIS_Y + 5}" text-anchor="middle">'
            f"{name}</text>"
        )
    if month.month == 1 or x == LEFT:
        labels.append(
            f'<text class="year below" x="{round(x, 1)}" y="{AXIS_Y + 30}">{month.year}</text>'
        )
    return labels


def _milestone_marks(
    months: Sequence[Bucket], milestones: Sequence[TempoMilestone], step: float
) -> list[str]:
    first = months[0].start
    assert first is not None
    chart_end = LEFT + len(months) * step
    marks = []
    for mark in milestones:
        x = _date_x(mark.incident.start, first, step)
        if mark.incident.end_date is not None:
            end = min(_date_x(mark.incident.end, first, step), chart_end)
            marks.append(
                f'<rect class="milestone-band" x="{x}" y="{MILESTONE_Y + 4}" '
                f'width="{round(max(end - x, 1.0), 1)}" height="{AXIS_Y - MILESTONE_Y - 4}"/>'
            )
        tip = f"{mark.number}. {date_label(mark.incident)}: {mark.incident.title}"
        marks.append(
            f'<g class="milestone" data-id="{escape_html(mark.incident.id)}">'
            f"<title>{escape_html(tip)}</title>"
            f'<line x1="{x}" y1="{MILESTONE_Y + 4}" x2="{x}" y2="{AXIS_Y}"/>'
            f'<text x="{x}" y="{MILESTONE_Y}" text-anchor="middle">'
            f"\u25c6{mark.number}</text></g>"
        )
    return marks


def _date_x(day: dt.date, first: dt.date, step: float) -> float:
    months = (day.year - first.year) * 12 + day.month - first.month
    fraction = (day.day - 1) / calendar.monthrange(day.year, day.month)[1]
    return round(LEFT + (months + fraction) * step, 1)
