from django.urls import path

from . import feeds, views

app_name = "feedback"

urlpatterns = [
    # Staff
    path("feedback/projects/<int:pk>/", views.project_feedback, name="project"),
    path(
        "feedback/projects/<int:pk>/contributions/new/",
        views.contribution_add,
        name="contribution-add",
    ),
    path(
        "feedback/projects/<int:pk>/contributions/from-themes/",
        views.contributions_from_themes,
        name="from-themes",
    ),
    path("feedback/contributions/<int:pk>/", views.contribution_detail, name="contribution"),
    path("feedback/projects/<int:pk>/decisions/new/", views.decision_add, name="decision-add"),
    path("feedback/decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("feedback/decisions/<int:pk>/edit/", views.decision_edit, name="decision-edit"),
    path("feedback/decisions/<int:pk>/responses/", views.decision_respond, name="decision-respond"),
    path("feedback/decisions/<int:pk>/publish/", views.decision_publish, name="decision-publish"),
    path("feedback/projects/<int:pk>/you-said-we-did/", views.page_edit, name="page-edit"),
    path("feedback/projects/<int:pk>/send/", views.feedback_send, name="send"),
    path("feedback/rounds/<int:pk>/", views.round_detail, name="round"),
    # A participant's own page
    path("my-involvement/what-happened/", views.my_feedback, name="mine"),
    # Public: no sign-in
    path(
        "you-said-we-did/<slug:slug>/<int:pk>/",
        views.public_page,
        name="public-page",
    ),
    path(
        "you-said-we-did/<slug:slug>/<int:pk>/easy-read/",
        views.public_easy_read,
        name="public-easy-read",
    ),
    path(
        "you-said-we-did/<slug:slug>/<int:pk>/you-said-we-did.pdf",
        views.public_pdf,
        name="public-pdf",
    ),
    path("decisions/<slug:slug>/", views.decision_log, name="log"),
    path("decisions/<slug:slug>/feed/", feeds.DecisionsFeed(), name="feed"),
    path("decisions/<slug:slug>/<int:pk>/", views.public_decision, name="public-decision"),
]
