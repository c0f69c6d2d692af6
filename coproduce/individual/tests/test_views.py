import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.accounts.models import Role
from coproduce.audit.models import AuditAction, AuditEvent
from coproduce.individual import services
from coproduce.individual.models import (
    ActualSpend,
    Outcome,
    PlanResponse,
    PlanStatus,
    ResponseKind,
    SupportType,
)
from coproduce.testing.factories import make_person, make_project, member

from .factories import (
    add_outcome,
    an_organisation,
    in_use,
    make_budget,
    make_plan,
    make_provider,
    newest,
    shared,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():  # type: ignore[no-untyped-def]
    return an_organisation()


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_a_worker_starts_a_plan_for_someone_found_in_the_register(organisation) -> None:
    worker = member(organisation, Role.FACILITATOR)
    person = make_person(organisation, name="Jordan Example")
    client = _client(worker)
    found = client.get(reverse("individual:find-person"), {"q": "jordan"})
    assert "Start a plan with Jordan Example" in found.content.decode()
    url = reverse("individual:start", args=[person.pk])
    refused = client.post(url, {"kind": "ehc", "role_description": ""})
    assert "Say what your role with the person is." in refused.content.decode()
    response = client.post(url, {"kind": "ehc", "role_description": "SEND case officer"})
    plan = person.plans.get()
    assert response.headers["Location"] == reverse("individual:plan", args=[plan.pk])


def test_every_read_of_a_plan_or_budget_is_audited(organisation) -> None:
    plan = make_plan(organisation)
    make_budget(plan)
    user = plan.person.user
    assert user is not None
    client = _client(user)
    client.get(reverse("individual:plan", args=[plan.pk]))
    client.get(reverse("individual:easy-read", args=[plan.pk]))
    client.get(reverse("individual:budget", args=[plan.pk]))
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, actor_id=user.pk)
    assert views.filter(model="individual.personcentredplan").count() == 2
    assert views.filter(model="individual.personalbudget").count() == 1


def test_a_refused_form_keeps_what_was_typed(organisation) -> None:
    plan = make_plan(organisation)
    client = _client(plan.created_by)
    response = client.post(
        reverse("individual:item-new", args=[plan.pk, "outcomes"]),
        {
            "in_their_words": "I want to learn to cook my own tea",
            "area": "",
            "progress": "not_started",
        },
    )
    page = response.content.decode()
    assert "Choose the kind of outcome." in page
    assert "I want to learn to cook my own tea" in page
    assert not Outcome.objects.exists()


def test_the_person_disagrees_then_agrees_online_and_both_stay(organisation) -> None:
    plan = make_plan(organisation)
    shared(plan)
    client = _client(plan.person.user)
    url = reverse("individual:respond", args=[plan.pk])
    refused = client.post(url, {"kind": "disagree", "part": "outcomes", "comment": ""})
    assert "Say what you do not agree with" in refused.content.decode()
    client.post(url, {"kind": "disagree", "part": "outcomes", "comment": "More about football"})
    client.post(url, {"kind": "agree", "part": "whole", "comment": ""})
    page = client.get(reverse("individual:plan", args=[plan.pk])).content.decode()
    assert "More about football" in page and "The person agrees with this version." in page
    assert PlanResponse.objects.filter(kind=ResponseKind.DISAGREE).count() == 1


def test_an_easy_read_plan_opens_in_easy_read_for_the_person(organisation) -> None:
    plan = make_plan(organisation, easy_read=True)
    add_outcome(
        newest(plan),
        "I want to go swimming with my friends from school every week and then have tea at the café.",
    )
    response = _client(plan.person.user).get(reverse("individual:plan", args=[plan.pk]))
    assert response.headers["Location"] == reverse("individual:easy-read", args=[plan.pk])
    page = _client(plan.person.user).get(response.headers["Location"]).content.decode()
    assert "What I want to happen" in page and 'alt="A star"' in page
    # The worker is told which sentences are too long for easy read; the person is not.
    assert "Some sentences are long" not in page
    worker_page = _client(plan.created_by).get(reverse("individual:easy-read", args=[plan.pk]))
    assert "Some sentences are long" in worker_page.content.decode()


def test_paper_copies_are_pdfs(organisation) -> None:
    plan = make_plan(organisation)
    add_outcome(newest(plan))
    client = _client(plan.created_by)
    for query in ("", "?format=easy-read"):
        response = client.get(reverse("individual:print", args=[plan.pk]) + query)
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_a_worker_puts_the_plan_in_use_and_starts_a_review(organisation) -> None:
    plan = make_plan(organisation)
    version = shared(plan)
    client = _client(plan.created_by)
    url = reverse("individual:finalise", args=[plan.pk])
    review_on = (timezone.localdate() + datetime.timedelta(days=120)).isoformat()
    refused = client.post(url, {"review_on": review_on, "reason": ""})
    assert "has not agreed this version" in refused.content.decode()
    client.post(url, {"review_on": review_on, "reason": "Needed before term starts."})
    version.refresh_from_db()
    assert version.status == PlanStatus.FINAL
    client.post(reverse("individual:review", args=[plan.pk]))
    assert newest(plan).number == 2
    old = client.get(reverse("individual:version", args=[plan.pk, 1])).content.decode()
    assert "This is an earlier version, kept as it was." in old


