"""Documents that can be filed: a page's template rendered to PDF by WeasyPrint.

    return pdf_response(request, "projects/receipt_pdf.html", context, filename="TSF-2018-0001")

The HTML is the same Django template language as the pages (usually the same include), laid out by
`templates/pdf/base.html` and `static/css/tsf-pdf.css` (A4, Titillium Web from the theme's static
files, so every Latin letter prints: Italian, Romanian ș ț ă, Polish ł ż ś ć). Static files are read
from disk (the finders, or STATIC_ROOT for collected, hashed names): no HTTP request is made.
The PDF is PDF/A-3a: archivable (fonts embedded, Unicode text) and tagged, so a screen reader reads
its headings and tables in order. Debian needs `libpango-1.0-0 libpangoft2-1.0-0` (README).
"""
import functools
import mimetypes
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string

PDF_VARIANT = "pdf/a-3a"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _static_file(path: str) -> Path | None:
    found = finders.find(path)
    if found:
        return Path(found)
    root = getattr(settings, "STATIC_ROOT", None)
    if root:
        candidate = (Path(root) / path).resolve()
        if candidate.is_file() and Path(root).resolve() in candidate.parents:
            return candidate
    return None


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        """Static files from disk; anything else (another host, a media file) is refused, so a
        document never depends on the network nor shows a private upload."""

        def fetch(self, url, headers=None):
            marker = settings.STATIC_URL
            if marker in url:
                rel = url.split(marker, 1)[1].split("?", 1)[0].split("#", 1)[0]
                found = _static_file(rel)
                if found is not None:
                    mime = mimetypes.guess_type(str(found))[0] or "application/octet-stream"
                    if found.suffix == ".css":
                        mime = "text/css"
                    return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": mime})
            raise ValueError(f"Not fetched for a PDF: {url}")

    return StaticFilesFetcher


def render_pdf(template_name: str, context: dict, request=None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template_name, context, request=request)
    document = HTML(string=html, base_url="http://pdf.invalid/", url_fetcher=_fetcher_class()())
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)


def pdf_response(request, template_name: str, context: dict, *, filename: str) -> HttpResponse:
    response = HttpResponse(render_pdf(template_name, context, request=request), content_type="application/pdf")
    name = _SAFE_NAME.sub("-", filename).strip("-") or "document"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@functools.lru_cache(maxsize=256)
def demo_pdf(title: str) -> bytes:
    """A one-page placeholder document for the demo and the tests (calls' documents, attachments,
    deliverables, invoices), through the same engine; kept per title, so seeding stays quick."""
    from django.utils.html import escape

    html = (f'<!doctype html><html lang="it"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<link rel="stylesheet" href="{settings.STATIC_URL}css/tsf-pdf.css"></head>'
            f'<body><main><h1>{escape(title)}</h1><p>Torino Social Factory · Città di Torino</p></main></body></html>')
    from weasyprint import HTML

    return HTML(string=html, base_url="http://pdf.invalid/", url_fetcher=_fetcher_class()()).write_pdf(
        pdf_variant=PDF_VARIANT, pdf_tags=True)
