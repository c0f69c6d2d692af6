"""Read queries for applications. Lists run a fixed number of queries whatever their length."""

from django.db.models import Q, QuerySet

from coproduce.notifications.models import Delivery
from coproduce.people.models import Person

from .application_services import application_topic
from .models import Application, ApplicationStatus, Opportunity


def applications_for(opportunity: Opportunity, status: str = "") -> QuerySet[Application]:
    """Sent applications (drafts are private to the person until they send them), oldest
    first, optionally of one status. Only the columns the list shows are read: the encrypted
    selection answers are decrypted only on an application's own page."""
    applications = (
        Application.objects.filter(opportunity=opportunity)
        .exclude(status=ApplicationStatus.DRAFT)
        .only(
            "pk",
            "organisation_id",
            "opportunity_id",
            "name",
            "status",
            "source",
            "submitted_at",
            "access_needs",
            "availability",
            "person_id",
        )
        .order_by("submitted_at", "pk")
    )
    if status in ApplicationStatus.values and status != ApplicationStatus.DRAFT:
        applications = applications.filter(status=status)
    return applications


def movable(opportunity: Opportunity) -> QuerySet[Application]:
    """The applications staff can move, with what a move and its message need."""
    return (
        Application.objects.filter(opportunity=opportunity)
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("opportunity__organisation", "person")
    )


def deliveries_for(application: Application) -> QuerySet[Delivery]:
    """What the person has been sent about this application, newest first."""
    return Delivery.objects.filter(
        topic=application_topic(application.opportunity_id),
        key__startswith=f"application:{application.pk}:",
    ).order_by("-created_at", "-pk")


def people_to_pick(opportunity: Opportunity, q: str, limit: int = 10) -> list[Person]:
    """Register records matching a search, for a facilitator to take the details from."""
    term = q.strip()
    if not term:
        return []
    return list(
        Person.objects.filter(
            Q(name__icontains=term)
            | Q(email__icontains=term)
            | Q(postcode__istartswith=term.upper()),
            organisation_id=opportunity.organisation_id,
            merged_into__isnull=True,
            pseudonymised_at__isnull=True,
        ).order_by("name", "pk")[:limit]
    )
