import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coproduce.accounts.models import Role
from coproduce.projects import services
from coproduce.projects.models import (
    CommissioningProject,
    ParticipationRung,
    PlanStatus,
    ReadinessStatus,
    StageStatus,
)
from coproduce.testing.factories import (
    OrganisationFactory,
    make_budget_line,
    make_method,
    make_project,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def officer(organisation):
    return member(organisation, Role.COMMISSIONER)


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


def valid_project_data(officer):
    return {
        "title": "Home support recommissioning",
        "service_area": "Adult social care",
        "summary": "Care at home for older people.",
        "level": "operational",
        "lead_officer": officer.pk,
        "decision_maker": "",
        "decision_route": "Cabinet",
        "budget_envelope": "250000",
        "involvement_budget": "7500.50",
        "starts_on": "2026-12-01",
        "ends_on": "2027-11-30",
        "scope_open": "How visits are arranged",
        "scope_fixed": "The hourly rate, set by the council",
        "how_to_get_involved": "",
        "is_public": "on",
    }


def test_a_commissioner_creates_a_project(signed_in, officer, organisation):
    response = signed_in.post(reverse("projects:create"), valid_project_data(officer))
    project = CommissioningProject.objects.get()
    assert response.url == reverse("projects:detail", args=[project.pk])
    assert project.organisation == organisation
    assert str(project.involvement_budget) == "7500.50"
    page = signed_in.get(response.url).content.decode()
    assert "Home support recommissioning" in page and "Co-assess" in page


def test_a_project_form_with_mistakes_says_where_and_keeps_what_was_typed(signed_in, officer):
    data = valid_project_data(officer) | {
        "summary": "",
        "budget_envelope": "lots",
        "ends_on": "2026-01-01",
    }
    response = signed_in.post(reverse("projects:create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_summary"' in page and 'href="#id_budget_envelope"' in page
    assert 'value="Home support recommissioning"' in page
    assert 'value="lots"' in page
    assert not CommissioningProject.objects.exists()


def test_rule_errors_from_the_service_land_beside_the_field(signed_in, officer):
    data = valid_project_data(officer) | {"ends_on": "2026-01-01"}
    page = signed_in.post(reverse("projects:create"), data).content.decode()
    assert 'href="#id_ends_on"' in page and "same as or after the start date" in page
    assert not CommissioningProject.objects.exists()


def test_starting_a_stage_that_is_not_ready_explains_why(signed_in, officer, organisation):
    stage = make_project(organisation, officer).stages.first()
    response = signed_in.post(reverse("projects:stage-start", args=[stage.pk]), follow=True)
    page = response.content.decode()
    assert "cannot start until every readiness item is done or waived" in page
    stage.refresh_from_db()
    assert stage.status == StageStatus.NOT_STARTED


def test_waiving_without_a_reason_re_renders_with_the_note_kept(signed_in, officer, organisation):
    item = make_project(organisation, officer).stages.first().readiness_items.first()
    response = signed_in.post(
        reverse("projects:readiness-item", args=[item.pk]),
        {"status": "waived", "note": "Board minutes 4 May", "waiver_reason": ""},
    )
    page = response.content.decode()
    assert "Say why this item can be waived" in page and "Board minutes 4 May" in page
    item.refresh_from_db()
    assert item.status == ReadinessStatus.OUTSTANDING


def test_plan_at_inform_needs_a_reason_on_the_form(signed_in, officer, organisation):
    plan = make_project(organisation, officer).stages.first().plan
    response = signed_in.post(
        reverse("projects:plan", args=[plan.pk]),
        {"rung": "inform", "rung_reason": "", "objectives": "Keep people up to date"},
    )
    page = response.content.decode()
    assert 'href="#id_rung_reason"' in page and "Keep people up to date" in page
    plan.refresh_from_db()
    assert plan.rung == ""


def test_over_budget_line_is_refused_beside_the_amount(signed_in, officer, organisation):
    project = make_project(organisation, officer)
    method = make_method(project.stages.first().plan)
    response = signed_in.post(
        reverse("projects:budget-create", args=[method.pk]),
        {"category": "venue", "description": "Hall", "amount": "5000.01"},
    )
    page = response.content.decode()
    assert 'href="#id_amount"' in page and "over the project" in page and 'value="Hall"' in page
    assert not method.budget_lines.exists()


def test_publishing_and_the_public_page(client, signed_in, officer, organisation):
    project = make_project(organisation, officer)
    analyse, review = project.stages.order_by("position")[0], project.stages.get(kind="review")
    services.update_plan(analyse.plan, ParticipationRung.CONSULT, "", "Hear from carers")
    make_budget_line(make_method(analyse.plan, purpose="Listen to carers."), "120.00")
    services.update_plan(
        review.plan, ParticipationRung.INFORM, "The contract is reviewed by the regulator.", ""
    )
    make_method(review.plan, kind="newsletter", purpose="Tell carers what the review found.")
    public_url = reverse("projects:public-detail", args=[project.pk])
    assert "Listen to carers." not in client.get(public_url).content.decode()

    signed_in.post(reverse("projects:plan-publish", args=[analyse.plan.pk]))
    signed_in.post(reverse("projects:plan-publish", args=[review.plan.pk]))
    analyse.plan.refresh_from_db()
    assert analyse.plan.status == PlanStatus.PUBLISHED
    signed_in.logout()
    page = client.get(public_url).content.decode()
    assert "Listen to carers." in page
    assert "The contract is reviewed by the regulator." in page
    assert "The total budget, set by the council." in page  # scope of influence
    assert "£120" not in page  # budgets are for staff


def test_private_projects_are_not_public(client, organisation):
    project = make_project(organisation, is_public=False, title="Secret plan")
    assert client.get(reverse("projects:public-detail", args=[project.pk])).status_code == 404
    assert "Secret plan" not in client.get(reverse("projects:public-list")).content.decode()


def test_dashboard_shows_my_projects_due_stages_missing_plans_and_budget(
    signed_in, officer, organisation
):
    project = make_project(organisation, officer, title="Carers hub")
    stage = project.stages.first()
    services.update_stage_dates(
        stage,
        planned_start=timezone.localdate() - datetime.timedelta(days=30),
        planned_end=timezone.localdate() - datetime.timedelta(days=1),
    )
    make_budget_line(make_method(stage.plan), "250.00")
    page = signed_in.get(reverse("projects:dashboard")).content.decode()
    assert "Carers hub" in page
    assert "Overdue" in page
    assert "Engagement plans not yet published" in page and "Analyse" in page
    assert "£250.00" in page and "£5,000.00" in page


def test_history_page_lists_changes(signed_in, officer, organisation):
    project = make_project(organisation, officer, title="Before")
    services.update_project(project, title="After")
    page = signed_in.get(
        reverse("audit:history", args=["projects.commissioningproject", project.pk])
    ).content.decode()
    assert "Before" in page and "After" in page and "Changed" in page


def test_only_those_who_may_start_projects_see_the_button(client, organisation):
    client.force_login(member(organisation, Role.FINANCE_APPROVER))
    for name in ["projects:dashboard", "projects:list"]:
        assert "Start a commissioning project" not in client.get(reverse(name)).content.decode()
    client.force_login(member(organisation, Role.COMMISSIONER))
    for name in ["projects:dashboard", "projects:list"]:
        assert "Start a commissioning project" in client.get(reverse(name)).content.decode()


def test_administrators_see_the_audit_and_two_factor_links(client, organisation):
    client.force_login(member(organisation, Role.ADMINISTRATOR))
    page = client.get(reverse("projects:dashboard")).content.decode()
    assert "<title>Dashboard – Coproduce</title>" in page
    assert reverse("audit:trail") in page and reverse("accounts:assist") in page
    client.force_login(member(organisation, Role.COMMISSIONER))
    page = client.get(reverse("projects:dashboard")).content.decode()
    assert reverse("audit:trail") not in page and reverse("accounts:assist") not in page


def test_a_budget_line_beyond_out_of_pocket_expenses_needs_a_reason(
    signed_in, officer, organisation
):
    project = make_project(organisation, officer)
    method = make_method(project.stages.first().plan)
    url = reverse("projects:budget-create", args=[method.pk])
    refused = signed_in.post(
        url, {"category": "training", "description": "Chairing", "amount": "300"}
    )
    page = refused.content.decode()
    assert 'href="#id_reason"' in page and "Say why training for participants is needed" in page
    assert 'value="Chairing"' in page and not method.budget_lines.exists()
    # Out-of-pocket expenses need no reason.
    signed_in.post(url, {"category": "expenses", "description": "Travel", "amount": "50"})
    signed_in.post(
        url,
        {
            "category": "training",
            "description": "Chairing",
            "amount": "300",
            "reason": "Two carers will chair the reference group.",
        },
    )
    lines = {line.category: line for line in method.budget_lines.all()}
    assert set(lines) == {"expenses", "training"}
    assert lines["training"].reason == "Two carers will chair the reference group."
    assert not lines["training"].needs_reason and not lines["expenses"].needs_reason
