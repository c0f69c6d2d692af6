"""Applications: the public expression of interest, one question at a time, and the pipeline
staff move it through.

Online applicants have no account. `start_application` makes a draft with a private key; each
answer is saved as soon as it is given (`save_answer`), so closing the browser loses nothing,
and `email_resume_link` sends the private link to carry on. `submit_application` checks every
required question is answered and every requirement met, then adds (or links) the person in
the register with their consent, and acknowledges through the notifications service.

Facilitators enter applications taken by phone, on paper or in person (`enter_application`):
the same questions and rules, with the consent recorded as given that way, by them.

Staff move applications along `TRANSITIONS` (`move_application`, `move_applications`), with
a reason where the person deserves one; each move can tell the person.
"""

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from coproduce.equality import services as equality_services
from coproduce.equality.models import PREFER_NOT_TO_SAY, EqualityAnswers
from coproduce.notifications.services import send
from coproduce.people.models import (
    AccessNeed,
    Channel,
    ConsentMethod,
    ConsentPurpose,
    Format,
    InvolvementKind,
    Person,
)
from coproduce.people.services import give_consent, record_involvement, save_person

from .application_messages import contact_for, status_message
from .models import (
    Application,
    ApplicationSource,
    ApplicationStatus,
    Opportunity,
    OpportunityStatus,
    SelectionQuestion,
)

S = ApplicationStatus

# Where an application can go from each status. Drafts leave only by being sent
# (`submit_application`); "not selected" and "withdrawn" are final. Applied applications can
# go straight to selected or reserve, so that a fair-mix selection can draw from everyone who
# applied without a shortlist first.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (),
    S.APPLIED: (S.SHORTLISTED, S.SELECTED, S.RESERVE, S.NOT_SELECTED, S.WITHDRAWN),
    S.SHORTLISTED: (S.SELECTED, S.RESERVE, S.NOT_SELECTED, S.WITHDRAWN),
    S.RESERVE: (S.SELECTED, S.NOT_SELECTED, S.WITHDRAWN),
    S.SELECTED: (S.CONFIRMED, S.RESERVE, S.WITHDRAWN),
    S.CONFIRMED: (S.WITHDRAWN,),
    S.NOT_SELECTED: (),
    S.WITHDRAWN: (),
}

# The person is owed a reason when they lose out: not offered a place, taken off the
# application, or moved from a place down to the reserve list.
REASON_PROMPTS: dict[tuple[str | None, str], str] = {
    (None, S.NOT_SELECTED): "Say why they were not offered a place. It is sent to them.",
    (None, S.WITHDRAWN): "Say why their application is being withdrawn. It is sent to them.",
    (S.SELECTED, S.RESERVE): "Say why they are moving to the reserve list. It is sent to them.",
}

# Statuses in which someone holds one of the places.
PLACE_STATUSES = (S.SELECTED, S.CONFIRMED)

# Applicants can withdraw from the private link at any point after sending.
APPLICANT_CAN_WITHDRAW = (S.APPLIED, S.SHORTLISTED, S.SELECTED, S.RESERVE, S.CONFIRMED)

CONSENT_METHODS = {
    ApplicationSource.ONLINE: ConsentMethod.ONLINE,
    ApplicationSource.PHONE: ConsentMethod.PHONE,
    ApplicationSource.PAPER: ConsentMethod.PAPER,
    ApplicationSource.IN_PERSON: ConsentMethod.IN_PERSON,
}

# Contact "through someone else" needs details of that person (who they are, how to reach
# them), which a facilitator records in the register, not the application.
APPLICANT_CHANNELS = (Channel.EMAIL, Channel.TEXT, Channel.PHONE, Channel.POST)

# Selection questions offer this beside the organisation's own answers; the selection app
# treats it as an answer like any other.
SELECTION_PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY

