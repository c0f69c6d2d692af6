from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("tenders/<int:pk>/awards/", views.tender_awards, name="tender"),
    path("tenders/<int:pk>/totals/", views.totals, name="totals"),
    path("tenders/<int:pk>/marks.xlsx", views.marks_spreadsheet, name="marks"),
    path("tenders/<int:pk>/awards/new/", views.award_create, name="create"),
    path("tenders/<int:pk>/panel-report/", views.panel_report, name="panel-report"),
    path("tenders/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("tenders/<int:pk>/ocds.json", views.ocds_package, name="ocds"),
    path("awards/<int:pk>/", views.award_detail, name="detail"),
    path("awards/<int:pk>/sign-off/", views.award_sign_off, name="sign-off"),
    path("awards/<int:pk>/dates/", views.award_dates, name="dates"),
    path("awards/<int:pk>/tell-lay-evaluators/", views.award_tell, name="tell"),
    path(
        "awards/<int:pk>/bids/<int:bid_pk>/summary/",
        views.assessment_summary,
        name="summary",
    ),
    path(
        "awards/<int:pk>/bids/<int:bid_pk>/summary.pdf",
        views.assessment_summary_pdf,
        name="summary-pdf",
    ),
    path("awards/feedback/<int:pk>/", views.feedback_session, name="feedback-session"),
]
