"""Write operations and rules for the participant's journey (see the models' notes)."""

import base64
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from coproduce.accounts.roles import staff_organisation_ids
from coproduce.core.documents import render_pdf
from coproduce.events import services as event_services
from coproduce.events.models import Event, EventPaper, EventStatus, PaperFormat
from coproduce.notifications.message import Message
from coproduce.notifications.models import Delivery
from coproduce.notifications.services import send
from coproduce.people.models import ConsentMethod, ConsentPurpose, Format, Involvement, Person
from coproduce.procurement.models import ConflictDeclaration, ConflictOutcome
from coproduce.projects.models import BudgetLine, CommissioningProject
from coproduce.recruitment import plain_language
from coproduce.recruitment import services as recruitment_services
from coproduce.recruitment.models import ApplicationStatus, Opportunity
from coproduce.surveys.models import Response, ResponseStatus

from . import draw as prize_draw
from .models import (
    Agreement,
    AgreementKind,
    AgreementVersion,
    Briefing,
    BriefingMember,
    InterestDeclaration,
    MentorAssignment,
    PreMeeting,
    PrizeDraw,
    PrizeWinner,
    Recognition,
    RecognitionKind,
    TimeCredit,
    TimeCreditKind,
    TrainingOffer,
    TrainingPlace,
    TrainingStatus,
)

# People in the role: selected, or selected and confirmed they are taking part.
IN_ROLE = (ApplicationStatus.SELECTED, ApplicationStatus.CONFIRMED)
PHOTO_TYPES = {"image/jpeg": "jpeg", "image/png": "png"}
PHOTO_MAX_BYTES = 5 * 1024 * 1024


def participants(opportunity: Opportunity) -> QuerySet[Person]:
    """Everyone in the role, whose records are live."""
    return (
        Person.objects.filter(
            applications__opportunity=opportunity,
            applications__status__in=IN_ROLE,
            merged_into__isnull=True,
            pseudonymised_at__isnull=True,
        )
        .distinct()
        .order_by("name", "pk")
    )


def opportunities_of(person: Person) -> QuerySet[Opportunity]:
    return (
        Opportunity.objects.filter(applications__person=person, applications__status__in=IN_ROLE)
        .select_related("project", "organisation")
        .distinct()
        .order_by("-created_at", "pk")
    )


# Briefings


def scope_of_influence(opportunity: Opportunity) -> list[tuple[str, str]]:
    """What people can and cannot change, and who decides: from the project and the role."""
    project = opportunity.project
    rows = [
        ("What is being decided", opportunity.deciding),
        ("What you can change", project.scope_open),
        ("What cannot change, and why", opportunity.cannot_change or project.scope_fixed),
        ("Who makes the final decision", project.decision_route),
    ]
    return [(heading, text) for heading, text in rows if text.strip()]


def _briefing_texts(briefing: Briefing) -> list[str]:
    opportunity = briefing.opportunity
    return [
        briefing.background,
        briefing.what_happens,
        *(text for _heading, text in scope_of_influence(opportunity)),
        *(f"{member.role}. {member.about}" for member in briefing.members.all()),
        opportunity.expected,
    ]


def glossary_for(briefing: Briefing) -> list[plain_language.Term]:
    """The organisation's glossary words that the briefing uses, in alphabetical order."""
    terms = recruitment_services.glossary(briefing.organisation)
    found = plain_language.find_jargon("\n".join(_briefing_texts(briefing)), terms)
    return sorted((item.term for item in found), key=lambda term: term.term.lower())


def draft_easy_read(briefing: Briefing) -> list[str]:
    """A first draft from the background, what happens and the scope, jargon replaced."""
    sections = [briefing.background, briefing.what_happens]
    sections += [text for _heading, text in scope_of_influence(briefing.opportunity)]
    return plain_language.easy_read_draft(
        sections, recruitment_services.glossary(briefing.organisation)
    )


