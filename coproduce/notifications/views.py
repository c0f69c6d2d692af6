"""Staff pages: the outbox, what was sent, letters to print and post, people to phone, and
formats to make. Another organisation's deliveries are not found (404); the rules in
`coproduce.accounts.rules` decide the rest (403)."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from coproduce.core.views_helpers import (
    paginate,
    require,
    run_service,
    scoped_or_404,
    staff_required,
)

from . import rendering, selectors, services
from .forms import ContactOutcomeForm, LettersForm, OutboxFilterForm
from .models import Delivery, DeliveryStatus, Route


def _organisation(request: HttpRequest) -> Any:
    return request.organisation  # type: ignore[attr-defined]


def _delivery(request: HttpRequest, pk: int) -> Delivery:
    queryset = Delivery.objects.select_related("person", "organisation", "sent_by", "done_by")
    return scoped_or_404(request, queryset, pk)  # type: ignore[no-any-return]


@staff_required
def outbox(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "notifications.view_delivery", organisation)
    filters = OutboxFilterForm(request.GET or None)
    criteria: dict[str, Any] = {}
    if filters.is_valid():
        criteria = {key: value for key, value in filters.cleaned_data.items() if value}
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": paginate(request, selectors.outbox(organisation, **criteria)),
        "counts": selectors.to_do_counts(organisation),
        "query_string": query.urlencode(),
    }
    return render(request, "notifications/outbox.html", context)


@staff_required
@never_cache
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = _delivery(request, pk)
    require(request, "notifications.view_delivery", delivery)
    context = {
        "delivery": delivery,
        "paragraphs": rendering.paragraphs(delivery.body),
        "link": rendering.extra_link(delivery),
        "can_change": request.user.has_perm("notifications.change_delivery", delivery),
    }
    return render(request, "notifications/delivery_detail.html", context)


@staff_required
@never_cache
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One letter, as it was (or will be) printed."""
    delivery = _delivery(request, pk)
    require(request, "notifications.view_delivery", delivery)
    if delivery.route != Route.POST:
        raise Http404
    return _pdf(rendering.letter_pack([delivery]), f"letter-{delivery.reference}.pdf")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_required
def letters(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "notifications.view_delivery", organisation)
    groups = selectors.letters_waiting(organisation)
    context = {
        "groups": groups,
        "total": sum(group["count"] for group in groups),
        "upto": max((group["upto"] for group in groups), default=0),
        "can_change": request.user.has_perm("notifications.change_delivery", organisation),
    }
    return render(request, "notifications/letters.html", context)


@staff_required
@never_cache
def letter_pack(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "notifications.view_delivery", organisation)
    form = LettersForm(request.GET)
    if not form.is_valid():
        raise Http404
    waiting = services.letters_to_print(
        organisation, form.topic_or_all(), form.cleaned_data["upto"]
    )
    if not waiting:
        messages.info(request, "There are no letters waiting to be printed.")
        return redirect("notifications:letters")
    day = timezone.localdate().isoformat()
    return _pdf(rendering.letter_pack(waiting), f"letters-{day}.pdf")


@staff_required
@require_POST
def letters_posted(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "notifications.change_delivery", organisation)
    form = LettersForm(request.POST)
    if not form.is_valid():
        raise Http404
    count = services.mark_posted(
        organisation, form.topic_or_all(), form.cleaned_data["upto"], request.user
    )
    messages.success(request, f"{count} {'letter' if count == 1 else 'letters'} marked as posted.")
    return redirect("notifications:letters")


@staff_required
def calls(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "notifications.view_delivery", organisation)
    context = {
        "page": paginate(request, selectors.call_list(organisation)),
        "can_change": request.user.has_perm("notifications.change_delivery", organisation),
    }
    return render(request, "notifications/calls.html", context)


@staff_required
def record_contact(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = _delivery(request, pk)
    require(request, "notifications.change_delivery", delivery)
    if delivery.status != DeliveryStatus.TO_CALL:
        messages.info(request, "This is no longer on the call list.")
        return redirect("notifications:delivery", pk=delivery.pk)
    form = ContactOutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: services.record_contact(delivery, data["outcome"], data["notes"], request.user),
        )
        if done:
            messages.success(request, f"Recorded for {delivery.person.display_name}.")
            return redirect("notifications:calls")
    context = {
        "delivery": delivery,
        "form": form,
        "text": rendering.plain_text(delivery),
    }
    return render(request, "notifications/record_contact.html", context)


@staff_required
def formats(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "notifications.view_delivery", organisation)
    context = {
        "page": paginate(request, selectors.format_to_dos(organisation)),
        "can_change": request.user.has_perm("notifications.change_delivery", organisation),
    }
    return render(request, "notifications/formats.html", context)


@staff_required
@require_POST
def format_done(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = _delivery(request, pk)
    require(request, "notifications.change_delivery", delivery)
    if delivery.format_to_do:
        services.mark_format_done(delivery, request.user)
        messages.success(
            request,
            f"Done: {delivery.get_needs_format_display().lower()} for "
            f"{delivery.person.display_name}.",
        )
    return redirect("notifications:formats")
