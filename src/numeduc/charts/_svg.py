"""Low-level helpers for hand-written SVG: escaping, the accessible root element, styles,
markers, legend, text measuring and wrapping, tick choice.

Everything that reaches the markup goes through :func:`esc` (text) or :func:`attr`
(attribute values); labels come from users.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from numeduc.demo.mark import DEMO_MARK as DEMO_LABEL
from numeduc.formatting import fr_number

MISSING = "non renseigné"

FONT_FAMILY = "Marianne, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
TEXT_COLOR = "#1a1a1a"
MUTED_COLOR = "#555555"
GRID_COLOR = "#c8c8c8"
AXIS_COLOR = "#333333"
MISSING_FILL = "#e0e0e0"

# Okabe & Ito (2008) colour-blind-safe palette, darkest first; yellow left out (invisible on
# white paper).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]


def category_colours(categories: Sequence[object]) -> dict[str, str]:
    """One palette colour per category, in the order given. Computed once by the caller and handed
    to every chart that shows the same categories (``colours=``), so that a category keeps its
    colour from one chart to the next whatever order each chart meets it in."""
    return {str(c): PALETTE[i % len(PALETTE)] for i, c in enumerate(categories)}


# Marker shapes of groups (so that a group reads without its colour too).
MARKERS = ["circle", "square", "triangle", "diamond", "cross"]


def group_style(group: str, position: int, colours: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(colour, marker shape) of a group: from its rank in ``colours`` when it is there (the same in
    every chart given the same mapping), else from its ``position`` in the chart."""
    if colours and group in colours:
        rank = list(colours).index(group)
        return colours[group], MARKERS[rank % len(MARKERS)]
    return PALETTE[position % len(PALETTE)], MARKERS[position % len(MARKERS)]


# Characters XML 1.0 forbids; users can paste them, and one would break the whole page.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: object) -> str:
    return _XML_INVALID.sub("", str(text))


def one_line(text: object) -> str:
    """Clean text with runs of whitespace (newlines included) made one space: titles and
    descriptions are single lines."""
    return " ".join(clean(text).split())


def chart_title(title: object) -> str:
    """One-line title; never empty (an empty accessible name is a defect)."""
    return one_line(title) or "Graphique sans titre"


def sentence(description: object) -> str:
    """One-line description ending like a sentence."""
    text = one_line(description)
    if text and text[-1] not in ".!?…":
        text += "."
    return text


def esc(text: object) -> str:
    """Escape text content for SVG/HTML."""
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr(text: object) -> str:
    """Escape an attribute value (to be put between double quotes)."""
    return esc(text).replace('"', "&quot;").replace("'", "&#39;")


def num(value: float) -> str:
    """Compact coordinate: one decimal, no trailing zero (keeps the SVG small)."""
    rounded = round(value, 1)
    if rounded == 0:
        rounded = 0.0  # no "-0"
    text = f"{rounded:.1f}"
    return text[:-2] if text.endswith(".0") else text


# --------------------------------------------------------------------------- styles


@dataclass(frozen=True)
class Style:
    color: str
    dash: str | None  # stroke-dasharray, None = solid
    marker: str  # circle, square, triangle, diamond, cross
    width: float
    fill_opacity: float  # area fill (radar) ; 0 = none


STYLES: dict[str, Style] = {
    "primary": Style(PALETTE[0], None, "circle", 2.5, 0.18),
    "reference": Style("#000000", "7 4", "square", 1.8, 0.0),
    "secondary": Style(PALETTE[1], "2 3", "triangle", 2.2, 0.0),
    "tertiary": Style(PALETTE[2], "9 3 2 3", "diamond", 2.0, 0.0),
    "quaternary": Style(PALETTE[3], "4 2", "cross", 2.0, 0.0),
}
STYLE_ORDER = list(STYLES)


def resolve_styles(requested: Sequence[str | None]) -> list[Style]:
    """Map requested style names to styles; ``None`` or unknown names take unused ones."""
    used = {name for name in requested if name in STYLES}
    free = [name for name in STYLE_ORDER if name not in used]
    result = []
    for name in requested:
        if name in STYLES:
            result.append(STYLES[name])
        else:
            pick = free.pop(0) if free else STYLE_ORDER[len(result) % len(STYLE_ORDER)]
            result.append(STYLES[pick])
    return result


