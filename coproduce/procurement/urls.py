from django.urls import path

from . import views, views_bids, views_evaluation

app_name = "procurement"

urlpatterns = [
    # Staff
    path("tenders/", views.tender_list, name="list"),
    path("projects/<int:project_pk>/tenders/new/", views.tender_create, name="create"),
    path("tenders/<int:pk>/", views.tender_detail, name="detail"),
    path("tenders/<int:pk>/edit/", views.tender_edit, name="edit"),
    path("tenders/<int:pk>/scale/", views.scale_edit, name="scale"),
    path("tenders/<int:pk>/open/", views.tender_open, name="open"),
    path("tenders/<int:pk>/close-bids/", views.tender_close_bids, name="close-bids"),
    path("tenders/<int:pk>/start-scoring/", views.tender_start_scoring, name="start-scoring"),
    path("tenders/<int:pk>/lots/new/", views.lot_form, name="lot-create"),
    path("tenders/lots/<int:lot_pk>/", views.lot_form, name="lot-edit"),
    path("tenders/<int:pk>/criteria/new/", views.criterion_form, name="criterion-create"),
    path("tenders/criteria/<int:criterion_pk>/", views.criterion_form, name="criterion-edit"),
    path("tenders/<int:pk>/questions/new/", views.question_form, name="question-create"),
    path("tenders/questions/<int:question_pk>/", views.question_form, name="question-edit"),
    path("tenders/<int:pk>/bidders/", views.bidders, name="bidders"),
    path("tenders/documents/<int:pk>/", views.document_download, name="document"),
    path("tenders/<int:pk>/clarifications/", views.clarifications, name="clarifications"),
    path(
        "tenders/clarifications/<int:pk>/",
        views.clarification_answer,
        name="clarification-answer",
    ),
    path("tenders/<int:pk>/panel/", views.panel, name="panel"),
    path("tenders/<int:pk>/briefing/", views.briefing, name="briefing"),
    path("tenders/<int:pk>/flow-chart/", views.flow_chart, name="flow-chart"),
    path("tenders/questions/<int:pk>/officers/", views.question_officers, name="question-officers"),
    path("tenders/<int:pk>/conflicts/", views.conflicts, name="conflicts"),
    path("tenders/conflicts/<int:pk>/", views.conflict_assess, name="conflict-assess"),
    path("tenders/questions/<int:pk>/moderation/", views.moderation, name="moderation"),
    path("tenders/answers/<int:pk>/moderate/", views.moderate_answer, name="moderate-answer"),
    # Evaluators (lay and officers)
    path("my-involvement/evaluation/", views_evaluation.evaluation_list, name="evaluation-list"),
    path(
        "my-involvement/evaluation/<int:pk>/",
        views_evaluation.evaluation_home,
        name="evaluation",
    ),
    path(
        "my-involvement/evaluation/<int:pk>/bidders/<int:bidder_pk>/",
        views_evaluation.evaluation_declare,
        name="evaluation-declare",
    ),
    path(
        "my-involvement/evaluation/<int:pk>/questions/",
        views_evaluation.evaluation_choose,
        name="evaluation-choose",
    ),
    path(
        "my-involvement/evaluation/<int:pk>/answers/<int:answer_pk>/",
        views_evaluation.evaluation_score,
        name="evaluation-score",
    ),
    path(
        "my-involvement/evaluation/<int:pk>/flow-chart/",
        views_evaluation.evaluation_flow_chart,
        name="evaluation-flow-chart",
    ),
    path(
        "my-involvement/evaluation/<int:pk>/documents/<int:document_pk>/",
        views_evaluation.evaluation_document,
        name="evaluation-document",
    ),
    # Bidders
    path("bids/", views_bids.bids_home, name="bids"),
    path("bids/bidders/<int:pk>/", views_bids.bid_tender, name="bid-tender"),
    path("bids/bidders/<int:pk>/lots/<int:lot_pk>/start/", views_bids.bid_start, name="bid-start"),
    path("bids/<int:pk>/", views_bids.bid_detail, name="bid"),
    path("bids/<int:pk>/questions/<int:question_pk>/", views_bids.bid_answer, name="bid-answer"),
    path("bids/<int:pk>/price/", views_bids.bid_price, name="bid-price"),
    path("bids/<int:pk>/documents/", views_bids.bid_documents, name="bid-documents"),
    path("bids/<int:pk>/submit/", views_bids.bid_submit, name="bid-submit"),
    path("bids/documents/<int:pk>/", views_bids.bid_document_download, name="bid-document"),
]
