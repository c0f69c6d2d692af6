"""The one way to turn HTML into PDF: letters, large print, easy read and reports.

Templates extend `documents/base.html` (A4, organisation name at the top, page numbers at the
foot), `documents/large_print.html` (clear print: 18pt sans serif, left aligned, 1.5 line
spacing) or `documents/easy_read.html` (one short sentence a row, a picture beside it).
`documents/letters.html` prints many letters in one PDF, each starting on a new page with the
address where a windowed envelope shows it.

Nothing is fetched from the network while rendering: only `data:` URLs, our own static files
and files under the static and media folders are read, so a document can never leak that it
was opened, or wait on another server.
"""

import logging
import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest
from django.template.loader import render_to_string
from weasyprint import HTML, Document
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

logger = logging.getLogger(__name__)

# Relative URLs in documents (such as `{% static %}` ones) resolve against this address, which
# can never be reached (.invalid is reserved); the fetcher maps its static paths to files.
BASE_URL = "https://documents.coproduce.invalid/"


class RefusedURL(ValueError):
    """A document asked for something outside Coproduce: it is left out of the PDF."""


def _allowed_roots() -> list[Path]:
    roots = [Path(settings.STATIC_ROOT), Path(settings.MEDIA_ROOT)]
    for finder in finders.get_finders():
        locations = getattr(finder, "locations", None) or []
        roots.extend(Path(location) for _prefix, location in locations)
        storages = getattr(finder, "storages", None) or {}
        roots.extend(Path(storage.location) for storage in storages.values())
    return [root.resolve() for root in roots]


class LocalOnlyFetcher(URLFetcher):
    """Reads `data:` URLs, our static files and local files under the static and media
    folders; refuses everything else (WeasyPrint then leaves that resource out)."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        static_prefix = BASE_URL + settings.STATIC_URL.lstrip("/")
        if url.startswith(static_prefix):
            relative = url[len(static_prefix) :].split("?")[0].split("#")[0]
            try:
                found = finders.find(relative)
            except SuspiciousFileOperation as outside:
                raise RefusedURL(f"not one of Coproduce's own files: {url}") from outside
            path = Path(found if isinstance(found, str) else settings.STATIC_ROOT / relative)
            return self._file(path, url)
        if url.startswith("file:"):
            response = super().fetch(url, headers)
            path = Path(response.path or "")
            response.close()
            return self._file(path, url)
        logger.warning("Document asked for %s: refused (documents never load remote URLs)", url)
        raise RefusedURL(f"documents never load remote URLs: {url}")

    def _file(self, path: Path, url: str) -> URLFetcherResponse:
        resolved = path.resolve()
        if not resolved.is_file() or not any(
            resolved.is_relative_to(root) for root in _allowed_roots()
        ):
            raise RefusedURL(f"not one of Coproduce's own files: {url}")
        content_type = mimetypes.guess_type(resolved.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path2url(str(resolved)), resolved.read_bytes(), {"Content-Type": content_type}
        )


def render_document(
    template_name: str, context: dict[str, Any], *, request: HttpRequest | None = None
) -> Document:
    """The laid-out document, for callers (and tests) that need its pages."""
    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=LocalOnlyFetcher()).render()


def render_pdf(
    template_name: str, context: dict[str, Any], *, request: HttpRequest | None = None
) -> bytes:
    """Renders a Django template to PDF bytes."""
    pdf = render_document(template_name, context, request=request).write_pdf()
    assert pdf is not None  # write_pdf returns bytes when given no target
    return pdf


def easy_read_rows(
    sentences: Sequence[str], pictures: Sequence[str] = (), alts: Sequence[str] = ()
) -> list[dict[str, str]]:
    """Rows for the easy-read layout: one sentence each, with the picture at the same place in
    `pictures` (a `data:` URL or a static file's URL) and its description in `alts`."""
    rows = []
    for index, sentence in enumerate(sentences):
        picture = pictures[index] if index < len(pictures) else ""
        alt = alts[index] if index < len(alts) else ""
        rows.append({"text": sentence, "picture": picture, "alt": alt})
    return rows
