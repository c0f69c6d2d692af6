"""Write operations and rules for the register. `can_contact` is the one gate every path that
contacts a person must pass: withdrawn consent stops contact at once."""

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from coproduce.accounts.models import Organisation

from .models import (
    Community,
    CommunityMembership,
    Consent,
    ConsentPurpose,
    Involvement,
    PartnerContact,
    Person,
    PersonNeed,
    RegisterSettings,
    SavedList,
    SavedListMember,
)

# Other capabilities keep data about people (equality answers, say). They register here to hear
# of withdrawals and merges, so the register does not depend on them.
ConsentWithdrawnHook = Callable[[Person, str], None]
MergeHook = Callable[[Person, Person], None]
_CONSENT_WITHDRAWN: list[ConsentWithdrawnHook] = []
_MERGED: list[MergeHook] = []


def on_consent_withdrawn(hook: ConsentWithdrawnHook) -> None:
    if hook not in _CONSENT_WITHDRAWN:
        _CONSENT_WITHDRAWN.append(hook)


def on_merge(hook: MergeHook) -> None:
    if hook not in _MERGED:
        _MERGED.append(hook)


def register_settings(organisation: Organisation) -> RegisterSettings:
    found, _ = RegisterSettings.objects.get_or_create(organisation=organisation)
    return found


def check_person(person: Person) -> None:
    """The register's rules for one person (the import checks rows with them too)."""
    errors: dict[str, str] = {}
    channel_needs = {
        "email": ("email", "Enter an email address, or choose another way to contact them."),
        "text": ("mobile", "Enter a mobile number for text messages, or choose another way."),
        "phone": ("mobile", "Enter a phone number, or choose another way to contact them."),
        "post": ("address", "Enter a postal address, or choose another way to contact them."),
        "via": ("via_name", "Enter who to contact them through, or choose another way."),
    }
    field, message = channel_needs[person.preferred_channel]
    if person.preferred_channel == "phone":
        if not (person.mobile or person.landline):
            errors["mobile"] = message
    elif not getattr(person, field):
        errors[field] = message
    if person.voice == "representative" and not person.represents.strip():
        errors["represents"] = "Enter the group they represent."
    if person.preferred_format == "interpreter" and not person.language.strip():
        errors["language"] = "Enter the language they need an interpreter for."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_person(
    person: Person,
    needs: Iterable[str] | None = None,
    communities: Iterable[Community] | None = None,
) -> Person:
    """Adds or changes a person, with their access needs and communities if given."""
    person.postcode = person.postcode.strip().upper()
    person.full_clean(exclude=["organisation", "user", "merged_into"])
    check_person(person)
    person.save()
    if needs is not None:
        set_needs(person, needs)
    if communities is not None:
        set_communities(person, communities)
    return person


def set_needs(person: Person, needs: Iterable[str]) -> None:
    wanted = set(needs)
    for need in person.needs.all():
        if need.need not in wanted:
            need.delete()
    have = set(person.needs.values_list("need", flat=True))
    for need_code in sorted(wanted - have):
        PersonNeed.objects.create(
            organisation_id=person.organisation_id, person=person, need=need_code
        )


def set_communities(person: Person, communities: Iterable[Community]) -> None:
    wanted = {community.pk: community for community in communities}
    if any(c.organisation_id != person.organisation_id for c in wanted.values()):
        raise ValidationError({"communities": "Choose communities of your own organisation."})
    for membership in person.memberships.all():
        if membership.community_id not in wanted:
            membership.delete()
    have = set(person.memberships.values_list("community_id", flat=True))
    for community_id in sorted(set(wanted) - have):
        CommunityMembership.objects.create(
            organisation_id=person.organisation_id, person=person, community_id=community_id
        )


def active_consent(person: Person, purpose: str) -> Consent | None:
    return person.consents.filter(purpose=purpose, withdrawn_at__isnull=True).first()


def has_consent(person: Person, purpose: str) -> bool:
    return active_consent(person, purpose) is not None


def can_contact(person: Person, purpose: str = ConsentPurpose.CONTACT) -> bool:
    """True only while the person's consent for this purpose stands, and the record is live
    (not merged into another, not pseudonymised)."""
    if person.merged_into_id or person.pseudonymised_at:
        return False
    return has_consent(person, purpose)


def contactable(
    people: QuerySet[Person], purpose: str = ConsentPurpose.CONTACT
) -> QuerySet[Person]:
    """The same rule as `can_contact`, for many people at once."""
    return people.filter(
        merged_into__isnull=True,
        pseudonymised_at__isnull=True,
        consents__purpose=purpose,
        consents__withdrawn_at__isnull=True,
    ).distinct()


@transaction.atomic
def give_consent(
    person: Person,
    purpose: str,
    method: str,
    recorded_by: Any,
    given_at: datetime.datetime | None = None,
) -> Consent:
    existing = active_consent(person, purpose)
    if existing is not None:
        return existing
    return Consent.objects.create(
        organisation_id=person.organisation_id,
        person=person,
        purpose=purpose,
        method=method,
        given_at=given_at or timezone.now(),
        recorded_by=recorded_by if getattr(recorded_by, "pk", None) else None,
    )


