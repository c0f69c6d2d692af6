from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coproduce.accounts.models import Organisation
from coproduce.accounts.roles import staff_organisation_ids
from coproduce.core.views_helpers import (
    paginate,
    require,
    run_service,
    scoped_or_404,
    staff_required,
)

from . import selectors, services
from .forms import (
    BudgetLineForm,
    MethodForm,
    PlanForm,
    ProjectForm,
    ReadinessItemForm,
    StageDatesForm,
)
from .models import (
    BudgetLine,
    CommissioningProject,
    EngagementMethod,
    EngagementPlan,
    ReadinessItem,
    Stage,
)


def _scoped(model: Any, request: HttpRequest, pk: int) -> Any:
    return scoped_or_404(request, model, pk)


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    user = request.user
    context = selectors.dashboard(user, organisation)
    context["can_create"] = user.has_perm("projects.add_commissioningproject", organisation)
    context["can_assist"] = user.has_perm("accounts.act_for_participant", organisation)
    context["can_verify"] = user.has_perm("audit.verify_chain", organisation)
    context["can_manage_questions"] = user.has_perm(
        "equality.change_equalityquestion", organisation
    )
    context["can_manage_retention"] = user.has_perm("dataprotection.manage_retention", organisation)
    context["can_see_erasure"] = user.has_perm("dataprotection.view_erasure_requests", organisation)
    context["other_organisations"] = Organisation.objects.filter(
        pk__in=staff_organisation_ids(user)
    ).exclude(pk=organisation.pk)
    return render(request, "projects/dashboard.html", context)


@staff_required
def project_list(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    context = {
        "page": paginate(request, selectors.organisation_projects(organisation)),
        "can_create": request.user.has_perm("projects.add_commissioningproject", organisation),
    }
    return render(request, "projects/project_list.html", context)


@staff_required
def project_create(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    require(request, "projects.add_commissioningproject", organisation)
    form = ProjectForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        project = run_service(
            form, lambda: services.create_project(organisation, **form.cleaned_data)
        )
        if project:
            messages.success(request, f"Project '{project.title}' created with its four stages.")
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": None})


@staff_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        project = selectors.project_detail(pk, request.user)
    except CommissioningProject.DoesNotExist as missing:
        raise Http404 from missing
    require(request, "projects.view_commissioningproject", project)
    can_change = request.user.has_perm("projects.change_commissioningproject", project)
    return render(
        request, "projects/project_detail.html", {"project": project, "can_change": can_change}
    )


@staff_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _scoped(CommissioningProject, request, pk)
    require(request, "projects.change_commissioningproject", project)
    form = ProjectForm(request.POST or None, instance=project, organisation=project.organisation)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if run_service(form, lambda: services.update_project(project, **fields)):
            messages.success(request, "Project details saved.")
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@staff_required
def stage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        stage = selectors.stage_detail(pk, request.user)
    except Stage.DoesNotExist as missing:
        raise Http404 from missing
    require(request, "projects.view_stage", stage)
    user = request.user
    context = {
        "stage": stage,
        "project": stage.project,
        "plan": stage.plan,
        "outstanding": services.outstanding_readiness(stage),
        "can_change_stage": user.has_perm("projects.change_stage", stage),
        "can_plan": user.has_perm("projects.change_engagementplan", stage.plan),
        "can_publish": user.has_perm("projects.publish_engagementplan", stage.plan),
        "can_settle": user.has_perm("projects.change_readinessitem", stage),
        "plan_total": sum(
            (
                line.amount
                for method in stage.plan.methods.all()
                for line in method.budget_lines.all()
            ),
            start=Decimal("0"),
        ),
    }
    return render(request, "projects/stage_detail.html", context)


@staff_required
def stage_dates(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _scoped(Stage, request, pk)
    require(request, "projects.change_stage", stage)
    form = StageDatesForm(request.POST or None, instance=stage)
    if request.method == "POST" and form.is_valid():
        dates = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if run_service(form, lambda: services.update_stage_dates(stage, **dates)):
            messages.success(request, f"{stage.name} stage dates saved.")
            return redirect("projects:stage", pk=stage.pk)
    return render(request, "projects/stage_dates_form.html", {"form": form, "stage": stage})


def _stage_transition(request: HttpRequest, pk: int, starting: bool) -> HttpResponse:
    stage = _scoped(Stage, request, pk)
    require(request, "projects.change_stage", stage)
    try:
        if starting:
            services.start_stage(stage)
            messages.success(request, f"The {stage.name} stage has started.")
        else:
            services.complete_stage(stage)
            messages.success(request, f"The {stage.name} stage is complete.")
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    return redirect("projects:stage", pk=stage.pk)


@staff_required
@require_POST
def stage_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _stage_transition(request, pk, starting=True)


@staff_required
@require_POST
def stage_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _stage_transition(request, pk, starting=False)


@staff_required
def readiness_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = _scoped(ReadinessItem, request, pk)
    require(request, "projects.change_readinessitem", item)
    initial = {"status": item.status, "note": item.note, "waiver_reason": item.waiver_reason}
    form = ReadinessItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form,
            lambda: services.settle_readiness_item(
                item, request.user, data["status"], data["note"], data["waiver_reason"]
            ),
        ):
            messages.success(request, f"Saved: {item.get_item_display()}.")
            return redirect("projects:stage", pk=item.stage_id)
    return render(request, "projects/readiness_form.html", {"form": form, "item": item})


@staff_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _scoped(EngagementPlan, request, pk)
    require(request, "projects.change_engagementplan", plan)
    initial = {"rung": plan.rung, "rung_reason": plan.rung_reason, "objectives": plan.objectives}
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form,
            lambda: services.update_plan(
                plan, data["rung"], data["rung_reason"], data["objectives"]
            ),
        ):
            messages.success(request, "Engagement plan saved.")
            return redirect("projects:stage", pk=plan.stage_id)
    return render(request, "projects/plan_form.html", {"form": form, "plan": plan})


@staff_required
@require_POST
def plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _scoped(EngagementPlan, request, pk)
    require(request, "projects.publish_engagementplan", plan)
    try:
        if request.POST.get("action") == "unpublish":
            services.unpublish_plan(plan)
            messages.success(request, "The plan is back to draft and no longer public.")
        else:
            services.publish_plan(plan, request.user)
            messages.success(request, "Engagement plan published.")
    except ValidationError as problem:
        messages.error(request, "The plan cannot be published yet: " + " ".join(problem.messages))
    return redirect("projects:stage", pk=plan.stage_id)


def _edit_child(
    request: HttpRequest,
    form_class: type[forms.ModelForm],
    instance: Any,
    save: Any,
    success: str,
    back: Any,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    form = form_class(request.POST or None, instance=instance)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, lambda: save(form.instance))
    ):
        messages.success(request, success)
        return back
    return render(request, template, {"form": form, **context})


