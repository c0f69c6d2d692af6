from django.urls import path

from . import views, views_respond

app_name = "surveys"

urlpatterns = [
    path("surveys/", views.survey_list, name="list"),
    path("surveys/new/", views.survey_create, name="create"),
    path("surveys/<int:pk>/", views.survey_detail, name="detail"),
    path("surveys/<int:pk>/edit/", views.survey_edit, name="edit"),
    path("surveys/<int:pk>/open/", views.survey_open, name="open"),
    path("surveys/<int:pk>/close/", views.survey_close, name="close"),
    path("surveys/<int:pk>/sections/new/", views.section_form, name="section-create"),
    path("surveys/<int:pk>/sections/<int:section_pk>/", views.section_form, name="section-edit"),
    path("surveys/<int:pk>/questions/new/", views.question_form, name="question-create"),
    path(
        "surveys/<int:pk>/questions/<int:question_pk>/",
        views.question_form,
        name="question-edit",
    ),
    path("surveys/questions/<int:pk>/delete/", views.question_delete, name="question-delete"),
    path("surveys/questions/<int:pk>/move/", views.question_move, name="question-move"),
    path("surveys/questions/<int:pk>/routing/", views.question_routes, name="question-routes"),
    path("surveys/questions/<int:pk>/comments/", views.comments, name="comments"),
    path("surveys/<int:pk>/invite/", views.invite, name="invite"),
    path("surveys/<int:pk>/responses/new/", views.enter, name="enter"),
    path("surveys/<int:pk>/responses/", views.responses, name="responses"),
    path("surveys/answers/<int:pk>/file/", views.answer_file, name="answer-file"),
    path("surveys/<int:pk>/results/", views.results, name="results"),
    path("surveys/<int:pk>/results/crosstab/", views.crosstab, name="crosstab"),
    path("surveys/<int:pk>/answers.csv", views.export_csv, name="export-csv"),
    path("surveys/<int:pk>/answers.xlsx", views.export_xlsx, name="export-xlsx"),
    # Respondents: no sign-in; everything after the start goes by the private token.
    path("s/<int:pk>/", views_respond.start, name="start"),
    path("s/r/<str:token>/", views_respond.resume, name="resume"),
    path("s/r/<str:token>/q/<int:question_pk>/", views_respond.question, name="question"),
    path("s/r/<str:token>/check/", views_respond.check, name="check"),
    path("s/r/<str:token>/sent/", views_respond.sent, name="sent"),
    path("s/r/<str:token>/save/", views_respond.save, name="save"),
]
