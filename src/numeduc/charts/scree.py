"""Scree plot ("éboulis des valeurs propres") of a PCA: bars and cumulative percentage."""

from __future__ import annotations

from collections.abc import Sequence

from numeduc.formatting import fr_number, fr_percent

from . import _axes as a
from . import _svg as s
from .model import Chart, DataTable


def scree(
    eigenvalues: Sequence[float],
    *,
    title: str = "Éboulis des valeurs propres",
    description: str | None = None,
    id_prefix: str | None = None,
    demo: bool = False,
    source: str | None = None,
    dim_prefix: str = "Dim.",
    reference_line: float | None = None,
    reference_label: str | None = None,
    decimals: int = 3,
    show_title: bool = True,
) -> Chart:
    """Bars: eigenvalues (left axis) with their share of variance written above; line: the
    cumulative percentage of variance (right axis, 0-100 %). ``reference_line`` draws a
    horizontal dashed line, e.g. 1 for Kaiser's rule on a normed PCA."""
    values = [float(v) for v in eigenvalues]
    if not values:
        raise ValueError("Aucune valeur propre.")
    if any(v < 0 or s.is_missing(v) for v in values):
        raise ValueError("Les valeurs propres doivent être positives ou nulles.")
    total = sum(values)
    shares = [100 * v / total if total else 0.0 for v in values]
    cumulative = []
    running = 0.0
    for share in shares:
        running += share
        cumulative.append(running)
    n = len(values)
    dims = [f"{dim_prefix}{i + 1}" for i in range(n)]
    if description is None or not s.one_line(description):
        k = next((i + 1 for i, c in enumerate(cumulative) if c >= 70 - 1e-9), n)
        description = (
            f"Éboulis de {n} valeurs propres : "
            f"{'la première dimension explique' if k == 1 else f'les {k} premières dimensions expliquent'} "
            f"{fr_percent(cumulative[k - 1])} de la variance."
        )
    title, description = s.chart_title(title), s.sentence(description)
    prefix = s.make_prefix(id_prefix, "scree", title, values)

    width = 760.0
    body, y = s.title_block(width, title, show_title=show_title, demo=demo)
    y += 10
    bar_style = s.STYLES["primary"]
    line_style = s.STYLES["secondary"]
    entries = [
        (s.box_symbol(bar_style.color), "Valeur propre (axe de gauche)"),
        (s.line_symbol(line_style), "Pourcentage cumulé de variance (axe de droite)"),
    ]
    if reference_line is not None:
        ref_text = reference_label or f"Seuil {fr_number(reference_line, 2).rstrip('0').rstrip(',')}"
        entries.append(
            (
                f'<line x1="-14" y1="0" x2="14" y2="0" stroke="{s.AXIS_COLOR}" stroke-width="1.5" '
                f'stroke-dasharray="3 3"/>',
                ref_text,
            )
        )
    legend_markup, legend_h = s.legend(entries, x=16, y=y, max_width=width - 32)
    body.append(legend_markup)
    y += legend_h + 6

    ticks = a.domain(values + ([reference_line] if reference_line is not None else []), include_zero=True)
    tick_fmt = a.tick_formatter(ticks)
    pct_ticks = [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    left = 16 + max(s.text_width(tick_fmt(t), 11) for t in ticks) + 8
    right = width - 16 - s.text_width("100\u00a0%", 11) - 8
    top = y + 24
    bottom = top + 270
    scale = a.Scale(ticks[0], ticks[-1], bottom, top)
    pct = a.Scale(0.0, 100.0, bottom, top)
    body.append(a.value_grid(scale, ticks, vertical_values=True, cross0=left, cross1=right, fmt=tick_fmt))
    # right axis labels only (its grid would double the left one)
    for t in pct_ticks:
        body.append(
            s.text(right + 6, pct(t), fr_percent(t, 0), size=11, baseline="middle", fill=s.MUTED_COLOR)
        )
    body.append(
        f'<line x1="{s.num(right)}" y1="{s.num(top)}" x2="{s.num(right)}" y2="{s.num(bottom)}" '
        f'stroke="{s.GRID_COLOR}"/>'
    )

    band = (right - left) / n
    bar_w = band * 0.62
    bars, labels, pts = [], [], []
    share_size = 11.0 if band > 44 else 9.5
    show_share = s.text_width(fr_percent(max(shares)), share_size) <= band - 2
    for i, v in enumerate(values):
        cx = left + band * (i + 0.5)
        y_top = scale(v)
        tip = f"{dims[i]} : valeur propre {fr_number(v, decimals)}, {fr_percent(shares[i])} de la variance"
        bars.append(
            f'<rect class="nc-bar" x="{s.num(cx - bar_w / 2)}" y="{s.num(y_top)}" width="{s.num(bar_w)}" '
            f'height="{s.num(max(bottom - y_top, 0.5))}" fill="{bar_style.color}"><title>{s.esc(tip)}</title></rect>'
        )
        if show_share:
            labels.append(
                s.text(cx, y_top - 5, fr_percent(shares[i]), size=share_size, anchor="middle", extra=a.halo())
            )
        if band >= s.text_width(dims[i], 11) + 4 or i % 2 == 0:
            labels.append(
                s.text(cx, bottom + 16, dims[i], size=11, anchor="middle", extra=' class="nc-x-label"')
            )
        pts.append((cx, pct(cumulative[i])))
    d = "".join(f"{'L' if i else 'M'}{s.num(x)} {s.num(yv)}" for i, (x, yv) in enumerate(pts))
    cum = [
        f'<g class="nc-series nc-cumulative"><path class="nc-series-line" d="{d}" fill="none" '
        f"{s.stroke_attrs(line_style)}/>"
    ]
    for i, (x, yv) in enumerate(pts):
        cum.append(
            f'<g class="nc-point"><title>{s.esc(f"{dims[i]} : {fr_percent(cumulative[i])} cumulés")}</title>'
            f"{s.marker(line_style.marker, x, yv, line_style.color, 3.8)}</g>"
        )
    cum.append("</g>")
    body.append(f'<g class="nc-bars">{"".join(bars)}</g>')
    if reference_line is not None:
        ry = scale(reference_line)
        body.append(
            f'<line class="nc-reference" x1="{s.num(left)}" y1="{s.num(ry)}" x2="{s.num(right)}" '
            f'y2="{s.num(ry)}" stroke="{s.AXIS_COLOR}" stroke-width="1.5" stroke-dasharray="3 3"/>'
        )
    body.append("".join(cum))
    body.append(f'<g class="nc-labels">{"".join(labels)}</g>')
    height = bottom + 30
    svg = s.svg_root(
        width=width,
        height=height,
        prefix=prefix,
        title=title,
        description=description,
        body=body,
        kind="scree",
        demo=demo,
        source=source,
    )
    rows = [
        [dims[i], fr_number(values[i], decimals), fr_percent(shares[i], 2), fr_percent(cumulative[i], 2)]
        for i in range(n)
    ]
    caption = s.caption(title, demo, source)
    table = DataTable(
        caption=caption,
        headers=["Dimension", "Valeur propre", "Pourcentage de variance", "Pourcentage cumulé"],
        rows=rows,
    )
    return Chart(svg=svg, title=title, description=description, table=table, demo=demo, kind="scree")