def _confirm_removal(
    request: HttpRequest, thing: Any, stage_id: int, remove: Any, done: str
) -> HttpResponse:
    """Asks before removing (GET), removes on POST, then goes back to the stage."""
    if request.method == "POST":
        remove(thing)
        messages.success(request, done)
        return redirect("projects:stage", pk=stage_id)
    return render(request, "projects/confirm_delete.html", {"thing": thing, "back": stage_id})


@staff_required
def method_create(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = _scoped(EngagementPlan, request, plan_pk)
    require(request, "projects.change_engagementplan", plan)
    return _edit_child(
        request,
        MethodForm,
        EngagementMethod(plan=plan, organisation_id=plan.organisation_id),
        services.save_method,
        "Method added to the plan.",
        redirect("projects:stage", pk=plan.stage_id),
        "projects/method_form.html",
        {"plan": plan, "method": None},
    )


@staff_required
def method_edit(request: HttpRequest, pk: int) -> HttpResponse:
    method = _scoped(EngagementMethod, request, pk)
    require(request, "projects.change_engagementplan", method)
    return _edit_child(
        request,
        MethodForm,
        method,
        services.save_method,
        "Method saved.",
        redirect("projects:stage", pk=method.plan.stage_id),
        "projects/method_form.html",
        {"plan": method.plan, "method": method},
    )


@staff_required
def method_delete(request: HttpRequest, pk: int) -> HttpResponse:
    method = _scoped(EngagementMethod, request, pk)
    require(request, "projects.change_engagementplan", method)
    return _confirm_removal(
        request,
        method,
        method.plan.stage_id,
        services.delete_method,
        "Method and its budget lines removed.",
    )


@staff_required
def budget_line_create(request: HttpRequest, method_pk: int) -> HttpResponse:
    method = _scoped(EngagementMethod, request, method_pk)
    require(request, "projects.change_engagementplan", method)
    return _edit_child(
        request,
        BudgetLineForm,
        BudgetLine(method=method, organisation_id=method.organisation_id),
        services.save_budget_line,
        "Budget line added.",
        redirect("projects:stage", pk=method.plan.stage_id),
        "projects/budget_line_form.html",
        {"method": method, "line": None},
    )


@staff_required
def budget_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = _scoped(BudgetLine, request, pk)
    require(request, "projects.change_engagementplan", line)
    return _edit_child(
        request,
        BudgetLineForm,
        line,
        services.save_budget_line,
        "Budget line saved.",
        redirect("projects:stage", pk=line.method.plan.stage_id),
        "projects/budget_line_form.html",
        {"method": line.method, "line": line},
    )


@staff_required
def budget_line_delete(request: HttpRequest, pk: int) -> HttpResponse:
    line = _scoped(BudgetLine, request, pk)
    require(request, "projects.change_engagementplan", line)
    return _confirm_removal(
        request,
        line,
        line.method.plan.stage_id,
        services.delete_budget_line,
        "Budget line removed.",
    )


def public_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.public_projects())
    return render(request, "projects/public_list.html", {"page": page})


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        project = selectors.public_project(pk)
    except CommissioningProject.DoesNotExist as missing:
        raise Http404 from missing
    return render(request, "projects/public_detail.html", {"project": project})
