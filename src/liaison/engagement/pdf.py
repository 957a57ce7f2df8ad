"""The pre-call brief as PDF: WeasyPrint lays out the brief's print page
(``engagement/brief_print.html`` with ``engagement/brief_print.css``).

WeasyPrint fetches what a page links to (stylesheets, images, fonts). Here it
reaches nothing outside: :class:`StaticOnlyFetcher` serves only our own static
files, found by Django's static finders, and refuses every other address (the
network, the file system, ``data:`` URLs included), so a name or note in the
brief cannot make the server fetch anything.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

from liaison.engagement.briefs import Brief

#: The address the print page is laid out at: only its static files are served.
BASE_URL = "https://liaison.invalid/"


class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Serves ``https://liaison.invalid/static/...`` from our static files; refuses
    everything else (WeasyPrint then leaves the resource out)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("https",), allow_redirects=False)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = static_path(url)
        if path is None:
            raise ValueError(f"not one of Liaison's static files: {url[:200]}")
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime_type})


def static_path(url: str) -> Path | None:
    """The file of a static URL of ours, or ``None``."""
    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    static_url = settings.STATIC_URL or "/static/"
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    if not parts.path.startswith(static_url):
        return None
    relative = unquote(parts.path[len(static_url) :])
    if not relative or ".." in relative.split("/"):
        return None
    found = finders.find(relative)
    if not isinstance(found, str):
        return None
    return Path(found)


def brief_pdf(brief: Brief) -> bytes:
    """The brief laid out for A4 paper."""
    context = {"brief": brief, "static_url": settings.STATIC_URL or "/static/"}
    html = render_to_string("engagement/brief_print.html", context)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    pdf: bytes = document.write_pdf()
    return pdf
