"""Every awards URL visited as every role, with the designed answer written out for each cell:

- anonymous: sent to sign in; participants and providers are not staff: 403 on staff pages;
- an administrator of another organisation: 404 (the tender or award does not exist for them);
- totals, the marks spreadsheet, OCDS and assessment summaries show prices: only those who lead
  commissioning (administrators, commissioners) and decision-makers, and never anyone on the
  tender's panel (see test_views for the officer on the panel);
- only those who lead commissioning record awards and dates; only a decision-maker signs off;
  those who plan involvement tell the lay evaluators, read the panel report and record feedback;
- a bidder reads its own assessment summary, never another bidder's.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.db import transaction
from django.urls import reverse

from coproduce.accounts.models import Organisation, User
from coproduce.awards import services
from coproduce.awards.models import FeedbackSession
from coproduce.awards.tests.factories import make_award, make_moderated_tender
from coproduce.procurement.tests.factories import bidder_user
from coproduce.testing.factories import OrganisationFactory
from coproduce.testing.permissions import LOGIN, ROLES, assert_cell, client_for, matrix_users

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class World:
    organisation: Organisation
    users: dict[str, User]
    objects: dict[str, Any]


Url = Callable[[World], str]
Data = dict[str, str]


def _tender(name: str) -> Url:
    return lambda w: reverse(name, args=[w.objects["tender"].pk])


def _award(name: str, key: str = "award") -> Url:
    return lambda w: reverse(name, args=[w.objects[key].pk])


def _summary(name: str) -> Url:
    return lambda w: reverse(name, args=[w.objects["award"].pk, w.objects["losing_bid"].pk])


URLS: dict[str, tuple[str, Url, Data]] = {
    "tender": ("get", _tender("awards:tender"), {}),
    "totals": ("get", _tender("awards:totals"), {}),
    "marks": ("get", _tender("awards:marks"), {}),
    "ocds": ("get", _tender("awards:ocds"), {}),
    "create": ("get", _tender("awards:create"), {}),
    "panel-report": ("get", _tender("awards:panel-report"), {}),
    "feedback": ("get", _tender("awards:feedback"), {}),
    "detail": ("get", _award("awards:detail"), {}),
    "sign-off": ("post", _award("awards:sign-off", "unsigned"), {"sign_off_note": "Agreed."}),
    "dates": ("post", _award("awards:dates"), {"notice_date": "2026-03-02"}),
    "tell": ("post", _award("awards:tell"), {}),
    "summary": ("get", _summary("awards:summary"), {}),
    "summary-pdf": ("get", _summary("awards:summary-pdf"), {}),
    "feedback-session": ("get", _award("awards:feedback-session", "session"), {}),
}

EXPECTED: dict[str, tuple[int | str, ...]] = {
    #                    admin  comm  facil  finance  decide  partic  provid  other  anon
    "tender":           (200,   200,  200,   200,     200,    403,    403,    404,   LOGIN),
    "totals":           (200,   200,  403,   403,     200,    403,    403,    404,   LOGIN),
    "marks":            (200,   200,  403,   403,     200,    403,    403,    404,   LOGIN),
    "ocds":             (200,   200,  403,   403,     200,    403,    403,    404,   LOGIN),
    "create":           (200,   200,  403,   403,     403,    403,    403,    404,   LOGIN),
    "panel-report":     (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "feedback":         (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "detail":           (200,   200,  200,   200,     200,    403,    403,    404,   LOGIN),
    "sign-off":         (403,   403,  403,   403,     302,    403,    403,    404,   LOGIN),
    "dates":            (302,   302,  403,   403,     403,    403,    403,    404,   LOGIN),
    "tell":             (302,   302,  302,   403,     403,    403,    403,    404,   LOGIN),
    "summary":          (200,   200,  403,   403,     200,    403,    403,    404,   LOGIN),
    "summary-pdf":      (200,   200,  403,   403,     200,    403,    403,    404,   LOGIN),
    "feedback-session": (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
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
    users = matrix_users(organisation, OrganisationFactory())
    tender = make_moderated_tender(organisation)
    award = make_award(tender, notice_date=datetime.date(2026, 3, 2))
    # A second tender of the same organisation whose award waits for sign-off.
    unsigned = make_award(make_moderated_tender(organisation), signed=False)
    session = services.save_feedback_session(
        FeedbackSession(
            tender=tender.tender, held_on=datetime.date(2026, 4, 1), recorded_by=tender.lead
        )
    )
    return World(
        organisation=organisation,
        users=users,
        objects={
            "tender": tender.tender,
            "award": award,
            "unsigned": unsigned,
            "session": session,
            "losing_bid": tender.bids[1],
            "bidder": bidder_user(tender.bidders[1]),
            "other_bidder": bidder_user(tender.bidders[0]),
        },
    )


@pytest.mark.parametrize(("name", "role", "expected"), CELLS)
def test_permission_matrix(world: World, name: str, role: str, expected: int | str) -> None:
    method, url_for, data = URLS[name]
    url = url_for(world)
    client = client_for(world.users, role)
    response = client.post(url, data) if method == "post" else client.get(url)
    assert_cell(response, expected, f"{method.upper()} {url}")


@pytest.mark.parametrize("name", ["summary", "summary-pdf"])
@pytest.mark.parametrize(("who", "expected"), [("bidder", 200), ("other_bidder", 403)])
def test_a_bidder_reads_only_its_own_summary(
    world: World, name: str, who: str, expected: int
) -> None:
    client = client_for({who: world.objects[who]}, who)
    response = client.get(URLS[name][1](world))
    assert_cell(response, expected, f"{who} {name}")


def test_post_only_urls_refuse_get(world: World) -> None:
    client = client_for(world.users, "administrator")
    for name, (method, url_for, _data) in URLS.items():
        if method == "post":
            assert client.get(url_for(world)).status_code == 405, name
