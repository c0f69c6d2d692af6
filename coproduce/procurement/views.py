"""Staff pages: setting up a tender, its bidders and clarifications, the panel, conflicts and
moderation. Nobody on a tender's panel sees its prices (`procurement.view_price`)."""

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coproduce.accounts.models import User
from coproduce.core.documents import render_pdf
from coproduce.core.views_helpers import (
    paginate,
    require,
    run_service,
    scoped_or_404,
    staff_required,
)
from coproduce.projects.models import CommissioningProject

from . import selectors, services
from .forms import (
    AssessmentForm,
    BidderForm,
    BriefingForm,
    ClarificationAnswerForm,
    CriterionForm,
    DescriptorsForm,
    EvaluatorForm,
    LotForm,
    ModerationForm,
    OfficersForm,
    QuestionForm,
    TenderForm,
)
from .models import (
    Answer,
    BidDocument,
    Clarification,
    ConflictDeclaration,
    ConflictOutcome,
    Criterion,
    Evaluator,
    EvaluatorKind,
    Lot,
    Question,
    Tender,
    TenderStatus,
)


def _tender(request: HttpRequest, pk: int) -> Tender:
    queryset = Tender.objects.select_related("project", "panel_method")
    return scoped_or_404(request, queryset, pk)  # type: ignore[no-any-return]


def _errors(error: ValidationError) -> list[str]:
    return error.messages


