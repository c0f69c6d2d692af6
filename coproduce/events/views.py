from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coproduce.core.views_helpers import (
    paginate,
    require,
    run_service,
    scoped_or_404,
    staff_required,
)
from coproduce.participation.services import may_open_papers
from coproduce.people import selectors as people_selectors
from coproduce.people.models import Person
from coproduce.people.services import register_settings
from coproduce.projects.models import EngagementMethod
from coproduce.recruitment.forms import RecipientsForm

from . import selectors, services
from .forms import (
    CancelForm,
    EventForm,
    EventSettingsForm,
    FormatDoneForm,
    PaperForm,
    RegisterForm,
    ResponseForm,
    SendInvitationsForm,
    SupportItemForm,
    VenueForm,
)
from .models import (
    Attendance,
    Event,
    EventPaper,
    EventStatus,
    PaperFormat,
    Response,
    SupportArrangement,
    Venue,
)


def _organisation(request: HttpRequest) -> Any:
    return request.organisation  # type: ignore[attr-defined]


def _event(request: HttpRequest, pk: int) -> Event:
    queryset = Event.objects.select_related(
        "organisation", "project", "stage", "method", "venue", "created_by"
    )
    return scoped_or_404(request, queryset, pk)  # type: ignore[no-any-return]


def _calendar_link(request: HttpRequest, event: Event) -> str:
    return request.build_absolute_uri(reverse("events:calendar", args=[event.pk]))


# Events


@staff_required
def event_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "events.view_event", organisation)
    when = selectors.PAST if request.GET.get("when") == selectors.PAST else selectors.UPCOMING
    project_id = request.GET.get("project", "")
    project = None
    if project_id.isdigit():
        project = organisation.projects.filter(pk=int(project_id)).first()
    events = selectors.events_for(organisation, when, project.pk if project else None)
    can_change = request.user.has_perm("events.change_event", organisation)
    context = {
        "page": paginate(request, events),
        "when": when,
        "project": project,
        "can_change": can_change,
        "methods": selectors.methods_for(organisation) if can_change else [],
        "can_settings": request.user.has_perm("events.change_settings", organisation),
    }
    return render(request, "events/event_list.html", context)


@staff_required
def event_create(request: HttpRequest, method_pk: int) -> HttpResponse:
    method = scoped_or_404(
        request, EngagementMethod.objects.select_related("plan__stage__project"), method_pk
    )
    require(request, "events.change_event", method)
    event = services.new_event(method)
    event.created_by = request.user  # type: ignore[assignment]
    form = EventForm(request.POST or None, instance=event, organisation=method.organisation)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.save_event(form.save(commit=False)))
        if saved:
            _saved_message(request, "Event saved.", saved.warnings)
            return redirect("events:detail", pk=saved.event.pk)
    return render(
        request, "events/event_form.html", {"form": form, "event": None, "method": method}
    )


def _saved_message(request: HttpRequest, text: str, warnings: list[str]) -> None:
    if len(warnings) == 1:
        text = f"{text} There is 1 thing to check below."
    elif warnings:
        text = f"{text} There are {len(warnings)} things to check below."
    messages.success(request, text)


@staff_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    require(request, "events.change_event", event)
    form = EventForm(request.POST or None, instance=event, organisation=event.organisation)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.save_event(form.save(commit=False)))
        if saved:
            _saved_message(request, "Changes saved.", saved.warnings)
            return redirect("events:detail", pk=saved.event.pk)
    context = {"form": form, "event": event, "method": event.method}
    return render(request, "events/event_form.html", context)


@staff_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    require(request, "events.view_event", event)
    return _render_detail(request, event)


def _render_detail(
    request: HttpRequest, event: Event, ready_errors: list[str] | None = None
) -> HttpResponse:
    attendances = list(selectors.attendances_for(event))
    can_change = request.user.has_perm("events.change_event", event)
    checklist = list(
        event.support_arrangements.select_related("person", "owner", "budget_line").order_by(
            "-needed", "kind", "person__name", "pk"
        )
    )
    papers = list(
        event.papers.prefetch_related(
            Prefetch("formats", queryset=PaperFormat.objects.select_related("person"))
        )
    )
    context = {
        "event": event,
        "warnings": [
            *services.timing_warnings(event),
            *services.venue_warnings(event),
            *services.needs_warnings(event, attendances),
        ],
        "attendances": attendances,
        "coming": sum(1 for row in attendances if row.response == Response.CONFIRMED),
        "checklist": checklist,
        "open_items": [item for item in checklist if item.needed and not item.settled],
        "support_cost": services.support_cost(event),
        "papers": papers,
        "papers_due_text": services.when(services.papers_due(event)),
        "paper_flags": services.paper_flags(event),
        "ready_errors": ready_errors,
        "can_change": can_change,
        # Names beside needs only for those who arrange support.
        "show_people": can_change,
        "can_invite": request.user.has_perm("events.invite", event),
        "can_register": request.user.has_perm("events.take_register", event),
        "can_support": request.user.has_perm("events.change_support", event),
        "still_open": event.status in (EventStatus.PLANNED, EventStatus.READY),
        "venue_access": services.access_summary(event.venue) if event.venue else "",
        "when": services.when(event.starts_at),
        "until": services.clock(event.ends_at),
    }
    return render(request, "events/event_detail.html", context, status=400 if ready_errors else 200)


