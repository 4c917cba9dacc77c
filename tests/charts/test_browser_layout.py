"""Layout checks in headless Chromium: no text cut off by the viewBox, no two texts
overlapping, on every gallery chart and on charts with awkward (long, many) labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from numeduc.charts import Band, Marker, Series, bar, distribution_strip, heatmap, line, radar, tornado
from numeduc.charts.gallery import FACTORS, SAMPLES

pytestmark = [pytest.mark.browser, pytest.mark.slow]


LAYOUT_JS = """
() => {
  const out = [];
  for (const svg of document.querySelectorAll('svg.nc-chart')) {
    const vb = svg.viewBox.baseVal;
    const s = svg.getBoundingClientRect();
    const k = vb.width / s.width;
    const boxes = [];
    for (const t of svg.querySelectorAll('text')) {
      if (t.closest('.nc-demo')) continue;  // the watermark overlaps on purpose
      const r = t.getBoundingClientRect();
      const box = {x0: (r.left - s.left) * k, y0: (r.top - s.top) * k,
                   x1: (r.right - s.left) * k, y1: (r.bottom - s.top) * k, t: t.textContent};
      // the bounding box of a rotated text is far larger than the text: only the cut-off
      // check applies to it
      if (!(t.getAttribute('transform') || '').includes('rotate')) boxes.push(box);
      if (box.x0 < -0.5 || box.y0 < -0.5 || box.x1 > vb.width + 0.5 || box.y1 > vb.height + 0.5)
        out.push(svg.id + ': cut off: ' + box.t);
    }
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
      const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
      if (w > 2 && h > 3) out.push(svg.id + ': overlap: ' + a.t + ' / ' + b.t);
    }
  }
  return [document.querySelectorAll('svg.nc-chart text').length, out];
}
"""

LONG = "Un libellé de catégorie vraiment très long saisi par un utilisateur pressé"


def awkward_charts():
    many = [f"Catégorie {i}" for i in range(14)]
    return [
        bar(
            [LONG, "court", LONG + " bis"],
            [Series("Série A", [1234567.891, -2500, 3]), Series(LONG, [5, 6, None])],
            unit="€",
            id_prefix="aw1",
        ),
        bar(many, [Series("x", [i * 1000.5 for i in range(14)])], horizontal=True, id_prefix="aw2"),
        bar(
            many, [Series("x", list(range(14))), Series("y", list(range(14)))], stacked=True, id_prefix="aw3"
        ),
        line(
            [f"sem. {i}" for i in range(52)],
            [Series(LONG, [i * 1.5 for i in range(52)]), Series("b", [i * 1.5 + 0.1 for i in range(52)])],
            id_prefix="aw4",
        ),
        radar([LONG + f" {i}" for i in range(16)], [Series("x", [2] * 16)], id_prefix="aw5"),
        radar(FACTORS[:5], [Series("x", [1, 2, 3, 4, 0])], id_prefix="aw6", demo=True),
        tornado([(LONG, 10, 20), ("b", 30, 5)], 15, id_prefix="aw7"),
        bar(
            FACTORS[:6],
            [Series("Niveau moyen", [2.1, 3.4, 1.2, 2.8, 3.9, 2.2])],
            horizontal=True,
            id_prefix="aw8",
        ),
        heatmap(pd.DataFrame(np.eye(13), index=FACTORS, columns=FACTORS), id_prefix="aw9", demo=True),
        distribution_strip(
            [
                Band("moins de 50 €", None, 50, 0.0),
                Band("50 à 75 €", 50, 75, 2.0),
                Band("75 à 100 €", 75, 100, 58.0),
                Band("plus de 100 €", 100, None, 40.0),
            ],
            [Marker(f"Repère numéro {i} au libellé assez long", 60 + i, None) for i in range(5)],
            unit="€/élève/an",
            id_prefix="aw10",
            demo=True,
        ),
    ]


def test_no_text_cut_off_or_overlapping(browser):
    # pytest-playwright's shared browser (Debian's chromium, see tests/conftest.py): starting a
    # second sync_playwright() in the same session is refused by Playwright.
    charts = [f() for f in SAMPLES.values()] + awkward_charts()
    html = (
        "<!doctype html><meta charset=utf-8><body style='width:860px'>"
        + "".join(f"<div>{c.svg}</div>" for c in charts)
        + "</body>"
    )
    page = browser.new_page(viewport={"width": 900, "height": 800})
    try:
        page.set_content(html)
        count, problems = page.evaluate(LAYOUT_JS)
    finally:
        page.close()
    assert count > 500
    assert problems == []
