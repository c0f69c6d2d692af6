"""Data protection pages: subject access exports, requests to erase, retention periods and
retention reviews. Records of other organisations are not found (404); the rules in
`coproduce.accounts.rules` decide the rest (403)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from coproduce.audit.services import record_view
from coproduce.core.jobs import start_job
from coproduce.core.views_helpers import (
    in_my_organisations,
    paginate,
    require,
    run_service,
    staff_required,
)
from coproduce.people.models import Person

from . import selectors, services
from .export import build_export
from .forms import ErasureDecisionForm, ErasureRequestForm, RetentionPeriodsForm
from .models import (
    DEFAULT_MONTHS,
    MEASURED_FROM,
    WHAT_HAPPENS,
    ErasureRequest,
    ErasureStatus,
    RecordType,
    RetentionReview,
    ReviewStatus,
)
from .tasks import carry_out_retention_review, review_retention_for


def _people(request: HttpRequest) -> QuerySet[Person]:
    """People of the user's organisations; records merged into another are not shown."""
    return in_my_organisations(
        request, Person.objects.filter(merged_into__isnull=True).select_related("organisation")
    )


def _erasure_request(request: HttpRequest, pk: int) -> ErasureRequest:
    try:
        return selectors.erasure_request_for(request.user, pk)
    except ErasureRequest.DoesNotExist as missing:
        raise Http404 from missing


def _review(request: HttpRequest, pk: int) -> RetentionReview:
    try:
        return selectors.review_for(request.user, pk)
    except RetentionReview.DoesNotExist as missing:
        raise Http404 from missing


# ----- Subject access -------------------------------------------------------------------------


@staff_required
@never_cache
def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held about a person, as a page that prints well."""
    person = get_object_or_404(_people(request), pk=pk)
    require(request, "dataprotection.export_person", person)
    export = build_export(person, request.user)
    record_view(person, "subject access export")
    context = {
        "person": person,
        "export": export,
        "can_request_erasure": request.user.has_perm("dataprotection.request_erasure", person),
    }
    return render(request, "dataprotection/export.html", context)


@staff_required
@never_cache
def person_export_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The same, as a JSON file to download."""
    person = get_object_or_404(_people(request), pk=pk)
    require(request, "dataprotection.export_person", person)
    export = build_export(person, request.user)
    record_view(person, "subject access export")
    response = JsonResponse(
        export.as_json(),
        encoder=DjangoJSONEncoder,
        json_dumps_params={"indent": 2, "ensure_ascii": False},
        content_type="application/json; charset=utf-8",
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="person-{person.pk}-everything-held-{day}.json"'
    )
    return response


# ----- Requests to erase ----------------------------------------------------------------------


@staff_required
def erasure_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(_people(request), pk=pk)
    require(request, "dataprotection.request_erasure", person)
    form = ErasureRequestForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = run_service(
            form,
            lambda: services.record_erasure_request(
                person, request.user, data["received_on"], data["how_received"], data["reason"]
            ),
        )
        if created:
            messages.success(
                request, "Request recorded. An administrator must now approve or refuse it."
            )
            return redirect("dataprotection:erasure-detail", pk=created.pk)
    return render(request, "dataprotection/erasure_form.html", {"form": form, "person": person})


