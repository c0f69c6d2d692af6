"""Every application URL, visited as every role: the designed answer for each, one test per
cell.

Design:
- the public form and the private-link pages need no account: the same answer for everyone,
  signed in or not (the private key in the address is what lets someone in);
- staff pages: anonymous is sent to sign in; participants and providers are not staff (403);
  staff of another organisation get 404 on this organisation's records; administrators,
  commissioners and facilitators (`can_plan_involvement`) may see, enter and move
  applications; finance approvers and decision-makers may not (403).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.db import transaction
from django.urls import reverse

from coproduce.accounts.models import Organisation, Role, User
from coproduce.recruitment.models import Application, SelectionQuestion
from coproduce.testing.factories import (
    OrganisationFactory,
    make_application,
    make_opportunity,
    member,
)
from coproduce.testing.permissions import LOGIN, assert_cell, client_for

pytestmark = pytest.mark.django_db

ROLES = (
    "administrator",
    "commissioner",
    "facilitator",
    "finance_approver",
    "decision_maker",
    "provider",
    "participant",
    "anonymous",
    "other_org_commissioner",
)


@dataclass(frozen=True)
class World:
    users: dict[str, User]
    objects: dict[str, Any]


Url = Callable[[World], str]


def _by_pk(name: str, key: str) -> Url:
    return lambda w: reverse(name, args=[w.objects[key].pk])


def _by_key(name: str, key: str, *extra: str) -> Url:
    return lambda w: reverse(name, args=[w.objects[key].resume_key, *extra])


def _staff_entry(w: World) -> dict[str, Any]:
    return {
        "source": "phone",
        "name": "Sam Lewis",
        "preferred_channel": "phone",
        "phone": "01632 960001",
        "preferred_format": "standard",
        "requirement_0": "yes",
        "access_needs": ["none-of-these"],
        "answer_area": "North",
        "agreed_contact": "on",
    }


# What each URL is: the HTTP method, the URL in the world below, and the data to post.
URLS: dict[str, tuple[str, Url, Callable[[World], dict[str, Any]]]] = {
    # The public form
    "apply-start": ("get", _by_pk("apply:start", "opportunity"), lambda w: {}),
    "apply-start-post": ("post", _by_pk("apply:start", "opportunity"), lambda w: {}),
    "apply-resume": ("get", _by_key("apply:resume", "draft"), lambda w: {}),
    "apply-step": ("get", _by_key("apply:step", "draft", "name"), lambda w: {}),
    "apply-step-post": (
        "post",
        _by_key("apply:step", "draft", "name"),
        lambda w: {"name": "Pat Evans"},
    ),
    "apply-check": ("get", _by_key("apply:check", "draft"), lambda w: {}),
    "apply-save": ("get", _by_key("apply:save", "draft"), lambda w: {}),
    "apply-not-eligible": ("get", _by_key("apply:not-eligible", "ineligible"), lambda w: {}),
    # The private link after sending
    "apply-status": ("get", _by_key("apply:resume", "applied"), lambda w: {}),
    "apply-sent": ("get", _by_key("apply:sent", "applied"), lambda w: {}),
    "apply-equality": ("get", _by_key("apply:equality", "applied"), lambda w: {}),
    "apply-withdraw": ("get", _by_key("apply:withdraw", "applied"), lambda w: {}),
    "apply-withdraw-post": ("post", _by_key("apply:withdraw", "applied"), lambda w: {}),
    # Staff pages
    "applications-list": ("get", _by_pk("applications:list", "opportunity"), lambda w: {}),
    "applications-list-post": (
        "post",
        _by_pk("applications:list", "opportunity"),
        lambda w: {"applications": [w.objects["applied"].pk], "status": "shortlisted"},
    ),
    "applications-new": ("get", _by_pk("applications:new", "opportunity"), lambda w: {}),
    "applications-new-post": ("post", _by_pk("applications:new", "opportunity"), _staff_entry),
    "applications-detail": ("get", _by_pk("applications:detail", "applied"), lambda w: {}),
    "applications-status": ("get", _by_pk("applications:status", "applied"), lambda w: {}),
    "applications-status-post": (
        "post",
        _by_pk("applications:status", "applied"),
        lambda w: {"status": "shortlisted"},
    ),
}

L = LOGIN
EXPECTED: dict[str, tuple[int | str, ...]] = {
    #                           adm  com  fac  fin  dec  pro  par  anon oth
    "apply-start":              (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "apply-start-post":         (302, 302, 302, 302, 302, 302, 302, 302, 302),
    "apply-resume":             (302, 302, 302, 302, 302, 302, 302, 302, 302),
    "apply-step":               (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "apply-step-post":          (302, 302, 302, 302, 302, 302, 302, 302, 302),
    "apply-check":              (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "apply-save":               (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "apply-not-eligible":       (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "apply-status":             (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "apply-sent":               (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "apply-equality":           (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "apply-withdraw":           (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "apply-withdraw-post":      (302, 302, 302, 302, 302, 302, 302, 302, 302),
    "applications-list":        (200, 200, 200, 403, 403, 403, 403, L,   404),
    "applications-list-post":   (302, 302, 302, 403, 403, 403, 403, L,   404),
    "applications-new":         (200, 200, 200, 403, 403, 403, 403, L,   404),
    "applications-new-post":    (302, 302, 302, 403, 403, 403, 403, L,   404),
    "applications-detail":      (200, 200, 200, 403, 403, 403, 403, L,   404),
    "applications-status":      (200, 200, 200, 403, 403, 403, 403, L,   404),
    "applications-status-post": (302, 302, 302, 403, 403, 403, 403, L,   404),
}  # fmt: skip

CELLS = [
    pytest.param(name, role, expected[column], id=f"{name}-{role}")
    for name, expected in EXPECTED.items()
    for column, role in enumerate(ROLES)
]


def test_every_url_has_a_row_with_a_cell_for_every_role() -> None:
    assert set(URLS) == set(EXPECTED)
    assert all(len(expected) == len(ROLES) for expected in EXPECTED.values())


def test_every_application_url_is_in_the_matrix() -> None:
    from coproduce.recruitment.urls_applications import urlpatterns as staff
    from coproduce.recruitment.urls_apply import urlpatterns as public

    names = {f"apply-{p.name}" for p in public} | {f"applications-{p.name}" for p in staff}
    visited = {name.removesuffix("-post") for name in URLS}
    # The private link's address is one URL, visited for a draft and for a sent application.
    assert names <= visited | {"apply-resume"}
    assert "apply-status" in visited


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Made once for the module, in a transaction rolled back at its end; each test runs in a
    savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _make_world()
        transaction.set_rollback(True)


def _make_world() -> World:
    organisation = cast(Organisation, OrganisationFactory())
    other = cast(Organisation, OrganisationFactory())
    users = {
        role: member(organisation, Role(role))
        for role in ROLES
        if role not in {"anonymous", "other_org_commissioner"}
    }
    users["other_org_commissioner"] = member(other, Role.COMMISSIONER)
    opportunity = make_opportunity(
        organisation=organisation, publish=True, eligibility="You live in Northshire"
    )
    SelectionQuestion.objects.create(
        organisation=organisation,
        opportunity=opportunity,
        feature="area",
        question="Where do you live?",
        values=["North", "South"],
    )
    ineligible = make_application(
        opportunity, status="draft", eligibility_answers={"You live in Northshire": "no"}
    )
    return World(
        users=users,
        objects={
            "opportunity": opportunity,
            "draft": make_application(opportunity, status="draft"),
            "ineligible": ineligible,
            "applied": make_application(opportunity),
        },
    )


@pytest.mark.parametrize(("name", "role", "expected"), CELLS)
def test_permission_matrix(world: World, name: str, role: str, expected: int | str) -> None:
    method, url_for, data_for = URLS[name]
    url = url_for(world)
    before = Application.objects.count()
    response = getattr(client_for(world.users, role), method)(url, data_for(world))
    assert_cell(response, expected, f"{method.upper()} {url}")
    if name == "applications-new-post":
        # Refused cells add nothing; allowed ones add exactly one application.
        assert Application.objects.count() == before + (expected == 302)
    if name == "applications-status-post" and expected == 302:
        assert Application.objects.get(pk=world.objects["applied"].pk).status == "shortlisted"
