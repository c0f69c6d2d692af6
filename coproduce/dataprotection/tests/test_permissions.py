"""Every data protection URL visited as every role, with the designed answer written out for
each cell (the same design as `coproduce/core/tests/test_permission_matrix.py`):

- anonymous: sent to sign in;
- participants and providers are not staff: 403;
- an administrator of another organisation: 404 on this organisation's records, and their own
  organisation's page where the URL names no record;
- staff of this organisation: what `coproduce.accounts.rules` allows their role (403 otherwise):
  retention and deciding or carrying out erasure for administrators; exports and recording
  requests to erase for administrators and facilitators.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from coproduce.accounts.models import Organisation, User
from coproduce.dataprotection import services
from coproduce.dataprotection.dates import start_of
from coproduce.dataprotection.models import HowReceived
from coproduce.people.models import Person
from coproduce.testing.factories import OrganisationFactory, make_person
from coproduce.testing.permissions import LOGIN, ROLES, assert_cell, client_for, matrix_users

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class World:
    organisation: Organisation
    users: dict[str, User]
    objects: dict[str, Any]


Url = Callable[[World], str]


def _url(name: str, key: str) -> Url:
    return lambda w: reverse(name, args=[w.objects[key].pk])


def _page(name: str) -> Url:
    return lambda w: reverse(name)


URLS: dict[str, tuple[str, Url]] = {
    "export": ("get", _url("dataprotection:export", "person")),
    "export-json": ("get", _url("dataprotection:export-json", "person")),
    "erasure-create": ("get", _url("dataprotection:erasure-create", "person")),
    "erasure-list": ("get", _page("dataprotection:erasure-list")),
    "erasure-detail": ("get", _url("dataprotection:erasure-detail", "requested")),
    "erasure-decide": ("get", _url("dataprotection:erasure-decide", "requested")),
    "erasure-carry-out": ("get", _url("dataprotection:erasure-carry-out", "approved")),
    "retention": ("get", _page("dataprotection:retention")),
    "retention-periods": ("get", _page("dataprotection:retention-periods")),
    "retention-check": ("post", _page("dataprotection:retention-check")),
    "retention-review": ("get", _url("dataprotection:retention-review", "review")),
    "retention-approve": ("post", _url("dataprotection:retention-approve", "review")),
}

EXPECTED: dict[str, tuple[int | str, ...]] = {
    #                      admin  comm  facil  finance  decide  partic  provid  other  anon
    "export":             (200,   403,  200,   403,     403,    403,    403,    404,   LOGIN),
    "export-json":        (200,   403,  200,   403,     403,    403,    403,    404,   LOGIN),
    "erasure-create":     (200,   403,  200,   403,     403,    403,    403,    404,   LOGIN),
    "erasure-list":       (200,   403,  200,   403,     403,    403,    403,    200,   LOGIN),
    "erasure-detail":     (200,   403,  200,   403,     403,    403,    403,    404,   LOGIN),
    "erasure-decide":     (200,   403,  403,   403,     403,    403,    403,    404,   LOGIN),
    "erasure-carry-out":  (200,   403,  403,   403,     403,    403,    403,    404,   LOGIN),
    "retention":          (200,   403,  403,   403,     403,    403,    403,    200,   LOGIN),
    "retention-periods":  (200,   403,  403,   403,     403,    403,    403,    200,   LOGIN),
    "retention-check":    (302,   403,  403,   403,     403,    403,    403,    302,   LOGIN),
    "retention-review":   (200,   403,  403,   403,     403,    403,    403,    404,   LOGIN),
    "retention-approve":  (302,   403,  403,   403,     403,    403,    403,    404,   LOGIN),
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
    with django_db_blocker.unblock(), transaction.atomic():
        yield _make_world()
        transaction.set_rollback(True)


def _make_world() -> World:
    organisation = cast(Organisation, OrganisationFactory())
    other = cast(Organisation, OrganisationFactory())
    users = matrix_users(organisation, other)
    person = make_person(organisation, consents=["contact"])
    second = make_person(organisation)
    quiet = make_person(organisation)
    Person.objects.filter(pk=quiet.pk).update(updated_at=start_of(datetime.date(2020, 1, 1)))
    today = datetime.date.today()
    requested = services.record_erasure_request(
        person, users["facilitator"], today, HowReceived.EMAIL
    )
    approved = services.record_erasure_request(
        second, users["facilitator"], today, HowReceived.PHONE
    )
    services.approve_erasure(approved, users["administrator"])
    review = services.list_records_for_review(organisation)
    return World(
        organisation=organisation,
        users=users,
        objects={
            "person": person,
            "requested": requested,
            "approved": approved,
            "review": review,
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


def test_post_only_urls_refuse_get(world: World) -> None:
    client = _client_for(world, "administrator")
    for name, (method, url_for) in URLS.items():
        if method == "post":
            assert client.get(url_for(world)).status_code == 405, name


def test_the_other_organisation_sees_only_its_own_lists(world: World) -> None:
    client = _client_for(world, "other_org_administrator")
    person = world.objects["person"]
    for url in (reverse("dataprotection:erasure-list"), reverse("dataprotection:retention")):
        page = client.get(url).content.decode()
        assert person.name not in page, url
        assert (
            reverse("dataprotection:retention-review", args=[world.objects["review"].pk])
            not in page
        )