def _mark_changed(briefing: Briefing) -> None:
    """A change after sending makes a new revision, which is sent afresh."""
    if briefing.sent_revision and briefing.sent_revision == briefing.revision:
        briefing.revision += 1


@transaction.atomic
def save_briefing(briefing: Briefing) -> Briefing:
    briefing.organisation_id = briefing.opportunity.organisation_id
    briefing.full_clean(exclude=["organisation", "opportunity"])
    if briefing.pk:
        before = Briefing.objects.select_for_update().get(pk=briefing.pk)
        fields = ("background", "what_happens", "easy_read")
        if any(getattr(before, name) != getattr(briefing, name) for name in fields):
            _mark_changed(briefing)
    if not briefing.easy_read.strip():
        briefing.easy_read = "\n".join(draft_easy_read(briefing))
    briefing.save()
    return briefing


def check_photo(upload: Any) -> None:
    kind = getattr(upload, "content_type", "")
    if kind not in PHOTO_TYPES:
        raise ValidationError({"photo": "The photo must be a JPEG or PNG picture."})
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": "The photo must be smaller than 5 MB."})


@transaction.atomic
def save_member(member: BriefingMember, photo: Any = None) -> BriefingMember:
    briefing = Briefing.objects.select_for_update().get(pk=member.briefing_id)
    member.organisation_id = briefing.organisation_id
    if photo is not None:
        check_photo(photo)
        member.photo = photo
    if member.photo and not member.photo_description.strip():
        raise ValidationError(
            {"photo_description": "Say what the photo shows, for people who cannot see it."}
        )
    if member.position == 0:
        member.position = (briefing.members.aggregate(top=Max("position"))["top"] or 0) + 1
    member.full_clean(exclude=["organisation", "briefing", "photo"])
    member.save()
    _mark_changed(briefing)
    briefing.save()
    return member


@transaction.atomic
def remove_member(member: BriefingMember) -> None:
    briefing = Briefing.objects.select_for_update().get(pk=member.briefing_id)
    if member.photo:
        member.photo.delete(save=False)
    member.delete()
    _mark_changed(briefing)
    briefing.save()


def photo_data_url(member: BriefingMember) -> str:
    """The photo inlined, so that documents never fetch anything (see core.documents)."""
    if not member.photo:
        return ""
    suffix = (member.photo.name or "").rsplit(".", 1)[-1].lower()
    kind = "image/png" if suffix == "png" else "image/jpeg"
    with member.photo.open("rb") as handle:
        return f"data:{kind};base64,{base64.b64encode(handle.read()).decode()}"


def main_events(opportunity: Opportunity) -> QuerySet[Event]:
    """The role's own meetings: the method's events that still stand, without pre-meetings."""
    return (
        Event.objects.filter(method_id=opportunity.method_id, pre_meeting_for__isnull=True)
        .exclude(status=EventStatus.CANCELLED)
        .select_related("venue")
        .order_by("starts_at", "pk")
    )


def first_meeting(opportunity: Opportunity) -> datetime.datetime | None:
    event = main_events(opportunity).first()
    if event is not None:
        return event.starts_at
    if opportunity.starts_on:
        return timezone.make_aware(
            datetime.datetime.combine(opportunity.starts_on, datetime.time())
        )
    return None


@transaction.atomic
def schedule_pre_meeting(briefing: Briefing, event: Event) -> PreMeeting:
    """Saves a new event of the opportunity's method as a pre-meeting for the briefing."""
    event.method = briefing.opportunity.method
    saved = event_services.save_event(event)
    pre_meeting = PreMeeting.objects.create(
        organisation_id=briefing.organisation_id, briefing=briefing, event=saved.event
    )
    _mark_changed(briefing)
    briefing.save()
    return pre_meeting


def briefing_warnings(briefing: Briefing, now: datetime.datetime | None = None) -> list[str]:
    now = now or timezone.now()
    warnings = []
    first = first_meeting(briefing.opportunity)
    if first is not None and first <= now and briefing.sent_revision < briefing.revision:
        warnings.append(
            "The first meeting has already happened: send the briefing as soon as you can, "
            "and go through it with people who did not have it in time."
        )
    if not briefing.members.exists():
        warnings.append("Who's who is empty: add the people participants will meet.")
    return warnings


