"""Plane geometry on longitude/latitude rings, for the map's outlines and labels.

Rings are lists of `(lon, lat)` points, not repeating the first point at the end. Shared
by the HTML brief's map and by `tools/make_map_outlines.py`, which makes its outlines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Point = tuple[float, float]
Ring = list[Point]
Extent = tuple[float, float, float, float]  # west, south, east, north


def clip_ring(ring: Sequence[Point], extent: Extent) -> Ring:
    """Sutherland-Hodgman clipping of a ring to a longitude/latitude box."""
    west, south, east, north = extent
    edges: tuple[tuple[Callable[[Point], bool], Callable[[Point, Point], Point]], ...] = (
        (lambda p: p[0] >= west, lambda a, b: _cross_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _cross_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _cross_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _cross_y(a, b, north)),
    )
    points = list(ring)
    for inside, cross in edges:
        if not points:
            break
        clipped: Ring = []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    clipped.append(cross(previous, point))
                clipped.append(point)
            elif inside(previous):
                clipped.append(cross(previous, point))
            previous = point
        points = clipped
    return points


def _cross_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _cross_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def ring_area(ring: Sequence[Point]) -> float:
    return abs(
        sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, [*ring[1:], *ring[:1]], strict=True))
        / 2
    )


def centroid(ring: Sequence[Point]) -> Point:
    """The centroid of a polygon ring (its label point)."""
    twice_area = cx = cy = 0.0
    for a, b in zip(ring, [*ring[1:], *ring[:1]], strict=True):
        cross = a[0] * b[1] - b[0] * a[1]
        twice_area += cross
        cx += (a[0] + b[0]) * cross
        cy += (a[1] + b[1]) * cross
    return (cx / (3 * twice_area), cy / (3 * twice_area))
