"""Staff pages for applications. Included at the site root by coproduce/urls.py."""

from django.urls import path

from . import views_applications as views

app_name = "applications"

urlpatterns = [
    path(
        "recruitment/opportunities/<int:pk>/applications/",
        views.application_list,
        name="list",
    ),
    path(
        "recruitment/opportunities/<int:pk>/applications/new/",
        views.application_create,
        name="new",
    ),
    path("recruitment/applications/<int:pk>/", views.application_detail, name="detail"),
    path("recruitment/applications/<int:pk>/status/", views.application_status, name="status"),
]
