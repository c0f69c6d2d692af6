"""Only the organisation's own questions are in the admin. People's answers are deliberately
not registered: they are special category data, seen only on the audited equality pages."""

from django.contrib import admin

from .models import EqualityQuestion


@admin.register(EqualityQuestion)
class EqualityQuestionAdmin(admin.ModelAdmin):
    list_display = ["label", "organisation", "is_active"]
    list_filter = ["organisation", "is_active"]
    list_select_related = ["organisation"]
