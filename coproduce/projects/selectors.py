"""Read queries for projects. Each list runs a fixed number of queries whatever its length."""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from coproduce.accounts.roles import staff_organisation_ids

from .models import (
    BudgetLine,
    CommissioningProject,
    EngagementMethod,
    EngagementPlan,
    PlanStatus,
    ReadinessItem,
    Stage,
    StageStatus,
)

DUE_SOON_DAYS = 14
ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=12, decimal_places=2))


def _planned_spend() -> Coalesce:
    per_project = (
        BudgetLine.objects.filter(method__plan__stage__project=OuterRef("pk"))
        .order_by()
        .values("method__plan__stage__project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(
        Subquery(per_project, output_field=DecimalField(max_digits=12, decimal_places=2)), ZERO
    )


def _current_stage(field: str) -> Subquery:
    """The first stage that is not complete: where the project is in the cycle now."""
    return Subquery(
        Stage.objects.filter(project=OuterRef("pk"))
        .exclude(status=StageStatus.COMPLETE)
        .order_by("position")
        .values(field)[:1]
    )


def with_summary(projects: QuerySet[CommissioningProject]) -> QuerySet[CommissioningProject]:
    return projects.select_related("lead_officer", "organisation").annotate(
        planned_spend=_planned_spend(),
        current_stage_kind=_current_stage("kind"),
        current_stage_status=_current_stage("status"),
    )


def projects_for(user: Any) -> QuerySet[CommissioningProject]:
    """Projects in the organisations where the user has a staff role: nothing else exists for
    them (another organisation's project is 'not found')."""
    return CommissioningProject.objects.filter(organisation_id__in=staff_organisation_ids(user))


def stages_for(user: Any) -> QuerySet[Stage]:
    return Stage.objects.filter(organisation_id__in=staff_organisation_ids(user))


def organisation_projects(organisation: Any) -> QuerySet[CommissioningProject]:
    return with_summary(CommissioningProject.objects.filter(organisation=organisation))


def dashboard(user: Any, organisation: Any, today: datetime.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    projects = CommissioningProject.objects.filter(organisation=organisation)
    mine = with_summary(projects.filter(Q(lead_officer=user) | Q(decision_maker=user)))
    open_stages = Stage.objects.filter(organisation=organisation).exclude(
        status=StageStatus.COMPLETE
    )
    due = (
        open_stages.filter(
            Q(status=StageStatus.NOT_STARTED, planned_start__lte=soon) | Q(planned_end__lte=soon)
        )
        .select_related("project")
        .order_by("planned_end", "planned_start", "project__title")
    )
    published = EngagementPlan.objects.filter(stage=OuterRef("pk"), status=PlanStatus.PUBLISHED)
    plans_missing = (
        open_stages.filter(~Exists(published))
        .select_related("project", "plan")
        .order_by("project__title", "position")
    )
    totals = projects.aggregate(allocated=Coalesce(Sum("involvement_budget"), ZERO))
    committed = BudgetLine.objects.filter(organisation=organisation).aggregate(
        committed=Coalesce(Sum("amount"), ZERO)
    )
    # Contributions left without a response (coproduce.feedback), busiest projects first.
    awaiting_response = (
        projects.annotate(
            unanswered=Count("contributions", filter=Q(contributions__response__isnull=True))
        )
        .filter(unanswered__gt=0)
        .order_by("-unanswered", "title")
    )
    return {
        "awaiting_response": awaiting_response[:20],
        "my_projects": mine.order_by("title")[:50],
        "due_stages": due[:50],
        "plans_missing": plans_missing[:50],
        "allocated": totals["allocated"],
        "committed": committed["committed"],
        "today": today,
    }


def public_projects() -> QuerySet[CommissioningProject]:
    return with_summary(CommissioningProject.objects.filter(is_public=True)).order_by(
        "organisation__name", "title"
    )


def _published_plans() -> Prefetch:
    return Prefetch(
        "stages",
        queryset=Stage.objects.order_by("position").select_related("plan"),
    )


def public_project(pk: int) -> CommissioningProject:
    methods = EngagementMethod.objects.filter(plan__status=PlanStatus.PUBLISHED).order_by(
        "starts_on", "pk"
    )
    return (
        CommissioningProject.objects.filter(is_public=True)
        .select_related("organisation")
        .prefetch_related(_published_plans(), Prefetch("stages__plan__methods", queryset=methods))
        .get(pk=pk)
    )


def project_detail(project_id: int, user: Any) -> CommissioningProject:
    return (
        projects_for(user)
        .select_related("organisation", "lead_officer", "decision_maker")
        .annotate(
            planned_spend=_planned_spend(),
            # Closure of what people told us (coproduce.feedback): responded out of all.
            contribution_count=Count("contributions", distinct=True),
            responded_count=Count(
                "contributions", filter=Q(contributions__response__isnull=False), distinct=True
            ),
            unanswered_count=Count(
                "contributions", filter=Q(contributions__response__isnull=True), distinct=True
            ),
        )
        .prefetch_related(_published_plans(), "stages__readiness_items")
        .get(pk=project_id)
    )


def stage_detail(stage_id: int, user: Any) -> Stage:
    methods = EngagementMethod.objects.prefetch_related("budget_lines").order_by("starts_on", "pk")
    return (
        stages_for(user)
        .select_related("project", "project__organisation", "plan")
        .prefetch_related(
            # In a fixed order: PostgreSQL would otherwise move each item as it is updated.
            Prefetch("readiness_items", queryset=ReadinessItem.objects.order_by("pk")),
            Prefetch("plan__methods", queryset=methods),
        )
        .get(pk=stage_id)
    )