def stroke_attrs(style: Style, width: float | None = None, *, dash: str | None = None) -> str:
    """Stroke colour, width and dash pattern (``dash`` overrides the style's)."""
    pattern = dash if dash is not None else style.dash
    dash = f' stroke-dasharray="{pattern}"' if pattern else ""
    return f'stroke="{style.color}" stroke-width="{num(width or style.width)}"{dash}'


def marker(shape: str, x: float, y: float, color: str, size: float = 4.5, extra: str = "") -> str:
    """A point marker; filled white inside a coloured outline for circle/square/diamond so
    that shapes stay distinct when printed in grey."""
    s = size
    common = f'fill="{color}" stroke="#ffffff" stroke-width="1"{extra}'
    if shape == "circle":
        return f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(s)}" {common}/>'
    if shape == "square":
        return (
            f'<rect x="{num(x - s * 0.9)}" y="{num(y - s * 0.9)}" width="{num(s * 1.8)}" '
            f'height="{num(s * 1.8)}" {common}/>'
        )
    if shape == "triangle":
        h = s * 1.15
        pts = f"{num(x)},{num(y - h)} {num(x + h)},{num(y + h * 0.8)} {num(x - h)},{num(y + h * 0.8)}"
        return f'<polygon points="{pts}" {common}/>'
    if shape == "diamond":
        h = s * 1.25
        pts = f"{num(x)},{num(y - h)} {num(x + h)},{num(y)} {num(x)},{num(y + h)} {num(x - h)},{num(y)}"
        return f'<polygon points="{pts}" {common}/>'
    # cross
    h = s
    return (
        f'<path d="M{num(x - h)} {num(y - h)}L{num(x + h)} {num(y + h)}M{num(x - h)} {num(y + h)}'
        f'L{num(x + h)} {num(y - h)}" stroke="{color}" stroke-width="2.2" fill="none"{extra}/>'
    )


# --------------------------------------------------------------------------- text

_NARROW = set("iljtfrI.,;:'!|()[] \u00a0\u202f")
_WIDE = set("mwMW@%")


def text_width(text: str, size: float) -> float:
    """Rough width of ``text`` in a sans-serif font (enough to lay out labels)."""
    total = 0.0
    for ch in text:
        if ch in _NARROW:
            total += 0.3
        elif ch in _WIDE:
            total += 0.85
        elif ch.isupper() or ch.isdigit():
            total += 0.7 if ch.isupper() else 0.56
        else:
            total += 0.53
    return total * size


def wrap(text: str, max_width: float, size: float, max_lines: int = 2) -> list[str]:
    """Split ``text`` on spaces into at most ``max_lines`` lines of ``max_width`` pixels;
    an ellipsis ends the last line when the text does not fit."""
    # split on ordinary spaces only: the no-break spaces inside "45 451 €" or "12 %" hold
    words = [w for w in re.split(r"[ \t\n\r]+", clean(text)) if w]
    if not words:
        return [""]
    lines: list[str] = []
    current = ""
    index = 0
    while index < len(words):
        word = words[index]
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size) <= max_width or not current:
            current = candidate
            index += 1
            continue
        lines.append(current)
        current = ""
        if len(lines) == max_lines:
            break
    if current and len(lines) < max_lines:
        lines.append(current)
        current = ""
    truncated = index < len(words) or current
    # A single word longer than the line is cut too.
    lines = [_cut(line, max_width, size) for line in lines]
    if truncated:
        last = lines[-1]
        while last and text_width(last + "…", size) > max_width:
            last = last[:-1]
        lines[-1] = last.rstrip(" ,;:") + "…"
    return lines


def _cut(line: str, max_width: float, size: float) -> str:
    if text_width(line, size) <= max_width:
        return line
    while line and text_width(line + "…", size) > max_width:
        line = line[:-1]
    return line + "…"


_LEADING_ARTICLE = re.compile(r"^(l['’]|la |le |les |un |une |des )", re.IGNORECASE)


