"""You said, we did at scale: the public page and the personal feedback job.

    .venv/bin/python bench/feedback.py [--contributions 10000] [--people 5000] [--repeat 10]

Seeds one project with N contributions (a mix of survey themes, event points, panel
recommendations and comments, each said by two of the P participants, who all agreed to be
contacted), ten published decisions answering four in five contributions, and P people's
involvement records, by bulk_create (no audit events for the seed). Then times, through
django.test.Client, the public "You said, we did" page (first and a late page), its easy read
version, the decision log and the officers' project page beside a bare view, and runs the
personal feedback job for everyone with delivery tasks held back (so the job's own rate is
measured: messages recorded and queued per second), then the notifications worker sending a
sample of them through the outbox backend, then the job again to show it sends nothing twice.
"""

import argparse
import datetime
import sys
import time
from functools import partial
from typing import Any

import harness  # sets up a throw-away environment and starts Django
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), path("", include("coproduce.urls"))]

KINDS = ["survey_theme", "event_point", "panel_recommendation", "comment"]
OUTCOMES = ["adopted", "adapted", "not_taken_forward"]


def seed(contributions: int, people: int) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from coproduce.accounts.models import Membership, Organisation, OrganisationKind, Role, User
    from coproduce.feedback.models import (
        Contribution,
        ContributionResponse,
        Contributor,
        Decision,
        YouSaidWeDid,
    )
    from coproduce.people.models import (
        Channel,
        Consent,
        ConsentMethod,
        ConsentPurpose,
        Involvement,
        InvolvementKind,
        Person,
    )
    from coproduce.testing.factories import make_project

    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        council = Organisation.objects.create(
            name="Benchshire Council", slug="benchshire", kind=OrganisationKind.COUNCIL
        )
        officer = User.objects.create_user("officer", first_name="Olu")
        Membership.objects.create(user=officer, organisation=council, role=Role.COMMISSIONER)
        project = make_project(council, lead=officer)
        stages = list(project.stages.order_by("position"))
        persons = Person.objects.bulk_create(
            (
                Person(
                    organisation=council,
                    name=f"Person {n:05d} Bench",
                    email=f"person{n}@example.org",
                    preferred_channel=Channel.EMAIL,
                )
                for n in range(people)
            ),
            batch_size=2000,
        )
        Consent.objects.bulk_create(
            (
                Consent(
                    organisation=council,
                    person=person,
                    purpose=ConsentPurpose.CONTACT,
                    given_at=now,
                    method=ConsentMethod.ONLINE,
                )
                for person in persons
            ),
            batch_size=2000,
        )
        kinds = list(InvolvementKind.values)
        Involvement.objects.bulk_create(
            (
                Involvement(
                    organisation=council,
                    person=person,
                    project=project,
                    kind=kinds[n % 4],
                    occurred_on=today,
                    description="Took part",
                )
                for n, person in enumerate(persons)
            ),
            batch_size=2000,
        )
        made = Contribution.objects.bulk_create(
            (
                Contribution(
                    organisation=council,
                    project=project,
                    stage=stages[n % 4],
                    kind=KINDS[n % 4],
                    summary=f"Contribution {n}: carers want breaks they can book at short notice.",
                    people_count=n % 30,
                    quote="I never get a break." if n % 10 == 0 else "",
                    quote_consent=n % 10 == 0,
                )
                for n in range(contributions)
            ),
            batch_size=2000,
        )
        Contributor.objects.bulk_create(
            (
                Contributor(
                    organisation=council,
                    contribution=contribution,
                    person=persons[(2 * n + k) % people],
                )
                for n, contribution in enumerate(made)
                for k in range(2)
            ),
            batch_size=5000,
        )
        decisions = Decision.objects.bulk_create(
            Decision(
                organisation=council,
                project=project,
                title=f"Decision {n}",
                summary="What was decided, and why.",
                decided_by="Cabinet member",
                decided_on=today - datetime.timedelta(days=n),
                recorded_by=officer,
                published_at=now,
            )
            for n in range(10)
        )
        ContributionResponse.objects.bulk_create(
            (
                ContributionResponse(
                    organisation=council,
                    contribution=contribution,
                    decision=decisions[n % 10],
                    outcome=OUTCOMES[n % 3],
                    reason="" if n % 3 == 0 else "The budget is fixed for three years.",
                    responded_on=today,
                    recorded_by=officer,
                )
                for n, contribution in enumerate(made)
                if n % 5
            ),
            batch_size=5000,
        )
        YouSaidWeDid.objects.create(
            organisation=council, project=project, introduction="Thank you.", published_at=now
        )
    return {"officer": officer, "project": project, "council": council}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contributions", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per page (10)")
    parser.add_argument(
        "--worker-sample", type=int, default=500, help="messages the worker sends, timed (500)"
    )
    arguments = parser.parse_args()
    if min(arguments.contributions, arguments.people, arguments.repeat) < 1:
        parser.error("--contributions, --people and --repeat must be at least 1")

    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from coproduce.feedback import services
    from coproduce.feedback.models import FeedbackRound
    from coproduce.notifications.models import Delivery, DeliveryStatus
    from coproduce.notifications.services import attempt

    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["localhost"]
    with harness.fresh_database():
        began = time.perf_counter()
        seeded = seed(arguments.contributions, arguments.people)
        harness.analyse()
        seconds = time.perf_counter() - began
        project = seeded["project"]
        slug = seeded["council"].slug
        public = Client(SERVER_NAME="localhost")
        officer = Client(SERVER_NAME="localhost")
        officer.force_login(seeded["officer"])
        page = f"/you-said-we-did/{slug}/{project.pk}/"
        last = max(1, int(arguments.contributions * 0.8) // 50)
        pages = [
            ("bare view", "public", public, "/bench/bare/"),
            ("you said we did, page 1", "public", public, page),
            (f"you said we did, page {last}", "public", public, f"{page}?page={last}"),
            ("easy read, page 1", "public", public, f"{page}easy-read/"),
            ("decision log", "public", public, f"/decisions/{slug}/"),
            ("decision log, search", "public", public, f"/decisions/{slug}/?q=decision+3"),
            ("bare view", "officer", officer, "/bench/bare/"),
            (
                "project: waiting for a response",
                "officer",
                officer,
                f"/feedback/projects/{project.pk}/",
            ),
        ]
        results = []
        for name, who, client, url in pages:
            queries, times = harness.measure(partial(client.get, url), arguments.repeat)
            results.append((name, who, queries, times))
        print(
            f"{arguments.contributions} contributions, {arguments.people} participants seeded in "
            f"{seconds:.1f}s on {connection.vendor}; {arguments.repeat} timed requests a page"
        )
        harness.print_pages(results)

        print(
            "\npersonal feedback: the job records and queues every message (tasks held back), "
            "then the notifications worker sends them through the outbox backend"
        )
        print(f"{'run':<22} {'messages':>8} {'seconds':>8} {'messages/s':>11} {'queries':>8}")

        def row(name: str, count: int, taken: float, queries: int) -> None:
            rate = f"{count / taken:>11.0f}" if count else f"{'-':>11}"
            print(f"{name:<22} {count:>8} {taken:>8.2f} {rate} {queries:>8}")

        dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        for run in ("job", "job again"):
            feedback_round = FeedbackRound.objects.create(
                organisation=seeded["council"], project=project
            )
            with override_settings(TASKS=dummy), CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                sent = services.send_round(feedback_round, "https://coproduce.example/")
                taken = time.perf_counter() - began
            row(run, sent, taken, len(captured))
            if run == "job":
                queued = list(
                    Delivery.objects.filter(status=DeliveryStatus.QUEUED).values_list(
                        "pk", flat=True
                    )
                )
                sample = queued[: arguments.worker_sample]
                with CaptureQueriesContext(connection) as captured:
                    began = time.perf_counter()
                    for delivery_id in sample:
                        attempt(delivery_id)
                    taken = time.perf_counter() - began
                row(f"worker ({len(sample)} of them)", len(sample), taken, len(captured))
        delivered = Delivery.objects.filter(status=DeliveryStatus.SENT).count()
        print(f"messages recorded: {Delivery.objects.count()}; sent to the outbox: {delivered}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