def briefing_message(briefing: Briefing, link: str) -> Message:
    opportunity = briefing.opportunity
    first = first_meeting(opportunity)
    when = f" before the first meeting on {event_services.when(first)}" if first else ""
    lines = briefing.easy_read_lines()
    return Message(
        subject=f"Your briefing pack: {opportunity.title}",
        body=(
            f"Thank you for taking part in “{opportunity.title}” for "
            f"{opportunity.project.title}. Here is your briefing pack{when}: the background, "
            "who's who, words you may hear, what will happen and when, and what you can "
            "change.\n\n"
            f"What will happen and when\n{briefing.what_happens}\n\n"
            "If anything is not clear, or you need it in another format, contact us:\n"
            f"{opportunity.contact}"
        ),
        easy_read=lines or None,
        link=link,
    )


@dataclass(frozen=True)
class BriefingSent:
    deliveries: list[Delivery]
    revision: int


def briefing_key(briefing: Briefing, person: Person) -> str:
    return f"participation-briefing:{briefing.pk}:{briefing.revision}:{person.pk}"


@transaction.atomic
def send_briefing(briefing: Briefing, *, link: str, by: Any) -> BriefingSent:
    """Sends the briefing to everyone in the role by their own channel and format, once per
    revision: sending again sends only to people added since."""
    briefing = (
        Briefing.objects.select_for_update()
        .select_related("opportunity__project")
        .get(pk=briefing.pk)
    )
    people = list(participants(briefing.opportunity))
    if not people:
        raise ValidationError(
            "Nobody is in this role yet: select people from the applications first."
        )
    easy_read_needed = [p for p in people if p.preferred_format == Format.EASY_READ]
    if easy_read_needed and not briefing.easy_read_lines():
        raise ValidationError(
            f"{len(easy_read_needed)} of the people in this role need easy read: write the "
            "easy-read version first."
        )
    message = briefing_message(briefing, link)
    deliveries = [
        send(
            person,
            message,
            purpose=ConsentPurpose.CONTACT,
            key=briefing_key(briefing, person),
            topic=f"participation:briefing:{briefing.pk}",
            sent_by=by,
        )
        for person in people
    ]
    briefing.sent_revision = briefing.revision
    briefing.sent_at = timezone.now()
    briefing.save()
    return BriefingSent(deliveries=deliveries, revision=briefing.revision)


BRIEFING_VERSIONS = {
    "standard": "participation/documents/briefing_standard.html",
    "large-print": "participation/documents/briefing_large_print.html",
    "easy-read": "participation/documents/briefing_easy_read.html",
}


def version_for(person: Person) -> str:
    if person.preferred_format == Format.EASY_READ:
        return "easy-read"
    if person.preferred_format == Format.LARGE_PRINT:
        return "large-print"
    return "standard"


def briefing_context(briefing: Briefing) -> dict[str, Any]:
    members = list(briefing.members.all())
    return {
        "briefing": briefing,
        "opportunity": briefing.opportunity,
        "project": briefing.opportunity.project,
        "members": [(member, photo_data_url(member)) for member in members],
        "glossary": glossary_for(briefing),
        "scope": scope_of_influence(briefing.opportunity),
        "meetings": [
            (event, event_services.when(event.starts_at))
            for event in main_events(briefing.opportunity)
        ],
        "pre_meetings": [
            (pre.event, event_services.when(pre.event.starts_at))
            for pre in briefing.pre_meetings.select_related("event__venue")
        ],
        "easy_read": briefing.easy_read_lines(),
    }


def briefing_pdf(briefing: Briefing, version: str) -> bytes:
    if version == "easy-read" and not briefing.easy_read_lines():
        raise ValidationError("There is no easy-read version of this briefing yet.")
    return render_pdf(BRIEFING_VERSIONS[version], briefing_context(briefing))


