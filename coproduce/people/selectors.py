"""Read queries for the register. Lists run a fixed number of queries whatever their length."""

import datetime
from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from coproduce.accounts.roles import staff_organisation_ids

from .models import (
    Community,
    CommunityMembership,
    Consent,
    ConsentPurpose,
    Involvement,
    PartnerOrganisation,
    Person,
    PersonNeed,
    SavedList,
)


def people_for(user: Any) -> QuerySet[Person]:
    """People in the user's organisations (records merged into another are left out)."""
    return Person.objects.filter(
        organisation_id__in=staff_organisation_ids(user), merged_into__isnull=True
    )


def _recent_involvements(today: datetime.date) -> Coalesce:
    since = today - datetime.timedelta(days=365)
    counts = (
        Involvement.objects.filter(
            person=OuterRef("pk"), occurred_on__gt=since, occurred_on__lte=today
        )
        .order_by()
        .values("person")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def _active_consent(purpose: str) -> Exists:
    return Exists(
        Consent.objects.filter(person=OuterRef("pk"), purpose=purpose, withdrawn_at__isnull=True)
    )


def with_register_summary(
    people: QuerySet[Person], today: datetime.date | None = None
) -> QuerySet[Person]:
    """Each person's involvements in the last 12 months, whether they may be contacted, their
    needs and communities: everything a list of people shows."""
    today = today or timezone.localdate()
    memberships = CommunityMembership.objects.select_related("community").order_by(
        "community__name"
    )
    return people.annotate(
        recent_involvements=_recent_involvements(today),
        may_contact=_active_consent(ConsentPurpose.CONTACT),
    ).prefetch_related(
        Prefetch("needs", queryset=PersonNeed.objects.order_by("need")),
        Prefetch("memberships", queryset=memberships),
    )


def search_people(
    organisation: Any,
    *,
    q: str = "",
    community: Community | None = None,
    need: str = "",
    channel: str = "",
    format: str = "",
    consent: str = "",
    fatigue: str = "",
    fatigue_threshold: int = 6,
    today: datetime.date | None = None,
) -> QuerySet[Person]:
    people = Person.objects.filter(organisation=organisation, merged_into__isnull=True)
    if q.strip():
        term = q.strip()
        people = people.filter(
            Q(name__icontains=term)
            | Q(preferred_name__icontains=term)
            | Q(email__icontains=term)
            | Q(postcode__istartswith=term.upper())
        )
    if community is not None:
        people = people.filter(
            Exists(CommunityMembership.objects.filter(person=OuterRef("pk"), community=community))
        )
    if need:
        people = people.filter(Exists(PersonNeed.objects.filter(person=OuterRef("pk"), need=need)))
    if channel:
        people = people.filter(preferred_channel=channel)
    if format:
        people = people.filter(preferred_format=format)
    if consent == "given":
        people = people.filter(_active_consent(ConsentPurpose.CONTACT))
    elif consent == "not_given":
        people = people.filter(~_active_consent(ConsentPurpose.CONTACT))
    people = with_register_summary(people, today)
    # The count is an annotation from with_register_summary (the type checker cannot see it).
    if fatigue == "over":
        people = people.filter(**{"recent_involvements__gte": fatigue_threshold})
    elif fatigue == "under":
        people = people.filter(**{"recent_involvements__lt": fatigue_threshold})
    return people.order_by("name", "pk")


def person_detail(person_id: int, user: Any) -> Person:
    return (
        people_for(user)
        .select_related("organisation", "user")
        .prefetch_related(
            Prefetch("needs", queryset=PersonNeed.objects.order_by("need")),
            Prefetch(
                "memberships",
                queryset=CommunityMembership.objects.select_related("community"),
            ),
            Prefetch(
                "consents",
                queryset=Consent.objects.select_related("recorded_by", "withdrawn_by"),
            ),
            Prefetch("involvements", queryset=Involvement.objects.select_related("project")),
            "saved_lists",
            "partner_roles__partner",
        )
        .get(pk=person_id)
    )


def communities_with_counts(organisation: Any) -> QuerySet[Community]:
    live = Q(memberships__person__merged_into__isnull=True)
    return (
        Community.objects.filter(organisation=organisation)
        .annotate(
            people_count=Count("memberships", filter=live, distinct=True),
            partner_count=Count("partners", distinct=True),
        )
        .order_by("kind", "name")
    )


def partners_for(organisation: Any) -> QuerySet[PartnerOrganisation]:
    return (
        PartnerOrganisation.objects.filter(organisation=organisation)
        .prefetch_related(Prefetch("communities", queryset=Community.objects.order_by("name")))
        .order_by("name")
    )


def saved_lists_for(organisation: Any) -> QuerySet[SavedList]:
    return (
        SavedList.objects.filter(organisation=organisation)
        .annotate(size=Count("members", filter=Q(members__person__merged_into__isnull=True)))
        .order_by("name")
    )


def list_members(saved: SavedList, today: datetime.date | None = None) -> QuerySet[Person]:
    people = Person.objects.filter(
        organisation_id=saved.organisation_id,
        merged_into__isnull=True,
        pk__in=saved.members.values("person_id"),
    )
    return with_register_summary(people, today).order_by("name", "pk")
