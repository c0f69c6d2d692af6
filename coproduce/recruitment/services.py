"""Write operations and rules for opportunities and invitations.

An opportunity cannot be published until every key message is there: people deciding whether to
give their time need to know what they can change, what it takes, what support and payment
there is, and how they will hear what happened.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from coproduce.accounts.models import Organisation
from coproduce.notifications.services import Message, send
from coproduce.people.models import ConsentPurpose, Person
from coproduce.people.services import can_contact, recent_involvement_count, register_settings
from coproduce.projects.models import EngagementMethod

from . import plain_language
from .models import (
    KEY_MESSAGES,
    EasyReadSentence,
    GlossaryTerm,
    Invitation,
    Opportunity,
    OpportunityStatus,
    RecruitmentSettings,
)

# A starting glossary from the words the seed guides explain. Each organisation edits its own.
DEFAULT_GLOSSARY: tuple[tuple[str, str, str], ...] = (
    (
        "commissioning",
        "planning and buying services",
        "Finding out what people need and "
        "making sure the right services are there, by running them or paying others to.",
    ),
    ("procurement", "buying services", "The formal process the council follows to buy a service."),
    (
        "tender",
        "offer to run a service",
        "A written offer from an organisation that wants to run a service.",
    ),
    (
        "outcomes framework",
        "list of the changes we want to see",
        "How we check whether a service makes a difference to people's lives.",
    ),
    ("outcomes", "differences for people", "The changes a service makes to people's lives."),
    ("stakeholder", "people with an interest", "Anyone affected by or interested in a service."),
    (
        "co-production",
        "working together as equals",
        "People who use services, carers and staff sharing power and deciding together.",
    ),
    ("engagement", "involving people", "Informing, asking, involving and deciding with people."),
    ("provider", "organisation that runs the service", ""),
    ("service specification", "description of the service", "What the service must do."),
    ("evaluation", "marking the offers", "Scoring each organisation's offer against questions."),
    ("mobilisation", "getting the new service started", ""),
    ("market engagement", "talking to organisations that could run the service", ""),
    ("needs assessment", "finding out what people need", ""),
    ("stakeholder engagement", "involving the people affected", ""),
    ("KPI", "measure of how well it is going", "Key performance indicator."),
    ("utilise", "use", ""),
    ("facilitate", "help", ""),
)


def recruitment_settings(organisation: Organisation) -> RecruitmentSettings:
    found, _ = RecruitmentSettings.objects.get_or_create(organisation=organisation)
    return found


def ensure_glossary(organisation: Organisation) -> None:
    """Gives an organisation the starting glossary the first time it is needed."""
    if not GlossaryTerm.objects.filter(organisation=organisation).exists():
        with transaction.atomic():
            for term, plain, explanation in DEFAULT_GLOSSARY:
                GlossaryTerm.objects.create(
                    organisation=organisation,
                    term=term,
                    plain_alternative=plain,
                    explanation=explanation,
                )


def glossary(organisation: Organisation) -> list[plain_language.Term]:
    ensure_glossary(organisation)
    return [
        plain_language.Term(term.term, term.plain_alternative, term.explanation)
        for term in GlossaryTerm.objects.filter(organisation=organisation)
    ]


def save_glossary_term(term: GlossaryTerm) -> GlossaryTerm:
    # The starting words come first, so that a word added early does not stop them arriving.
    ensure_glossary(term.organisation)
    clash = GlossaryTerm.objects.filter(
        organisation=term.organisation, term__iexact=term.term.strip()
    ).exclude(pk=term.pk)
    if clash.exists():
        raise ValidationError({"term": "This word is already in the glossary. Change that one."})
    term.term = term.term.strip()
    term.full_clean()
    term.save()
    return term


# Opportunities


def new_opportunity(method: EngagementMethod) -> Opportunity:
    """An unsaved opportunity for a method, with what the project already says filled in: the
    scope of influence comes from the project so that it is said the same way everywhere."""
    stage = method.plan.stage
    project = stage.project
    return Opportunity(
        organisation_id=method.organisation_id,
        project=project,
        stage=stage,
        method=method,
        title=f"{method.get_kind_display()}: {project.title}",
        purpose=method.purpose,
        deciding=project.scope_open,
        cannot_change=project.scope_fixed,
        starts_on=method.starts_on,
    )


@transaction.atomic
def save_opportunity(opportunity: Opportunity) -> Opportunity:
    if opportunity.method.plan.stage_id != opportunity.stage_id:
        raise ValidationError("The method must belong to the opportunity's stage.")
    if opportunity.stage.project_id != opportunity.project_id:
        raise ValidationError("The stage must belong to the opportunity's project.")
    if opportunity.status == OpportunityStatus.PUBLISHED:
        # Published text must stay complete: someone may be reading it right now.
        check_key_messages(opportunity)
    opportunity.full_clean()
    opportunity.save()
    return opportunity


def missing_key_messages(opportunity: Opportunity) -> list[tuple[str, str]]:
    missing = []
    for field, label in KEY_MESSAGES:
        value = getattr(opportunity, field)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append((field, label))
    return missing


def check_key_messages(opportunity: Opportunity, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    errors: dict[str, str] = {
        field: f"Add “{label.lower()}” before publishing: people need it to decide."
        for field, label in missing_key_messages(opportunity)
    }
    if opportunity.closes_on and opportunity.closes_on < today:
        errors["closes_on"] = "The closing date has passed. Choose a date in the future."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def publish_opportunity(opportunity: Opportunity, by: Any) -> Opportunity:
    if opportunity.status not in (OpportunityStatus.DRAFT, OpportunityStatus.CLOSED):
        raise ValidationError("Only a draft or closed opportunity can be published.")
    check_key_messages(opportunity)
    opportunity.status = OpportunityStatus.PUBLISHED
    opportunity.published_at = timezone.now()
    opportunity.published_by = by
    opportunity.save()
    return opportunity


@transaction.atomic
def close_opportunity(opportunity: Opportunity) -> Opportunity:
    if opportunity.status != OpportunityStatus.PUBLISHED:
        raise ValidationError("Only an open opportunity can be closed.")
    opportunity.status = OpportunityStatus.CLOSED
    opportunity.save()
    return opportunity


@dataclass(frozen=True)
class TextCheck:
    field: str
    label: str
    readability: plain_language.Readability | None
    jargon: list[plain_language.JargonFound]


def text_checks(
    opportunity: Opportunity,
) -> tuple[plain_language.Readability | None, list[TextCheck]]:
    """The reading ease of the whole text against the organisation's target, and per key
    message the score and any jargon."""
    target = recruitment_settings(opportunity.organisation).readability_target
    terms = glossary(opportunity.organisation)
    checks = []
    texts = []
    for field, label in (*KEY_MESSAGES, ("if_unhappy", "What to do if you are not happy")):
        value = getattr(opportunity, field)
        if not isinstance(value, str) or not value.strip():
            continue
        texts.append(value)
        checks.append(
            TextCheck(
                field=field,
                label=label,
                readability=plain_language.readability(value, target),
                jargon=plain_language.find_jargon(value, terms),
            )
        )
    overall = plain_language.readability("\n".join(texts), target)
    return overall, checks


def key_message_sections(opportunity: Opportunity) -> list[tuple[str, str]]:
    """The key messages as (question, answer) pairs, as people read them."""
    sections = []
    for field, label in (*KEY_MESSAGES, ("if_unhappy", "What to do if you are not happy")):
        value = getattr(opportunity, field)
        if field == "closes_on":
            value = f"Please tell us by {value:%-d %B %Y}." if value else ""
        if value:
            sections.append((label, str(value)))
    return sections


@transaction.atomic
def draft_easy_read(opportunity: Opportunity) -> list[EasyReadSentence]:
    """Replaces the easy-read version with a fresh draft from the key messages."""
    terms = glossary(opportunity.organisation)
    drafts = plain_language.easy_read_draft(
        [answer for _, answer in key_message_sections(opportunity)], terms
    )
    return save_easy_read(opportunity, [(sentence, "") for sentence in drafts])


@transaction.atomic
def save_easy_read(
    opportunity: Opportunity, rows: Sequence[tuple[str, str]]
) -> list[EasyReadSentence]:
    """Saves the easy-read version as (sentence, picture description) rows, in order. Pictures
    already uploaded stay with the sentence at the same position."""
    errors = [
        f"Sentence {number} is too long for easy read: keep it to 200 characters."
        for number, (sentence, _) in enumerate(rows, start=1)
        if len(sentence) > 200
    ]
    if errors:
        raise ValidationError(errors)
    existing = {row.position: row for row in opportunity.easy_read_sentences.all()}
    kept = []
    position = 0
    for sentence, description in rows:
        if not sentence.strip():
            continue
        position += 1
        row = existing.pop(position, None) or EasyReadSentence(
            organisation_id=opportunity.organisation_id, opportunity=opportunity, position=position
        )
        row.sentence = sentence.strip()
        row.picture_description = description.strip()
        row.save()
        kept.append(row)
    for leftover in existing.values():
        leftover.delete()
    return kept


# Invitations


@dataclass(frozen=True)
class Candidate:
    person: Person
    held_reason: str  # empty when they can be invited
    may_contact: bool
    fatigued: bool
    already_invited: bool


def candidates(opportunity: Opportunity, people: Iterable[Person]) -> list[Candidate]:
    """Who would be invited, and who is held back and why. Consent is the register's gate;
    people asked often recently are held back unless the officer confirms each one."""
    threshold = register_settings(opportunity.organisation).fatigue_threshold
    invited = set(
        Invitation.objects.filter(opportunity=opportunity, held_reason="").values_list(
            "person_id", flat=True
        )
    )
    found = []
    for person in people:
        if person.organisation_id != opportunity.organisation_id:
            continue
        reason = ""
        recent = getattr(person, "recent_involvements", None)
        if recent is None:
            recent = recent_involvement_count(person)
        fatigued = recent >= threshold
        may_contact = can_contact(person, ConsentPurpose.CONTACT)
        if not may_contact:
            reason = "No consent to be contacted about opportunities"
        elif fatigued:
            reason = f"Involved {recent} times in the last 12 months (limit {threshold})"
        found.append(
            Candidate(
                person=person,
                held_reason=reason,
                may_contact=may_contact,
                fatigued=fatigued,
                already_invited=person.pk in invited,
            )
        )
    return found


def notice_days(opportunity: Opportunity, today: datetime.date | None = None) -> int | None:
    if opportunity.starts_on is None:
        return None
    return (opportunity.starts_on - (today or timezone.localdate())).days


def needs_short_notice_reason(opportunity: Opportunity, today: datetime.date | None = None) -> bool:
    days = notice_days(opportunity, today)
    minimum = recruitment_settings(opportunity.organisation).minimum_notice_days
    return days is not None and days < minimum


def invitation_message(opportunity: Opportunity, link: str) -> Message:
    sections = key_message_sections(opportunity)
    body = "\n\n".join(f"{question}\n{answer}" for question, answer in sections)
    intro = (
        f"We are asking for your help. {opportunity.project.title}: "
        f"we would like you to take part in “{opportunity.title}”."
    )
    rows = list(opportunity.easy_read_sentences.all())
    return Message(
        subject=f"Would you like to help? {opportunity.title}",
        body=f"{intro}\n\n{body}\n\nTo say you are interested, go to {link}"
        " or reply to this message.",
        easy_read=[row.sentence for row in rows] or None,
        easy_read_alts=[row.picture_description for row in rows],
        link=link,
    )


@dataclass(frozen=True)
class InvitationOutcome:
    invited: list[Invitation]
    held: list[Invitation]


@transaction.atomic
def invite(
    opportunity: Opportunity,
    people: Iterable[Person],
    *,
    by: Any,
    link: str,
    confirm_fatigued: Iterable[int] = (),
    short_notice_reason: str = "",
    today: datetime.date | None = None,
) -> InvitationOutcome:
    """Invites people by their own channel and format, through the notifications service.

    People without consent are never invited; people asked often recently only when the
    officer confirmed each one. Inviting twice sends nothing new (the delivery key is the
    invitation's)."""
    if opportunity.status != OpportunityStatus.PUBLISHED:
        raise ValidationError("Publish the opportunity before inviting people.")
    if needs_short_notice_reason(opportunity, today) and not short_notice_reason.strip():
        minimum = recruitment_settings(opportunity.organisation).minimum_notice_days
        raise ValidationError(
            {
                "short_notice_reason": (
                    f"This gives less than {minimum} days' notice. Say why it cannot wait, "
                    "so that people understand."
                )
            }
        )
    confirmed = set(confirm_fatigued)
    message = invitation_message(opportunity, link)
    invited: list[Invitation] = []
    held: list[Invitation] = []
    for candidate in candidates(opportunity, people):
        if candidate.already_invited:
            continue
        person = candidate.person
        fatigue_ok = candidate.may_contact and candidate.fatigued and person.pk in confirmed
        reason = "" if fatigue_ok else candidate.held_reason
        invitation, _ = Invitation.objects.update_or_create(
            opportunity=opportunity,
            person=person,
            defaults={
                "organisation_id": opportunity.organisation_id,
                "held_reason": reason,
                "fatigue_confirmed": fatigue_ok,
                "short_notice_reason": short_notice_reason.strip(),
                "invited_by": by,
            },
        )
        if reason:
            held.append(invitation)
            continue
        invitation.delivery_key = f"invitation:{invitation.pk}"
        invitation.save(update_fields=["delivery_key"])
        send(
            person,
            message,
            purpose=ConsentPurpose.CONTACT,
            key=invitation.delivery_key,
            topic=invitation_topic(opportunity),
            sent_by=by,
        )
        invited.append(invitation)
    return InvitationOutcome(invited=invited, held=held)


def invitation_topic(opportunity: Opportunity) -> str:
    return f"opportunity:{opportunity.pk}:invitations"


def invitations_for(opportunity: Opportunity) -> QuerySet[Invitation]:
    return opportunity.invitations.select_related("person").order_by("held_reason", "-created_at")