# Agreements


def current_version(opportunity: Opportunity, kind: str) -> AgreementVersion | None:
    return (
        AgreementVersion.objects.filter(opportunity=opportunity, kind=kind)
        .order_by("-number")
        .first()
    )


def _label(name: str) -> str:
    field = AgreementVersion._meta.get_field(name)
    return str(getattr(field, "verbose_name", name)).lower()


REQUIRED_SECTIONS = {
    AgreementKind.ROLE: ("asks", "offers", "respect", "disagreements", "decisions"),
    AgreementKind.CONFIDENTIALITY: ("confidential",),
}


@transaction.atomic
def new_version(version: AgreementVersion, *, by: Any) -> AgreementVersion:
    """Adds the next version of an agreement. Earlier versions stay as they were, with who
    agreed them; everyone is asked to agree the new one."""
    opportunity = Opportunity.objects.select_for_update().get(pk=version.opportunity_id)
    version.organisation_id = opportunity.organisation_id
    version.created_by = by
    missing = {
        name: f"Enter {_label(name)}."
        for name in REQUIRED_SECTIONS[AgreementKind(version.kind)]
        if not getattr(version, name).strip()
    }
    if missing:
        raise ValidationError(missing)
    previous = current_version(opportunity, version.kind)
    if previous is not None and not version.change_note.strip():
        raise ValidationError({"change_note": "Say what changed, so people know what is new."})
    version.number = previous.number + 1 if previous else 1
    version.full_clean(exclude=["organisation", "opportunity", "created_by"])
    version.save()
    return version


def agreed(person: Person, version: AgreementVersion) -> bool:
    return Agreement.objects.filter(person=person, version=version).exists()


@transaction.atomic
def record_agreement(
    version: AgreementVersion,
    person: Person,
    *,
    method: str,
    agreed_on: datetime.date | None = None,
    by: Any,
) -> Agreement:
    """Records that the person agreed this version: online themselves, or on paper or out loud
    with a facilitator, who records it. Only the current version can be agreed."""
    current = current_version(version.opportunity, version.kind)
    if current is None or current.pk != version.pk:
        raise ValidationError(
            "This is not the current version: ask the person to agree the current one."
        )
    if person.organisation_id != version.organisation_id:
        raise ValidationError({"person": "Choose someone from your organisation's register."})
    agreed_on = agreed_on or timezone.localdate()
    if agreed_on > timezone.localdate():
        raise ValidationError({"agreed_on": "The date agreed cannot be in the future."})
    if method not in ConsentMethod.values:
        raise ValidationError({"method": "Choose how they agreed."})
    existing = Agreement.objects.filter(person=person, version=version).first()
    if existing is not None:
        return existing
    return Agreement.objects.create(
        organisation_id=version.organisation_id,
        version=version,
        person=person,
        method=method,
        agreed_on=agreed_on,
        recorded_by=by,
    )


def outstanding_versions(person: Person, opportunity: Opportunity) -> list[AgreementVersion]:
    """The current versions the person has still to agree, role first."""
    outstanding = []
    for kind in (AgreementKind.ROLE, AgreementKind.CONFIDENTIALITY):
        version = current_version(opportunity, kind)
        if version is not None and not agreed(person, version):
            outstanding.append(version)
    return outstanding


def _event_of(paper: EventPaper | PaperFormat | Event) -> Event:
    if isinstance(paper, Event):
        return paper
    if isinstance(paper, PaperFormat):
        return paper.paper.event
    return paper.event


def may_open_papers(user: Any, paper: EventPaper | PaperFormat | Event) -> bool:
    """Whether the user may open an event's papers: confidential papers (the papers of an
    event whose method has an opportunity with a confidentiality agreement) only once they
    have agreed its current version. Staff work under their own terms of employment."""
    event = _event_of(paper)
    if not user.is_authenticated:
        return False
    if event.organisation_id in staff_organisation_ids(user):
        return True
    needed = [
        version
        for version in (
            current_version(opportunity, AgreementKind.CONFIDENTIALITY)
            for opportunity in Opportunity.objects.filter(method_id=event.method_id)
        )
        if version is not None
    ]
    if not needed:
        return True
    people = list(Person.objects.filter(user=user, organisation_id=event.organisation_id))
    return bool(people) and all(
        any(agreed(person, version) for person in people) for version in needed
    )


