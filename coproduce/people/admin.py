from django.contrib import admin

from .models import Community, PartnerOrganisation, Person, RegisterSettings, SavedList


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """For support staff: the register's own pages are the place to work with people."""

    list_display = ["pk", "organisation", "preferred_channel", "preferred_format", "created_at"]
    list_filter = ["organisation", "preferred_channel", "preferred_format"]
    list_select_related = ["organisation"]
    search_fields = ["name", "email", "postcode"]
    readonly_fields = ["merged_into", "pseudonymised_at", "user"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation"]
    list_filter = ["organisation", "kind"]


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation"]
    list_filter = ["organisation", "kind"]


@admin.register(SavedList)
class SavedListAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]


@admin.register(RegisterSettings)
class RegisterSettingsAdmin(admin.ModelAdmin):
    list_display = ["organisation", "fatigue_threshold", "suppression_threshold"]
