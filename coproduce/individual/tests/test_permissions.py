"""Every plan URL visited as everyone who might try, with the designed answer per cell:

- the person and their representative read the plan, its versions, easy read, paper copy and
  budget, and answer it; they change nothing;
- their worker (on the plan's team) reads and changes it, and records paper answers;
- another worker, an administrator and a commissioner of the same organisation are refused
  (403): being staff is not enough to read a health and care record. Administrators may change
  who is on the team. Commissioners and administrators see only the suppressed figures;
- a participant who is not the person, and an administrator of another organisation: the plan
  does not exist for them (404); the figures page shows them their own organisation's;
- nobody signed in: sent to sign in.
"""

from typing import Any

import pytest
from django.urls import reverse

from coproduce.accounts.models import Role
from coproduce.individual import services
from coproduce.individual.models import Relationship
from coproduce.testing.factories import member
from coproduce.testing.permissions import LOGIN, assert_cell, client_for

from .factories import a_participant, an_organisation, make_budget, make_plan, shared

pytestmark = pytest.mark.django_db

COLUMNS = (
    "person",
    "representative",
    "worker",
    "other_worker",
    "administrator",
    "commissioner",
    "other_participant",
    "other_org_administrator",
    "anonymous",
)
READ = (200, 200, 200, 403, 403, 403, 404, 404, LOGIN)
CHANGE = (403, 403, 200, 403, 403, 403, 404, 404, LOGIN)
ANSWER = (200, 200, 403, 403, 403, 403, 404, 404, LOGIN)
TEAM = (403, 403, 200, 403, 200, 403, 404, 404, LOGIN)
FIGURES = (403, 403, 403, 403, 200, 200, 403, 200, LOGIN)
DIRECTORY = (200, 200, 200, 200, 200, 200, 200, 200, LOGIN)

MATRIX = [
    ("individual:plan", READ),
    ("individual:version", READ),
    ("individual:easy-read", READ),
    ("individual:print", READ),
    ("individual:budget", READ),
    ("individual:profile", CHANGE),
    ("individual:taking-part", CHANGE),
    ("individual:item-new", CHANGE),
    ("individual:record-response", CHANGE),
    ("individual:finalise", CHANGE),
    ("individual:budget-change", CHANGE),
    ("individual:budget-spend", CHANGE),
    ("individual:budget-import", CHANGE),
    ("individual:respond", ANSWER),
    ("individual:team", TEAM),
    ("individual:across-plans", FIGURES),
    ("individual:providers", DIRECTORY),
]


@pytest.fixture
def world() -> dict[str, Any]:
    organisation = an_organisation()
    other = an_organisation()
    worker = member(organisation, Role.FACILITATOR)
    person_user = a_participant(organisation)
    plan = make_plan(organisation, worker=worker, person_user=person_user)
    representative = a_participant(organisation)
    services.add_representative(plan, representative, Relationship.PARENT)
    shared(plan)
    make_budget(plan)
    users = {
        "person": person_user,
        "representative": representative,
        "worker": worker,
        "other_worker": member(organisation, Role.FACILITATOR),
        "administrator": member(organisation, Role.ADMINISTRATOR),
        "commissioner": member(organisation, Role.COMMISSIONER),
        "other_participant": a_participant(organisation),
        "other_org_administrator": member(other, Role.ADMINISTRATOR),
    }
    return {"plan": plan, "users": users}


def _url(name: str, plan: Any) -> str:
    if name in ("individual:across-plans", "individual:providers"):
        return reverse(name)
    if name == "individual:version":
        return reverse(name, args=[plan.pk, 1])
    if name == "individual:item-new":
        return reverse(name, args=[plan.pk, "outcomes"])
    return reverse(name, args=[plan.pk])


@pytest.mark.parametrize(("name", "expected"), MATRIX, ids=[name for name, _ in MATRIX])
def test_plan_pages_answer_each_role_as_designed(world, name: str, expected: tuple) -> None:
    url = _url(name, world["plan"])
    for role, cell in zip(COLUMNS, expected, strict=True):
        response = client_for(world["users"], role).get(url)
        assert_cell(response, cell, f"{name} as {role}")


@pytest.mark.parametrize(
    ("name", "allowed"),
    [("individual:share", "worker"), ("individual:review", "worker")],
)
def test_posts_that_change_a_plan_are_for_its_worker_only(world, name: str, allowed: str) -> None:
    url = reverse(name, args=[world["plan"].pk])
    for role in COLUMNS:
        response = client_for(world["users"], role).post(url)
        if role == allowed:
            assert response.status_code == 302, role
        elif role == "anonymous":
            assert_cell(response, LOGIN, role)
        elif role in ("other_participant", "other_org_administrator"):
            assert response.status_code == 404, role
        else:
            assert response.status_code == 403, role


def test_a_commissioner_sees_the_figures_and_never_the_plan(world) -> None:
    client = client_for(world["users"], "commissioner")
    assert client.get(reverse("individual:across-plans")).status_code == 200
    assert client.get(reverse("individual:plan", args=[world["plan"].pk])).status_code == 403
    assert client.get(reverse("individual:plans")).status_code == 200
