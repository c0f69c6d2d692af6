"""Every equality URL, visited as every role, with and without the equality-data permission
(`Membership.equality_data_access`): the designed answer for each, one test per cell.

Design:
- anonymous: sent to sign in;
- participants and providers are not staff: 403 (even if the flag is set on their membership,
  it counts for staff roles only);
- staff of another organisation (a commissioner there): 404 on this organisation's records;
  the question list and new question pages are about their own organisation (403: they do
  not administer it);
- person-level answers: viewing needs `people.view_equality_answers` (any staff role with the
  flag); the form, saving and deleting need `people.change_equality_answers` (administrator,
  commissioner or facilitator, with the flag);
- the comparison page shows only suppressed aggregates: all staff;
- target population: administrator, commissioner or facilitator; own questions: administrator.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from coproduce.accounts.models import Organisation, Role, User
from coproduce.audit.models import AuditEvent
from coproduce.equality import services
from coproduce.equality.models import EqualityQuestion
from coproduce.testing.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    make_equality_answers,
    make_person,
    make_project,
    make_saved_list,
)
from coproduce.testing.permissions import LOGIN, assert_cell, client_for

pytestmark = pytest.mark.django_db

STAFF = ("administrator", "commissioner", "facilitator", "finance_approver", "decision_maker")
# Columns: each role without the equality-data permission, then with it ("+eq").
ROLES = (
    *STAFF,
    "participant",
    "provider",
    "other_org",
    "anonymous",
    *(f"{role}+eq" for role in STAFF),
    "participant+eq",
    "other_org+eq",
)


@dataclass(frozen=True)
class World:
    organisation: Organisation
    users: dict[str, User]
    objects: dict[str, Any]


Url = Callable[[World], str]


def _url(name: str, *keys: str, query: str = "") -> Url:
    return lambda w: reverse(name, args=[w.objects[k].pk for k in keys]) + query


def _targets(category: str) -> Url:
    return lambda w: reverse("equality:targets", args=[w.objects["project"].pk, category])


def _with_list(w: World) -> str:
    url = reverse("equality:representativeness", args=[w.objects["project"].pk])
    return f"{url}?list={w.objects['list'].pk}"


URLS: dict[str, tuple[str, Url, dict[str, str]]] = {
    "answers": ("get", _url("equality:answers", "person"), {}),
    "change": ("get", _url("equality:change", "person"), {}),
    "change-post": ("post", _url("equality:change", "person"), {"sex": "male"}),
    "delete": ("get", _url("equality:delete", "person"), {}),
    "delete-post": ("post", _url("equality:delete", "person"), {}),
    "questions": ("get", lambda w: reverse("equality:questions"), {}),
    "question-create": ("get", lambda w: reverse("equality:question-create"), {}),
    "question": ("get", _url("equality:question", "question"), {}),
    "representativeness": ("get", _url("equality:representativeness", "project"), {}),
    "representativeness-list": ("get", _with_list, {}),
    "targets": ("get", _targets("age_band"), {}),
    "targets-post": ("post", _targets("sex"), {"share_female": "50", "share_male": "50"}),
    "targets-import": ("get", _url("equality:targets-import", "project"), {}),
}

L = LOGIN
EXPECTED: dict[str, tuple[int | str, ...]] = {
    #                          without equality-data permission                  with it (+eq)
    #                          adm  com  fac  fin  dec  par  pro  oth  anon  adm  com  fac  fin  dec  par  oth
    "answers":                 (403, 403, 403, 403, 403, 403, 403, 404, L,   200, 200, 200, 200, 200, 403, 404),
    "change":                  (403, 403, 403, 403, 403, 403, 403, 404, L,   200, 200, 200, 403, 403, 403, 404),
    "change-post":             (403, 403, 403, 403, 403, 403, 403, 404, L,   302, 302, 302, 403, 403, 403, 404),
    "delete":                  (403, 403, 403, 403, 403, 403, 403, 404, L,   200, 200, 200, 403, 403, 403, 404),
    "delete-post":             (403, 403, 403, 403, 403, 403, 403, 404, L,   302, 302, 302, 403, 403, 403, 404),
    "questions":               (200, 403, 403, 403, 403, 403, 403, 403, L,   200, 403, 403, 403, 403, 403, 403),
    "question-create":         (200, 403, 403, 403, 403, 403, 403, 403, L,   200, 403, 403, 403, 403, 403, 403),
    "question":                (200, 403, 403, 403, 403, 403, 403, 404, L,   200, 403, 403, 403, 403, 403, 404),
    "representativeness":      (200, 200, 200, 200, 200, 403, 403, 404, L,   200, 200, 200, 200, 200, 403, 404),
    "representativeness-list": (200, 200, 200, 200, 200, 403, 403, 404, L,   200, 200, 200, 200, 200, 403, 404),
    "targets":                 (200, 200, 200, 403, 403, 403, 403, 404, L,   200, 200, 200, 403, 403, 403, 404),
    "targets-post":            (302, 302, 302, 403, 403, 403, 403, 404, L,   302, 302, 302, 403, 403, 403, 404),
    "targets-import":          (200, 200, 200, 403, 403, 403, 403, 404, L,   200, 200, 200, 403, 403, 403, 404),
}  # fmt: skip

CELLS = [
    pytest.param(name, role, expected[column], id=f"{name}-{role}")
    for name, expected in EXPECTED.items()
    for column, role in enumerate(ROLES)
]


def test_every_url_has_a_row_with_a_cell_for_every_role() -> None:
    assert set(URLS) == set(EXPECTED)
    assert all(len(expected) == len(ROLES) for expected in EXPECTED.values())


def test_every_equality_url_is_in_the_matrix() -> None:
    from coproduce.equality.urls import urlpatterns

    names = {pattern.name for pattern in urlpatterns}
    visited = {name.removesuffix("-post").removesuffix("-list") for name in URLS}
    assert names <= visited


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Made once for the module, in a transaction rolled back at its end; each test runs in a
    savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _make_world()
        transaction.set_rollback(True)


def _member(organisation: Organisation, role: str, access: bool) -> User:
    user = cast(User, UserFactory())
    MembershipFactory(user=user, organisation=organisation, role=role, equality_data_access=access)
    return user


def _make_world() -> World:
    organisation = cast(Organisation, OrganisationFactory())
    other = cast(Organisation, OrganisationFactory())
    users: dict[str, User] = {}
    for role in (*STAFF, "participant", "provider"):
        users[role] = _member(organisation, role, access=False)
    for role in (*STAFF, "participant"):
        users[f"{role}+eq"] = _member(organisation, role, access=True)
    users["other_org"] = _member(other, Role.COMMISSIONER, access=False)
    users["other_org+eq"] = _member(other, Role.COMMISSIONER, access=True)
    person = make_person(organisation)
    make_equality_answers(person, sex="female", ethnic_group="black_african")
    project = make_project(organisation, lead=users["commissioner"])
    question = services.save_question(
        EqualityQuestion(
            organisation=organisation, label="Care experienced?", choices_text="Yes\nNo"
        )
    )
    return World(
        organisation=organisation,
        users=users,
        objects={
            "person": person,
            "project": project,
            "question": question,
            "list": make_saved_list(organisation, [person], name="Panel"),
        },
    )


@pytest.mark.parametrize(("name", "role", "expected"), CELLS)
def test_permission_matrix(world: World, name: str, role: str, expected: int | str) -> None:
    method, url_for, data = URLS[name]
    url = url_for(world)
    response = getattr(client_for(world.users, role), method)(url, data)
    assert_cell(response, expected, f"{method.upper()} {url}")
    if expected != 200 or name not in {"answers", "change"}:
        # Person-level answers are read (and the read recorded) only where they are shown.
        assert not AuditEvent.objects.filter(action="view").exists()
    else:
        assert AuditEvent.objects.filter(action="view", actor_id=world.users[role].pk).count() == 1


def test_other_organisations_staff_cannot_compare_this_organisations_list(world: World) -> None:
    other_user = world.users["other_org"]
    other_organisation = other_user.memberships.get().organisation
    own_project = make_project(other_organisation, lead=other_user)
    client = Client()
    client.force_login(other_user)
    url = reverse("equality:representativeness", args=[own_project.pk])
    assert client.get(url).status_code == 200
    assert client.get(url, {"list": world.objects["list"].pk}).status_code == 404
