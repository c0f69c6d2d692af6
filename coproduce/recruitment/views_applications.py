"""Staff pages for applications: the list for an opportunity (counts, places and reserves,
filters, moving several at once), one application, changing its status, and entering an
application taken by phone, on paper or in person.

Everything is scoped to the user's organisations (another organisation's records are "not
found") and asks `coproduce.accounts.rules`.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from coproduce.audit.services import record_view
from coproduce.core.views_helpers import (
    paginate,
    require,
    run_service,
    scoped_or_404,
    staff_required,
)
from coproduce.people.models import AccessNeed, Person

from . import application_selectors as selectors
from . import application_services as services
from .application_forms import (
    BulkMoveForm,
    PersonSearchForm,
    StaffEntryForm,
    StatusForm,
)
from .application_messages import contact_for
from .application_services import NotEligible
from .models import Application, ApplicationStatus, Opportunity, OpportunityStatus

VIEW = "recruitment.view_application"
CHANGE = "recruitment.change_application"
ADD = "recruitment.add_application"
SEE_SELECTION_ANSWERS = "recruitment.view_selection_answers"
VIEWED = "selection answers"
S = ApplicationStatus


def _opportunity(request: HttpRequest, pk: int) -> Opportunity:
    queryset = Opportunity.objects.select_related("project", "organisation")
    return scoped_or_404(request, queryset, pk)  # type: ignore[no-any-return]


def _application(request: HttpRequest, pk: int) -> Application:
    queryset = Application.objects.exclude(status=S.DRAFT).select_related(
        "opportunity__project", "opportunity__organisation", "person", "entered_by"
    )
    return scoped_or_404(request, queryset, pk)  # type: ignore[no-any-return]


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _moved_message(count: int, to_status: str, notify: bool) -> str:
    label = S(to_status).label.lower()
    who = "1 application" if count == 1 else f"{count} applications"
    told = " They have been told." if notify else " Nobody was told."
    return f"{who} moved to {label}.{told}"


@staff_required
def application_list(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: applications with counts and the places summary. POST: move the ticked ones."""
    opportunity = _opportunity(request, pk)
    require(request, VIEW, opportunity)
    status = request.GET.get("status", "")
    can_change = request.user.has_perm(CHANGE, opportunity)
    if request.method == "POST":
        require(request, CHANGE, opportunity)
    form = BulkMoveForm(_posted(request), applications=selectors.movable(opportunity))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        moved = run_service(
            form,
            lambda: services.move_applications(
                data["applications"],
                data["status"],
                by=request.user,
                reason=data["reason"],
                notify=data["notify"],
                beyond_places=data["beyond_places"],
            ),
        )
        if moved:
            messages.success(request, _moved_message(len(moved), data["status"], data["notify"]))
            return redirect(request.get_full_path())
    places = services.places_for(opportunity)
    statuses = [
        (value, label, places.counts[value]) for value, label in S.choices if value != S.DRAFT
    ]
    filter_query = f"status={status}&" if status in places.counts else ""
    page = paginate(request, selectors.applications_for(opportunity, status))
    needs = dict(AccessNeed.choices)
    context = {
        "opportunity": opportunity,
        "page": page,
        "rows": [(a, [needs.get(n, n) for n in a.access_needs]) for a in page.object_list],
        "status": status if status in places.counts else "",
        "statuses": statuses,
        "total": sum(places.counts.values()),
        "places": places,
        "form": form,
        "chosen": form.chosen_ids(),
        "can_change": can_change,
        "can_add": request.user.has_perm(ADD, opportunity),
        "filter_query": filter_query,
        "form_anchor": "id_status",
    }
    return render(request, "recruitment/applications/list.html", context)


def _selection_rows(application: Application) -> list[tuple[str, str]]:
    answers = application.selection_answers
    rows = []
    for question in application.opportunity.selection_questions.all():
        answer = answers.get(question.feature, "")
        if answer == services.SELECTION_PREFER_NOT_TO_SAY:
            answer = "Prefer not to say"
        rows.append((question.question, answer or "Not answered"))
    return rows