def short_label(label: str) -> str:
    """Drop a leading French article and capitalise: "L'état de…" -> "État de…"."""
    text = clean(label).strip()
    stripped = _LEADING_ARTICLE.sub("", text)
    if not stripped:
        return text
    return stripped[0].upper() + stripped[1:]


def text(
    x: float,
    y: float,
    content: str | Sequence[str],
    *,
    size: float = 12,
    anchor: str = "start",
    weight: str | None = None,
    fill: str = TEXT_COLOR,
    baseline: str | None = None,
    line_height: float = 1.2,
    extra: str = "",
) -> str:
    """``<text>``; a list gives several lines (tspans) centred vertically on ``y`` when
    ``baseline == 'middle'``."""
    lines = [content] if isinstance(content, str) else list(content)
    attrs = f'x="{num(x)}" y="{num(y)}" font-size="{num(size)}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    if fill != TEXT_COLOR:
        attrs += f' fill="{fill}"'
    if len(lines) == 1:
        if baseline == "middle":
            attrs += ' dy="0.35em"'
        return f"<text {attrs}{extra}>{esc(lines[0])}</text>"
    first_dy = 0.35 - (len(lines) - 1) * line_height / 2 if baseline == "middle" else 0
    spans = []
    for i, line in enumerate(lines):
        dy = first_dy if i == 0 else line_height
        spans.append(f'<tspan x="{num(x)}" dy="{dy:.2f}em">{esc(line)}</tspan>')
    return f"<text {attrs}{extra}>{''.join(spans)}</text>"


# --------------------------------------------------------------------------- root


def make_prefix(id_prefix: str | None, kind: str, *parts: object) -> str:
    """A valid, stable id prefix. Without one given, derive it from the chart's content so
    that two different charts on a page do not share ids."""
    if id_prefix:
        cleaned = re.sub(r"[^A-Za-z0-9_-]", "-", clean(id_prefix))
        if not cleaned[0].isalpha():
            cleaned = "c" + cleaned
        return cleaned
    digest = hashlib.sha1(repr((kind, parts)).encode("utf-8")).hexdigest()[:8]
    return f"nc-{kind}-{digest}"


def svg_root(
    *,
    width: float,
    height: float,
    prefix: str,
    title: str,
    description: str,
    body: Iterable[str],
    kind: str,
    demo: bool,
    source: str | None = None,
) -> str:
    """The accessible root: viewBox, width 100 %, role=img labelled by title and desc;
    ``source`` adds a "Source : …" line at the bottom."""
    body = list(body)
    if source:
        for line in wrap(f"Source : {source}", width - 32, 10.5, 2):
            height += 14
            body.append(text(16, height - 4, line, size=10.5, fill=MUTED_COLOR, extra=' class="nc-source"'))
        height += 4
    title_id = f"{prefix}-title"
    desc_id = f"{prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {num(width)} {num(height)}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" '
        f'style="max-width:100%;height:auto;display:block" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" id="{prefix}" '
        f'class="nc-chart nc-chart-{kind}" font-family="{attr(FONT_FAMILY)}" fill="{TEXT_COLOR}">',
        f'<title id="{title_id}">{esc(title)}</title>',
        f'<desc id="{desc_id}">{esc(description)}</desc>',
        f'<rect width="{num(width)}" height="{num(height)}" fill="#ffffff"/>',
    ]
    parts.extend(body)
    if demo:
        parts.append(demo_mark(width, height))
    parts.append("</svg>")
    return "".join(parts)


def caption(title: str, demo: bool, source: str | None = None) -> str:
    """Table caption: the title, the demo mention and the source."""
    return (
        title + (f" ({DEMO_LABEL})" if demo else "") + (f" ; source : {one_line(source)}" if source else "")
    )


