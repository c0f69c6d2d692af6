"""Every co-review URL visited as every role, plus the provider user of the service and a
provider user of another service, with the designed answer written out for each cell:

- staff pages: anonymous is sent to sign in; anyone who is not staff (participants,
  providers) gets 403; another organisation's administrator gets 404 on this organisation's
  records (and their own organisation's lists on list pages). All staff read; those who plan
  involvement keep the outcomes framework, quality characteristics, visits and lessons and
  run the self-assessment; those who lead commissioning set up services.
- a provider's pages: only the users who report on that service (200); everyone else, staff
  included, 404 (another provider's service does not exist for them).
- scoring the self-assessment: the organisation's staff and participants; providers 403;
  another organisation 404. Paper scores: administrators and facilitators.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import pytest
from django.db import transaction
from django.urls import reverse

from coproduce.accounts.models import Organisation, User
from coproduce.projects.models import StageKind
from coproduce.review import services
from coproduce.review.models import FindingKind, Lesson, VisitFinding
from coproduce.testing.factories import OrganisationFactory, make_project
from coproduce.testing.permissions import LOGIN, ROLES, assert_cell, client_for, matrix_users

from .factories import (
    make_assessment,
    make_characteristic,
    make_indicator,
    make_outcome,
    make_service,
    make_visit,
    provider_of,
)

pytestmark = pytest.mark.django_db

COLUMNS = (*ROLES, "service_provider", "other_provider")


@dataclass(frozen=True)
class World:
    users: dict[str, User]
    objects: dict[str, Any]


Url = Callable[[World], str]


def _url(name: str, *keys: str) -> Url:
    return lambda w: reverse(f"review:{name}", args=[w.objects[k].pk for k in keys])


def _page(name: str) -> Url:
    return lambda w: reverse(f"review:{name}")


URLS: dict[str, tuple[str, Url]] = {
    "index": ("get", _page("index")),
    "project": ("get", _url("project", "project")),
    "outcome-create": ("get", _url("outcome-create", "project")),
    "outcome-edit": ("get", _url("outcome-edit", "outcome")),
    "indicator-create": ("get", _url("indicator-create", "outcome")),
    "indicator": ("get", _url("indicator", "indicator")),
    "indicator-edit": ("get", _url("indicator-edit", "indicator")),
    "service-create": ("get", _url("service-create", "project")),
    "service": ("get", _url("service", "service")),
    "service-edit": ("get", _url("service-edit", "service")),
    "characteristic-create": ("get", _url("characteristic-create", "service")),
    "characteristic-edit": ("get", _url("characteristic-edit", "characteristic")),
    "report": ("get", _url("report", "submitted")),
    "visit-create": ("get", _url("visit-create", "service")),
    "visit": ("get", _url("visit", "visit")),
    "visit-checklist": ("get", _url("visit-checklist", "visit")),
    "visit-ratings": ("get", _url("visit-ratings", "visit")),
    "finding-create": ("get", _url("finding-create", "visit")),
    "finding-delete": ("post", _url("finding-delete", "finding")),
    "visit-send": ("post", _url("visit-send", "visit")),
    "lessons": ("get", _page("lessons")),
    "lesson-create": ("get", _url("lesson-create", "project")),
    "lesson-edit": ("get", _url("lesson-edit", "lesson")),
    "self-assessments": ("get", _page("self-assessments")),
    "take-part": ("get", _page("take-part")),
    "self-assessment": ("get", _url("self-assessment", "assessment")),
    "self-assessment-close": ("post", _url("self-assessment-close", "assessment")),
    "self-assessment-score": ("get", _url("self-assessment-score", "assessment")),
    "self-assessment-paper": ("get", _url("self-assessment-paper", "assessment")),
    "provider-home": ("get", _page("provider-home")),
    "provider-service": ("get", _url("provider-service", "service")),
    "provider-report": ("get", _url("provider-report", "draft")),
}

STAFF_READ = (200, 200, 200, 200, 200, 403, 403, 404, LOGIN, 403, 403)
ORG_LIST = (200, 200, 200, 200, 200, 403, 403, 200, LOGIN, 403, 403)
PLAN = (200, 200, 200, 403, 403, 403, 403, 404, LOGIN, 403, 403)
PLAN_ACTION = (302, 302, 302, 403, 403, 403, 403, 404, LOGIN, 403, 403)
LEAD = (200, 200, 403, 403, 403, 403, 403, 404, LOGIN, 403, 403)
PROVIDER = (404, 404, 404, 404, 404, 404, 404, 404, LOGIN, 200, 404)
SIGNED_IN = (200, 200, 200, 200, 200, 200, 200, 200, LOGIN, 200, 200)

EXPECTED: dict[str, tuple[int | str, ...]] = {
    #                       admin comm facil fin  decide partic provid other anon  svc_p other_p
    "index":                ORG_LIST,
    "project":              STAFF_READ,
    "outcome-create":       PLAN,
    "outcome-edit":         PLAN,
    "indicator-create":     PLAN,
    "indicator":            STAFF_READ,
    "indicator-edit":       PLAN,
    "service-create":       LEAD,
    "service":              STAFF_READ,
    "service-edit":         LEAD,
    "characteristic-create": PLAN,
    "characteristic-edit":  PLAN,
    "report":               STAFF_READ,
    "visit-create":         PLAN,
    "visit":                STAFF_READ,
    "visit-checklist":      PLAN,
    "visit-ratings":        PLAN,
    "finding-create":       PLAN,
    "finding-delete":       PLAN_ACTION,
    "visit-send":           PLAN_ACTION,
    "lessons":              ORG_LIST,
    "lesson-create":        PLAN,
    "lesson-edit":          PLAN,
    "self-assessments":     ORG_LIST,
    "take-part":            SIGNED_IN,
    "self-assessment":      STAFF_READ,
    "self-assessment-close": PLAN_ACTION,
    "self-assessment-score": (200, 200, 200, 200, 200,  200,   403,   404,  LOGIN, 403,  403),
    "self-assessment-paper": (200, 403, 200, 403, 403,  403,   403,   404,  LOGIN, 403,  403),
    "provider-home":        SIGNED_IN,
    "provider-service":     PROVIDER,
    "provider-report":      PROVIDER,
}  # fmt: skip

CELLS = [
    pytest.param(name, role, expected[column], id=f"{name}-{role}")
    for name, expected in EXPECTED.items()
    for column, role in enumerate(COLUMNS)
]


def test_every_url_has_a_row_with_a_cell_for_every_role() -> None:
    assert set(URLS) == set(EXPECTED)
    assert all(len(expected) == len(COLUMNS) for expected in EXPECTED.values())


def test_every_review_url_is_in_the_matrix() -> None:
    from coproduce.review.urls import urlpatterns

    assert {pattern.name for pattern in urlpatterns} == set(URLS)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    # Each test runs in its own transaction inside this one, so an action in one cell is
    # rolled back before the next.
    with django_db_blocker.unblock(), transaction.atomic():
        yield _make_world()
        transaction.set_rollback(True)


def _make_world() -> World:
    organisation = cast(Organisation, OrganisationFactory())
    other = cast(Organisation, OrganisationFactory())
    users = matrix_users(organisation, other)
    project = make_project(organisation)
    service = make_service(project)
    other_service = make_service(project, name="Young carers' service")
    outcome = make_outcome(project)
    indicator = make_indicator(outcome, service)
    characteristic = make_characteristic(service)
    submitted = services.start_report(
        service, period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 3, 31)
    )
    services.save_report(submitted, figures={indicator.pk: (Decimal("50"), "")}, commentary="")
    services.submit_report(submitted, provider_of(service))
    draft = services.start_report(
        service, period_start=datetime.date(2026, 4, 1), period_end=datetime.date(2026, 6, 30)
    )
    visit = make_visit(service, by=users["facilitator"])
    finding = services.add_finding(
        VisitFinding(visit=visit, kind=FindingKind.FINDING, text="The door was hard to open.")
    )
    lesson = services.save_lesson(
        Lesson(
            project=project,
            stage=project.stages.get(kind=StageKind.DO),
            title="Give bidders the carers' film",
            what_worked="Bidders answered carers' own words.",
            recorded_by=users["facilitator"],
        )
    )
    users["service_provider"] = provider_of(service)
    users["other_provider"] = provider_of(other_service)
    return World(
        users=users,
        objects={
            "project": project,
            "service": service,
            "outcome": outcome,
            "indicator": indicator,
            "characteristic": characteristic,
            "submitted": submitted,
            "draft": draft,
            "visit": visit,
            "finding": finding,
            "lesson": lesson,
            "assessment": make_assessment(organisation),
        },
    )


@pytest.mark.parametrize(("name", "role", "expected"), CELLS)
def test_permission_matrix(world: World, name: str, role: str, expected: int | str) -> None:
    method, url_for = URLS[name]
    url = url_for(world)
    response = getattr(client_for(world.users, role), method)(url)
    assert_cell(response, expected, f"{method.upper()} {url}")


def test_post_only_urls_refuse_get(world: World) -> None:
    client = client_for(world.users, "administrator")
    for name, (method, url_for) in URLS.items():
        if method == "post":
            assert client.get(url_for(world)).status_code == 405, name
