from django.urls import path

from . import views

app_name = "participation"
urlpatterns = [
    path("participation/", views.home, name="home"),
    path("participation/opportunities/<int:pk>/", views.opportunity_detail, name="opportunity"),
    path("participation/opportunities/<int:pk>/briefing/", views.briefing_edit, name="briefing"),
    path(
        "participation/opportunities/<int:pk>/briefing/people/new/",
        views.member_add,
        name="member-add",
    ),
    path(
        "participation/opportunities/<int:pk>/briefing/people/<int:member_pk>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path(
        "participation/opportunities/<int:pk>/briefing/<slug:version>.pdf",
        views.briefing_pdf,
        name="briefing-pdf",
    ),
    path(
        "participation/opportunities/<int:pk>/briefing/send/",
        views.briefing_send,
        name="briefing-send",
    ),
    path(
        "participation/opportunities/<int:pk>/pre-meetings/new/",
        views.pre_meeting,
        name="pre-meeting",
    ),
    path(
        "participation/opportunities/<int:pk>/agreements/<slug:kind>/new/",
        views.agreement_new,
        name="agreement-new",
    ),
    path(
        "participation/opportunities/<int:pk>/agreements/record/",
        views.agreement_record,
        name="agreement-record",
    ),
    path("participation/training/", views.training_list, name="training"),
    path("participation/training/new/", views.training_new, name="training-new"),
    path("participation/training/<int:pk>/", views.training_detail, name="training-detail"),
    path("participation/training/places/<int:pk>/", views.place_edit, name="place"),
    path("participation/people/<int:pk>/", views.person_detail, name="person"),
    path("participation/people/<int:pk>/mentors/new/", views.mentor_new, name="mentor-new"),
    path(
        "participation/people/<int:pk>/time-credits/new/",
        views.time_credit_new,
        name="time-credit-new",
    ),
    path(
        "participation/people/<int:pk>/recognition/new/",
        views.recognition_new,
        name="recognition-new",
    ),
    path("participation/recognition/<int:pk>.pdf", views.recognition_pdf, name="recognition-pdf"),
    path("participation/conflicts/", views.conflict_list, name="conflicts"),
    path("participation/conflicts/new/", views.conflict_new, name="conflict-new"),
    path("participation/conflicts/<int:pk>/", views.conflict_assess, name="conflict-assess"),
    path("participation/prize-draws/", views.draw_list, name="draws"),
    path("participation/prize-draws/new/", views.draw_new, name="draw-new"),
    path("participation/prize-draws/<int:pk>/", views.draw_detail, name="draw"),
    path("participation/prize-draws/<int:pk>/draw/", views.draw_run, name="draw-run"),
    path("my-involvement/my-role/", views.mine, name="mine"),
    path("my-involvement/my-role/<int:pk>/briefing/", views.my_briefing, name="my-briefing"),
    path(
        "my-involvement/my-role/<int:pk>/briefing/<slug:version>.pdf",
        views.my_briefing_pdf,
        name="my-briefing-pdf",
    ),
    path("my-involvement/agreements/<int:pk>/", views.my_agree, name="my-agree"),
    path("my-involvement/certificate/", views.my_certificate, name="my-certificate"),
]
