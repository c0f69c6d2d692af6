from typing import Any, cast

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from sesame.utils import get_query_string

from .middleware import ASSISTED_PARTICIPANT
from .models import AssistedSession, Organisation, Role, User


def participant_by_email(email: str) -> User | None:
    return (
        User.objects.filter(
            email__iexact=email.strip(), is_active=True, memberships__role=Role.PARTICIPANT
        )
        .distinct()
        .first()
    )


def send_sign_in_link(request: HttpRequest, email: str) -> bool:
    """Emails a one-time sign-in link if a participant has this address. The caller says the
    same thing either way, so nobody can find out who is registered."""
    user = participant_by_email(email)
    if user is None:
        return False
    link = request.build_absolute_uri(reverse("accounts:link-open")) + get_query_string(user)
    minutes = settings.SESAME_MAX_AGE // 60
    send_mail(
        subject="Your link to sign in to Coproduce",
        message=(
            f"Hello {user.display_name},\n\n"
            f"Use this link to sign in. It works once, for {minutes} minutes:\n\n{link}\n\n"
            "If you did not ask for it, you can ignore this email.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    return True


def participants_to_assist(organisation: Organisation) -> Any:
    return User.objects.filter(
        memberships__organisation=organisation, memberships__role=Role.PARTICIPANT, is_active=True
    ).order_by("first_name", "last_name")


@transaction.atomic
def start_assisting(request: HttpRequest, participant: User) -> AssistedSession:
    organisation = request.organisation  # type: ignore[attr-defined]
    session = AssistedSession.objects.create(
        organisation=organisation,
        facilitator=cast(User, request.user),
        participant=participant,
    )
    request.session[ASSISTED_PARTICIPANT] = participant.pk
    request.session["assisted_session_id"] = session.pk
    return session


def stop_assisting(request: HttpRequest) -> None:
    session_id = request.session.pop("assisted_session_id", None)
    request.session.pop(ASSISTED_PARTICIPANT, None)
    session = AssistedSession.objects.filter(pk=session_id, ended_at__isnull=True).first()
    if session:
        session.ended_at = timezone.now()
        session.save()
