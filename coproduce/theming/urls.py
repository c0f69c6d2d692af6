from django.urls import path

from . import views

app_name = "theming"

urlpatterns = [
    # A question's themes (pk: the survey's open question)
    path("themes/questions/<int:pk>/", views.question, name="question"),
    path("themes/questions/<int:pk>/propose/", views.propose, name="propose"),
    path("themes/questions/<int:pk>/progress/", views.progress, name="progress"),
    path("themes/questions/<int:pk>/themes/new/", views.theme_create, name="theme-create"),
    path("themes/questions/<int:pk>/classify/", views.classify, name="classify"),
    path("themes/questions/<int:pk>/check/", views.queue, name="queue"),
    path("themes/questions/<int:pk>/check/<int:answer_pk>/", views.correct, name="correct"),
    path("themes/questions/<int:pk>/results/", views.results, name="results"),
    path("themes/questions/<int:pk>/comments/", views.comments, name="comments"),
    path("themes/questions/<int:pk>/themes.csv", views.export_csv, name="export-csv"),
    path("themes/questions/<int:pk>/themes.xlsx", views.export_xlsx, name="export-xlsx"),
    # One theme (pk: the theme)
    path("themes/<int:pk>/", views.theme_detail, name="theme"),
    path("themes/<int:pk>/edit/", views.theme_edit, name="theme-edit"),
    path("themes/<int:pk>/merge/", views.theme_merge, name="theme-merge"),
    path("themes/<int:pk>/split/", views.theme_split, name="theme-split"),
    path("themes/<int:pk>/delete/", views.theme_delete, name="theme-delete"),
    path("themes/<int:pk>/examples/", views.examples, name="examples"),
]