NAME, CONTACT, CONTACT_DETAILS, FORMAT = "name", "contact", "contact-details", "format"
ELIGIBILITY, AVAILABILITY, ACCESS_NEEDS, WHY = "eligibility", "availability", "access-needs", "why"
QUESTION_PREFIX = "question-"
YES, NO = "yes", "no"
MAX_WHY = 3000
MAX_NOTES = 2000


@dataclass(frozen=True)
class Step:
    """One question page of the application."""

    slug: str
    title: str
    required: bool = True
    question: SelectionQuestion | None = None


class NotEligible(ValidationError):
    """The person said they do not meet a requirement: they cannot apply."""

    def __init__(self, opportunity: Opportunity, requirements: list[str]) -> None:
        self.opportunity = opportunity
        self.requirements = requirements
        listed = "; ".join(requirements)
        super().__init__(
            f"You cannot apply because you told us this is not true for you: {listed}. "
            f"If you think you should be able to take part, contact {contact_for(opportunity)}."
        )


# Questions


def steps_for(
    opportunity: Opportunity, questions: Sequence[SelectionQuestion] | None = None
) -> list[Step]:
    """The question pages, in order. Eligibility and dates are asked only if the opportunity
    has them; each selection question has its own page."""
    if questions is None:
        questions = list(opportunity.selection_questions.all())
    steps = [
        Step(NAME, "Name"),
        Step(CONTACT, "How we contact you"),
        Step(CONTACT_DETAILS, "Contact details"),
        Step(FORMAT, "Format you need"),
    ]
    if opportunity.eligibility_lines():
        steps.append(Step(ELIGIBILITY, "Who can take part"))
    if opportunity.session_lines():
        steps.append(Step(AVAILABILITY, "Dates you can come"))
    steps.append(Step(ACCESS_NEEDS, "Support to take part"))
    steps += [Step(f"{QUESTION_PREFIX}{q.feature}", q.question, question=q) for q in questions]
    steps.append(Step(WHY, "Why you are interested", required=False))
    return steps


def answer_field(feature: str) -> str:
    """The form field (and error key) of a selection question's answer."""
    return f"answer_{feature}"


def is_answered(application: Application, step: Step) -> bool:
    if step.slug not in application.answered_steps:
        return False
    if step.slug == CONTACT_DETAILS:
        return not _missing_contact_detail(application)
    if step.slug == ELIGIBILITY:
        lines = application.opportunity.eligibility_lines()
        return all(application.eligibility_answers.get(line) in (YES, NO) for line in lines)
    if step.question is not None:
        return step.question.feature in application.selection_answers
    return True


def first_unanswered(application: Application, steps: Sequence[Step]) -> Step | None:
    """The first question still to answer (optional ones too: coming back opens it)."""
    return next((step for step in steps if not is_answered(application, step)), None)


def unanswered_required(application: Application, steps: Sequence[Step]) -> list[Step]:
    return [step for step in steps if step.required and not is_answered(application, step)]


def not_met(application: Application) -> list[str]:
    """The requirements the person said they do not meet."""
    return [
        line
        for line in application.opportunity.eligibility_lines()
        if application.eligibility_answers.get(line) == NO
    ]


def accepting_applications(opportunity: Opportunity) -> bool:
    """Published, and the closing date (the last day to apply) has not passed."""
    today = timezone.localdate()
    return opportunity.status == OpportunityStatus.PUBLISHED and (
        opportunity.closes_on is None or today <= opportunity.closes_on
    )


def household_key(address: str, postcode: str) -> str:
    """The same value for everyone at one address, so that selection can take at most one
    person per household: the postcode and first line, in capitals, without spaces or
    punctuation. Blank without an address."""
    first_line = next((line for line in address.splitlines() if line.strip()), "")
    parts = [re.sub(r"[^A-Z0-9]", "", text.upper()) for text in (postcode, first_line)]
    if not all(parts):
        return ""
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


# Online applications


def start_application(opportunity: Opportunity) -> Application:
    if not accepting_applications(opportunity):
        raise ValidationError("This opportunity is not taking applications.")
    return Application.objects.create(
        organisation_id=opportunity.organisation_id,
        opportunity=opportunity,
        source=ApplicationSource.ONLINE,
    )


