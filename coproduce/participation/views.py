"""Pages for briefings, agreements, training, conflicts of interest, recognition and
incentives; and the participant's own pages (their role, briefing, agreements, certificate)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coproduce.core.views_helpers import (
    paginate,
    require,
    run_service,
    scoped_or_404,
    staff_required,
)
from coproduce.events.forms import EventForm
from coproduce.events.services import new_event
from coproduce.people.models import ConsentMethod, Person
from coproduce.recruitment.models import Opportunity

from . import selectors, services
from .forms import (
    FACILITATED,
    AgreeForm,
    AgreementVersionForm,
    AssessForm,
    BriefingForm,
    InterestForm,
    MemberForm,
    MentorForm,
    MyCertificateForm,
    OfferPlacesForm,
    PlaceForm,
    PrizeDrawForm,
    RecognitionForm,
    RecordAgreementForm,
    RunDrawForm,
    TimeCreditForm,
    TrainingOfferForm,
)
from .models import (
    AgreementKind,
    AgreementVersion,
    Briefing,
    BriefingMember,
    InterestDeclaration,
    MentorAssignment,
    PrizeDraw,
    Recognition,
    RecognitionKind,
    TimeCredit,
    TrainingOffer,
    TrainingPlace,
)


def _organisation(request: HttpRequest) -> Any:
    return request.organisation  # type: ignore[attr-defined]


def _opportunity(request: HttpRequest, pk: int) -> Opportunity:
    queryset = Opportunity.objects.select_related("project", "method", "organisation")
    return scoped_or_404(request, queryset, pk)  # type: ignore[no-any-return]


def _posted(request: HttpRequest) -> Any:
    """The form's data when posted (even if empty, so that a form with only an unticked box
    still says what is wrong), or None to show it unbound."""
    return request.POST if request.method == "POST" else None


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    title: str,
    back: str,
    submit: str,
    caption: str = "",
    intro: str = "",
    rows: list[tuple[str, str]] | None = None,
    multipart: bool = False,
) -> HttpResponse:
    """One page layout for every form here: errors first, then the fields in order."""
    context = {
        "form": form,
        "title": title,
        "back": back,
        "submit": submit,
        "caption": caption,
        "intro": intro,
        "rows": rows or [],
        "multipart": multipart,
    }
    return render(request, "participation/form.html", context)


# Overview


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "participation.view", organisation)
    opportunities = (
        Opportunity.objects.filter(organisation=organisation)
        .select_related("project", "briefing")
        .annotate(
            in_role=Count(
                "applications",
                filter=Q(applications__status__in=services.IN_ROLE),
                distinct=True,
            )
        )
        .order_by("-created_at", "pk")
    )
    return render(request, "participation/home.html", {"page": paginate(request, opportunities)})


@staff_required
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request, pk)
    require(request, "participation.view", opportunity)
    briefing = Briefing.objects.filter(opportunity=opportunity).first()
    context = {
        "opportunity": opportunity,
        "briefing": briefing,
        "warnings": services.briefing_warnings(briefing) if briefing else [],
        "first_meeting": services.first_meeting(opportunity),
        "pre_meetings": list(briefing.pre_meetings.select_related("event")) if briefing else [],
        "versions": {
            kind: services.current_version(opportunity, kind) for kind in AgreementKind.values
        },
        "rows": selectors.agreement_table(opportunity, briefing),
        "can_change": request.user.has_perm("participation.change", opportunity),
    }
    return render(request, "participation/opportunity.html", context)


# Briefings


@staff_required
def briefing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request, pk)
    require(request, "participation.change", opportunity)
    briefing = Briefing.objects.filter(opportunity=opportunity).first() or Briefing(
        opportunity=opportunity,
        background=opportunity.purpose,
        what_happens="\n".join(
            filter(None, [opportunity.dates_and_place, opportunity.time_commitment])
        ),
    )
    form = BriefingForm(_posted(request), instance=briefing)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.save_briefing(form.save(commit=False)))
        if saved:
            messages.success(request, "Briefing saved.")
            return redirect("participation:opportunity", pk=opportunity.pk)
    return _form_page(
        request,
        form,
        title="Briefing pack",
        caption=opportunity.title,
        back=reverse("participation:opportunity", args=[opportunity.pk]),
        submit="Save the briefing",
        intro=(
            "Everyone in the role gets the same briefing before the first meeting, so that "
            "they all start with the same knowledge. Who's who, the glossary and what people "
            "can change are added for you from the project and the opportunity."
        ),
    )


def _briefing(opportunity: Opportunity) -> Briefing:
    briefing = Briefing.objects.filter(opportunity=opportunity).first()
    if briefing is None:
        raise Http404("This opportunity has no briefing yet.")
    return briefing


@staff_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request, pk)
    require(request, "participation.change", opportunity)
    briefing = _briefing(opportunity)
    form = MemberForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        member = form.save(commit=False)
        member.briefing = briefing
        saved = run_service(
            form, lambda: services.save_member(member, form.cleaned_data.get("photo_upload"))
        )
        if saved:
            messages.success(request, f"{saved.name} added to who's who.")
            return redirect("participation:opportunity", pk=opportunity.pk)
    return _form_page(
        request,
        form,
        title="Add someone to who's who",
        caption=opportunity.title,
        back=reverse("participation:opportunity", args=[opportunity.pk]),
        submit="Add to who's who",
        multipart=True,
    )


@staff_required
@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    opportunity = _opportunity(request, pk)
    require(request, "participation.change", opportunity)
    member = get_object_or_404(BriefingMember, briefing__opportunity=opportunity, pk=member_pk)
    services.remove_member(member)
    messages.success(request, f"{member.name} removed from who's who.")
    return redirect("participation:opportunity", pk=opportunity.pk)


@staff_required
def briefing_pdf(request: HttpRequest, pk: int, version: str) -> HttpResponse:
    opportunity = _opportunity(request, pk)
    require(request, "participation.view", opportunity)
    if version not in services.BRIEFING_VERSIONS:
        raise Http404
    briefing = _briefing(opportunity)
    try:
        content = services.briefing_pdf(briefing, version)
    except ValidationError as error:
        raise Http404(" ".join(error.messages)) from error
    return _pdf(content, f"briefing-{opportunity.pk}-{version}.pdf")


@staff_required
@require_POST
def briefing_send(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request, pk)
    require(request, "participation.change", opportunity)
    briefing = _briefing(opportunity)
    link = request.build_absolute_uri(reverse("participation:my-briefing", args=[opportunity.pk]))
    try:
        sent = services.send_briefing(briefing, link=link, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        count = len(sent.deliveries)
        messages.success(
            request,
            f"Briefing sent to {count} {'person' if count == 1 else 'people'}, each by their "
            "own channel and format.",
        )
    return redirect("participation:opportunity", pk=opportunity.pk)


@staff_required
def pre_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request, pk)
    require(request, "participation.change", opportunity)
    require(request, "events.change_event", opportunity)
    briefing = _briefing(opportunity)
    event = new_event(opportunity.method)
    event.title = f"Pre-meeting: {opportunity.title}"
    event.purpose = "To go through the briefing and help everyone prepare for the first meeting."
    event.created_by = request.user  # type: ignore[assignment]
    form = EventForm(_posted(request), instance=event, organisation=_organisation(request))
    if request.method == "POST" and form.is_valid():
        made = run_service(
            form, lambda: services.schedule_pre_meeting(briefing, form.save(commit=False))
        )
        if made:
            messages.success(request, f"Pre-meeting added: {made.event.title}.")
            return redirect("participation:opportunity", pk=opportunity.pk)
    return _form_page(
        request,
        form,
        title="Schedule a pre-meeting",
        caption=opportunity.title,
        back=reverse("participation:opportunity", args=[opportunity.pk]),
        submit="Save the pre-meeting",
        intro=(
            "A pre-meeting helps people prepare for the main event. It is an event like any "
            "other: invite people, arrange their support and take the register from its page."
        ),
    )


# Agreements


@staff_required
def agreement_new(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    opportunity = _opportunity(request, pk)
    require(request, "participation.change", opportunity)
    if kind not in AgreementKind.values:
        raise Http404
    current = services.current_version(opportunity, kind)
    version = AgreementVersion(opportunity=opportunity, kind=kind)
    initial = {}
    if current is not None:
        initial = {name: getattr(current, name) for name in AgreementVersionForm.Meta.fields}
        initial["change_note"] = ""
    form = AgreementVersionForm(_posted(request), instance=version, initial=initial, kind=kind)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form, lambda: services.new_version(form.save(commit=False), by=request.user)
        )
        if saved:
            messages.success(request, f"{saved} saved. Everyone in the role is asked to agree it.")
            return redirect("participation:opportunity", pk=opportunity.pk)
    label = AgreementKind(kind).label
    return _form_page(
        request,
        form,
        title=f"New version: {label.lower()}" if current else label,
        caption=opportunity.title,
        back=reverse("participation:opportunity", args=[opportunity.pk]),
        submit="Save this version",
        intro=(
            f"This will be version {current.number + 1}. Version {current.number} stays as it "
            "was, with who agreed it; everyone in the role is asked to agree the new one."
            if current
            else "Once saved, a version is never changed: changes make a new version."
        ),
    )


@staff_required
def agreement_record(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request, pk)
    require(request, "participation.record_for_person", opportunity)
    versions = [
        version
        for version in (services.current_version(opportunity, kind) for kind in AgreementKind)
        if version is not None
    ]
    if not versions:
        messages.error(request, "Write the role description or an agreement first.")
        return redirect("participation:opportunity", pk=opportunity.pk)
    form = RecordAgreementForm(
        _posted(request), people=services.participants(opportunity), versions=versions
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: services.record_agreement(
                data["version"],
                data["person"],
                method=data["method"],
                agreed_on=data["agreed_on"],
                by=request.user,
            ),
        )
        if done:
            messages.success(
                request, f"Recorded: {data['person'].display_name} agreed {data['version']}."
            )
            return redirect("participation:opportunity", pk=opportunity.pk)
    return _form_page(
        request,
        form,
        title="Record an agreement made on paper or out loud",
        caption=opportunity.title,
        back=reverse("participation:opportunity", args=[opportunity.pk]),
        submit="Record the agreement",
        intro="Keep the signed paper, or note who was there when they agreed.",
    )


# Training


@staff_required
def training_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "participation.view", organisation)
    offers = selectors.training_offers(organisation)
    context = {
        "page": paginate(request, offers),
        "can_change": request.user.has_perm("participation.change", organisation),
    }
    return render(request, "participation/training_list.html", context)


@staff_required
def training_new(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "participation.change", organisation)
    offer = TrainingOffer(organisation=organisation)
    form = TrainingOfferForm(_posted(request), instance=offer, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.save_offer(form.save(commit=False)))
        if saved:
            messages.success(request, f"“{saved.title}” added. Now offer people a place.")
            return redirect("participation:training-detail", pk=saved.pk)
    return _form_page(
        request,
        form,
        title="Offer training or support",
        back=reverse("participation:training"),
        submit="Save the training",
        intro=(
            "For example chairing, interviewing, evaluating bids or mystery shopping. A cost "
            "comes from one of the project's budget lines, which must say why it is needed."
        ),
    )


@staff_required
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = scoped_or_404(
        request, TrainingOffer.objects.select_related("project", "budget_line__method"), pk
    )
    require(request, "participation.view", offer)
    candidates = selectors.people_in_project_roles(offer.project).exclude(
        training_places__offer=offer
    )
    form = OfferPlacesForm(_posted(request), people=candidates)
    if request.method == "POST":
        require(request, "participation.change", offer)
        if form.is_valid():
            added = services.offer_places(offer, form.cleaned_data["people"])
            messages.success(request, f"{len(added)} offered a place.")
            return redirect("participation:training-detail", pk=offer.pk)
    context = {
        "offer": offer,
        "places": offer.places.select_related("person").order_by("person__name", "pk"),
        "form": form,
        "has_candidates": candidates.exists(),
        "can_change": request.user.has_perm("participation.change", offer),
    }
    status = 400 if form.errors else 200
    return render(request, "participation/training_detail.html", context, status=status)


@staff_required
def place_edit(request: HttpRequest, pk: int) -> HttpResponse:
    place = scoped_or_404(request, TrainingPlace.objects.select_related("offer", "person"), pk)
    require(request, "participation.change", place)
    form = PlaceForm(
        _posted(request),
        initial={"status": place.status, "completed_on": place.completed_on, "notes": place.notes},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.update_place(
                place, data["status"], data["completed_on"], data["notes"]
            ),
        )
        if saved:
            messages.success(
                request, f"{place.person.display_name}: {saved.get_status_display().lower()}."
            )
            return redirect("participation:training-detail", pk=place.offer_id)
    return _form_page(
        request,
        form,
        title=f"{place.person.display_name}: {place.offer.title}",
        caption="Training",
        back=reverse("participation:training-detail", args=[place.offer_id]),
        submit="Save",
    )


# A person's participation record


def _person(request: HttpRequest, pk: int) -> Person:
    return scoped_or_404(request, Person.objects.filter(merged_into__isnull=True), pk)  # type: ignore[no-any-return]


@staff_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    require(request, "participation.view", person)
    context = {
        "person": person,
        "opportunities": list(services.opportunities_of(person)),
        "agreements": person.agreements.select_related("version__opportunity"),
        "training": person.training_places.select_related("offer").order_by("-offer__starts_on"),
        "mentors": person.mentors.select_related("mentor_person", "mentor_user", "opportunity"),
        "interests": services.interests_of(person),
        "credits": person.time_credits.select_related("project"),
        "balance": services.time_credit_balance(person),
        "recognitions": person.recognitions.all(),
        "can_change": request.user.has_perm("participation.change", person),
    }
    return render(request, "participation/person.html", context)


@staff_required
def mentor_new(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    require(request, "participation.change", person)
    form = MentorForm(_posted(request), instance=MentorAssignment(person=person), person=person)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.assign_mentor(form.save(commit=False)))
        if saved:
            messages.success(request, f"{saved.get_kind_display()} assigned: {saved.mentor_name}.")
            return redirect("participation:person", pk=person.pk)
    return _form_page(
        request,
        form,
        title="Assign a mentor or buddy",
        caption=person.display_name,
        back=reverse("participation:person", args=[person.pk]),
        submit="Assign",
        intro="Choose someone from the register (often an experienced participant) or staff.",
    )


@staff_required
def time_credit_new(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    require(request, "participation.change", person)
    credit = TimeCredit(person=person, recorded_by=request.user)  # type: ignore[misc]
    form = TimeCreditForm(_posted(request), instance=credit, person=person)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.record_time_credit(form.save(commit=False)))
        if saved:
            messages.success(request, f"{saved} recorded.")
            return redirect("participation:person", pk=person.pk)
    return _form_page(
        request,
        form,
        title="Record time credits",
        caption=person.display_name,
        back=reverse("participation:person", args=[person.pk]),
        submit="Record",
        rows=[("Time credits to spend now", str(services.time_credit_balance(person)))],
    )


@staff_required
def recognition_new(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    require(request, "participation.record_for_person", person)
    recognition = Recognition(person=person, signed_by=request.user)  # type: ignore[misc]
    form = RecognitionForm(_posted(request), instance=recognition)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.create_recognition(form.save(commit=False)))
        if saved:
            messages.success(request, f"{saved.get_kind_display()} ready to print.")
            return redirect("participation:person", pk=person.pk)
    history = services.involvement_history(person)
    return _form_page(
        request,
        form,
        title="Certificate or reference letter",
        caption=person.display_name,
        back=reverse("participation:person", args=[person.pk]),
        submit="Make it",
        intro=(
            "Made from what is recorded about their involvement, only with their agreement. "
            "Ask them first, and record how and when they agreed."
        ),
        rows=[(row.on.strftime("%-d %B %Y"), row.what) for row in history[:10]],
    )


def recognition_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff of the organisation, or the person it is for; anyone else finds nothing."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    recognition = get_object_or_404(Recognition.objects.select_related("person"), pk=pk)
    own = recognition.person_id in _my_person_ids(request)
    if not own and not request.user.has_perm("participation.view", recognition):
        raise Http404
    return _pdf(
        services.recognition_pdf(recognition),
        f"{recognition.kind}-{recognition.pk}.pdf",
    )


# Conflicts of interest


@staff_required
def conflict_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "participation.view", organisation)
    context = {
        "page": paginate(request, selectors.declarations(organisation)),
        "can_declare": request.user.has_perm("participation.change", organisation),
        "can_assess": request.user.has_perm("participation.assess_conflict", organisation),
    }
    return render(request, "participation/conflict_list.html", context)


@staff_required
def conflict_new(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "participation.change", organisation)
    declaration = InterestDeclaration(organisation=organisation, recorded_by=request.user)  # type: ignore[misc]
    form = InterestForm(_posted(request), instance=declaration, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.declare_interest(form.save(commit=False)))
        if saved:
            messages.success(request, "Interest recorded. An officer will assess it.")
            return redirect("participation:conflicts")
    return _form_page(
        request,
        form,
        title="Record a conflict of interest",
        back=reverse("participation:conflicts"),
        submit="Record it",
        intro=(
            "At any stage: for example an organisation helping to design a service that may "
            "later bid for it. An officer then assesses it and records the mitigation."
        ),
    )


@staff_required
def conflict_assess(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = scoped_or_404(
        request,
        InterestDeclaration.objects.select_related("project", "person", "partner", "stage"),
        pk,
    )
    require(request, "participation.assess_conflict", declaration)
    form = AssessForm(
        _posted(request),
        initial={"outcome": declaration.outcome, "mitigation": declaration.mitigation},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.assess_interest(
                declaration, data["outcome"], data["mitigation"], by=request.user
            ),
        )
        if saved:
            messages.success(request, f"Assessed: {saved.get_outcome_display().lower()}.")
            return redirect("participation:conflicts")
    return _form_page(
        request,
        form,
        title="Assess a conflict of interest",
        caption=declaration.project.title,
        back=reverse("participation:conflicts"),
        submit="Save the assessment",
        rows=[
            ("Who", declaration.declared_by_name),
            ("Stage", declaration.stage.name if declaration.stage else "Not one stage"),
            ("What the interest is", declaration.nature),
            ("Declared", declaration.declared_on.strftime("%-d %B %Y")),
        ],
        intro=(
            "Excluding someone loses what they could add; you can often manage the risk "
            "instead, for example by sharing all the learning in the tender documents."
        ),
    )


# Prize draws


@staff_required
def draw_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "participation.view", organisation)
    draws = PrizeDraw.objects.filter(organisation=organisation).select_related("survey")
    context = {
        "page": paginate(request, draws.order_by("-created_at", "-pk")),
        "can_change": request.user.has_perm("participation.run_draw", organisation),
    }
    return render(request, "participation/draw_list.html", context)


@staff_required
def draw_new(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "participation.run_draw", organisation)
    draw = PrizeDraw(organisation=organisation)
    form = PrizeDrawForm(_posted(request), instance=draw, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.save_draw(form.save(commit=False)))
        if saved:
            messages.success(request, "Prize draw set up.")
            return redirect("participation:draw", pk=saved.pk)
    return _form_page(
        request,
        form,
        title="Set up a prize draw",
        back=reverse("participation:draws"),
        submit="Set up the draw",
        intro=(
            "A prize draw can encourage more people to answer a survey. Everyone who sends a "
            "response in time is in the draw once, with the same chance of winning."
        ),
    )


@staff_required
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draw = scoped_or_404(request, PrizeDraw.objects.select_related("survey", "drawn_by"), pk)
    require(request, "participation.view", draw)
    return _render_draw(request, draw, RunDrawForm())


def _render_draw(
    request: HttpRequest, draw: PrizeDraw, form: forms.Form, status: int = 200
) -> HttpResponse:
    winners = list(draw.winners.select_related("person").order_by("position"))
    deliveries = selectors.deliveries_by_key([winner.delivery_key for winner in winners])
    context = {
        "draw": draw,
        "form": form,
        "winners": [(winner, deliveries.get(winner.delivery_key)) for winner in winners],
        "eligible_count": len(draw.eligible_ids)
        if draw.is_drawn
        else services.eligible_responses(draw).count(),
        "verified": services.verify_draw(draw) if draw.is_drawn else None,
        "can_run": request.user.has_perm("participation.run_draw", draw),
        # Winners' names only for those who run the draw and contact them.
        "show_names": request.user.has_perm("participation.run_draw", draw),
    }
    return render(request, "participation/draw_detail.html", context, status=status)


@staff_required
@require_POST
def draw_run(request: HttpRequest, pk: int) -> HttpResponse:
    draw = scoped_or_404(request, PrizeDraw.objects.select_related("survey"), pk)
    require(request, "participation.run_draw", draw)
    form = RunDrawForm(request.POST)
    if form.is_valid():
        winners = run_service(
            form,
            lambda: services.run_draw(draw, by=request.user, seed=form.cleaned_data["seed"]),
        )
        if winners is not None:
            count = len(winners)
            messages.success(
                request, f"Draw made: {count} {'winner' if count == 1 else 'winners'}, told."
            )
            return redirect("participation:draw", pk=draw.pk)
    draw.refresh_from_db()
    return _render_draw(request, draw, form, status=400)


# The participant's own pages


def _my_person_ids(request: HttpRequest) -> list[int]:
    """The signed-in participant's register records, or those of the participant a
    facilitator is acting for."""
    user = getattr(request, "assisted_participant", None) or request.user
    if user.pk is None:
        return []
    return list(Person.objects.filter(user_id=user.pk).values_list("pk", flat=True))


def _my_opportunity(request: HttpRequest, pk: int) -> tuple[Opportunity, Person]:
    people = Person.objects.filter(pk__in=_my_person_ids(request))
    for person in people:
        found = services.opportunities_of(person).filter(pk=pk).first()
        if found is not None:
            return found, person
    raise Http404


def mine(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    people = list(Person.objects.filter(pk__in=_my_person_ids(request)))
    roles = [
        {
            "opportunity": opportunity,
            "person": person,
            "has_briefing": Briefing.objects.filter(opportunity=opportunity).exists(),
            "outstanding": services.outstanding_versions(person, opportunity),
        }
        for person in people
        for opportunity in services.opportunities_of(person)
    ]
    context = {
        "roles": roles,
        "training": TrainingPlace.objects.filter(person__in=people)
        .select_related("offer")
        .order_by("-offer__starts_on", "pk"),
        "recognitions": Recognition.objects.filter(person__in=people),
        "has_history": any(services.involvement_history(person) for person in people),
    }
    return render(request, "participation/mine.html", context)


def my_briefing(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    opportunity, person = _my_opportunity(request, pk)
    briefing = _briefing(opportunity)
    version = request.GET.get("version") or services.version_for(person)
    easy_read = version == "easy-read" and bool(briefing.easy_read_lines())
    context = {
        **services.briefing_context(briefing),
        "easy_read_page": easy_read,
        "person_version": services.version_for(person),
    }
    return render(request, "participation/my_briefing.html", context)


def my_briefing_pdf(request: HttpRequest, pk: int, version: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    opportunity, _person = _my_opportunity(request, pk)
    if version not in services.BRIEFING_VERSIONS:
        raise Http404
    briefing = _briefing(opportunity)
    try:
        content = services.briefing_pdf(briefing, version)
    except ValidationError as error:
        raise Http404(" ".join(error.messages)) from error
    return _pdf(content, f"briefing-{opportunity.pk}-{version}.pdf")


def my_agree(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    version = get_object_or_404(AgreementVersion.objects.select_related("opportunity"), pk=pk)
    opportunity, person = _my_opportunity(request, version.opportunity_id)
    current = services.current_version(opportunity, version.kind)
    if current is None or current.pk != version.pk:
        messages.info(request, "There is a newer version of this agreement: here it is.")
        assert current is not None
        return redirect("participation:my-agree", pk=current.pk)
    assisted = getattr(request, "assisted_participant", None) is not None
    form = AgreeForm(_posted(request))
    if assisted:
        form.fields["method"] = forms.ChoiceField(
            label="How did they agree?",
            choices=FACILITATED,
            widget=forms.RadioSelect,
            error_messages={"required": "Choose how they agreed."},
        )
    already = services.agreed(person, version)
    if request.method == "POST" and not already and form.is_valid():
        method = form.cleaned_data.get("method") or ConsentMethod.ONLINE
        done = run_service(
            form,
            lambda: services.record_agreement(version, person, method=method, by=request.user),
        )
        if done:
            messages.success(
                request, f"Thank you. You agreed the {version.get_kind_display().lower()}."
            )
            return redirect("participation:mine")
    context = {
        "form": form,
        "version": version,
        "opportunity": opportunity,
        "already": already,
        "sections": version.sections(),
    }
    return render(request, "participation/my_agree.html", context)


def my_certificate(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    person = Person.objects.filter(pk__in=_my_person_ids(request)).order_by("pk").first()
    if person is None:
        raise Http404
    history = services.involvement_history(person)
    form = MyCertificateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        assisted = getattr(request, "assisted_participant", None) is not None
        recognition = Recognition(
            person=person,
            kind=RecognitionKind.CERTIFICATE,
            consent_method=ConsentMethod.IN_PERSON if assisted else ConsentMethod.ONLINE,
            consent_given_on=timezone.localdate(),
        )
        saved = run_service(form, lambda: services.create_recognition(recognition))
        if saved:
            messages.success(request, "Your certificate is ready.")
            return redirect("participation:mine")
    context = {"form": form, "person": person, "history": history}
    return render(request, "participation/my_certificate.html", context)
