from typing import Any

from rest_framework import serializers

from coproduce.projects.models import (
    BudgetLine,
    CommissioningProject,
    EngagementMethod,
    EngagementPlan,
    Stage,
)


class BudgetLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetLine
        fields = ["id", "category", "description", "amount"]


class MethodSerializer(serializers.ModelSerializer):
    budget_lines = BudgetLineSerializer(many=True, read_only=True)

    class Meta:
        model = EngagementMethod
        fields = ["id", "kind", "purpose", "who_for", "starts_on", "ends_on", "budget_lines"]


class PlanSerializer(serializers.ModelSerializer):
    methods = MethodSerializer(many=True, read_only=True)
    stage: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    project = serializers.IntegerField(source="stage.project_id", read_only=True)

    class Meta:
        model = EngagementPlan
        fields = [
            "id",
            "project",
            "stage",
            "rung",
            "rung_reason",
            "objectives",
            "status",
            "published_at",
            "methods",
        ]


class StageSerializer(serializers.ModelSerializer):
    coproduction_name = serializers.CharField(read_only=True)
    plan: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Stage
        fields = [
            "id",
            "project",
            "kind",
            "coproduction_name",
            "position",
            "status",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "plan",
        ]


class ProjectSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.slug", read_only=True)
    lead_officer = serializers.CharField(source="lead_officer.display_name", read_only=True)
    stages: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = CommissioningProject
        fields = [
            "id",
            "organisation",
            "title",
            "service_area",
            "summary",
            "level",
            "lead_officer",
            "decision_route",
            "budget_envelope",
            "involvement_budget",
            "starts_on",
            "ends_on",
            "scope_open",
            "scope_fixed",
            "is_public",
            "stages",
        ]
