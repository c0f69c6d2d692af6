"""Every fair-selection URL visited as every role. Selection shows applicants' names and their
answers for a fair mix (which can be special category data), so only those who plan
involvement (administrators, commissioners, facilitators) may see or change it; another
organisation's records are not found; the published report is public, an unpublished one is
not found for anyone."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from coproduce.accounts.models import Organisation, User
from coproduce.recruitment.models import SelectionQuestion
from coproduce.selection import services
from coproduce.selection.models import Algorithm
from coproduce.testing.factories import (
    OrganisationFactory,
    make_application,
    make_opportunity,
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


URLS: dict[str, tuple[str, Url]] = {
    "opportunity": ("get", _url("selection:opportunity", "opportunity")),
    "question-create": ("get", _url("selection:question-create", "opportunity")),
    "question": (
        "get",
        lambda w: reverse(
            "selection:question", args=[w.objects["opportunity"].pk, w.objects["question"].pk]
        ),
    ),
    "run-start": ("post", _url("selection:run-start", "opportunity")),
    "run": ("get", _url("selection:run", "run")),
    "run-apply": ("post", _url("selection:run-apply", "run")),
    "run-publish": ("post", _url("selection:run-publish", "run")),
}

EXPECTED: dict[str, tuple[int | str, ...]] = {
    #                    admin  comm  facil  finance  decide  partic  provid  other  anon
    "opportunity":      (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "question-create":  (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "question":         (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "run-start":        (302,   302,  302,   403,     403,    403,    403,    404,   LOGIN),
    "run":              (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "run-apply":        (302,   302,  302,   403,     403,    403,    403,    404,   LOGIN),
    "run-publish":      (302,   302,  302,   403,     403,    403,    403,    404,   LOGIN),
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
    opportunity = make_opportunity(organisation=organisation, publish=True, places=2)
    question = services.save_question(
        SelectionQuestion(
            organisation_id=organisation.pk,
            opportunity=opportunity,
            feature="area",
            question="Area?",
        ),
        ["North", "South"],
    )
    for number in range(5):
        make_application(opportunity, selection_answers={"area": ["North", "South"][number % 2]})
    run = services.carry_out(
        services.start_run(opportunity, algorithm=Algorithm.LEXIMIN, seed="1", by=None)
    )
    return World(
        organisation=organisation,
        users=users,
        objects={"opportunity": opportunity, "question": question, "run": run},
    )


@pytest.mark.parametrize(("name", "role", "expected"), CELLS)
def test_permission_matrix(world: World, name: str, role: str, expected: int | str) -> None:
    method, url_for = URLS[name]
    url = url_for(world)
    data = {"algorithm": "leximin", "seed": "2", "notify": "on"}
    client = client_for(world.users, role)
    response = client.post(url, data) if method == "post" else client.get(url)
    assert_cell(response, expected, f"{method.upper()} {url}")


def test_post_only_urls_refuse_get(world: World) -> None:
    client = client_for(world.users, "administrator")
    for name, (method, url_for) in URLS.items():
        if method == "post":
            assert client.get(url_for(world)).status_code == 405, name


def test_the_report_is_public_only_once_published(world: World) -> None:
    run = world.objects["run"]
    url = reverse("selection:report", args=[run.pk])
    assert Client().get(url).status_code == 404
    services.publish_report(run)
    page = Client().get(url)
    assert page.status_code == 200
    for application in run.opportunity.applications.all():
        assert application.name not in page.content.decode()
