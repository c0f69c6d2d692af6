from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import roles_of
from coproduce.core.documents import render_pdf
from coproduce.core.views_helpers import require, run_service, scoped_or_404, staff_required
from coproduce.procurement.models import Bid, BidStatus, EvaluatorKind, Tender

from . import marks, ocds, selectors, services
from .forms import AwardForm, DatesForm, FeedbackCommentForm, FeedbackSessionForm, SignOffForm
from .models import Award, FeedbackSession

LAY_KINDS = [EvaluatorKind.LAY, EvaluatorKind.EASY_READ_PANEL]


def _tender(request: HttpRequest, pk: int) -> Tender:
    return scoped_or_404(request, Tender.objects.select_related("organisation"), pk)  # type: ignore[no-any-return]


def _award(request: HttpRequest, pk: int) -> Award:
    return scoped_or_404(request, selectors.award_queryset(), pk)  # type: ignore[no-any-return]


def _error_messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


@staff_required
def tender_awards(request: HttpRequest, pk: int) -> HttpResponse:
    """The tender's award page: each lot's award and where to go next."""
    tender = _tender(request, pk)
    require(request, "awards.view_award", tender)
    awards = {award.lot_id: award for award in selectors.awards_for(tender)}
    lots = [(lot, awards.get(lot.pk)) for lot in tender.lots.order_by("number")]
    user = request.user
    context = {
        "tender": tender,
        "lots": lots,
        "can_see_totals": user.has_perm("awards.view_totals", tender),
        "can_record": user.has_perm("awards.record_award", tender),
        "can_see_report": user.has_perm("awards.view_panel_report", tender),
        "can_record_feedback": user.has_perm("awards.record_feedback", tender),
    }
    return render(request, "awards/tender_awards.html", context)


