"""Write operations and business rules for commissioning projects, stages and plans.

Every rule raises `ValidationError` keyed by the field the person should fix, with a message
that says what to do next; forms show it beside that field and nothing is saved.
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from coproduce.accounts.models import Organisation

from .models import (
    RUNGS_NEEDING_REASON,
    STAGE_ORDER,
    BudgetLine,
    CommissioningProject,
    EngagementMethod,
    EngagementPlan,
    ParticipationRung,
    PlanStatus,
    ReadinessCheck,
    ReadinessItem,
    ReadinessStatus,
    Stage,
    StageStatus,
)


def _check_project(project: CommissioningProject) -> None:
    errors: dict[str, str] = {}
    if project.starts_on and project.ends_on and project.ends_on < project.starts_on:
        errors["ends_on"] = "The end date must be the same as or after the start date."
    if (
        project.involvement_budget is not None
        and project.budget_envelope is not None
        and project.involvement_budget > project.budget_envelope
    ):
        errors["involvement_budget"] = (
            "The involvement budget cannot be more than the project's whole budget envelope."
        )
    if project.pk and project.involvement_budget is not None:
        planned = planned_involvement_spend(project)
        if planned > project.involvement_budget:
            errors["involvement_budget"] = (
                f"Engagement plans already have £{planned:,.2f} of budget lines. Make the "
                "involvement budget at least that, or reduce the plans' budget lines first."
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_project(organisation: Organisation, **fields: Any) -> CommissioningProject:
    """A new project with its four stages, each with a readiness checklist and an empty plan."""
    project = CommissioningProject(organisation=organisation, **fields)
    project.full_clean(exclude=["organisation"])
    _check_project(project)
    project.save()
    for position, kind in enumerate(STAGE_ORDER, start=1):
        stage = Stage.objects.create(
            organisation=organisation, project=project, kind=kind, position=position
        )
        for item in ReadinessCheck:
            ReadinessItem.objects.create(organisation=organisation, stage=stage, item=item)
        EngagementPlan.objects.create(organisation=organisation, stage=stage)
    return project


@transaction.atomic
def update_project(project: CommissioningProject, **fields: Any) -> CommissioningProject:
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean(exclude=["organisation"])
    _check_project(project)
    project.save()
    return project


def update_stage_dates(stage: Stage, **dates: Any) -> Stage:
    for name, value in dates.items():
        setattr(stage, name, value)
    if stage.planned_start and stage.planned_end and stage.planned_end < stage.planned_start:
        raise ValidationError(
            {"planned_end": "The planned end date must be the same as or after the planned start."}
        )
    stage.save()
    return stage


def settle_readiness_item(
    item: ReadinessItem, user: Any, status: str, note: str = "", waiver_reason: str = ""
) -> ReadinessItem:
    if status == ReadinessStatus.WAIVED and not waiver_reason.strip():
        raise ValidationError(
            {"waiver_reason": "Say why this item can be waived. The reason is kept on record."}
        )
    item.status = status
    item.note = note.strip()
    item.waiver_reason = waiver_reason.strip() if status == ReadinessStatus.WAIVED else ""
    settled = status != ReadinessStatus.OUTSTANDING
    item.decided_by = user if settled else None
    item.decided_at = timezone.now() if settled else None
    item.save()
    return item


def outstanding_readiness(stage: Stage) -> list[ReadinessItem]:
    return [item for item in stage.readiness_items.all() if not item.is_settled]


def start_stage(stage: Stage) -> Stage:
    if stage.status != StageStatus.NOT_STARTED:
        raise ValidationError(f"The {stage.name} stage has already started.")
    outstanding = outstanding_readiness(stage)
    if outstanding:
        names = "; ".join(item.get_item_display().lower() for item in outstanding)
        raise ValidationError(
            f"The {stage.name} stage cannot start until every readiness item is done or waived "
            f"with a reason. Still to do: {names}."
        )
    stage.status = StageStatus.IN_PROGRESS
    stage.actual_start = timezone.localdate()
    stage.save()
    return stage


def complete_stage(stage: Stage) -> Stage:
    if stage.status != StageStatus.IN_PROGRESS:
        raise ValidationError(f"The {stage.name} stage is not in progress, so it cannot finish.")
    stage.status = StageStatus.COMPLETE
    stage.actual_end = timezone.localdate()
    stage.save()
    return stage


def _check_plan_reason(rung: str, rung_reason: str) -> None:
    if rung in RUNGS_NEEDING_REASON and not rung_reason.strip():
        label = ParticipationRung(rung).label.lower()
        raise ValidationError(
            {
                "rung_reason": (
                    f"Say why this stage is planned at '{label}' only. The reason is published "
                    "with the plan, so write it for the public."
                )
            }
        )


def update_plan(
    plan: EngagementPlan, rung: str, rung_reason: str, objectives: str
) -> EngagementPlan:
    _check_plan_reason(rung, rung_reason)
    plan.rung = rung
    plan.rung_reason = rung_reason.strip()
    plan.objectives = objectives.strip()
    plan.save()
    return plan


def publish_plan(plan: EngagementPlan, user: Any) -> EngagementPlan:
    errors: dict[str, str] = {}
    if not plan.rung:
        errors["rung"] = "Choose the level of involvement before publishing the plan."
    else:
        try:
            _check_plan_reason(plan.rung, plan.rung_reason)
        except ValidationError as error:
            errors.update({key: value[0] for key, value in error.message_dict.items()})
        if plan.rung != ParticipationRung.NONE and not plan.methods.exists():
            errors["methods"] = "Add at least one method, saying how people will be involved."
    if errors:
        raise ValidationError(errors)
    plan.status = PlanStatus.PUBLISHED
    plan.published_at = timezone.now()
    plan.published_by = user
    plan.save()
    return plan


def unpublish_plan(plan: EngagementPlan) -> EngagementPlan:
    plan.status = PlanStatus.DRAFT
    plan.save()
    return plan


def save_method(method: EngagementMethod) -> EngagementMethod:
    if method.starts_on and method.ends_on and method.ends_on < method.starts_on:
        raise ValidationError({"ends_on": "The end date must be the same as or after the start."})
    method.organisation_id = method.plan.organisation_id
    method.full_clean(exclude=["organisation", "plan"])
    method.save()
    return method


def delete_method(method: EngagementMethod) -> None:
    with transaction.atomic():
        for line in method.budget_lines.all():
            line.delete()
        method.delete()


def planned_involvement_spend(project: CommissioningProject) -> Decimal:
    total = BudgetLine.objects.filter(method__plan__stage__project=project).aggregate(
        total=Sum("amount")
    )["total"]
    return total or Decimal("0.00")


@transaction.atomic
def save_budget_line(line: BudgetLine) -> BudgetLine:
    """Adds or changes a budget line, refusing any that would take the project's planned
    involvement spending over its involvement budget."""
    project = CommissioningProject.objects.select_for_update().get(
        pk=line.method.plan.stage.project_id
    )
    line.organisation_id = project.organisation_id
    line.full_clean(exclude=["organisation", "method"])
    others = BudgetLine.objects.filter(method__plan__stage__project=project).exclude(pk=line.pk)
    total = (others.aggregate(total=Sum("amount"))["total"] or Decimal("0")) + line.amount
    if total > project.involvement_budget:
        over = total - project.involvement_budget
        raise ValidationError(
            {
                "amount": (
                    f"This would take planned involvement spending to £{total:,.2f}, which is "
                    f"£{over:,.2f} over the project's involvement budget of "
                    f"£{project.involvement_budget:,.2f}. Reduce the amount, or ask the lead "
                    "officer to raise the involvement budget."
                )
            }
        )
    line.save()
    return line


def delete_budget_line(line: BudgetLine) -> None:
    line.delete()
