"""Read-only JSON API. Each endpoint lists only the caller's organisations' records and asks
the permission rules about every record it returns."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from rest_framework import permissions, viewsets

from coproduce.accounts.roles import staff_organisation_ids
from coproduce.projects.models import (
    CommissioningProject,
    EngagementMethod,
    EngagementPlan,
    Stage,
)

from .serializers import PlanSerializer, ProjectSerializer, StageSerializer


class IsStaffMember(permissions.BasePermission):
    """Staff of at least one organisation: participants and providers have no API (403), as
    they have no staff pages. Tokens are read here, after DRF authenticates, not by the
    organisation middleware, which only sees session sign-ins."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(staff_organisation_ids(request.user))


class RulesPermission(permissions.BasePermission):
    """Asks the one rules module: `<app>.view_<model>` on each object."""

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        meta = obj._meta
        return bool(request.user.has_perm(f"{meta.app_label}.view_{meta.model_name}", obj))


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.IsAuthenticated, IsStaffMember, RulesPermission]
    model: Any = None

    def scoped(self) -> QuerySet[Any]:
        return self.model.objects.filter(
            organisation_id__in=staff_organisation_ids(self.request.user)
        )


class ProjectViewSet(ScopedViewSet):
    serializer_class = ProjectSerializer
    model = CommissioningProject

    def get_queryset(self) -> QuerySet[Any]:
        return (
            self.scoped()
            .select_related("organisation", "lead_officer")
            .prefetch_related(Prefetch("stages", queryset=Stage.objects.only("id", "project_id")))
            .order_by("pk")
        )


class StageViewSet(ScopedViewSet):
    serializer_class = StageSerializer
    model = Stage

    def get_queryset(self) -> QuerySet[Any]:
        return self.scoped().select_related("plan").order_by("project_id", "position")


class PlanViewSet(ScopedViewSet):
    serializer_class = PlanSerializer
    model = EngagementPlan

    def get_queryset(self) -> QuerySet[Any]:
        methods = EngagementMethod.objects.prefetch_related("budget_lines")
        return (
            self.scoped()
            .select_related("stage")
            .prefetch_related(Prefetch("methods", queryset=methods))
            .order_by("pk")
        )
