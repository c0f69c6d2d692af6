"""A user's roles by organisation, read once per request and cached on the user object."""

from typing import Any

from .models import STAFF_ROLES, Membership, Role

_CACHE = "_coproduce_roles"
_EQUALITY_CACHE = "_coproduce_equality_orgs"


def roles_of(user: Any) -> dict[int, str]:
    if user is None or not user.is_authenticated:
        return {}
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
        setattr(user, _CACHE, cached)
    return cached


def equality_access_organisation_ids(user: Any) -> frozenset[int]:
    """Organisations where the user holds the equality-data permission (staff only)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, _EQUALITY_CACHE, None)
    if cached is None:
        cached = frozenset(
            Membership.objects.filter(
                user=user, equality_data_access=True, role__in=STAFF_ROLES
            ).values_list("organisation_id", flat=True)
        )
        setattr(user, _EQUALITY_CACHE, cached)
    return cached


def role_in(user: Any, organisation_id: int | None) -> str | None:
    if organisation_id is None:
        return None
    return roles_of(user).get(organisation_id)


def staff_organisation_ids(user: Any) -> list[int]:
    return [org for org, role in roles_of(user).items() if role in STAFF_ROLES]


def has_role(user: Any, organisation_id: int | None, *roles: Role) -> bool:
    return role_in(user, organisation_id) in roles
