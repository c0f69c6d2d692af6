from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coproduce.accounts.models import Organisation
from coproduce.core.documents import render_pdf
from coproduce.core.views_helpers import (
    paginate,
    require,
    run_service,
    scoped_or_404,
    staff_required,
)
from coproduce.people.models import Person
from coproduce.projects.models import CommissioningProject, StageKind

from . import selectors, services
from .forms import ContributionForm, DecisionForm, PageForm, ResponsesForm, SearchForm, ThemesForm
from .models import Contribution, ContributionKind, Decision, FeedbackRound, YouSaidWeDid

# The printed page lists this many responses; the web page has them all.
PDF_LIMIT = 500
PUBLIC_PAGE_SIZE = 50


def _project(request: HttpRequest, pk: int) -> CommissioningProject:
    return scoped_or_404(request, CommissioningProject.objects.select_related("organisation"), pk)


def _public_link(request: HttpRequest, project: CommissioningProject) -> str:
    return request.build_absolute_uri(
        reverse("feedback:public-page", args=[project.organisation.slug, project.pk])
    )


# ----- Staff: a project's contributions and decisions ------------------------------------------


@staff_required
def project_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    require(request, "feedback.view_contributions", project)
    show = request.GET.get("show", "unanswered")
    listed = selectors.contributions(project) if show == "all" else selectors.unanswered(project)
    page = YouSaidWeDid.objects.filter(project=project).first()
    user = request.user
    context = {
        "project": project,
        "closure": selectors.closure(project),
        "show": show,
        "page": paginate(request, listed),
        "decisions": selectors.decisions(project)[:50],
        "rounds": selectors.rounds(project)[:10],
        "public_page": page,
        "waiting_to_be_told": selectors.waiting_to_be_told(project),
        "can_add": user.has_perm("feedback.add_contribution", project),
        "can_decide": user.has_perm("feedback.record_decision", project),
        "can_change_page": user.has_perm("feedback.change_page", project),
        "can_send": user.has_perm("feedback.send_feedback", project),
    }
    return render(request, "feedback/project_feedback.html", context)


@staff_required
def contribution_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    require(request, "feedback.add_contribution", project)
    form = ContributionForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        event = data["event"] if data["kind"] == ContributionKind.EVENT_POINT else None

        def save() -> Contribution:
            if event is not None:
                if data["quote"] or data["people_count"] is not None:
                    raise ValidationError(
                        {
                            "quote": "For an event, leave the quote and the count empty: "
                            "everyone marked present is counted."
                        }
                    )
                return services.contribution_from_event(
                    event, summary=data["summary"], recorded_by=request.user
                )
            return services.add_contribution(
                project=project,
                stage=data["stage"],
                kind=data["kind"],
                summary=data["summary"],
                quote=data["quote"],
                quote_consent=data["quote_consent"],
                people_count=data["people_count"],
                recorded_by=request.user,
            )

        if run_service(form, save) is not None:
            messages.success(request, "Contribution added. It now needs a response.")
            return redirect("feedback:project", pk=project.pk)
    return render(request, "feedback/contribution_form.html", {"form": form, "project": project})


@staff_required
def contributions_from_themes(request: HttpRequest, pk: int) -> HttpResponse:
    from coproduce.theming.models import Theme

    project = _project(request, pk)
    require(request, "feedback.add_contribution", project)
    themes = list(
        Theme.objects.filter(theme_set__question__survey__project=project)
        .select_related("theme_set__question__survey__stage")
        .order_by("theme_set__question__survey__title", "label", "pk")
    )
    added = set(
        Contribution.objects.filter(
            project=project, key__in=[f"theme:{theme.pk}" for theme in themes]
        ).values_list("key", flat=True)
    )
    choices = [
        (str(theme.pk), f"{theme.label} ({theme.theme_set.question.survey.title})")
        for theme in themes
        if f"theme:{theme.pk}" not in added
    ]
    form = ThemesForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        chosen = {int(value) for value in form.cleaned_data["themes"]}
        analyse = project.stages.get(kind=StageKind.ANALYSE)

        def save() -> int:
            for theme in themes:
                if theme.pk in chosen:
                    survey = theme.theme_set.question.survey
                    services.contribution_from_theme(
                        theme, stage=survey.stage or analyse, recorded_by=request.user
                    )
            return len(chosen)

        count = run_service(form, save)
        if count:
            messages.success(
                request, f"{count} {'theme' if count == 1 else 'themes'} added as contributions."
            )
            return redirect("feedback:project", pk=project.pk)
    return render(
        request,
        "feedback/themes_form.html",
        {"form": form, "project": project, "has_themes": bool(themes)},
    )


