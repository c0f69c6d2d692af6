"""An evaluator's own pages, under "My involvement": the plain guide, conflicts of interest
for each bidder, choosing questions after the briefing, and scoring at their own pace.

Lay evaluators use them signed in, or through a facilitator in assisted mode; a facilitator
can also open a lay evaluator's pages to type in scores given on paper (recorded as entered
by the facilitator, for the evaluator). Prices never appear here.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from coproduce.accounts.roles import staff_organisation_ids
from coproduce.core.views_helpers import run_service

from . import selectors, services
from .forms import ChooseQuestionsForm, DeclarationForm, ScoreForm
from .models import Answer, BidDocument, Evaluator, EvaluatorKind, Score, TenderStatus
from .views import file_response, flow_chart_response, posted, signed_in_user


def _signed_in(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _evaluator(request: HttpRequest, pk: int) -> Evaluator:
    """The evaluator whose pages these are, if the visitor is them (or acting for them in
    assisted mode), or may enter their paper scores. Anyone else: 404, or 403 for the
    tender organisation's other staff."""
    evaluator = get_object_or_404(
        Evaluator.objects.select_related("tender__project", "person", "user", "briefing"), pk=pk
    )
    acting = getattr(request, "assisted_participant", None) or request.user
    if evaluator.user_id is not None and acting.pk == evaluator.user_id:
        return evaluator
    if request.user.has_perm("procurement.evaluate", evaluator):
        return evaluator
    if evaluator.is_lay and request.user.has_perm("procurement.enter_paper_scores", evaluator):
        return evaluator
    if evaluator.organisation_id in staff_organisation_ids(request.user):
        raise PermissionDenied
    raise Http404


def _for_someone_else(request: HttpRequest, evaluator: Evaluator) -> bool:
    """True when a facilitator is entering what the evaluator said on paper."""
    return evaluator.user_id != request.user.pk


def evaluation_list(request: HttpRequest) -> HttpResponse:
    if redirect_response := _signed_in(request):
        return redirect_response
    acting = getattr(request, "assisted_participant", None) or signed_in_user(request)
    roles = selectors.evaluator_roles(acting)
    return render(request, "procurement/evaluation/list.html", {"roles": roles})


def evaluation_home(request: HttpRequest, pk: int) -> HttpResponse:
    if redirect_response := _signed_in(request):
        return redirect_response
    evaluator = _evaluator(request, pk)
    tender = evaluator.tender
    declarations = {d.bidder_id: d for d in evaluator.declarations.all()}
    bidders = [(b, declarations.get(b.pk)) for b in tender.bidders.order_by("name")]
    can_score = services.may_see_bids(evaluator)
    answers = (
        list(services.answers_to_score(evaluator).select_related("bid__bidder"))
        if can_score
        else []
    )
    my_scores = {s.answer_id: s for s in evaluator.scores.all()}
    context = {
        "evaluator": evaluator,
        "tender": tender,
        "bidders": bidders,
        "assignments": evaluator.assignments.select_related("question").order_by(
            "question__number"
        ),
        "can_choose": evaluator.kind != EvaluatorKind.OFFICER
        and tender.status in (TenderStatus.OPEN, TenderStatus.EVALUATION),
        "can_score": can_score,
        "answers": [(a, my_scores.get(a.pk)) for a in answers],
        "on_paper": _for_someone_else(request, evaluator),
        "sessions": selectors.discussion_sessions(tender),
    }
    return render(request, "procurement/evaluation/home.html", context)


