"""Time the département report PDF on the demo data (target: under 10 s on 2 cores), or the
national report's (``national``: target under 60 s).

Run after ``numeduc demo setup`` (the configured database)::

    .venv/bin/python bench/bench_reports.py [CODE] [YEAR]
    .venv/bin/python bench/bench_reports.py national [YEAR]

Prints the time to gather the data, to render the HTML (the baseline: the same template without
WeasyPrint) and to write the PDF, and the ratio PDF / HTML."""

from __future__ import annotations

import logging
import sys
import time


def main(code: str = "45", year: int = 2017) -> None:
    from numeduc.cli.django_setup import setup_django

    setup_django()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    from numeduc.web.reports import data, rendering

    subject = data.find_subject(code, year)
    for run in ("à froid", "caches chauds"):
        _once(data, rendering, subject, code, year, run)


def _once(data, rendering, subject, code: str, year: int, run: str) -> None:
    start = time.perf_counter()
    context = data.departement_report(None, subject)
    gathered = time.perf_counter() - start
    start = time.perf_counter()
    html = rendering.render_html("reports/departement.html", context, pdf=True)
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    pdf = rendering.html_to_pdf(html)
    weasy = time.perf_counter() - start
    total = gathered + baseline + weasy
    print(f"[{run}] département {code}, campagne {year} : {len(pdf) // 1024} Kio")
    print(f"données {gathered:.2f} s · HTML (référence) {baseline:.3f} s · PDF WeasyPrint {weasy:.2f} s")
    print(f"total {total:.2f} s (cible < 10 s) · rapport PDF / HTML : {weasy / baseline:.0f}×")


def national(year: int = 2017) -> None:
    from numeduc.cli.django_setup import setup_django

    setup_django()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    from numeduc.web.reports import national as report
    from numeduc.web.reports import rendering

    campaign = report.find_campaign(year)
    for run in ("à froid", "caches chauds"):
        start = time.perf_counter()
        context = report.national_report(campaign)
        gathered = time.perf_counter() - start
        start = time.perf_counter()
        html = rendering.render_html(report.TEMPLATE, context, pdf=True)
        baseline = time.perf_counter() - start
        start = time.perf_counter()
        pdf = report.html_to_pdf(html)
        weasy = time.perf_counter() - start
        total = gathered + baseline + weasy
        print(f"[{run}] rapport national, campagne {year} : {len(pdf) // 1024} Kio")
        print(f"données {gathered:.2f} s · HTML (référence) {baseline:.3f} s · PDF WeasyPrint {weasy:.2f} s")
        print(f"total {total:.2f} s (cible < 60 s) · rapport PDF / HTML : {weasy / baseline:.0f}×")


if __name__ == "__main__":
    if sys.argv[1:2] == ["national"]:
        national(*([int(sys.argv[2])] if len(sys.argv) > 2 else []))
    else:
        main(*(sys.argv[1:2] or ["45"]), *([int(sys.argv[2])] if len(sys.argv) > 2 else []))
