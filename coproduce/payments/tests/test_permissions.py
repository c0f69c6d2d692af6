"""Every payments URL visited as every role, with the designed answer written out per cell:

- anonymous: staff pages send to sign in; people's own pages send to the email-link sign-in;
- people's own pages: the participant whose record it is; anyone without a record in the
  register is told so (403);
- claims, receipts and overdue claims: those who plan involvement and finance approvers;
  facilitators and administrators claim for people; only finance approvers approve, reject,
  mark paid and export; all staff see the policy and budgets; administrators change the policy;
- an administrator of another organisation: 404 on this organisation's records, their own
  organisation's page where the URL names no record.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from coproduce.accounts.models import Organisation, User
from coproduce.payments import services
from coproduce.payments.models import ExpenseKind
from coproduce.testing.factories import OrganisationFactory, make_person
from coproduce.testing.permissions import LOGIN, ROLES, assert_cell, client_for, matrix_users

from .factories import PDF, a_method, confirm, make_attendance, make_event, make_policy, receipt

pytestmark = pytest.mark.django_db

LINK = "link"  # sent to the email-link sign-in used by people taking part


@pytest.fixture(autouse=True)
def _receipts_in_a_temporary_folder() -> None:
    """The module's world keeps its receipts in one folder for every test (see `world`)."""


@dataclass(frozen=True)
class World:
    organisation: Organisation
    users: dict[str, User]
    objects: dict[str, Any]


Url = Callable[[World], str]


def _url(name: str, key: str, query: str = "") -> Url:
    return lambda w: reverse(name, args=[w.objects[key].pk]) + query


def _page(name: str, query: str = "") -> Url:
    return lambda w: reverse(name) + query


EXPORT = "?start=2025-06-01&end=2027-12-31&status=approved&format="

URLS: dict[str, tuple[str, Url]] = {
    "mine": ("get", _page("payments:mine")),
    "my-choice": ("get", _page("payments:my-choice")),
    "my-claim-new": ("get", _page("payments:my-claim-new")),
    "my-claim": ("get", _url("payments:my-claim", "claim")),
    "my-receipt": ("get", _url("payments:my-receipt", "receipt")),
    "person-choice": ("get", _url("payments:person-choice", "person")),
    "person-claim-new": ("get", _url("payments:person-claim-new", "person")),
    "claims": ("get", _page("payments:claims")),
    "overdue": ("get", _page("payments:overdue")),
    "claim": ("get", _url("payments:claim", "claim")),
    "approve": ("post", _url("payments:approve", "claim")),
    "reject": ("post", _url("payments:reject", "claim")),
    "paid": ("post", _url("payments:paid", "approved")),
    "receipt": ("get", _url("payments:receipt", "receipt")),
    "budget": ("get", _url("payments:budget", "project")),
    "export": ("get", _page("payments:export")),
    "export-csv": ("get", _page("payments:export", EXPORT + "csv")),
    "export-xlsx": ("get", _page("payments:export", EXPORT + "xlsx")),
    "policy": ("get", _page("payments:policy")),
    "activity-rate": ("get", _page("payments:activity-rate")),
    "category-create": ("get", _page("payments:category-create")),
    "category": ("get", _url("payments:category", "category")),
}