@transaction.atomic
def withdraw_consent(person: Person, purpose: str, withdrawn_by: Any) -> Consent | None:
    """Takes effect at once: from now on `can_contact` says no for this purpose."""
    consent = active_consent(person, purpose)
    if consent is None:
        return None
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = withdrawn_by if getattr(withdrawn_by, "pk", None) else None
    consent.save()
    if purpose == ConsentPurpose.KEEP_NEEDS:
        # Without consent to keep them, access needs are not kept.
        set_needs(person, [])
        if person.needs_notes:
            person.needs_notes = ""
            person.save()
    for hook in _CONSENT_WITHDRAWN:
        hook(person, purpose)
    return consent


def set_partner_role(person: Person, partner: Any, role: str) -> PartnerContact:
    """Makes the person a contact for a partner organisation (or changes their role there)."""
    if partner.organisation_id != person.organisation_id:
        raise ValidationError({"partner": "Choose an organisation of your own register."})
    contact = PartnerContact.objects.filter(partner=partner, person=person).first()
    contact = contact or PartnerContact(
        organisation_id=person.organisation_id, partner=partner, person=person
    )
    contact.role = role.strip()
    contact.save()
    return contact


def remove_partner_role(contact: PartnerContact) -> None:
    contact.delete()


def record_involvement(
    person: Person,
    kind: str,
    occurred_on: datetime.date,
    description: str,
    project: Any = None,
) -> Involvement:
    return Involvement.objects.create(
        organisation_id=person.organisation_id,
        person=person,
        kind=kind,
        occurred_on=occurred_on,
        description=description,
        project=project,
    )


def recent_involvement_count(person: Person, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=365)
    return person.involvements.filter(occurred_on__gt=since, occurred_on__lte=today).count()


def is_fatigued(person: Person, today: datetime.date | None = None) -> bool:
    threshold = register_settings(person.organisation).fatigue_threshold
    return recent_involvement_count(person, today) >= threshold


@transaction.atomic
def create_saved_list(organisation: Organisation, name: str, description: str = "") -> SavedList:
    saved = SavedList(organisation=organisation, name=name.strip(), description=description)
    saved.full_clean()
    saved.save()
    return saved


def add_to_list(saved: SavedList, people: Iterable[Person]) -> int:
    added = 0
    already = set(saved.members.values_list("person_id", flat=True))
    for person in people:
        if person.organisation_id != saved.organisation_id:
            raise ValidationError("Only people in your own register can be added to a list.")
        if person.pk not in already:
            SavedListMember.objects.create(
                organisation_id=saved.organisation_id, saved_list=saved, person=person
            )
            already.add(person.pk)
            added += 1
    return added


def remove_from_list(saved: SavedList, person: Person) -> None:
    for member in saved.members.filter(person=person):
        member.delete()


@transaction.atomic
def merge_people(keep: Person, duplicate: Person) -> Person:
    """Merges a duplicate into the record kept. Both histories stay: the duplicate's
    involvements, consents, needs, communities, lists and roles move to the kept record, and
    the duplicate stays, marked as merged, with its own audit history."""
    if keep.pk == duplicate.pk:
        raise ValidationError("Choose two different people to merge.")
    if keep.organisation_id != duplicate.organisation_id:
        raise ValidationError("People from different organisations cannot be merged.")
    if duplicate.merged_into_id:
        raise ValidationError("That record has already been merged.")
    for involvement in duplicate.involvements.all():
        involvement.person = keep
        involvement.save()
    kept_needs = set(keep.needs.values_list("need", flat=True))
    for need in duplicate.needs.all():
        if need.need in kept_needs:
            need.delete()
        else:
            need.person = keep
            need.save()
    kept_communities = set(keep.memberships.values_list("community_id", flat=True))
    for membership in duplicate.memberships.all():
        if membership.community_id in kept_communities:
            membership.delete()
        else:
            membership.person = keep
            membership.save()
    kept_purposes = set(
        keep.consents.filter(withdrawn_at__isnull=True).values_list("purpose", flat=True)
    )
    for consent in duplicate.consents.all():
        if consent.withdrawn_at is None and consent.purpose in kept_purposes:
            # Keep the duplicate's agreement as history, closed at the merge.
            consent.withdrawn_at = timezone.now()
        consent.person = keep
        consent.save()
    kept_lists = set(
        SavedListMember.objects.filter(person=keep).values_list("saved_list_id", flat=True)
    )
    for listing in SavedListMember.objects.filter(person=duplicate):
        if listing.saved_list_id in kept_lists:
            listing.delete()
        else:
            listing.person = keep
            listing.save()
    for role in PartnerContact.objects.filter(person=duplicate):
        if PartnerContact.objects.filter(partner=role.partner, person=keep).exists():
            role.delete()
        else:
            role.person = keep
            role.save()
    for field in ("email", "mobile", "landline", "address", "postcode", "preferred_name"):
        if not getattr(keep, field) and getattr(duplicate, field):
            setattr(keep, field, getattr(duplicate, field))
    if not keep.needs_notes and duplicate.needs_notes:
        keep.needs_notes = duplicate.needs_notes
    keep.save()
    for hook in _MERGED:
        hook(keep, duplicate)
    duplicate.merged_into = keep
    duplicate.save()
    return keep
