"""Every procurement URL visited as every role, plus a bidder, another bidder, a lay evaluator
and another lay evaluator, with the designed answer written out for each cell:

- staff pages: anonymous is sent to sign in; anyone who is not staff (participants, providers,
  bidders, lay evaluators) gets 403; another organisation's administrator gets 404 on this
  organisation's records. All staff read; administrators and commissioners change the tender,
  answer clarifications, assess conflicts and moderate; facilitators also run the panel.
- a lay evaluator's pages: the evaluator (200); administrators and facilitators, who enter
  paper scores (200); the organisation's other staff (403); anyone else, including another
  evaluator, bidders and other participants (404).
- a bidder's pages: only the users who act for that bidder (200); everyone else, staff
  included, 404 (another bidder's bid does not exist for them).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from coproduce.accounts.models import Organisation, User
from coproduce.procurement import services
from coproduce.procurement.models import BidDocument, Clarification
from coproduce.testing.factories import OrganisationFactory
from coproduce.testing.permissions import LOGIN, ROLES, assert_cell, client_for, matrix_users

from .factories import (
    bidder_user,
    make_open_tender,
    make_scoring_tender,
    make_tender,
    submit_all_scores,
)

pytestmark = pytest.mark.django_db

COLUMNS = (*ROLES, "bidder", "other_bidder", "evaluator", "other_evaluator")


@dataclass(frozen=True)
class World:
    organisation: Organisation
    users: dict[str, User]
    objects: dict[str, Any]


Url = Callable[[World], str]


def _url(name: str, *keys: str) -> Url:
    return lambda w: reverse(f"procurement:{name}", args=[w.objects[k].pk for k in keys])


def _page(name: str) -> Url:
    return lambda w: reverse(f"procurement:{name}")


URLS: dict[str, tuple[str, Url]] = {
    "list": ("get", _page("list")),
    "create": ("get", _url("create", "project")),
    "detail": ("get", _url("detail", "tender")),
    "edit": ("get", _url("edit", "draft")),
    "scale": ("get", _url("scale", "draft")),
    "open": ("post", _url("open", "draft")),
    "close-bids": ("post", _url("close-bids", "open")),
    "start-scoring": ("post", _url("start-scoring", "tender")),
    "lot-create": ("get", _url("lot-create", "draft")),
    "lot-edit": ("get", _url("lot-edit", "lot")),
    "criterion-create": ("get", _url("criterion-create", "draft")),
    "criterion-edit": ("get", _url("criterion-edit", "criterion")),
    "question-create": ("get", _url("question-create", "draft")),
    "question-edit": ("get", _url("question-edit", "question")),
    "bidders": ("get", _url("bidders", "tender")),
    "document": ("get", _url("document", "document")),
    "clarifications": ("get", _url("clarifications", "tender")),
    "clarification-answer": ("get", _url("clarification-answer", "clarification")),
    "panel": ("get", _url("panel", "tender")),
    "briefing": ("get", _url("briefing", "tender")),
    "flow-chart": ("get", _url("flow-chart", "tender")),
    "question-officers": ("get", _url("question-officers", "question")),
    "conflicts": ("get", _url("conflicts", "tender")),
    "conflict-assess": ("get", _url("conflict-assess", "declaration")),
    "moderation": ("get", _url("moderation", "question")),
    "moderate-answer": ("get", _url("moderate-answer", "answer")),
    "evaluation-list": ("get", _page("evaluation-list")),
    "evaluation": ("get", _url("evaluation", "pat")),
    "evaluation-declare": ("get", _url("evaluation-declare", "pat", "bidder")),
    "evaluation-choose": ("get", _url("evaluation-choose", "pat")),
    "evaluation-score": ("get", _url("evaluation-score", "pat", "answer")),
    "evaluation-flow-chart": ("get", _url("evaluation-flow-chart", "pat")),
    "evaluation-document": ("get", _url("evaluation-document", "pat", "document")),
    "bids": ("get", _page("bids")),
    "bid-tender": ("get", _url("bid-tender", "bidder")),
    "bid-start": ("post", _url("bid-start", "bidder", "lot_open")),
    "bid": ("get", _url("bid", "bid")),
    "bid-answer": ("get", _url("bid-answer", "bid", "question")),
    "bid-price": ("get", _url("bid-price", "bid")),
    "bid-documents": ("get", _url("bid-documents", "bid")),
    "bid-submit": ("post", _url("bid-submit", "bid")),
    "bid-document": ("get", _url("bid-document", "document")),
}

EVALUATOR = (200, 403, 200, 403, 403, 404, 404, 404, LOGIN, 404, 404, 200, 404)
BIDDER = (404, 404, 404, 404, 404, 404, 404, 404, LOGIN, 200, 404, 404, 404)
STAFF_READ = (200, 200, 200, 200, 200, 403, 403, 404, LOGIN, 403, 403, 403, 403)
LEAD = (200, 200, 403, 403, 403, 403, 403, 404, LOGIN, 403, 403, 403, 403)
PANEL = (200, 200, 200, 403, 403, 403, 403, 404, LOGIN, 403, 403, 403, 403)
SIGNED_IN = (200, 200, 200, 200, 200, 200, 200, 200, LOGIN, 200, 200, 200, 200)

EXPECTED: dict[str, tuple[int | str, ...]] = {
    #                      admin comm facil fin  decide partic provid other anon  bidder other_b eval other_e
    "list":                (200, 200, 200,  200, 200,   403,   403,   200,  LOGIN, 403,   403,    403, 403),
    "create":              LEAD,
    "detail":              STAFF_READ,
    "edit":                LEAD,
    "scale":               LEAD,
    "open":                (302, 302, 403,  403, 403,   403,   403,   404,  LOGIN, 403,   403,    403, 403),
    "close-bids":          (302, 302, 403,  403, 403,   403,   403,   404,  LOGIN, 403,   403,    403, 403),
    # Allowed, but refused by the rules: the tender is already scoring.
    "start-scoring":       (400, 400, 403,  403, 403,   403,   403,   404,  LOGIN, 403,   403,    403, 403),
    "lot-create":          LEAD,
    "lot-edit":            LEAD,
    "criterion-create":    LEAD,
    "criterion-edit":      LEAD,
    "question-create":     LEAD,
    "question-edit":       LEAD,
    "bidders":             STAFF_READ,
    "document":            LEAD,
    "clarifications":      STAFF_READ,
    "clarification-answer": LEAD,
    "panel":               STAFF_READ,
    "briefing":            PANEL,
    "flow-chart":          STAFF_READ,
    "question-officers":   PANEL,
    "conflicts":           STAFF_READ,
    "conflict-assess":     LEAD,
    "moderation":          LEAD,
    "moderate-answer":     LEAD,
    "evaluation-list":     SIGNED_IN,
    "evaluation":          EVALUATOR,
    "evaluation-declare":  EVALUATOR,
    "evaluation-choose":   EVALUATOR,
    "evaluation-score":    EVALUATOR,
    "evaluation-flow-chart": EVALUATOR,
    "evaluation-document": EVALUATOR,
    "bids":                SIGNED_IN,
    "bid-tender":          BIDDER,
    "bid-start":           (404, 404, 404,  404, 404,   404,   404,   404,  LOGIN, 302,   404,    404, 404),
    "bid":                 BIDDER,
    "bid-answer":          BIDDER,
    "bid-price":           BIDDER,
    "bid-documents":       BIDDER,
    # Allowed, but refused by the rules: the bid was submitted already.
    "bid-submit":          (404, 404, 404,  404, 404,   404,   404,   404,  LOGIN, 400,   404,    404, 404),
    "bid-document":        BIDDER,
}  # fmt: skip

CELLS = [
    pytest.param(name, role, expected[column], id=f"{name}-{role}")
    for name, expected in EXPECTED.items()
    for column, role in enumerate(COLUMNS)
]


def test_every_url_has_a_row_with_a_cell_for_every_role() -> None:
    assert set(URLS) == set(EXPECTED)
    assert all(len(expected) == len(COLUMNS) for expected in EXPECTED.values())


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    # Each test runs in its own transaction inside this one, so an action in one cell is
    # rolled back before the next.
    with django_db_blocker.unblock(), transaction.atomic():
        yield _make_world()
        transaction.set_rollback(True)


def _make_world() -> World:
    organisation = cast(Organisation, OrganisationFactory())
    other = cast(Organisation, OrganisationFactory())
    users = matrix_users(organisation, other)
    scoring = make_scoring_tender(organisation, easy_read=True)
    tender = scoring.tender
    tender.process_flow_chart.save("process.pdf", ContentFile(b"%PDF-1.4 flow"), save=True)
    submit_all_scores(
        scoring, 1, {scoring.lay[0].pk: 2, scoring.lay[1].pk: 3, scoring.officer.pk: 3}
    )
    question = tender.questions.get(number=1)
    services.open_moderation(question)
    pat, jo = scoring.lay
    bidder, other_bidder = scoring.bidders
    services.declare(
        scoring.officer, other_bidder, has_conflict=True, nature="Former employer", by=scoring.lead
    )
    open_tender = make_open_tender(organisation)
    draft = make_tender(organisation)
    users.update(
        {
            "bidder": bidder_user(bidder),
            "other_bidder": bidder_user(other_bidder),
            "evaluator": cast(User, pat.user),
            "other_evaluator": cast(User, jo.user),
        }
    )
    # Asked while bids were open (the service refuses questions after bids close).
    asked = Clarification.objects.create(
        organisation=organisation, tender=tender, bidder=bidder, question="Is TUPE likely?"
    )
    return World(
        organisation=organisation,
        users=users,
        objects={
            "project": tender.project,
            "tender": tender,
            "draft": draft,
            "open": open_tender,
            "lot": draft.lots.get(),
            "criterion": draft.criteria.get(),
            "question": question,
            "answer": scoring.answers(1)[0],
            "bid": scoring.bids[0],
            "bidder": bidder,
            "lot_open": tender.lots.get(),
            "document": BidDocument.objects.get(bid=scoring.bids[0]),
            "clarification": asked,
            "declaration": scoring.officer.declarations.get(bidder=other_bidder),
            "pat": pat,
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