def evaluation_declare(request: HttpRequest, pk: int, bidder_pk: int) -> HttpResponse:
    if redirect_response := _signed_in(request):
        return redirect_response
    evaluator = _evaluator(request, pk)
    bidder = get_object_or_404(evaluator.tender.bidders, pk=bidder_pk)
    current = evaluator.declarations.filter(bidder=bidder).first()
    initial = {}
    if current:
        initial = {
            "has_conflict": "yes" if current.has_conflict else "no",
            "nature": current.nature,
        }
    form = DeclarationForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form,
            lambda: services.declare(
                evaluator,
                bidder,
                has_conflict=data["has_conflict"],
                nature=data["nature"],
                by=signed_in_user(request),
            ),
        ):
            messages.success(request, f"Your answer about {bidder.name} is saved.")
            return redirect("procurement:evaluation", pk=evaluator.pk)
    context = {"form": form, "evaluator": evaluator, "bidder": bidder, "current": current}
    return render(
        request, "procurement/evaluation/declare.html", context, status=400 if form.errors else 200
    )


def evaluation_choose(request: HttpRequest, pk: int) -> HttpResponse:
    if redirect_response := _signed_in(request):
        return redirect_response
    evaluator = _evaluator(request, pk)
    if evaluator.kind == EvaluatorKind.OFFICER:
        raise Http404
    questions = services.choosable_questions(evaluator)
    chosen = list(evaluator.assignments.values_list("question_id", flat=True))
    form = ChooseQuestionsForm(posted(request), questions=questions, initial={"questions": chosen})
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.choose_questions(evaluator, form.cleaned_data["questions"]) or True,
        )
        if done:
            messages.success(request, "Your choice of questions is saved.")
            return redirect("procurement:evaluation", pk=evaluator.pk)
    context = {
        "form": form,
        "evaluator": evaluator,
        "tender": evaluator.tender,
        "questions": questions,
    }
    return render(
        request, "procurement/evaluation/choose.html", context, status=400 if form.errors else 200
    )


def evaluation_score(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    if redirect_response := _signed_in(request):
        return redirect_response
    evaluator = _evaluator(request, pk)
    if not services.may_see_bids(evaluator):
        raise Http404
    # Only answers this evaluator scores: never an excluded bidder's.
    answer: Answer = get_object_or_404(
        services.answers_to_score(evaluator).select_related("question__criterion"), pk=answer_pk
    )
    score = Score.objects.filter(evaluator=evaluator, answer=answer).first()
    initial: dict[str, Any] = {}
    if score:
        initial = {"score": score.score, "justification": score.justification}
    descriptors = evaluator.tender.descriptors.all()
    form = ScoreForm(posted(request), initial=initial, descriptors=descriptors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        submit = "submit" in request.POST
        saved = run_service(
            form,
            lambda: services.save_score(
                evaluator,
                answer,
                score=data["score"],
                justification=data["justification"],
                entered_by=signed_in_user(request),
                submit=submit,
            ),
        )
        if saved:
            messages.success(
                request,
                "Score submitted. Thank you." if submit else "Saved. You can come back to it.",
            )
            return redirect("procurement:evaluation", pk=evaluator.pk)
    documents = BidDocument.objects.filter(bid=answer.bid, question=answer.question)
    context = {
        "form": form,
        "evaluator": evaluator,
        "answer": answer,
        "question": answer.question,
        "score": score,
        "easy_read": evaluator.kind == EvaluatorKind.EASY_READ_PANEL,
        "documents": documents,
        "on_paper": _for_someone_else(request, evaluator),
    }
    return render(
        request, "procurement/evaluation/score.html", context, status=400 if form.errors else 200
    )


def evaluation_flow_chart(request: HttpRequest, pk: int) -> Any:
    if redirect_response := _signed_in(request):
        return redirect_response
    evaluator = _evaluator(request, pk)
    return flow_chart_response(evaluator.tender)


def evaluation_document(request: HttpRequest, pk: int, document_pk: int) -> Any:
    if redirect_response := _signed_in(request):
        return redirect_response
    evaluator = _evaluator(request, pk)
    if not services.may_see_bids(evaluator):
        raise Http404
    visible = services.answers_to_score(evaluator).values("bid_id")
    document = get_object_or_404(BidDocument.objects.filter(bid_id__in=visible), pk=document_pk)
    return file_response(document.file)
