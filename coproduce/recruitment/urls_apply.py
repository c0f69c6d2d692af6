"""The public application form. Included at the site root by coproduce/urls.py. After the
start page every address holds the application's private key, never its number."""

from django.urls import path

from . import views_apply as views

app_name = "apply"

urlpatterns = [
    path("opportunities/<int:pk>/apply/", views.start, name="start"),
    path("apply/continue/<str:key>/", views.resume, name="resume"),
    path("apply/continue/<str:key>/check/", views.check, name="check"),
    path("apply/continue/<str:key>/save/", views.save, name="save"),
    path("apply/continue/<str:key>/cannot-apply/", views.not_eligible, name="not-eligible"),
    path("apply/continue/<str:key>/sent/", views.sent, name="sent"),
    path("apply/continue/<str:key>/equality/", views.equality, name="equality"),
    path("apply/continue/<str:key>/withdraw/", views.withdraw, name="withdraw"),
    path("apply/continue/<str:key>/<slug:step>/", views.step, name="step"),
]