def panel_member_has_agreed(evaluator: Any) -> bool:
    """Bids are commercially confidential: a lay or easy-read panel member reads them only once
    they have agreed the current confidentiality agreement of every role on the tender's panel
    method. Officers work under their own terms of employment."""
    method_id = evaluator.tender.panel_method_id
    if evaluator.person_id is None or method_id is None:
        return True
    versions = (
        current_version(opportunity, AgreementKind.CONFIDENTIALITY)
        for opportunity in Opportunity.objects.filter(method_id=method_id)
    )
    return all(agreed(evaluator.person, v) for v in versions if v is not None)


def confidentiality_needed_for(user: Any, paper: EventPaper | PaperFormat | Event) -> list[Any]:
    """The opportunities whose confidentiality agreement the user must agree first."""
    event = _event_of(paper)
    people = list(Person.objects.filter(user=user, organisation_id=event.organisation_id))
    result = []
    for opportunity in Opportunity.objects.filter(method_id=event.method_id):
        version = current_version(opportunity, AgreementKind.CONFIDENTIALITY)
        if version is not None and not any(agreed(person, version) for person in people):
            result.append(opportunity)
    return result


# Training and mentors


def check_charge(project: CommissioningProject, line: BudgetLine | None, cost: Any) -> None:
    """A cost must come from one of the project's engagement-plan budget lines, and that line
    must say why the money is needed (the seed: a reason for anything beyond expenses)."""
    if cost is None:
        return
    if line is None:
        raise ValidationError({"budget_line": "Choose the budget line this cost comes from."})
    if line.method.plan.stage.project_id != project.pk:
        raise ValidationError({"budget_line": "Choose a budget line of this project."})
    if line.needs_reason:
        raise ValidationError(
            {
                "budget_line": (
                    "That budget line does not say why the money is needed. Add the reason to "
                    "the engagement plan first."
                )
            }
        )


def save_offer(offer: TrainingOffer) -> TrainingOffer:
    offer.organisation_id = offer.project.organisation_id
    offer.full_clean(exclude=["organisation", "project"])
    if offer.ends_on and offer.ends_on < offer.starts_on:
        raise ValidationError({"ends_on": "The last date must be on or after the first date."})
    check_charge(offer.project, offer.budget_line, offer.cost)
    offer.save()
    return offer


def offer_places(offer: TrainingOffer, people: Iterable[Person]) -> list[TrainingPlace]:
    """Offers a place to each person who does not have one already."""
    taken = set(offer.places.values_list("person_id", flat=True))
    today = timezone.localdate()
    added = []
    for person in people:
        if person.pk in taken or person.organisation_id != offer.organisation_id:
            continue
        added.append(
            TrainingPlace.objects.create(
                organisation_id=offer.organisation_id, offer=offer, person=person, offered_on=today
            )
        )
    return added


def update_place(
    place: TrainingPlace, status: str, completed_on: datetime.date | None, notes: str = ""
) -> TrainingPlace:
    if status == TrainingStatus.COMPLETED:
        completed_on = completed_on or timezone.localdate()
        if completed_on < place.offer.starts_on:
            raise ValidationError(
                {"completed_on": "The date completed cannot be before the training started."}
            )
        if completed_on > timezone.localdate():
            raise ValidationError({"completed_on": "The date completed cannot be in the future."})
    else:
        completed_on = None
    place.status = status
    place.completed_on = completed_on
    place.notes = notes
    place.full_clean(exclude=["organisation", "offer", "person"])
    place.save()
    return place


