"""The register at scale: the filtered people list and the representativeness report.

    .venv/bin/python bench/people.py [--people 100000] [--listed 10000] [--repeat 20]

Seeds one organisation with N people (each with access needs, communities, consent and some
involvements) by bulk_create, so no audit events are written for the seed, plus equality
answers for a saved list of M of them (the report's largest allowed set) and a project's target
population. Then times, through django.test.Client, the people list unfiltered and with filters,
and the representativeness report for the saved list, beside a bare view in the same run.
"""

import argparse
import datetime
import random
import sys
import time
from functools import partial
from typing import Any

import harness  # sets up a throw-away environment and starts Django
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

NEEDS_PER_PERSON = 2
COMMUNITIES = 40


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), path("", include("coproduce.urls"))]


def seed(count: int, listed: int) -> dict[str, Any]:
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from coproduce.accounts.models import Membership, Organisation, OrganisationKind, Role, User
    from coproduce.equality.models import (
        AgeBand,
        Disability,
        EqualityAnswers,
        Sex,
        TargetShare,
    )
    from coproduce.people.models import (
        AccessNeed,
        Channel,
        Community,
        CommunityKind,
        CommunityMembership,
        Consent,
        ConsentMethod,
        ConsentPurpose,
        Format,
        Involvement,
        InvolvementKind,
        Person,
        PersonNeed,
        SavedList,
        SavedListMember,
    )
    from coproduce.testing.factories import make_project

    rng = random.Random(2026)
    now = timezone.now()
    today = timezone.localdate()
    needs = list(AccessNeed)
    channels = [Channel.EMAIL, Channel.TEXT, Channel.POST]
    formats = list(Format)
    with transaction.atomic():
        council = Organisation.objects.create(
            name="Benchshire Council", slug="benchshire", kind=OrganisationKind.COUNCIL
        )
        user = User.objects.create_user("facilitator", first_name="Fran")
        Membership.objects.create(user=user, organisation=council, role=Role.FACILITATOR)
        communities = Community.objects.bulk_create(
            Community(organisation=council, name=f"Community {n}", kind=CommunityKind.INTEREST)
            for n in range(COMMUNITIES)
        )
        people = Person.objects.bulk_create(
            (
                Person(
                    organisation=council,
                    name=f"Person {n:06d} Bench",
                    email=f"person{n}@example.org",
                    mobile=f"07700 {n:06d}",
                    address="1 Bench Street",
                    postcode=f"BN{n % 90} {n % 9}AB",
                    preferred_channel=channels[n % len(channels)],
                    preferred_format=formats[n % len(formats)],
                )
                for n in range(count)
            ),
            batch_size=2000,
        )
        PersonNeed.objects.bulk_create(
            (
                PersonNeed(organisation=council, person=person, need=need)
                for person in people
                for need in rng.sample(needs, NEEDS_PER_PERSON)
            ),
            batch_size=5000,
        )
        CommunityMembership.objects.bulk_create(
            (
                CommunityMembership(organisation=council, person=person, community=community)
                for person in people
                for community in rng.sample(communities, 2)
            ),
            batch_size=5000,
        )
        Consent.objects.bulk_create(
            (
                Consent(
                    organisation=council,
                    person=person,
                    purpose=purpose,
                    given_at=now,
                    method=ConsentMethod.ONLINE,
                )
                for index, person in enumerate(people)
                if index % 4
                for purpose in (ConsentPurpose.CONTACT, ConsentPurpose.EQUALITY)
            ),
            batch_size=5000,
        )
        Involvement.objects.bulk_create(
            (
                Involvement(
                    organisation=council,
                    person=person,
                    occurred_on=today - datetime.timedelta(days=rng.randrange(700)),
                    kind=InvolvementKind.EVENT,
                    description="Workshop",
                )
                for person in people
                for _ in range(rng.randrange(4))
            ),
            batch_size=5000,
        )
        chosen = [person for index, person in enumerate(people) if index % 4][:listed]
        saved = SavedList.objects.create(organisation=council, name="Everyone we have asked")
        SavedListMember.objects.bulk_create(
            (SavedListMember(organisation=council, saved_list=saved, person=p) for p in chosen),
            batch_size=5000,
        )
        ages, sexes, disability = list(AgeBand), list(Sex), list(Disability)
        EqualityAnswers.objects.bulk_create(
            (
                EqualityAnswers(
                    organisation=council,
                    person=person,
                    age_band=rng.choice(ages),
                    sex=rng.choice(sexes),
                    disability=rng.choice(disability),
                )
                for person in chosen
            ),
            batch_size=2000,
        )
        project = make_project(council, user, title="Carers' hub")
        TargetShare.objects.bulk_create(
            TargetShare(
                organisation=council, project=project, category="sex", group=group, share=share
            )
            for group, share in [(Sex.FEMALE, Decimal("51")), (Sex.MALE, Decimal("49"))]
        )
    return {"user": user, "community": communities[3].pk, "list": saved.pk, "project": project.pk}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000, help="people to seed (100000)")
    parser.add_argument("--listed", type=int, default=10_000, help="people in the report (10000)")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page (20)")
    arguments = parser.parse_args()
    if min(arguments.people, arguments.listed, arguments.repeat) < 1:
        parser.error("--people, --listed and --repeat must be at least 1")
    if arguments.listed > arguments.people:
        parser.error("--listed cannot be more than --people")

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["localhost"]
    with harness.fresh_database():
        began = time.perf_counter()
        seeded = seed(arguments.people, arguments.listed)
        harness.analyse()
        seconds = time.perf_counter() - began
        staff = Client(SERVER_NAME="localhost")
        staff.force_login(seeded["user"])
        report = f"/projects/{seeded['project']}/representativeness/?list={seeded['list']}"
        pages = [
            ("bare view", "/bench/bare/"),
            ("people list, page 1", "/people/"),
            ("people list, page 200", "/people/?page=200"),
            (
                "people: community + need",
                f"/people/?community={seeded['community']}&need=transport",
            ),
            ("people: name search", "/people/?q=person+0421"),
            ("people: consent + asked often", "/people/?consent=given&fatigue=over"),
            (f"representativeness, {arguments.listed} people", report),
        ]
        results = []
        for name, url in pages:
            queries, times = harness.measure(partial(staff.get, url), arguments.repeat)
            results.append((name, "staff", queries, times))
        print(
            f"{arguments.people} people ({arguments.listed} with equality answers on a saved "
            f"list) seeded in {seconds:.1f}s on {connection.vendor}; "
            f"{arguments.repeat} timed requests a page"
        )
        harness.print_pages(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
