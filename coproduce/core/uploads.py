"""The one check of a file someone uploads, before it is kept: its kind, from its name and from
its first bytes (a name alone proves nothing), and its size. Every app lists the kinds it takes;
the messages read the same everywhere and say what to do next."""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

ZIP = (b"PK\x03\x04",)  # Word, PowerPoint, Excel and OpenDocument files are zip archives


@dataclass(frozen=True)
class Kind:
    label: str  # what people call it
    content_type: str
    starts: tuple[bytes, ...] = ()  # what it must start with; none for plain text and sound


PDF = Kind("PDF", "application/pdf", (b"%PDF",))
PNG = Kind("PNG", "image/png", (b"\x89PNG\r\n\x1a\n",))
JPG = Kind("JPG", "image/jpeg", (b"\xff\xd8\xff",))
DOCX = Kind(
    "Word (.docx)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ZIP,
)
PPTX = Kind(
    "PowerPoint (.pptx)",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ZIP,
)
XLSX = Kind(
    "Excel (.xlsx)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP
)
ODT = Kind("OpenDocument text (.odt)", "application/vnd.oasis.opendocument.text", ZIP)
RTF = Kind("RTF", "application/rtf", (b"{\\rtf",))
TXT = Kind("text", "text/plain")

PICTURES = {".jpg": JPG, ".jpeg": JPG, ".png": PNG}


def _listed(kinds: Mapping[str, Kind]) -> str:
    labels = list(dict.fromkeys(kind.label for kind in kinds.values()))
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} or {labels[-1]}"


def check_upload(
    upload: UploadedFile, kinds: Mapping[str, Kind], *, max_megabytes: int, what: str = "file"
) -> Kind:
    """The kind of file it is, once its name, first bytes and size are acceptable; otherwise a
    ValidationError whose one message names `what` ("file", "receipt"...). `kinds` maps each
    accepted name ending (".pdf") to its kind."""
    suffix = Path(upload.name or "").suffix.lower()
    kind = kinds.get(suffix)
    if kind is None:
        raise ValidationError(f"The {what} must be a {_listed(kinds)} file.")
    size = upload.size or 0
    if size == 0:
        raise ValidationError(f"The {what} is empty. Choose the file again.")
    if size > max_megabytes * 1024 * 1024:
        raise ValidationError(
            f"The {what} is {size / 1024 / 1024:.1f} MB: the largest we can take is "
            f"{max_megabytes} MB. Make it smaller, then choose it again."
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if kind.starts and not any(head.startswith(start) for start in kind.starts):
        raise ValidationError(
            f"The {what} does not look like a {kind.label} file. Check it opens, save it "
            f"again as {kind.label}, then choose it again."
        )
    return kind
