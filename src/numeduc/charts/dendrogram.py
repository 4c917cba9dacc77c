"""Dendrogram of a hierarchical clustering, drawn horizontally (labels stay readable), with
the cut line and leaves coloured by group."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from numeduc.formatting import fr_number

from . import _axes as a
from . import _svg as s
from .model import Chart, DataTable


def normalise_merge(merge, heights=None) -> tuple[list[tuple[int, int]], list[float], int]:
    """Accept R's ``hclust$merge`` (n-1 x 2, negative = observation -i, positive = step j,
    both 1-based) with ``heights``, or SciPy's linkage matrix (n-1 x 4: i, j, distance,
    size; observations 0..n-1, step k makes node n+k). Returns merges in R's convention
    and the heights."""
    rows = [list(map(float, row)) for row in (merge.tolist() if hasattr(merge, "tolist") else merge)]
    if not rows:
        raise ValueError("Matrice de fusion vide.")
    n = len(rows) + 1
    width = len(rows[0])
    is_r = width == 2 and any(v < 0 for row in rows for v in row[:2])
    if is_r:
        if heights is None:
            raise ValueError("Les hauteurs (hclust$height) sont nécessaires avec la convention R.")
        pairs = [(int(r[0]), int(r[1])) for r in rows]
    else:
        if heights is None:
            if width < 3:
                raise ValueError("Les hauteurs sont nécessaires.")
            heights = [r[2] for r in rows]

        def convert(v: float) -> int:
            v = int(v)
            return -(v + 1) if v < n else v - n + 1

        pairs = [(convert(r[0]), convert(r[1])) for r in rows]
    heights = [float(h) for h in heights]
    if len(heights) != n - 1:
        raise ValueError(f"{len(heights)} hauteurs pour {n - 1} fusions.")
    for step, (left, right) in enumerate(pairs, start=1):
        for v in (left, right):
            if v == 0 or v < -n or v >= step:
                raise ValueError(f"Fusion {step} invalide : {left}, {right}.")
    return pairs, heights, n


def leaf_order(pairs: Sequence[tuple[int, int]]) -> list[int]:
    """Observations (0-based) in drawing order: left subtree before right, as R draws."""

    def walk(node: int) -> list[int]:
        if node < 0:
            return [-node - 1]
        left, right = pairs[node - 1]
        return walk(left) + walk(right)

    return walk(len(pairs))


def cut_groups(
    pairs: Sequence[tuple[int, int]], heights: Sequence[float], n: int, cut_height: float
) -> list[int]:
    """Group number of each observation when cutting the tree at ``cut_height`` (merges at
    heights <= cut are kept), numbered 1.. in the order of the observations like R's
    ``cutree(tree, h = cut_height)``."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    representative = {}
    for step, ((left, right), h) in enumerate(zip(pairs, heights), start=1):
        l_rep = -left - 1 if left < 0 else representative[left]
        r_rep = -right - 1 if right < 0 else representative[right]
        if h <= cut_height:
            parent[find(r_rep)] = find(l_rep)
        representative[step] = l_rep
    numbering: dict[int, int] = {}
    groups = [0] * n
    for obs in range(n):
        root = find(obs)
        numbering.setdefault(root, len(numbering) + 1)
        groups[obs] = numbering[root]
    return groups


def _ring(x: float, y: float) -> str:
    """The mark of a ``marked`` leaf: a dark ring around its group marker (shape, not colour)."""
    return f'<circle cx="{s.num(x)}" cy="{s.num(y)}" r="7" fill="none" stroke="{s.TEXT_COLOR}" stroke-width="1.5"/>'