def _check_open(application: Application) -> None:
    if application.status != S.DRAFT:
        raise ValidationError("This application has been sent already, so it cannot change.")
    if application.source == ApplicationSource.ONLINE:
        if not accepting_applications(application.opportunity):
            raise ValidationError("This opportunity has closed, so answers cannot be saved.")
    elif application.opportunity.status not in (
        OpportunityStatus.PUBLISHED,
        OpportunityStatus.CLOSED,
    ):
        raise ValidationError("Applications can only be entered for a published opportunity.")


@transaction.atomic
def save_answer(application: Application, step: str, data: Mapping[str, Any]) -> Application:
    """Saves one question's answer at once: this is the autosave. `data` is the cleaned data
    of that question's form; the rules are checked here again."""
    _check_open(application)
    steps = {s.slug: s for s in steps_for(application.opportunity)}
    if step not in steps:
        raise ValueError(f"{step!r} is not a question of this application")
    _apply(application, steps[step], data)
    if step not in application.answered_steps:
        application.answered_steps = [*application.answered_steps, step]
    application.save()
    return application


def _apply(application: Application, step: Step, data: Mapping[str, Any]) -> None:
    opportunity = application.opportunity
    if step.slug == NAME:
        name = " ".join(str(data.get("name", "")).split())
        if not name:
            raise ValidationError({"name": "Enter your full name."})
        application.name = name[:200]
    elif step.slug == CONTACT:
        _apply_channel(application, str(data.get("preferred_channel", "")))
    elif step.slug == CONTACT_DETAILS:
        _apply_contact_details(application, data)
    elif step.slug == FORMAT:
        _apply_format(application, data)
    elif step.slug == ELIGIBILITY:
        answers = data.get("eligibility_answers") or {}
        lines = opportunity.eligibility_lines()
        unanswered = [line for line in lines if answers.get(line) not in (YES, NO)]
        if unanswered:
            raise ValidationError(f"Answer yes or no for: {'; '.join(unanswered)}.")
        application.eligibility_answers = {line: answers[line] for line in lines}
    elif step.slug == AVAILABILITY:
        chosen = list(data.get("availability") or [])
        sessions = opportunity.session_lines()
        if any(choice not in sessions for choice in chosen):
            raise ValidationError({"availability": "Choose from the dates listed."})
        application.availability = [session for session in sessions if session in chosen]
    elif step.slug == ACCESS_NEEDS:
        _apply_access_needs(application, data)
    elif step.question is not None:
        feature = step.question.feature
        answer = str((data.get("selection_answers") or {}).get(feature, ""))
        if answer not in [*step.question.values, SELECTION_PREFER_NOT_TO_SAY]:
            raise ValidationError({answer_field(feature): "Choose one of the answers listed."})
        application.selection_answers = {**application.selection_answers, feature: answer}
    elif step.slug == WHY:
        why = str(data.get("why_interested", "")).strip()
        if len(why) > MAX_WHY:
            raise ValidationError(
                {"why_interested": f"Keep this to {MAX_WHY} characters or fewer."}
            )
        application.why_interested = why


def _apply_channel(application: Application, channel: str) -> None:
    if channel not in APPLICANT_CHANNELS:
        raise ValidationError({"preferred_channel": "Choose how we should contact you."})
    application.preferred_channel = channel


def _apply_contact_details(application: Application, data: Mapping[str, Any]) -> None:
    for field in ("email", "phone", "address", "postcode"):
        if field in data:
            value = str(data[field] or "").strip()
            setattr(application, field, value.upper() if field == "postcode" else value)
    errors: dict[str, str] = {}
    if application.email:
        try:
            validate_email(application.email)
        except ValidationError:
            errors["email"] = "Enter an email address in the right format, like name@example.com."
    missing = _missing_contact_detail(application)
    if missing:
        errors.update(missing)
    if errors:
        raise ValidationError(errors)
    application.household = household_key(application.address, application.postcode)


