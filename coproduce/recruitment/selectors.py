from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from coproduce.projects.models import EngagementMethod

from .models import Opportunity, OpportunityStatus


def opportunities_for(organisation: Any, status: str = "") -> QuerySet[Opportunity]:
    opportunities = (
        Opportunity.objects.filter(organisation=organisation)
        .select_related("project", "stage", "method")
        .annotate(application_count=Count("applications", filter=~Q(applications__status="draft")))
        .order_by("-created_at", "pk")
    )
    if status in OpportunityStatus.values:
        opportunities = opportunities.filter(status=status)
    return opportunities


def methods_for(organisation: Any) -> QuerySet[EngagementMethod]:
    """Methods an opportunity can be made for: those of the organisation's projects."""
    return (
        EngagementMethod.objects.filter(organisation=organisation)
        .select_related("plan__stage__project")
        .order_by("plan__stage__project__title", "plan__stage__position", "pk")
    )


def open_opportunities() -> QuerySet[Opportunity]:
    today = timezone.localdate()
    return (
        Opportunity.objects.filter(status=OpportunityStatus.PUBLISHED)
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))
        .select_related("organisation", "project")
        .order_by("closes_on", "pk")
    )
