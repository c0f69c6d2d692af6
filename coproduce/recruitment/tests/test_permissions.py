"""Every recruitment staff URL (opportunities, invitations, glossary, settings) visited as every
role, with the designed answer written out for each cell:

- anonymous: sent to sign in; participants and providers are not staff: 403;
- an administrator of another organisation: 404 on this organisation's records, and their own
  organisation's page where the URL names no record;
- staff of this organisation: all may read opportunities and the glossary; administrators,
  commissioners and facilitators may write, invite and edit the glossary; only administrators
  change the recruitment settings.

The public pages are open to everyone, and show only published opportunities.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from coproduce.accounts.models import Organisation, User
from coproduce.recruitment import services
from coproduce.recruitment.models import GlossaryTerm
from coproduce.testing.factories import (
    OrganisationFactory,
    make_method,
    make_opportunity,
    make_project,
)
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
    "list": ("get", _page("recruitment:list")),
    "create": ("get", _url("recruitment:create", "method")),
    "detail": ("get", _url("recruitment:detail", "draft")),
    "edit": ("get", _url("recruitment:edit", "draft")),
    "publish": ("post", _url("recruitment:publish", "draft")),
    "close": ("post", _url("recruitment:close", "published")),
    "easy-read": ("get", _url("recruitment:easy-read", "draft")),
    "invite": ("get", _url("recruitment:invite", "published")),
    "invitations": ("get", _url("recruitment:invitations", "published")),
    "glossary": ("get", _page("recruitment:glossary")),
    "glossary-create": ("get", _page("recruitment:glossary-create")),
    "glossary-term": ("get", _url("recruitment:glossary-term", "term")),
    "settings": ("get", _page("recruitment:settings")),
}

EXPECTED: dict[str, tuple[int | str, ...]] = {
    #                    admin  comm  facil  finance  decide  partic  provid  other  anon
    "list":             (200,   200,  200,   200,     200,    403,    403,    200,   LOGIN),
    "create":           (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "detail":           (200,   200,  200,   200,     200,    403,    403,    404,   LOGIN),
    "edit":             (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "publish":          (302,   302,  302,   403,     403,    403,    403,    404,   LOGIN),
    "close":            (302,   302,  302,   403,     403,    403,    403,    404,   LOGIN),
    "easy-read":        (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "invite":           (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "invitations":      (200,   200,  200,   200,     200,    403,    403,    404,   LOGIN),
    "glossary":         (200,   200,  200,   200,     200,    403,    403,    200,   LOGIN),
    "glossary-create":  (200,   200,  200,   403,     403,    403,    403,    200,   LOGIN),
    "glossary-term":    (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "settings":         (200,   403,  403,   403,     403,    403,    403,    200,   LOGIN),
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
    # Each test runs in its own transaction inside this one, so a publish or close in one
    # cell is rolled back before the next.
    with django_db_blocker.unblock(), transaction.atomic():
        yield _make_world()
        transaction.set_rollback(True)


def _make_world() -> World:
    organisation = cast(Organisation, OrganisationFactory())
    other = cast(Organisation, OrganisationFactory())
    users = matrix_users(organisation, other)
    project = make_project(organisation)
    method = make_method(project.stages.get(position=3).plan)
    services.ensure_glossary(organisation)
    return World(
        organisation=organisation,
        users=users,
        objects={
            "method": method,
            "draft": make_opportunity(method),
            "published": make_opportunity(method, publish=True),
            "term": GlossaryTerm.objects.filter(organisation=organisation).first(),
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


@pytest.mark.parametrize("suffix", ["", "easy-read/", "large-print.pdf"])
def test_public_pages_show_published_opportunities_only(world: World, suffix: str) -> None:
    client = Client()
    draft, published = world.objects["draft"], world.objects["published"]
    services.save_easy_read(published, [("We need your help.", "")])
    assert client.get(f"/opportunities/{published.pk}/{suffix}").status_code == 200
    assert client.get(f"/opportunities/{draft.pk}/{suffix}").status_code == 404
