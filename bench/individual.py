"""Plans at scale: the commissioners' figures across person-centred plans.

    .venv/bin/python bench/individual.py [--plans 20000] [--repeat 10]

Seeds one organisation with N people, each with a plan in use (one final version) holding two
outcomes (a third not met), a support gap for one plan in four, and a personal budget with one
planned support (with one of 30 approved providers) and two rows of spending, all by
bulk_create (no audit events are written for the seed). Then times, through
django.test.Client, the figures page (all plans, and one kind of plan) and the plan list beside
a bare view, printing queries, median and p90 milliseconds.
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


def seed(count: int) -> dict[str, Any]:
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from coproduce.accounts.models import Membership, Organisation, OrganisationKind, Role, User
    from coproduce.individual import models as m
    from coproduce.people.models import Channel, Person

    today = timezone.localdate()
    areas = m.OutcomeArea.values
    types = m.SupportType.values
    kinds = m.PlanKind.values
    batch = 2000
    with transaction.atomic():
        council = Organisation.objects.create(
            name="Benchshire Council", slug="benchshire", kind=OrganisationKind.COUNCIL
        )
        commissioner = User.objects.create_user("commissioner", first_name="Chris")
        worker = User.objects.create_user("worker", first_name="Fran")
        Membership.objects.create(user=commissioner, organisation=council, role=Role.COMMISSIONER)
        Membership.objects.create(user=worker, organisation=council, role=Role.FACILITATOR)
        providers = m.ApprovedProvider.objects.bulk_create(
            m.ApprovedProvider(
                organisation=council,
                name=f"Provider {n:02d}",
                description="Support",
                support_types=[types[n % len(types)]],
                area="Benchshire",
                contact="01632 960000",
                approved_on=today,
            )
            for n in range(30)
        )
        for start in range(0, count, batch):
            numbers = range(start, min(count, start + batch))
            people = Person.objects.bulk_create(
                Person(
                    organisation=council,
                    name=f"Person {n:05d} Bench",
                    preferred_channel=Channel.POST,
                )
                for n in numbers
            )
            plans = m.PersonCentredPlan.objects.bulk_create(
                m.PersonCentredPlan(
                    organisation=council,
                    person=person,
                    kind=kinds[n % len(kinds)],
                    next_review_on=today + datetime.timedelta(days=n % 365 + 1),
                    created_by=worker,
                )
                for n, person in zip(numbers, people, strict=True)
            )
            m.PlanWorker.objects.bulk_create(
                m.PlanWorker(organisation=council, plan=plan, user=worker, role_description="Key")
                for plan in plans
            )
            versions = m.PlanVersion.objects.bulk_create(
                m.PlanVersion(
                    organisation=council,
                    plan=plan,
                    number=1,
                    status=m.PlanStatus.FINAL,
                    important_to="My friends",
                    took_part=["themselves"],
                    agreed=True,
                    created_by=worker,
                )
                for plan in plans
            )
            m.Outcome.objects.bulk_create(
                m.Outcome(
                    organisation=council,
                    version=version,
                    in_their_words="I want to see my friends.",
                    area=areas[(n + k) % len(areas)],
                    progress=m.OutcomeProgress.NOT_MET if (n + k) % 3 == 0 else "on_track",
                )
                for n, version in zip(numbers, versions, strict=True)
                for k in range(2)
            )
            m.SupportGap.objects.bulk_create(
                m.SupportGap(
                    organisation=council,
                    version=version,
                    support_type=types[n % len(types)],
                    description="Short breaks near home",
                    reason=m.GapReason.values[n % len(m.GapReason.values)],
                )
                for n, version in zip(numbers, versions, strict=True)
                if n % 4 == 0
            )
            budgets = m.PersonalBudget.objects.bulk_create(
                m.PersonalBudget(
                    organisation=council,
                    plan=plan,
                    allocation=Decimal("5000.00"),
                    held_as=m.HeldAs.DIRECT_PAYMENT,
                    starts_on=today - datetime.timedelta(days=100),
                    ends_on=today + datetime.timedelta(days=265),
                    review_on=today + datetime.timedelta(days=100),
                )
                for plan in plans
            )
            m.PlannedSupport.objects.bulk_create(
                m.PlannedSupport(
                    organisation=council,
                    budget=budget,
                    support_type=types[n % len(types)],
                    description="Support",
                    provider=providers[n % len(providers)],
                    unit_cost=Decimal("40.00"),
                    units=Decimal("100"),
                    amount=Decimal("4000.00"),
                )
                for n, budget in zip(numbers, budgets, strict=True)
            )
            m.ActualSpend.objects.bulk_create(
                m.ActualSpend(
                    organisation=council,
                    budget=budget,
                    spent_on=today - datetime.timedelta(days=k * 30 + 1),
                    support_type=types[(n + k) % len(types)],
                    description="Support",
                    amount=Decimal("123.45"),
                    source=m.SpendSource.IMPORTED,
                )
                for n, budget in zip(numbers, budgets, strict=True)
                for k in range(2)
            )
    return {"commissioner": commissioner, "worker": worker}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=20_000, help="plans to seed (20000)")
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per page (10)")
    arguments = parser.parse_args()
    if min(arguments.plans, arguments.repeat) < 1:
        parser.error("--plans and --repeat must be at least 1")

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["localhost"]
    with harness.fresh_database():
        began = time.perf_counter()
        seeded = seed(arguments.plans)
        harness.analyse()
        seconds = time.perf_counter() - began
        results = []
        for who in ("commissioner", "worker"):
            client = Client(SERVER_NAME="localhost")
            client.force_login(seeded[who])
            pages = [("bare view", "/bench/bare/")]
            if who == "commissioner":
                pages += [
                    ("figures across plans", "/individual/across-plans/"),
                    ("figures, EHC plans only", "/individual/across-plans/?kind=ehc"),
                ]
            else:
                pages += [("plan list, page 1", "/individual/plans/")]
            for name, url in pages:
                queries, times = harness.measure(partial(client.get, url), arguments.repeat)
                results.append((name, who, queries, times))
        print(
            f"{arguments.plans} plans seeded in {seconds:.1f}s on {connection.vendor}; "
            f"{arguments.repeat} timed requests a page"
        )
        harness.print_pages(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