@staff_required
def erasure_list(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    require(request, "dataprotection.view_erasure_requests", organisation)
    page = paginate(request, selectors.erasure_requests_for(organisation))
    return render(request, "dataprotection/erasure_list.html", {"page": page})


@staff_required
def erasure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    erasure = _erasure_request(request, pk)
    require(request, "dataprotection.view_erasure_requests", erasure)
    user = request.user
    context = {
        "erasure": erasure,
        "can_decide": erasure.status == ErasureStatus.REQUESTED
        and user.has_perm("dataprotection.approve_erasure", erasure),
        "recorded_it": erasure.requested_by_id == user.pk,
        "can_carry_out": erasure.status == ErasureStatus.APPROVED
        and user.has_perm("dataprotection.carry_out_erasure", erasure),
        "can_export": user.has_perm("dataprotection.export_person", erasure.person),
    }
    return render(request, "dataprotection/erasure_detail.html", context)


@staff_required
def erasure_decide(request: HttpRequest, pk: int) -> HttpResponse:
    erasure = _erasure_request(request, pk)
    require(request, "dataprotection.approve_erasure", erasure)
    if erasure.status != ErasureStatus.REQUESTED:
        messages.error(request, "This request has already been decided.")
        return redirect("dataprotection:erasure-detail", pk=erasure.pk)
    form = ErasureDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["decision"] == "approve":
            done = run_service(form, lambda: services.approve_erasure(erasure, request.user))
            message = "Request approved. An administrator can now carry out the erasure."
        else:
            done = run_service(
                form,
                lambda: services.refuse_erasure(erasure, request.user, data["refusal_reason"]),
            )
            message = "Request refused. Tell the person why, and how to complain."
        if done:
            messages.success(request, message)
            return redirect("dataprotection:erasure-detail", pk=erasure.pk)
    context = {
        "form": form,
        "erasure": erasure,
        "recorded_it": erasure.requested_by_id == request.user.pk,
    }
    return render(request, "dataprotection/erasure_decide.html", context)


@staff_required
def erasure_carry_out(request: HttpRequest, pk: int) -> HttpResponse:
    erasure = _erasure_request(request, pk)
    require(request, "dataprotection.carry_out_erasure", erasure)
    if erasure.status != ErasureStatus.APPROVED:
        messages.error(request, "Only an approved request can be carried out.")
        return redirect("dataprotection:erasure-detail", pk=erasure.pk)
    if request.method == "POST":
        try:
            services.carry_out_erasure(erasure, request.user)
        except ValidationError as problem:
            messages.error(request, " ".join(problem.messages))
        else:
            messages.success(
                request,
                f"Erasure carried out. The record is now {services.pseudonym(erasure.person)}.",
            )
        return redirect("dataprotection:erasure-detail", pk=erasure.pk)
    return render(request, "dataprotection/erasure_carry_out.html", {"erasure": erasure})


# ----- Retention ------------------------------------------------------------------------------


def _periods(months: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {
            "type": record_type,
            "months": months[record_type.value],
            "suggested": DEFAULT_MONTHS[record_type.value],
            "measured_from": MEASURED_FROM[record_type.value],
            "what_happens": WHAT_HAPPENS[record_type.value],
        }
        for record_type in RecordType
    ]


@staff_required
def retention(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    require(request, "dataprotection.manage_retention", organisation)
    context = {
        "periods": _periods(selectors.retention_months(organisation)),
        "page": paginate(request, selectors.reviews_for(organisation)),
    }
    return render(request, "dataprotection/retention.html", context)


@staff_required
def retention_periods(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    require(request, "dataprotection.manage_retention", organisation)
    form = RetentionPeriodsForm(
        request.POST or None, initial=selectors.retention_months(organisation)
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form, lambda: services.set_retention_periods(organisation, form.cleaned_data)
        )
        if saved is not None:
            messages.success(request, "Retention periods saved.")
            return redirect("dataprotection:retention")
    return render(request, "dataprotection/retention_periods.html", {"form": form})


@staff_required
@require_POST
def retention_check(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    require(request, "dataprotection.manage_retention", organisation)
    job = start_job(
        organisation,
        request.user,
        "Look for records past their retention period",
        review_retention_for,
        organisation.pk,
    )
    messages.success(request, "The check has started. This page shows how far it has got.")
    return redirect("core:job", pk=job.pk)


@staff_required
def retention_review(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    require(request, "dataprotection.manage_retention", review)
    page = paginate(request, review.items.all())
    counts = selectors.review_counts(review)
    pending = sum(counts.values())
    context = {
        "review": review,
        "page": page,
        "rows": selectors.item_rows(page.object_list),
        "counts": [
            {"type": record_type, "count": counts.get(record_type.value, 0)}
            for record_type in RecordType
        ],
        "pending": pending,
        "can_approve": review.status == ReviewStatus.OPEN and pending > 0,
        "can_resume": review.status == ReviewStatus.APPROVED and pending > 0,
        "what_happens": [
            (record_type, WHAT_HAPPENS[record_type.value]) for record_type in RecordType
        ],
    }
    return render(request, "dataprotection/retention_review.html", context)


@staff_required
@require_POST
def retention_approve(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    require(request, "dataprotection.manage_retention", review)
    if review.status == ReviewStatus.OPEN:
        try:
            review = services.approve_review(review, request.user)
        except ValidationError as problem:
            messages.error(request, " ".join(problem.messages))
            return redirect("dataprotection:retention-review", pk=review.pk)
    elif review.status == ReviewStatus.CARRIED_OUT:
        messages.error(request, "This review has already been carried out.")
        return redirect("dataprotection:retention-review", pk=review.pk)
    job = start_job(
        review.organisation,
        request.user,
        "Pseudonymise records past their retention period",
        carry_out_retention_review,
        review.pk,
        request.user.pk,
    )
    messages.success(request, "Approved. This page shows how far it has got.")
    return redirect("core:job", pk=job.pk)
