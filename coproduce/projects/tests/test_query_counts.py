"""Lists run a fixed number of queries however many projects, methods and budget lines there
are: each page is measured with 2 projects, then again with 12, and the counts must match."""

import datetime
from collections.abc import Callable
from typing import cast

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coproduce.accounts.models import Organisation, Role, User
from coproduce.projects import services
from coproduce.projects.models import CommissioningProject, ParticipationRung, Stage
from coproduce.testing.factories import (
    OrganisationFactory,
    make_budget_line,
    make_method,
    make_project,
    member,
)

pytestmark = pytest.mark.django_db

# The most queries any of these pages may run: 4 for the session, user, roles and active
# organisation, then a handful for the page (11 in all for the dashboard, the most, with its
# projects waiting to answer what people said).
MOST_QUERIES = 11


def seed(
    organisation: Organisation, lead: User, count: int, methods_per_plan: int = 1
) -> list[CommissioningProject]:
    """Projects led by `lead`, each with its first two plans published with methods and budget
    lines, and every stage due soon (so that the dashboard lists them all)."""
    today = timezone.localdate()
    made = []
    for _ in range(count):
        number = CommissioningProject.objects.count() + 1
        project = make_project(
            organisation, lead=lead, decision_maker=lead, title=f"Project {number:03d}"
        )
        for stage in project.stages.order_by("position")[:2]:
            plan = stage.plan
            for day in range(methods_per_plan):
                method = make_method(plan, starts_on=datetime.date(2026, 3, 1 + day))
                make_budget_line(method, "100.00")
                make_budget_line(method, "25.50", description="Bus fares")
            services.update_plan(plan, ParticipationRung.CO_PRODUCE, "", "Design it together.")
            services.publish_plan(plan, lead)
        made.append(project)
    Stage.objects.filter(project__in=made).update(
        planned_start=today - datetime.timedelta(days=3), planned_end=today
    )
    return made


Page = Callable[[list[CommissioningProject]], str]

PAGES: dict[str, Page] = {
    "dashboard": lambda projects: reverse("projects:dashboard"),
    "staff-project-list": lambda projects: reverse("projects:list"),
    "public-list": lambda projects: reverse("projects:public-list"),
    "public-detail": lambda projects: reverse("projects:public-detail", args=[projects[-1].pk]),
    "api-projects": lambda projects: "/api/projects/",
    "api-stages": lambda projects: "/api/stages/",
    "api-plans": lambda projects: "/api/plans/",
}


def _count_queries(client: Client, url: str) -> tuple[int, list[str]]:
    client.get(url)  # warm up: per-process caches (content types, templates) are not measured
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_with_projects(page: str) -> None:
    organisation = cast(Organisation, OrganisationFactory())
    lead = member(organisation, Role.COMMISSIONER)
    client = Client()
    client.force_login(lead)

    few = seed(organisation, lead, 2)
    few_count, _ = _count_queries(client, PAGES[page](few))

    # Ten more projects; the last one, whose public page is measured, has three methods a plan.
    many = few + seed(organisation, lead, 9) + seed(organisation, lead, 1, methods_per_plan=3)
    assert len(many) == 12
    many_count, many_sql = _count_queries(client, PAGES[page](many))

    assert many_count == few_count, "\n".join(many_sql)
    assert many_count <= MOST_QUERIES, "\n".join(many_sql)


def test_pages_list_every_project() -> None:
    """The pages measured above do show all twelve projects (so the counts mean something)."""
    organisation = cast(Organisation, OrganisationFactory())
    lead = member(organisation, Role.COMMISSIONER)
    client = Client()
    client.force_login(lead)
    projects = seed(organisation, lead, 12)
    titles = [project.title for project in projects]

    for url in (reverse("projects:dashboard"), reverse("projects:list"), "/get-involved/"):
        html = client.get(url).content.decode()
        assert all(title in html for title in titles), url
    assert client.get("/api/projects/").json()["count"] == 12
    assert client.get("/api/plans/").json()["count"] == 48
    methods = client.get("/api/plans/").json()["results"][0]["methods"]
    assert len(methods) == 1
    assert len(methods[0]["budget_lines"]) == 2