def assign_mentor(assignment: MentorAssignment) -> MentorAssignment:
    person = assignment.person
    assignment.organisation_id = person.organisation_id
    has_person = assignment.mentor_person_id is not None
    if has_person == (assignment.mentor_user_id is not None):
        raise ValidationError(
            "Choose the mentor or buddy: someone from the register, or a member of staff (one)."
        )
    if assignment.mentor_person_id == person.pk:
        raise ValidationError({"mentor_person": "Someone cannot be their own mentor or buddy."})
    if assignment.ends_on and assignment.ends_on < assignment.starts_on:
        raise ValidationError({"ends_on": "The end date must be on or after the start date."})
    assignment.full_clean(exclude=["organisation", "person"])
    assignment.save()
    return assignment


# Conflicts of interest


def declare_interest(declaration: InterestDeclaration) -> InterestDeclaration:
    declaration.organisation_id = declaration.project.organisation_id
    if declaration.person_id is None and declaration.partner_id is None:
        raise ValidationError("Say who has the interest: a person, an organisation, or both.")
    if declaration.declared_on > timezone.localdate():
        raise ValidationError({"declared_on": "The date declared cannot be in the future."})
    declaration.outcome = ConflictOutcome.AWAITING
    declaration.full_clean(exclude=["organisation", "project", "recorded_by"])
    declaration.save()
    return declaration


def assess_interest(
    declaration: InterestDeclaration, outcome: str, mitigation: str, *, by: Any
) -> InterestDeclaration:
    """An officer decides: managed (with the mitigation, such as sharing all learning in the
    tender documents) or excluded (from this project's decisions), saying why."""
    if outcome not in (ConflictOutcome.MANAGED, ConflictOutcome.EXCLUDED):
        raise ValidationError({"outcome": "Choose managed or excluded."})
    if not mitigation.strip():
        raise ValidationError(
            {"mitigation": "Say how the risk is managed, or why they are excluded."}
        )
    declaration.outcome = outcome
    declaration.mitigation = mitigation
    declaration.assessed_by = by
    declaration.assessed_at = timezone.now()
    declaration.save()
    return declaration


@dataclass(frozen=True)
class InterestRow:
    when: datetime.date
    where: str
    nature: str
    outcome: str
    mitigation: str


def interests_of(person: Person) -> list[InterestRow]:
    """Everything the person has declared: here, and to tender panels as an evaluator."""
    rows = [
        InterestRow(
            when=row.declared_on,
            where=row.project.title,
            nature=row.nature,
            outcome=row.get_outcome_display(),
            mitigation=row.mitigation,
        )
        for row in person.interest_declarations.select_related("project")
    ]
    for declaration in ConflictDeclaration.objects.filter(
        evaluator__person=person, has_conflict=True
    ).select_related("bidder", "evaluator__tender"):
        rows.append(
            InterestRow(
                when=timezone.localdate(declaration.declared_at),
                where=f"{declaration.evaluator.tender} (bidder: {declaration.bidder.name})",
                nature=declaration.nature,
                outcome=declaration.get_outcome_display() or ConflictOutcome.AWAITING.label,
                mitigation=declaration.mitigation,
            )
        )
    return sorted(rows, key=lambda row: row.when, reverse=True)


# Recognition


@dataclass(frozen=True)
class HistoryRow:
    on: datetime.date
    what: str
    project: str


def involvement_history(person: Person) -> list[HistoryRow]:
    """What the person did, newest first: their involvements (events, panels, surveys...) and
    the training they completed."""
    rows = [
        HistoryRow(
            on=row.occurred_on,
            what=f"{row.get_kind_display()}: {row.description}",
            project=row.project.title if row.project else "",
        )
        for row in Involvement.objects.filter(person=person).select_related("project")
    ]
    for place in person.training_places.filter(status=TrainingStatus.COMPLETED).select_related(
        "offer__project"
    ):
        assert place.completed_on is not None
        rows.append(
            HistoryRow(
                on=place.completed_on,
                what=f"Completed training: {place.offer.title}",
                project=place.offer.project.title,
            )
        )
    return sorted(rows, key=lambda row: (row.on, row.what), reverse=True)


