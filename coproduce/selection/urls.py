from django.urls import path

from . import views

app_name = "selection"

urlpatterns = [
    path(
        "recruitment/opportunities/<int:pk>/selection/",
        views.opportunity_selection,
        name="opportunity",
    ),
    path(
        "recruitment/opportunities/<int:pk>/selection/questions/new/",
        views.question_edit,
        name="question-create",
    ),
    path(
        "recruitment/opportunities/<int:pk>/selection/questions/<int:question_pk>/",
        views.question_edit,
        name="question",
    ),
    path("recruitment/opportunities/<int:pk>/selection/run/", views.run_start, name="run-start"),
    path("selection/runs/<int:pk>/", views.run_detail, name="run"),
    path("selection/runs/<int:pk>/apply/", views.run_apply, name="run-apply"),
    path("selection/runs/<int:pk>/publish/", views.run_publish, name="run-publish"),
    path("selection/reports/<int:pk>/", views.public_report, name="report"),
]
