"""Importing people and partner organisations, likely duplicates and merging. Included at the
site root by coproduce/urls.py."""

from django.urls import path

from . import views_import as views

app_name = "people_import"

urlpatterns = [
    path("people/import/", views.start, name="start"),
    path("people/import/template/<str:kind>.csv", views.template_file, name="template"),
    path("people/import/done/", views.done, name="done"),
    path("people/import/jobs/<int:pk>/", views.progress, name="progress"),
    path("people/import/<str:token>/", views.preview, name="preview"),
    path("people/import/<str:token>/cancel/", views.cancel, name="cancel"),
    path("people/duplicates/", views.duplicates, name="duplicates"),
    path("people/merge/", views.merge, name="merge"),
]