def create_recognition(recognition: Recognition) -> Recognition:
    person = recognition.person
    recognition.organisation_id = person.organisation_id
    if person.pseudonymised_at or person.merged_into_id:
        raise ValidationError("This record is no longer in use.")
    if recognition.consent_given_on > timezone.localdate():
        raise ValidationError({"consent_given_on": "The date they agreed cannot be in the future."})
    if recognition.kind == RecognitionKind.REFERENCE and not recognition.addressed_to.strip():
        raise ValidationError({"addressed_to": "Say who the reference is for."})
    if not involvement_history(person):
        raise ValidationError(
            f"{person.display_name} has no involvement recorded yet, so there is nothing to "
            "put on a certificate or reference."
        )
    recognition.full_clean(exclude=["organisation", "person", "signed_by"])
    recognition.save()
    return recognition


def recognition_context(recognition: Recognition) -> dict[str, Any]:
    history = involvement_history(recognition.person)
    projects = sorted({row.project for row in history if row.project})
    return {
        "recognition": recognition,
        "person": recognition.person,
        "organisation": recognition.organisation,
        "history": history,
        "projects": projects,
        "since": min(row.on for row in history) if history else None,
        "training": [row for row in history if row.what.startswith("Completed training")],
        "today": timezone.localdate(),
    }


def recognition_pdf(recognition: Recognition) -> bytes:
    template = (
        "participation/documents/certificate.html"
        if recognition.kind == RecognitionKind.CERTIFICATE
        else "participation/documents/reference.html"
    )
    return render_pdf(template, recognition_context(recognition))


# Prize draws


def eligible_responses(draw: PrizeDraw) -> QuerySet[Response]:
    """Sent responses by people on the register (so winners can be told), sent in time, from
    records still in use. One response per person per survey, so each person is in once."""
    return (
        Response.objects.filter(
            survey_id=draw.survey_id,
            status=ResponseStatus.SUBMITTED,
            person__isnull=False,
            person__merged_into__isnull=True,
            person__pseudonymised_at__isnull=True,
            submitted_at__lte=draw.entries_close_at,
        )
        .select_related("person")
        .order_by("pk")
    )


def save_draw(draw: PrizeDraw) -> PrizeDraw:
    survey = draw.survey
    draw.organisation_id = survey.organisation_id
    if draw.is_drawn:
        raise ValidationError("This draw has been made: it cannot be changed.")
    if survey.anonymous:
        raise ValidationError(
            "This survey is anonymous: answers are not linked to anyone, so winners could not "
            "be told. Use a survey that is not anonymous."
        )
    if draw.winners_wanted < 1:
        raise ValidationError({"winners_wanted": "There must be at least one winner."})
    if draw.prize_value is not None:
        if survey.project is None:
            raise ValidationError(
                {"prize_value": "This survey has no project, so there is no budget to pay from."}
            )
        check_charge(survey.project, draw.budget_line, draw.prize_value)
    draw.full_clean(exclude=["organisation", "survey", "drawn_by"])
    draw.save()
    return draw


def prize_message(draw: PrizeDraw) -> Message:
    return Message(
        subject=f"You have won the prize draw: {draw.survey.title}",
        body=(
            f"Thank you for answering “{draw.survey.title}”. Your answers were entered into "
            f"the prize draw, and you have won {draw.prize}.\n\n"
            "We will contact you to arrange how you receive it. If you would rather not have "
            "the prize, just tell us."
        ),
        easy_read=[
            "Thank you for answering our survey.",
            "You won the prize draw.",
            f"Your prize is {draw.prize}.",
            "We will contact you about your prize.",
        ],
    )


