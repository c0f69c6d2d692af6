from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coproduce.core.documents import render_pdf
from coproduce.core.views_helpers import (
    paginate,
    require,
    run_service,
    scoped_or_404,
    staff_required,
)
from coproduce.notifications.models import Delivery
from coproduce.people import selectors as people_selectors
from coproduce.people.models import Person
from coproduce.people.services import register_settings
from coproduce.projects.models import EngagementMethod

from . import selectors, services
from .forms import (
    EasyReadForm,
    GlossaryTermForm,
    OpportunityForm,
    RecipientsForm,
    RecruitmentSettingsForm,
    SendInvitationsForm,
)
from .models import GlossaryTerm, Opportunity, OpportunityStatus
from .plain_language import long_sentences


def _organisation(request: HttpRequest) -> Any:
    return request.organisation  # type: ignore[attr-defined]


def _opportunity(request: HttpRequest, pk: int) -> Opportunity:
    queryset = Opportunity.objects.select_related("project", "stage", "method", "organisation")
    return scoped_or_404(request, queryset, pk)  # type: ignore[no-any-return]


def _public_link(request: HttpRequest, opportunity: Opportunity) -> str:
    return request.build_absolute_uri(reverse("recruitment:public-detail", args=[opportunity.pk]))


@staff_required
def opportunity_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "recruitment.view_opportunity", organisation)
    status = request.GET.get("status", "")
    opportunities = selectors.opportunities_for(organisation, status=status)
    context = {
        "page": paginate(request, opportunities),
        "status": status,
        "statuses": OpportunityStatus.choices,
        "can_change": request.user.has_perm("recruitment.change_opportunity", organisation),
        "methods": selectors.methods_for(organisation),
    }
    return render(request, "recruitment/opportunity_list.html", context)


@staff_required
def opportunity_create(request: HttpRequest, method_pk: int) -> HttpResponse:
    method = scoped_or_404(
        request,
        EngagementMethod.objects.select_related("plan__stage__project"),
        method_pk,
    )
    require(request, "recruitment.change_opportunity", method)
    opportunity = services.new_opportunity(method)
    form = OpportunityForm(request.POST or None, instance=opportunity)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.save_opportunity(form.save(commit=False)))
        if saved:
            messages.success(request, "Opportunity saved as a draft.")
            return redirect("recruitment:detail", pk=saved.pk)
    context = {"form": form, "opportunity": None, "method": method}
    return render(request, "recruitment/opportunity_form.html", context)


@staff_required
def opportunity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request, pk)
    require(request, "recruitment.change_opportunity", opportunity)
    form = OpportunityForm(request.POST or None, instance=opportunity)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.save_opportunity(form.save(commit=False)))
        if saved:
            messages.success(request, "Changes saved.")
            return redirect("recruitment:detail", pk=saved.pk)
    context = {"form": form, "opportunity": opportunity, "method": opportunity.method}
    return render(request, "recruitment/opportunity_form.html", context)


@staff_required
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request, pk)
    require(request, "recruitment.view_opportunity", opportunity)
    return _render_detail(request, opportunity)


def _render_detail(
    request: HttpRequest, opportunity: Opportunity, publish_errors: dict[str, Any] | None = None
) -> HttpResponse:
    overall, checks = services.text_checks(opportunity)
    counts = opportunity.applications.aggregate(
        total=Count("pk", filter=~Q(status="draft")),
    )
    context = {
        "opportunity": opportunity,
        "missing": services.missing_key_messages(opportunity),
        "sections": services.key_message_sections(opportunity),
        "overall": overall,
        "checks": checks,
        "easy_read": list(opportunity.easy_read_sentences.all()),
        "invitations": opportunity.invitations.aggregate(
            sent=Count("pk", filter=Q(held_reason="")), held=Count("pk", filter=~Q(held_reason=""))
        ),
        "applications": counts["total"],
        "publish_errors": publish_errors,
        "can_change": request.user.has_perm("recruitment.change_opportunity", opportunity),
        "can_invite": request.user.has_perm("recruitment.invite", opportunity),
        "can_see_applications": request.user.has_perm("recruitment.view_application", opportunity),
        "public_link": _public_link(request, opportunity),
    }
    return render(
        request,
        "recruitment/opportunity_detail.html",
        context,
        status=400 if publish_errors else 200,
    )


