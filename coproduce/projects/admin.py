from django.contrib import admin

from .models import CommissioningProject, EngagementPlan, Stage


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["kind", "status", "planned_start", "planned_end"]
    readonly_fields = ["kind"]


@admin.register(CommissioningProject)
class CommissioningProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "level", "lead_officer"]
    list_filter = ["organisation", "level"]
    list_select_related = ["organisation", "lead_officer"]
    inlines = [StageInline]


@admin.register(EngagementPlan)
class EngagementPlanAdmin(admin.ModelAdmin):
    list_display = ["__str__", "rung", "status"]
    list_select_related = ["stage__project"]