def test_the_budget_page_warns_of_overspend(organisation) -> None:
    plan = make_plan(organisation)
    budget = make_budget(plan, "100.00")
    client = _client(plan.created_by)
    response = client.post(
        reverse("individual:budget-spend", args=[plan.pk]),
        {
            "spent_on": timezone.localdate().isoformat(),
            "support_type": SupportType.SHORT_BREAKS,
            "description": "Weekend away",
            "amount": "150.00",
        },
        follow=True,
    )
    assert "Spending is £50.00 over the allocation of £100.00" in response.content.decode()
    assert budget.spend.get().amount == Decimal("150.00")


def test_an_import_with_a_wrong_row_lists_it_and_saves_nothing(organisation) -> None:
    plan = make_plan(organisation)
    make_budget(plan)
    today = timezone.localdate().isoformat()
    content = f"date,support type,description,amount\n{today},Transport,Taxi,12\n{today},,x,abc\n"
    response = _client(plan.created_by).post(
        reverse("individual:budget-import", args=[plan.pk]),
        {"file": SimpleUploadedFile("spend.csv", content.encode(), "text/csv")},
    )
    page = response.content.decode()
    assert "Nothing was saved" in page and "Row 3:" in page
    assert not ActualSpend.objects.exists()


def test_reviews_never_show_who_wrote_them(organisation) -> None:
    plan = make_plan(organisation)
    plan.person.name = "Zebedee Quartermaine"
    plan.person.preferred_name = ""
    plan.person.save()
    provider = make_provider(organisation)
    review = services.submit_review(provider, plan.person, 4, "Kind staff.", None)
    services.moderate(review, True, "", None)
    provider_user = member(organisation, Role.PROVIDER)
    page = _client(provider_user).get(reverse("individual:provider", args=[provider.pk]))
    text = page.content.decode()
    assert "Kind staff." in text and "Zebedee" not in text
    assert "A person who uses the service" in text


def test_a_person_writes_a_review_that_waits_to_be_checked(organisation) -> None:
    plan = make_plan(organisation)
    provider = make_provider(organisation)
    client = _client(plan.person.user)
    client.post(
        reverse("individual:provider-review", args=[provider.pk]),
        {"rating": "5", "text": "They let me choose what we do."},
    )
    assert provider.reviews.get().status == "waiting"
    page = client.get(reverse("individual:provider", args=[provider.pk])).content.decode()
    assert "They let me choose" not in page


def _plans(organisation, worker, count: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(count):
        plan = make_plan(organisation, worker=worker)
        add_outcome(newest(plan))
        in_use(plan)


def test_the_plan_list_makes_the_same_queries_for_few_and_many(
    organisation, django_assert_max_num_queries
) -> None:
    worker = member(organisation, Role.FACILITATOR)
    client = _client(worker)
    _plans(organisation, worker, 2)
    with django_assert_max_num_queries(12):
        client.get(reverse("individual:plans"))
    _plans(organisation, worker, 8)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("individual:plans")).status_code == 200


def test_the_figures_page_makes_the_same_queries_for_few_and_many(
    organisation, django_assert_max_num_queries
) -> None:
    worker = member(organisation, Role.FACILITATOR)
    commissioner = member(organisation, Role.COMMISSIONER)
    make_project(organisation, lead=commissioner)
    client = _client(commissioner)
    _plans(organisation, worker, 2)
    with django_assert_max_num_queries(14):
        client.get(reverse("individual:across-plans"))
    _plans(organisation, worker, 6)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("individual:across-plans")).content.decode()
    assert "People with a plan in use: <strong>8</strong>" in page


def test_figures_are_attached_to_an_analyse_stage(organisation) -> None:
    commissioner = member(organisation, Role.COMMISSIONER)
    project = make_project(organisation, lead=commissioner, title="Short breaks strategy")
    stage = project.stages.get(kind="analyse")
    _plans(organisation, member(organisation, Role.FACILITATOR), 2)
    client = _client(commissioner)
    response = client.post(
        reverse("individual:attach"),
        {"stage": stage.pk, "title": "What plans say about short breaks", "note": ""},
    )
    assert response.headers["Location"] == reverse("individual:stage-evidence", args=[stage.pk])
    page = client.get(response.headers["Location"]).content.decode()
    assert "What plans say about short breaks" in page
    assert "People with a plan in use: fewer than 5" in page


def test_a_worker_writes_down_a_review_only_for_someone_they_work_with(organisation) -> None:
    plan = make_plan(organisation)
    provider = make_provider(organisation)
    url = reverse("individual:provider-review", args=[provider.pk])
    data = {"rating": "4", "text": "Good at listening.", "person": plan.person.pk}
    other_worker = member(organisation, Role.FACILITATOR)
    assert _client(other_worker).post(url, data).status_code == 403
    response = _client(plan.created_by).post(url, data)
    assert response.status_code == 302
    review = provider.reviews.get()
    assert (review.person, review.entered_by) == (plan.person, plan.created_by)
