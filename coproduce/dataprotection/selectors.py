"""Read queries for data protection: retention periods, records past them, reviews and erasure
requests. Lists run a fixed number of queries whatever their length."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.formats import date_format

from coproduce.accounts.models import Organisation
from coproduce.accounts.roles import staff_organisation_ids
from coproduce.audit.models import AuditAction, AuditEvent
from coproduce.people.models import Consent, Involvement, Person, SavedListMember

from .dates import add_months, start_of
from .models import (
    DEFAULT_MONTHS,
    ErasureRequest,
    ErasureStatus,
    ItemOutcome,
    RecordType,
    RetentionPeriod,
    RetentionReview,
    RetentionReviewItem,
    ReviewStatus,
)


def retention_months(organisation: Organisation) -> dict[str, int]:
    """Months each kind of record is kept: the organisation's own, or the suggested ones."""
    saved = dict(
        RetentionPeriod.objects.filter(organisation=organisation).values_list(
            "record_type", "months"
        )
    )
    return {
        record_type: saved.get(record_type, DEFAULT_MONTHS[record_type])
        for record_type in RecordType.values
    }


def cutoff(today: datetime.date, months: int) -> datetime.date:
    """Records measured from a date before this one are past their retention period. A record
    from exactly `months` months ago is kept until the next day."""
    return add_months(today, -months)


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


# Each finder returns the records of one kind past their period, each with the date the period
# is measured from. Records already dealt with (pseudonymised, emptied) are not found again.
Finder = Callable[[Organisation, datetime.date], QuerySet[Any]]


def due_people(organisation: Organisation, before: datetime.date) -> QuerySet[Person]:
    """People whose last involvement and last change were both before `before`. Records merged
    into another are dealt with alongside the record they were merged into."""
    return (
        Person.objects.filter(
            organisation=organisation,
            pseudonymised_at__isnull=True,
            merged_into__isnull=True,
            updated_at__lt=start_of(before),
        )
        .annotate(last_involved=Max("involvements__occurred_on"))
        .filter(Q(last_involved__isnull=True) | Q(last_involved__lt=before))
    )


def due_involvements(organisation: Organisation, before: datetime.date) -> QuerySet[Involvement]:
    return Involvement.objects.filter(organisation=organisation, occurred_on__lt=before).exclude(
        description=""
    )


def consent_free_text_fields() -> list[str]:
    """Text a person or facilitator typed on a consent (none yet; any added later is covered):
    every text field without a fixed list of choices."""
    return [
        field.name
        for field in Consent._meta.concrete_fields
        if isinstance(field, CharField | TextField) and not field.choices
    ]


def _consent_has_something_to_remove() -> Q:
    something = Q(recorded_by__isnull=False) | Q(withdrawn_by__isnull=False)
    for name in consent_free_text_fields():
        something |= ~Q(**{name: ""})
    return something


def due_consents(organisation: Organisation, before: datetime.date) -> QuerySet[Consent]:
    return Consent.objects.filter(
        _consent_has_something_to_remove(),
        organisation=organisation,
        withdrawn_at__lt=start_of(before),
    )


def _added_at() -> Coalesce:
    """When a person was put on a list: the audit trail's record of it, or failing that (rows
    loaded in bulk) the day the list was made."""
    created = AuditEvent.objects.filter(
        model=SavedListMember._meta.label_lower,
        action=AuditAction.CREATE,
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    ).values("occurred_at")[:1]
    return Coalesce(
        Subquery(created, output_field=DateTimeField()),
        "saved_list__created_at",
        output_field=DateTimeField(),
    )


def due_listings(organisation: Organisation, before: datetime.date) -> QuerySet[SavedListMember]:
    return (
        SavedListMember.objects.filter(organisation=organisation)
        .annotate(added_at=_added_at())
        .filter(added_at__lt=start_of(before))
    )


FINDERS: dict[str, Finder] = {
    RecordType.PERSON: due_people,
    RecordType.INVOLVEMENT: due_involvements,
    RecordType.CONSENT_HISTORY: due_consents,
    RecordType.SAVED_LIST_MEMBERSHIP: due_listings,
}


def measured_from(record_type: str, record: Any) -> datetime.date:
    if record_type == RecordType.PERSON:
        updated = _local_date(record.updated_at)
        last = record.last_involved
        return max(updated, last) if last else updated
    if record_type == RecordType.INVOLVEMENT:
        return record.occurred_on  # type: ignore[no-any-return]
    if record_type == RecordType.CONSENT_HISTORY:
        return _local_date(record.withdrawn_at)
    return _local_date(record.added_at)


def due_records(
    organisation: Organisation, today: datetime.date | None = None
) -> dict[str, dict[int, datetime.date]]:
    """Every record of the organisation past its retention period today, by kind:
    {record type: {record id: date its period is measured from}}."""
    today = today or timezone.localdate()
    months = retention_months(organisation)
    found: dict[str, dict[int, datetime.date]] = {}
    for record_type, finder in FINDERS.items():
        records = finder(organisation, cutoff(today, months[record_type]))
        found[record_type] = {
            record.pk: measured_from(record_type, record) for record in records.order_by("pk")
        }
    return found


