from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .models import STAFF_ROLES, Organisation, Role, User
from .roles import roles_of

ACTIVE_ORGANISATION = "active_organisation_id"
ASSISTED_PARTICIPANT = "assisted_participant_id"


class OrganisationMiddleware:
    """Works out, once per request, which organisation a staff user is working in and whether
    they are acting for a participant (assisted mode)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organisation = None  # type: ignore[attr-defined]
        request.is_staff_member = False  # type: ignore[attr-defined]
        request.assisted_participant = None  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            roles = roles_of(request.user)
            staff_orgs = [org for org, role in roles.items() if role in STAFF_ROLES]
            if staff_orgs:
                chosen = request.session.get(ACTIVE_ORGANISATION)
                org_id = chosen if chosen in staff_orgs else min(staff_orgs)
                request.organisation = Organisation.objects.filter(pk=org_id).first()  # type: ignore[attr-defined]
                request.is_staff_member = True  # type: ignore[attr-defined]
                participant_id = request.session.get(ASSISTED_PARTICIPANT)
                if participant_id and roles.get(org_id) in {Role.ADMINISTRATOR, Role.FACILITATOR}:
                    request.assisted_participant = User.objects.filter(  # type: ignore[attr-defined]
                        pk=participant_id,
                        memberships__organisation_id=org_id,
                        memberships__role=Role.PARTICIPANT,
                    ).first()
        return self.get_response(request)
