"""Write operations and rules for data protection: retention periods, retention reviews,
pseudonymisation and requests to erase.

Pseudonymising keeps what the organisation's figures are built from (community memberships,
needs, the dates and kinds of involvement, the dates of consents) and removes everything that
says who the person is or how to reach them, and any free text. Everything is recorded in the
audit trail through the `Audited` models; free text that is removed is recorded as changed,
never with what it said.
"""

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from coproduce.accounts.models import Organisation
from coproduce.audit.models import AuditAction
from coproduce.audit.services import HIDDEN, record
from coproduce.people.models import (
    PERSONAL_FIELDS,
    Consent,
    Involvement,
    PartnerContact,
    Person,
    SavedListMember,
)

from . import selectors
from .models import (
    DEFAULT_MONTHS,
    MAX_MONTHS,
    MIN_MONTHS,
    ErasureRequest,
    ErasureStatus,
    HowReceived,
    ItemOutcome,
    RecordType,
    RetentionPeriod,
    RetentionReview,
    RetentionReviewItem,
    ReviewStatus,
)

# ---------------------------------------------------------------------------------------------
# Pseudonymisation
# ---------------------------------------------------------------------------------------------

# Personal details removed from a person's record: the register's personal fields, except
# `name` (which becomes "Person #<id>"), and who their go-between was.
CLEARED_PERSON_FIELDS = tuple(sorted((PERSONAL_FIELDS - {"name"}) | {"via_relationship"}))

# Other apps add what they hold about a person: `hook(person, erasure)` is called inside the
# same transaction, after the register's own records are dealt with. For example, the equality
# app decides there whether answers are kept (for suppressed aggregates) or deleted on erasure.
PseudonymiseHook = Callable[[Person, bool], None]
_HOOKS: list[PseudonymiseHook] = []


def register_pseudonymiser(hook: PseudonymiseHook) -> None:
    if hook not in _HOOKS:
        _HOOKS.append(hook)


def pseudonym(person: Person) -> str:
    return f"Person #{person.pk}"


def _clear_quietly(instance: models.Model, fields: list[str]) -> None:
    """Empties free-text fields without copying what they said into the audit trail again (the
    model may not hide them): the rows are updated directly and one event records that the
    fields were emptied. ADR 1 allows this when the service records the event itself."""
    changed = [name for name in fields if getattr(instance, name)]
    if not changed:
        return
    type(instance)._default_manager.filter(pk=instance.pk).update(**dict.fromkeys(changed, ""))
    for name in changed:
        setattr(instance, name, "")
    record(instance, AuditAction.UPDATE, {name: [HIDDEN, None] for name in changed})


def _strip_consent(consent: Consent) -> None:
    """A consent's free text and who recorded or withdrew it go; purpose and dates stay."""
    _clear_quietly(consent, selectors.consent_free_text_fields())
    if consent.recorded_by_id or consent.withdrawn_by_id:
        consent.recorded_by = None
        consent.withdrawn_by = None
        consent.save()


def _clear_involvement(involvement: Involvement) -> None:
    _clear_quietly(involvement, ["description"])


@transaction.atomic
def pseudonymise_person(person: Person, *, erasure: bool = False) -> Person:
    """Replaces who the person is with a number and removes their free text, keeping what
    aggregate figures count. With `erasure`, also removes consents' free text and who recorded
    them, their places on saved lists and their roles at partner organisations.

    Records merged into this one are the same person, so they are treated the same way.
    Running it again does no harm."""
    for duplicate in Person.objects.filter(merged_into=person):
        pseudonymise_person(duplicate, erasure=erasure)
    name = pseudonym(person)
    if (
        person.pseudonymised_at is None
        or person.name != name
        or person.user_id is not None
        or any(getattr(person, field) for field in CLEARED_PERSON_FIELDS)
    ):
        person.name = name
        for field in CLEARED_PERSON_FIELDS:
            setattr(person, field, "")
        # The sign-in account stays with its owner but no longer leads to this record.
        person.user = None
        person.pseudonymised_at = person.pseudonymised_at or timezone.now()
        person.save()
    for involvement in person.involvements.exclude(description=""):
        _clear_involvement(involvement)
    if erasure:
        for consent in person.consents.all():
            _strip_consent(consent)
        for listing in SavedListMember.objects.filter(person=person):
            listing.delete()
        for role in PartnerContact.objects.filter(person=person):
            _clear_quietly(role, ["role"])
            role.delete()
    for hook in _HOOKS:
        hook(person, erasure)
    return person