def is_still_due(record_type: str, object_id: int, organisation: Organisation) -> bool:
    """Checked again just before a record is changed: it may have been involved again, or the
    period lengthened, since the review listed it."""
    months = retention_months(organisation)[record_type]
    finder = FINDERS[record_type]
    return finder(organisation, cutoff(timezone.localdate(), months)).filter(pk=object_id).exists()


def pending_object_ids(organisation: Organisation) -> dict[str, set[int]]:
    """Records already waiting in a review that has not been carried out."""
    waiting: dict[str, set[int]] = {record_type: set() for record_type in RecordType.values}
    rows = RetentionReviewItem.objects.filter(
        organisation=organisation, outcome=ItemOutcome.PENDING
    ).exclude(review__status=ReviewStatus.CARRIED_OUT)
    for record_type, object_id in rows.values_list("record_type", "object_id"):
        waiting[record_type].add(object_id)
    return waiting


def reviews_for(organisation: Organisation) -> QuerySet[RetentionReview]:
    def counted(outcome: str) -> Count:
        return Count("items", filter=Q(items__outcome=outcome))

    return (
        RetentionReview.objects.filter(organisation=organisation)
        .select_related("approved_by")
        .annotate(
            pending=counted(ItemOutcome.PENDING),
            done=counted(ItemOutcome.DONE),
            skipped=counted(ItemOutcome.SKIPPED),
            open_first=Case(
                When(status=ReviewStatus.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("open_first", "-created_at", "-pk")
    )


def review_for(user: Any, pk: int) -> RetentionReview:
    """A review of one of the user's organisations (DoesNotExist otherwise)."""
    return reviews_for_user(user).select_related("organisation", "approved_by").get(pk=pk)


def reviews_for_user(user: Any) -> QuerySet[RetentionReview]:
    return RetentionReview.objects.filter(organisation_id__in=staff_organisation_ids(user))


def review_counts(review: RetentionReview) -> dict[str, int]:
    """Pending records in the review, by kind."""
    rows = (
        review.items.filter(outcome=ItemOutcome.PENDING)
        .order_by()
        .values_list("record_type")
        .annotate(total=Count("pk"))
    )
    return dict(rows)


@dataclass(frozen=True)
class ItemRow:
    """One review item as a page shows it: what it is and whose it is, read from the live
    record (a record since deleted shows as gone)."""

    item: RetentionReviewItem
    person: Person | None
    what: str


def item_rows(items: Iterable[RetentionReviewItem]) -> list[ItemRow]:
    """Looks up the records behind a page of items: one query per kind of record."""
    items = list(items)
    ids: dict[str, set[int]] = {record_type: set() for record_type in RecordType.values}
    for item in items:
        ids[item.record_type].add(item.object_id)
    people = Person.objects.in_bulk(ids[RecordType.PERSON])
    involvements = Involvement.objects.select_related("person", "project").in_bulk(
        ids[RecordType.INVOLVEMENT]
    )
    consents = Consent.objects.select_related("person").in_bulk(ids[RecordType.CONSENT_HISTORY])
    listings = SavedListMember.objects.select_related("person", "saved_list").in_bulk(
        ids[RecordType.SAVED_LIST_MEMBERSHIP]
    )
    rows = []
    for item in items:
        person: Person | None = None
        what = "This record no longer exists."
        if item.record_type == RecordType.PERSON and item.object_id in people:
            person = people[item.object_id]
            what = "Their record in the register"
        elif item.record_type == RecordType.INVOLVEMENT and item.object_id in involvements:
            involvement = involvements[item.object_id]
            person = involvement.person
            when = date_format(involvement.occurred_on, "j F Y")
            what = f"{involvement.get_kind_display()} on {when}"
        elif item.record_type == RecordType.CONSENT_HISTORY and item.object_id in consents:
            consent = consents[item.object_id]
            person = consent.person
            what = f"Withdrawn consent: {consent.get_purpose_display()}"
        elif item.record_type == RecordType.SAVED_LIST_MEMBERSHIP and item.object_id in listings:
            listing = listings[item.object_id]
            person = listing.person
            what = f"On the list ‘{listing.saved_list.name}’"
        rows.append(ItemRow(item=item, person=person, what=what))
    return rows


def erasure_requests_for(organisation: Organisation) -> QuerySet[ErasureRequest]:
    open_first = Case(
        When(status=ErasureStatus.REQUESTED, then=Value(0)),
        When(status=ErasureStatus.APPROVED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        ErasureRequest.objects.filter(organisation=organisation)
        .select_related("person", "requested_by", "decided_by")
        .annotate(open_first=open_first)
        .order_by("open_first", "-received_on", "-pk")
    )


def erasure_request_for(user: Any, pk: int) -> ErasureRequest:
    return (
        ErasureRequest.objects.filter(organisation_id__in=staff_organisation_ids(user))
        .select_related("person", "requested_by", "decided_by", "carried_out_by")
        .get(pk=pk)
    )
