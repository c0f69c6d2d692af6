"""Every feedback URL visited as every role, with the designed answer written out for each cell:

- anonymous: sent to sign in on staff pages and their own page; the public pages (the "You said,
  we did" page, its easy read and PDF versions, the decision log, a published decision and the
  feed) are for everyone;
- providers and participants are not staff: 403 on staff pages;
- an administrator of another organisation: 404 on this organisation's records;
- all staff follow contributions and decisions; administrators, commissioners and facilitators
  add contributions, edit the public page and send personal feedback; administrators,
  commissioners and decision-makers record and publish decisions;
- a participant's own page needs a register record: 403 for those who have none.
"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from coproduce.testing.permissions import LOGIN, ROLES, assert_cell, client_for

from .world import World, make_world

pytestmark = pytest.mark.django_db

Url = Callable[[World], str]


def _url(name: str, key: str) -> Url:
    return lambda w: reverse(name, args=[w.objects[key].pk])


def _public(name: str, key: str = "") -> Url:
    def url(w: World) -> str:
        args: list[Any] = [w.organisation.slug]
        if key:
            args.append(w.objects[key].pk)
        return reverse(name, args=args)

    return url


URLS: dict[str, tuple[str, Url]] = {
    "project": ("get", _url("feedback:project", "project")),
    "contribution-add": ("get", _url("feedback:contribution-add", "project")),
    "from-themes": ("get", _url("feedback:from-themes", "project")),
    "contribution": ("get", _url("feedback:contribution", "answered")),
    "decision-add": ("get", _url("feedback:decision-add", "project")),
    "decision": ("get", _url("feedback:decision", "decision")),
    "decision-edit": ("get", _url("feedback:decision-edit", "decision")),
    "decision-respond": ("get", _url("feedback:decision-respond", "decision")),
    "decision-publish": ("post", _url("feedback:decision-publish", "decision")),
    "page-edit": ("get", _url("feedback:page-edit", "project")),
    "send": ("post", _url("feedback:send", "project")),
    "round": ("get", _url("feedback:round", "round")),
    "mine": ("get", lambda w: reverse("feedback:mine")),
    "public-page": ("get", _public("feedback:public-page", "project")),
    "public-easy-read": ("get", _public("feedback:public-easy-read", "project")),
    "public-pdf": ("get", _public("feedback:public-pdf", "project")),
    "log": ("get", _public("feedback:log")),
    "feed": ("get", _public("feedback:feed")),
    "public-decision": ("get", _public("feedback:public-decision", "decision")),
}

EXPECTED: dict[str, tuple[int | str, ...]] = {
    #                    admin  comm  facil  finance  decide  partic  provid  other  anon
    "project":          (200,   200,  200,   200,     200,    403,    403,    404,   LOGIN),
    "contribution-add": (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "from-themes":      (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "contribution":     (200,   200,  200,   200,     200,    403,    403,    404,   LOGIN),
    "decision-add":     (200,   200,  403,   403,     200,    403,    403,    404,   LOGIN),
    "decision":         (200,   200,  200,   200,     200,    403,    403,    404,   LOGIN),
    "decision-edit":    (200,   200,  403,   403,     200,    403,    403,    404,   LOGIN),
    "decision-respond": (200,   200,  403,   403,     200,    403,    403,    404,   LOGIN),
    "decision-publish": (302,   302,  403,   403,     302,    403,    403,    404,   LOGIN),
    "page-edit":        (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "send":             (302,   302,  302,   403,     403,    403,    403,    404,   LOGIN),
    "round":            (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "mine":             (403,   403,  403,   403,     403,    200,    403,    403,   LOGIN),
    "public-page":      (200,   200,  200,   200,     200,    200,    200,    200,   200),
    "public-easy-read": (200,   200,  200,   200,     200,    200,    200,    200,   200),
    "public-pdf":       (200,   200,  200,   200,     200,    200,    200,    200,   200),
    "log":              (200,   200,  200,   200,     200,    200,    200,    200,   200),
    "feed":             (200,   200,  200,   200,     200,    200,    200,    200,   200),
    "public-decision":  (200,   200,  200,   200,     200,    200,    200,    200,   200),
}  # fmt: skip

# The PDF is rendered once per column: slow, so only where the answer could differ.
SLOW = {"public-pdf"}

CELLS = [
    pytest.param(name, role, expected[column], id=f"{name}-{role}")
    for name, expected in EXPECTED.items()
    for column, role in enumerate(ROLES)
    if name not in SLOW or role in {"anonymous", "administrator"}
]


def test_every_url_has_a_row_with_a_cell_for_every_role() -> None:
    assert set(URLS) == set(EXPECTED)
    assert all(len(expected) == len(ROLES) for expected in EXPECTED.values())
    assert {name for name, _u in URLS.items()} == {
        p.name for p in __import__("coproduce.feedback.urls", fromlist=["x"]).urlpatterns
    }


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    # Each test runs in its own transaction inside this one, so a change in one cell is rolled
    # back before the next.
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_world()
        transaction.set_rollback(True)


@pytest.mark.parametrize(("name", "role", "expected"), CELLS)
def test_permission_matrix(world: World, name: str, role: str, expected: int | str) -> None:
    method, url_for = URLS[name]
    url = url_for(world)
    response = getattr(client_for(world.users, role), method)(url, {"action": "publish"})
    assert_cell(response, expected, f"{method.upper()} {url}")


def test_post_only_urls_refuse_get(world: World) -> None:
    client = client_for(world.users, "administrator")
    for name, (method, url_for) in URLS.items():
        if method == "post":
            assert client.get(url_for(world)).status_code == 405, name


def test_unpublished_pages_and_decisions_are_not_found_in_public(world: World) -> None:
    from coproduce.feedback import services

    decision = world.objects["decision"]
    services.withdraw_decision(decision)
    services.save_page(
        world.objects["project"],
        introduction="",
        easy_read_introduction="",
        publish=False,
        user=None,
    )
    client = client_for(world.users, "anonymous")
    for name in ("public-page", "public-easy-read", "public-pdf", "public-decision"):
        assert client.get(URLS[name][1](world)).status_code == 404, name
    assert decision.title not in client.get(URLS["log"][1](world)).content.decode()