# ---------------------------------------------------------------------------------------------
# Retention periods and reviews
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def set_retention_periods(organisation: Organisation, months: Mapping[str, Any]) -> dict[str, int]:
    """Saves how many months each kind of record is kept. Errors are keyed by record type."""
    errors: dict[str, str] = {}
    cleaned: dict[str, int] = {}
    for record_type in RecordType:
        what = record_type.label.lower()
        raw = str(months.get(record_type.value, "") or "").strip()
        example = DEFAULT_MONTHS[record_type.value]
        if not raw:
            errors[record_type.value] = f"Enter how many months to keep {what}, like {example}."
            continue
        try:
            number = int(raw)
        except ValueError:
            errors[record_type.value] = (
                f"Enter how many months to keep {what} as a whole number, like {example}."
            )
            continue
        if not MIN_MONTHS <= number <= MAX_MONTHS:
            errors[record_type.value] = (
                f"Enter a number of months from {MIN_MONTHS} to {MAX_MONTHS} (20 years)."
            )
            continue
        cleaned[record_type.value] = number
    if errors:
        raise ValidationError(errors)
    for record_type_value, number in cleaned.items():
        period = RetentionPeriod.objects.filter(
            organisation=organisation, record_type=record_type_value
        ).first() or RetentionPeriod(organisation=organisation, record_type=record_type_value)
        if period.pk is None or period.months != number:
            period.months = number
            period.save()
    return cleaned


@transaction.atomic
def list_records_for_review(
    organisation: Organisation, today: datetime.date | None = None
) -> RetentionReview | None:
    """Adds records past their retention period to the organisation's open review (made if
    needed). Records already waiting in a review are not added twice, and records in the open
    review that are no longer past their period (involved again, say) are left alone.
    Nothing is changed in the records themselves until an administrator approves."""
    today = today or timezone.localdate()
    found = selectors.due_records(organisation, today)
    review = (
        RetentionReview.objects.select_for_update()
        .filter(organisation=organisation, status=ReviewStatus.OPEN)
        .first()
    )
    if review is not None:
        for item in review.items.filter(outcome=ItemOutcome.PENDING):
            if item.object_id not in found[item.record_type]:
                item.outcome = ItemOutcome.SKIPPED
                item.done_at = timezone.now()
                item.save()
    waiting = selectors.pending_object_ids(organisation)
    new = {
        record_type: {pk: day for pk, day in records.items() if pk not in waiting[record_type]}
        for record_type, records in found.items()
    }
    if not any(new.values()):
        if review is not None and review.last_listed_on != today:
            review.last_listed_on = today
            review.save()
        return review
    if review is None:
        review = RetentionReview.objects.create(organisation=organisation, last_listed_on=today)
    # A record left alone earlier in this review and due again is put back, not added twice.
    earlier = {(item.record_type, item.object_id): item for item in review.items.all()}
    for record_type, records in new.items():
        for object_id, day in records.items():
            item = earlier.get((record_type, object_id)) or RetentionReviewItem(
                organisation=organisation,
                review=review,
                record_type=record_type,
                object_id=object_id,
            )
            item.measured_from = day
            item.outcome = ItemOutcome.PENDING
            item.done_at = None
            item.save()
    if review.last_listed_on != today:
        review.last_listed_on = today
        review.save()
    return review


@transaction.atomic
def approve_review(review: RetentionReview, user: Any) -> RetentionReview:
    review = RetentionReview.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.OPEN:
        raise ValidationError("This review has already been approved. Nothing more to do.")
    if not review.items.filter(outcome=ItemOutcome.PENDING).exists():
        raise ValidationError(
            "Nothing in this review is still past its retention period, so there is nothing "
            "to approve. The next daily check will list any records that are."
        )
    review.status = ReviewStatus.APPROVED
    review.approved_by = user
    review.approved_at = timezone.now()
    review.save()
    return review


def _act_on(record_type: str, object_id: int) -> None:
    if record_type == RecordType.PERSON:
        pseudonymise_person(Person.objects.get(pk=object_id))
    elif record_type == RecordType.INVOLVEMENT:
        _clear_involvement(Involvement.objects.get(pk=object_id))
    elif record_type == RecordType.CONSENT_HISTORY:
        _strip_consent(Consent.objects.get(pk=object_id))
    elif record_type == RecordType.SAVED_LIST_MEMBERSHIP:
        SavedListMember.objects.get(pk=object_id).delete()


# People last, so that their own involvements and consents are counted as done, not skipped.
_ORDER = [
    RecordType.INVOLVEMENT,
    RecordType.CONSENT_HISTORY,
    RecordType.SAVED_LIST_MEMBERSHIP,
    RecordType.PERSON,
]


