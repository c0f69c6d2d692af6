from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    # People's own payments (signed in, or a facilitator acting for them)
    path("my-involvement/payments/", views.my_payments, name="mine"),
    path("my-involvement/payments/choice/", views.my_choice, name="my-choice"),
    path("my-involvement/payments/claims/new/", views.my_claim_new, name="my-claim-new"),
    path("my-involvement/payments/claims/<int:pk>/", views.my_claim, name="my-claim"),
    path("my-involvement/payments/receipts/<int:pk>/", views.my_receipt, name="my-receipt"),
    # Facilitators claiming for someone in the register
    path("payments/people/<int:pk>/choice/", views.person_choice, name="person-choice"),
    path("payments/people/<int:pk>/claims/new/", views.person_claim_new, name="person-claim-new"),
    # Finance
    path("payments/claims/", views.claim_list, name="claims"),
    path("payments/claims/overdue/", views.overdue_list, name="overdue"),
    path("payments/claims/<int:pk>/", views.claim_detail, name="claim"),
    path("payments/claims/<int:pk>/approve/", views.claim_approve, name="approve"),
    path("payments/claims/<int:pk>/reject/", views.claim_reject, name="reject"),
    path("payments/claims/<int:pk>/paid/", views.claim_paid, name="paid"),
    path("payments/receipts/<int:pk>/", views.receipt, name="receipt"),
    path("payments/projects/<int:pk>/budget/", views.budget, name="budget"),
    path("payments/export/", views.export_claims, name="export"),
    # The payment policy
    path("payments/policy/", views.policy, name="policy"),
    path("payments/policy/activity-rates/", views.activity_rate, name="activity-rate"),
    path("payments/policy/categories/new/", views.category_edit, name="category-create"),
    path("payments/policy/categories/<int:pk>/", views.category_edit, name="category"),
]
