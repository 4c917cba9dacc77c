"""Any user text (control characters, markup, quotes, very long, empty) gives valid SVG with
the contract kept, for every chart type."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from numeduc.charts import (
    Band,
    Marker,
    Point,
    Series,
    bar,
    boxplot_strip,
    correlation_circle,
    dendrogram,
    distribution_strip,
    heatmap,
    line,
    radar,
    scatter,
    scree,
    tornado,
)
from numeduc.charts.validate import check_chart

label = st.text(max_size=120)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=label, b=label, c=label, demo=st.booleans())
def test_every_chart_survives_any_text(a, b, c, demo):
    charts = [
        radar([a, b, c], [Series(a, [1, None, 3])], title=b, demo=demo, source=c or None),
        bar([a, b], [Series(c, [1.5, -2])], title=a, unit=b[:3], demo=demo),
        line([a, b], [Series(c, [1, None])], title=c, demo=demo),
        scree([2.5, 1.0, 0.5], title=a, dim_prefix=b[:5], demo=demo),
        correlation_circle({a: (0.3, 0.4)}, supplementary={b: (-0.2, 0.1)}, dim_labels=(b, c), demo=demo),
        scatter([Point(a, 1, 2, b), Point(c, -1, 0, None)], x_label=a, y_label=b, demo=demo),
        heatmap(pd.DataFrame([[1.0, 0.2], [0.2, 1.0]], index=[a, b], columns=[a, c]), title=c, demo=demo),
        dendrogram(np.array([[-1, -2], [-3, 1]]), [1.0, 2.0], [a, b, c], cut_height=1.5, demo=demo),
        tornado([(a, 1, 3), (b, 2.5, 1)], 2, title=b, demo=demo),
        distribution_strip([Band(a, None, 10, 40), Band(b, 10, None, 60)], [Marker(c, 12)], demo=demo),
        boxplot_strip([1, 2, 3, 4], [Marker(a, 2.5)], title=c, demo=demo),
    ]
    ids = set()
    for chart in charts:
        root = check_chart(chart)
        ids.add(root.get("id"))
    assert len(ids) == len(charts)  # default prefixes differ between charts of one page