def carry_out_review(
    review: RetentionReview, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Deals with every record of an approved review, each in its own transaction, checking
    first that it is still past its retention period. Safe to run again after a failure."""
    review.refresh_from_db()
    if review.status == ReviewStatus.OPEN:
        raise ValidationError("An administrator must approve this review first.")
    pending = list(review.items.filter(outcome=ItemOutcome.PENDING))
    pending.sort(key=lambda item: (_ORDER.index(RecordType(item.record_type)), item.object_id))
    counts = {ItemOutcome.DONE.value: 0, ItemOutcome.SKIPPED.value: 0}
    for done, item in enumerate(pending, 1):
        with transaction.atomic():
            if selectors.is_still_due(item.record_type, item.object_id, review.organisation):
                _act_on(item.record_type, item.object_id)
                item.outcome = ItemOutcome.DONE
            else:
                item.outcome = ItemOutcome.SKIPPED
            item.done_at = timezone.now()
            item.save()
        counts[item.outcome] += 1
        if progress and (done % 50 == 0 or done == len(pending)):
            progress(done, len(pending))
    if review.status != ReviewStatus.CARRIED_OUT:
        review.status = ReviewStatus.CARRIED_OUT
        review.carried_out_at = timezone.now()
        review.save()
    return counts


# ---------------------------------------------------------------------------------------------
# Requests to erase
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def record_erasure_request(
    person: Person,
    requested_by: Any,
    received_on: datetime.date,
    how_received: str,
    reason: str = "",
) -> ErasureRequest:
    errors: dict[str, str] = {}
    if received_on > timezone.localdate():
        errors["received_on"] = "Enter the date the request was received: today or earlier."
    if how_received not in HowReceived.values:
        errors["how_received"] = "Choose how the request came in."
    if errors:
        raise ValidationError(errors)
    if ErasureRequest.objects.filter(
        person=person, status__in=[ErasureStatus.REQUESTED, ErasureStatus.APPROVED]
    ).exists():
        raise ValidationError(
            "There is already an open request to erase this person's details. "
            "Find it in the list of requests to erase, and decide that one."
        )
    return ErasureRequest.objects.create(
        organisation_id=person.organisation_id,
        person=person,
        received_on=received_on,
        requested_by=requested_by,
        how_received=how_received,
        reason=reason.strip(),
    )


def _locked(request: ErasureRequest) -> ErasureRequest:
    return ErasureRequest.objects.select_for_update().select_related("person").get(pk=request.pk)


@transaction.atomic
def approve_erasure(request: ErasureRequest, user: Any) -> ErasureRequest:
    request = _locked(request)
    if request.status != ErasureStatus.REQUESTED:
        raise ValidationError({"decision": "This request has already been decided."})
    if request.requested_by_id is not None and request.requested_by_id == getattr(user, "pk", None):
        raise ValidationError(
            {
                "decision": "You recorded this request, so a different administrator must "
                "approve it. Erasure cannot be undone, so two people check each one."
            }
        )
    request.status = ErasureStatus.APPROVED
    request.decided_by = user
    request.decided_at = timezone.now()
    request.save()
    return request


@transaction.atomic
def refuse_erasure(request: ErasureRequest, user: Any, refusal_reason: str) -> ErasureRequest:
    request = _locked(request)
    if request.status != ErasureStatus.REQUESTED:
        raise ValidationError({"decision": "This request has already been decided."})
    if not refusal_reason.strip():
        raise ValidationError(
            {
                "refusal_reason": "Enter why the request is refused. The person must be told "
                "why, and that they can complain to the Information Commissioner's Office."
            }
        )
    request.status = ErasureStatus.REFUSED
    request.refusal_reason = refusal_reason.strip()
    request.decided_by = user
    request.decided_at = timezone.now()
    request.save()
    return request


@transaction.atomic
def carry_out_erasure(request: ErasureRequest, user: Any) -> ErasureRequest:
    """Pseudonymises the person and removes their consents' free text, their places on saved
    lists and their roles at partner organisations. What they said when asking goes too: the
    request stays as the record that it was done, by whom and when."""
    request = _locked(request)
    if request.status != ErasureStatus.APPROVED:
        raise ValidationError("Only an approved request can be carried out.")
    pseudonymise_person(request.person, erasure=True)
    request.status = ErasureStatus.CARRIED_OUT
    request.carried_out_by = user
    request.carried_out_at = timezone.now()
    request.reason = ""
    request.save()
    return request