def demo_mark(width: float, height: float) -> str:
    """A faint diagonal watermark plus a readable tag in the top right corner."""
    size = max(18.0, min(width, height) / 11)
    angle = -math.degrees(math.atan2(height, width))
    tag_w = text_width(DEMO_LABEL, 12) + 16
    return (
        '<g class="nc-demo" aria-hidden="true">'
        f'<text x="{num(width / 2)}" y="{num(height / 2)}" font-size="{num(size)}" '
        f'text-anchor="middle" dy="0.35em" fill="#000000" fill-opacity="0.06" font-weight="bold" '
        f'transform="rotate({num(angle)} {num(width / 2)} {num(height / 2)})">{esc(DEMO_LABEL)}</text>'
        f'<rect x="{num(width - tag_w - 4)}" y="4" width="{num(tag_w)}" height="20" rx="3" '
        f'fill="#fff3cd" stroke="#8a6d00" stroke-width="1"/>'
        f'<text x="{num(width - tag_w / 2 - 4)}" y="18" font-size="12" text-anchor="middle" '
        f'fill="#5c4700">{esc(DEMO_LABEL)}</text></g>'
    )


def header(
    width: float, title: str, *, size: float = 16, y: float = 24, right_margin: float = 0
) -> tuple[str, float]:
    """Visible title at the top, wrapped; returns markup and the y below it."""
    lines = wrap(title, width - 32 - right_margin, size, max_lines=2)
    markup = text(16, y, lines, size=size, weight="bold", extra=' class="nc-chart-title"')
    return markup, y + size * 1.2 * (len(lines) - 1) + size * 0.6


def title_block(
    width: float, title: str, *, show_title: bool, demo: bool, defs: str = ""
) -> tuple[list[str], float]:
    """Start of every chart's body: its ``<defs>`` if any, then the visible title (room kept on
    the right for the demo tag) when ``show_title``; returns the body list and the y below it."""
    body: list[str] = [defs] if defs else []
    y = 12.0
    if show_title:
        markup, y = header(width, title, right_margin=200 if demo else 0)
        body.append(markup)
    return body, y


# --------------------------------------------------------------------------- legend


def legend(
    entries: Sequence[tuple[str, str]],
    *,
    x: float,
    y: float,
    max_width: float,
    size: float = 12,
) -> tuple[str, float]:
    """Horizontal legend wrapping on several rows. ``entries`` are (symbol markup drawn
    around origin 0,0 within [-14, 14] x [-7, 7], label). Returns markup and its height."""
    row_h = size * 1.9
    cx, cy = x, y + row_h / 2
    items = []
    for symbol, label in entries:
        label_lines = wrap(label, max_width - 40, size, max_lines=1)
        w = 34 + text_width(label_lines[0], size) + 20
        if cx > x and cx + w > x + max_width:
            cx = x
            cy += row_h
        items.append(
            f'<g transform="translate({num(cx + 14)} {num(cy)})">{symbol}'
            f"{text(20, 0, label_lines, size=size, baseline='middle')}</g>"
        )
        cx += w
    height = cy + row_h / 2 - y
    return f'<g class="nc-legend">{"".join(items)}</g>', height


def line_symbol(style: Style) -> str:
    return f'<line x1="-14" y1="0" x2="14" y2="0" {stroke_attrs(style)} fill="none"/>' + marker(
        style.marker, 0, 0, style.color
    )


def box_symbol(color: str, *, pattern: str | None = None) -> str:
    fill = f"url(#{pattern})" if pattern else color
    return (
        f'<rect x="-9" y="-7" width="18" height="14" fill="{fill}" stroke="{AXIS_COLOR}" stroke-width="0.8"/>'
    )


# --------------------------------------------------------------------------- numbers


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (the usual 1-2-5 steps)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    if hi < lo:
        lo, hi = hi, lo
    if hi - lo <= 1e-9 * max(abs(hi), abs(lo), 1.0):
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step >= raw:
            break
    start = math.floor(lo / step + 1e-9) * step
    ticks = []
    value = start
    while value <= hi + step * 1e-9 + step * 0.999:
        ticks.append(round(value, 12))
        if value >= hi - step * 1e-9:
            break
        value += step
    return ticks


def tick_decimals(ticks: Sequence[float]) -> int:
    for decimals in range(0, 4):
        if all(abs(t * 10**decimals - round(t * 10**decimals)) < 1e-6 for t in ticks):
            return decimals
    return 3


def default_format(decimals: int = 1) -> Callable[[float | None], str]:
    def fmt(value: float | None) -> str:
        return fr_number(value, decimals, missing=MISSING)

    return fmt


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