@staff_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    require(request, VIEW, application)
    # Answers for a fair mix can be special category data: shown only to those allowed, and
    # each look is recorded.
    selection_rows: list[tuple[str, str]] = []
    if request.user.has_perm(SEE_SELECTION_ANSWERS, application):
        selection_rows = _selection_rows(application)
        if selection_rows:
            record_view(application, VIEWED)
    needs = dict(AccessNeed.choices)
    opportunity = application.opportunity
    context = {
        "application": application,
        "opportunity": opportunity,
        "needs": [needs.get(need, need) for need in application.access_needs],
        "eligibility": [
            (line, application.eligibility_answers.get(line, ""))
            for line in opportunity.eligibility_lines()
        ],
        "selection_rows": selection_rows,
        "deliveries": selectors.deliveries_for(application),
        "can_change": request.user.has_perm(CHANGE, application)
        and bool(services.allowed_moves(application)),
        "can_see_person": application.person is not None
        and request.user.has_perm("people.view_person", application.person),
        "can_see_history": request.user.has_perm("audit.view_history", application),
    }
    return render(request, "recruitment/applications/detail.html", context)


@staff_required
def application_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Moves one application on, with a reason where the person is owed one."""
    application = _application(request, pk)
    require(request, CHANGE, application)
    form = StatusForm(_posted(request), application=application)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        moved = run_service(
            form,
            lambda: services.move_application(
                application,
                data["status"],
                by=request.user,
                reason=data["reason"],
                notify=data["notify"],
                beyond_places=data["beyond_places"],
            ),
        )
        if moved:
            messages.success(request, _moved_message(1, data["status"], data["notify"]))
            return redirect("applications:detail", pk=application.pk)
    context = {
        "application": application,
        "opportunity": application.opportunity,
        "form": form,
        "places": services.places_for(application.opportunity),
        "final": not services.allowed_moves(application),
    }
    return render(request, "recruitment/applications/status.html", context)


def _initial_from(person: Person) -> dict[str, Any]:
    """A register record's details, to start the form from."""
    channel = person.preferred_channel
    return {
        "person": person.pk,
        "name": person.name,
        "preferred_channel": channel if channel in services.APPLICANT_CHANNELS else "",
        "email": person.email,
        "phone": person.mobile or person.landline,
        "address": person.address,
        "postcode": person.postcode,
        "preferred_format": person.preferred_format,
        "language": person.language,
        "access_needs": [need.need for need in person.needs.all()],
        "access_notes": person.needs_notes,
    }


@staff_required
def application_create(request: HttpRequest, pk: int) -> HttpResponse:
    """One page for an application taken by phone, on paper or in person. Searching the
    register (GET ?q=) and choosing someone (GET ?person=) fills in their details."""
    opportunity = _opportunity(request, pk)
    require(request, ADD, opportunity)
    taking = opportunity.status in (OpportunityStatus.PUBLISHED, OpportunityStatus.CLOSED)
    search = PersonSearchForm(request.GET if "q" in request.GET else None)
    matches = (
        selectors.people_to_pick(opportunity, search.cleaned_data["q"]) if search.is_valid() else []
    )
    picked = None
    if request.method == "GET" and request.GET.get("person"):
        picked = scoped_or_404(
            request,
            Person.objects.filter(merged_into__isnull=True, pseudonymised_at__isnull=True),
            request.GET["person"],
        )
    questions = list(opportunity.selection_questions.all())
    form = StaffEntryForm(
        _posted(request),
        opportunity=opportunity,
        questions=questions,
        initial=_initial_from(picked) if picked else {},
    )
    if request.method == "POST" and taking and form.is_valid():
        data = form.cleaned_data

        def enter() -> Application:
            try:
                return services.enter_application(
                    opportunity,
                    form.data_for_service(),
                    data["source"],
                    request.user,
                    person=data["person"],
                )
            except NotEligible as refused:
                # Told to the facilitator, not (as online) to the applicant.
                raise ValidationError(
                    "They cannot apply: they said this is not true for them: "
                    f"{'; '.join(refused.requirements)}. If they think they should be able to "
                    f"take part, they can contact {contact_for(opportunity)}."
                ) from refused

        application = run_service(form, enter)
        if application:
            messages.success(
                request,
                f"Application from {application.name} entered. We have sent them an "
                "acknowledgement.",
            )
            return redirect("applications:detail", pk=application.pk)
    context = {
        "opportunity": opportunity,
        "form": form,
        "search": search,
        "matches": matches,
        "picked": picked,
        "taking": taking,
        "form_anchor": "id_source_0",
        "list_url": reverse("applications:list", args=[opportunity.pk]),
    }
    return render(request, "recruitment/applications/new.html", context)
