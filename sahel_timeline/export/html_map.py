"""The HTML brief's map: an inline SVG of the Sahel's countries with the incidents as points.

Country outlines ship with the package (`sahel_outlines.json`: Natural Earth, public domain,
clipped and simplified by `tools/make_map_outlines.py`), so the map needs no tile server
and no script. The view fits the incidents (never smaller than `MIN_SPAN` degrees) inside
the outlines' extent; the projection is equirectangular with longitudes shrunk by the
cosine of the view's middle latitude, close enough to true shape this near the equator.

A point's colour is its attribution status, its area grows with the high figure killed, and
its look says how precise its coordinates are: a solid dot for a site or settlement, a dot
in a dashed halo for an area, and only a faint dashed disc for a region or a country (or no
precision given), so that a vague position is never drawn as a town. Each point carries
`data-id`, `data-lon`, `data-lat` and `data-precision`: the GeoJSON export has the same
coordinates and precision for the same id.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

from sahel_timeline.export.brief_marks import STATUS_COLOURS, incident_status, status_label
from sahel_timeline.export.escaping import escape_html
from sahel_timeline.export.geometry import centroid, clip_ring, ring_area
from sahel_timeline.model import Incident
from sahel_timeline.reports.labels import date_label, figure_label, place_label

WIDTH = 800  # SVG user units; the SVG scales to its container
MIN_SPAN = (14.0, 9.0)  # degrees of longitude, latitude the view shows at least
MARGIN = 1.5  # degrees around the outermost incidents
MIN_RADIUS, RADIUS_PER_ROOT = 5.0, 2.2  # radius = MIN + PER_ROOT * sqrt(killed high)
LABEL_CHARACTER_WIDTH = 13  # SVG units a place name's letter may take, at its largest size
LABEL_SHARE = 0.04  # a country is named when this share of the view is its land
MAX_RADIUS = 22.0
# Location precisions drawn as a point; the others are drawn as an uncertain disc.
POINT_PRECISIONS = ("site", "settlement")
AREA_PRECISIONS = ("area",)
VAGUE_RADIUS = {"region": 26.0, "country": 40.0}  # disc radius in SVG units
DEFAULT_VAGUE_RADIUS = 26.0


@dataclass(frozen=True)
class MapView:
    """The part of the world the map shows and how it projects onto the SVG."""

    west: float
    south: float
    east: float
    north: float

    @cached_property
    def shrink(self) -> float:
        """How much shorter a degree of longitude is than one of latitude, mid-view."""
        return math.cos(math.radians((self.south + self.north) / 2))

    @cached_property
    def scale(self) -> float:
        """SVG units per degree of latitude."""
        return WIDTH / ((self.east - self.west) * self.shrink)

    @property
    def height(self) -> float:
        return (self.north - self.south) * self.scale

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        x = (lon - self.west) * self.shrink * self.scale
        y = (self.north - lat) * self.scale
        return round(x, 1), round(y, 1)

    def contains(self, lon: float, lat: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north


@cache
def outlines() -> dict[str, Any]:
    """The packaged country outlines: `{"source", "extent", "countries": [...]}`."""
    text = (
        resources.files("sahel_timeline.export")
        .joinpath("sahel_outlines.json")
        .read_text(encoding="utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    return data


def mapped_incidents(incidents: Sequence[Incident]) -> list[Incident]:
    """The incidents the map places: those with coordinates (milestones are not mapped)."""
    return [i for i in incidents if not i.is_milestone and i.location.has_coordinates]


def map_view(incidents: Sequence[Incident]) -> MapView:
    """A view around the incidents, at least `MIN_SPAN`, within the outlines' extent."""
    west, south, east, north = outlines()["extent"]
    inside = [
        (i.location.lon, i.location.lat)
        for i in mapped_incidents(incidents)
        if i.location.lon is not None
        and i.location.lat is not None
        and west <= i.location.lon <= east
        and south <= i.location.lat <= north
    ]
    if not inside:
        return MapView(west, south, east, north)
    west_edge, east_edge = _span(
        min(lon for lon, _ in inside) - MARGIN, max(lon for lon, _ in inside) + MARGIN,
        MIN_SPAN[0], west, east,
    )  # fmt: skip
    south_edge, north_edge = _span(
        min(lat for _, lat in inside) - MARGIN, max(lat for _, lat in inside) + MARGIN,
        MIN_SPAN[1], south, north,
    )  # fmt: skip
    return MapView(west_edge, south_edge, east_edge, north_edge)


def _span(
    low: float, high: float, minimum: float, floor: float, ceiling: float
) -> tuple[float, float]:
    """[low, high] widened about its middle to `minimum`, then moved inside [floor, ceiling]."""
    if high - low < minimum:
        middle = (low + high) / 2
        low, high = middle - minimum / 2, middle + minimum / 2
    if low < floor:
        low, high = floor, min(ceiling, high + floor - low)
    if high > ceiling:
        low, high = max(floor, low - (high - ceiling)), ceiling
    return low, high


def point_radius(incident: Incident) -> float:
    """By the square root of the high figure killed (area grows with the toll)."""
    killed = incident.killed.highest_given if incident.killed is not None else 0
    return min(MAX_RADIUS, MIN_RADIUS + RADIUS_PER_ROOT * math.sqrt(max(killed, 0)))


