"""Greedy label placement: each label takes the first of its candidate positions that
overlaps nothing already placed (labels and points), or is dropped when none fits."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from . import _svg as s

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class Placed:
    x: float
    y: float
    anchor: str  # start, middle, end ; y is the text's middle
    box: Box


def _overlap(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _box(x: float, y: float, anchor: str, w: float, h: float) -> Box:
    if anchor == "start":
        x0 = x
    elif anchor == "end":
        x0 = x - w
    else:
        x0 = x - w / 2
    return (x0, y - h / 2, x0 + w, y + h / 2)


def candidates(px: float, py: float, gap: float, direction: tuple[float, float] | None = None):
    """Positions around a point, best first; with a ``direction`` (e.g. an arrow's), the
    positions beyond the tip along it come first."""
    around = [
        (gap, 0.0, "start"),
        (-gap, 0.0, "end"),
        (0.0, -gap - 6, "middle"),
        (0.0, gap + 6, "middle"),
        (gap * 0.8, -gap, "start"),
        (-gap * 0.8, -gap, "end"),
        (gap * 0.8, gap, "start"),
        (-gap * 0.8, gap, "end"),
    ]
    if direction is not None:
        dx, dy = direction
        norm = math.hypot(dx, dy) or 1.0
        ux, uy = dx / norm, dy / norm
        anchor = "start" if ux > 0.35 else "end" if ux < -0.35 else "middle"
        ahead = []
        for dist in (gap, gap + 10, gap + 22):
            ahead.append((ux * dist, uy * dist + (0 if anchor != "middle" else uy * 6), anchor))
        # slide sideways (perpendicular) when the spot ahead is taken
        for side in (12.0, -12.0, 24.0, -24.0):
            ahead.append((ux * gap - uy * side, uy * gap + ux * side, anchor))
        return ahead + around
    return around


def place(
    items: Sequence[tuple[float, float, str, float, tuple[float, float] | None]],
    *,
    obstacles: Sequence[Box] = (),
    bounds: Box,
    gap: float = 7.0,
    drop: bool = True,
) -> list[Placed | None]:
    """Place labels given as (x, y, text, font size, direction or None), in the given order
    (put the most important first). Returns a position per label, None when dropped."""
    taken: list[Box] = list(obstacles)
    result: list[Placed | None] = []
    for px, py, label, size, direction in items:
        w = s.text_width(label, size) + 2
        h = size * 1.15
        best: tuple[float, Placed] | None = None
        for rank, (dx, dy, anchor) in enumerate(candidates(px, py, gap, direction)):
            box = _box(px + dx, py + dy, anchor, w, h)
            outside = (
                max(0.0, bounds[0] - box[0])
                + max(0.0, box[2] - bounds[2])
                + max(0.0, bounds[1] - box[1])
                + max(0.0, box[3] - bounds[3])
            )
            cost = sum(_overlap(box, other) for other in taken) + outside * 50
            if cost == 0:
                best = (0.0, Placed(px + dx, py + dy, anchor, box))
                break
            cost += rank * 0.01
            if best is None or cost < best[0]:
                best = (cost, Placed(px + dx, py + dy, anchor, box))
        assert best is not None
        if best[0] > 0 and drop:
            result.append(None)
            continue
        taken.append(best[1].box)
        result.append(best[1])
    return result


def label_box(x: float, y: float, anchor: str, label: str, size: float) -> Box:
    """The box a one-line label takes (``y`` its middle), from the font size: the estimate every
    placement step of the charts uses."""
    return _box(x, y, anchor, s.text_width(label, size) + 4, size * 1.2)


def point_box(x: float, y: float, r: float = 4.5) -> Box:
    return (x - r, y - r, x + r, y + r)


def around_circle(
    items: Sequence[tuple[float, float, str, float]],
    *,
    cx: float,
    cy: float,
    radius: float,
    top: float,
    line_gap: float = 1.3,
) -> list[Placed]:
    """Labels of points inside a circle (e.g. arrow tips of a correlation circle), given as
    (x, y, text, font size), set outside it on a ring of ``radius``, each at the height of its
    point's direction, then nudged apart vertically so that no two boxes meet.

    Deterministic, and never drops nor overlaps a label: right-hand labels (direction pointing
    right) start at the ring, left-hand ones end there, so the two sides never meet; on each
    side, labels keep the order of their directions from top to bottom and stand at least one
    line apart (``line_gap`` times the font size), pushed down as needed and then back up
    towards the circle's lower edge, never above ``top``. The caller draws leader lines from
    each point to its label."""
    placed: list[Placed | None] = [None] * len(items)
    lowest = cy + radius
    for right in (True, False):
        side = [
            (i, item)
            for i, item in enumerate(items)
            if ((item[0] - cx) >= 0) == right  # a point on the vertical axis goes right
        ]

        def wanted_y(entry) -> float:
            _i, (x, y, _text, _size) = entry
            norm = math.hypot(x - cx, y - cy)
            # the height of the point's direction on the ring (a point at the centre stays level)
            return cy if norm < 1e-9 else cy + (y - cy) / norm * radius

        side.sort(key=lambda entry: (wanted_y(entry), entry[0]))
        heights = [size * line_gap for _i, (_x, _y, _t, size) in side]
        ys = [wanted_y(entry) for entry in side]
        for k in range(len(ys)):  # push down: each at least a line below the one above
            floor = top + heights[k] / 2 if k == 0 else ys[k - 1] + (heights[k - 1] + heights[k]) / 2
            ys[k] = max(ys[k], floor)
        if ys and ys[-1] > lowest:  # then back up towards the circle, keeping the gaps and ``top``
            ys[-1] = max(lowest, top + sum(heights) - heights[-1] / 2)
            for k in range(len(ys) - 2, -1, -1):
                ys[k] = min(ys[k], ys[k + 1] - (heights[k] + heights[k + 1]) / 2)
        for (i, (_x, _y, label, size)), y in zip(side, ys):
            dy = y - cy
            dx = math.sqrt(max(radius * radius - dy * dy, 0.0))
            x = cx + max(dx, 6.0) if right else cx - max(dx, 6.0)
            anchor = "start" if right else "end"
            placed[i] = Placed(x, y, anchor, label_box(x, y, anchor, label, size))
    return [p for p in placed if p is not None]
