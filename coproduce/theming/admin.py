from django.contrib import admin

from .models import Theme, ThemeSet


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0
    fields = ["label", "description", "keywords"]
    show_change_link = True


@admin.register(ThemeSet)
class ThemeSetAdmin(admin.ModelAdmin):
    """For support staff: officers work with themes on the question's theming pages."""

    list_display = ["__str__", "organisation", "classified_at", "created_at"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]
    readonly_fields = ["question", "fingerprint", "classified_at", "job", "created_by"]
    inlines = [ThemeInline]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["label", "theme_set", "organisation"]
    list_filter = ["organisation"]
    list_select_related = ["theme_set", "organisation"]
    search_fields = ["label", "description"]
    # Quotes are answers: picking from every answer would load them all.
    raw_id_fields = ["quotes"]
    readonly_fields = ["theme_set"]
