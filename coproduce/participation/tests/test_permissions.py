"""Every participation URL visited as every role, with the designed answer for each cell:

- anonymous: sent to sign in; participants and providers are not staff: 403 on staff pages;
- an administrator of another organisation: 404 on this organisation's records, and their own
  organisation's page where the URL names no record;
- staff of this organisation: all may see roles, briefings, training, conflicts and draws;
  administrators, commissioners and facilitators brief, agree, train, recognise and run draws;
  only administrators and commissioners assess conflicts of interest;
- the participant here is in the role: their own pages (role, briefing, agreements,
  certificate) and their certificate's PDF; for anyone else those pages find nothing.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from coproduce.accounts.models import Organisation, User
from coproduce.participation import services
from coproduce.participation.models import (
    AgreementKind,
    BriefingMember,
    InterestDeclaration,
    PrizeDraw,
    Recognition,
    RecognitionKind,
    TrainingOffer,
)
from coproduce.people import services as people_services
from coproduce.people.models import ConsentMethod, InvolvementKind
from coproduce.surveys import services as survey_services
from coproduce.surveys.tests.factories import make_question, make_survey
from coproduce.testing.factories import OrganisationFactory
from coproduce.testing.permissions import LOGIN, ROLES, assert_cell, client_for, matrix_users

from .factories import make_briefing, make_role, make_version, people_of

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class World:
    organisation: Organisation
    users: dict[str, User]
    objects: dict[str, Any]


Url = Callable[[World], str]


def _url(name: str, *keys: str, **extra: str) -> Url:
    return lambda w: reverse(name, args=[*(w.objects[k].pk for k in keys), *extra.values()])


def _page(name: str) -> Url:
    return lambda w: reverse(name)


URLS: dict[str, tuple[str, Url]] = {
    "home": ("get", _page("participation:home")),
    "opportunity": ("get", _url("participation:opportunity", "opportunity")),
    "briefing": ("get", _url("participation:briefing", "opportunity")),
    "member-add": ("get", _url("participation:member-add", "opportunity")),
    "member-remove": ("post", _url("participation:member-remove", "opportunity", "member")),
    "briefing-pdf": ("get", _url("participation:briefing-pdf", "opportunity", v="standard")),
    "briefing-send": ("post", _url("participation:briefing-send", "opportunity")),
    "pre-meeting": ("get", _url("participation:pre-meeting", "opportunity")),
    "agreement-new": ("get", _url("participation:agreement-new", "opportunity", k="role")),
    "agreement-record": ("get", _url("participation:agreement-record", "opportunity")),
    "training": ("get", _page("participation:training")),
    "training-new": ("get", _page("participation:training-new")),
    "training-detail": ("get", _url("participation:training-detail", "offer")),
    "place": ("get", _url("participation:place", "place")),
    "person": ("get", _url("participation:person", "person")),
    "mentor-new": ("get", _url("participation:mentor-new", "person")),
    "time-credit-new": ("get", _url("participation:time-credit-new", "person")),
    "recognition-new": ("get", _url("participation:recognition-new", "person")),
    "recognition-pdf": ("get", _url("participation:recognition-pdf", "recognition")),
    "conflicts": ("get", _page("participation:conflicts")),
    "conflict-new": ("get", _page("participation:conflict-new")),
    "conflict-assess": ("get", _url("participation:conflict-assess", "declaration")),
    "draws": ("get", _page("participation:draws")),
    "draw-new": ("get", _page("participation:draw-new")),
    "draw": ("get", _url("participation:draw", "draw")),
    "draw-run": ("post", _url("participation:draw-run", "draw")),
    "mine": ("get", _page("participation:mine")),
    "my-briefing": ("get", _url("participation:my-briefing", "opportunity")),
    "my-briefing-pdf": ("get", _url("participation:my-briefing-pdf", "opportunity", v="standard")),
    "my-agree": ("get", _url("participation:my-agree", "version")),
    "my-certificate": ("get", _page("participation:my-certificate")),
}

EXPECTED: dict[str, tuple[int | str, ...]] = {
    #                    admin  comm  facil  finance  decide  partic  provid  other  anon
    "home":             (200,   200,  200,   200,     200,    403,    403,    200,   LOGIN),
    "opportunity":      (200,   200,  200,   200,     200,    403,    403,    404,   LOGIN),
    "briefing":         (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "member-add":       (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "member-remove":    (302,   302,  302,   403,     403,    403,    403,    404,   LOGIN),
    "briefing-pdf":     (200,   200,  200,   200,     200,    403,    403,    404,   LOGIN),
    "briefing-send":    (302,   302,  302,   403,     403,    403,    403,    404,   LOGIN),
    "pre-meeting":      (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "agreement-new":    (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "agreement-record": (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "training":         (200,   200,  200,   200,     200,    403,    403,    200,   LOGIN),
    "training-new":     (200,   200,  200,   403,     403,    403,    403,    200,   LOGIN),
    "training-detail":  (200,   200,  200,   200,     200,    403,    403,    404,   LOGIN),
    "place":            (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "person":           (200,   200,  200,   200,     200,    403,    403,    404,   LOGIN),
    "mentor-new":       (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "time-credit-new":  (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "recognition-new":  (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "recognition-pdf":  (200,   200,  200,   200,     200,    200,    404,    404,   LOGIN),
    "conflicts":        (200,   200,  200,   200,     200,    403,    403,    200,   LOGIN),
    "conflict-new":     (200,   200,  200,   403,     403,    403,    403,    200,   LOGIN),
    "conflict-assess":  (200,   200,  403,   403,     403,    403,    403,    404,   LOGIN),
    "draws":            (200,   200,  200,   200,     200,    403,    403,    200,   LOGIN),
    "draw-new":         (200,   200,  200,   403,     403,    403,    403,    200,   LOGIN),
    "draw":             (200,   200,  200,   200,     200,    403,    403,    404,   LOGIN),
    "draw-run":         (400,   400,  400,   403,     403,    403,    403,    404,   LOGIN),
    "mine":             (200,   200,  200,   200,     200,    200,    200,    200,   LOGIN),
    "my-briefing":      (404,   404,  404,   404,     404,    200,    404,    404,   LOGIN),
    "my-briefing-pdf":  (404,   404,  404,   404,     404,    200,    404,    404,   LOGIN),
    "my-agree":         (404,   404,  404,   404,     404,    200,    404,    404,   LOGIN),
    "my-certificate":   (404,   404,  404,   404,     404,    200,    404,    404,   LOGIN),
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
    opportunity = make_role(organisation, people=1)
    (person,) = people_of(opportunity)
    person.user = users["participant"]
    person.save()
    briefing = make_briefing(opportunity)
    member_row = services.save_member(
        BriefingMember(briefing=briefing, name="Fran Hughes", role="Involvement officer")
    )
    version = make_version(opportunity, AgreementKind.CONFIDENTIALITY)
    offer = services.save_offer(
        TrainingOffer(
            project=opportunity.project,
            topic="chairing",
            title="Chairing",
            starts_on=timezone.localdate(),
        )
    )
    (place,) = services.offer_places(offer, [person])
    people_services.record_involvement(
        person, InvolvementKind.PANEL, timezone.localdate(), "Bid evaluation day"
    )
    recognition = services.create_recognition(
        Recognition(
            person=person,
            kind=RecognitionKind.CERTIFICATE,
            consent_method=ConsentMethod.ONLINE,
            consent_given_on=timezone.localdate(),
        )
    )
    declaration = services.declare_interest(
        InterestDeclaration(
            project=opportunity.project,
            person=person,
            nature="Volunteers at a bidder.",
            declared_on=timezone.localdate(),
            recorded_by=users["facilitator"],
        )
    )
    survey = make_survey(organisation, anonymous=False, project=opportunity.project)
    make_question(survey)
    survey_services.open_survey(survey)
    draw = services.save_draw(
        PrizeDraw(
            survey=survey,
            prize="A voucher",
            entries_close_at=timezone.now() + datetime.timedelta(days=3),
        )
    )
    return World(
        organisation=organisation,
        users=users,
        objects={
            "opportunity": opportunity,
            "member": member_row,
            "version": version,
            "offer": offer,
            "place": place,
            "person": person,
            "recognition": recognition,
            "declaration": declaration,
            "draw": draw,
        },
    )


@pytest.mark.parametrize(("name", "role", "expected"), CELLS)
def test_permission_matrix(world: World, name: str, role: str, expected: int | str) -> None:
    method, url_for = URLS[name]
    url = url_for(world)
    response = getattr(client_for(world.users, role), method)(url, {})
    assert_cell(response, expected, f"{method.upper()} {url}")


def test_post_only_urls_refuse_get(world: World) -> None:
    client = client_for(world.users, "administrator")
    for name, (method, url_for) in URLS.items():
        if method == "post":
            assert client.get(url_for(world)).status_code == 405, name
