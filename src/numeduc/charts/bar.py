"""Bar charts: grouped or stacked, vertical or horizontal, negative values allowed."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from numeduc.text import fr_join

from . import _axes as a
from . import _svg as s
from .model import Chart, DataTable, Series

MISSING_MARK = "n.r."


def bar(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    horizontal: bool = False,
    stacked: bool = False,
    unit: str = "",
    value_format: Callable[[float | None], str] | None = None,
    title: str = "Diagramme en barres",
    description: str | None = None,
    id_prefix: str | None = None,
    demo: bool = False,
    source: str | None = None,
    value_labels: bool = True,
    axis_label: str | None = None,
    category_header: str = "Catégorie",
    show_title: bool = True,
) -> Chart:
    """Grouped (or ``stacked``) bars, one colour + fill pattern per series, legend, value
    labels on the bars, zero line. ``None`` values draw no bar and are marked "n.r."."""
    categories = [str(c) for c in categories]
    n_cat, n_ser = len(categories), len(series)
    if n_cat == 0 or n_ser == 0:
        raise ValueError("Il faut au moins une catégorie et une série.")
    for serie in series:
        if len(serie.values) != n_cat:
            raise ValueError(
                f"La série « {serie.name} » a {len(serie.values)} valeurs pour {n_cat} catégories."
            )
    values = [[None if s.is_missing(v) else float(v) for v in serie.values] for serie in series]
    flat = [v for row in values for v in row]
    names = [serie.name for serie in series]
    totals = [
        sum(v for v in (values[j][i] for j in range(n_ser)) if v is not None)
        if any(values[j][i] is not None for j in range(n_ser))
        else None
        for i in range(n_cat)
    ]
    fmt = a.unit_formatter(value_format, unit, flat + (totals if stacked else []))
    label_fmt = a.unit_formatter(value_format, unit, flat + (totals if stacked else []), compact=True)
    if description is None or not s.one_line(description):
        kind = "empilées" if stacked else "groupées"
        sens = "horizontales" if horizontal else "verticales"
        description = (
            f"Barres {sens} {kind} : {fr_join(names)}, pour {n_cat} catégorie{'s' if n_cat > 1 else ''}."
        )
    title, description = s.chart_title(title), s.sentence(description)
    prefix = s.make_prefix(id_prefix, "bar", title, categories, [(x.name, x.values) for x in series])
    styles = s.resolve_styles([serie.style for serie in series])
    colors = [st.color for st in styles]
    defs, fills = a.pattern_defs(prefix, colors)

    # Value extent: stacks add positives and negatives separately.
    if stacked:
        pos = [sum(v for v in (values[j][i] for j in range(n_ser)) if v and v > 0) for i in range(n_cat)]
        neg = [sum(v for v in (values[j][i] for j in range(n_ser)) if v and v < 0) for i in range(n_cat)]
        extent = pos + neg
    else:
        extent = [v for v in flat if v is not None]
    ticks = a.domain(extent, include_zero=True)
    tick_fmt = a.tick_formatter(ticks, unit)
    if axis_label is None and unit and len(unit) > 2:
        axis_label = unit

    width = 760.0
    body, y = s.title_block(width, title, show_title=show_title, demo=demo, defs=defs)
    y += 10
    if n_ser > 1 or stacked:
        entries = [
            (
                s.box_symbol(colors[j], pattern=fills[j][5:-1] if fills[j].startswith("url") else None),
                names[j],
            )
            for j in range(n_ser)
        ]
        legend_markup, legend_h = s.legend(entries, x=16, y=y, max_width=width - 32)
        body.append(legend_markup)
        y += legend_h + 4
    if axis_label:
        body.append(s.text(16, y + 10, axis_label, size=11, fill=s.MUTED_COLOR))
        y += 18

    label_size = 11.0
    label_widths = [s.text_width(label_fmt(v), label_size) for v in flat if v is not None]
    if stacked:
        label_widths += [s.text_width(label_fmt(t), label_size) for t in totals if t is not None]
    max_label_w = max(label_widths + [s.text_width(MISSING_MARK, label_size)])
    has_neg = min(extent + [0.0]) < 0
    bars: list[str] = []
    labels: list[str] = []

    if not horizontal:
        tick_w = max(s.text_width(tick_fmt(t), 11) for t in ticks)
        left = 16 + tick_w + 8
        right = width - 16
        band = (right - left) / n_cat
        inner = band * 0.78
        bar_w = inner if stacked else inner / n_ser
        rotate = value_labels and not stacked and max_label_w > bar_w + 2
        pad = (max_label_w + 8 if rotate else 18) if value_labels else 4
        plot_h = 300.0
        top = y + pad
        bottom = top + plot_h
        scale = a.Scale(ticks[0], ticks[-1], bottom, top)
        # room under the lowest negative bar for its label, when it overflows the plot
        neg_pad = 0.0
        if has_neg and value_labels:
            lows = [min(extent)] if stacked else [v for v in flat if v is not None and v < 0]
            for v in lows:
                need = scale(v) + (4 + max_label_w if rotate else 15) - bottom
                neg_pad = max(neg_pad, need)
        bottom_axis = bottom + neg_pad
        body.append(a.value_grid(scale, ticks, vertical_values=True, cross0=left, cross1=right, fmt=tick_fmt))
        zero = scale(0)
        cat_lines = 1
        for i, category in enumerate(categories):
            x0 = left + band * i + (band - inner) / 2
            up, down = 0.0, 0.0  # stack ends, in data units
            for j in range(n_ser):
                v = values[j][i]
                bx = x0 if stacked else x0 + bar_w * j
                if v is None:
                    if value_labels and not stacked:
                        labels.append(
                            s.text(
                                bx + bar_w / 2,
                                zero - 4,
                                MISSING_MARK,
                                size=9.5,
                                anchor="middle",
                                fill=s.MUTED_COLOR,
                            )
                        )
                    continue
                if stacked:
                    if v >= 0:
                        y0, y1 = scale(up), scale(up + v)
                        up += v
                    else:
                        y0, y1 = scale(down), scale(down + v)
                        down += v
                    top_px, bot_px = min(y0, y1), max(y0, y1)
                else:
                    top_px, bot_px = min(scale(v), zero), max(scale(v), zero)
                tip = f"{category} — {names[j]} : {fmt(v)}"
                bars.append(
                    f'<rect class="nc-bar nc-series-{j}" x="{s.num(bx)}" y="{s.num(top_px)}" '
                    f'width="{s.num(max(bar_w - 1, 1))}" height="{s.num(max(bot_px - top_px, 0.5))}" '
                    f'fill="{fills[j]}" stroke="{colors[j]}" stroke-width="0.8"><title>{s.esc(tip)}</title></rect>'
                )
                if not value_labels:
                    continue
                label = label_fmt(v)
                if stacked:
                    if bot_px - top_px >= 14 and s.text_width(label, 10.5) <= bar_w - 4:
                        labels.append(
                            s.text(
                                bx + bar_w / 2,
                                (top_px + bot_px) / 2,
                                label,
                                size=10.5,
                                anchor="middle",
                                baseline="middle",
                                extra=a.halo(),
                            )
                        )
                elif rotate:
                    ly = top_px - 4 if v >= 0 else bot_px + 4
                    anchor = "start" if v >= 0 else "end"
                    cxl = bx + bar_w / 2
                    labels.append(
                        s.text(
                            cxl,
                            ly,
                            label,
                            size=label_size,
                            anchor=anchor,
                            baseline="middle",
                            extra=f' transform="rotate(-90 {s.num(cxl)} {s.num(ly)})"',
                        )
                    )
                else:
                    ly = top_px - 5 if v >= 0 else bot_px + 13
                    labels.append(s.text(bx + bar_w / 2, ly, label, size=label_size, anchor="middle"))
            if stacked and value_labels and totals[i] is not None:
                total = totals[i]
                ly = scale(up) - 5 if total >= 0 else scale(down) + 13
                labels.append(
                    s.text(
                        x0 + bar_w / 2, ly, label_fmt(total), size=label_size, anchor="middle", weight="bold"
                    )
                )
            # category label under the plot
            lines = s.wrap(category, band - 4, 11.5, 3)
            cat_lines = max(cat_lines, len(lines))
            labels.append(
                s.text(
                    left + band * (i + 0.5),
                    bottom_axis + 16,
                    lines,
                    size=11.5,
                    anchor="middle",
                    extra=' class="nc-category"',
                )
            )
        height = bottom_axis + 16 + cat_lines * 11.5 * 1.2 + 4
    else:
        cat_size = 11.5
        cat_w = min(240.0, max(s.text_width(c, cat_size) for c in categories) + 4)
        left = 16 + cat_w + 8
        right_pad = (max_label_w + 10) if value_labels else 16
        left_pad = (max_label_w + 10) if value_labels and has_neg else 0
        x_lo, x_hi = left + left_pad, width - right_pad
        wrapped = any(len(s.wrap(c, cat_w, cat_size, 2)) > 1 for c in categories)
        band = max(36.0 if wrapped else 26.0, (1 if stacked else n_ser) * 17.0 + 12)
        inner = band - 8
        bar_h = inner if stacked else inner / n_ser
        top = y + 6
        bottom = top + band * n_cat
        scale = a.Scale(ticks[0], ticks[-1], x_lo, x_hi)
        body.append(
            a.value_grid(scale, ticks, vertical_values=False, cross0=top, cross1=bottom, fmt=tick_fmt)
        )
        zero = scale(0)
        for i, category in enumerate(categories):
            y0 = top + band * i + (band - inner) / 2
            right_end, left_end = 0.0, 0.0  # stack ends, in data units
            for j in range(n_ser):
                v = values[j][i]
                by = y0 if stacked else y0 + bar_h * j
                if v is None:
                    if value_labels and not stacked:
                        labels.append(
                            s.text(
                                zero + 4,
                                by + bar_h / 2,
                                MISSING_MARK,
                                size=9.5,
                                baseline="middle",
                                fill=s.MUTED_COLOR,
                            )
                        )
                    continue
                if stacked:
                    if v >= 0:
                        x0p, x1p = scale(right_end), scale(right_end + v)
                        right_end += v
                    else:
                        x0p, x1p = scale(left_end + v), scale(left_end)
                        left_end += v
                    lo_px, hi_px = min(x0p, x1p), max(x0p, x1p)
                else:
                    lo_px, hi_px = min(scale(v), zero), max(scale(v), zero)
                tip = f"{category} — {names[j]} : {fmt(v)}"
                bars.append(
                    f'<rect class="nc-bar nc-series-{j}" x="{s.num(lo_px)}" y="{s.num(by)}" '
                    f'width="{s.num(max(hi_px - lo_px, 0.5))}" height="{s.num(max(bar_h - 1, 1))}" '
                    f'fill="{fills[j]}" stroke="{colors[j]}" stroke-width="0.8"><title>{s.esc(tip)}</title></rect>'
                )
                if not value_labels:
                    continue
                label = label_fmt(v)
                if stacked:
                    if s.text_width(label, 10.5) <= hi_px - lo_px - 6 and bar_h >= 13:
                        labels.append(
                            s.text(
                                (lo_px + hi_px) / 2,
                                by + bar_h / 2,
                                label,
                                size=10.5,
                                anchor="middle",
                                baseline="middle",
                                extra=a.halo(),
                            )
                        )
                elif v >= 0:
                    labels.append(
                        s.text(hi_px + 4, by + bar_h / 2, label, size=label_size, baseline="middle")
                    )
                else:
                    labels.append(
                        s.text(
                            lo_px - 4, by + bar_h / 2, label, size=label_size, anchor="end", baseline="middle"
                        )
                    )
            if stacked and value_labels and totals[i] is not None:
                total = totals[i]
                if total >= 0:
                    labels.append(
                        s.text(
                            scale(right_end) + 4,
                            y0 + bar_h / 2,
                            label_fmt(total),
                            size=label_size,
                            weight="bold",
                            baseline="middle",
                        )
                    )
                else:
                    labels.append(
                        s.text(
                            scale(left_end) - 4,
                            y0 + bar_h / 2,
                            label_fmt(total),
                            size=label_size,
                            weight="bold",
                            anchor="end",
                            baseline="middle",
                        )
                    )
            lines = s.wrap(category, cat_w, cat_size, 2)
            labels.append(
                s.text(
                    left - 8,
                    top + band * (i + 0.5),
                    lines,
                    size=cat_size,
                    anchor="end",
                    baseline="middle",
                    extra=' class="nc-category"',
                )
            )
        height = bottom + 30

    body.append(f'<g class="nc-bars">{"".join(bars)}</g>')
    body.append(f'<g class="nc-labels">{"".join(labels)}</g>')
    if any(v is None for v in flat) and value_labels:
        body.append(s.text(16, height + 6, f"{MISSING_MARK} : non renseigné.", size=11, fill=s.MUTED_COLOR))
        height += 16
    svg = s.svg_root(
        width=width,
        height=height + 4,
        prefix=prefix,
        title=title,
        description=description,
        body=body,
        kind="bar",
        demo=demo,
        source=source,
    )
    headers = [category_header, *names] + (["Total"] if stacked and n_ser > 1 else [])
    rows = []
    for i, category in enumerate(categories):
        row = [category, *[fmt(values[j][i]) for j in range(n_ser)]]
        if stacked and n_ser > 1:
            row.append(fmt(totals[i]))
        rows.append(row)
    caption = s.caption(title, demo, source)
    return Chart(
        svg=svg,
        title=title,
        description=description,
        table=DataTable(caption=caption, headers=headers, rows=rows),
        demo=demo,
        kind="bar",
    )
