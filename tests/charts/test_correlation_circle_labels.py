"""The correlation circle's labels never overlap: they stand outside the circle, nudged apart
(``_labels.around_circle``), each joined to its arrow tip by a leader line."""

from __future__ import annotations

import html
import itertools
import math
import re

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from numeduc import reference
from numeduc.analysis import wording
from numeduc.analysis.campaign import analyse_campaign
from numeduc.charts import _labels, correlation_circle
from numeduc.demo.dataset import split_answers
from numeduc.demo.selfdiag import generate_selfdiag_campaign


def label_boxes(svg: str) -> list[tuple[float, float, float, float, str]]:
    """Each label of the chart as the box its text takes, estimated from its font size."""
    group = re.search(r'<g class="nc-labels">(.*?)</g>', svg)
    assert group
    boxes = []
    pattern = (
        r'<text x="([-\d.]+)" y="([-\d.]+)" font-size="([\d.]+)"(?: text-anchor="(\w+)")?[^>]*>([^<]*)</text>'
    )
    for x, y, size, anchor, text in re.findall(pattern, group.group(1)):
        x0, y0, x1, y1 = _labels.label_box(
            float(x), float(y), anchor or "start", html.unescape(text), float(size)
        )
        boxes.append((x0, y0, x1, y1, html.unescape(text)))
    return boxes


def overlapping(boxes) -> list[tuple[str, str]]:
    return [
        (a[4], b[4])
        for a, b in itertools.combinations(boxes, 2)
        if min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])
    ]


def demo_circle_svg() -> tuple[str, int]:
    rows = generate_selfdiag_campaign(reference.departements(), 2017, seed=2017)
    answers = pd.DataFrame({code: split_answers(rows.loc[code])[0] for code in rows.index}).T
    p = analyse_campaign(answers, reference.departements()).pca
    coords = {
        f"F{f} {wording.FACTOR_SHORT_LABELS[int(f)]}": (
            p.var_coord.loc[f, "Dim.1"],
            p.var_coord.loc[f, "Dim.2"],
        )
        for f in p.var_coord.index
    }
    sup = {
        wording.DEMOGRAPHIC_INDICATORS[i]: (p.supplementary.loc[i, "Dim.1"], p.supplementary.loc[i, "Dim.2"])
        for i in p.supplementary.index
    }
    chart = correlation_circle(coords, supplementary=sup, dim_labels=("Axe 1", "Axe 2"), demo=True)
    return chart.svg, len(coords) + len(sup)


def test_no_two_labels_of_the_demo_campaign_circle_meet():
    svg, n = demo_circle_svg()
    boxes = label_boxes(svg)
    assert len(boxes) == n  # every label drawn, none dropped
    assert overlapping(boxes) == []
    # every label has its leader line, and the labels fit in the drawing
    assert svg.count("<line x1=", svg.index('class="nc-leaders"'), svg.index('class="nc-arrows"')) == n
    width, height = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())
    assert all(0 <= b[0] and b[2] <= width and 0 <= b[1] and b[3] <= height for b in boxes)


def test_many_arrows_pointing_the_same_way_still_get_separate_labels():
    # 13 factors all correlated with axis 1 (the usual case): their tips crowd one small arc.
    coords = {f"Facteur numéro {i}": (0.9, 0.02 * i - 0.1) for i in range(13)}
    boxes = label_boxes(correlation_circle(coords).svg)
    assert len(boxes) == 13 and overlapping(boxes) == []


points = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=2 * math.pi, allow_nan=False),
        st.floats(min_value=0, max_value=1, allow_nan=False),
        st.text(alphabet="abcdefghijéÉW 0123456789", min_size=1, max_size=30),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=150, deadline=None)
@given(points)
def test_around_circle_never_overlaps_and_keeps_every_label(arrows):
    cx, cy, r = 400.0, 300.0, 230.0
    items = [(cx + math.cos(t) * k * r, cy - math.sin(t) * k * r, text, 11.5) for t, k, text in arrows]
    placed = _labels.around_circle(items, cx=cx, cy=cy, radius=r + 16, top=20.0)
    assert len(placed) == len(items)
    boxes = [(*p.box, str(i)) for i, p in enumerate(placed)]
    assert overlapping(boxes) == []
    assert all(p.box[1] >= 20.0 - 1e-9 for p in placed)
    # a label stays on its arrow's side of the circle
    for (x, _y, _t, _s), p in zip(items, placed):
        assert (p.x >= cx) == (x >= cx)