def _missing_contact_detail(application: Application) -> dict[str, str]:
    channel = application.preferred_channel
    if channel == Channel.EMAIL and not application.email:
        return {"email": "Enter your email address."}
    if channel == Channel.TEXT and not application.phone:
        return {"phone": "Enter a mobile phone number for text messages."}
    if channel == Channel.PHONE and not application.phone:
        return {"phone": "Enter a phone number."}
    if channel == Channel.POST:
        missing = {}
        if not application.address:
            missing["address"] = "Enter your address."
        if not application.postcode:
            missing["postcode"] = "Enter your postcode."
        return missing
    return {} if channel else {"preferred_channel": "Choose how we should contact you."}


def _apply_format(application: Application, data: Mapping[str, Any]) -> None:
    chosen = str(data.get("preferred_format", ""))
    if chosen not in Format.values:
        raise ValidationError({"preferred_format": "Choose the format you need."})
    language = " ".join(str(data.get("language", "")).split())
    if chosen == Format.INTERPRETER and not language:
        raise ValidationError({"language": "Enter the language you need an interpreter for."})
    application.preferred_format = chosen
    application.language = language[:60] if chosen == Format.INTERPRETER else ""


def _apply_access_needs(application: Application, data: Mapping[str, Any]) -> None:
    needs = list(data.get("access_needs") or [])
    if any(need not in AccessNeed.values for need in needs):
        raise ValidationError({"access_needs": "Choose from the support listed."})
    notes = str(data.get("access_notes", "")).strip()
    if len(notes) > MAX_NOTES:
        raise ValidationError({"access_notes": f"Keep this to {MAX_NOTES} characters or fewer."})
    application.access_needs = [need for need in AccessNeed.values if need in needs]
    application.access_notes = notes
    application.keep_needs = bool(data.get("keep_needs")) and bool(needs or notes)


def email_resume_link(application: Application, request: HttpRequest, email: str = "") -> str:
    """Emails the private link to carry on. The email names only the opportunity: whoever
    reads it learns nothing else about the person. Returns the address used."""
    address = (email or application.email).strip()
    if not address:
        raise ValidationError({"email": "Enter your email address."})
    try:
        validate_email(address)
    except ValidationError as wrong:
        raise ValidationError(
            {"email": "Enter an email address in the right format, like name@example.com."}
        ) from wrong
    if application.status != S.DRAFT:
        raise ValidationError("This application has been sent already.")
    link = request.build_absolute_uri(reverse("apply:resume", args=[application.resume_key]))
    opportunity = application.opportunity
    closing = (
        f"\nApplications close at the end of {opportunity.closes_on:%-d %B %Y}.\n"
        if opportunity.closes_on
        else ""
    )
    send_mail(
        subject=f"Carry on with your application: {opportunity.title}",
        message=(
            f"You started applying for {opportunity.title}. Your answers are saved.\n\n"
            f"Use this link to carry on where you left off:\n\n{link}\n{closing}\n"
            "Keep this link private: anyone who has it can see and change your answers.\n\n"
            "If you did not ask for this email, you can ignore it.\n"
        ),
        from_email=None,
        recipient_list=[address],
    )
    return address


# Sending


@transaction.atomic
def submit_application(application: Application, *, by: Any = None, link: str = "") -> Application:
    """Sends the application: every required question answered, every requirement met. The
    person joins the register (or their record is linked) with consent to be contacted, and
    to keep their access needs if they agreed; they are sent an acknowledgement. `link` is
    the private link, put in the acknowledgement of an online application."""
    _check_open(application)
    missing = unanswered_required(application, steps_for(application.opportunity))
    if missing:
        titles = ", ".join(step.title.lower() for step in missing)
        raise ValidationError(f"Answer every question before sending. Still to answer: {titles}.")
    failed = not_met(application)
    if failed:
        raise NotEligible(application.opportunity, failed)
    if application.source == ApplicationSource.ONLINE:
        _keep_chosen_contact_only(application)
    person = _register_person(application)
    method = CONSENT_METHODS[ApplicationSource(application.source)]
    give_consent(person, ConsentPurpose.CONTACT, method, by)
    if application.keep_needs:
        give_consent(person, ConsentPurpose.KEEP_NEEDS, method, by)
    application.person = person
    application.status = S.APPLIED
    application.submitted_at = timezone.now()
    application.status_changes += 1
    application.save()
    _notify(application, by=by, link=link)
    return application