def map_svg(incidents: Sequence[Incident]) -> str:
    """The map as an `<svg>` element (with a title and description for screen readers)."""
    view = map_view(incidents)
    height = round(view.height, 1)
    parts = [
        f'<svg class="map" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="map-title">',
        '<title id="map-title">Map of the incidents with coordinates</title>',
        f'<rect class="sea" width="{WIDTH}" height="{height}"/>',
        '<g class="countries">',
    ]
    struck = {i.location.country for i in mapped_incidents(incidents)}
    for country in outlines()["countries"]:
        path = " ".join(_ring_path(ring, view) for ring in country["rings"])
        name = escape_html(country["name"])
        tint = ' class="struck"' if country["name"] in struck else ""
        parts.append(f'<path{tint} d="{path}"><title>{name}</title></path>')
    parts.append("</g>")
    parts.append('<g class="country-names">')
    located = [i for i in mapped_incidents(incidents) if _in_view(i, view)]
    parts.extend(_country_names(view, [_position(i, view) for i in located]))
    parts.append("</g>")
    # Big and vague marks first, so that small precise points stay on top and clickable.
    located.sort(key=lambda i: (_precision_rank(i), -point_radius(i)))
    parts.append('<g class="points">')
    parts.extend(_point(incident, view) for incident in located)
    parts.append("</g>")
    parts.append('<g class="place-names">')
    parts.extend(_place_names(located, view))
    parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def left_off_map(incidents: Sequence[Incident]) -> int:
    """Incidents without coordinates or outside the outlines, which the map cannot show."""
    west, south, east, north = outlines()["extent"]
    full = MapView(west, south, east, north)
    attacks = [i for i in incidents if not i.is_milestone]
    return sum(1 for i in attacks if not i.location.has_coordinates or not _in_view(i, full))


def _in_view(incident: Incident, view: MapView) -> bool:
    location = incident.location
    return (
        location.lon is not None
        and location.lat is not None
        and view.contains(location.lon, location.lat)
    )


def _country_names(view: MapView, points: Sequence[tuple[float, float]]) -> list[str]:
    """Each country's name at the middle of its part of the view, if that part is large,
    moved down a line while it would sit on a point."""
    extent = (view.west, view.south, view.east, view.north)
    view_area = (view.east - view.west) * (view.north - view.south)
    names = []
    for country in outlines()["countries"]:
        parts = [clip_ring([(lon, lat) for lon, lat in ring], extent) for ring in country["rings"]]
        parts = [part for part in parts if len(part) >= 3]
        if not parts:
            continue
        largest = max(parts, key=ring_area)
        if ring_area(largest) < LABEL_SHARE * view_area:
            continue
        x, y = view.project(*centroid(largest))
        for _ in range(3):
            if not any(abs(px - x) < 60 and abs(py - y) < 14 for px, py in points):
                break
            y = round(y + 20, 1)
        names.append(f'<text x="{x}" y="{y}">{escape_html(country["name"])}</text>')
    return names


def _position(incident: Incident, view: MapView) -> tuple[float, float]:
    assert incident.location.lon is not None and incident.location.lat is not None
    return view.project(incident.location.lon, incident.location.lat)


def _ring_path(ring: list[list[float]], view: MapView) -> str:
    points = [view.project(lon, lat) for lon, lat in ring]
    return "M" + "L".join(f"{x:g} {y:g}" for x, y in points) + "Z"


def _precision_rank(incident: Incident) -> int:
    precision = incident.location.precision
    if precision in POINT_PRECISIONS:
        return 2
    if precision in AREA_PRECISIONS:
        return 1
    return 0


def _point(incident: Incident, view: MapView) -> str:
    location = incident.location
    x, y = _position(incident, view)
    status = incident_status(incident)
    colour = STATUS_COLOURS[status]
    radius = round(point_radius(incident), 1)
    precision = location.precision or "none"
    tip = (
        f"{date_label(incident)}: {incident.title} · {place_label(location)} "
        f"({precision} precision) · {status_label(status)} · killed {figure_label(incident.killed)}"
    )
    attributes = (
        f'class="point precision-{escape_html(precision)} status-{status}" '
        f'data-id="{escape_html(incident.id)}" data-lon="{location.lon!r}" '
        f'data-lat="{location.lat!r}" data-precision="{escape_html(precision)}"'
    )
    if location.precision in POINT_PRECISIONS:
        shape = f'<circle cx="{x}" cy="{y}" r="{radius}" fill="{colour}"/>'
    elif location.precision in AREA_PRECISIONS:
        shape = (
            f'<circle class="halo" cx="{x}" cy="{y}" r="{radius + 8}" stroke="{colour}"/>'
            f'<circle cx="{x}" cy="{y}" r="{radius}" fill="{colour}"/>'
        )
    else:
        disc = VAGUE_RADIUS.get(location.precision or "", DEFAULT_VAGUE_RADIUS)
        shape = (
            f'<circle class="vague" cx="{x}" cy="{y}" r="{max(disc, radius)}" '
            f'fill="{colour}" stroke="{colour}"/>'
        )
    return (
        f'<a href="#{escape_html(incident.id)}"><g {attributes}>'
        f"<title>{escape_html(tip)}</title>{shape}</g></a>"
    )


def _place_names(located: Sequence[Incident], view: MapView) -> list[str]:
    """One label per named place with a point, beside its largest point."""
    biggest: dict[str, Incident] = {}
    for incident in located:
        name = incident.location.place or incident.location.site
        if name and incident.location.precision in (*POINT_PRECISIONS, *AREA_PRECISIONS):
            best = biggest.get(name)
            if best is None or point_radius(incident) > point_radius(best):
                biggest[name] = incident
    labels = []
    for name, incident in sorted(biggest.items()):
        x, y = _position(incident, view)
        offset = point_radius(incident) + 3
        if x + offset + LABEL_CHARACTER_WIDTH * len(name) > WIDTH:  # would run off the map
            x, anchor = x - offset, ' text-anchor="end"'
        else:
            x, anchor = x + offset, ""
        labels.append(f'<text x="{round(x, 1)}" y="{y + 4}"{anchor}>{escape_html(name)}</text>')
    return labels
