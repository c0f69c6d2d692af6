from django.urls import path

from . import views

app_name = "individual"

P = "individual/plans/<int:pk>/"

urlpatterns = [
    path("individual/plans/", views.plan_list, name="plans"),
    path("individual/plans/new/", views.plan_find_person, name="find-person"),
    path("individual/plans/new/<int:person_pk>/", views.plan_start, name="start"),
    path(P, views.plan_detail, name="plan"),
    path(f"{P}versions/<int:number>/", views.version_detail, name="version"),
    path(f"{P}easy-read/", views.plan_easy_read, name="easy-read"),
    path(f"{P}print/", views.plan_print, name="print"),
    path(f"{P}profile/", views.plan_profile, name="profile"),
    path(f"{P}taking-part/", views.plan_taking_part, name="taking-part"),
    path(f"{P}<str:kind>/new/", views.plan_item, name="item-new"),
    path(f"{P}<str:kind>/<int:item_pk>/", views.plan_item, name="item"),
    path(f"{P}<str:kind>/<int:item_pk>/remove/", views.plan_item_remove, name="item-remove"),
    path(f"{P}share/", views.plan_share, name="share"),
    path(f"{P}respond/", views.plan_respond, name="respond"),
    path(f"{P}record-answer/", views.plan_record_response, name="record-response"),
    path(f"{P}finalise/", views.plan_finalise, name="finalise"),
    path(f"{P}review/", views.plan_review, name="review"),
    path(f"{P}team/", views.plan_team, name="team"),
    path(f"{P}budget/", views.budget_detail, name="budget"),
    path(f"{P}budget/change/", views.budget_change, name="budget-change"),
    path(f"{P}budget/planned/new/", views.budget_planned, name="budget-planned"),
    path(f"{P}budget/spend/new/", views.budget_spend, name="budget-spend"),
    path(f"{P}budget/spend/import/", views.budget_import, name="budget-import"),
    path("individual/providers/", views.provider_list, name="providers"),
    path("individual/providers/new/", views.provider_change, name="provider-new"),
    path("individual/providers/qualities/", views.quality_list, name="qualities"),
    path("individual/providers/reviews/", views.review_queue, name="reviews"),
    path("individual/providers/reviews/<int:pk>/", views.review_moderate, name="moderate"),
    path("individual/providers/<int:pk>/", views.provider_detail, name="provider"),
    path("individual/providers/<int:pk>/change/", views.provider_change, name="provider-change"),
    path("individual/providers/<int:pk>/evidence/", views.provider_evidence, name="evidence"),
    path("individual/providers/<int:pk>/review/", views.provider_review, name="provider-review"),
    path("individual/across-plans/", views.across_plans, name="across-plans"),
    path("individual/across-plans/attach/", views.attach, name="attach"),
    path("individual/evidence/stage/<int:stage_pk>/", views.stage_evidence, name="stage-evidence"),
]
