"""One template, two outputs: the HTML page (its stylesheet linked, as the site's CSP wants) and
the tagged PDF (PDF/UA variant of WeasyPrint, the same stylesheet handed over directly, paged
media for the page numbers, the table of contents and the running demo mark)."""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string

STYLESHEET = Path(__file__).parent / "static" / "reports" / "report.css"
PDF_VARIANT = "pdf/ua-1"


def render_html(template: str, context: dict, *, pdf: bool = False) -> str:
    return render_to_string(template, {**context, "pdf": pdf})


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of ``html`` (rendered with ``pdf=True``)."""
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=base_url or str(STYLESHEET.parent))
    return document.write_pdf(
        stylesheets=[weasyprint.CSS(filename=str(STYLESHEET))],
        pdf_variant=PDF_VARIANT,
    )


def render_pdf(template: str, context: dict, *, base_url: str | None = None) -> bytes:
    return html_to_pdf(render_html(template, context, pdf=True), base_url=base_url)
