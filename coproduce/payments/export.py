"""The finance export: one row per claim, in the layout docs/finance-export.md describes.

The columns are fixed and in a fixed order so that payroll or accounts payable can import the
file the same way every time; new columns are only ever added at the end. It holds what
finance needs to pay people and account for it, and nothing about equality monitoring or
anyone's access needs. Rows are read in chunks and written as they are read, so a year of
claims never sits in memory at once.
"""

import csv
import datetime
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook

from coproduce.projects.models import MethodKind

from .models import Claim, ClaimStatus

CHUNK = 2000
# Workbooks are built in pure Python (openpyxl without lxml), a few hundred rows a second:
# beyond this a request would take minutes, so larger ranges are exported as CSV.
XLSX_MAX_ROWS = 10_000

COLUMNS: tuple[str, ...] = (
    "claim_reference",
    "status",
    "person_reference",
    "payee_name",
    "payment_method",
    "donate_to",
    "project",
    "method",
    "event",
    "event_date",
    "hours",
    "involvement_amount",
    "expenses_amount",
    "total",
    "submitted_on",
    "approved_on",
    "approved_by",
    "paid_on",
    "paid_reference",
)

# Read from the database as plain values: no model objects are built for the export.
_FIELDS = (
    "pk",
    "status",
    "person_id",
    "person__name",
    "payment_method",
    "donate_to",
    "attendance__event__project__title",
    "attendance__event__method__kind",
    "attendance__event__title",
    "attendance__event__starts_at",
    "hours",
    "involvement_amount",
    "expenses_amount",
    "total",
    "submitted_at",
    "approved_at",
    "approved_by__username",
    "paid_on",
    "paid_reference",
)


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def claims_in(
    organisation: Any, status: str, start: datetime.date, end: datetime.date
) -> QuerySet[Claim]:
    """Approved claims by the day they were approved (London time), or paid ones by the day
    they were paid, from `start` to `end` inclusive."""
    claims = Claim.objects.filter(organisation=organisation, status=status)
    if status == ClaimStatus.APPROVED:
        # A range of moments rather than a date lookup, so the index on approved_at is used.
        claims = claims.filter(
            approved_at__gte=_midnight(start),
            approved_at__lt=_midnight(end + datetime.timedelta(days=1)),
        )
        return claims.order_by("approved_at", "pk")
    if status == ClaimStatus.PAID:
        return claims.filter(paid_on__gte=start, paid_on__lte=end).order_by("paid_on", "pk")
    raise ValueError(f"claims are exported when approved or paid, not {status!r}")


def _text(value: str) -> str:
    # Spreadsheets run a cell starting with these as a formula: keep names and references text.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _day(value: datetime.datetime | None, zone: datetime.tzinfo) -> str:
    return value.astimezone(zone).date().isoformat() if value else ""


def rows(claims: QuerySet[Claim]) -> Iterator[list[Any]]:
    """The header, then one list of cells per claim (dates ISO, money as Decimal)."""
    # Looked up once: timezone.localtime() asks for the current zone on every call.
    zone = timezone.get_current_timezone()
    methods = dict(MethodKind.choices)
    statuses = dict(ClaimStatus.choices)
    yield list(COLUMNS)
    for row in claims.values_list(*_FIELDS).iterator(chunk_size=CHUNK):
        (
            pk,
            status,
            person_id,
            name,
            payment_method,
            donate_to,
            project,
            method,
            event,
            starts_at,
            hours,
            involvement,
            expenses,
            total,
            submitted_at,
            approved_at,
            approved_by,
            paid_on,
            paid_reference,
        ) = row
        yield [
            f"C{pk:06d}",
            statuses.get(status, status),
            f"P{person_id:06d}",
            _text(name),
            payment_method,
            _text(donate_to),
            _text(project),
            methods.get(method, method),
            _text(event),
            _day(starts_at, zone),
            hours,
            involvement,
            expenses,
            total,
            _day(submitted_at, zone),
            _day(approved_at, zone),
            approved_by or "",
            paid_on.isoformat() if paid_on else "",
            _text(paid_reference),
        ]


class _Line:
    """csv.writer writes into this; each row is handed on as soon as it is written."""

    def write(self, value: str) -> str:
        return value


def csv_lines(claims: QuerySet[Claim]) -> Iterator[str]:
    writer = csv.writer(_Line())
    for cells in rows(claims):
        yield writer.writerow([f"{c:.2f}" if isinstance(c, Decimal) else c for c in cells])


def xlsx_file(claims: QuerySet[Claim]) -> IO[bytes]:
    """The workbook in a temporary file (removed when closed), ready to read from the start.
    Write-only mode keeps one row at a time in memory."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Claims")
    for cells in rows(claims):
        sheet.append(cells)
    # The caller closes it (FileResponse does, once sent), which removes it.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(out)
    out.seek(0)
    return out
