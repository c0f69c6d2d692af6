from django.urls import path

from . import views, views_assessment, views_provider

app_name = "review"

urlpatterns = [
    path("review/", views.index, name="index"),
    path("review/projects/<int:pk>/", views.project, name="project"),
    path(
        "review/projects/<int:project_pk>/outcomes/new/", views.outcome_form, name="outcome-create"
    ),
    path("review/outcomes/<int:pk>/edit/", views.outcome_form, name="outcome-edit"),
    path(
        "review/outcomes/<int:outcome_pk>/indicators/new/",
        views.indicator_form,
        name="indicator-create",
    ),
    path("review/indicators/<int:pk>/", views.indicator, name="indicator"),
    path("review/indicators/<int:pk>/edit/", views.indicator_form, name="indicator-edit"),
    path(
        "review/projects/<int:project_pk>/services/new/", views.service_form, name="service-create"
    ),
    path("review/services/<int:pk>/", views.service, name="service"),
    path("review/services/<int:pk>/edit/", views.service_form, name="service-edit"),
    path(
        "review/services/<int:service_pk>/characteristics/new/",
        views.characteristic_form,
        name="characteristic-create",
    ),
    path(
        "review/characteristics/<int:pk>/edit/",
        views.characteristic_form,
        name="characteristic-edit",
    ),
    path("review/reports/<int:pk>/", views.report, name="report"),
    path("review/services/<int:service_pk>/visits/new/", views.visit_create, name="visit-create"),
    path("review/visits/<int:pk>/", views.visit, name="visit"),
    path("review/visits/<int:pk>/checklist/", views.visit_checklist, name="visit-checklist"),
    path("review/visits/<int:pk>/ratings/", views.visit_ratings, name="visit-ratings"),
    path("review/visits/<int:pk>/findings/new/", views.finding_create, name="finding-create"),
    path("review/findings/<int:pk>/delete/", views.finding_delete, name="finding-delete"),
    path("review/visits/<int:pk>/send/", views.visit_send, name="visit-send"),
    path("review/lessons/", views.lessons, name="lessons"),
    path("review/projects/<int:project_pk>/lessons/new/", views.lesson_form, name="lesson-create"),
    path("review/lessons/<int:pk>/edit/", views.lesson_form, name="lesson-edit"),
    path("review/self-assessment/", views_assessment.assessments, name="self-assessments"),
    path("review/self-assessment/take-part/", views_assessment.take_part, name="take-part"),
    path("review/self-assessment/<int:pk>/", views_assessment.assessment, name="self-assessment"),
    path(
        "review/self-assessment/<int:pk>/close/",
        views_assessment.assessment_close,
        name="self-assessment-close",
    ),
    path(
        "review/self-assessment/<int:pk>/score/",
        views_assessment.score,
        name="self-assessment-score",
    ),
    path(
        "review/self-assessment/<int:pk>/paper/",
        views_assessment.paper,
        name="self-assessment-paper",
    ),
    # Providers: only the services they report on.
    path("review/provider/", views_provider.home, name="provider-home"),
    path("review/provider/services/<int:pk>/", views_provider.service, name="provider-service"),
    path("review/provider/reports/<int:pk>/", views_provider.report, name="provider-report"),
]
