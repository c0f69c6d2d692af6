import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from coproduce.accounts.models import Role
from coproduce.projects import services
from coproduce.projects.models import (
    ParticipationRung,
    PlanStatus,
    ReadinessCheck,
    ReadinessStatus,
    StageKind,
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


def stage_of(project, kind=StageKind.ANALYSE):
    return project.stages.get(kind=kind)


def settle(stage, user, status=ReadinessStatus.DONE, reason=""):
    for item in stage.readiness_items.all():
        services.settle_readiness_item(item, user, status, waiver_reason=reason)


def test_a_new_project_has_the_four_stages_in_order_each_with_checklist_and_plan():
    project = make_project()
    stages = list(project.stages.order_by("position"))
    assert [s.kind for s in stages] == ["analyse", "plan", "do", "review"]
    assert [s.coproduction_name for s in stages] == [
        "Co-assess",
        "Co-design",
        "Co-commission and co-deliver",
        "Co-review",
    ]
    for stage in stages:
        assert {i.item for i in stage.readiness_items.all()} == set(ReadinessCheck.values)
        assert stage.plan.status == PlanStatus.DRAFT
        assert stage.organisation_id == project.organisation_id


def test_a_stage_cannot_start_until_every_readiness_item_is_done_or_waived():
    project = make_project()
    stage = stage_of(project)
    items = list(stage.readiness_items.all())
    for item in items[:-1]:
        services.settle_readiness_item(item, project.lead_officer, ReadinessStatus.DONE)
    with pytest.raises(ValidationError) as refused:
        services.start_stage(stage)
    assert items[-1].get_item_display().lower() in refused.value.messages[0]
    stage.refresh_from_db()
    assert stage.status == StageStatus.NOT_STARTED

    services.settle_readiness_item(
        items[-1], project.lead_officer, ReadinessStatus.WAIVED, waiver_reason="Agreed by board"
    )
    services.start_stage(stage)
    stage.refresh_from_db()
    assert stage.status == StageStatus.IN_PROGRESS
    assert stage.actual_start is not None


def test_waiving_a_readiness_item_needs_a_written_reason():
    project = make_project()
    item = stage_of(project).readiness_items.first()
    with pytest.raises(ValidationError) as refused:
        services.settle_readiness_item(item, project.lead_officer, ReadinessStatus.WAIVED, "", " ")
    assert "waiver_reason" in refused.value.message_dict
    item.refresh_from_db()
    assert item.status == ReadinessStatus.OUTSTANDING


def test_reopening_an_item_clears_who_decided_it():
    project = make_project()
    item = stage_of(project).readiness_items.first()
    services.settle_readiness_item(item, project.lead_officer, ReadinessStatus.DONE)
    assert item.decided_by == project.lead_officer
    services.settle_readiness_item(item, project.lead_officer, ReadinessStatus.OUTSTANDING)
    item.refresh_from_db()
    assert item.decided_by is None and item.decided_at is None


def test_only_a_started_stage_can_be_completed_and_not_twice_started():
    project = make_project()
    stage = stage_of(project)
    with pytest.raises(ValidationError):
        services.complete_stage(stage)
    settle(stage, project.lead_officer)
    services.start_stage(stage)
    with pytest.raises(ValidationError):
        services.start_stage(stage)
    services.complete_stage(stage)
    assert stage.status == StageStatus.COMPLETE and stage.actual_end is not None


@pytest.mark.parametrize("rung", [ParticipationRung.NONE, ParticipationRung.INFORM])
def test_a_plan_at_inform_or_none_needs_a_reason(rung):
    plan = stage_of(make_project()).plan
    with pytest.raises(ValidationError) as refused:
        services.update_plan(plan, rung, "   ", "")
    assert "rung_reason" in refused.value.message_dict
    plan.refresh_from_db()
    assert plan.rung == ""
    services.update_plan(plan, rung, "The decision was made by Parliament.", "")
    plan.refresh_from_db()
    assert plan.rung == rung and plan.rung_reason == "The decision was made by Parliament."


def test_a_plan_above_inform_needs_no_reason():
    plan = stage_of(make_project()).plan
    services.update_plan(plan, ParticipationRung.CO_PRODUCE, "", "Design it together")
    assert plan.rung == ParticipationRung.CO_PRODUCE


def test_publishing_needs_a_rung_and_a_method():
    project = make_project()
    plan = stage_of(project).plan
    with pytest.raises(ValidationError) as refused:
        services.publish_plan(plan, project.lead_officer)
    assert "rung" in refused.value.message_dict
    services.update_plan(plan, ParticipationRung.CONSULT, "", "")
    with pytest.raises(ValidationError) as refused:
        services.publish_plan(plan, project.lead_officer)
    assert "methods" in refused.value.message_dict
    make_method(plan)
    services.publish_plan(plan, project.lead_officer)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED and plan.published_by == project.lead_officer


def test_a_plan_with_no_involvement_can_be_published_without_methods_but_with_its_reason():
    project = make_project()
    plan = stage_of(project, StageKind.REVIEW).plan
    services.update_plan(plan, ParticipationRung.NONE, "Reviewed nationally by CQC.", "")
    services.publish_plan(plan, project.lead_officer)
    assert plan.status == PlanStatus.PUBLISHED


def test_budget_lines_cannot_take_planned_spending_over_the_involvement_budget():
    project = make_project(involvement_budget=Decimal("1000.00"))
    analyse, do = stage_of(project).plan, stage_of(project, StageKind.DO).plan
    first = make_budget_line(make_method(analyse), "600.00")
    second_method = make_method(do)
    make_budget_line(second_method, "400.00")  # exactly at the budget is fine
    assert services.planned_involvement_spend(project) == Decimal("1000.00")
    with pytest.raises(ValidationError) as refused:
        make_budget_line(second_method, "0.01")
    message = refused.value.message_dict["amount"][0]
    assert "£1,000.01" in message and "£0.01 over" in message and "£1,000.00" in message
    # Changing a line counts its new amount, not old plus new.
    first.amount = Decimal("550.00")
    services.save_budget_line(first)
    assert services.planned_involvement_spend(project) == Decimal("950.00")
    first.amount = Decimal("601.00")
    with pytest.raises(ValidationError):
        services.save_budget_line(first)
    assert services.planned_involvement_spend(project) == Decimal("950.00")


def test_budgets_of_one_project_do_not_count_against_another():
    organisation = OrganisationFactory()
    one = make_project(organisation, involvement_budget=Decimal("100.00"))
    two = make_project(organisation, involvement_budget=Decimal("100.00"))
    make_budget_line(make_method(stage_of(one).plan), "100.00")
    make_budget_line(make_method(stage_of(two).plan), "100.00")
    assert services.planned_involvement_spend(two) == Decimal("100.00")


def test_the_involvement_budget_cannot_drop_below_what_plans_already_spend():
    project = make_project(involvement_budget=Decimal("1000.00"))
    make_budget_line(make_method(stage_of(project).plan), "800.00")
    with pytest.raises(ValidationError) as refused:
        services.update_project(project, involvement_budget=Decimal("700.00"))
    assert "£800.00" in refused.value.message_dict["involvement_budget"][0]
    project.refresh_from_db()
    assert project.involvement_budget == Decimal("1000.00")


def test_project_dates_and_budgets_are_checked():
    organisation = OrganisationFactory()
    lead = member(organisation, Role.COMMISSIONER)
    with pytest.raises(ValidationError) as refused:
        make_project(
            organisation,
            lead,
            ends_on=datetime.date(2025, 1, 1),
            involvement_budget=Decimal("200000"),
        )
    assert {"ends_on", "involvement_budget"} <= set(refused.value.message_dict)


def test_negative_amounts_are_refused():
    method = make_method(stage_of(make_project()).plan)
    with pytest.raises(ValidationError) as refused:
        make_budget_line(method, "-5.00")
    assert "amount" in refused.value.message_dict


def test_removing_a_method_removes_its_budget_lines():
    project = make_project()
    method = make_method(stage_of(project).plan)
    make_budget_line(method, "50.00")
    services.delete_method(method)
    assert services.planned_involvement_spend(project) == Decimal("0.00")
