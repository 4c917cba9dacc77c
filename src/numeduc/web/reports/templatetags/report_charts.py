"""``{{ chart|report_figure:pdf }}``: a :class:`numeduc.charts.Chart` in a report.

On the page, the chart's own ``figure_html`` (inline SVG with its title and description, the
data table in a closed ``<details>``), as the other pages show it. In the PDF, the same SVG as
an image whose ``alt`` is the chart's description (WeasyPrint writes it as the tagged Figure's
alternate text) and a caption with the title and that description: vector, not a bitmap."""

from __future__ import annotations

import base64

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def report_figure(chart, pdf: bool = False) -> SafeString:
    if chart is None:
        return mark_safe("")
    if not pdf:
        return mark_safe(chart.figure_html(min_width=320))
    source = base64.b64encode(chart.svg.encode("utf-8")).decode("ascii")
    return mark_safe(
        f'<figure class="report-figure nc-{escape(chart.kind)}">'
        f'<img src="data:image/svg+xml;base64,{source}" alt="{escape(chart.description)}">'
        f"<figcaption><strong>{escape(chart.title)}.</strong> {escape(chart.description)}</figcaption>"
        "</figure>"
    )
