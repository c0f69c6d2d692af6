from typing import Any

from django import template

register = template.Library()


@register.filter
def may_see_outbox(user: Any, organisation: Any) -> bool:
    """For the service navigation: `{% if user|may_see_outbox:active_organisation %}`."""
    return organisation is not None and bool(
        user.has_perm("notifications.view_delivery", organisation)
    )
