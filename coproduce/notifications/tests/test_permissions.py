"""Every notifications URL visited as every role, with the designed answer written out for
each cell (the same design as `coproduce/core/tests/test_permission_matrix.py`):

- anonymous: sent to sign in;
- participants and providers are not staff: 403;
- an administrator of another organisation: 404 on this organisation's deliveries, and their
  own organisation's lists where the URL names no record (an empty letter pack sends them back
  to the letters page: 302);
- staff of this organisation: those who plan involvement (administrators, commissioners and
  facilitators) see the outbox and do its to-dos; finance approvers and decision-makers: 403.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.db import transaction
from django.urls import reverse

from coproduce.accounts.models import Organisation, User
from coproduce.notifications import services
from coproduce.notifications.message import Message
from coproduce.people.models import Channel, ConsentPurpose, Format
from coproduce.testing.factories import OrganisationFactory, make_person
from coproduce.testing.permissions import LOGIN, ROLES, assert_cell, client_for, matrix_users

pytestmark = pytest.mark.django_db

PACK_TOPIC = "matrix:pack"
POSTED_TOPIC = "matrix:posted"


@dataclass(frozen=True)
class World:
    organisation: Organisation
    users: dict[str, User]
    objects: dict[str, Any]


Url = Callable[[World], str]


def _url(name: str, key: str) -> Url:
    return lambda w: reverse(name, args=[w.objects[key].pk])


def _page(name: str, query: Callable[[World], str] = lambda w: "") -> Url:
    return lambda w: reverse(name) + query(w)


def _no_data(world: World) -> dict[str, Any]:
    return {}


# (method, url, POST data)
URLS: dict[str, tuple[str, Url, Callable[[World], dict[str, Any]]]] = {
    "outbox": ("get", _page("notifications:outbox"), _no_data),
    "delivery": ("get", _url("notifications:delivery", "email"), _no_data),
    "letter": ("get", _url("notifications:letter", "letter"), _no_data),
    "record-contact": ("get", _url("notifications:record-contact", "call"), _no_data),
    "format-done": ("post", _url("notifications:format-done", "braille"), _no_data),
    "letters": ("get", _page("notifications:letters"), _no_data),
    "letter-pack": (
        "get",
        _page(
            "notifications:letter-pack",
            lambda w: f"?topic={PACK_TOPIC}&upto={w.objects['letter'].pk}",
        ),
        _no_data,
    ),
    "letters-posted": (
        "post",
        _page("notifications:letters-posted"),
        lambda w: {"topic": POSTED_TOPIC, "upto": w.objects["posted"].pk},
    ),
    "calls": ("get", _page("notifications:calls"), _no_data),
    "formats": ("get", _page("notifications:formats"), _no_data),
}

EXPECTED: dict[str, tuple[int | str, ...]] = {
    #                    admin  comm  facil  finance  decide  partic  provid  other  anon
    "outbox":           (200,   200,  200,   403,     403,    403,    403,    200,   LOGIN),
    "delivery":         (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "letter":           (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "record-contact":   (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "format-done":      (302,   302,  302,   403,     403,    403,    403,    404,   LOGIN),
    "letters":          (200,   200,  200,   403,     403,    403,    403,    200,   LOGIN),
    "letter-pack":      (200,   200,  200,   403,     403,    403,    403,    302,   LOGIN),
    "letters-posted":   (302,   302,  302,   403,     403,    403,    403,    302,   LOGIN),
    "calls":            (200,   200,  200,   403,     403,    403,    403,    200,   LOGIN),
    "formats":          (200,   200,  200,   403,     403,    403,    403,    200,   LOGIN),
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


def _send(person: Any, topic: str) -> Any:
    message = Message(subject="Join our group", body="Would you help us?")
    return services.send(
        person,
        message,
        purpose=ConsentPurpose.CONTACT,
        key=f"{topic}:person:{person.pk}",
        topic=topic,
    )


def _make_world() -> World:
    organisation = cast(Organisation, OrganisationFactory())
    other = cast(Organisation, OrganisationFactory())
    users = matrix_users(organisation, other)

    def person(**fields: Any) -> Any:
        return make_person(organisation, consents=[ConsentPurpose.CONTACT], **fields)

    by_post = {"preferred_channel": Channel.POST, "address": "1 Road\nTown", "postcode": "NR1 1AA"}
    return World(
        organisation=organisation,
        users=users,
        objects={
            "email": _send(person(), "matrix:email"),
            "letter": _send(person(**by_post), PACK_TOPIC),
            "posted": _send(person(**by_post), POSTED_TOPIC),
            "call": _send(
                person(preferred_channel=Channel.PHONE, landline="01632 960123"), "matrix:call"
            ),
            "braille": _send(person(preferred_format=Format.BRAILLE), "matrix:braille"),
        },
    )


@pytest.mark.parametrize(("name", "role", "expected"), CELLS)
def test_permission_matrix(world: World, name: str, role: str, expected: int | str) -> None:
    method, url_for, data_for = URLS[name]
    url = url_for(world)
    client = client_for(world.users, role)
    response = client.post(url, data_for(world)) if method == "post" else client.get(url)
    assert_cell(response, expected, f"{method.upper()} {url}")


def test_post_only_urls_refuse_get(world: World) -> None:
    client = client_for(world.users, "administrator")
    for name, (method, url_for, _) in URLS.items():
        if method == "post":
            assert client.get(url_for(world)).status_code == 405, name


def test_the_other_organisation_sees_none_of_these_messages(world: World) -> None:
    client = client_for(world.users, "other_org_administrator")
    for name in ("outbox", "letters", "calls", "formats"):
        page = client.get(URLS[name][1](world)).content.decode()
        for delivery in world.objects.values():
            assert delivery.person.name not in page, name
            assert reverse("notifications:delivery", args=[delivery.pk]) not in page, name
