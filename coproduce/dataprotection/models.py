"""Data protection for the register: how long each kind of record is kept, the reviews that
list records kept longer than that, and requests from people to erase what is held about them.

Nothing here copies personal details: review items and erasure requests point at the records
they are about, so a page shows the current (perhaps already pseudonymised) details.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from coproduce.accounts.models import Organisation
from coproduce.audit.models import Audited
from coproduce.people.models import Person

from .dates import add_months


class RecordType(models.TextChoices):
    PERSON = "person", "People"
    INVOLVEMENT = "involvement", "Involvement records"
    CONSENT_HISTORY = "consent_history", "Withdrawn consents"
    SAVED_LIST_MEMBERSHIP = "saved_list_membership", "Places on saved lists"


# Suggested periods, shown beside each field and used until an administrator sets their own.
DEFAULT_MONTHS: dict[str, int] = {
    RecordType.PERSON: 36,
    RecordType.INVOLVEMENT: 72,
    RecordType.CONSENT_HISTORY: 72,
    RecordType.SAVED_LIST_MEMBERSHIP: 24,
}

# What each period is measured from, and what happens when it ends, in plain words.
MEASURED_FROM: dict[str, str] = {
    RecordType.PERSON: "their last involvement or the last change to their record, "
    "whichever is later",
    RecordType.INVOLVEMENT: "the date they were involved",
    RecordType.CONSENT_HISTORY: "the date the consent was withdrawn",
    RecordType.SAVED_LIST_MEMBERSHIP: "the date they were added to the list",
}
WHAT_HAPPENS: dict[str, str] = {
    RecordType.PERSON: "Their name becomes a number, and their contact details, address, notes, "
    "group and mandate are removed. They can no longer be contacted. Their communities, needs "
    "and the dates they were involved or consented are kept, so that counts stay right.",
    RecordType.INVOLVEMENT: "The description is removed. The date, kind and project are kept.",
    RecordType.CONSENT_HISTORY: "Any notes and who recorded or withdrew it are removed. "
    "The purpose and dates are kept.",
    RecordType.SAVED_LIST_MEMBERSHIP: "The person is taken off the list.",
}

MIN_MONTHS = 1
MAX_MONTHS = 240


class RetentionPeriod(Audited):
    """How long one organisation keeps one kind of record, in months."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="retention_periods"
    )
    record_type = models.CharField(max_length=30, choices=RecordType.choices)
    months = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["organisation", "record_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "record_type"], name="one_retention_period_per_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.months} months"


class ReviewStatus(models.TextChoices):
    OPEN = "open", "Waiting for approval"
    APPROVED = "approved", "Approved, being carried out"
    CARRIED_OUT = "carried_out", "Carried out"


class RetentionReview(Audited):
    """A batch of records found past their retention period. Nothing happens to them until an
    administrator approves the batch. The daily check adds to the organisation's open batch."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="retention_reviews"
    )
    status = models.CharField(
        max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_listed_on = models.DateField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    carried_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status="open"),
                name="one_open_retention_review",
            )
        ]

    def __str__(self) -> str:
        return f"Records past retention, listed {self.created_at:%d %b %Y}"


class ItemOutcome(models.TextChoices):
    PENDING = "pending", "Waiting"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Left alone: involved or changed since, or already dealt with"


class RetentionReviewItem(Audited):
    """One record in a review: which kind, which record, and what happened to it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    review = models.ForeignKey(RetentionReview, on_delete=models.CASCADE, related_name="items")
    record_type = models.CharField(max_length=30, choices=RecordType.choices)
    object_id = models.PositiveBigIntegerField()
    # The date the retention period is measured from (for example their last involvement).
    measured_from = models.DateField()
    outcome = models.CharField(
        max_length=10, choices=ItemOutcome.choices, default=ItemOutcome.PENDING
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["record_type", "measured_from", "object_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "record_type", "object_id"], name="one_review_item_per_record"
            )
        ]
        indexes = [models.Index(fields=["record_type", "object_id", "outcome"])]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()} #{self.object_id}"


class HowReceived(models.TextChoices):
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    PHONE = "phone", "Phone call"
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online form"
    SOMEONE_ELSE = "someone_else", "From someone acting for them (a carer, advocate or solicitor)"


class ErasureStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for a decision"
    APPROVED = "approved", "Approved, not yet carried out"
    REFUSED = "refused", "Refused"
    CARRIED_OUT = "carried_out", "Carried out"


OPEN_ERASURE_STATUSES = (ErasureStatus.REQUESTED, ErasureStatus.APPROVED)


class ErasureRequest(Audited):
    """A person's request to have what is held about them erased (the right to erasure).
    Recorded by a facilitator or administrator; another administrator decides."""

    # What the person said may be sensitive: the trail records that it changed, not what it says.
    audit_exclude = frozenset({"reason"})

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="erasure_requests"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="erasure_requests")
    received_on = models.DateField("Date the request was received")
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    how_received = models.CharField(
        "How the request came in", max_length=20, choices=HowReceived.choices
    )
    reason = models.TextField("What they said", blank=True)
    status = models.CharField(
        max_length=12, choices=ErasureStatus.choices, default=ErasureStatus.REQUESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField("Why the request is refused", blank=True)
    carried_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    carried_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status__in=["requested", "approved"]),
                name="one_open_erasure_request_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"Request to erase person #{self.person_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ERASURE_STATUSES

    @property
    def respond_by(self) -> datetime.date:
        """One calendar month from receipt: the usual time limit to respond."""
        return add_months(self.received_on, 1)
