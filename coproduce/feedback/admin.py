from django.contrib import admin

from .models import Contribution, Decision, YouSaidWeDid


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "project", "kind", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["project", "stage", "person", "recorded_by"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "decided_on", "published_at"]
    raw_id_fields = ["project", "stage", "recorded_by"]


@admin.register(YouSaidWeDid)
class YouSaidWeDidAdmin(admin.ModelAdmin):
    list_display = ["project", "published_at"]
    raw_id_fields = ["project", "published_by"]
