from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.outbox, name="outbox"),
    path("notifications/<int:pk>/", views.delivery_detail, name="delivery"),
    path("notifications/<int:pk>/letter.pdf", views.letter_pdf, name="letter"),
    path("notifications/<int:pk>/contact/", views.record_contact, name="record-contact"),
    path("notifications/<int:pk>/format-done/", views.format_done, name="format-done"),
    path("notifications/letters/", views.letters, name="letters"),
    path("notifications/letters/pack.pdf", views.letter_pack, name="letter-pack"),
    path("notifications/letters/posted/", views.letters_posted, name="letters-posted"),
    path("notifications/calls/", views.calls, name="calls"),
    path("notifications/formats/", views.formats, name="formats"),
]
