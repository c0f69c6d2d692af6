"""Read queries for the outbox and the staff's to-do lists. Each list page runs the same few
queries however many deliveries it shows."""

from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from .models import Delivery, DeliveryStatus, SentAs


def outbox(
    organisation: Any,
    *,
    status: str = "",
    route: str = "",
    topic: str = "",
    person: int | None = None,
) -> QuerySet[Delivery]:
    deliveries = Delivery.objects.filter(organisation=organisation).select_related("person")
    if status:
        deliveries = deliveries.filter(status=status)
    if route:
        deliveries = deliveries.filter(route=route)
    if topic:
        deliveries = deliveries.filter(topic=topic)
    if person:
        deliveries = deliveries.filter(person_id=person)
    return deliveries.order_by("-created_at", "-pk")


def for_topic(organisation: Any, topic: str) -> QuerySet[Delivery]:
    """Another app's deliveries, for example an opportunity's invitations."""
    return outbox(organisation, topic=topic)


def topic_summary(organisation: Any, topic: str) -> dict[str, int]:
    """How many of a topic's deliveries are in each status: {"sent": 12, "held": 2, ...}."""
    rows = (
        Delivery.objects.filter(organisation=organisation, topic=topic)
        .values_list("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return dict(rows)


def letters_waiting(organisation: Any) -> list[dict[str, Any]]:
    """Letters to print, by topic: how many, how many in large print or easy read, and the
    newest delivery included (so the pack and "mark as posted" cover the same letters)."""
    rows: Any = (
        Delivery.objects.filter(organisation=organisation, status=DeliveryStatus.TO_PRINT)
        .values("topic")
        .annotate(
            count=Count("pk"),
            upto=Max("pk"),
            large_print=Count("pk", filter=Q(sent_as=SentAs.LARGE_PRINT)),
            easy_read=Count("pk", filter=Q(sent_as=SentAs.EASY_READ)),
        )
        .order_by("topic")
    )
    return list(rows)


def call_list(organisation: Any) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(organisation=organisation, status=DeliveryStatus.TO_CALL)
        .select_related("person")
        .order_by("created_at", "pk")
    )


def format_to_dos(organisation: Any) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(organisation=organisation, format_done_at__isnull=True)
        .exclude(needs_format="")
        .select_related("person")
        .order_by("created_at", "pk")
    )


def to_do_counts(organisation: Any) -> dict[str, int]:
    """The numbers on the outbox's to-do links, in one query."""
    return Delivery.objects.filter(organisation=organisation).aggregate(
        to_print=Count("pk", filter=Q(status=DeliveryStatus.TO_PRINT)),
        to_call=Count("pk", filter=Q(status=DeliveryStatus.TO_CALL)),
        formats=Count("pk", filter=Q(format_done_at__isnull=True) & ~Q(needs_format="")),
        failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED)),
    )