def dendrogram(
    merge,
    heights: Sequence[float] | None = None,
    labels: Sequence[str] | None = None,
    *,
    cut_height: float | None = None,
    groups: Sequence[int | str] | None = None,
    colours: Mapping[str, str] | None = None,
    group_sizes: Mapping[str, int] | None = None,
    marked: Collection[int] = (),
    marked_label: str = "marqué",
    title: str = "Classification hiérarchique",
    description: str | None = None,
    id_prefix: str | None = None,
    demo: bool = False,
    source: str | None = None,
    height_label: str = "Hauteur",
    label_header: str = "Individu",
    decimals: int = 2,
    show_title: bool = True,
) -> Chart:
    """Leaves listed top to bottom with their labels on the left, branches growing to the
    right up to the root; the cut is a dashed vertical line. ``groups`` (one per observation,
    in the input order) colours leaves and their branches; without it, the groups come from
    ``cut_height``. ``colours`` (group -> colour, from ``_svg.category_colours``) gives each
    group the colour other charts give it, and the legend their order. ``group_sizes`` replaces
    the legend's counts of leaves (when the groups hold members that are not in the tree).
    ``marked`` (observations, input order) get a ring around their marker and ``marked_label``
    in the legend and the table: e.g. the members a later step moved to another group."""
    pairs, hs, n = normalise_merge(merge, heights)
    labels = [str(x) for x in labels] if labels is not None else [str(i + 1) for i in range(n)]
    if len(labels) != n:
        raise ValueError(f"{len(labels)} libellés pour {n} individus.")
    if groups is None and cut_height is not None:
        groups = cut_groups(pairs, hs, n, cut_height)
    group_names: list[str] = []
    if groups is not None:
        if len(groups) != n:
            raise ValueError(f"{len(groups)} groupes pour {n} individus.")
        group_of = [str(g) for g in groups]
        order = leaf_order(pairs)
        present = set(group_of)
        group_names = [g for g in (colours or {}) if g in present]
        for obs in order:
            if group_of[obs] not in group_names:
                group_names.append(group_of[obs])
    else:
        group_of = [None] * n  # type: ignore[list-item]
    marked = {int(i) for i in marked}
    if any(not 0 <= i < n for i in marked):
        raise ValueError(f"Individu marqué hors de 0..{n - 1}.")
    style_of = {g: s.group_style(g, i, colours) for i, g in enumerate(group_names)}
    if description is None or not s.one_line(description):
        cut = f", coupé à la hauteur {fr_number(cut_height, decimals)}" if cut_height is not None else ""
        grp = f" en {len(group_names)} groupe{'s' if len(group_names) > 1 else ''}" if group_names else ""
        description = f"Dendrogramme de {n} individus{cut}{grp}."
    title, description = s.chart_title(title), s.sentence(description)
    prefix = s.make_prefix(id_prefix, "dendrogram", title, pairs, hs, labels, group_of)

    width = 760.0
    body, y = s.title_block(width, title, show_title=show_title, demo=demo)
    y += 8
    if group_names:
        counts = {g: (group_sizes or {}).get(g, group_of.count(g)) for g in group_names}
        entries = [
            (
                s.marker(style_of[g][1], 0, 0, style_of[g][0], 5),
                f"Groupe {g} ({counts[g]})" if g.isdigit() else f"{g} ({counts[g]})",
            )
            for g in group_names
        ]
        if marked:
            entries.append((_ring(0, 0), f"{marked_label} ({len(marked)})"))
        legend_markup, legend_h = s.legend(entries, x=16, y=y, max_width=width - 32)
        body.append(legend_markup)
        y += legend_h
    label_size = 11.0 if n <= 40 else 9.5
    row_h = max(label_size * 1.35, min(22.0, 420.0 / n))
    label_w = min(220.0, max(s.text_width(x, label_size) for x in labels) + 4)
    marker_room = 14 if group_names else 0
    left = 16 + label_w + 6 + marker_room
    right = width - 24
    top = y + 12
    ticks = a.domain(hs + ([cut_height] if cut_height is not None else []), include_zero=True)
    scale = a.Scale(ticks[0], ticks[-1], left, right)
    bottom = top + row_h * n
    tfmt = a.tick_formatter(ticks)
    body.append(a.value_grid(scale, ticks, vertical_values=False, cross0=top - 4, cross1=bottom, fmt=tfmt))
    body.append(
        s.text((left + right) / 2, bottom + 34, height_label, size=11.5, anchor="middle", weight="bold")
    )

    order = leaf_order(pairs)
    ypos: dict[int, float] = {}  # node id (negative leaves, positive steps) -> y
    node_group: dict[int, str | None] = {}
    leaves = []
    for rank, obs in enumerate(order):
        ly = top + row_h * (rank + 0.5)
        ypos[-(obs + 1)] = ly
        node_group[-(obs + 1)] = group_of[obs]
        g = group_of[obs]
        tip = f"{labels[obs]}" + ("" if g is None else f" : groupe {g}" if g.isdigit() else f" : {g}")
        mark = ""
        if g is not None:
            color, shape = style_of[g]
            mark = s.marker(shape, left - 8, ly, color, 4)
        if obs in marked:
            mark += _ring(left - 8, ly)
            tip += f" ({marked_label})"
        text_x = left - 6 - marker_room
        lines = s.wrap(labels[obs], label_w, label_size, 1)
        leaves.append(
            f'<g class="nc-leaf"><title>{s.esc(tip)}</title>{mark}'
            f"{s.text(text_x, ly, lines, size=label_size, anchor='end', baseline='middle')}</g>"
        )
    links = []
    for step, ((l_node, r_node), h) in enumerate(zip(pairs, hs), start=1):
        y1, y2 = ypos[l_node], ypos[r_node]
        x1 = scale(0.0 if l_node < 0 else hs[l_node - 1])
        x2 = scale(0.0 if r_node < 0 else hs[r_node - 1])
        xh = scale(h)
        ypos[step] = (y1 + y2) / 2
        gl, gr = node_group[l_node], node_group[r_node]
        node_group[step] = gl if gl == gr else None
        same = gl is not None and gl == gr
        color = style_of[gl][0] if same else s.AXIS_COLOR
        width_px = "2" if same else "1.4"
        links.append(
            f'<path class="nc-link" d="M{s.num(x1)} {s.num(y1)}H{s.num(xh)}V{s.num(y2)}H{s.num(x2)}" '
            f'fill="none" stroke="{color}" stroke-width="{width_px}">'
            f"<title>{s.esc(f'Fusion {step} à la hauteur {fr_number(h, decimals)}')}</title></path>"
        )
    body.append(f'<g class="nc-links">{"".join(links)}</g>')
    body.append(f'<g class="nc-leaves">{"".join(leaves)}</g>')
    if cut_height is not None:
        cx = scale(cut_height)
        body.append(
            f'<line class="nc-cut" x1="{s.num(cx)}" y1="{s.num(top - 8)}" x2="{s.num(cx)}" y2="{s.num(bottom)}" '
            f'stroke="#000000" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        label = f"coupure à {fr_number(cut_height, decimals)}"
        anchor = "end" if cx > (left + right) / 2 else "start"
        body.append(
            s.text(
                cx + (-4 if anchor == "end" else 4), top - 2, label, size=11, anchor=anchor, extra=a.halo()
            )
        )
    height = bottom + 44
    svg = s.svg_root(
        width=width,
        height=height,
        prefix=prefix,
        title=title,
        description=description,
        body=body,
        kind="dendrogram",
        demo=demo,
        source=source,
    )
    headers = ["Rang", label_header] + (["Groupe"] if group_names else []) + (["Remarque"] if marked else [])
    rows = []
    for rank, obs in enumerate(order, start=1):
        row = [str(rank), labels[obs]]
        if group_names:
            row.append(group_of[obs])
        if marked:
            row.append(marked_label if obs in marked else "")
        rows.append(row)
    caption = s.caption(title, demo, source)
    return Chart(
        svg=svg,
        title=title,
        description=description,
        table=DataTable(caption=caption, headers=headers, rows=rows, row_header=1),
        demo=demo,
        kind="dendrogram",
    )
