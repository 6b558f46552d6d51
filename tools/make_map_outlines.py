"""Regenerate `sahel_timeline/export/sahel_outlines.json`, the country outlines of the HTML map.

The outlines come from Natural Earth's Admin 0 countries (public domain) as redistributed
in TopoJSON by the npm package `world-atlas` (ISC licence, by Mike Bostock). To regenerate:

    atlas="$(mktemp -d)" && npm pack world-atlas@2.0.2 --pack-destination "$atlas"
    tar xzf "$atlas/world-atlas-2.0.2.tgz" -C "$atlas"
    python tools/make_map_outlines.py "$atlas/package/countries-50m.json"

The script decodes the TopoJSON arcs, keeps the rings that reach the Sahel and its
neighbours (`EXTENT`), clips them to that box, simplifies them (Ramer-Douglas-Peucker,
`TOLERANCE` degrees) and writes rounded longitude/latitude rings per country. It needs
only the standard library and the package's own geometry (run it in the project's
environment).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from sahel_timeline.export.geometry import Point, Ring, clip_ring, ring_area

# west, south, east, north in degrees: Mauritania to Chad, the Maghreb's south to the coast.
EXTENT = (-18.0, 3.5, 24.5, 28.0)
TOLERANCE = 0.03  # degrees, about 3 km: invisible at the scale of the brief's map
DECIMALS = 2
MIN_AREA = 0.05  # square degrees: islands smaller than this are dropped
OUTPUT = (
    Path(__file__).resolve().parent.parent / "sahel_timeline" / "export" / "sahel_outlines.json"
)
# Natural Earth's short names as the store writes countries (vocab.COUNTRIES), so that the
# map can tell which countries the brief's incidents are in.
FULL_NAMES = {
    "W. Sahara": "Western Sahara",
    "Central African Rep.": "Central African Republic",
    "Dem. Rep. Congo": "Democratic Republic of the Congo",
    "Eq. Guinea": "Equatorial Guinea",
    "S. Sudan": "South Sudan",
}
SOURCE = (
    "Natural Earth 1:50m Admin 0 countries (public domain), version 4.1.0, "
    "via the npm package world-atlas 2.0.2 (countries-50m.json); clipped to the Sahel "
    "and simplified by tools/make_map_outlines.py"
)


def decode_arcs(topology: dict) -> list[Ring]:
    """The topology's arcs as absolute longitude/latitude points."""
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def ring_points(indexes: list[int], arcs: list[Ring]) -> Ring:
    """A ring from arc indexes (a negative index ~i is arc i reversed), without repeats."""
    points: Ring = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def simplify(points: Ring, tolerance: float) -> Ring:
    """Ramer-Douglas-Peucker on an open polyline (iterative)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = first, 0.0
        for index in range(first + 1, last):
            d = _distance_to_segment(points[index], points[first], points[last])
            if d > distance:
                farthest, distance = index, d
        if distance > tolerance:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _distance_to_segment(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == dy == 0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def countries(topology: dict) -> list[dict]:
    arcs = decode_arcs(topology)
    result = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs") or []
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        rings: list[Ring] = []
        for polygon in polygons:
            outer = ring_points(polygon[0], arcs)  # holes are left out: none in the region
            simplified = simplify(clip_ring(outer, EXTENT), TOLERANCE)
            if len(simplified) >= 3 and ring_area(simplified) >= MIN_AREA:
                rings.append(simplified)
        if not rings:
            continue
        name = geometry["properties"]["name"]
        result.append(
            {
                "name": FULL_NAMES.get(name, name),
                "rings": [
                    [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in ring] for ring in rings
                ],
            }
        )
    return sorted(result, key=lambda country: country["name"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topojson", type=Path, help="world-atlas countries-50m.json")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    arguments = parser.parse_args()
    topology = json.loads(arguments.topojson.read_text(encoding="utf-8"))
    data = {"source": SOURCE, "extent": list(EXTENT), "countries": countries(topology)}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    arguments.output.write_text(text + "\n", encoding="utf-8")
    print(f"{arguments.output.name}: {len(data['countries'])} countries, {len(text)} bytes")


if __name__ == "__main__":
    main()
