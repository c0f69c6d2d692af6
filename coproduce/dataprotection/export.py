"""Subject access: everything held about one person, gathered from a registry of sections.

Each app that holds something about people registers a `Source` (usually in its AppConfig's
`ready()`)::

    from coproduce.dataprotection.export import Source, register

    register(Source(
        key="equality_answers",
        title="Equality monitoring answers",
        collect=collect_equality_answers,        # (Subject) -> list of dicts
        permission="people.view_equality_answers",
        audit_models=("equality.equalityanswer",),
        order=45,
    ))

A section whose `permission` the requesting user does not hold for the person is left out,
and the export says that it was. The history of changes covers only the models of the
sections included, so it cannot give away what a withheld section holds. Names of people
other than the person and the organisation's staff are never shown.
"""

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from coproduce.accounts.models import STAFF_ROLES, Membership
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import HIDDEN
from coproduce.people.models import (
    CommunityMembership,
    Consent,
    Involvement,
    PartnerContact,
    Person,
    PersonNeed,
    SavedListMember,
    TimeOfDay,
    Weekday,
)

from .models import ErasureRequest


@dataclass(frozen=True)
class Subject:
    """Whose data is being exported, by whom. `person_ids` also holds records merged into the
    person's (duplicates of the same person)."""

    person: Person
    person_ids: frozenset[int]
    user: Any


Collect = Callable[[Subject], list[dict[str, Any]]]


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    collect: Collect
    labels: Mapping[str, str] = field(default_factory=dict)
    order: int = 100
    permission: str | None = None
    audit_models: tuple[str, ...] = ()
    as_table: bool = False
    withheld_reason: str = (
        "You do not have permission to see this part. Ask an administrator who does to "
        "make the export."
    )


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    records: list[dict[str, Any]]
    labels: Mapping[str, str]
    as_table: bool = False

    def label(self, key: str) -> str:
        return self.labels.get(key) or key.replace("_", " ").capitalize()

    @property
    def headings(self) -> list[str]:
        return [self.label(key) for key in self.records[0]] if self.records else []

    @property
    def rows(self) -> list[list[tuple[str, str]]]:
        """Each record as (label, readable value) pairs, for the page."""
        return [
            [(self.label(key), readable(value)) for key, value in r.items()] for r in self.records
        ]


@dataclass(frozen=True)
class Withheld:
    title: str
    reason: str


@dataclass(frozen=True)
class Export:
    person: Person
    generated_at: datetime.datetime
    generated_by: str
    sections: list[Section]
    withheld: list[Withheld]

    def as_json(self) -> dict[str, Any]:
        return {
            "about": pseudonymous_reference(self.person),
            "organisation": self.person.organisation.name,
            "generated_at": self.generated_at,
            "generated_by": self.generated_by,
            "sections": {
                section.key: {"title": section.title, "records": section.records}
                for section in self.sections
            },
            "withheld": [{"section": w.title, "reason": w.reason} for w in self.withheld],
        }


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    """Adds (or replaces, by key) a section of the export."""
    _SOURCES[source.key] = source


def sources() -> list[Source]:
    return sorted(_SOURCES.values(), key=lambda source: (source.order, source.key))


def pseudonymous_reference(person: Person) -> str:
    return f"Person #{person.pk}"


def readable(value: Any) -> str:
    """A value as plain words on the page."""
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    if value == HIDDEN:
        return "(not shown)"
    if isinstance(value, Mapping):
        # One line per entry: the changes in an audit event are {field: [before, after]}.
        parts = []
        for key, item in value.items():
            if isinstance(item, list | tuple) and len(item) == 2:
                parts.append(f"{key}: {readable(item[0])} → {readable(item[1])}")
            else:
                parts.append(f"{key}: {readable(item)}")
        return "\n".join(parts)
    if isinstance(value, list | tuple):
        return "; ".join(readable(item) for item in value)
    return str(value)


def _staff_name(user: Any) -> str | None:
    return user.display_name if user is not None else None


