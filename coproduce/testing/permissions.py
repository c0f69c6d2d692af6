"""What every permission-matrix test shares: the 'sent to sign in' cell and one check of a
response against the designed answer."""

from typing import Any

from django.test import Client
from django.urls import reverse

LOGIN = "login"  # 302 to the sign-in page, with ?next= the page asked for; any other 302 is
# an action that was allowed, redirecting to its result (never to sign-in)


def client_for(users: dict[str, Any], role: str) -> Client:
    """A test client signed in as `users[role]`, or signed out for "anonymous"."""
    client = Client()
    if role != "anonymous":
        client.force_login(users[role])
    return client


def assert_cell(response: Any, expected: int | str, what: str = "") -> None:
    sign_in = reverse("accounts:sign-in")
    location = response.headers.get("Location", "")
    if expected == LOGIN:
        assert response.status_code == 302, what
        assert location.startswith(f"{sign_in}?next="), location
    else:
        assert response.status_code == expected, what
    if expected == 302:
        assert not location.startswith(sign_in), location


# The columns of every permission matrix, in order: each staff role of the organisation, the
# two roles that are not staff, an administrator of another organisation, and nobody.
ROLES = (
    "administrator",
    "commissioner",
    "facilitator",
    "finance_approver",
    "decision_maker",
    "participant",
    "provider",
    "other_org_administrator",
    "anonymous",
)


def matrix_users(organisation: Any, other: Any) -> dict[str, Any]:
    """A user for each column of `ROLES` except "anonymous"."""
    from coproduce.accounts.models import Role
    from coproduce.testing.factories import member

    users = {role: member(organisation, Role(role)) for role in ROLES if role not in _NOT_MEMBERS}
    users["other_org_administrator"] = member(other, Role.ADMINISTRATOR)
    return users


_NOT_MEMBERS = frozenset({"other_org_administrator", "anonymous"})