def _keep_chosen_contact_only(application: Application) -> None:
    """Online, people are asked only for the detail their chosen way of contact needs; what
    they typed for another way before changing their mind is not kept."""
    channel = application.preferred_channel
    if channel != Channel.EMAIL:
        application.email = ""
    if channel not in (Channel.TEXT, Channel.PHONE):
        application.phone = ""
    if channel != Channel.POST:
        application.address = application.postcode = application.household = ""


def _normal_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def _matching_person(application: Application) -> Person | None:
    """An online applicant already in the register: the same email address and name, so that
    someone who knows only an address cannot attach themselves to another person's record.
    Near matches are left to the register's likely-duplicates page."""
    if not application.email:
        return None
    for person in Person.objects.filter(
        organisation_id=application.organisation_id,
        email__iexact=application.email,
        merged_into__isnull=True,
        pseudonymised_at__isnull=True,
    ):
        if _normal_name(person.name) == _normal_name(application.name):
            return person
    return None


def _is_mobile(number: str) -> bool:
    digits = re.sub(r"[^0-9+]", "", number)
    return digits.startswith(("07", "+447", "447"))


def _register_person(application: Application) -> Person:
    """The person's register record, made or updated from the application. Details already
    in the register are not overwritten (they may be newer, or checked by staff); blanks are
    filled, and the way they want to be contacted is theirs to choose."""
    person = application.person or _matching_person(application)
    if person is None:
        person = Person(organisation_id=application.organisation_id, name=application.name)
    phone_field = "mobile" if _is_mobile(application.phone) else "landline"
    if application.preferred_channel == Channel.TEXT:
        phone_field = "mobile"
    for field, value in (
        ("email", application.email),
        (phone_field, application.phone),
        ("address", application.address),
        ("postcode", application.postcode),
    ):
        if value and not getattr(person, field):
            setattr(person, field, value)
    person.preferred_channel = application.preferred_channel
    person.preferred_format = application.preferred_format
    if application.language:
        person.language = application.language
    needs = None
    if application.keep_needs:
        needs = set(application.access_needs)
        if person.pk:
            needs |= set(person.needs.values_list("need", flat=True))
        if application.access_notes and not person.needs_notes:
            person.needs_notes = application.access_notes
    try:
        return save_person(person, needs=needs)
    except ValidationError as refused:
        # The register's field names, told in the application's words.
        raise ValidationError(
            "The contact details cannot be saved in the register: " + " ".join(refused.messages)
        ) from refused


@transaction.atomic
def enter_application(
    opportunity: Opportunity,
    data: Mapping[str, Any],
    source: str,
    entered_by: Any,
    person: Person | None = None,
) -> Application:
    """An application taken by phone, on paper or in person, entered by a facilitator in one
    go: the same questions and rules as online. `data` holds every question's answers (the
    keys `save_answer` takes for each step); with `person`, the application is theirs.
    Nothing is saved unless it all is."""
    if source not in CONSENT_METHODS or source == ApplicationSource.ONLINE:
        raise ValidationError({"source": "Choose how the application was made."})
    if person is not None and person.organisation_id != opportunity.organisation_id:
        raise ValidationError({"person": "Choose someone in your own register."})
    application = Application(
        organisation_id=opportunity.organisation_id,
        opportunity=opportunity,
        source=source,
        entered_by=entered_by,
        person=person,
    )
    _check_open(application)
    errors: dict[str, list[str]] = {}
    for step in steps_for(opportunity):
        try:
            _apply(application, step, data)
        except ValidationError as wrong:
            for field, messages in _error_items(wrong):
                errors.setdefault(field, []).extend(messages)
        else:
            application.answered_steps = [*application.answered_steps, step.slug]
    if errors:
        raise ValidationError(errors)
    application.save()
    return submit_application(application, by=entered_by)


