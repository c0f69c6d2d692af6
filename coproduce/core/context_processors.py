from typing import Any

from django.conf import settings
from django.http import HttpRequest


def layout(request: HttpRequest) -> dict[str, Any]:
    return {
        "phase": settings.COPRODUCE_PHASE,
        "support_email": settings.COPRODUCE_SUPPORT_EMAIL,
        "active_organisation": getattr(request, "organisation", None),
        "assisted_participant": getattr(request, "assisted_participant", None),
        "is_staff_user": getattr(request, "is_staff_member", False),
    }
