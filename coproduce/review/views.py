"""Staff pages of co-review: each project's outcomes framework, its services (quality
characteristics, providers' reports, review visits) and lessons learnt."""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from coproduce.accounts.models import User
from coproduce.core.views_helpers import (
    paginate,
    require,
    run_service,
    scoped_or_404,
    staff_required,
)
from coproduce.people.models import Person
from coproduce.projects.models import CommissioningProject
from coproduce.surveys import services as survey_services
from coproduce.surveys.forms import EntryForm
from coproduce.surveys.services import answers_by_question, questions_in_order

from . import selectors, services
from .forms import (
    CharacteristicForm,
    FindingForm,
    IndicatorForm,
    LessonForm,
    LessonSearchForm,
    OutcomeForm,
    RatingsForm,
    ReviewDecisionForm,
    ServiceForm,
    ValueForm,
    VisitForm,
)
from .models import (
    Indicator,
    Lesson,
    Outcome,
    ProviderReport,
    QualityCharacteristic,
    ReportStatus,
    ReviewVisit,
    Service,
    VisitFinding,
)


def posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def signed_in_user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _project(request: HttpRequest, pk: int) -> CommissioningProject:
    return cast(CommissioningProject, scoped_or_404(request, CommissioningProject, pk))


def _service(request: HttpRequest, pk: int) -> Service:
    return cast(Service, scoped_or_404(request, Service.objects.select_related("project"), pk))


def _visit(request: HttpRequest, pk: int) -> ReviewVisit:
    queryset = ReviewVisit.objects.select_related("service__project", "checklist_response")
    return cast(ReviewVisit, scoped_or_404(request, queryset, pk))


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    require(request, "review.view_review", organisation)
    context = {
        "page": paginate(request, selectors.projects_for(organisation)),
        "waiting": selectors.reports_waiting(organisation)[:20],
    }
    return render(request, "review/index.html", context)


@staff_required
def project(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    require(request, "review.view_review", project)
    outcomes = selectors.framework(project)
    context = {
        "project": project,
        "outcomes": outcomes,
        "counts": list(selectors.rating_counts(outcomes).items()),
        "services": selectors.services_for(project),
        "lessons": selectors.search_lessons(project.organisation, project_id=project.pk)[:5],
        "may_change": request.user.has_perm("review.change_framework", project),
        "may_change_service": request.user.has_perm("review.change_service", project),
        "may_add_lesson": request.user.has_perm("review.change_lesson", project),
        "chart_width": selectors.CHART_WIDTH,
        "chart_height": selectors.CHART_HEIGHT,
    }
    return render(request, "review/project.html", context)


def _form_page(
    request: HttpRequest, form: Any, *, title: str, back: str, back_label: str, caption: str
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "back": back,
        "back_label": back_label,
        "caption": caption,
    }
    return render(request, "review/form.html", context)


# Outcomes and indicators -------------------------------------------------------------------


@staff_required
def outcome_form(
    request: HttpRequest, pk: int | None = None, project_pk: int | None = None
) -> HttpResponse:
    if pk is not None:
        outcome = cast(
            Outcome, scoped_or_404(request, Outcome.objects.select_related("project"), pk)
        )
        project = outcome.project
    else:
        project = _project(request, cast(int, project_pk))
        outcome = Outcome(project=project)
    require(request, "review.change_framework", project)
    form = OutcomeForm(posted(request), instance=outcome)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.save_outcome(form.instance))
        if saved:
            messages.success(request, "Outcome saved.")
            return redirect("review:project", pk=project.pk)
    return _form_page(
        request,
        form,
        title="Change the outcome" if pk else "Add an outcome that matters to people",
        back=reverse("review:project", args=[project.pk]),
        back_label="Back to the outcomes framework",
        caption=project.title,
    )