@staff_required
@require_POST
def opportunity_publish(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request, pk)
    require(request, "recruitment.change_opportunity", opportunity)
    try:
        services.publish_opportunity(opportunity, request.user)
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        return _render_detail(request, opportunity, publish_errors=errors)
    messages.success(request, "Published. People can now read it and say they are interested.")
    return redirect("recruitment:detail", pk=opportunity.pk)


@staff_required
@require_POST
def opportunity_close(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request, pk)
    require(request, "recruitment.change_opportunity", opportunity)
    try:
        services.close_opportunity(opportunity)
        messages.success(request, "Closed. Nobody new can apply.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("recruitment:detail", pk=opportunity.pk)


@staff_required
def easy_read(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request, pk)
    require(request, "recruitment.change_opportunity", opportunity)
    sentences = list(opportunity.easy_read_sentences.all())
    initial = "\n".join(
        f"{row.sentence} | {row.picture_description}" if row.picture_description else row.sentence
        for row in sentences
    )
    form = EasyReadForm(request.POST or None, initial={"text": initial})
    if request.method == "POST" and "draft" in request.POST:
        services.draft_easy_read(opportunity)
        messages.success(
            request,
            "A draft was made from the key messages. Check every sentence and add pictures.",
        )
        return redirect("recruitment:easy-read", pk=opportunity.pk)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, lambda: services.save_easy_read(opportunity, form.rows())) is not None
    ):
        messages.success(request, "Easy-read version saved.")
        return redirect("recruitment:detail", pk=opportunity.pk)
    context = {
        "opportunity": opportunity,
        "form": form,
        "sentences": sentences,
        "too_long": long_sentences(row.sentence for row in sentences),
    }
    return render(request, "recruitment/easy_read_form.html", context)