def posted(request: HttpRequest) -> Any:
    """The submitted data, even when empty (no boxes ticked), so the form is bound on POST."""
    return request.POST if request.method == "POST" else None


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in user (the views check sign-in before calling services)."""
    return cast(User, request.user)


@staff_required
def tender_list(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    require(request, "procurement.view_tender", organisation)
    status = request.GET.get("status", "")
    projects = CommissioningProject.objects.filter(organisation=organisation).order_by("title")
    context = {
        "page": paginate(request, selectors.tenders_for(organisation, status)),
        "status": status,
        "statuses": TenderStatus.choices,
        "projects": projects
        if request.user.has_perm("procurement.change_tender", organisation)
        else [],
    }
    return render(request, "procurement/tender_list.html", context)


@staff_required
def tender_create(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = scoped_or_404(request, CommissioningProject, project_pk)
    require(request, "procurement.change_tender", project)
    methods = services.evaluation_panel_methods(project)
    form = TenderForm(
        posted(request), request.FILES if request.method == "POST" else None, methods=methods
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        tender = run_service(
            form,
            lambda: services.create_tender(project, signed_in_user(request), **fields),
        )
        if tender:
            messages.success(request, "Tender set up. Add its criteria and questions.")
            return redirect("procurement:detail", pk=tender.pk)
    return render(request, "procurement/tender_form.html", {"form": form, "project": project})


@staff_required
def tender_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    require(request, "procurement.change_tender", tender)
    methods = services.evaluation_panel_methods(tender.project)
    form = TenderForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        instance=tender,
        methods=methods,
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(form, lambda: services.save_tender(form.save(commit=False)))
        if done:
            messages.success(request, "Changes saved.")
            return redirect("procurement:detail", pk=tender.pk)
    return render(
        request,
        "procurement/tender_form.html",
        {"form": form, "tender": tender, "project": tender.project},
    )


@staff_required
def tender_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    require(request, "procurement.view_tender", tender)
    return _render_detail(request, tender)


def _render_detail(
    request: HttpRequest, tender: Tender, action_errors: list[str] | None = None
) -> HttpResponse:
    context = {
        "tender": tender,
        "lots": tender.lots.all(),
        "criteria": tender.criteria.prefetch_related("questions__lot"),
        "descriptors": tender.descriptors.all(),
        "problems": services.setup_problems(tender) if tender.status == TenderStatus.DRAFT else [],
        "scoring_problems": (
            services.scoring_problems(tender) if tender.status == TenderStatus.EVALUATION else []
        ),
        "progress": selectors.scoring_progress(tender)
        if tender.status == TenderStatus.SCORING
        else [],
        "sessions": selectors.discussion_sessions(tender),
        "action_errors": action_errors,
        "can_change": request.user.has_perm("procurement.change_tender", tender),
        "can_moderate": request.user.has_perm("procurement.moderate", tender),
        "is_draft": tender.status == TenderStatus.DRAFT,
    }
    return render(
        request, "procurement/tender_detail.html", context, status=400 if action_errors else 200
    )


def _status_action(
    request: HttpRequest, pk: int, action: Callable[[Tender], Any], done: str
) -> HttpResponse:
    tender = _tender(request, pk)
    require(request, "procurement.change_tender", tender)
    try:
        action(tender)
    except ValidationError as error:
        return _render_detail(request, tender, action_errors=_errors(error))
    messages.success(request, done)
    return redirect("procurement:detail", pk=tender.pk)


@staff_required
@require_POST
def tender_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_action(
        request,
        pk,
        lambda t: services.open_for_bids(t, signed_in_user(request)),
        "The tender is open for bids. Bidders can now see it.",
    )


@staff_required
@require_POST
def tender_close_bids(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_action(request, pk, services.close_bids, "Bids are closed.")


@staff_required
@require_POST
def tender_start_scoring(request: HttpRequest, pk: int) -> HttpResponse:
    def link_for(evaluator: Evaluator) -> str:
        return request.build_absolute_uri(reverse("procurement:evaluation", args=[evaluator.pk]))

    return _status_action(
        request,
        pk,
        lambda t: services.start_scoring(t, signed_in_user(request), link_for),
        "Scoring has started. Lay evaluators have been told they can begin.",
    )


@staff_required
def scale_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    require(request, "procurement.change_tender", tender)
    form = DescriptorsForm(posted(request), tender=tender)
    if request.method == "POST" and form.is_valid():
        done = run_service(form, lambda: services.save_descriptors(tender, form.meanings()) or True)
        if done:
            messages.success(request, "Scoring scale saved.")
            return redirect("procurement:detail", pk=tender.pk)
    return render(request, "procurement/scale_form.html", {"form": form, "tender": tender})


def _part_form(
    request: HttpRequest,
    tender: Tender,
    form: Any,
    save: Callable[[Any], Any],
    what: str,
) -> HttpResponse | None:
    if request.method == "POST" and form.is_valid():
        done = run_service(form, lambda: save(form.save(commit=False)))
        if done:
            messages.success(request, f"{what} saved.")
            return redirect("procurement:detail", pk=tender.pk)
    return None


@staff_required
def lot_form(
    request: HttpRequest, pk: int | None = None, lot_pk: int | None = None
) -> HttpResponse:
    lot = scoped_or_404(request, Lot.objects.select_related("tender"), lot_pk) if lot_pk else None
    tender = lot.tender if lot else _tender(request, pk)  # type: ignore[arg-type]
    require(request, "procurement.change_tender", tender)
    form = LotForm(posted(request), instance=lot or Lot(tender=tender))
    done = _part_form(request, tender, form, services.save_lot, "Lot")
    return done or render(
        request,
        "procurement/part_form.html",
        {"form": form, "tender": tender, "what": "lot", "editing": lot},
    )


@staff_required
def criterion_form(
    request: HttpRequest, pk: int | None = None, criterion_pk: int | None = None
) -> HttpResponse:
    criterion = (
        scoped_or_404(request, Criterion.objects.select_related("tender"), criterion_pk)
        if criterion_pk
        else None
    )
    tender = criterion.tender if criterion else _tender(request, pk)  # type: ignore[arg-type]
    require(request, "procurement.change_tender", tender)
    form = CriterionForm(
        posted(request),
        instance=criterion or Criterion(tender=tender, position=tender.criteria.count() + 1),
    )
    done = _part_form(request, tender, form, services.save_criterion, "Criterion")
    return done or render(
        request,
        "procurement/part_form.html",
        {"form": form, "tender": tender, "what": "criterion", "editing": criterion},
    )


@staff_required
def question_form(
    request: HttpRequest, pk: int | None = None, question_pk: int | None = None
) -> HttpResponse:
    question = (
        scoped_or_404(request, Question.objects.select_related("tender"), question_pk)
        if question_pk
        else None
    )
    tender = question.tender if question else _tender(request, pk)  # type: ignore[arg-type]
    require(request, "procurement.change_tender", tender)
    form = QuestionForm(
        posted(request), instance=question or Question(tender=tender), tender=tender
    )
    done = _part_form(request, tender, form, services.save_question, "Question")
    return done or render(
        request,
        "procurement/question_form.html",
        {"form": form, "tender": tender, "editing": question},
    )


# Bidders, bids and clarifications


@staff_required
def bidders(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    require(request, "procurement.view_tender", tender)
    can_change = request.user.has_perm("procurement.change_tender", tender)
    form = BidderForm(posted(request), tender=tender)
    if request.method == "POST":
        require(request, "procurement.change_tender", tender)
        if form.is_valid():
            data = form.cleaned_data
            added = run_service(
                form,
                lambda: services.add_bidder(
                    tender, data["name"], data["users"], data["contact_email"]
                ),
            )
            if added:
                messages.success(
                    request,
                    f"{added.name} added. The people who act for it can now see the tender.",
                )
                return redirect("procurement:bidders", pk=tender.pk)
    context = {
        "tender": tender,
        "bidders": tender.bidders.prefetch_related("users"),
        "bids": selectors.bids_for(tender),
        "show_price": request.user.has_perm("procurement.view_price", tender),
        "form": form,
        "can_change": can_change,
    }
    return render(request, "procurement/bidders.html", context, status=400 if form.errors else 200)


@staff_required
def document_download(request: HttpRequest, pk: int) -> Any:
    document = scoped_or_404(request, BidDocument.objects.select_related("bid__tender"), pk)
    require(request, "procurement.change_tender", document.bid.tender)
    return file_response(document.file)


@staff_required
def clarifications(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    require(request, "procurement.view_tender", tender)
    context = {
        "tender": tender,
        "clarifications": tender.clarifications.select_related("bidder").order_by(
            "published_at", "asked_at"
        ),
        "can_answer": request.user.has_perm("procurement.answer_clarification", tender),
    }
    return render(request, "procurement/clarifications.html", context)


@staff_required
def clarification_answer(request: HttpRequest, pk: int) -> HttpResponse:
    clarification = scoped_or_404(
        request, Clarification.objects.select_related("tender", "bidder"), pk
    )
    require(request, "procurement.answer_clarification", clarification.tender)
    form = ClarificationAnswerForm(posted(request), initial={"answer": clarification.answer})
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.answer_clarification(
                clarification, form.cleaned_data["answer"], signed_in_user(request)
            ),
        )
        if done:
            messages.success(request, "Answer published to every bidder.")
            return redirect("procurement:clarifications", pk=clarification.tender_id)
    context = {"form": form, "clarification": clarification, "tender": clarification.tender}
    return render(request, "procurement/clarification_answer.html", context)


# The panel


@staff_required
def panel(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    require(request, "procurement.view_tender", tender)
    can_manage = request.user.has_perm("procurement.manage_panel", tender)
    form = EvaluatorForm(posted(request), tender=tender)
    if request.method == "POST":
        require(request, "procurement.manage_panel", tender)
        if form.is_valid():
            data = form.cleaned_data
            added = run_service(
                form,
                lambda: services.add_evaluator(
                    tender, data["kind"], user=data["user"], person=data["person"]
                ),
            )
            if added:
                messages.success(request, f"Added to the panel as {added.code}.")
                return redirect("procurement:panel", pk=tender.pk)
    evaluators = tender.evaluators.select_related("person", "user", "briefing").prefetch_related(
        "assignments__question"
    )
    context = {
        "tender": tender,
        "evaluators": evaluators,
        "coverage": services.coverage(tender),
        "briefings": tender.briefings.select_related("led_by"),
        "form": form,
        "can_manage": can_manage,
        "can_enter_paper": request.user.has_perm("procurement.enter_paper_scores", tender),
        "sessions": selectors.discussion_sessions(tender),
    }
    return render(request, "procurement/panel.html", context, status=400 if form.errors else 200)


@staff_required
def briefing(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    require(request, "procurement.manage_panel", tender)
    form = BriefingForm(posted(request), tender=tender)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.record_briefing(
                tender,
                held_on=data["held_on"],
                led_by=signed_in_user(request),
                attendees=data["attendees"],
                plain_guide_given=data["plain_guide_given"],
                flow_chart_given=data["flow_chart_given"],
                guide_link=data["guide_link"],
                notes=data["notes"],
            ),
        )
        if saved:
            messages.success(
                request, "Briefing recorded. Those who came can now choose their questions."
            )
            return redirect("procurement:panel", pk=tender.pk)
    return render(request, "procurement/briefing_form.html", {"form": form, "tender": tender})


@staff_required
def question_officers(request: HttpRequest, pk: int) -> HttpResponse:
    question = scoped_or_404(request, Question.objects.select_related("tender"), pk)
    tender = question.tender
    require(request, "procurement.manage_panel", tender)
    current = question.assignments.filter(evaluator__kind=EvaluatorKind.OFFICER).values_list(
        "evaluator_id", flat=True
    )
    form = OfficersForm(posted(request), tender=tender, initial={"officers": list(current)})
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form, lambda: services.assign_officers(question, form.cleaned_data["officers"]) or True
        )
        if done:
            messages.success(request, f"Officers for question {question.number} saved.")
            return redirect("procurement:panel", pk=tender.pk)
    return render(
        request,
        "procurement/officers_form.html",
        {"form": form, "tender": tender, "question": question},
    )


@staff_required
def flow_chart(request: HttpRequest, pk: int) -> Any:
    tender = _tender(request, pk)
    require(request, "procurement.view_tender", tender)
    return flow_chart_response(tender)


def flow_chart_response(tender: Tender) -> Any:
    """The flow chart of the evaluation process: the one uploaded, or else the standard one
    in large print made from the tender's own dates and scale."""
    if tender.process_flow_chart:
        return file_response(tender.process_flow_chart)
    pdf = render_pdf(
        "procurement/documents/evaluation_process.html",
        {"tender": tender, "steps": services.evaluation_process_steps(tender)},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="how-scoring-works.pdf"'
    return response


def file_response(field: Any) -> Any:
    """A private upload, downloaded: only ever after the caller's permission check."""
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=str(field.name).rsplit("/", 1)[-1]
    )