@staff_required
def indicator_form(
    request: HttpRequest, pk: int | None = None, outcome_pk: int | None = None
) -> HttpResponse:
    if pk is not None:
        indicator = cast(
            Indicator, scoped_or_404(request, Indicator.objects.select_related("outcome"), pk)
        )
        outcome = indicator.outcome
    else:
        outcome = cast(
            Outcome, scoped_or_404(request, Outcome.objects.select_related("project"), outcome_pk)
        )
        indicator = Indicator(outcome=outcome)
    project = outcome.project
    require(request, "review.change_framework", project)
    form = IndicatorForm(posted(request), instance=indicator, project=project)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.save_indicator(form.instance))
        if saved:
            messages.success(request, "Indicator saved.")
            return redirect("review:project", pk=project.pk)
    return _form_page(
        request,
        form,
        title="Change the indicator" if pk else "Add an indicator",
        back=reverse("review:project", args=[project.pk]),
        back_label="Back to the outcomes framework",
        caption=outcome.statement[:120],
    )


@staff_required
def indicator(request: HttpRequest, pk: int) -> HttpResponse:
    """An indicator's figures as a chart and a table, and a form to enter the next one."""
    indicator = cast(
        Indicator,
        scoped_or_404(request, Indicator.objects.select_related("outcome__project", "service"), pk),
    )
    require(request, "review.view_review", indicator)
    may_enter = request.user.has_perm("review.enter_values", indicator)
    form = ValueForm(posted(request))
    if request.method == "POST":
        require(request, "review.enter_values", indicator)
        if form.is_valid():
            data = form.cleaned_data
            saved = run_service(
                form,
                lambda: services.record_value(
                    indicator,
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    value=data["value"],
                    note=data["note"],
                    entered_by=signed_in_user(request),
                ),
            )
            if saved:
                messages.success(request, "Figure saved.")
                return redirect("review:indicator", pk=indicator.pk)
    context = {
        "indicator": indicator,
        "figures": selectors.indicator_figures(indicator),
        "form": form,
        "may_enter": may_enter,
        "chart_width": selectors.CHART_WIDTH,
        "chart_height": selectors.CHART_HEIGHT,
    }
    return render(request, "review/indicator.html", context)


# Services, quality characteristics and providers' reports ----------------------------------


@staff_required
def service_form(
    request: HttpRequest, pk: int | None = None, project_pk: int | None = None
) -> HttpResponse:
    if pk is not None:
        service = _service(request, pk)
        project = service.project
    else:
        project = _project(request, cast(int, project_pk))
        service = Service(project=project)
    require(request, "review.change_service", project)
    form = ServiceForm(posted(request), instance=service, organisation_id=project.organisation_id)
    if request.method == "POST" and form.is_valid():
        users = list(form.cleaned_data["provider_users"])
        saved = run_service(form, lambda: services.save_service(form.instance, users))
        if saved:
            messages.success(request, "Service saved.")
            return redirect("review:service", pk=saved.pk)
    return _form_page(
        request,
        form,
        title="Change the service" if pk else "Add a service",
        back=reverse("review:project", args=[project.pk]),
        back_label="Back to the project's review",
        caption=project.title,
    )


@staff_required
def service(request: HttpRequest, pk: int) -> HttpResponse:
    service = _service(request, pk)
    require(request, "review.view_review", service)
    context = {
        "service": service,
        "characteristics": service.quality_characteristics.all(),
        "indicators": service.indicators.select_related("outcome"),
        "reports": service.reports.exclude(status=ReportStatus.DRAFT),
        "visits": paginate(request, selectors.visits_for(service)),
        "provider_users": User.objects.filter(review_service_links__service=service),
        "may_change": request.user.has_perm("review.change_service", service),
        "may_change_framework": request.user.has_perm("review.change_framework", service),
        "may_record_visit": request.user.has_perm("review.change_visit", service),
    }
    return render(request, "review/service.html", context)


@staff_required
def characteristic_form(
    request: HttpRequest, pk: int | None = None, service_pk: int | None = None
) -> HttpResponse:
    if pk is not None:
        characteristic = cast(
            QualityCharacteristic,
            scoped_or_404(request, QualityCharacteristic.objects.select_related("service"), pk),
        )
        service = characteristic.service
    else:
        service = _service(request, cast(int, service_pk))
        characteristic = QualityCharacteristic(service=service)
    require(request, "review.change_framework", service)
    form = CharacteristicForm(posted(request), instance=characteristic)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.save_characteristic(form.instance))
        if saved:
            messages.success(request, "Quality characteristic saved.")
            return redirect("review:service", pk=service.pk)
    return _form_page(
        request,
        form,
        title="Change the quality characteristic" if pk else "Add a quality characteristic",
        back=reverse("review:service", args=[service.pk]),
        back_label=f"Back to {service.name}",
        caption=service.name,
    )