def _all_person_ids(person: Person) -> frozenset[int]:
    ids = {person.pk}
    frontier = [person.pk]
    while frontier:
        found = list(
            Person.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True)
        )
        frontier = [pk for pk in found if pk not in ids]
        ids.update(frontier)
    return frozenset(ids)


# ----- The register's own sections -----------------------------------------------------------

PERSON_LABELS = {
    "record": "Record",
    "reference": "Reference",
    "organisation": "Held by",
    "name": "Full name",
    "preferred_name": "What they like to be called",
    "email": "Email",
    "mobile": "Mobile phone",
    "landline": "Landline",
    "address": "Postal address",
    "postcode": "Postcode",
    "via_name": "Contact through (name)",
    "via_relationship": "Who they are",
    "via_contact": "How to reach them",
    "preferred_channel": "Best way to contact",
    "preferred_format": "Format for information",
    "language": "Language",
    "available_days": "Days they are available",
    "available_times": "Times they are available",
    "voice": "How they take part",
    "represents": "Group they represent",
    "mandate": "Their mandate from the group",
    "needs_notes": "Other access and support needs",
    "sign_in_account": "Sign-in account",
    "created_at": "Record made",
    "updated_at": "Last changed",
    "pseudonymised_at": "Pseudonymised",
}


def _choice_labels(values: Iterable[str], choices: Any) -> list[str]:
    names = dict(choices.choices)
    return [str(names.get(value, value)) for value in values or []]


def collect_person(subject: Subject) -> list[dict[str, Any]]:
    people = Person.objects.filter(pk__in=subject.person_ids).select_related("organisation", "user")
    records = []
    for person in sorted(people, key=lambda p: (p.pk != subject.person.pk, p.pk)):
        account = None
        if person.user is not None:
            account = person.user.email or person.user.username
        records.append(
            {
                "record": "This record"
                if person.pk == subject.person.pk
                else "A duplicate record merged into this one",
                "reference": pseudonymous_reference(person),
                "organisation": person.organisation.name,
                "name": person.name,
                "preferred_name": person.preferred_name,
                "email": person.email,
                "mobile": person.mobile,
                "landline": person.landline,
                "address": person.address,
                "postcode": person.postcode,
                "via_name": person.via_name,
                "via_relationship": person.get_via_relationship_display(),
                "via_contact": person.via_contact,
                "preferred_channel": person.get_preferred_channel_display(),
                "preferred_format": person.get_preferred_format_display(),
                "language": person.language,
                "available_days": _choice_labels(person.available_days, Weekday),
                "available_times": _choice_labels(person.available_times, TimeOfDay),
                "voice": person.get_voice_display(),
                "represents": person.represents,
                "mandate": person.mandate,
                "needs_notes": person.needs_notes,
                "sign_in_account": account,
                "created_at": person.created_at,
                "updated_at": person.updated_at,
                "pseudonymised_at": person.pseudonymised_at,
            }
        )
    return records


def collect_needs(subject: Subject) -> list[dict[str, Any]]:
    needs = PersonNeed.objects.filter(person_id__in=subject.person_ids).order_by("need")
    return [{"need": need.get_need_display()} for need in needs]


def collect_communities(subject: Subject) -> list[dict[str, Any]]:
    memberships = (
        CommunityMembership.objects.filter(person_id__in=subject.person_ids)
        .select_related("community")
        .order_by("community__name")
    )
    return [
        {"community": m.community.name, "kind": m.community.get_kind_display()} for m in memberships
    ]


def collect_consents(subject: Subject) -> list[dict[str, Any]]:
    from .selectors import consent_free_text_fields

    consents = (
        Consent.objects.filter(person_id__in=subject.person_ids)
        .select_related("recorded_by", "withdrawn_by")
        .order_by("purpose", "given_at", "pk")
    )
    extra = consent_free_text_fields()
    return [
        {
            "purpose": consent.get_purpose_display(),
            "given_at": consent.given_at,
            "how_given": consent.get_method_display(),
            "recorded_by": _staff_name(consent.recorded_by),
            "withdrawn_at": consent.withdrawn_at,
            "withdrawn_by": _staff_name(consent.withdrawn_by),
            "status": "Withdrawn" if consent.withdrawn_at else "Given",
            **{name: getattr(consent, name) for name in extra},
        }
        for consent in consents
    ]


