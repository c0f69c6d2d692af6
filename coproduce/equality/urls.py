from django.urls import path

from . import views

app_name = "equality"

urlpatterns = [
    path("people/<int:pk>/equality/", views.change, name="change"),
    path("people/<int:pk>/equality/answers/", views.answers, name="answers"),
    path("people/<int:pk>/equality/delete/", views.delete, name="delete"),
    path("equality/questions/", views.question_list, name="questions"),
    path("equality/questions/new/", views.question_create, name="question-create"),
    path("equality/questions/<int:pk>/", views.question_edit, name="question"),
    path(
        "projects/<int:pk>/representativeness/",
        views.representativeness,
        name="representativeness",
    ),
    path(
        "projects/<int:pk>/representativeness/targets/import/",
        views.targets_import,
        name="targets-import",
    ),
    path(
        "projects/<int:pk>/representativeness/targets/<slug:category>/",
        views.targets,
        name="targets",
    ),
]
