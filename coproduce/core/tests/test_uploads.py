import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from coproduce.core import uploads

PDF_BYTES = b"%PDF-1.7\n..."
KINDS = {".pdf": uploads.PDF, **uploads.PICTURES, ".txt": uploads.TXT}


def check(name: str, content: bytes) -> uploads.Kind:
    return uploads.check_upload(SimpleUploadedFile(name, content), KINDS, max_megabytes=1)


def test_a_file_of_an_accepted_kind_is_its_kind_and_can_still_be_read_whole():
    upload = SimpleUploadedFile("Minutes.PDF", PDF_BYTES)
    assert uploads.check_upload(upload, KINDS, max_megabytes=1) is uploads.PDF
    assert upload.read() == PDF_BYTES
    assert check("notes.txt", b"anything at all").content_type == "text/plain"
    assert check("photo.jpeg", b"\xff\xd8\xff\xe0rest") is uploads.JPG


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.exe", b"MZ", "The file must be a PDF, JPG, PNG or text file."),
        ("plan.pdf", b"", "The file is empty. Choose the file again."),
        (
            "plan.pdf",
            b"MZ not a pdf",
            "The file does not look like a PDF file. Check it opens, save it again as PDF, "
            "then choose it again.",
        ),
        # The name must match what the file is: a PNG's bytes named as a JPG are refused.
        ("photo.jpg", b"\x89PNG\r\n\x1a\n", "The file does not look like a JPG file."),
        (
            "big.pdf",
            PDF_BYTES + b"0" * 1024 * 1024,
            "The file is 1.0 MB: the largest we can take is 1 MB. Make it smaller, then "
            "choose it again.",
        ),
    ],
)
def test_a_file_that_is_not_acceptable_says_what_to_do(name, content, message):
    with pytest.raises(ValidationError) as raised:
        check(name, content)
    assert raised.value.messages[0].startswith(message)


def test_the_message_names_what_was_uploaded():
    with pytest.raises(ValidationError) as raised:
        uploads.check_upload(
            SimpleUploadedFile("r.gif", b"GIF89a"),
            {".pdf": uploads.PDF},
            max_megabytes=1,
            what="receipt",
        )
    assert raised.value.messages == ["The receipt must be a PDF file."]