def collect_involvements(subject: Subject) -> list[dict[str, Any]]:
    involvements = (
        Involvement.objects.filter(person_id__in=subject.person_ids)
        .select_related("project")
        .order_by("occurred_on", "pk")
    )
    return [
        {
            "date": involvement.occurred_on,
            "kind": involvement.get_kind_display(),
            "description": involvement.description,
            "project": involvement.project.title if involvement.project else None,
        }
        for involvement in involvements
    ]


def collect_saved_lists(subject: Subject) -> list[dict[str, Any]]:
    listings = (
        SavedListMember.objects.filter(person_id__in=subject.person_ids)
        .select_related("saved_list")
        .order_by("saved_list__name")
    )
    return [{"list": listing.saved_list.name} for listing in listings]


def collect_partner_roles(subject: Subject) -> list[dict[str, Any]]:
    roles = (
        PartnerContact.objects.filter(person_id__in=subject.person_ids)
        .select_related("partner")
        .order_by("partner__name")
    )
    return [
        {
            "organisation": role.partner.name,
            "kind": role.partner.get_kind_display(),
            "role": role.role,
        }
        for role in roles
    ]


def collect_erasure_requests(subject: Subject) -> list[dict[str, Any]]:
    requests = ErasureRequest.objects.filter(person_id__in=subject.person_ids).order_by(
        "received_on", "pk"
    )
    return [
        {
            "received_on": request.received_on,
            "how_received": request.get_how_received_display(),
            "what_they_said": request.reason,
            "status": request.get_status_display(),
            "decided_at": request.decided_at,
            "refusal_reason": request.refusal_reason,
            "carried_out_at": request.carried_out_at,
        }
        for request in requests
    ]


def register_register_sections() -> None:
    register(
        Source(
            "person",
            "Their details",
            collect_person,
            labels=PERSON_LABELS,
            order=10,
            audit_models=("people.person",),
        )
    )
    register(
        Source(
            "needs",
            "Access and support needs",
            collect_needs,
            labels={"need": "Need"},
            order=20,
            audit_models=("people.personneed",),
            as_table=True,
        )
    )
    register(
        Source(
            "communities",
            "Communities",
            collect_communities,
            labels={"community": "Community", "kind": "Kind of community"},
            order=30,
            audit_models=("people.communitymembership",),
            as_table=True,
        )
    )
    register(
        Source(
            "consents",
            "Consents, with every time they agreed or withdrew",
            collect_consents,
            labels={
                "purpose": "What for",
                "given_at": "Agreed",
                "how_given": "How",
                "recorded_by": "Recorded by",
                "withdrawn_at": "Withdrawn",
                "withdrawn_by": "Withdrawal recorded by",
                "status": "Now",
            },
            order=40,
            audit_models=("people.consent",),
            as_table=True,
        )
    )
    register(
        Source(
            "involvements",
            "Times they were involved",
            collect_involvements,
            labels={"date": "Date", "kind": "Kind", "description": "What", "project": "Project"},
            order=50,
            audit_models=("people.involvement",),
            as_table=True,
        )
    )
    register(
        Source(
            "saved_lists",
            "Saved lists they are on",
            collect_saved_lists,
            labels={"list": "List"},
            order=60,
            audit_models=("people.savedlistmember",),
            as_table=True,
        )
    )
    register(
        Source(
            "partner_roles",
            "Roles at partner organisations",
            collect_partner_roles,
            labels={"organisation": "Organisation", "kind": "Kind", "role": "Role"},
            order=70,
            audit_models=("people.partnercontact",),
            as_table=True,
        )
    )
    register(
        Source(
            "erasure_requests",
            "Requests to erase their details",
            collect_erasure_requests,
            labels={
                "received_on": "Received",
                "how_received": "How",
                "what_they_said": "What they said",
                "status": "Status",
                "decided_at": "Decided",
                "refusal_reason": "Why it was refused",
                "carried_out_at": "Carried out",
            },
            order=80,
            audit_models=("dataprotection.erasurerequest",),
        )
    )


