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
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from coproduce.accounts.models import Organisation, Role, User
from coproduce.core.models import Job
from coproduce.projects.models import CommissioningProject, Stage
from coproduce.testing.factories import (
    OrganisationFactory,
    make_budget_line,
    make_method,
    make_project,
    member,
)

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

LOGIN = "login"  # 302 to the sign-in page, with ?next= the page asked for
OK = 200
MOVED = 302  # a redirect somewhere other than sign-in (the action was allowed)
DENIED = 403
MISSING = 404
UNAUTHENTICATED = 401


@dataclass(frozen=True)
class World:
    organisation: Organisation
    other_organisation: Organisation
    users: dict[str, User]
    project: CommissioningProject
    private_project: CommissioningProject
    stage: Stage
    objects: dict[str, Any]


Url = Callable[[World], str]


def _history(label: str, key: str) -> Url:
    return lambda w: reverse("audit:history", args=[label, w.objects[key].pk])


# name: (method, url, expected status per role in ROLES order)
#          admin   comm    facil   finance decide  partic  provid  other   anon
STAFF_VIEW = (OK, OK, OK, OK, OK, DENIED, DENIED, MISSING, LOGIN)
LEAD_CHANGE = (OK, OK, DENIED, DENIED, DENIED, DENIED, DENIED, MISSING, LOGIN)
PLAN_CHANGE = (OK, OK, OK, DENIED, DENIED, DENIED, DENIED, MISSING, LOGIN)
LEAD_ACTION = (MOVED, MOVED, DENIED, DENIED, DENIED, DENIED, DENIED, MISSING, LOGIN)
API_VIEW = (OK, OK, OK, OK, OK, DENIED, DENIED, MISSING, UNAUTHENTICATED)
EVERYONE = (OK, OK, OK, OK, OK, OK, OK, OK, OK)
NOBODY = (MISSING, MISSING, MISSING, MISSING, MISSING, MISSING, MISSING, MISSING, MISSING)

