from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("history/<str:model_label>/<str:pk>/", views.history, name="history"),
    path("audit-trail/", views.trail, name="trail"),
    path("audit-trail/verify/", views.verify, name="verify"),
]