@staff_required
def totals(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    require(request, "awards.view_totals", tender)
    context = {"tender": tender, "lots": selectors.tender_totals(tender)}
    return render(request, "awards/totals.html", context)


@staff_required
def marks_spreadsheet(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    require(request, "awards.view_totals", tender)
    response = HttpResponse(
        marks.marks_workbook(tender),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="marks-tender-{tender.pk}.xlsx"'
    return response


@staff_required
def award_create(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    require(request, "awards.record_award", tender)
    lots = tender.lots.exclude(awards__isnull=False).order_by("number")
    bids = (
        Bid.objects.filter(tender=tender, status=BidStatus.SUBMITTED, lot__in=lots)
        .select_related("bidder", "lot")
        .order_by("lot__number", "bidder__name")
    )
    form = AwardForm(request.POST or None, lots=lots, bids=bids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        award = run_service(
            form,
            lambda: services.record_award(
                tender,
                data["lot"],
                data["winning_bid"],
                by=request.user,
                reason_not_preferred=data["reason_not_preferred"],
                standstill_days=data["standstill_days"],
            ),
        )
        if award:
            messages.success(request, "Award recorded. The decision-maker can now sign it off.")
            return redirect("awards:detail", pk=award.pk)
    context = {"tender": tender, "form": form, "lots": selectors.tender_totals(tender, lots)}
    return render(request, "awards/award_form.html", context, status=400 if form.errors else 200)


def _render_detail(
    request: HttpRequest,
    award: Award,
    sign_off_form: SignOffForm | None = None,
    dates_form: DatesForm | None = None,
    tell_errors: list[str] | None = None,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    bids = (
        Bid.objects.filter(lot=award.lot, status=BidStatus.SUBMITTED)
        .select_related("bidder")
        .order_by("bidder__name")
    )
    context = {
        "award": award,
        "tender": award.tender,
        "bids": bids,
        "sign_off_form": sign_off_form or SignOffForm(),
        "dates_form": dates_form
        or DatesForm(
            initial={
                "notice_date": award.notice_date,
                "contract_entered_on": award.contract_entered_on,
            }
        ),
        "standstill_ended": award.standstill_ends_on is not None
        and award.standstill_ends_on < today,
        "tell_errors": tell_errors,
        "can_sign_off": user.has_perm("awards.sign_off", award),
        "can_change": user.has_perm("awards.record_award", award),
        "can_tell": user.has_perm("awards.tell_lay_evaluators", award),
        "can_see_summaries": user.has_perm("awards.view_totals", award),
        "lay_evaluators": services.lay_evaluators(award.tender),
    }
    failed = sign_off_form is not None or dates_form is not None or tell_errors
    return render(request, "awards/award_detail.html", context, status=400 if failed else 200)


@staff_required
def award_detail(request: HttpRequest, pk: int) -> HttpResponse:
    award = _award(request, pk)
    require(request, "awards.view_award", award)
    return _render_detail(request, award)


@staff_required
@require_POST
def award_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    award = _award(request, pk)
    require(request, "awards.sign_off", award)
    form = SignOffForm(request.POST)
    if form.is_valid():
        note = form.cleaned_data["sign_off_note"]
        if run_service(form, lambda: services.sign_off(award, by=request.user, note=note)):
            messages.success(request, "Award signed off.")
            return redirect("awards:detail", pk=award.pk)
    return _render_detail(request, award, sign_off_form=form)


@staff_required
@require_POST
def award_dates(request: HttpRequest, pk: int) -> HttpResponse:
    award = _award(request, pk)
    require(request, "awards.record_award", award)
    form = DatesForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.record_dates(
                award,
                notice_date=data["notice_date"],
                contract_entered_on=data["contract_entered_on"],
            ),
        )
        if saved:
            messages.success(request, "Dates saved.")
            return redirect("awards:detail", pk=award.pk)
    return _render_detail(request, award, dates_form=form)


@staff_required
@require_POST
def award_tell(request: HttpRequest, pk: int) -> HttpResponse:
    award = _award(request, pk)
    require(request, "awards.tell_lay_evaluators", award)
    try:
        deliveries = services.tell_lay_evaluators(award, by=request.user)
    except ValidationError as error:
        return _render_detail(request, award, tell_errors=_error_messages(error))
    messages.success(
        request, f"Lay evaluators told: {len(deliveries)} messages sent or waiting to be sent."
    )
    return redirect("awards:detail", pk=award.pk)


# --- Assessment summaries (staff and the bidder) -----------------------------------------------


def _summary(request: HttpRequest, pk: int, bid_pk: int) -> selectors.AssessmentSummary:
    """Staff of the organisation, or a provider user acting for the bidder once the award
    notice is published. Anyone else: not found (or forbidden if in the organisation)."""
    member_of = list(roles_of(request.user))
    award = get_object_or_404(selectors.award_queryset(), pk=pk, organisation_id__in=member_of)
    bid = get_object_or_404(
        Bid.objects.select_related("bidder"),
        pk=bid_pk,
        lot=award.lot,
        status=BidStatus.SUBMITTED,
    )
    require(request, "awards.view_assessment_summary", bid)
    if award.notice_date is None and not request.user.has_perm("awards.view_totals", award):
        raise Http404("The assessment summary is not published yet.")
    return selectors.assessment_summary(award, bid)


def assessment_summary(request: HttpRequest, pk: int, bid_pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    summary = _summary(request, pk, bid_pk)
    return render(request, "awards/assessment_summary.html", {"summary": summary})


def assessment_summary_pdf(request: HttpRequest, pk: int, bid_pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    summary = _summary(request, pk, bid_pk)
    pdf = render_pdf(
        "awards/documents/assessment_summary.html",
        {"summary": summary, "organisation": summary.award.tender.organisation},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="assessment-summary-{pk}-{bid_pk}.pdf"'
    return response


# --- After the award: the panel ----------------------------------------------------------------


@staff_required
def panel_report(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    require(request, "awards.view_panel_report", tender)
    context = {"tender": tender, "rows": selectors.panel_report(tender)}
    return render(request, "awards/panel_report.html", context)


@staff_required
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    require(request, "awards.record_feedback", tender)
    form = FeedbackSessionForm(
        request.POST or None,
        instance=FeedbackSession(tender=tender, recorded_by=request.user),  # type: ignore[misc]
    )
    if request.method == "POST" and form.is_valid():
        session = run_service(form, lambda: services.save_feedback_session(form.save(commit=False)))
        if session:
            messages.success(request, "Feedback session added. Now record what people said.")
            return redirect("awards:feedback-session", pk=session.pk)
    context = {"tender": tender, "form": form, "sessions": selectors.feedback_sessions(tender)}
    return render(request, "awards/feedback.html", context, status=400 if form.errors else 200)


@staff_required
def feedback_session(request: HttpRequest, pk: int) -> HttpResponse:
    session = scoped_or_404(request, FeedbackSession.objects.select_related("tender"), pk)
    require(request, "awards.record_feedback", session)
    evaluators = session.tender.evaluators.filter(kind__in=LAY_KINDS).select_related(
        "person", "user"
    )
    form = FeedbackCommentForm(request.POST or None, evaluators=evaluators)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.add_feedback_comment(
                session, comment=data["comment"], evaluator=data["evaluator"]
            ),
        )
        if saved:
            messages.success(request, "Comment recorded.")
            return redirect("awards:feedback-session", pk=session.pk)
    context: dict[str, Any] = {
        "session": session,
        "tender": session.tender,
        "form": form,
        "comments": session.comments.select_related("evaluator"),
    }
    return render(
        request, "awards/feedback_session.html", context, status=400 if form.errors else 200
    )


@staff_required
def ocds_package(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    require(request, "awards.view_totals", tender)
    package = ocds.release_package(tender, request.build_absolute_uri(), timezone.now())
    return JsonResponse(package, json_dumps_params={"indent": 2, "ensure_ascii": False})
