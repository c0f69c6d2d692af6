from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("projects/", views.project_list, name="list"),
    path("projects/new/", views.project_create, name="create"),
    path("projects/<int:pk>/", views.project_detail, name="detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="edit"),
    path("stages/<int:pk>/", views.stage_detail, name="stage"),
    path("stages/<int:pk>/dates/", views.stage_dates, name="stage-dates"),
    path("stages/<int:pk>/start/", views.stage_start, name="stage-start"),
    path("stages/<int:pk>/complete/", views.stage_complete, name="stage-complete"),
    path("readiness/<int:pk>/", views.readiness_item, name="readiness-item"),
    path("plans/<int:pk>/", views.plan_edit, name="plan"),
    path("plans/<int:pk>/publish/", views.plan_publish, name="plan-publish"),
    path("plans/<int:plan_pk>/methods/new/", views.method_create, name="method-create"),
    path("methods/<int:pk>/", views.method_edit, name="method"),
    path("methods/<int:pk>/delete/", views.method_delete, name="method-delete"),
    path("methods/<int:method_pk>/budget/new/", views.budget_line_create, name="budget-create"),
    path("budget-lines/<int:pk>/", views.budget_line_edit, name="budget-line"),
    path("budget-lines/<int:pk>/delete/", views.budget_line_delete, name="budget-line-delete"),
    path("get-involved/", views.public_list, name="public-list"),
    path("get-involved/<int:pk>/", views.public_detail, name="public-detail"),
]
