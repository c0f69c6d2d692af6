from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from coproduce.core.views_helpers import require, run_service, scoped_or_404, staff_required
from coproduce.recruitment.models import Opportunity, SelectionQuestion

from . import selectors, services
from .forms import ApplyRunForm, QuestionForm, QuotasForm, RunForm
from .models import RunStatus, SelectionRun


def _opportunity(request: HttpRequest, pk: int) -> Opportunity:
    return scoped_or_404(  # type: ignore[no-any-return]
        request, Opportunity.objects.select_related("organisation", "project"), pk
    )


@staff_required
def opportunity_selection(request: HttpRequest, pk: int) -> HttpResponse:
    """Questions for a fair mix, their quotas with a feasibility check, and the runs."""
    opportunity = _opportunity(request, pk)
    require(request, "selection.view_selection", opportunity)
    table = services.quota_table(opportunity)
    quotas = QuotasForm(request.POST or None, table=table)
    feasibility: str | None = None
    if request.method == "POST":
        require(request, "selection.change_selection", opportunity)
        if quotas.is_valid():
            rows = quotas.quota_rows()
            household = quotas.cleaned_data["one_per_household"]
            overrides = {(q.feature, value): (low, high) for q, value, low, high in rows}
            feasibility = services.feasibility(
                opportunity, one_per_household=household, overrides=overrides
            )
            if (
                "save" in request.POST
                and run_service(quotas, lambda: services.save_quotas(opportunity, rows)) is not None
            ):
                messages.success(request, "Quotas saved.")
                return redirect("selection:opportunity", pk=opportunity.pk)
    elif table:
        feasibility = services.feasibility(opportunity)
    context = {
        "opportunity": opportunity,
        "quotas": quotas,
        "feasibility": feasibility,
        "pool_size": len(services.pool_applications(opportunity)),
        "runs": selectors.runs_for(opportunity),
        "run_form": RunForm(),
        "can_change": request.user.has_perm("selection.change_selection", opportunity),
    }
    template = (
        "selection/includes/feasibility.html"
        if request.htmx  # type: ignore[attr-defined]
        else "selection/opportunity.html"
    )
    return render(request, template, context)


@staff_required
def question_edit(request: HttpRequest, pk: int, question_pk: int | None = None) -> HttpResponse:
    opportunity = _opportunity(request, pk)
    require(request, "selection.change_selection", opportunity)
    question = (
        get_object_or_404(SelectionQuestion, pk=question_pk, opportunity=opportunity)
        if question_pk
        else SelectionQuestion(
            opportunity=opportunity,
            organisation_id=opportunity.organisation_id,
            position=opportunity.selection_questions.count() + 1,
        )
    )
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and "delete" in request.POST and question.pk:
        question.delete()
        messages.success(request, "Question removed, with its quotas.")
        return redirect("selection:opportunity", pk=opportunity.pk)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form, lambda: services.save_question(form.save(commit=False), form.values())
        )
        if saved:
            messages.success(request, "Question saved. Applicants are asked it from now on.")
            return redirect("selection:opportunity", pk=opportunity.pk)
    context = {"opportunity": opportunity, "form": form, "question": question}
    return render(request, "selection/question_form.html", context)


@staff_required
@require_POST
def run_start(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request, pk)
    require(request, "selection.change_selection", opportunity)
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            run = services.start_run(
                opportunity,
                algorithm=form.cleaned_data["algorithm"],
                seed=form.cleaned_data["seed"],
                by=request.user,
                one_per_household=form.cleaned_data["one_per_household"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("selection:opportunity", pk=opportunity.pk)
        return redirect("selection:run", pk=run.pk)
    messages.error(request, "Choose a selection method.")
    return redirect("selection:opportunity", pk=opportunity.pk)


def _run(request: HttpRequest, pk: int) -> SelectionRun:
    queryset = SelectionRun.objects.select_related("opportunity", "job", "created_by")
    return scoped_or_404(request, queryset, pk)  # type: ignore[no-any-return]


@staff_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    require(request, "selection.view_selection", run)
    context: dict[str, Any] = {
        "run": run,
        "opportunity": run.opportunity,
        "apply_form": ApplyRunForm(),
        "can_change": request.user.has_perm("selection.change_selection", run),
    }
    if run.status == RunStatus.DONE:
        context.update(selectors.run_summary(run))
        context.update(selectors.run_people(run))
    return render(request, "selection/run.html", context)


@staff_required
@require_POST
def run_apply(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    require(request, "selection.change_selection", run)
    form = ApplyRunForm(request.POST)
    form.is_valid()
    try:
        notify = form.cleaned_data.get("notify", False)
        moved = services.apply_run(run, by=request.user, notify=notify)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{moved} applications updated.")
    return redirect("selection:run", pk=run.pk)


@staff_required
@require_POST
def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    require(request, "selection.change_selection", run)
    try:
        services.publish_report(run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The anonymised report is public.")
    return redirect("selection:run", pk=run.pk)


def public_report(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(
        SelectionRun.objects.select_related("opportunity__organisation"),
        pk=pk,
        report_published_at__isnull=False,
    )
    context = {"run": run, "opportunity": run.opportunity, **selectors.run_summary(run)}
    return render(request, "selection/public_report.html", context)
