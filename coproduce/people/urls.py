from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("people/", views.people_list, name="list"),
    path("people/new/", views.person_create, name="create"),
    path("people/<int:pk>/", views.person_detail, name="detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="edit"),
    path("people/<int:pk>/consent/", views.consent, name="consent"),
    path(
        "people/<int:pk>/consent/<str:purpose>/withdraw/",
        views.consent_withdraw,
        name="consent-withdraw",
    ),
    path("people/<int:pk>/organisations/", views.partner_role, name="partner-role"),
    path(
        "people/<int:pk>/organisations/<int:contact_pk>/remove/",
        views.partner_role_remove,
        name="partner-role-remove",
    ),
    path("people/<int:pk>/involvements/new/", views.involvement_create, name="involvement-create"),
    path("people/lists/", views.saved_list_index, name="saved-lists"),
    path("people/lists/add/", views.saved_list_add, name="saved-list-add"),
    path("people/lists/<int:pk>/", views.saved_list_detail, name="saved-list"),
    path(
        "people/lists/<int:pk>/remove/<int:person_pk>/",
        views.saved_list_remove,
        name="saved-list-remove",
    ),
    path("people/settings/", views.register_settings, name="settings"),
    path("communities/", views.community_list, name="communities"),
    path("communities/new/", views.community_edit, name="community-create"),
    path("communities/<int:pk>/", views.community_edit, name="community"),
    path("partners/", views.partner_list, name="partners"),
    path("partners/new/", views.partner_edit, name="partner-create"),
    path("partners/<int:pk>/", views.partner_edit, name="partner"),
]
