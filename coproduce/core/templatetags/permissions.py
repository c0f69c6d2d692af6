"""Asking the one rules module from a template, so navigation shows only what a user may open."""

from typing import Any

from django import template

from coproduce.accounts.models import Role
from coproduce.accounts.roles import roles_of

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context: template.Context, permission: str, obj: Any = None) -> bool:
    """`{% may "events.view_event" active_organisation as may_see_events %}`."""
    user = context.get("user")
    return obj is not None and user is not None and bool(user.has_perm(permission, obj))


@register.filter
def acts_for_a_bidder(user: Any) -> bool:
    """Provider users bid for their organisation's contracts: they get the bids pages."""
    return bool(user.is_authenticated) and Role.PROVIDER in roles_of(user).values()
