"""Response times of the busiest pages, against a bare Django view in the same run.

    .venv/bin/python bench/dashboard.py [--projects 1000] [--repeat 30]

Makes a fresh database for the run, as the test runner does, and removes it afterwards: a
temporary SQLite file, or with DATABASE_URL set, a new `test_<name>` database beside the one
named (the named database itself is never used). var/coproduce.sqlite3 is never touched.
Seeds one organisation with N projects (stages, readiness items, plans, methods and budget
lines) with bulk_create, so no audit events are written for them, then times each page through
django.test.Client: the full middleware stack and templates, without a network or a server.
"""

import argparse
import sys
import time
from functools import partial
from typing import Any

import harness  # sets up a throw-away environment and starts Django
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

OFFICERS = 20  # the benchmark user leads one project in twenty
METHODS_PER_PROJECT = 2
LINES_PER_METHOD = 2


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


# This module is the URLconf for the run: the bare view, then the whole application.
urlpatterns = [
    path("bench/bare/", bare),
    path("", include("coproduce.urls")),
]


def seed(count: int) -> dict[str, Any]:
    """One organisation with `count` projects, at every point of the cycle."""
    import datetime
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from coproduce.accounts.models import Membership, Organisation, OrganisationKind, Role, User
    from coproduce.projects.models import (
        STAGE_ORDER,
        BudgetCategory,
        BudgetLine,
        CommissioningLevel,
        CommissioningProject,
        EngagementMethod,
        EngagementPlan,
        MethodKind,
        ParticipationRung,
        PlanStatus,
        ReadinessCheck,
        ReadinessItem,
        ReadinessStatus,
        Stage,
        StageStatus,
    )

    today = timezone.localdate()
    levels = list(CommissioningLevel)
    kinds = list(MethodKind)
    categories = list(BudgetCategory)
    with transaction.atomic():
        council = Organisation.objects.create(
            name="Benchshire Council", slug="benchshire", kind=OrganisationKind.COUNCIL
        )
        officers = [
            User.objects.create_user(
                username=f"officer{number}", first_name="Officer", last_name=str(number)
            )
            for number in range(OFFICERS)
        ]
        Membership.objects.bulk_create(
            Membership(user=user, organisation=council, role=Role.COMMISSIONER) for user in officers
        )
        projects = [
            CommissioningProject(
                organisation=council,
                title=f"Project {number:05d}: support for carers in area {number % 37}",
                service_area="Adult social care",
                summary="Recommissioning support for carers, with the people who use it. " * 3,
                level=levels[number % len(levels)],
                lead_officer=officers[number % OFFICERS],
                decision_maker=officers[(number + 1) % OFFICERS],
                decision_route="Cabinet member decision.",
                budget_envelope=Decimal("250000.00"),
                involvement_budget=Decimal("10000.00"),
                starts_on=today - datetime.timedelta(days=number % 200),
                ends_on=today + datetime.timedelta(days=365),
                scope_open="What the service offers and how it is run.",
                scope_fixed="The total budget.",
                how_to_get_involved="Join the reference group.",
                is_public=number % 2 == 0,
            )
            for number in range(count)
        ]
        CommissioningProject.objects.bulk_create(projects, batch_size=500)

        stages = []
        for number, project in enumerate(projects):
            current = number % 5  # stages before this one are complete; 4 means all are
            for position, kind in enumerate(STAGE_ORDER, start=1):
                status = (
                    StageStatus.COMPLETE
                    if position - 1 < current
                    else StageStatus.IN_PROGRESS
                    if position - 1 == current
                    else StageStatus.NOT_STARTED
                )
                start = project.starts_on + datetime.timedelta(days=90 * (position - 1))
                stages.append(
                    Stage(
                        organisation_id=project.organisation_id,
                        project=project,
                        kind=kind,
                        position=position,
                        status=status,
                        planned_start=start,
                        planned_end=start + datetime.timedelta(days=89),
                    )
                )
        Stage.objects.bulk_create(stages, batch_size=500)
        ReadinessItem.objects.bulk_create(
            (
                ReadinessItem(
                    organisation_id=stage.organisation_id,
                    stage=stage,
                    item=item,
                    status=ReadinessStatus.DONE
                    if stage.status != StageStatus.NOT_STARTED
                    else ReadinessStatus.OUTSTANDING,
                )
                for stage in stages
                for item in ReadinessCheck
            ),
            batch_size=1000,
        )
        plans = [
            EngagementPlan(
                organisation_id=stage.organisation_id,
                stage=stage,
                rung=ParticipationRung.CO_PRODUCE if stage.position <= 2 else "",
                objectives="Design the service together." if stage.position <= 2 else "",
                status=PlanStatus.PUBLISHED
                if stage.status != StageStatus.NOT_STARTED and stage.position <= 2
                else PlanStatus.DRAFT,
            )
            for stage in stages
        ]
        EngagementPlan.objects.bulk_create(plans, batch_size=500)
        methods = [
            EngagementMethod(
                organisation_id=plan.organisation_id,
                plan=plan,
                kind=kinds[(plan.stage.position + number) % len(kinds)],
                purpose="Co-design the specification.",
                who_for="Carers and people who use the service.",
                starts_on=plan.stage.planned_start,
            )
            for plan in plans
            if plan.stage.position <= 2
            for number in range(METHODS_PER_PROJECT // 2)
        ]
        EngagementMethod.objects.bulk_create(methods, batch_size=500)
        lines = [
            BudgetLine(
                organisation_id=method.organisation_id,
                method=method,
                category=categories[number % len(categories)],
                description="Venue and refreshments",
                amount=Decimal("150.00"),
            )
            for method in methods
            for number in range(LINES_PER_METHOD)
        ]
        BudgetLine.objects.bulk_create(lines, batch_size=500)
    return {
        "user": officers[0],
        "projects": len(projects),
        "stages": len(stages),
        "methods": len(methods),
        "lines": len(lines),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=1000, help="projects to seed (1000)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page (30)")
    arguments = parser.parse_args()
    if arguments.projects < 1 or arguments.repeat < 1:
        parser.error("--projects and --repeat must be at least 1")

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["localhost"]
    with harness.fresh_database():
        began = time.perf_counter()
        seeded = seed(arguments.projects)
        harness.analyse()
        seconds = time.perf_counter() - began

        staff = Client(SERVER_NAME="localhost")
        staff.force_login(seeded["user"])
        public = Client(SERVER_NAME="localhost")
        pages = [
            ("bare view", "staff", staff, "/bench/bare/"),
            ("bare view", "anonymous", public, "/bench/bare/"),
            ("staff dashboard", "staff", staff, "/dashboard/"),
            ("staff project list, page 1", "staff", staff, "/projects/?page=1"),
            ("public list, page 1", "anonymous", public, "/get-involved/?page=1"),
            ("API project list", "staff", staff, "/api/projects/"),
        ]
        results = []
        for name, who, client, url in pages:
            queries, times = harness.measure(partial(client.get, url), arguments.repeat)
            results.append((name, who, queries, times))
        print(
            f"{seeded['projects']} projects ({seeded['stages']} stages, {seeded['methods']} "
            f"methods, {seeded['lines']} budget lines) seeded in {seconds:.1f}s on "
            f"{connection.vendor}; {arguments.repeat} timed requests a page"
        )
        harness.print_pages(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
