from django.urls import path

from . import views

app_name = "recruitment"

urlpatterns = [
    path("recruitment/", views.opportunity_list, name="list"),
    path(
        "recruitment/methods/<int:method_pk>/opportunities/new/",
        views.opportunity_create,
        name="create",
    ),
    path("recruitment/opportunities/<int:pk>/", views.opportunity_detail, name="detail"),
    path("recruitment/opportunities/<int:pk>/edit/", views.opportunity_edit, name="edit"),
    path("recruitment/opportunities/<int:pk>/publish/", views.opportunity_publish, name="publish"),
    path("recruitment/opportunities/<int:pk>/close/", views.opportunity_close, name="close"),
    path("recruitment/opportunities/<int:pk>/easy-read/", views.easy_read, name="easy-read"),
    path("recruitment/opportunities/<int:pk>/invite/", views.invite, name="invite"),
    path("recruitment/opportunities/<int:pk>/invitations/", views.invitations, name="invitations"),
    path("recruitment/glossary/", views.glossary, name="glossary"),
    path("recruitment/glossary/new/", views.glossary_term, name="glossary-create"),
    path("recruitment/glossary/<int:pk>/", views.glossary_term, name="glossary-term"),
    path("recruitment/settings/", views.recruitment_settings, name="settings"),
    path("opportunities/", views.public_list, name="public-list"),
    path("opportunities/<int:pk>/", views.public_detail, name="public-detail"),
    path("opportunities/<int:pk>/easy-read/", views.public_easy_read, name="public-easy-read"),
    path(
        "opportunities/<int:pk>/<str:version>.pdf",
        views.public_pdf,
        name="public-pdf",
    ),
]
