"""Only the provider directory's records are in the admin. Plans, budgets and reviews'
authors are deliberately not registered: they are health and care records, read only on the
pages that check who is working with the person and record every read."""

from django.contrib import admin

from .models import ApprovedProvider, ProviderQuality


@admin.register(ApprovedProvider)
class ApprovedProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "status", "approved_on"]
    list_filter = ["organisation", "status"]
    list_select_related = ["organisation"]


@admin.register(ProviderQuality)
class ProviderQualityAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "source"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]