EXPECTED: dict[str, tuple[int | str, ...]] = {
    #                     admin  comm  facil  finance  decide  partic  provid  other  anon
    "mine":              (403,   403,  403,   403,     403,    200,    403,    403,   LINK),
    "my-choice":         (403,   403,  403,   403,     403,    200,    403,    403,   LINK),
    "my-claim-new":      (403,   403,  403,   403,     403,    200,    403,    403,   LINK),
    "my-claim":          (403,   403,  403,   403,     403,    200,    403,    403,   LINK),
    "my-receipt":        (403,   403,  403,   403,     403,    200,    403,    403,   LINK),
    "person-choice":     (200,   403,  200,   403,     403,    403,    403,    404,   LOGIN),
    "person-claim-new":  (200,   403,  200,   403,     403,    403,    403,    404,   LOGIN),
    "claims":            (200,   200,  200,   200,     403,    403,    403,    200,   LOGIN),
    "overdue":           (200,   200,  200,   200,     403,    403,    403,    200,   LOGIN),
    "claim":             (200,   200,  200,   200,     403,    403,    403,    404,   LOGIN),
    "approve":           (403,   403,  403,   302,     403,    403,    403,    404,   LOGIN),
    "reject":            (403,   403,  403,   302,     403,    403,    403,    404,   LOGIN),
    "paid":              (403,   403,  403,   302,     403,    403,    403,    404,   LOGIN),
    "receipt":           (200,   200,  200,   200,     403,    403,    403,    404,   LOGIN),
    "budget":            (200,   200,  200,   200,     200,    403,    403,    404,   LOGIN),
    "export":            (403,   403,  403,   200,     403,    403,    403,    403,   LOGIN),
    "export-csv":        (403,   403,  403,   200,     403,    403,    403,    403,   LOGIN),
    "export-xlsx":       (403,   403,  403,   200,     403,    403,    403,    403,   LOGIN),
    "policy":            (200,   200,  200,   200,     200,    403,    403,    200,   LOGIN),
    "activity-rate":     (200,   403,  403,   403,     403,    403,    403,    200,   LOGIN),
    "category-create":   (200,   403,  403,   403,     403,    403,    403,    200,   LOGIN),
    "category":          (200,   403,  403,   403,     403,    403,    403,    404,   LOGIN),
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
    with (
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield _make_world()
        transaction.set_rollback(True)


def _make_world() -> World:
    organisation = cast(Organisation, OrganisationFactory())
    other = cast(Organisation, OrganisationFactory())
    users = matrix_users(organisation, other)
    method = a_method(organisation)
    policy = make_policy(organisation)
    participant = make_person(organisation, user=users["participant"])
    confirm(participant)
    taxi = policy.expense_categories.get(kind=ExpenseKind.TAXI)
    claim = services.submit_claim(
        participant,
        make_attendance(make_event(method), participant),
        [
            services.ItemInput(
                taxi, "Taxi", Decimal("9"), why_needed="Icy", receipt=receipt("t.pdf", PDF)
            )
        ],
        by=users["participant"],
        on_behalf=False,
    )
    approved = services.submit_claim(
        participant,
        make_attendance(make_event(method), participant),
        [],
        by=users["participant"],
        on_behalf=False,
    )
    services.approve(approved, users["finance_approver"])
    # Someone with no email for facilitators to claim for, with an event to claim for.
    person = make_person(organisation, email="", preferred_channel="phone", landline="01234 567890")
    confirm(person, by=users["facilitator"], with_help=True)
    make_attendance(make_event(method), person)
    make_attendance(make_event(method), participant)  # something left to claim
    return World(
        organisation=organisation,
        users=users,
        objects={
            "claim": claim,
            "approved": approved,
            "receipt": claim.items.get().receipt,
            "person": person,
            "project": method.plan.stage.project,
            "category": taxi,
        },
    )


@pytest.mark.parametrize(("name", "role", "expected"), CELLS)
def test_cell(world: World, name: str, role: str, expected: int | str) -> None:
    method, url = URLS[name]
    client = client_for(world.users, role)
    data = {}
    if name == "reject":
        data = {"reason": "No receipt"}
    if name == "paid":
        data = {"reference": "BACS-1", "paid_on": "2020-01-01"}
    if name == "paid" and expected == 302:
        # The claim was approved today: pay it today.
        data["paid_on"] = timezone.localdate().isoformat()
    address = url(world)
    response = getattr(client, method)(address, data) if method == "post" else client.get(address)
    if expected == LINK:
        assert response.status_code == 302
        assert response.headers["Location"] == reverse("accounts:sign-in-link")
        return
    assert_cell(response, expected, f"{name} as {role}")
