from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("events/settings/", views.event_settings, name="settings"),
    path("methods/<int:method_pk>/events/new/", views.event_create, name="create"),
    path("events/<int:pk>/", views.event_detail, name="detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="edit"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="cancel"),
    path("events/<int:pk>/ready/", views.event_ready, name="ready"),
    path("events/<int:pk>/invite/", views.invite, name="invite"),
    path("events/<int:pk>/attendees/<int:attendance_pk>/answer/", views.respond, name="respond"),
    path("events/<int:pk>/register/", views.register, name="register"),
    path("events/<int:pk>/support/<int:item_pk>/", views.support_item, name="support-item"),
    path("events/<int:pk>/papers/new/", views.paper_upload, name="paper-upload"),
    path(
        "events/<int:pk>/papers/<int:paper_pk>/download/",
        views.paper_download,
        name="paper-download",
    ),
    path("events/<int:pk>/formats/<int:format_pk>/", views.format_done, name="format-done"),
    path(
        "events/<int:pk>/formats/<int:format_pk>/download/",
        views.format_download,
        name="format-download",
    ),
    path("events/<int:pk>/calendar.ics", views.calendar, name="calendar"),
    path("venues/", views.venue_list, name="venues"),
    path("venues/new/", views.venue_form, name="venue-create"),
    path("venues/<int:pk>/", views.venue_form, name="venue-edit"),
    path("my-involvement/events/", views.my_events, name="my-events"),
    path("my-involvement/events/<int:attendance_pk>/", views.my_respond, name="my-respond"),
]
