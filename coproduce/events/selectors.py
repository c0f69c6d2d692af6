from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from coproduce.people.models import PersonNeed
from coproduce.projects.models import EngagementMethod

from .models import Attendance, Event, EventStatus, Response, Venue

UPCOMING, PAST = "upcoming", "past"


def events_for(organisation: Any, when: str = UPCOMING, project_id: int | None = None) -> Any:
    """Upcoming events soonest first; past events latest first. Each with its numbers."""
    now = timezone.now()
    events = (
        Event.objects.filter(organisation=organisation)
        .select_related("project", "venue")
        .annotate(
            coming=Count("attendances", filter=Q(attendances__response=Response.CONFIRMED)),
            asked=Count("attendances"),
        )
    )
    if project_id is not None:
        events = events.filter(project_id=project_id)
    if when == PAST:
        return events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    return events.filter(ends_at__gte=now).order_by("starts_at", "pk")


def methods_for(organisation: Any) -> QuerySet[EngagementMethod]:
    return (
        EngagementMethod.objects.filter(organisation=organisation)
        .select_related("plan__stage__project")
        .order_by("plan__stage__project__title", "plan__stage__position", "pk")
    )


def attendances_for(event: Event) -> QuerySet[Attendance]:
    return (
        event.attendances.select_related("person")
        .prefetch_related(Prefetch("person__needs", queryset=PersonNeed.objects.order_by("need")))
        .order_by("person__name", "pk")
    )


def venues_for(organisation: Any) -> QuerySet[Venue]:
    return Venue.objects.filter(organisation=organisation).order_by("archived", "name", "pk")


def my_events(person_ids: list[int]) -> QuerySet[Attendance]:
    """A person's upcoming events that still stand, for their own page."""
    return (
        Attendance.objects.filter(
            person_id__in=person_ids,
            event__ends_at__gte=timezone.now(),
            event__status__in=[EventStatus.PLANNED, EventStatus.READY],
        )
        .select_related("event__venue", "event__project")
        .order_by("event__starts_at", "pk")
    )