@staff_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """A provider's report for an officer: accept it, or return it with comments."""
    report = cast(
        ProviderReport,
        scoped_or_404(
            request,
            ProviderReport.objects.select_related("service__project", "submitted_by").exclude(
                status=ReportStatus.DRAFT
            ),
            pk,
        ),
    )
    require(request, "review.view_review", report)
    form = ReviewDecisionForm(posted(request))
    if request.method == "POST":
        require(request, "review.review_report", report)
        if form.is_valid():
            decision, comments = form.cleaned_data["decision"], form.cleaned_data["comments"]
            by = signed_in_user(request)
            done = run_service(
                form,
                lambda: (
                    services.accept_report(report, by, comments)
                    if decision == "accept"
                    else services.return_report(report, by, comments)
                ),
            )
            if done:
                messages.success(
                    request,
                    "Report accepted: its figures are in the outcomes framework."
                    if decision == "accept"
                    else "Report returned to the provider with your comments.",
                )
                return redirect("review:service", pk=report.service_id)
    context = {
        "report": report,
        "figures": report.figures.select_related("indicator"),
        "form": form,
        "may_review": request.user.has_perm("review.review_report", report)
        and report.status == ReportStatus.SUBMITTED,
    }
    return render(request, "review/report.html", context)


# Review visits -----------------------------------------------------------------------------


