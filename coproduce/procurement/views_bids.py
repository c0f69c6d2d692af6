"""Bidders' pages under /bids/: the tenders they are invited to, their own bids (answers with
word counts, documents, price), and the clarification log.

A provider user sees only the bidders they act for: any other bidder, bid or document is "not
found". These pages never name an evaluator, and never say who asked a clarification.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from coproduce.core.views_helpers import run_service

from . import selectors, services
from .forms import AnswerForm, ClarificationForm, DocumentForm, PriceForm
from .models import Bid, Bidder, BidDocument, BidStatus, TenderStatus
from .views import file_response, posted, signed_in_user


def _signed_in(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _bidder(request: HttpRequest, pk: int) -> Bidder:
    bidder = get_object_or_404(
        Bidder.objects.select_related("tender").filter(tender__opened_at__isnull=False), pk=pk
    )
    if not request.user.has_perm("procurement.act_for_bidder", bidder):
        raise Http404
    return bidder


def _bid(request: HttpRequest, pk: int) -> Bid:
    bid = get_object_or_404(Bid.objects.select_related("tender", "lot", "bidder"), pk=pk)
    if not request.user.has_perm("procurement.act_for_bidder", bid):
        raise Http404
    return bid


def bids_home(request: HttpRequest) -> HttpResponse:
    if redirect_response := _signed_in(request):
        return redirect_response
    bidders = selectors.bidders_for_user(signed_in_user(request))
    return render(request, "procurement/bids/home.html", {"bidders": bidders})


def bid_tender(request: HttpRequest, pk: int) -> HttpResponse:
    if redirect_response := _signed_in(request):
        return redirect_response
    bidder = _bidder(request, pk)
    tender = bidder.tender
    form = ClarificationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.ask_clarification(
                bidder, form.cleaned_data["question"], signed_in_user(request)
            ),
        )
        if done:
            messages.success(request, "Question sent. The answer will be shared with every bidder.")
            return redirect("procurement:bid-tender", pk=bidder.pk)
    bids = {bid.lot_id: bid for bid in bidder.bids.all()}
    context = {
        "bidder": bidder,
        "tender": tender,
        "lots": [(lot, bids.get(lot.pk)) for lot in tender.lots.all()],
        "criteria": tender.criteria.prefetch_related("questions"),
        "descriptors": tender.descriptors.all(),
        "clarifications": selectors.published_clarifications(tender),
        "waiting": bidder.clarifications.filter(published_at__isnull=True).count(),
        "form": form,
        "is_open": tender.status == TenderStatus.OPEN,
    }
    return render(
        request, "procurement/bids/tender.html", context, status=400 if form.errors else 200
    )


@require_POST
def bid_start(request: HttpRequest, pk: int, lot_pk: int) -> HttpResponse:
    if redirect_response := _signed_in(request):
        return redirect_response
    bidder = _bidder(request, pk)
    lot = get_object_or_404(bidder.tender.lots, pk=lot_pk)
    try:
        bid = services.start_bid(bidder, lot)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("procurement:bid-tender", pk=bidder.pk)
    return redirect("procurement:bid", pk=bid.pk)


def bid_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if redirect_response := _signed_in(request):
        return redirect_response
    bid = _bid(request, pk)
    return _render_bid(request, bid)


def _render_bid(
    request: HttpRequest, bid: Bid, submit_errors: list[str] | None = None
) -> HttpResponse:
    answers = {a.question_id: a for a in bid.answers.all()}
    context = {
        "bid": bid,
        "tender": bid.tender,
        "questions": [(q, answers.get(q.pk)) for q in services.questions_for(bid)],
        "documents": bid.documents.select_related("question"),
        "editable": bid.status == BidStatus.DRAFT and bid.tender.status == TenderStatus.OPEN,
        "submit_errors": submit_errors,
    }
    return render(
        request, "procurement/bids/bid.html", context, status=400 if submit_errors else 200
    )


def bid_answer(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    if redirect_response := _signed_in(request):
        return redirect_response
    bid = _bid(request, pk)
    question = get_object_or_404(services.questions_for(bid), pk=question_pk)
    answer = bid.answers.filter(question=question).first()
    initial = {"text": answer.text, "easy_read_text": answer.easy_read_text} if answer else {}
    form = AnswerForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form, lambda: services.save_answer(bid, question, data["text"], data["easy_read_text"])
        )
        if saved:
            messages.success(
                request,
                f"Answer to question {question.number} saved: {saved.word_count} words"
                + (f" of {question.word_limit}." if question.word_limit else "."),
            )
            return redirect("procurement:bid", pk=bid.pk)
    typed = form.data.get("text", answer.text if answer else "")
    context = {
        "form": form,
        "bid": bid,
        "question": question,
        "answer": answer,
        "word_hint": (
            f"Up to {question.word_limit} words. Your answer has "
            f"{services.count_words(typed or '')} words."
        )
        if question.word_limit
        else "",
    }
    return render(
        request, "procurement/bids/answer.html", context, status=400 if form.errors else 200
    )


def bid_price(request: HttpRequest, pk: int) -> HttpResponse:
    if redirect_response := _signed_in(request):
        return redirect_response
    bid = _bid(request, pk)
    form = PriceForm(posted(request), initial={"price": bid.price})
    if request.method == "POST" and form.is_valid():
        done = run_service(form, lambda: services.save_price(bid, form.cleaned_data["price"]))
        if done:
            messages.success(request, "Price saved.")
            return redirect("procurement:bid", pk=bid.pk)
    context = {"form": form, "bid": bid}
    return render(
        request, "procurement/bids/price.html", context, status=400 if form.errors else 200
    )


def bid_documents(request: HttpRequest, pk: int) -> HttpResponse:
    if redirect_response := _signed_in(request):
        return redirect_response
    bid = _bid(request, pk)
    questions = services.questions_for(bid)
    form = DocumentForm(
        posted(request), request.FILES if request.method == "POST" else None, questions=questions
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.add_document(
                bid,
                data["file"],
                data["title"],
                signed_in_user(request),
                kind=data["kind"],
                question=data["question"],
            ),
        )
        if saved:
            messages.success(request, f"{saved.title} uploaded.")
            return redirect("procurement:bid", pk=bid.pk)
    context = {"form": form, "bid": bid}
    return render(
        request, "procurement/bids/document.html", context, status=400 if form.errors else 200
    )


def bid_document_download(request: HttpRequest, pk: int) -> Any:
    if redirect_response := _signed_in(request):
        return redirect_response
    document = get_object_or_404(BidDocument.objects.select_related("bid"), pk=pk)
    if not request.user.has_perm("procurement.act_for_bidder", document.bid):
        raise Http404
    return file_response(document.file)


@require_POST
def bid_submit(request: HttpRequest, pk: int) -> HttpResponse:
    if redirect_response := _signed_in(request):
        return redirect_response
    bid = _bid(request, pk)
    try:
        services.submit_bid(bid, signed_in_user(request))
    except ValidationError as error:
        return _render_bid(request, bid, submit_errors=error.messages)
    messages.success(request, "Bid submitted. It can no longer be changed.")
    return redirect("procurement:bid", pk=bid.pk)
