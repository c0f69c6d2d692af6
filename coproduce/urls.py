from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("coproduce.core.urls")),
    path("", include("coproduce.accounts.urls")),
    path("", include("coproduce.projects.urls")),
    path("", include("coproduce.people.urls")),
    path("", include("coproduce.equality.urls")),
    path("", include("coproduce.dataprotection.urls")),
    path("", include("coproduce.audit.urls")),
    path("", include("coproduce.people.urls_import")),
    path("api/", include("coproduce.api.urls")),
    path("django-admin/", admin.site.urls),
]