# ----- History of changes ---------------------------------------------------------------------

HISTORY_LABELS = {
    "when": "When",
    "who": "Who",
    "record": "Record",
    "what": "What happened",
    "changes": "Changes",
}
SOMEONE_ELSE = "Someone else (name withheld)"


def history_events(person_ids: frozenset[int], models: Iterable[str]) -> list[AuditEvent]:
    """Audit events about the person's records of the given models. A record belongs to the
    person if an event ever gave its `person_id` as one of theirs, so records since deleted
    (a need removed, a place on a list) and records moved by a merge are found too."""
    models = set(models)
    if not models:
        return []
    child_models = models - {"people.person"}
    wanted = Q(pk__in=[])
    if "people.person" in models:
        wanted |= Q(model="people.person", object_id__in=[str(pk) for pk in person_ids])
    if child_models:
        mentions = Q(pk__in=[])
        for pk in person_ids:
            mentions |= Q(changes__person_id__0=pk) | Q(changes__person_id__1=pk)
        pairs = (
            AuditEvent.objects.filter(mentions, model__in=child_models)
            .values_list("model", "object_id")
            .distinct()
        )
        by_model: dict[str, set[str]] = {}
        for model, object_id in pairs:
            by_model.setdefault(model, set()).add(object_id)
        for model, object_ids in by_model.items():
            wanted |= Q(model=model, object_id__in=sorted(object_ids))
    return list(AuditEvent.objects.filter(wanted).order_by("sequence"))


def collect_history(subject: Subject, models: Iterable[str]) -> list[dict[str, Any]]:
    events = history_events(subject.person_ids, models)
    # Names shown: the organisation's staff, the system, and the person themselves. Anyone
    # else (another participant, say) is withheld.
    actor_ids = {e.actor_id for e in events if e.actor_id is not None} | {
        e.on_behalf_of_id for e in events if e.on_behalf_of_id is not None
    }
    shown = set(
        Membership.objects.filter(
            organisation_id=subject.person.organisation_id,
            role__in=STAFF_ROLES,
            user_id__in=actor_ids,
        ).values_list("user_id", flat=True)
    )
    if subject.person.user_id:
        shown.add(subject.person.user_id)

    def name(user_id: int | None, text: str) -> str:
        if user_id is None or user_id in shown:
            return text
        return SOMEONE_ELSE

    records = []
    for event in events:
        who = name(event.actor_id, event.actor_name)
        if event.on_behalf_of_id:
            who = f"{who}, for {name(event.on_behalf_of_id, event.on_behalf_of_name)}"
        records.append(
            {
                "when": event.occurred_at,
                "who": who,
                "record": event.object_repr,
                "what": event.get_action_display(),
                "changes": event.changes,
            }
        )
    return records


def build_export(person: Person, user: Any) -> Export:
    """Everything held about the person that `user` may see, from every registered source."""
    subject = Subject(person=person, person_ids=_all_person_ids(person), user=user)
    sections: list[Section] = []
    withheld: list[Withheld] = []
    audit_models: set[str] = set()
    for source in sources():
        if source.permission and not user.has_perm(source.permission, person):
            withheld.append(Withheld(source.title, source.withheld_reason))
            continue
        sections.append(
            Section(
                source.key,
                source.title,
                source.collect(subject),
                source.labels,
                source.as_table,
            )
        )
        audit_models.update(source.audit_models)
    sections.append(
        Section(
            "history",
            "History of changes to their records",
            collect_history(subject, audit_models),
            HISTORY_LABELS,
            as_table=True,
        )
    )
    return Export(
        person=person,
        generated_at=timezone.now(),
        generated_by=str(user),
        sections=sections,
        withheld=withheld,
    )
