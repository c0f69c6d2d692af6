"""Participation at scale: the prize draw and the role page.

    .venv/bin/python bench/participation.py [--entries 100000] [--people 500] [--repeat 10]

1. The plain prize-draw module (one SHA-256 ticket per entry, then the lowest tickets) among
   N entries: median and p90 milliseconds for 1 and for 10 winners.
2. The role page (`participation:opportunity`: everyone in the role, their briefing delivery
   and their agreement to each current version) with N people in the role, seeded by
   bulk_create (so no audit events are written for the seed), beside a bare view: queries,
   median and p90.
"""

import argparse
import statistics
import time
from typing import Any

import harness  # sets up a throw-away environment and starts Django
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), path("", include("coproduce.urls"))]


def time_draw(entries: int, repeat: int) -> None:
    from coproduce.participation import draw

    ids = [str(number) for number in range(1, entries + 1)]
    for winners in (1, 10):
        times = []
        for run in range(repeat):
            began = time.perf_counter()
            draw.draw(ids, winners, f"seed-{run}")
            times.append((time.perf_counter() - began) * 1000)
        print(
            f"prize draw, {entries:,} entries, {winners:>2} winners: median "
            f"{statistics.median(times):.1f} ms, p90 {harness.percentile(times, 0.9):.1f} ms"
        )


def seed(people: int) -> tuple[Any, Any]:
    from django.utils import timezone

    from coproduce.accounts.models import Role
    from coproduce.participation.models import Agreement, AgreementKind
    from coproduce.participation.tests.factories import make_briefing, make_role, make_version
    from coproduce.people.models import ConsentMethod, Person
    from coproduce.recruitment.models import Application, ApplicationStatus
    from coproduce.testing.factories import member

    opportunity = make_role(people=0)
    organisation = opportunity.organisation
    rows = Person.objects.bulk_create(
        Person(organisation=organisation, name=f"Person {n}", email=f"p{n}@example.org")
        for n in range(people)
    )
    Application.objects.bulk_create(
        Application(
            organisation=organisation,
            opportunity=opportunity,
            person=person,
            status=ApplicationStatus.SELECTED,
            name=person.name,
            resume_key=f"bench-{person.pk}",
            submitted_at=timezone.now(),
        )
        for person in rows
    )
    make_briefing(opportunity)
    role = make_version(opportunity, AgreementKind.ROLE)
    make_version(opportunity, AgreementKind.CONFIDENTIALITY)
    Agreement.objects.bulk_create(
        Agreement(
            organisation=organisation,
            version=role,
            person=person,
            method=ConsentMethod.ONLINE,
            agreed_on=timezone.localdate(),
        )
        for person in rows[::2]
    )
    return opportunity, member(organisation, Role.FACILITATOR)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    time_draw(args.entries, args.repeat)
    from django.test import Client, override_settings
    from django.urls import reverse

    with harness.fresh_database(), override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"]):
        opportunity, facilitator = seed(args.people)
        client = Client()
        client.force_login(facilitator)
        url = reverse("participation:opportunity", args=[opportunity.pk])
        results = [
            (
                "bare view",
                "staff",
                *harness.measure(lambda: client.get("/bench/bare/"), args.repeat),
            ),
            (
                f"role page, {args.people} people",
                "staff",
                *harness.measure(lambda: client.get(url), args.repeat),
            ),
        ]
        harness.print_pages(results)


if __name__ == "__main__":
    main()