MATRIX: dict[str, tuple[str, Url, tuple[int | str, ...]]] = {
    # Lists and pages about the user's active organisation (no record in the URL). The other
    # organisation's commissioner sees their own organisation's page.
    "dashboard": ("get", lambda w: reverse("projects:dashboard"), (OK, OK, OK, OK, OK, DENIED, DENIED, OK, LOGIN)),
    "project-list": ("get", lambda w: reverse("projects:list"), (OK, OK, OK, OK, OK, DENIED, DENIED, OK, LOGIN)),
    "project-create": ("get", lambda w: reverse("projects:create"), (OK, OK, DENIED, DENIED, DENIED, DENIED, DENIED, OK, LOGIN)),
    "audit-trail": ("get", lambda w: reverse("audit:trail"), (OK, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, LOGIN)),
    "audit-verify": ("post", lambda w: reverse("audit:verify"), (MOVED, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, LOGIN)),
    "assist": ("get", lambda w: reverse("accounts:assist"), (OK, DENIED, OK, DENIED, DENIED, DENIED, DENIED, DENIED, LOGIN)),
    "api-project-list": ("get", lambda w: "/api/projects/", (OK, OK, OK, OK, OK, DENIED, DENIED, OK, UNAUTHENTICATED)),
    # Projects
    "project-detail": ("get", lambda w: reverse("projects:detail", args=[w.project.pk]), STAFF_VIEW),
    "project-edit": ("get", lambda w: reverse("projects:edit", args=[w.project.pk]), LEAD_CHANGE),
    # Stages
    "stage-detail": ("get", lambda w: reverse("projects:stage", args=[w.stage.pk]), STAFF_VIEW),
    "stage-dates": ("get", lambda w: reverse("projects:stage-dates", args=[w.stage.pk]), LEAD_CHANGE),
    "stage-start": ("post", lambda w: reverse("projects:stage-start", args=[w.stage.pk]), LEAD_ACTION),
    "stage-complete": ("post", lambda w: reverse("projects:stage-complete", args=[w.stage.pk]), LEAD_ACTION),
    "readiness-item": ("get", lambda w: reverse("projects:readiness-item", args=[w.objects["item"].pk]), PLAN_CHANGE),
    # Engagement plans, methods and budget lines
    "plan-edit": ("get", lambda w: reverse("projects:plan", args=[w.objects["plan"].pk]), PLAN_CHANGE),
    "plan-publish": ("post", lambda w: reverse("projects:plan-publish", args=[w.objects["plan"].pk]), LEAD_ACTION),
    "method-create": ("get", lambda w: reverse("projects:method-create", args=[w.objects["plan"].pk]), PLAN_CHANGE),
    "method-edit": ("get", lambda w: reverse("projects:method", args=[w.objects["method"].pk]), PLAN_CHANGE),
    "method-delete": ("get", lambda w: reverse("projects:method-delete", args=[w.objects["method"].pk]), PLAN_CHANGE),
    "budget-line-create": ("get", lambda w: reverse("projects:budget-create", args=[w.objects["method"].pk]), PLAN_CHANGE),
    "budget-line-edit": ("get", lambda w: reverse("projects:budget-line", args=[w.objects["line"].pk]), PLAN_CHANGE),
    "budget-line-delete": ("get", lambda w: reverse("projects:budget-line-delete", args=[w.objects["line"].pk]), PLAN_CHANGE),
    # History of changes
    "history-project": ("get", _history("projects.commissioningproject", "project"), STAFF_VIEW),
    "history-stage": ("get", _history("projects.stage", "stage"), STAFF_VIEW),
    "history-plan": ("get", _history("projects.engagementplan", "plan"), STAFF_VIEW),
    # A background job, started by the facilitator: its creator and administrators may see it.
    "job": ("get", lambda w: reverse("core:job", args=[w.objects["job"].pk]), (OK, DENIED, OK, DENIED, DENIED, DENIED, DENIED, MISSING, LOGIN)),
    # JSON API
    "api-project": ("get", lambda w: f"/api/projects/{w.project.pk}/", API_VIEW),
    "api-stage": ("get", lambda w: f"/api/stages/{w.stage.pk}/", API_VIEW),
    "api-plan": ("get", lambda w: f"/api/plans/{w.objects['plan'].pk}/", API_VIEW),
    # Public pages: anyone may see a public project, nobody a private one.
    "public-list": ("get", lambda w: reverse("projects:public-list"), EVERYONE),
    "public-detail": ("get", lambda w: reverse("projects:public-detail", args=[w.project.pk]), EVERYONE),
    "public-detail-private": ("get", lambda w: reverse("projects:public-detail", args=[w.private_project.pk]), NOBODY),
}  # fmt: skip

CELLS = [
    pytest.param(name, role, expected[column], id=f"{name}-{role}")
    for name, (_, _, expected) in MATRIX.items()
    for column, role in enumerate(ROLES)
]


def test_matrix_has_a_cell_for_every_role() -> None:
    assert all(len(expected) == len(ROLES) for _, _, expected in MATRIX.values())


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Made once for the module, inside a transaction rolled back at its end; each test runs
    in a savepoint within it, so what a test changes is undone before the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _make_world()
        transaction.set_rollback(True)


def _make_world() -> World:
    organisation = OrganisationFactory()
    other = OrganisationFactory()
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
            "stage": stage,
            "item": stage.readiness_items.first(),
            "plan": plan,
            "method": method,
            "line": line,
            "job": job,
        },
    )


def _client_for(world: World, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


@pytest.mark.parametrize(("name", "role", "expected"), CELLS)
def test_permission_matrix(world: World, name: str, role: str, expected: int | str) -> None:
    method, url_for, _ = MATRIX[name]
    url = url_for(world)
    response = getattr(_client_for(world, role), method)(url)
    sign_in = reverse("accounts:sign-in")
    location = response.headers.get("Location", "")
    if expected == LOGIN:
        assert response.status_code == 302, f"{method.upper()} {url}"
        assert location.startswith(f"{sign_in}?next="), location
    elif expected == MOVED:
        assert response.status_code == 302, f"{method.upper()} {url}"
        assert not location.startswith(sign_in), location
    else:
        assert response.status_code == expected, f"{method.upper()} {url}"
    if expected == UNAUTHENTICATED:
        assert response.headers["WWW-Authenticate"] == "Token"


def test_post_only_urls_refuse_get_for_allowed_roles(world: World) -> None:
    client = _client_for(world, "commissioner")
    for name, (method, url_for, _) in MATRIX.items():
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
