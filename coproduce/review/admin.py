from django.contrib import admin

from .models import (
    Indicator,
    Lesson,
    Outcome,
    ProviderReport,
    QualityCharacteristic,
    ReviewVisit,
    SelfAssessment,
    Service,
)


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "provider_name", "project"]
    search_fields = ["name", "provider_name"]


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["statement", "project", "whose_words"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "outcome", "target", "frequency"]


@admin.register(QualityCharacteristic)
class QualityCharacteristicAdmin(admin.ModelAdmin):
    list_display = ["title", "service", "defined_by"]


@admin.register(ProviderReport)
class ProviderReportAdmin(admin.ModelAdmin):
    list_display = ["service", "period_start", "status"]
    list_filter = ["status"]


@admin.register(ReviewVisit)
class ReviewVisitAdmin(admin.ModelAdmin):
    list_display = ["service", "kind", "visited_on"]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "stage"]
    search_fields = ["title", "what_worked", "what_did_not", "what_to_change"]


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "opened_on"]