@staff_required
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1: choose people from a saved list or the register's filters; step 2: see who will
    be invited and who is held back, and send."""
    opportunity = _opportunity(request, pk)
    require(request, "recruitment.invite", opportunity)
    organisation = opportunity.organisation
    recipients = RecipientsForm(request.GET or None, organisation=organisation)
    people: list[Person] = []
    chosen = request.GET and recipients.is_valid()
    if chosen:
        people = list(_chosen_people(recipients.cleaned_data, organisation))
    if request.method == "POST":
        ids = [int(value) for value in request.POST.getlist("people") if value.isdigit()]
        people = list(
            people_selectors.with_register_summary(
                Person.objects.filter(
                    organisation=organisation, merged_into__isnull=True, pk__in=ids
                )
            )
        )
    candidates = services.candidates(opportunity, people)
    form = SendInvitationsForm(
        request.POST or None,
        people=[(c.person.pk, c.person.display_name) for c in candidates],
        fatigued=[
            (c.person.pk, c.person.display_name)
            for c in candidates
            if c.fatigued and c.may_contact and not c.already_invited
        ],
        initial={"people": [c.person.pk for c in candidates]},
    )
    if request.method == "POST" and form.is_valid():
        outcome = run_service(
            form,
            lambda: services.invite(
                opportunity,
                people,
                by=request.user,
                link=_public_link(request, opportunity),
                confirm_fatigued=form.cleaned_data["confirm_fatigued"],
                short_notice_reason=form.cleaned_data["short_notice_reason"],
            ),
        )
        if outcome is not None:
            messages.success(
                request,
                f"{len(outcome.invited)} invited. {len(outcome.held)} held back, with the reason "
                "shown below.",
            )
            return redirect("recruitment:invitations", pk=opportunity.pk)
    context = {
        "opportunity": opportunity,
        "recipients": recipients,
        "chosen": bool(chosen) or request.method == "POST",
        "candidates": candidates,
        "form": form,
        "ready": [c for c in candidates if not c.held_reason and not c.already_invited],
        "short_notice": services.needs_short_notice_reason(opportunity),
        "notice_days": services.notice_days(opportunity),
        "minimum_notice": services.recruitment_settings(organisation).minimum_notice_days,
        "threshold": register_settings(organisation).fatigue_threshold,
    }
    return render(request, "recruitment/invite.html", context)


def _chosen_people(criteria: dict[str, Any], organisation: Any) -> Any:
    saved = criteria.pop("saved_list", None)
    filters = {key: value for key, value in criteria.items() if value}
    threshold = register_settings(organisation).fatigue_threshold
    people = people_selectors.search_people(organisation, fatigue_threshold=threshold, **filters)
    if saved is not None:
        people = people.filter(saved_lists=saved)
    return people[:500]


@staff_required
def invitations(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request, pk)
    require(request, "recruitment.view_opportunity", opportunity)
    page = paginate(request, services.invitations_for(opportunity))
    keys = [row.delivery_key for row in page.object_list if row.delivery_key]
    deliveries = {row.key: row for row in Delivery.objects.filter(key__in=keys)}
    rows = [(row, deliveries.get(row.delivery_key)) for row in page.object_list]
    context = {"opportunity": opportunity, "page": page, "rows": rows}
    return render(request, "recruitment/invitations.html", context)


@staff_required
def glossary(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "recruitment.view_opportunity", organisation)
    services.ensure_glossary(organisation)
    terms = GlossaryTerm.objects.filter(organisation=organisation)
    context = {
        "page": paginate(request, terms),
        "can_change": request.user.has_perm("recruitment.change_glossary", organisation),
    }
    return render(request, "recruitment/glossary.html", context)


@staff_required
def glossary_term(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    organisation = _organisation(request)
    term = (
        scoped_or_404(request, GlossaryTerm, pk) if pk else GlossaryTerm(organisation=organisation)
    )
    require(request, "recruitment.change_glossary", term)
    form = GlossaryTermForm(request.POST or None, instance=term)
    if request.method == "POST" and "delete" in request.POST and term.pk:
        term.delete()
        messages.success(request, f"“{term.term}” removed from the glossary.")
        return redirect("recruitment:glossary")
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, lambda: services.save_glossary_term(form.save(commit=False)))
        is not None
    ):
        messages.success(request, "Glossary saved.")
        return redirect("recruitment:glossary")
    return render(request, "recruitment/glossary_form.html", {"form": form, "term": term})


@staff_required
def recruitment_settings(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "recruitment.change_settings", organisation)
    found = services.recruitment_settings(organisation)
    form = RecruitmentSettingsForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Recruitment settings saved.")
        return redirect("recruitment:list")
    return render(request, "recruitment/settings.html", {"form": form})


# Public pages: anyone can read an open opportunity, in standard, easy read or large print.


def _published(pk: int) -> Opportunity:
    opportunity = get_object_or_404(
        Opportunity.objects.select_related("project", "organisation"),
        pk=pk,
        status__in=[OpportunityStatus.PUBLISHED, OpportunityStatus.CLOSED],
    )
    return opportunity


def public_list(request: HttpRequest) -> HttpResponse:
    context = {"page": paginate(request, selectors.open_opportunities())}
    return render(request, "recruitment/public_list.html", context)


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _published(pk)
    context = {
        "opportunity": opportunity,
        "sections": services.key_message_sections(opportunity),
        "has_easy_read": opportunity.easy_read_sentences.exists(),
    }
    return render(request, "recruitment/public_detail.html", context)


def public_easy_read(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _published(pk)
    sentences = list(opportunity.easy_read_sentences.all())
    if not sentences:
        raise Http404("There is no easy-read version of this opportunity yet.")
    context = {"opportunity": opportunity, "sentences": sentences}
    return render(request, "recruitment/public_easy_read.html", context)


def public_pdf(request: HttpRequest, pk: int, version: str) -> HttpResponse:
    opportunity = _published(pk)
    if version == "easy-read":
        sentences = list(opportunity.easy_read_sentences.all())
        if not sentences:
            raise Http404("There is no easy-read version of this opportunity yet.")
        pdf = render_pdf(
            "recruitment/documents/easy_read.html",
            {"opportunity": opportunity, "sentences": sentences},
        )
    else:
        pdf = render_pdf(
            "recruitment/documents/large_print.html",
            {"opportunity": opportunity, "sections": services.key_message_sections(opportunity)},
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="opportunity-{pk}-{version}.pdf"'
    return response