@staff_required
def contribution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = scoped_or_404(
        request,
        Contribution.objects.select_related(
            "project", "stage", "response__decision", "recorded_by"
        ),
        pk,
    )
    require(request, "feedback.view_contributions", contribution)
    context = {
        "contribution": contribution,
        "response": selectors.response_of(contribution),
        "contributor_count": contribution.contributors.count(),
    }
    return render(request, "feedback/contribution_detail.html", context)


# ----- Staff: decisions -------------------------------------------------------------------------


def _decision_fields(form: DecisionForm) -> dict[str, Any]:
    return {
        name: form.cleaned_data[name]
        for name in ("title", "summary", "easy_read", "decided_by", "decided_on", "stage")
    }


@staff_required
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    require(request, "feedback.record_decision", project)
    form = DecisionForm(
        request.POST or None, project=project, initial={"decided_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        decision = run_service(
            form,
            lambda: services.record_decision(
                project=project, recorded_by=request.user, **_decision_fields(form)
            ),
        )
        if decision is not None:
            messages.success(
                request, "Decision recorded. Now say what it did with each contribution."
            )
            return redirect("feedback:decision-respond", pk=decision.pk)
    return render(
        request, "feedback/decision_form.html", {"form": form, "project": project, "decision": None}
    )


def _decision(request: HttpRequest, pk: int) -> Decision:
    return scoped_or_404(
        request, Decision.objects.select_related("project", "project__organisation", "stage"), pk
    )


@staff_required
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    require(request, "feedback.view_contributions", decision)
    responses = decision.responses.select_related("contribution", "contribution__stage")
    context = {
        "decision": decision,
        "project": decision.project,
        "page": paginate(request, responses),
        "outcomes": selectors.outcome_counts(decision.responses.all()),
        "can_decide": request.user.has_perm("feedback.record_decision", decision),
        "can_publish": request.user.has_perm("feedback.publish_decision", decision),
    }
    return render(request, "feedback/decision_detail.html", context)


@staff_required
def decision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    require(request, "feedback.record_decision", decision)
    initial = {
        name: getattr(decision, name)
        for name in ("title", "summary", "easy_read", "decided_by", "decided_on", "stage")
    }
    form = DecisionForm(request.POST or None, project=decision.project, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form, lambda: services.update_decision(decision, **_decision_fields(form))
        )
        if saved is not None:
            messages.success(request, "Decision saved.")
            return redirect("feedback:decision", pk=decision.pk)
    return render(
        request,
        "feedback/decision_form.html",
        {"form": form, "project": decision.project, "decision": decision},
    )


@staff_required
def decision_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """Outcome and reason for each contribution, a page at a time: those still unanswered and
    those this decision answered already."""
    decision = _decision(request, pk)
    require(request, "feedback.record_decision", decision)
    candidates = selectors.contributions(decision.project).filter(
        Q(response__isnull=True) | Q(response__decision=decision)
    )
    kind = request.GET.get("kind", "")
    if kind in ContributionKind.values:
        candidates = candidates.filter(kind=kind)
    page = paginate(request, candidates)
    form = ResponsesForm(request.POST or None, contributions=list(page.object_list))
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        if not answers:
            form.add_error(None, "Choose what happened to at least one contribution.")
        else:
            saved = run_service(
                form,
                lambda: services.respond_to_many(
                    decision=decision, answers=answers, recorded_by=request.user
                ),
            )
            if saved is not None:
                messages.success(
                    request,
                    f"{len(saved)} {'response' if len(saved) == 1 else 'responses'} saved.",
                )
                return redirect(request.get_full_path())
    context = {
        "decision": decision,
        "project": decision.project,
        "form": form,
        "page": page,
        "kind": kind,
        "kinds": ContributionKind.choices,
    }
    return render(request, "feedback/decision_respond.html", context)


@staff_required
@require_POST
def decision_publish(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    require(request, "feedback.publish_decision", decision)
    if request.POST.get("action") == "withdraw":
        services.withdraw_decision(decision)
        messages.success(request, "The decision is no longer public.")
    else:
        services.publish_decision(decision)
        messages.success(request, "The decision is published in the decision log and its feed.")
    return redirect("feedback:decision", pk=decision.pk)


# ----- Staff: the public page and personal feedback -----------------------------------------------


@staff_required
def page_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    require(request, "feedback.change_page", project)
    existing = YouSaidWeDid.objects.filter(project=project).first()
    initial = (
        {
            "introduction": existing.introduction,
            "easy_read_introduction": existing.easy_read_introduction,
            "publish": existing.is_published,
        }
        if existing
        else {}
    )
    form = PageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.save_page(project, user=request.user, **form.cleaned_data),
        )
        if saved is not None:
            messages.success(
                request,
                "The page is published."
                if saved.is_published
                else "The page is saved, not published.",
            )
            return redirect("feedback:project", pk=project.pk)
    return render(
        request,
        "feedback/page_form.html",
        {"form": form, "project": project, "existing": existing},
    )


@staff_required
@require_POST
def feedback_send(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    require(request, "feedback.send_feedback", project)
    try:
        feedback_round = services.start_feedback_round(
            project, request.user, _public_link(request, project)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("feedback:project", pk=project.pk)
    messages.success(request, "Sending has started. This page shows how far it has got.")
    return redirect("feedback:round", pk=feedback_round.pk)


@staff_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    feedback_round = scoped_or_404(
        request, FeedbackRound.objects.select_related("project", "job", "requested_by"), pk
    )
    require(request, "feedback.send_feedback", feedback_round)
    context = {
        "round": feedback_round,
        "project": feedback_round.project,
        "counts": selectors.delivery_counts(feedback_round),
        "page": paginate(request, selectors.round_feedback(feedback_round)),
    }
    return render(request, "feedback/round_detail.html", context)


# ----- Public pages: no sign-in -------------------------------------------------------------------


def _published(slug: str, pk: int) -> YouSaidWeDid:
    try:
        return selectors.published_page(slug, pk)
    except YouSaidWeDid.DoesNotExist as missing:
        raise Http404 from missing


def _public_context(page: YouSaidWeDid) -> dict[str, Any]:
    project = page.project
    return {
        "you_said_we_did": page,
        "project": project,
        "organisation": project.organisation,
        "figures": selectors.public_figures(project),
    }


def public_page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    page = _published(slug, pk)
    context = _public_context(page)
    paginator = Paginator(selectors.public_responses(page.project), PUBLIC_PAGE_SIZE)
    listed = paginator.get_page(request.GET.get("page"))
    context["page"] = listed
    context["rows"] = selectors.public_rows(listed.object_list)
    return render(request, "feedback/public_page.html", context)


def public_easy_read(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    page = _published(slug, pk)
    context = _public_context(page)
    paginator = Paginator(selectors.public_responses(page.project), PUBLIC_PAGE_SIZE)
    listed = paginator.get_page(request.GET.get("page"))
    context["page"] = listed
    context["rows"] = selectors.public_rows(listed.object_list)
    context["intro_lines"] = [
        line.strip() for line in page.easy_read_introduction.splitlines() if line.strip()
    ]
    return render(request, "feedback/public_easy_read.html", context)


def public_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    page = _published(slug, pk)
    context = _public_context(page)
    responses = list(selectors.public_responses(page.project)[: PDF_LIMIT + 1])
    context["rows"] = selectors.public_rows(responses[:PDF_LIMIT])
    context["more"] = len(responses) > PDF_LIMIT
    context["link"] = _public_link(request, page.project)
    pdf = render_pdf("feedback/documents/you_said_we_did.html", context, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="you-said-we-did-{page.project_id}.pdf"'
    )
    return response


def decision_log(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    context = {
        "organisation": organisation,
        "form": form,
        "query": query,
        "extra": f"{urlencode({'q': query})}&" if query else "",
        "page": paginate(request, selectors.published_decisions(organisation, query)),
    }
    return render(request, "feedback/decision_log.html", context)


def public_decision(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    decision = get_object_or_404(
        Decision.objects.select_related("project", "organisation", "stage"),
        pk=pk,
        organisation__slug=slug,
        published_at__isnull=False,
    )
    paginator = Paginator(
        decision.responses.select_related("contribution", "contribution__stage", "decision"),
        PUBLIC_PAGE_SIZE,
    )
    listed = paginator.get_page(request.GET.get("page"))
    page = YouSaidWeDid.objects.filter(project=decision.project, published_at__isnull=False).first()
    context = {
        "decision": decision,
        "organisation": decision.organisation,
        "page": listed,
        "rows": selectors.public_rows(listed.object_list),
        "you_said_we_did": page,
    }
    return render(request, "feedback/public_decision.html", context)


# ----- A participant's own page ----------------------------------------------------------------


def my_feedback(request: HttpRequest) -> HttpResponse:
    """What the signed-in participant (or the one a facilitator acts for) took part in, what
    happened because of it, their payments and claims, and their data and consents."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    assisted = getattr(request, "assisted_participant", None)
    user: Any = assisted or request.user
    person = (
        Person.objects.filter(
            user_id=user.pk, merged_into__isnull=True, pseudonymised_at__isnull=True
        )
        .select_related("organisation")
        .first()
    )
    if person is None:
        return render(request, "feedback/no_record.html", status=403)
    context = selectors.participant_summary(person)
    context["person"] = person
    context["assisted"] = assisted is not None
    return render(request, "feedback/my_feedback.html", context)
