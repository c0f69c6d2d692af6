"""Every URL that shows or changes a record, visited as every role: the designed answer for
each is written out below, one test per cell.

Design:
- anonymous: sent to sign in (HTML) or 401 (API: TokenAuthentication is tried first, so DRF
  answers 401 with `WWW-Authenticate: Token`);
- participants and providers are not staff: 403 on every staff page and API endpoint;
- staff of another organisation: 404 on every record of this one (it does not exist for them);
- staff of this organisation: 200 on pages that show a record, and on change pages only if
  `coproduce.accounts.rules` lets their role change it (403 otherwise);
- POST-only actions (start or complete a stage, publish a plan, check the audit trail): a
  redirect for the roles allowed to act, 403 for other staff.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from coproduce.accounts.models import Organisation, Role, User
from coproduce.core.models import Job
from coproduce.people import services as people_services
from coproduce.people.models import PartnerOrganisation
from coproduce.projects.models import CommissioningProject, Stage
from coproduce.testing.factories import (
    CommunityFactory,
    OrganisationFactory,
    make_budget_line,
    make_method,
    make_person,
    make_project,
    member,
)
from coproduce.testing.permissions import LOGIN, assert_cell, client_for

pytestmark = pytest.mark.django_db

# Columns of the table, in this order.
ROLES = (
    "administrator",
    "commissioner",
    "facilitator",
    "finance_approver",
    "decision_maker",
    "participant",
    "provider",
    "other_org_commissioner",
    "anonymous",
)


@dataclass(frozen=True)
class World:
    """The records every cell is about: the project's first stage, its plan, a method and
    budget line on that plan, and a job; `objects` holds each by name."""

    organisation: Organisation
    other_organisation: Organisation
    users: dict[str, User]
    project: CommissioningProject
    private_project: CommissioningProject
    stage: Stage
    objects: dict[str, Any]


Url = Callable[[World], str]


def _url(name: str, key: str) -> Url:
    return lambda w: reverse(name, args=[w.objects[key].pk])


def _history(label: str, key: str) -> Url:
    return lambda w: reverse("audit:history", args=[label, w.objects[key].pk])


# What each URL is: the HTTP method to use, and the URL in the world made below.
URLS: dict[str, tuple[str, Url]] = {
    # Pages about the user's active organisation, with no record in the URL
    "dashboard": ("get", lambda w: reverse("projects:dashboard")),
    "project-list": ("get", lambda w: reverse("projects:list")),
    "project-create": ("get", lambda w: reverse("projects:create")),
    "audit-trail": ("get", lambda w: reverse("audit:trail")),
    "audit-verify": ("post", lambda w: reverse("audit:verify")),
    "assist": ("get", lambda w: reverse("accounts:assist")),
    "api-project-list": ("get", lambda w: "/api/projects/"),
    # Projects and stages
    "project-detail": ("get", lambda w: reverse("projects:detail", args=[w.project.pk])),
    "project-edit": ("get", lambda w: reverse("projects:edit", args=[w.project.pk])),
    "stage-detail": ("get", lambda w: reverse("projects:stage", args=[w.stage.pk])),
    "stage-dates": ("get", lambda w: reverse("projects:stage-dates", args=[w.stage.pk])),
    "stage-start": ("post", lambda w: reverse("projects:stage-start", args=[w.stage.pk])),
    "stage-complete": ("post", lambda w: reverse("projects:stage-complete", args=[w.stage.pk])),
    "readiness-item": ("get", _url("projects:readiness-item", "item")),
    # Engagement plans, methods and budget lines
    "plan-edit": ("get", _url("projects:plan", "plan")),
    "plan-publish": ("post", _url("projects:plan-publish", "plan")),
    "method-create": ("get", _url("projects:method-create", "plan")),
    "method-edit": ("get", _url("projects:method", "method")),
    "method-delete": ("get", _url("projects:method-delete", "method")),
    "budget-line-create": ("get", _url("projects:budget-create", "method")),
    "budget-line-edit": ("get", _url("projects:budget-line", "line")),
    "budget-line-delete": ("get", _url("projects:budget-line-delete", "line")),
    # History of changes to a record
    "history-project": ("get", _history("projects.commissioningproject", "project")),
    "history-stage": ("get", _history("projects.stage", "stage")),
    "history-plan": ("get", _history("projects.engagementplan", "plan")),
    # A background job started by the facilitator
    "job": ("get", _url("core:job", "job")),
    # JSON API
    "api-project": ("get", lambda w: f"/api/projects/{w.project.pk}/"),
    "api-stage": ("get", lambda w: f"/api/stages/{w.stage.pk}/"),
    "api-plan": ("get", lambda w: f"/api/plans/{w.objects['plan'].pk}/"),
    # Public pages: a public project, and a project that is not public
    "public-list": ("get", lambda w: reverse("projects:public-list")),
    "public-detail": ("get", _url("projects:public-detail", "project")),
    "public-detail-private": ("get", _url("projects:public-detail", "private_project")),
    # The people and communities register
    "people-list": ("get", lambda w: reverse("people:list")),
    "person-create": ("get", lambda w: reverse("people:create")),
    "person-detail": ("get", _url("people:detail", "person")),
    "person-edit": ("get", _url("people:edit", "person")),
    "consent": ("get", _url("people:consent", "person")),
    "consent-withdraw": (
        "post",
        lambda w: reverse("people:consent-withdraw", args=[w.objects["person"].pk, "contact"]),
    ),
    "involvement-create": ("get", _url("people:involvement-create", "person")),
    "partner-role": ("get", _url("people:partner-role", "person")),
    "communities": ("get", lambda w: reverse("people:communities")),
    "community-create": ("get", lambda w: reverse("people:community-create")),
    "community-edit": ("get", _url("people:community", "community")),
    "partners": ("get", lambda w: reverse("people:partners")),
    "partner-create": ("get", lambda w: reverse("people:partner-create")),
    "partner-edit": ("get", _url("people:partner", "partner")),
    "saved-lists": ("get", lambda w: reverse("people:saved-lists")),
    "saved-list": ("get", _url("people:saved-list", "saved_list")),
    "saved-list-add": ("post", lambda w: reverse("people:saved-list-add")),
    "saved-list-remove": (
        "post",
        lambda w: reverse(
            "people:saved-list-remove",
            args=[w.objects["saved_list"].pk, w.objects["person"].pk],
        ),
    ),
    "register-settings": ("get", lambda w: reverse("people:settings")),
    "history-person": ("get", _history("people.person", "person")),
}

# The designed answer for each URL and role. "other" is a commissioner of another
# organisation: on pages with no record in the URL they see their own organisation's page.
EXPECTED: dict[str, tuple[int | str, ...]] = {
    #                          admin    comm     facil    finance  decide   partic   provid   other    anon
    "dashboard":              (200,     200,     200,     200,     200,     403,     403,     200,     LOGIN),
    "project-list":           (200,     200,     200,     200,     200,     403,     403,     200,     LOGIN),
    "project-create":         (200,     200,     403,     403,     403,     403,     403,     200,     LOGIN),
    "audit-trail":            (200,     403,     403,     403,     403,     403,     403,     403,     LOGIN),
    "audit-verify":           (302,     403,     403,     403,     403,     403,     403,     403,     LOGIN),
    "assist":                 (200,     403,     200,     403,     403,     403,     403,     403,     LOGIN),
    "api-project-list":       (200,     200,     200,     200,     200,     403,     403,     200,     401),
    "project-detail":         (200,     200,     200,     200,     200,     403,     403,     404,     LOGIN),
    "project-edit":           (200,     200,     403,     403,     403,     403,     403,     404,     LOGIN),
    "stage-detail":           (200,     200,     200,     200,     200,     403,     403,     404,     LOGIN),
    "stage-dates":            (200,     200,     403,     403,     403,     403,     403,     404,     LOGIN),
    "stage-start":            (302,     302,     403,     403,     403,     403,     403,     404,     LOGIN),
    "stage-complete":         (302,     302,     403,     403,     403,     403,     403,     404,     LOGIN),
    "readiness-item":         (200,     200,     200,     403,     403,     403,     403,     404,     LOGIN),
    "plan-edit":              (200,     200,     200,     403,     403,     403,     403,     404,     LOGIN),
    "plan-publish":           (302,     302,     403,     403,     403,     403,     403,     404,     LOGIN),
    "method-create":          (200,     200,     200,     403,     403,     403,     403,     404,     LOGIN),
    "method-edit":            (200,     200,     200,     403,     403,     403,     403,     404,     LOGIN),
    "method-delete":          (200,     200,     200,     403,     403,     403,     403,     404,     LOGIN),
    "budget-line-create":     (200,     200,     200,     403,     403,     403,     403,     404,     LOGIN),
    "budget-line-edit":       (200,     200,     200,     403,     403,     403,     403,     404,     LOGIN),
    "budget-line-delete":     (200,     200,     200,     403,     403,     403,     403,     404,     LOGIN),
    "history-project":        (200,     200,     200,     200,     200,     403,     403,     404,     LOGIN),
    "history-stage":          (200,     200,     200,     200,     200,     403,     403,     404,     LOGIN),
    "history-plan":           (200,     200,     200,     200,     200,     403,     403,     404,     LOGIN),
    "job":                    (200,     403,     200,     403,     403,     403,     403,     404,     LOGIN),
    "api-project":            (200,     200,     200,     200,     200,     403,     403,     404,     401),
    "api-stage":              (200,     200,     200,     200,     200,     403,     403,     404,     401),
    "api-plan":               (200,     200,     200,     200,     200,     403,     403,     404,     401),
    "public-list":            (200,     200,     200,     200,     200,     200,     200,     200,     200),
    "public-detail":          (200,     200,     200,     200,     200,     200,     200,     200,     200),
    "public-detail-private":  (404,     404,     404,     404,     404,     404,     404,     404,     404),
    "people-list":            (200,     200,     200,     200,     200,     403,     403,     200,     LOGIN),
    "person-create":          (200,     200,     200,     403,     403,     403,     403,     200,     LOGIN),
    "person-detail":          (200,     200,     200,     200,     200,     403,     403,     404,     LOGIN),
    "person-edit":            (200,     200,     200,     403,     403,     403,     403,     404,     LOGIN),
    "consent":                (200,     200,     200,     403,     403,     403,     403,     404,     LOGIN),
    "consent-withdraw":       (302,     302,     302,     403,     403,     403,     403,     404,     LOGIN),
    "involvement-create":     (200,     200,     200,     403,     403,     403,     403,     404,     LOGIN),
    "partner-role":           (200,     200,     200,     403,     403,     403,     403,     404,     LOGIN),
    "communities":            (200,     200,     200,     200,     200,     403,     403,     200,     LOGIN),
    "community-create":       (200,     200,     200,     403,     403,     403,     403,     200,     LOGIN),
    "community-edit":         (200,     200,     200,     403,     403,     403,     403,     404,     LOGIN),
    "partners":               (200,     200,     200,     200,     200,     403,     403,     200,     LOGIN),
    "partner-create":         (200,     200,     200,     403,     403,     403,     403,     200,     LOGIN),
    "partner-edit":           (200,     200,     200,     403,     403,     403,     403,     404,     LOGIN),
    "saved-lists":            (200,     200,     200,     200,     200,     403,     403,     200,     LOGIN),
    "saved-list":             (200,     200,     200,     200,     200,     403,     403,     404,     LOGIN),
    "saved-list-add":         (302,     302,     302,     403,     403,     403,     403,     302,     LOGIN),
    "saved-list-remove":      (302,     302,     302,     403,     403,     403,     403,     404,     LOGIN),
    "register-settings":      (200,     403,     403,     403,     403,     403,     403,     403,     LOGIN),
    "history-person":         (200,     200,     200,     200,     200,     403,     403,     404,     LOGIN),
}  # fmt: skip

CELLS = [
    pytest.param(name, role, expected[column], id=f"{name}-{role}")
    for name, expected in EXPECTED.items()
    for column, role in enumerate(ROLES)
]


def test_every_url_has_a_row_with_a_cell_for_every_role() -> None:
    assert set(URLS) == set(EXPECTED)
    assert all(len(expected) == len(ROLES) for expected in EXPECTED.values())


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Made once for the module, inside a transaction rolled back at its end; each test runs
    in a savepoint within it, so what a test changes is undone before the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _make_world()
        transaction.set_rollback(True)


def _make_world() -> World:
    organisation = cast(Organisation, OrganisationFactory())
    other = cast(Organisation, OrganisationFactory())
    users = {
        role.value: member(organisation, role)
        for role in (
            Role.ADMINISTRATOR,
            Role.COMMISSIONER,
            Role.FACILITATOR,
            Role.FINANCE_APPROVER,
            Role.DECISION_MAKER,
            Role.PARTICIPANT,
            Role.PROVIDER,
        )
    }
    users["other_org_commissioner"] = member(other, Role.COMMISSIONER)
    project = make_project(organisation, lead=users["commissioner"], title="Alpha carers service")
    private = make_project(
        organisation, lead=users["commissioner"], title="Alpha day review", is_public=False
    )
    make_project(other, lead=users["other_org_commissioner"], title="Beta respite service")
    stage = project.stages.get(position=1)
    plan = stage.plan
    method = make_method(plan, starts_on=datetime.date(2026, 2, 1))
    line = make_budget_line(method)
    person = make_person(organisation, consents=["contact"])
    community = CommunityFactory(organisation=organisation)
    partner = PartnerOrganisation.objects.create(
        organisation=organisation, name="Carers' Centre", kind="carers_group"
    )
    saved_list = people_services.create_saved_list(organisation, "Reference group")
    people_services.add_to_list(saved_list, [person])
    job = Job.objects.create(
        organisation=organisation, created_by=users["facilitator"], title="Check the audit trail"
    )
    return World(
        organisation=organisation,
        other_organisation=other,
        users=users,
        project=project,
        private_project=private,
        stage=stage,
        objects={
            "project": project,
            "private_project": private,
            "stage": stage,
            "item": stage.readiness_items.first(),
            "plan": plan,
            "method": method,
            "line": line,
            "job": job,
            "person": person,
            "community": community,
            "partner": partner,
            "saved_list": saved_list,
        },
    )


def _client_for(world: World, role: str) -> Client:
    return client_for(world.users, role)


@pytest.mark.parametrize(("name", "role", "expected"), CELLS)
def test_permission_matrix(world: World, name: str, role: str, expected: int | str) -> None:
    method, url_for = URLS[name]
    url = url_for(world)
    response = getattr(_client_for(world, role), method)(url)
    assert_cell(response, expected, f"{method.upper()} {url}")
    if expected == 401:
        assert response.headers["WWW-Authenticate"] == "Token"


def test_post_only_urls_refuse_get_for_allowed_roles(world: World) -> None:
    client = _client_for(world, "commissioner")
    for name, (method, url_for) in URLS.items():
        if method == "post" and name != "audit-verify":
            assert client.get(url_for(world)).status_code == 405, name


def test_allowed_actions_land_on_the_right_page(world: World) -> None:
    client = _client_for(world, "commissioner")
    start = client.post(reverse("projects:stage-start", args=[world.stage.pk]))
    assert start.headers["Location"] == reverse("projects:stage", args=[world.stage.pk])
    admin = _client_for(world, "administrator")
    verify = admin.post(reverse("audit:verify"))
    job = Job.objects.filter(organisation=world.organisation).latest("pk")
    assert verify.headers["Location"] == reverse("core:job", args=[job.pk])


def test_api_token_authentication(world: World) -> None:
    own = Token.objects.create(user=world.users["commissioner"])
    other = Token.objects.create(user=world.users["other_org_commissioner"])
    url = f"/api/projects/{world.project.pk}/"

    response = Client().get(url, headers={"authorization": f"Token {own.key}"})
    assert response.status_code == 200
    assert response.json()["title"] == world.project.title

    assert Client().get(url, headers={"authorization": f"Token {other.key}"}).status_code == 404
    listed = Client().get("/api/projects/", headers={"authorization": f"Token {other.key}"})
    assert [p["title"] for p in listed.json()["results"]] == ["Beta respite service"]

    bad = Client().get(url, headers={"authorization": "Token not-a-real-key"})
    assert bad.status_code == 401

    participant = Token.objects.create(user=world.users["participant"])
    refused = Client().get(url, headers={"authorization": f"Token {participant.key}"})
    assert refused.status_code == 403


def test_organisation_isolation(world: World) -> None:
    """Staff of organisation B see nothing of organisation A in lists, even where A's records
    would qualify (due stages, unpublished plans, projects they lead)."""
    today = datetime.date.today()
    Stage.objects.filter(project__organisation=world.organisation).update(
        planned_start=today, planned_end=today
    )
    b_user = world.users["other_org_commissioner"]
    client = _client_for(world, "other_org_commissioner")

    own = _client_for(world, "commissioner").get(reverse("projects:dashboard")).content.decode()
    assert "Alpha carers service" in own  # A's dashboard does list A's projects and stages

    for url in (reverse("projects:list"), reverse("projects:dashboard")):
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "Beta respite service" in html, url
        assert "Alpha" not in html, url

    api = client.get("/api/projects/").json()
    assert [p["title"] for p in api["results"]] == ["Beta respite service"]
    assert api["count"] == 1
    assert b_user.led_projects.count() == 1
