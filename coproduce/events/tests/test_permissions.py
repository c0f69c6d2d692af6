"""Every events URL visited as every role, with the designed answer written out for each cell:

- anonymous: sent to sign in; providers are not staff: 403 on staff pages, 404 on downloads;
- an administrator of another organisation: 404 on this organisation's records, and their own
  organisation's page where the URL names no record;
- staff of this organisation: all may see events and venues; administrators, commissioners
  and facilitators organise them (invite, register, support, papers); only administrators
  change the event settings;
- the participant here was asked to the event: they may download its calendar file, its
  papers and their own version of a paper, and answer on their own page.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from coproduce.accounts.models import Organisation, User
from coproduce.events import services
from coproduce.events.models import Response
from coproduce.people.models import AccessNeed, Format
from coproduce.testing.factories import OrganisationFactory
from coproduce.testing.permissions import LOGIN, ROLES, assert_cell, client_for, matrix_users

from .factories import event_method, make_attendee, make_event, make_venue

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class World:
    organisation: Organisation
    users: dict[str, User]
    objects: dict[str, Any]


Url = Callable[[World], str]


def _event_url(name: str, *keys: str) -> Url:
    return lambda w: reverse(name, args=[w.objects["event"].pk, *(w.objects[k].pk for k in keys)])


def _url(name: str, key: str) -> Url:
    return lambda w: reverse(name, args=[w.objects[key].pk])


def _page(name: str) -> Url:
    return lambda w: reverse(name)


URLS: dict[str, tuple[str, Url]] = {
    "list": ("get", _page("events:list")),
    "create": ("get", _url("events:create", "method")),
    "detail": ("get", _event_url("events:detail")),
    "edit": ("get", _event_url("events:edit")),
    "cancel": ("get", _event_url("events:cancel")),
    "ready": ("post", _event_url("events:ready")),
    "invite": ("get", _event_url("events:invite")),
    "respond": ("post", _event_url("events:respond", "attendance")),
    "register": ("get", _event_url("events:register")),
    "support-item": ("get", _event_url("events:support-item", "item")),
    "paper-upload": ("get", _event_url("events:paper-upload")),
    "paper-download": ("get", _event_url("events:paper-download", "paper")),
    "format-done": ("get", _event_url("events:format-done", "version")),
    "format-download": ("get", _event_url("events:format-download", "version")),
    "calendar": ("get", _event_url("events:calendar")),
    "venues": ("get", _page("events:venues")),
    "venue-create": ("get", _page("events:venue-create")),
    "venue-edit": ("get", _url("events:venue-edit", "venue")),
    "settings": ("get", _page("events:settings")),
    "my-events": ("get", _page("events:my-events")),
    "my-respond": ("post", _url("events:my-respond", "attendance")),
}

EXPECTED: dict[str, tuple[int | str, ...]] = {
    #                    admin  comm  facil  finance  decide  partic  provid  other  anon
    "list":             (200,   200,  200,   200,     200,    403,    403,    200,   LOGIN),
    "create":           (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "detail":           (200,   200,  200,   200,     200,    403,    403,    404,   LOGIN),
    "edit":             (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "cancel":           (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "ready":            (302,   302,  302,   403,     403,    403,    403,    404,   LOGIN),
    "invite":           (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "respond":          (302,   302,  302,   403,     403,    403,    403,    404,   LOGIN),
    "register":         (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "support-item":     (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "paper-upload":     (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "paper-download":   (200,   200,  200,   200,     200,    200,    404,    404,   LOGIN),
    "format-done":      (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "format-download":  (200,   200,  200,   200,     200,    200,    404,    404,   LOGIN),
    "calendar":         (200,   200,  200,   200,     200,    200,    404,    404,   LOGIN),
    "venues":           (200,   200,  200,   200,     200,    403,    403,    200,   LOGIN),
    "venue-create":     (200,   200,  200,   403,     403,    403,    403,    200,   LOGIN),
    "venue-edit":       (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "settings":         (200,   403,  403,   403,     403,    403,    403,    200,   LOGIN),
    "my-events":        (200,   200,  200,   200,     200,    200,    200,    200,   LOGIN),
    "my-respond":       (404,   404,  404,   404,     404,    302,    404,    404,   LOGIN),
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
def world(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[World]:
    # Each test runs in its own transaction inside this one, so a change in one cell is rolled
    # back before the next.
    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock(), transaction.atomic():
        yield _make_world()
        transaction.set_rollback(True)


def _make_world() -> World:
    organisation = cast(Organisation, OrganisationFactory())
    other = cast(Organisation, OrganisationFactory())
    users = matrix_users(organisation, other)
    method = event_method(organisation)
    event = make_event(method)
    attendance = make_attendee(
        event,
        Response.CONFIRMED,
        needs=[AccessNeed.TRANSPORT],
        preferred_format=Format.LARGE_PRINT,
        user=users["participant"],
    )
    paper = services.add_paper(
        event,
        "Agenda",
        SimpleUploadedFile("agenda.pdf", b"%PDF-1.4 agenda"),
        by=users["facilitator"],
    )
    version = services.complete_format(
        paper.formats.get(), SimpleUploadedFile("agenda-large.pdf", b"%PDF-1.4 large")
    )
    item = event.support_arrangements.get()
    item.acknowledged_reason = "A volunteer driver is booked."
    services.save_support_item(item)
    return World(
        organisation=organisation,
        users=users,
        objects={
            "method": method,
            "event": event,
            "attendance": attendance,
            "item": item,
            "paper": paper,
            "version": version,
            "venue": make_venue(organisation),
        },
    )


@pytest.mark.parametrize(("name", "role", "expected"), CELLS)
def test_permission_matrix(world: World, name: str, role: str, expected: int | str) -> None:
    method, url_for = URLS[name]
    url = url_for(world)
    data = {"response": Response.CONFIRMED} if name.endswith("respond") else {}
    response = getattr(client_for(world.users, role), method)(url, data)
    assert_cell(response, expected, f"{method.upper()} {url}")


def test_post_only_urls_refuse_get(world: World) -> None:
    client = client_for(world.users, "administrator")
    for name, (method, url_for) in URLS.items():
        if method == "post":
            assert client.get(url_for(world)).status_code == 405, name
