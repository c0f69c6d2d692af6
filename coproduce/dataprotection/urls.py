from django.urls import path

from . import views

app_name = "dataprotection"

urlpatterns = [
    # Subject access and erasure, from a person's record
    path("people/<int:pk>/export/", views.person_export, name="export"),
    path("people/<int:pk>/export.json", views.person_export_json, name="export-json"),
    path("people/<int:pk>/erasure/new/", views.erasure_create, name="erasure-create"),
    # Requests to erase
    path("data-protection/erasure/", views.erasure_list, name="erasure-list"),
    path("data-protection/erasure/<int:pk>/", views.erasure_detail, name="erasure-detail"),
    path("data-protection/erasure/<int:pk>/decide/", views.erasure_decide, name="erasure-decide"),
    path(
        "data-protection/erasure/<int:pk>/carry-out/",
        views.erasure_carry_out,
        name="erasure-carry-out",
    ),
    # Retention
    path("data-protection/retention/", views.retention, name="retention"),
    path("data-protection/retention/periods/", views.retention_periods, name="retention-periods"),
    path("data-protection/retention/check/", views.retention_check, name="retention-check"),
    path(
        "data-protection/retention/reviews/<int:pk>/",
        views.retention_review,
        name="retention-review",
    ),
    path(
        "data-protection/retention/reviews/<int:pk>/approve/",
        views.retention_approve,
        name="retention-approve",
    ),
]
