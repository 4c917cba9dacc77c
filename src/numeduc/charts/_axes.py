"""Shared pieces of charts with a value axis: linear scale, ticks and grid, fill patterns,
number formatting with a unit."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from numeduc.formatting import fr_number

from . import _svg as s


@dataclass(frozen=True)
class Scale:
    """Linear map from data [lo, hi] to pixels [p0, p1] (p1 < p0 allowed: y axes)."""

    lo: float
    hi: float
    p0: float
    p1: float

    def __call__(self, value: float) -> float:
        if self.hi == self.lo:
            return (self.p0 + self.p1) / 2
        return self.p0 + (value - self.lo) * (self.p1 - self.p0) / (self.hi - self.lo)


def domain(
    values: Iterable[float],
    *,
    include_zero: bool = True,
    count: int = 5,
    fixed: tuple[float | None, float | None] = (None, None),
) -> list[float]:
    """Tick values covering the data (and zero when asked)."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if include_zero:
        finite.append(0.0)
    if not finite:
        finite = [0.0, 1.0]
    lo = fixed[0] if fixed[0] is not None else min(finite)
    hi = fixed[1] if fixed[1] is not None else max(finite)
    ticks = s.nice_ticks(lo, hi, count)
    if fixed[0] is not None:
        ticks = [t for t in ticks if t >= fixed[0] - 1e-9]
        if not ticks or ticks[0] > fixed[0] + 1e-9:
            ticks.insert(0, fixed[0])
    if fixed[1] is not None:
        ticks = [t for t in ticks if t <= fixed[1] + 1e-9]
        if ticks[-1] < fixed[1] - 1e-9:
            ticks.append(fixed[1])
    return ticks


def unit_formatter(
    value_format: Callable[[float | None], str] | None,
    unit: str,
    values: Sequence[float | None],
    *,
    compact: bool = False,
) -> Callable[[float | None], str]:
    """The table / label formatter: the caller's, or French numbers with as many decimals
    as the data need (0, 1 or 2) followed by the unit. ``compact`` (labels drawn on the
    chart) drops decimals that do not matter at the data's magnitude; the table keeps them."""
    if value_format is not None:
        return value_format
    finite = [abs(v) for v in values if not s.is_missing(v)]
    if all(float(v).is_integer() for v in finite):
        decimals = 0
    elif all(abs(v * 10 - round(v * 10)) < 1e-9 for v in finite):
        decimals = 1
    else:
        decimals = 2
    if compact and finite:
        biggest = max(finite)
        if biggest >= 1000:
            decimals = 0
        elif biggest >= 10:
            decimals = min(decimals, 1)
    suffix = f"\u00a0{unit}" if unit else ""

    def fmt(value: float | None) -> str:
        if s.is_missing(value):
            return s.MISSING
        return fr_number(value, decimals) + suffix

    return fmt


def tick_formatter(ticks: Sequence[float], unit: str = "") -> Callable[[float], str]:
    decimals = s.tick_decimals(ticks)
    suffix = f"\u00a0{unit}" if unit and len(unit) <= 2 else ""
    return lambda v: fr_number(v, decimals) + suffix


def value_grid(
    scale: Scale,
    ticks: Sequence[float],
    *,
    vertical_values: bool,
    cross0: float,
    cross1: float,
    fmt: Callable[[float], str],
    size: float = 11,
    labels_side: str = "start",
) -> str:
    """Grid lines and tick labels. With ``vertical_values`` the values run up the y axis and
    grid lines are horizontal from x=cross0 to x=cross1; otherwise the reverse."""
    parts = ['<g class="nc-value-axis">']
    for tick in ticks:
        p = scale(tick)
        color = s.AXIS_COLOR if abs(tick) < 1e-12 else s.GRID_COLOR
        width = "1.2" if abs(tick) < 1e-12 else "1"
        if vertical_values:
            parts.append(
                f'<line x1="{s.num(cross0)}" y1="{s.num(p)}" x2="{s.num(cross1)}" y2="{s.num(p)}" '
                f'stroke="{color}" stroke-width="{width}"/>'
            )
            if labels_side == "start":
                parts.append(
                    s.text(
                        cross0 - 6,
                        p,
                        fmt(tick),
                        size=size,
                        anchor="end",
                        baseline="middle",
                        fill=s.MUTED_COLOR,
                    )
                )
            else:
                parts.append(
                    s.text(
                        cross1 + 6,
                        p,
                        fmt(tick),
                        size=size,
                        anchor="start",
                        baseline="middle",
                        fill=s.MUTED_COLOR,
                    )
                )
        else:
            parts.append(
                f'<line x1="{s.num(p)}" y1="{s.num(cross0)}" x2="{s.num(p)}" y2="{s.num(cross1)}" '
                f'stroke="{color}" stroke-width="{width}"/>'
            )
            parts.append(s.text(p, cross1 + 16, fmt(tick), size=size, anchor="middle", fill=s.MUTED_COLOR))
    parts.append("</g>")
    return "".join(parts)


# Fill patterns: white strokes over the series colour, so bars stay distinct in grey print.
PATTERNS = ["solid", "diagonal", "dots", "horizontal", "crosshatch", "vertical", "backdiagonal"]


def pattern_defs(prefix: str, colors: Sequence[str]) -> tuple[str, list[str]]:
    """``<defs>`` with one pattern per colour (index i gets PATTERNS[i]); returns markup and
    the fill value to use for each."""
    defs = []
    fills = []
    for i, color in enumerate(colors):
        kind = PATTERNS[i % len(PATTERNS)]
        if kind == "solid":
            fills.append(color)
            continue
        pid = f"{prefix}-pat{i}"
        fills.append(f"url(#{pid})")
        if kind == "diagonal":
            inner = '<path d="M-1 1L1 -1M0 8L8 0M7 9L9 7" stroke="#fff" stroke-width="1.6"/>'
        elif kind == "backdiagonal":
            inner = '<path d="M-1 7L1 9M0 0L8 8M7 -1L9 1" stroke="#fff" stroke-width="1.6"/>'
        elif kind == "dots":
            inner = '<circle cx="2" cy="2" r="1.3" fill="#fff"/><circle cx="6" cy="6" r="1.3" fill="#fff"/>'
        elif kind == "horizontal":
            inner = '<path d="M0 4H8" stroke="#fff" stroke-width="1.6"/>'
        elif kind == "vertical":
            inner = '<path d="M4 0V8" stroke="#fff" stroke-width="1.6"/>'
        else:
            inner = '<path d="M0 0L8 8M8 0L0 8" stroke="#fff" stroke-width="1.2"/>'
        defs.append(
            f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{color}"/>{inner}</pattern>'
        )
    markup = f"<defs>{''.join(defs)}</defs>" if defs else ""
    return markup, fills


def luminance(color: str) -> float:
    """Relative luminance of #rrggbb (WCAG)."""
    color = color.lstrip("#")
    channels = [int(color[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def text_on(color: str) -> str:
    """Black or white, whichever contrasts more with ``color``."""
    lum = luminance(color)
    return "#000000" if (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) else "#ffffff"


def halo() -> str:
    """Attributes drawing a white outline behind text (legible over lines and bars)."""
    return ' stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'