@staff_required
@require_POST
def event_ready(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    require(request, "events.change_event", event)
    try:
        services.mark_ready(event)
    except ValidationError as error:
        return _render_detail(request, event, ready_errors=error.messages)
    messages.success(request, "The event is ready.")
    return redirect("events:detail", pk=event.pk)


@staff_required
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    require(request, "events.change_event", event)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.cancel_event(event, form.cleaned_data["reason"], by=request.user),
        )
        if done:
            messages.success(request, "Event cancelled. Everyone coming is being told.")
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/cancel.html", {"form": form, "event": event})


# Invitations and answers


@staff_required
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1: choose people from a saved list or the register's filters; step 2: see who
    will be invited and who is held back, and send."""
    event = _event(request, pk)
    require(request, "events.invite", event)
    organisation = event.organisation
    threshold = register_settings(organisation).fatigue_threshold
    recipients = RecipientsForm(request.GET or None, organisation=organisation)
    people: list[Person] = []
    chosen = bool(request.GET) and recipients.is_valid()
    if chosen:
        criteria = dict(recipients.cleaned_data)
        saved = criteria.pop("saved_list", None)
        found = people_selectors.search_people(
            organisation,
            fatigue_threshold=threshold,
            **{key: value for key, value in criteria.items() if value},
        )
        if saved is not None:
            found = found.filter(saved_lists=saved)
        people = list(found[:500])
    if request.method == "POST":
        ids = [int(value) for value in request.POST.getlist("people") if value.isdigit()]
        people = list(
            people_selectors.with_register_summary(
                Person.objects.filter(
                    organisation=organisation, merged_into__isnull=True, pk__in=ids
                )
            )
        )
    candidates = services.candidates(event, people)
    form = SendInvitationsForm(
        request.POST or None,
        people=[(c.person.pk, c.person.display_name) for c in candidates],
        fatigued=[
            (c.person.pk, c.person.display_name)
            for c in candidates
            if c.fatigued and c.may_contact and not c.already_invited
        ],
    )
    if request.method == "POST" and form.is_valid():
        outcome = run_service(
            form,
            lambda: services.invite(
                event,
                people,
                by=request.user,
                calendar_link=_calendar_link(request, event),
                confirm_fatigued=form.cleaned_data["confirm_fatigued"],
            ),
        )
        if outcome is not None:
            text = f"{len(outcome.invited)} invited."
            if outcome.held:
                text += (
                    f" {len(outcome.held)} held back: they have not agreed to be contacted, "
                    "or were asked too often recently."
                )
            messages.success(request, text)
            return redirect("events:detail", pk=event.pk)
    context = {
        "event": event,
        "recipients": recipients,
        "chosen": chosen or request.method == "POST",
        "candidates": candidates,
        "form": form,
        "ready": [c for c in candidates if not c.held_reason and not c.already_invited],
        "threshold": threshold,
    }
    return render(request, "events/invite.html", context)


@staff_required
@require_POST
def respond(request: HttpRequest, pk: int, attendance_pk: int) -> HttpResponse:
    """Staff record someone's answer for them (a phone call, a letter)."""
    event = _event(request, pk)
    require(request, "events.change_event", event)
    attendance = get_object_or_404(event.attendances.select_related("person"), pk=attendance_pk)
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            services.respond(attendance, form.cleaned_data["response"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"{attendance.person.display_name}: {attendance.get_response_display().lower()}.",
            )
    return redirect(f"{reverse('events:detail', args=[event.pk])}#attendees")


# Attendance register


@staff_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    require(request, "events.take_register", event)
    attendances = list(
        event.attendances.exclude(response=Response.DECLINED)
        .select_related("person", "involvement")
        .order_by("person__name", "pk")
    )
    form = RegisterForm(request.POST or None, attendances=attendances)
    if request.method == "POST" and form.is_valid():
        marks = {
            pk: services.Mark(attended, hours)
            for pk, (attended, hours) in form.marks().items()
            if attended
        }
        done = run_service(form, lambda: services.take_register(event, marks))
        if done is not None:
            messages.success(request, f"Register saved: {len(done)} marked.")
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/register.html", {"form": form, "event": event})


# Support checklist


@staff_required
def support_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    event = _event(request, pk)
    item = get_object_or_404(
        SupportArrangement.objects.select_related("event", "person"), event=event, pk=item_pk
    )
    require(request, "events.change_support", item)
    form = SupportItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.save_support_item(form.save(commit=False)))
        if saved:
            messages.success(request, f"{saved.get_kind_display()}: saved.")
            return redirect(f"{reverse('events:detail', args=[event.pk])}#support")
    needs_notes = item.person.needs_notes if item.person else ""
    context = {"form": form, "event": event, "item": item, "needs_notes": needs_notes}
    return render(request, "events/support_item.html", context)


