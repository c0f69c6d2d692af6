from django.contrib import admin

from .models import AgreementVersion, Briefing, InterestDeclaration, PrizeDraw, TrainingOffer


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin):
    """For support staff: the participation pages are the place to brief people."""

    list_display = ["opportunity", "organisation", "revision", "sent_revision", "sent_at"]
    list_filter = ["organisation"]
    list_select_related = ["opportunity", "organisation"]


@admin.register(AgreementVersion)
class AgreementVersionAdmin(admin.ModelAdmin):
    """Read only: a version is never changed once made."""

    list_display = ["opportunity", "kind", "number", "created_at"]
    list_filter = ["organisation", "kind"]
    list_select_related = ["opportunity"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(TrainingOffer)
class TrainingOfferAdmin(admin.ModelAdmin):
    list_display = ["title", "topic", "project", "starts_on", "cost"]
    list_filter = ["organisation", "topic"]
    list_select_related = ["project"]


@admin.register(InterestDeclaration)
class InterestDeclarationAdmin(admin.ModelAdmin):
    list_display = ["pk", "project", "outcome", "declared_on"]
    list_filter = ["organisation", "outcome"]
    list_select_related = ["project"]


@admin.register(PrizeDraw)
class PrizeDrawAdmin(admin.ModelAdmin):
    """Read only: the record of a draw is what makes it checkable."""

    list_display = ["prize", "survey", "winners_wanted", "drawn_at"]
    list_filter = ["organisation"]
    list_select_related = ["survey"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
