import base64
import datetime
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pypdf import PdfReader

from coproduce.core.documents import (
    LocalOnlyFetcher,
    RefusedURL,
    easy_read_rows,
    render_document,
    render_pdf,
)

ORGANISATION = {"name": "Northshire County Council", "contact_email": "involve@northshire.example"}
# A 1×1 PNG: pictures come as data: URLs or our own static files.
PIXEL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQ"
    "DwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
MM = 72 / 25.4  # points in a millimetre


def pages(pdf: bytes) -> list:
    return list(PdfReader(io.BytesIO(pdf)).pages)


def runs(page) -> list[tuple[str, float, float, float]]:
    """(text, size in points, mm from the left, mm from the top of its baseline) of each run.

    WeasyPrint draws in CSS pixels under a 0.75 scale with the y axis flipped."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = cm[0]
            found.append(
                (text.strip(), round(size * scale, 1), tm[4] * scale / MM, tm[5] * scale / MM)
            )

    page.extract_text(visitor_text=visit)
    return found


def letter(name, **extra):
    return {
        "reference": f"D-{len(name)}",
        "recipient_name": name,
        "address_lines": ["12 Mill Lane", "Northtown", "NR1 1AA"],
        "date": datetime.date(2026, 3, 2),
        "subject": "Join our carers' reference group",
        "paragraphs": ["We are changing the carers' support service.", "Would you like to help?"],
        "sign_off": ["Fran Hughes", "Involvement facilitator"],
        **extra,
    }


def test_a_document_is_a_pdf_with_the_organisation_and_page_numbers():
    pdf = render_pdf(
        "documents/large_print.html", {"organisation": ORGANISATION, "title": "Your invitation"}
    )
    assert pdf.startswith(b"%PDF")
    (page,) = pages(pdf)
    text = page.extract_text()
    assert "Northshire County Council" in text
    assert "Page 1 of 1" in text


def fonts(page) -> set[str]:
    return {str(font["/BaseFont"]).split("+")[-1] for font in page["/Resources"]["/Font"].values()}


def test_large_print_is_at_least_16_point_sans_serif():
    document = render_document(
        "documents/large_print.html", {"organisation": ORGANISATION, "title": "Your invitation"}
    )
    (page,) = pages(document.write_pdf())
    sizes = {text: size for text, size, _, _ in runs(page)}
    assert sizes["Your invitation"] > 18
    assert all(size >= 16 for size in sizes.values()), sizes
    used = fonts(page)
    assert used and all(
        name.replace("-", "").startswith(("Arial", "LiberationSans", "DejaVuSans")) for name in used
    ), used


def test_easy_read_has_a_sentence_a_row_with_a_picture_or_a_labelled_box():
    rows = easy_read_rows(["We want to hear from you.", "Come to a meeting."], [PIXEL], ["A face"])
    pdf = render_pdf(
        "documents/easy_read.html",
        {"organisation": ORGANISATION, "title": "Carers' group", "rows": rows},
    )
    (page,) = pages(pdf)
    found = runs(page)
    sentences = [(text, size) for text, size, _, _ in found if text.endswith(".")]
    assert [text for text, _ in sentences] == ["We want to hear from you.", "Come to a meeting."]
    assert all(size >= 16 for _, size in sentences)
    # The first row has its picture, the second an empty box labelled "picture".
    assert [text for text, *_ in found].count("picture") == 1
    assert len(page.images) == 1


def test_a_letters_pack_has_one_page_per_short_letter_with_the_address_in_the_window():
    letters = [letter("Margaret Okoro"), letter("Sam Lewis"), letter("Pat Evans")]
    pdf = render_pdf("documents/letters.html", {"organisation": ORGANISATION, "letters": letters})
    printed = pages(pdf)
    assert len(printed) == 3
    for page, expected in zip(printed, letters, strict=True):
        found = runs(page)
        name = next(run for run in found if run[0] == expected["recipient_name"])
        _, _, left, top = name
        # GOV.UK Notify's address area, which a DL envelope's window shows.
        assert 24 <= left <= 26
        assert 39.5 <= top <= 66.3
        postcode = next(run for run in found if run[0] == "NR1 1AA")
        assert postcode[3] <= 66.3
        text = page.extract_text()
        assert "2 March 2026" in text and "Yours sincerely" in text and "Fran Hughes" in text
        # Each letter starts with its own name: no letter runs onto another's page.
        assert [n for n in ("Margaret Okoro", "Sam Lewis", "Pat Evans") if n in text] == [
            expected["recipient_name"]
        ]


def test_a_long_letter_continues_on_a_second_page_and_the_next_starts_afresh():
    long = letter("Margaret Okoro", paragraphs=["A paragraph of the letter. " * 20] * 6)
    pdf = render_pdf(
        "documents/letters.html",
        {"organisation": ORGANISATION, "letters": [long, letter("Sam Lewis")]},
    )
    printed = pages(pdf)
    assert len(printed) == 3
    assert "Page 2" in printed[1].extract_text()
    assert "Sam Lewis" in printed[2].extract_text()
    assert "Page 2" not in printed[2].extract_text()


def test_large_print_letters_are_large_only_for_those_who_asked():
    letters = [letter("Margaret Okoro"), letter("Sam Lewis", large_print=True)]
    pdf = render_pdf("documents/letters.html", {"organisation": ORGANISATION, "letters": letters})
    standard, large = (pages(pdf)[0], pages(pdf)[-1])

    def body_size(page):
        return next(size for text, size, *_ in runs(page) if text.startswith("Would you like"))

    assert body_size(standard) == pytest.approx(12)
    assert body_size(large) >= 16


class _Counter(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(base64.b64decode(PIXEL.split(",", 1)[1]))

    def log_message(self, *args):
        pass


def test_documents_never_load_remote_urls():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/tracker.png"
        rows = easy_read_rows(["A sentence."], [url])
        pdf = render_pdf(
            "documents/easy_read.html", {"organisation": ORGANISATION, "title": "T", "rows": rows}
        )
    finally:
        server.shutdown()
        server.server_close()
    assert pdf.startswith(b"%PDF")
    assert _Counter.hits == []
    assert len(pages(pdf)[0].images) == 0


def test_the_fetcher_reads_data_urls_and_our_static_files_only(tmp_path):
    fetcher = LocalOnlyFetcher()
    assert fetcher.fetch(PIXEL).read().startswith(b"\x89PNG")
    favicon = fetcher.fetch("https://documents.coproduce.invalid/static/coproduce/favicon.svg")
    assert b"<svg" in favicon.read()
    outside = tmp_path / "secret.txt"
    outside.write_text("not for documents")
    for url in (
        f"file://{outside}",
        "file:///etc/passwd",
        "https://example.org/logo.png",
        "https://documents.coproduce.invalid/static/../../settings.py",
        "ftp://example.org/x",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