def _error_items(error: ValidationError) -> list[tuple[str, list[str]]]:
    if hasattr(error, "error_dict"):
        return [
            (field, list(ValidationError(errors).messages))
            for field, errors in error.error_dict.items()
        ]
    return [(NON_FIELD_ERRORS, list(error.messages))]


# Moving applications along


@dataclass(frozen=True)
class Places:
    places: int
    reserve_places: int
    selected: int
    confirmed: int
    reserve: int
    counts: dict[str, int]

    @property
    def taken(self) -> int:
        return self.selected + self.confirmed


def places_for(opportunity: Opportunity) -> Places:
    """How many applications are in each status (drafts not counted), in one query."""
    totals = Application.objects.filter(opportunity=opportunity).aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in S.values if status != S.DRAFT}
    )
    return Places(
        places=opportunity.places,
        reserve_places=opportunity.reserve_places,
        selected=totals[S.SELECTED],
        confirmed=totals[S.CONFIRMED],
        reserve=totals[S.RESERVE],
        counts=totals,
    )


def reason_prompt(current: str, to_status: str) -> str:
    """What to say when a reason is needed for this move, or "" if none is."""
    return REASON_PROMPTS.get((current, to_status)) or REASON_PROMPTS.get((None, to_status), "")


def allowed_moves(application: Application) -> tuple[str, ...]:
    return TRANSITIONS.get(application.status, ())


def _refusal(application: Application, to_status: str) -> str:
    current = S(application.status).label.lower()
    wanted = S(to_status).label.lower()
    return f"An application that is {current} cannot be moved to {wanted}."


def _check_places(opportunity: Opportunity, moving: Sequence[Application], to_status: str) -> None:
    """Over-recruiting is for reserves: offering or confirming more places than there are is
    allowed only when the person doing it says so."""
    places = places_for(opportunity)
    if to_status == S.CONFIRMED:
        after = places.confirmed + sum(1 for a in moving if a.status != S.CONFIRMED)
        if after > places.places:
            raise ValidationError(
                {
                    "beyond_places": f"This would confirm {after} people for {places.places} "
                    "places. Tick the box to confirm them anyway."
                }
            )
    elif to_status == S.SELECTED:
        after = places.taken + sum(1 for a in moving if a.status not in PLACE_STATUSES)
        if after > places.places:
            raise ValidationError(
                {
                    "beyond_places": f"This would offer {after} places, but there are "
                    f"{places.places}. Tick the box to offer them anyway, or move someone to "
                    "the reserve list."
                }
            )


@transaction.atomic
def move_application(
    application: Application,
    to_status: str,
    *,
    by: Any,
    reason: str = "",
    notify: bool = True,
    beyond_places: bool = False,
) -> Application:
    """Moves one application to `to_status` if `TRANSITIONS` allows it, with the reason
    `reason_prompt` asks for, and tells the person if `notify`. Offering or confirming more
    places than the opportunity has needs `beyond_places=True`."""
    return move_applications(
        [application], to_status, by=by, reason=reason, notify=notify, beyond_places=beyond_places
    )[0]


