"""Heat map of a matrix (correlations by default): diverging colour scale, values written in
the cells, significance marks, colour legend bar."""

from __future__ import annotations

from collections.abc import Sequence

from numeduc.formatting import fr_number

from . import _axes as a
from . import _svg as s
from .model import Chart, DataTable

# ColorBrewer RdBu (colour-blind safe), reversed: blue for negative, red for positive.
DIVERGING = [
    "#2166ac",
    "#4393c3",
    "#92c5de",
    "#d1e5f0",
    "#f7f7f7",
    "#fddbc7",
    "#f4a582",
    "#d6604d",
    "#b2182b",
]
# ColorBrewer Blues for one-sided values.
SEQUENTIAL = [
    "#f7fbff",
    "#deebf7",
    "#c6dbef",
    "#9ecae1",
    "#6baed6",
    "#4292c6",
    "#2171b5",
    "#08519c",
    "#08306b",
]


def _hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def _rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return tuple(int(color[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def ramp(colors: Sequence[str], t: float) -> str:
    """Colour at ``t`` in [0, 1] along ``colors`` (linear in RGB between stops)."""
    t = min(max(t, 0.0), 1.0)
    pos = t * (len(colors) - 1)
    i = min(int(pos), len(colors) - 2)
    f = pos - i
    c0, c1 = _rgb(colors[i]), _rgb(colors[i + 1])
    return _hex([c0[k] + (c1[k] - c0[k]) * f for k in range(3)])


def heatmap(
    matrix,
    *,
    vmin: float = -1.0,
    vmax: float = 1.0,
    annotate: bool = True,
    mark=None,
    mark_symbol: str = "*",
    mark_label: str = "* : corrélation significative (p < 0,05)",
    decimals: int = 2,
    diverging: bool = True,
    title: str = "Matrice des corrélations",
    description: str | None = None,
    id_prefix: str | None = None,
    demo: bool = False,
    source: str | None = None,
    corner_header: str = "",
    show_title: bool = True,
) -> Chart:
    """``matrix`` is a pandas DataFrame (rows x columns, labels from its index/columns);
    ``mark`` a boolean DataFrame of the same shape (True: write ``mark_symbol``)."""
    row_labels = [str(r) for r in matrix.index]
    col_labels = [str(c) for c in matrix.columns]
    values = [
        [None if s.is_missing(v) else float(v) for v in row] for row in matrix.to_numpy(dtype=float).tolist()
    ]
    n_rows, n_cols = len(row_labels), len(col_labels)
    if n_rows == 0 or n_cols == 0:
        raise ValueError("Matrice vide.")
    if vmax <= vmin:
        raise ValueError("vmax doit être supérieur à vmin.")
    marks = [[False] * n_cols for _ in range(n_rows)]
    if mark is not None:
        if tuple(mark.shape) != (n_rows, n_cols):
            raise ValueError("mark doit avoir la même forme que la matrice.")
        marks = [[bool(v) for v in row] for row in mark.to_numpy().tolist()]
    colors = DIVERGING if diverging else SEQUENTIAL
    n_marked = sum(map(sum, marks))
    if description is None or not s.one_line(description):
        what = "corrélations" if diverging and vmin == -1 and vmax == 1 else "valeurs"
        extra = (
            f", {n_marked} marquée{'s' if n_marked > 1 else ''} « {mark_symbol} »" if mark is not None else ""
        )
        description = f"Carte de chaleur des {what} entre {n_rows} lignes et {n_cols} colonnes{extra}."
    title, description = s.chart_title(title), s.sentence(description)
    prefix = s.make_prefix(id_prefix, "heatmap", title, row_labels, col_labels, values, marks)

    def fmt(v: float | None) -> str:
        return fr_number(v, decimals, missing=s.MISSING)

    width = 760.0
    defs = (
        f'<defs><pattern id="{prefix}-missing" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{s.MISSING_FILL}"/>'
        '<path d="M0 0L6 6M-1 5L1 7M5 -1L7 1" stroke="#8a8a8a" stroke-width="0.8"/></pattern>'
        f'<linearGradient id="{prefix}-scale" x1="0" y1="1" x2="0" y2="0">'
        + "".join(
            f'<stop offset="{i / (len(colors) - 1):.3f}" stop-color="{c}"/>' for i, c in enumerate(colors)
        )
        + "</linearGradient></defs>"
    )
    body, y = s.title_block(width, title, show_title=show_title, demo=demo, defs=defs)
    label_size = 11.0
    row_w = min(220.0, max(s.text_width(r, label_size) for r in row_labels) + 4)
    legend_w = 70.0
    left = 16 + row_w + 8
    cell = min(52.0, (width - left - legend_w - 16) / n_cols)
    # column labels rotated -45°: their height is their width * sin 45°
    col_max = min(200.0, max(s.text_width(c, label_size) for c in col_labels) + 4)
    last_x = left + cell * (n_cols - 0.5)
    col_max = max(40.0, min(col_max, (width - 8 - last_x) / 0.72))
    top = y + 16 + col_max * 0.72
    value_size = min(11.0, cell / 3.6)
    grid_w = cell * n_cols
    cells, texts = [], []
    for i, rlabel in enumerate(row_labels):
        cy = top + cell * i
        for j, clabel in enumerate(col_labels):
            cx = left + cell * j
            v = values[i][j]
            if v is None:
                fill = f"url(#{prefix}-missing)"
                ink = s.TEXT_COLOR
            else:
                fill = ramp(colors, (v - vmin) / (vmax - vmin))
                ink = a.text_on(fill)
            label = fmt(v) if v is not None else "n.d."
            tip = f"{rlabel} × {clabel} : {fmt(v)}" + (f" {mark_symbol}" if marks[i][j] else "")
            cells.append(
                f'<rect class="nc-cell" x="{s.num(cx)}" y="{s.num(cy)}" width="{s.num(cell)}" '
                f'height="{s.num(cell)}" fill="{fill}" stroke="#ffffff" stroke-width="1">'
                f"<title>{s.esc(tip)}</title></rect>"
            )
            content = ""
            if annotate and v is not None:
                content = label
            if marks[i][j]:
                content = f"{content}{mark_symbol}" if content else mark_symbol
            if content and s.text_width(content, value_size) <= cell - 2:
                texts.append(
                    s.text(
                        cx + cell / 2,
                        cy + cell / 2,
                        content,
                        size=value_size,
                        anchor="middle",
                        baseline="middle",
                        fill=ink,
                        extra=' class="nc-mark"' if marks[i][j] else "",
                    )
                )
        lines = s.wrap(s.short_label(rlabel), row_w, label_size, 2 if cell >= 28 else 1)
        texts.append(
            s.text(
                left - 6,
                cy + cell / 2,
                lines,
                size=label_size,
                anchor="end",
                baseline="middle",
                extra=' class="nc-row-label"',
            )
        )
    for j, clabel in enumerate(col_labels):
        x = left + cell * (j + 0.5)
        lines = s.wrap(s.short_label(clabel), col_max, label_size, 1)
        texts.append(
            s.text(
                x,
                top - 6,
                lines,
                size=label_size,
                extra=f' class="nc-col-label" transform="rotate(-45 {s.num(x)} {s.num(top - 6)})"',
            )
        )
    body.append(f'<g class="nc-cells">{"".join(cells)}</g>')
    body.append(f'<g class="nc-labels">{"".join(texts)}</g>')
    # legend bar
    bar_x = left + grid_w + 24
    bar_h = min(220.0, max(cell * n_rows, 120.0))
    body.append(
        f'<rect class="nc-scale" x="{s.num(bar_x)}" y="{s.num(top)}" width="14" height="{s.num(bar_h)}" '
        f'fill="url(#{prefix}-scale)" stroke="{s.AXIS_COLOR}" stroke-width="0.6"/>'
    )
    ticks = [t for t in s.nice_ticks(vmin, vmax, 4) if vmin - 1e-9 <= t <= vmax + 1e-9]
    tfmt = a.tick_formatter(ticks)
    for t in ticks:
        ty = top + bar_h * (1 - (t - vmin) / (vmax - vmin))
        body.append(
            f'<line x1="{s.num(bar_x + 14)}" y1="{s.num(ty)}" x2="{s.num(bar_x + 18)}" y2="{s.num(ty)}" '
            f'stroke="{s.AXIS_COLOR}"/>'
        )
        body.append(s.text(bar_x + 21, ty, tfmt(t), size=10, baseline="middle", fill=s.MUTED_COLOR))
    height = max(top + cell * n_rows, top + bar_h) + 14
    notes = []
    if mark is not None and n_marked:
        notes.append(mark_label)
    if any(v is None for row in values for v in row):
        notes.append("case hachurée : non renseigné")
    if notes:
        body.append(s.text(16, height + 4, " ; ".join(notes) + ".", size=11, fill=s.MUTED_COLOR))
        height += 16
    svg = s.svg_root(
        width=width,
        height=height + 4,
        prefix=prefix,
        title=title,
        description=description,
        body=body,
        kind="heatmap",
        demo=demo,
        source=source,
    )
    rows = [
        [rlabel, *[fmt(values[i][j]) + (f" {mark_symbol}" if marks[i][j] else "") for j in range(n_cols)]]
        for i, rlabel in enumerate(row_labels)
    ]
    caption = s.caption(title, demo, source)
    if mark is not None and n_marked:
        caption += f" ; {mark_label}"
    return Chart(
        svg=svg,
        title=title,
        description=description,
        table=DataTable(caption=caption, headers=[corner_header, *col_labels], rows=rows),
        demo=demo,
        kind="heatmap",
    )
