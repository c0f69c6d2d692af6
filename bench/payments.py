"""Claims at scale: the finance approvers' claims queue and the finance export.

    .venv/bin/python bench/payments.py [--claims 50000] [--repeat 20]

Seeds one organisation with N claims (one event attended each; a quarter waiting for approval,
a fifth approved, half paid, the rest rejected; one expense each) by bulk_create, so no audit
events are written for the seed. Then times, through django.test.Client, the claims queue
(first page, a late page, filtered by status, overdue) beside a bare view in the same run, and
downloads the export of every paid claim as CSV and of every approved one as XLSX (workbooks
are limited to export.XLSX_MAX_ROWS rows), printing rows per second, then downloads each
again under tracemalloc for the peak memory Python allocated while making it.
"""

import argparse
import datetime
import sys
import time
import tracemalloc
from functools import partial
from typing import Any

import harness  # sets up a throw-away environment and starts Django
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

PEOPLE = 1000


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), path("", include("coproduce.urls"))]


def seed(count: int) -> dict[str, Any]:
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from coproduce.accounts.models import Membership, Organisation, OrganisationKind, Role, User
    from coproduce.events.models import Attendance, Attended, Event, EventKind, EventMode
    from coproduce.payments import services
    from coproduce.payments.models import Claim, ClaimItem, ClaimStatus, ExpenseKind
    from coproduce.people.models import Channel, Person
    from coproduce.testing.factories import make_method, make_project

    now = timezone.now()
    statuses = (
        [ClaimStatus.SUBMITTED] * 5
        + [ClaimStatus.APPROVED] * 4
        + [ClaimStatus.PAID] * 10
        + [ClaimStatus.REJECTED]
    )
    events_needed = -(-count // PEOPLE)
    with transaction.atomic():
        council = Organisation.objects.create(
            name="Benchshire Council", slug="benchshire", kind=OrganisationKind.COUNCIL
        )
        finance = User.objects.create_user("finance", first_name="Faisal")
        Membership.objects.create(user=finance, organisation=council, role=Role.FINANCE_APPROVER)
        project = make_project(council)
        method = make_method(project.stages.get(position=3).plan)
        stage = method.plan.stage
        bus = services.payment_policy(council).expense_categories.get(
            kind=ExpenseKind.PUBLIC_TRANSPORT
        )
        people = Person.objects.bulk_create(
            Person(
                organisation=council,
                name=f"Person {n:05d} Bench",
                email=f"person{n}@example.org",
                preferred_channel=Channel.EMAIL,
            )
            for n in range(PEOPLE)
        )
        events = Event.objects.bulk_create(
            Event(
                organisation=council,
                project=project,
                stage=stage,
                method=method,
                title=f"Workshop {n}",
                kind=EventKind.WORKSHOP,
                mode=EventMode.IN_PERSON,
                # Spread over the last year, all long enough ago to have been paid.
                starts_at=now - datetime.timedelta(days=10 + n * 7 % 350, hours=3),
                ends_at=now - datetime.timedelta(days=10 + n * 7 % 350),
                created_by=finance,
            )
            for n in range(events_needed)
        )
        attendances = Attendance.objects.bulk_create(
            (
                Attendance(
                    organisation=council,
                    event=events[n // PEOPLE],
                    person=people[n % PEOPLE],
                    attended=Attended.PRESENT,
                )
                for n in range(count)
            ),
            batch_size=5000,
        )
        claims = []
        for n, attendance in enumerate(attendances):
            status = statuses[n % len(statuses)]
            event = events[n // PEOPLE]
            decided = event.ends_at + datetime.timedelta(days=2)
            claims.append(
                Claim(
                    organisation=council,
                    person_id=attendance.person_id,
                    attendance=attendance,
                    status=status,
                    submitted_by=finance,
                    on_behalf=True,
                    submitted_at=event.ends_at + datetime.timedelta(hours=1),
                    hours=Decimal("3.00"),
                    involvement_amount=Decimal("60.00"),
                    involvement_reason="£60.00: the half-day rate (3 hours).",
                    expenses_amount=Decimal("4.50"),
                    total=Decimal("64.50"),
                    payment_method="payment" if status in ("approved", "paid") else "",
                    approved_by=finance if status in ("approved", "paid") else None,
                    approved_at=decided if status in ("approved", "paid") else None,
                    paid_on=(decided + datetime.timedelta(days=5)).date()
                    if status == "paid"
                    else None,
                    paid_reference=f"BACS-{n}" if status == "paid" else "",
                )
            )
        claims = Claim.objects.bulk_create(claims, batch_size=5000)
        ClaimItem.objects.bulk_create(
            (
                ClaimItem(
                    organisation=council,
                    claim=claim,
                    category=bus,
                    description="Bus fare",
                    amount_claimed=Decimal("4.50"),
                    amount_allowed=Decimal("4.50"),
                )
                for claim in claims
            ),
            batch_size=5000,
        )
    return {"finance": finance}


def download(client: Any, url: str, trace: bool) -> tuple[int, int, float, int]:
    """Bytes and lines of the whole response, seconds taken and, when traced, the peak memory
    Python allocated meanwhile. Tracing slows every allocation, so time and memory are
    measured in separate downloads."""
    if trace:
        tracemalloc.start()
    began = time.perf_counter()
    response = client.get(url)
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - began
    peak = 0
    if trace:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    if response.status_code != 200:
        raise SystemExit(f"export answered {response.status_code}")
    return size, lines, seconds, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=50_000, help="claims to seed (50000)")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page (20)")
    arguments = parser.parse_args()
    if min(arguments.claims, arguments.repeat) < 1:
        parser.error("--claims and --repeat must be at least 1")

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from coproduce.payments import export

    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["localhost"]
    with harness.fresh_database():
        began = time.perf_counter()
        seeded = seed(arguments.claims)
        harness.analyse()
        seconds = time.perf_counter() - began
        finance = Client(SERVER_NAME="localhost")
        finance.force_login(seeded["finance"])
        last_page = max(1, arguments.claims // settings.COPRODUCE_PAGE_SIZE // 2)
        pages = [
            ("bare view", "/bench/bare/"),
            ("claims queue, page 1", "/payments/claims/"),
            (f"claims queue, page {last_page}", f"/payments/claims/?page={last_page}"),
            ("claims waiting for approval", "/payments/claims/?status=submitted"),
            ("overdue claims", "/payments/claims/overdue/"),
        ]
        results = []
        for name, url in pages:
            queries, times = harness.measure(partial(finance.get, url), arguments.repeat)
            results.append((name, "finance", queries, times))
        print(
            f"{arguments.claims} claims seeded in {seconds:.1f}s on {connection.vendor}; "
            f"{arguments.repeat} timed requests a page"
        )
        harness.print_pages(results)
        today = timezone.localdate()
        start = today - datetime.timedelta(days=400)
        limit = export.XLSX_MAX_ROWS
        print(f"\nfinance export (one request each, full middleware; XLSX at most {limit:,} rows)")
        print(
            f"{'format':<6} {'claims':<9} {'rows':>7} {'rows/s':>8} {'seconds':>8} {'MB':>6} "
            f"{'peak MB':>8}"
        )
        for kind, status in (("csv", "paid"), ("xlsx", "approved")):
            base = f"/payments/export/?start={start}&end={today}&status={status}&format="
            _, lines, _, _ = download(finance, base + "csv", trace=False)
            rows = lines - 1
            size, _, taken, _ = download(finance, base + kind, trace=False)
            _, _, _, peak = download(finance, base + kind, trace=True)
            print(
                f"{kind:<6} {status:<9} {rows:>7} {rows / taken:>8.0f} {taken:>8.2f} "
                f"{size / 1e6:>6.1f} {peak / 1e6:>8.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