@transaction.atomic
def move_applications(
    applications: Iterable[Application],
    to_status: str,
    *,
    by: Any,
    reason: str = "",
    notify: bool = True,
    beyond_places: bool = False,
) -> list[Application]:
    """Moves several applications of one opportunity at once, or none of them: every move
    must be allowed (the error names those that are not)."""
    moving = list(applications)
    if not moving:
        raise ValidationError("Choose at least one application.")
    if to_status not in S.values:
        raise ValidationError({"status": "Choose where to move the application."})
    opportunities = {a.opportunity_id for a in moving}
    if len(opportunities) != 1:
        raise ValueError("applications of several opportunities cannot be moved together")
    refused = [a for a in moving if to_status not in allowed_moves(a)]
    if refused:
        if len(moving) == 1:
            raise ValidationError({"status": _refusal(refused[0], to_status)})
        names = "; ".join(f"{a.name} ({S(a.status).label.lower()})" for a in refused)
        raise ValidationError(
            {"status": f"These cannot be moved to {S(to_status).label.lower()}: {names}."}
        )
    reason = reason.strip()
    prompts = {reason_prompt(a.status, to_status) for a in moving} - {""}
    if prompts and not reason:
        raise ValidationError({"reason": sorted(prompts)[0]})
    if not beyond_places:
        _check_places(moving[0].opportunity, moving, to_status)
    for application in moving:
        application.status = to_status
        application.status_reason = reason
        application.status_changes += 1
        application.save()
        if to_status == S.CONFIRMED and application.person is not None:
            # A confirmed place is involvement: it counts towards how often they are asked.
            record_involvement(
                application.person,
                InvolvementKind.OPPORTUNITY,
                timezone.localdate(),
                f"Took a place: {application.opportunity.title}"[:200],
                project=application.opportunity.project,
            )
        if notify:
            _notify(application, by=by, reason=reason)
    return moving


@transaction.atomic
def withdraw_by_applicant(application: Application, reason: str = "") -> Application:
    """The person withdraws their own application from the private link."""
    if application.status not in APPLICANT_CAN_WITHDRAW:
        raise ValidationError("This application cannot be withdrawn.")
    said = " ".join(reason.split())
    application.status = S.WITHDRAWN
    application.status_reason = "Withdrawn by the applicant." + (
        f" They said: {said}" if said else ""
    )
    application.status_changes += 1
    application.save()
    _notify(application, by=None, by_applicant=True)
    return application


# Equality monitoring, offered after sending


def equality_offer_open(application: Application) -> bool:
    """Offered once, after sending: answers already kept are never shown or replaced through
    the private link, since whoever holds it may not be the person."""
    return (
        application.status != S.DRAFT
        and application.person is not None
        and not EqualityAnswers.objects.filter(person=application.person).exists()
    )


@transaction.atomic
def save_equality_answers(
    application: Application,
    answers: Mapping[str, str],
    extra: Mapping[int, str] | None = None,
    *,
    agreed: bool,
) -> EqualityAnswers | None:
    """Keeps the person's equality monitoring answers in the equality app, only with their
    agreement to equality monitoring (recorded here, as given online). Nothing answered:
    nothing kept, and no agreement recorded."""
    if not equality_offer_open(application):
        raise ValidationError("These questions have been answered already.")
    given = any(answers.values()) or any((extra or {}).values())
    if not given:
        return None
    if not agreed:
        raise ValidationError(
            {
                "agree": "To keep your answers, tick the box to say you agree. Or leave this "
                "page: nothing will be kept."
            }
        )
    person = application.person
    assert person is not None  # equality_offer_open checked it
    give_consent(person, ConsentPurpose.EQUALITY, ConsentMethod.ONLINE, None)
    return equality_services.save_answers(person, answers, extra)


# Telling the person


def application_topic(opportunity_id: int) -> str:
    return f"opportunity:{opportunity_id}:applications"


def delivery_key(application: Application) -> str:
    return f"application:{application.pk}:{application.status}:{application.status_changes}"


def _notify(
    application: Application,
    *,
    by: Any,
    reason: str = "",
    link: str = "",
    by_applicant: bool = False,
) -> None:
    if application.person is None:
        return
    send(
        application.person,
        status_message(application, reason=reason, link=link, by_applicant=by_applicant),
        purpose=ConsentPurpose.CONTACT,
        key=delivery_key(application),
        topic=application_topic(application.opportunity_id),
        sent_by=by if getattr(by, "pk", None) else None,
    )