# Conflicts


@staff_required
def conflicts(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    require(request, "procurement.view_tender", tender)
    context = {
        "tender": tender,
        "declarations": selectors.declarations_for(tender),
        "can_assess": request.user.has_perm("procurement.assess_conflict", tender),
        "awaiting": ConflictOutcome.AWAITING,
    }
    return render(request, "procurement/conflicts.html", context)


@staff_required
def conflict_assess(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = scoped_or_404(
        request,
        ConflictDeclaration.objects.select_related(
            "evaluator__tender", "evaluator__person", "bidder"
        ),
        pk,
    )
    tender = declaration.evaluator.tender
    require(request, "procurement.assess_conflict", tender)
    initial = {"outcome": declaration.outcome, "mitigation": declaration.mitigation}
    form = AssessmentForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form,
            lambda: services.assess_conflict(
                declaration,
                outcome=data["outcome"],
                mitigation=data["mitigation"],
                by=signed_in_user(request),
            ),
        ):
            messages.success(request, "Assessment recorded.")
            return redirect("procurement:conflicts", pk=tender.pk)
    context = {"form": form, "declaration": declaration, "tender": tender}
    return render(request, "procurement/conflict_assess.html", context)


# Moderation


@staff_required
def moderation(request: HttpRequest, pk: int) -> HttpResponse:
    question = scoped_or_404(request, Question.objects.select_related("tender", "criterion"), pk)
    tender = question.tender
    require(request, "procurement.moderate", tender)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.open_moderation(question)
            messages.success(request, f"Moderation is open for question {question.number}.")
            return redirect("procurement:moderation", pk=question.pk)
        except ValidationError as raised:
            errors = raised.messages
    context = {
        "tender": tender,
        "question": question,
        "is_open": question.moderation_opened_at is not None,
        # Nobody sees the scores before moderation opens for the question.
        "rows": selectors.moderation_rows(question) if question.moderation_opened_at else [],
        "waiting": [] if question.moderation_opened_at else services.unsubmitted_for(question),
        "errors": errors,
    }
    return render(request, "procurement/moderation.html", context, status=400 if errors else 200)


@staff_required
def moderate_answer(request: HttpRequest, pk: int) -> HttpResponse:
    answer = scoped_or_404(
        request, Answer.objects.select_related("question__tender", "bid__bidder", "bid__lot"), pk
    )
    question = answer.question
    tender = question.tender
    require(request, "procurement.moderate", tender)
    if question.moderation_opened_at is None:
        raise Http404
    row = next(r for r in selectors.moderation_rows(question) if r.answer.pk == answer.pk)
    existing = getattr(answer, "moderation", None)
    initial: dict[str, Any] = {}
    if existing:
        initial = {"consensus_score": existing.consensus_score, "rationale": existing.rationale}
        for score in row.scores:
            explanation = getattr(score, "explanation", None)
            if explanation:
                initial[f"explanation_{score.pk}"] = explanation.explanation
    form = ModerationForm(
        posted(request),
        initial=initial,
        descriptors=tender.descriptors.all(),
        scores=row.scores,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form,
            lambda: services.moderate(
                answer,
                consensus_score=data["consensus_score"],
                rationale=data["rationale"],
                explanations=form.explanations(),
                by=signed_in_user(request),
            ),
        ):
            messages.success(request, "Agreed score recorded.")
            return redirect("procurement:moderation", pk=question.pk)
    context = {
        "form": form,
        "row": row,
        "answer": answer,
        "question": question,
        "tender": tender,
        "explanation_fields": [form[f"explanation_{s.pk}"] for s in row.scores],
    }
    return render(
        request, "procurement/moderate_answer.html", context, status=400 if form.errors else 200
    )