# Papers


@staff_required
def paper_upload(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    require(request, "events.change_event", event)
    form = PaperForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        paper = run_service(
            form,
            lambda: services.add_paper(
                event, form.cleaned_data["title"], form.cleaned_data["file"], by=request.user
            ),
        )
        if paper:
            messages.success(request, f"“{paper.title}” added.")
            return redirect(f"{reverse('events:detail', args=[event.pk])}#papers")
    context = {"form": form, "event": event, "due": services.when(services.papers_due(event))}
    return render(request, "events/paper_form.html", context)


@staff_required
def format_done(request: HttpRequest, pk: int, format_pk: int) -> HttpResponse:
    event = _event(request, pk)
    require(request, "events.change_event", event)
    version = get_object_or_404(
        PaperFormat.objects.select_related("paper", "person"), paper__event=event, pk=format_pk
    )
    form = FormatDoneForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form, lambda: services.complete_format(version, form.cleaned_data["file"])
        )
        if done:
            messages.success(request, f"{done}: done.")
            return redirect(f"{reverse('events:detail', args=[event.pk])}#papers")
    return render(
        request, "events/format_form.html", {"form": form, "event": event, "version": version}
    )


def _download(request: HttpRequest, permission: str, obj: Any, name: str, kind: str) -> Any:
    """Staff of the organisation, or someone asked to the event; anyone else finds nothing."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm(permission, obj) or not obj.file:
        raise Http404
    if not may_open_papers(request.user, obj):
        # Confidential papers (participation): only once the current agreement is agreed.
        messages.error(request, "Please agree the confidentiality agreement to open this paper.")
        return redirect("participation:mine")
    response = FileResponse(obj.file.open("rb"), as_attachment=True, filename=name)
    response["Content-Type"] = kind
    return response


def paper_download(request: HttpRequest, pk: int, paper_pk: int) -> Any:
    paper = get_object_or_404(EventPaper, event_id=pk, pk=paper_pk)
    return _download(
        request, "events.download_paper", paper, paper.original_name, paper.content_type
    )


def format_download(request: HttpRequest, pk: int, format_pk: int) -> Any:
    version = get_object_or_404(
        PaperFormat.objects.select_related("paper"), paper__event_id=pk, pk=format_pk
    )
    return _download(
        request, "events.download_paper", version, version.original_name, version.content_type
    )


def calendar(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    event = get_object_or_404(Event.objects.select_related("venue", "project", "created_by"), pk=pk)
    if not request.user.has_perm("events.download_calendar", event):
        raise Http404
    response = HttpResponse(services.calendar_file(event), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


# Venues and settings


@staff_required
def venue_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "events.view_venue", organisation)
    context = {
        "page": paginate(request, selectors.venues_for(organisation)),
        "can_change": request.user.has_perm("events.change_venue", organisation),
    }
    return render(request, "events/venue_list.html", context)


@staff_required
def venue_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    organisation = _organisation(request)
    if pk is None:
        venue = Venue(organisation=organisation)
        require(request, "events.change_venue", organisation)
    else:
        venue = scoped_or_404(request, Venue, pk)
        require(request, "events.change_venue", venue)
    form = VenueForm(request.POST or None, instance=venue)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.save_venue(form.save(commit=False)))
        if saved:
            messages.success(request, f"{saved.name} saved.")
            return redirect("events:venues")
    return render(request, "events/venue_form.html", {"form": form, "venue": venue})


@staff_required
def event_settings(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "events.change_settings", organisation)
    form = EventSettingsForm(request.POST or None, instance=services.event_settings(organisation))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Event settings saved.")
        return redirect("events:list")
    return render(request, "events/settings.html", {"form": form})


# The person's own page


def _my_person_ids(request: HttpRequest) -> list[int]:
    """The signed-in participant's register records, or those of the participant a
    facilitator is acting for."""
    user = getattr(request, "assisted_participant", None) or request.user
    if user.pk is None:
        return []
    return list(Person.objects.filter(user_id=user.pk).values_list("pk", flat=True))


def my_events(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attendances = list(selectors.my_events(_my_person_ids(request)))
    rows = [
        (
            attendance,
            services.when(attendance.event.starts_at),
            services.clock(attendance.event.ends_at),
        )
        for attendance in attendances
    ]
    return render(request, "events/my_events.html", {"rows": rows})


@require_POST
def my_respond(request: HttpRequest, attendance_pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("events:my-events"))
    attendance = get_object_or_404(
        Attendance.objects.select_related("event"),
        pk=attendance_pk,
        person_id__in=_my_person_ids(request),
    )
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            services.respond(attendance, form.cleaned_data["response"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            answer = "coming" if attendance.response == Response.CONFIRMED else "not coming"
            messages.success(request, f"Thank you. We have noted you are {answer}.")
    return redirect("events:my-events")
