"""The public application form: no account needed, one question per page.

Start page (what we will ask, how long, saving, what we do with the details) -> each question
-> check your answers -> sent, with the separate equality monitoring offer. Every page after
the start is reached through the application's private key (`/apply/continue/<key>/...`),
never its number. Each answer is saved when the person presses Continue; "Save and come back
later" emails the private link. Works without JavaScript: the contact detail is asked on its
own page after the way of contact, and every rule is checked on the server.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from coproduce.core.templatetags.govuk import field_kind
from coproduce.core.views_helpers import run_service
from coproduce.equality import selectors as equality_selectors
from coproduce.equality.models import PREFER_NOT_TO_SAY_LABEL
from coproduce.people.models import AccessNeed, Channel, Format

from . import application_forms as app_forms
from . import application_services as services
from .application_messages import contact_for
from .application_services import NotEligible, Step
from .models import Application, ApplicationStatus, Opportunity, OpportunityStatus

S = ApplicationStatus
CHECK = "check"  # the value of `from` on a question changed from the check-answers page
MINUTES_PER_QUESTION = 1


def _opportunity(pk: int) -> Opportunity:
    """Drafts do not exist for the public."""
    queryset = Opportunity.objects.select_related("organisation").exclude(
        status=OpportunityStatus.DRAFT
    )
    return get_object_or_404(queryset, pk=pk)  # type: ignore[no-any-return]


def _application(key: str) -> Application:
    queryset = Application.objects.select_related("opportunity__organisation", "person")
    return get_object_or_404(queryset, resume_key=key)  # type: ignore[no-any-return]


def _private_link(request: HttpRequest, application: Application) -> str:
    return request.build_absolute_uri(reverse("apply:resume", args=[application.resume_key]))


def _closed(
    request: HttpRequest, opportunity: Opportunity, application: Application | None = None
) -> HttpResponse:
    """Closed: 200, the page is still true and useful. Cancelled: 410, it is gone for good."""
    cancelled = opportunity.status == OpportunityStatus.CANCELLED
    context = {
        "opportunity": opportunity,
        "application": application,
        "cancelled": cancelled,
        "contact": contact_for(opportunity),
    }
    return render(
        request, "recruitment/apply/closed.html", context, status=410 if cancelled else 200
    )


def _draft_or_response(request: HttpRequest, key: str) -> Application | HttpResponse:
    """The draft for the key, or where to go instead: its status page once sent, the closed
    page once the opportunity stops taking applications."""
    application = _application(key)
    if application.status != S.DRAFT:
        return redirect("apply:resume", key=key)
    if not services.accepting_applications(application.opportunity):
        return _closed(request, application.opportunity, application)
    return application


def start(request: HttpRequest, pk: int) -> HttpResponse:
    """What taking part in the application involves; Start now makes the draft."""
    opportunity = _opportunity(pk)
    if not services.accepting_applications(opportunity):
        return _closed(request, opportunity)
    steps = services.steps_for(opportunity)
    if request.method == "POST":
        application = services.start_application(opportunity)
        return redirect("apply:step", key=application.resume_key, step=steps[0].slug)
    minutes = max(5, len(steps) * MINUTES_PER_QUESTION)
    context = {
        "opportunity": opportunity,
        "steps": steps,
        "minutes": minutes,
        "contact": contact_for(opportunity),
    }
    return render(request, "recruitment/apply/start.html", context)


def _step_url(application: Application, step: Step, returning: bool = False) -> str:
    url = reverse("apply:step", args=[application.resume_key, step.slug])
    return f"{url}?from={CHECK}" if returning else url


def _next_url(application: Application, steps: list[Step], step: Step, returning: bool) -> str:
    """Onwards: the next question, or back to check your answers once every required one is
    answered (changing the way of contact may need a new contact detail first)."""
    check = reverse("apply:check", args=[application.resume_key])
    if returning:
        missing = services.unanswered_required(application, steps)
        return _step_url(application, missing[0], returning=True) if missing else check
    position = steps.index(step)
    return _step_url(application, steps[position + 1]) if position + 1 < len(steps) else check


def _back_url(application: Application, steps: list[Step], step: Step, returning: bool) -> str:
    if returning:
        return reverse("apply:check", args=[application.resume_key])
    position = steps.index(step)
    if position == 0:
        return reverse("apply:start", args=[application.opportunity_id])
    return _step_url(application, steps[position - 1])


def step(request: HttpRequest, key: str, step: str) -> HttpResponse:
    found = _draft_or_response(request, key)
    if isinstance(found, HttpResponse):
        return found
    application = found
    steps = services.steps_for(application.opportunity)
    current = next((s for s in steps if s.slug == step), None)
    if current is None:
        raise Http404
    if current.slug == services.CONTACT_DETAILS and not application.preferred_channel:
        return redirect("apply:step", key=key, step=services.CONTACT)
    returning = (request.POST if request.method == "POST" else request.GET).get("from") == CHECK
    form = app_forms.step_form(
        current, application, request.POST if request.method == "POST" else None
    )
    if request.method == "POST":
        later = "save_later" in request.POST
        save_url = reverse("apply:save", args=[key]) + f"?from={current.slug}"
        if later and form.is_blank():
            return redirect(save_url)
        saved = (
            run_service(
                form, lambda: services.save_answer(application, current.slug, form.step_data())
            )
            if form.is_valid()
            else None
        )
        if saved:
            if later:
                return redirect(save_url)
            if current.slug == services.ELIGIBILITY and services.not_met(application):
                return redirect("apply:not-eligible", key=key)
            return redirect(_next_url(application, steps, current, returning))
    return render(
        request,
        "recruitment/apply/question.html",
        _question_context(application, steps, current, form, returning),
    )


# Each input's purpose, so browsers can fill it in (WCAG 1.3.5).
AUTOCOMPLETE = {
    "name": "name",
    "email": "email",
    "phone": "tel",
    "address": "street-address",
    "postcode": "postal-code",
}


def _question_context(
    application: Application,
    steps: list[Step],
    current: Step,
    form: app_forms.StepForm,
    returning: bool,
) -> dict[str, Any]:
    heading = form[form.heading] if form.heading else None
    # Compared by name: each form[...] lookup makes a new BoundField.
    others = [
        {
            "field": field,
            "kind": field_kind(field),
            "autocomplete": AUTOCOMPLETE.get(field.name, ""),
            "optional": not field.field.required and field.name not in form.conditional,
        }
        for field in form
        if not heading or field.name != heading.name
    ]
    return {
        "application": application,
        "opportunity": application.opportunity,
        "caption": application.opportunity.title,
        "form": form,
        "heading": heading,
        "heading_kind": field_kind(heading) if heading else "",
        "heading_autocomplete": AUTOCOMPLETE.get(heading.name, "") if heading else "",
        "heading_optional": heading is not None and not heading.field.required,
        "others": others,
        "title": heading.label if heading else form.title,
        "returning": returning,
        "back_url": _back_url(application, steps, current, returning),
        "form_anchor": f"id_{next(iter(form.fields))}",
    }


def resume(request: HttpRequest, key: str) -> HttpResponse:
    """The private link. A draft opens at its first unanswered question (or check your
    answers); a sent application shows where it has got to."""
    application = _application(key)
    opportunity = application.opportunity
    if application.status == S.DRAFT:
        if not services.accepting_applications(opportunity):
            return _closed(request, opportunity, application)
        steps = services.steps_for(opportunity)
        first = services.first_unanswered(application, steps)
        if first is None:
            return redirect("apply:check", key=key)
        return redirect("apply:step", key=key, step=first.slug)
    context = {
        "application": application,
        "opportunity": opportunity,
        "contact": contact_for(opportunity),
        "can_withdraw": application.status in services.APPLICANT_CAN_WITHDRAW,
        "equality_open": services.equality_offer_open(application),
        "show_reason": application.status in (S.NOT_SELECTED, S.RESERVE, S.WITHDRAWN),
    }
    return render(request, "recruitment/apply/status.html", context)


def _answer_rows(application: Application, steps: list[Step]) -> list[dict[str, Any]]:
    """Check your answers: each question, the answer in words, and the way to change it."""
    rows = []
    needs = dict(AccessNeed.choices)
    for current in steps:
        lines: list[str]
        if current.slug == services.NAME:
            lines = [application.name]
        elif current.slug == services.CONTACT:
            lines = (
                [app_forms.CHANNEL_LABELS.get(Channel(application.preferred_channel), "")]
                if application.preferred_channel
                else []
            )
        elif current.slug == services.CONTACT_DETAILS:
            channel = application.preferred_channel
            if channel == Channel.EMAIL:
                lines = [application.email]
            elif channel in (Channel.TEXT, Channel.PHONE):
                lines = [application.phone]
            else:
                lines = [*application.address.splitlines(), application.postcode]
        elif current.slug == services.FORMAT:
            lines = [Format(application.preferred_format).label]
            if application.language:
                lines.append(f"Language: {application.language}")
        elif current.slug == services.ELIGIBILITY:
            answers = application.eligibility_answers
            lines = [
                f"{line}: {answers.get(line, '').capitalize() or 'Not answered'}"
                for line in application.opportunity.eligibility_lines()
            ]
        elif current.slug == services.AVAILABILITY:
            lines = application.availability or ["None of these dates"]
        elif current.slug == services.ACCESS_NEEDS:
            lines = [needs[need] for need in application.access_needs] or [
                "None of the support listed"
            ]
            if application.access_notes:
                lines.append(f"Also: {application.access_notes}")
            if application.access_needs or application.access_notes:
                lines.append(
                    "Keep a note for future opportunities: "
                    + ("yes" if application.keep_needs else "no, only for this one")
                )
        elif current.question is not None:
            answer = application.selection_answers.get(current.question.feature, "")
            lines = [
                PREFER_NOT_TO_SAY_LABEL
                if answer == services.SELECTION_PREFER_NOT_TO_SAY
                else answer
            ]
        else:
            lines = [application.why_interested or "Not answered"]
        answered = services.is_answered(application, current)
        rows.append(
            {
                "key": current.title,
                "lines": lines if answered else [],
                "answered": answered,
                "required": current.required,
                "change_url": _step_url(application, current, returning=True),
            }
        )
    return rows


def check(request: HttpRequest, key: str) -> HttpResponse:
    """Check your answers; sending happens here."""
    found = _draft_or_response(request, key)
    if isinstance(found, HttpResponse):
        return found
    application = found
    steps = services.steps_for(application.opportunity)
    form = forms.Form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_application(application, link=_private_link(request, application))
        except NotEligible:
            return redirect("apply:not-eligible", key=key)
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            return redirect("apply:sent", key=key)
    context = {
        "application": application,
        "opportunity": application.opportunity,
        "rows": _answer_rows(application, steps),
        "form": form,
        "form_anchor": "answers",
        "back_url": _step_url(application, steps[-1]),
    }
    return render(request, "recruitment/apply/check.html", context)


def not_eligible(request: HttpRequest, key: str) -> HttpResponse:
    found = _draft_or_response(request, key)
    if isinstance(found, HttpResponse):
        return found
    application = found
    failed = services.not_met(application)
    if not failed:
        return redirect("apply:resume", key=key)
    context = {
        "application": application,
        "opportunity": application.opportunity,
        "requirements": failed,
        "contact": contact_for(application.opportunity),
        "change_url": _step_url(application, Step(services.ELIGIBILITY, "")),
    }
    return render(request, "recruitment/apply/not_eligible.html", context)


def save(request: HttpRequest, key: str) -> HttpResponse:
    """Save and come back later: the private link by email."""
    found = _draft_or_response(request, key)
    if isinstance(found, HttpResponse):
        return found
    application = found
    steps = services.steps_for(application.opportunity)
    came_from = next((s for s in steps if s.slug == request.GET.get("from")), None)
    back_url = (
        _step_url(application, came_from) if came_from else reverse("apply:check", args=[key])
    )
    form = app_forms.SaveForLaterForm(
        request.POST if request.method == "POST" else None,
        initial={"email": application.email},
    )
    sent_to = ""
    if request.method == "POST" and form.is_valid():
        sent_to = (
            run_service(
                form,
                lambda: services.email_resume_link(
                    application, request, form.cleaned_data["email"]
                ),
            )
            or ""
        )
    context = {
        "application": application,
        "opportunity": application.opportunity,
        "form": form,
        "back_url": back_url,
        "sent_to": sent_to,
        "private_link": _private_link(request, application),
    }
    return render(request, "recruitment/apply/save.html", context)


def sent(request: HttpRequest, key: str) -> HttpResponse:
    """Confirmation: what happens next, whom to contact, and the optional equality questions."""
    application = _application(key)
    if application.status == S.DRAFT:
        return redirect("apply:resume", key=key)
    person = application.person
    channel = Channel(person.preferred_channel).label.lower() if person else ""
    context = {
        "application": application,
        "opportunity": application.opportunity,
        "contact": contact_for(application.opportunity),
        "channel": channel,
        "equality_open": services.equality_offer_open(application),
    }
    return render(request, "recruitment/apply/sent.html", context)


def equality(request: HttpRequest, key: str) -> HttpResponse:
    """The optional equality monitoring questions, kept only with their own agreement."""
    application = _application(key)
    if not services.equality_offer_open(application):
        return redirect("apply:resume", key=key)
    organisation = application.opportunity.organisation
    questions = list(equality_selectors.questions_for(organisation.pk))
    form = app_forms.ApplicantEqualityForm(
        request.POST if request.method == "POST" else None,
        extra_questions=questions,
        organisation_name=organisation.name,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_equality_answers(
                application,
                form.answers(),
                form.extra_answers(),
                agreed=form.cleaned_data["agree"],
            )
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            messages.success(
                request,
                "Thank you. Your answers are saved."
                if saved
                else "Nothing was saved: you did not answer any of the questions.",
            )
            return redirect("apply:resume", key=key)
    context = {
        "application": application,
        "opportunity": application.opportunity,
        "organisation": organisation,
        "form": form,
        "ethnic_group": form.ethnic_group_options(),
        "form_anchor": "id_agree",
    }
    return render(request, "recruitment/apply/equality.html", context)


def withdraw(request: HttpRequest, key: str) -> HttpResponse:
    application = _application(key)
    if application.status not in services.APPLICANT_CAN_WITHDRAW:
        return redirect("apply:resume", key=key)
    form = app_forms.WithdrawForm(request.POST if request.method == "POST" else None)
    withdrawn = (
        run_service(
            form,
            lambda: services.withdraw_by_applicant(application, form.cleaned_data["reason"]),
        )
        if request.method == "POST" and form.is_valid()
        else None
    )
    if withdrawn:
        messages.success(request, "You have withdrawn your application.")
        return redirect("apply:resume", key=key)
    context = {"application": application, "opportunity": application.opportunity, "form": form}
    return render(request, "recruitment/apply/withdraw.html", context)