@staff_required
def visit_create(request: HttpRequest, service_pk: int) -> HttpResponse:
    service = _service(request, service_pk)
    require(request, "review.change_visit", service)
    people = Person.objects.filter(organisation_id=service.organisation_id).order_by("name", "pk")
    form = VisitForm(posted(request), people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        visit = run_service(
            form,
            lambda: services.record_visit(
                service,
                kind=data["kind"],
                visited_on=data["visited_on"],
                reviewers=data["reviewers"],
                summary=data["summary"],
                people=data["people"],
                recorded_by=signed_in_user(request),
            ),
        )
        if visit:
            messages.success(request, "Visit recorded. Now enter the reviewers' checklist.")
            return redirect("review:visit-checklist", pk=visit.pk)
    return _form_page(
        request,
        form,
        title="Record a review visit",
        back=reverse("review:service", args=[service.pk]),
        back_label=f"Back to {service.name}",
        caption=service.name,
    )


@staff_required
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    require(request, "review.view_review", visit)
    checklist: list[tuple[Any, Any]] = []
    if visit.checklist_response is not None:
        answers = answers_by_question(visit.checklist_response)
        survey = visit.checklist_response.survey
        checklist = [(q, answers.get(q.pk)) for q in questions_in_order(survey)]
    findings = list(selectors.findings_of(visit))
    context = {
        "visit": visit,
        "service": visit.service,
        "checklist": checklist,
        "ratings": visit.ratings.select_related("characteristic"),
        "findings": findings,
        "unsent": [f for f in findings if f.sent_for_decision_at is None],
        "may_change": request.user.has_perm("review.change_visit", visit),
    }
    return render(request, "review/visit.html", context)


@staff_required
def visit_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewers' checklist, with the surveys app's own entry form and rules."""
    visit = _visit(request, pk)
    require(request, "review.change_visit", visit)
    if visit.checklist_response_id is not None:
        messages.info(request, "The checklist for this visit has been recorded already.")
        return redirect("review:visit", pk=visit.pk)
    survey = services.checklist_for(visit.service, visit.kind, signed_in_user(request))
    form = EntryForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        survey=survey,
        initial={"entry_key": survey_services.new_entry_key(), "source": "paper"},
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.record_checklist(
                visit,
                form.values(),
                source=form.cleaned_data["source"],
                entry_key=form.cleaned_data["entry_key"],
                entered_by=signed_in_user(request),
            ),
        )
        if saved:
            messages.success(request, "Checklist saved.")
            if visit.service.quality_characteristics.exists():
                return redirect("review:visit-ratings", pk=visit.pk)
            return redirect("review:visit", pk=visit.pk)
    context = {"visit": visit, "survey": survey, "form": form, "groups": form.question_groups()}
    return render(request, "review/visit_checklist.html", context)


@staff_required
def visit_ratings(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    require(request, "review.change_visit", visit)
    characteristics = list(visit.service.quality_characteristics.all())
    initial: dict[str, str] = {}
    for rating in visit.ratings.all():
        initial[f"rating_{rating.characteristic_id}"] = rating.rating
        initial[f"comment_{rating.characteristic_id}"] = rating.comment
    form = RatingsForm(posted(request), characteristics=characteristics, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.rate_visit(visit, form.ratings()))
        if saved:
            messages.success(request, "Ratings saved. Add what the reviewers found.")
            return redirect("review:visit", pk=visit.pk)
    context = {"visit": visit, "form": form, "rows": form.rows()}
    return render(request, "review/visit_ratings.html", context)


@staff_required
def finding_create(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    require(request, "review.change_visit", visit)
    form = FindingForm(posted(request), instance=VisitFinding(visit=visit), service=visit.service)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.add_finding(form.instance))
        if saved:
            messages.success(request, "Saved. Add another, or send them for a decision.")
            return redirect("review:visit", pk=visit.pk)
    return _form_page(
        request,
        form,
        title="Add a finding or recommendation",
        back=reverse("review:visit", args=[visit.pk]),
        back_label="Back to the visit",
        caption=str(visit),
    )


@staff_required
@require_POST
def finding_delete(request: HttpRequest, pk: int) -> HttpResponse:
    finding = cast(
        VisitFinding, scoped_or_404(request, VisitFinding.objects.select_related("visit"), pk)
    )
    require(request, "review.change_visit", finding)
    try:
        services.delete_finding(finding)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Removed.")
    return redirect("review:visit", pk=finding.visit_id)


@staff_required
@require_POST
def visit_send(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    require(request, "review.change_visit", visit)
    try:
        sent = services.send_findings_for_decision(visit)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{len(sent)} sent for a decision. Each will stay on the project's list until the "
            "decision-maker responds.",
        )
    return redirect("review:visit", pk=visit.pk)


# Lessons -----------------------------------------------------------------------------------


@staff_required
def lessons(request: HttpRequest) -> HttpResponse:
    """Lessons learnt across the organisation, searchable."""
    organisation = request.organisation  # type: ignore[attr-defined]
    require(request, "review.view_review", organisation)
    form = LessonSearchForm(request.GET or None)
    words, stage = "", ""
    if form.is_valid():
        words, stage = form.cleaned_data["q"], form.cleaned_data["stage"]
    context = {
        "form": form,
        "words": words,
        "page": paginate(request, selectors.search_lessons(organisation, words, stage)),
        "filter_query": f"{urlencode({'q': words, 'stage': stage})}&" if words or stage else "",
        "projects": selectors.projects_for(organisation)
        if request.user.has_perm("review.change_lesson", organisation)
        else [],
    }
    return render(request, "review/lessons.html", context)


@staff_required
def lesson_form(
    request: HttpRequest, pk: int | None = None, project_pk: int | None = None
) -> HttpResponse:
    if pk is not None:
        lesson = cast(Lesson, scoped_or_404(request, Lesson.objects.select_related("project"), pk))
        project = lesson.project
    else:
        project = _project(request, cast(int, project_pk))
        lesson = Lesson(project=project, recorded_by=signed_in_user(request))
    require(request, "review.change_lesson", project)
    form = LessonForm(posted(request), instance=lesson, project=project)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.save_lesson(form.instance))
        if saved:
            messages.success(request, "Lesson saved.")
            return redirect("review:lessons")
    return _form_page(
        request,
        form,
        title="Change the lesson" if pk else "Record a lesson learnt",
        back=reverse("review:lessons"),
        back_label="Back to lessons learnt",
        caption=project.title,
    )
