from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import AssistedSession, Membership, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class CoproduceUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Coproduce", {"fields": ("preferred_name",)}))


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(AssistedSession)
class AssistedSessionAdmin(admin.ModelAdmin):
    list_display = ["facilitator", "participant", "organisation", "started_at", "ended_at"]
    list_select_related = ["facilitator", "participant", "organisation"]