@transaction.atomic
def run_draw(
    draw: PrizeDraw,
    *,
    by: Any,
    seed: str = "",
    now: datetime.datetime | None = None,
) -> list[PrizeWinner]:
    """Makes the draw once, records the seed, the entries and their digest, and tells each
    winner by their own channel and format."""
    draw = PrizeDraw.objects.select_for_update().select_related("survey").get(pk=draw.pk)
    now = now or timezone.now()
    if draw.is_drawn:
        raise ValidationError("This draw has already been made.")
    if draw.entries_close_at > now:
        raise ValidationError(
            f"Entries are open until {event_services.when(draw.entries_close_at)}: make the "
            "draw after that."
        )
    responses = {str(response.pk): response for response in eligible_responses(draw)}
    if not responses:
        raise ValidationError("No responses are in the draw yet: nobody can win.")
    draw.seed = seed.strip() or prize_draw.new_seed()
    draw.eligible_ids = sorted(responses, key=int)
    draw.eligible_digest = prize_draw.entries_digest(draw.eligible_ids)
    draw.drawn_at = now
    draw.drawn_by = by
    draw.save()
    message = prize_message(draw)
    winners = []
    for position, entry in enumerate(
        prize_draw.draw(draw.eligible_ids, draw.winners_wanted, draw.seed), start=1
    ):
        response = responses[entry]
        assert response.person is not None
        key = f"participation-prize:{draw.pk}:{response.pk}"
        winners.append(
            PrizeWinner.objects.create(
                organisation_id=draw.organisation_id,
                draw=draw,
                response=response,
                person=response.person,
                position=position,
                delivery_key=key,
            )
        )
        send(
            response.person,
            message,
            purpose=ConsentPurpose.CONTACT,
            key=key,
            topic=f"participation:prize:{draw.pk}",
            sent_by=by,
        )
    return winners


def verify_draw(draw: PrizeDraw) -> bool:
    """Repeats the draw from what was recorded: the same entries and seed give the same
    winners, in the same order."""
    if not draw.is_drawn:
        return False
    if prize_draw.entries_digest(draw.eligible_ids) != draw.eligible_digest:
        return False
    again = prize_draw.draw(list(draw.eligible_ids), draw.winners_wanted, draw.seed)
    recorded = [str(winner.response_id) for winner in draw.winners.order_by("position")]
    return again == recorded


# Time credits


def time_credit_balance(person: Person) -> int:
    balance = 0
    for kind, credits in person.time_credits.values_list("kind", "credits"):
        balance += credits if kind == TimeCreditKind.EARNED else -credits
    return balance


@transaction.atomic
def record_time_credit(credit: TimeCredit) -> TimeCredit:
    person = Person.objects.select_for_update().get(pk=credit.person_id)
    credit.organisation_id = person.organisation_id
    credit.full_clean(exclude=["organisation", "person", "recorded_by"])
    if credit.on > timezone.localdate():
        raise ValidationError({"on": "The date cannot be in the future."})
    balance = time_credit_balance(person)
    if credit.kind == TimeCreditKind.SPENT and credit.credits > balance:
        raise ValidationError(
            {"credits": f"{person.display_name} has {balance} time credits to spend."}
        )
    credit.save()
    return credit


# Costs against the engagement plan


def charged_costs(project: CommissioningProject) -> list[tuple[int, str, Decimal]]:
    """What training and prizes cost, per budget line's method and category, for the budget
    against spending (payments): each training offer's cost, and each prize drawn."""
    rows: list[tuple[int, str, Decimal]] = []
    offers = TrainingOffer.objects.filter(
        budget_line__method__plan__stage__project=project, cost__isnull=False
    ).select_related("budget_line")
    for offer in offers:
        assert offer.budget_line is not None and offer.cost is not None
        rows.append((offer.budget_line.method_id, offer.budget_line.category, offer.cost))
    draws = PrizeDraw.objects.filter(
        budget_line__method__plan__stage__project=project, prize_value__isnull=False
    ).select_related("budget_line")
    for draw in draws.prefetch_related("winners"):
        assert draw.budget_line is not None and draw.prize_value is not None
        won = len(draw.winners.all())
        if won:
            rows.append(
                (draw.budget_line.method_id, draw.budget_line.category, draw.prize_value * won)
            )
    return rows
