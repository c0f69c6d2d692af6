"""Every theming URL visited as every role, with the designed answer for each cell:

- anonymous: sent to sign in; participants and providers are not staff: 403;
- an administrator of another organisation: 404 (the question is not theirs to know of);
- themes show and quote single comments, so, like the comments themselves, they are for
  administrators, commissioners and facilitators; finance approvers and decision-makers: 403.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.db import transaction
from django.urls import reverse

from coproduce.accounts.models import Organisation, User
from coproduce.core.models import Job, JobStatus
from coproduce.testing.factories import OrganisationFactory
from coproduce.testing.permissions import LOGIN, ROLES, assert_cell, client_for, matrix_users
from coproduce.theming import services
from coproduce.theming.models import Theme

from .factories import SAID, answer_saying, make_open_question

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class World:
    organisation: Organisation
    users: dict[str, User]
    objects: dict[str, Any]


Url = Callable[[World], str]


def _url(name: str, *keys: str) -> Url:
    return lambda w: reverse(f"theming:{name}", args=[w.objects[key].pk for key in keys])


URLS: dict[str, tuple[str, Url]] = {
    "question": ("get", _url("question", "question")),
    "propose": ("get", _url("propose", "question")),
    "progress": ("get", _url("progress", "question")),
    "theme-create": ("get", _url("theme-create", "question")),
    "classify": ("post", _url("classify", "question")),
    "queue": ("get", _url("queue", "question")),
    "correct": ("post", _url("correct", "question", "answer")),
    "results": ("get", _url("results", "question")),
    "comments": ("get", _url("comments", "question")),
    "export-csv": ("get", _url("export-csv", "question")),
    "export-xlsx": ("get", _url("export-xlsx", "question")),
    "theme": ("get", _url("theme", "theme")),
    "theme-edit": ("get", _url("theme-edit", "theme")),
    "theme-merge": ("get", _url("theme-merge", "theme")),
    "theme-split": ("get", _url("theme-split", "theme")),
    "theme-delete": ("post", _url("theme-delete", "theme")),
    "examples": ("get", _url("examples", "theme")),
}

EXPECTED: dict[str, tuple[int | str, ...]] = {
    #                  admin  comm  facil  finance  decide  partic  provid  other  anon
    "question":       (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "propose":        (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "progress":       (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "theme-create":   (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "classify":       (302,   302,  302,   403,     403,    403,    403,    404,   LOGIN),
    "queue":          (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "correct":        (302,   302,  302,   403,     403,    403,    403,    404,   LOGIN),
    "results":        (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "comments":       (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "export-csv":     (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "export-xlsx":    (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "theme":          (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "theme-edit":     (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "theme-merge":    (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "theme-split":    (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "theme-delete":   (302,   302,  302,   403,     403,    403,    403,    404,   LOGIN),
    "examples":       (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
}  # fmt: skip

CELLS = [
    pytest.param(name, role, expected[column], id=f"{name}-{role}")
    for name, expected in EXPECTED.items()
    for column, role in enumerate(ROLES)
]


def test_every_url_has_a_row_with_a_cell_for_every_role() -> None:
    from coproduce.theming.urls import urlpatterns

    assert set(URLS) == set(EXPECTED) == {pattern.name for pattern in urlpatterns}
    assert all(len(expected) == len(ROLES) for expected in EXPECTED.values())


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    # Each test runs in its own transaction inside this one, so a change in one cell is rolled
    # back before the next.
    with django_db_blocker.unblock(), transaction.atomic():
        yield _make_world()
        transaction.set_rollback(True)


def _make_world() -> World:
    organisation = cast(Organisation, OrganisationFactory())
    other = cast(Organisation, OrganisationFactory())
    users = matrix_users(organisation, other)
    question = make_open_question(organisation, repeat=1)
    theme_set = services.theme_set_for(question, users["facilitator"])
    theme = services.save_theme(Theme(theme_set=theme_set, label="Parking"))
    answer = answer_saying(question, SAID["Parking"][0])
    services.tag_example(theme, answer, None)
    job = services.start_proposing(theme_set, users["facilitator"])  # never runs: no commit
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED)
    return World(
        organisation=organisation,
        users=users,
        objects={"question": question, "theme": theme, "answer": answer},
    )


@pytest.mark.parametrize(("name", "role", "expected"), CELLS)
def test_permission_matrix(world: World, name: str, role: str, expected: int | str) -> None:
    method, url_for = URLS[name]
    url = url_for(world)
    response = getattr(client_for(world.users, role), method)(url)
    assert_cell(response, expected, f"{method.upper()} {url}")


def test_post_only_urls_refuse_get(world: World) -> None:
    client = client_for(world.users, "administrator")
    for name in ("classify", "correct"):
        assert client.get(URLS[name][1](world)).status_code == 405, name


def test_a_theme_of_another_organisation_is_not_found_even_for_its_question_s_url(
    world: World,
) -> None:
    other = make_open_question(cast(Organisation, OrganisationFactory()), repeat=1)
    client = client_for(world.users, "administrator")
    for name in ("question", "results", "queue"):
        assert client.get(reverse(f"theming:{name}", args=[other.pk])).status_code == 404
