"""Paying people for their time and paying back what taking part cost them.

Words from the seeds: involvement payments (for time) and out-of-pocket expenses (travel,
replacement care, childcare...); payments can affect benefits and tax, expenses normally do
not; people choose to be paid, take vouchers, give the money to a group, or decline; pay
promptly, in the way that suits the person.
"""

from decimal import Decimal
from pathlib import Path
from uuid import uuid4

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from coproduce.accounts.models import Organisation
from coproduce.audit.models import Audited
from coproduce.events.models import Attendance, EventKind
from coproduce.people.models import Person
from coproduce.projects.models import money_field


class PaymentPolicy(Audited):
    """One organisation's payment policy: how it pays for time and how quickly."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="payment_policy"
    )
    paid_within_days = models.PositiveSmallIntegerField(
        "Pay claims within this many days",
        default=14,
        help_text="Claims not paid this many days after they were sent are listed as overdue.",
    )
    half_day_from_hours = models.DecimalField(
        "Pay the half-day rate from this many hours",
        max_digits=4,
        decimal_places=2,
        default=Decimal("3"),
        validators=[MinValueValidator(Decimal("0.25"))],
        help_text="Shorter activities are paid by the hour.",
    )
    day_from_hours = models.DecimalField(
        "Pay the day rate from this many hours",
        max_digits=4,
        decimal_places=2,
        default=Decimal("5"),
        validators=[MinValueValidator(Decimal("0.25"))],
    )
    advice = models.TextField(
        "Where to get advice about benefits and tax",
        default=(
            "Citizens Advice (citizensadvice.org.uk, or call 0800 144 8848), your Jobcentre Plus "
            "work coach or the DWP, or the council's welfare rights team can tell you how a "
            "payment could affect you before you decide."
        ),
    )

    class Meta:
        verbose_name_plural = "payment policies"

    def __str__(self) -> str:
        return f"Payment policy of {self.organisation}"


class RateBasis(models.TextChoices):
    HOUR = "hour", "Per hour"
    HALF_DAY = "half_day", "Per half day"
    DAY = "day", "Per day"
    ACTIVITY = "activity", "Per activity of one kind"


class InvolvementRate(Audited):
    """A rate for people's time. Activity rates are for one kind of event and replace the
    others for it (an evaluation day, say, paid the same however long it runs)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    policy = models.ForeignKey(PaymentPolicy, on_delete=models.CASCADE, related_name="rates")
    basis = models.CharField(max_length=10, choices=RateBasis.choices)
    event_kind = models.CharField(
        "Kind of activity", max_length=20, choices=EventKind.choices, blank=True
    )
    amount = money_field()

    class Meta:
        ordering = ["basis", "event_kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "basis", "event_kind"], name="payments_one_rate_per_basis"
            )
        ]

    def __str__(self) -> str:
        kind = f" ({self.get_event_kind_display()})" if self.event_kind else ""
        return f"{self.get_basis_display()}{kind}: £{self.amount:,.2f}"


class ExpenseKind(models.TextChoices):
    MILEAGE = "mileage", "Mileage in your own car"
    PUBLIC_TRANSPORT = "public_transport", "Bus, train or tram"
    TAXI = "taxi", "Taxi"
    CARER_OR_REPLACEMENT_CARE = "carer_or_replacement_care", "Carer or replacement care"
    CHILDCARE = "childcare", "Childcare"
    MEALS = "meals", "Meals"
    PHONE_AND_PRINTING = "phone_and_printing", "Phone calls and printing"
    OTHER = "other", "Other"


class ExpenseCategory(Audited):
    """A kind of expense people can claim, with the rule they read before claiming."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    policy = models.ForeignKey(
        PaymentPolicy, on_delete=models.CASCADE, related_name="expense_categories"
    )
    kind = models.CharField(max_length=30, choices=ExpenseKind.choices)
    name = models.CharField(max_length=100)
    rule = models.TextField(
        "What we pay", help_text="Shown to people when they claim. Use plain words."
    )
    limit_per_claim = models.DecimalField(
        "Most we pay in one claim",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Leave empty for no limit.",
    )
    rate_per_mile = models.DecimalField(
        "Rate per mile",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="For mileage: people give the miles and we work out the amount.",
    )
    receipt_needed_above = models.DecimalField(
        "A receipt is needed above",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Leave empty if no receipt is ever needed. Enter 0 to need one every time.",
    )
    reason_needed = models.BooleanField(
        "Ask why it was needed",
        default=False,
        help_text="For example a taxi: say why public transport would not do.",
    )
    active = models.BooleanField("People can claim this", default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "expense categories"

    def __str__(self) -> str:
        return self.name


class PaymentMethod(models.TextChoices):
    PAYMENT = "payment", "Be paid"
    VOUCHER = "voucher", "Have vouchers instead"
    DONATE = "donate", "Give the payment to a group or charity"
    DECLINE = "decline", "Do not pay me for my time (expenses only)"


# Each change to the benefits and tax information gets a new version, so that what a person
# confirmed can be shown later.
BENEFITS_INFORMATION_VERSION = "2026-11"


class PaymentChoice(Audited):
    """How a person wants to be paid, confirmed after reading the benefits information."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="payment_choice")
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    donate_to = models.CharField("Group or charity to give it to", max_length=200, blank=True)
    annual_cap = models.DecimalField(
        "Most to pay for time in a year",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="For people whose benefits could be affected. Expenses are not counted.",
    )
    information_version = models.CharField(max_length=20)
    confirmed_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_with_help = models.BooleanField("Confirmed with a facilitator's help", default=False)

    def __str__(self) -> str:
        return f"Payment choice of person #{self.person_id}"

    @property
    def paid_for_time(self) -> bool:
        return self.method != PaymentMethod.DECLINE


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for approval"
    APPROVED = "approved", "Approved, waiting to be paid"
    REJECTED = "rejected", "Not approved"
    PAID = "paid", "Paid"


class Claim(Audited):
    """A claim for taking part in one event: the involvement payment and expenses."""

    # A reason for not approving can touch on someone's circumstances.
    audit_exclude = frozenset({"rejection_reason"})

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="claims")
    attendance = models.OneToOneField(Attendance, on_delete=models.PROTECT, related_name="claim")
    status = models.CharField(
        max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf = models.BooleanField("Sent by staff for the person", default=False)
    submitted_at = models.DateTimeField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    involvement_amount = money_field()
    involvement_reason = models.CharField(max_length=300)
    expenses_amount = money_field()
    total = money_field()
    # The person's choice when the claim was approved: what finance pays, and how.
    payment_method = models.CharField(max_length=10, choices=PaymentMethod.choices, blank=True)
    donate_to = models.CharField(max_length=200, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    paid_reference = models.CharField("Payment reference", max_length=100, blank=True)
    paid_on = models.DateField("Date paid", null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["submitted_at", "pk"]
        indexes = [
            models.Index(fields=["organisation", "submitted_at"]),
            models.Index(fields=["organisation", "status", "submitted_at"]),
            models.Index(fields=["organisation", "approved_at"]),
            models.Index(fields=["organisation", "paid_on"]),
        ]

    def __str__(self) -> str:
        return f"Claim {self.reference}"

    @property
    def reference(self) -> str:
        return f"C{self.pk:06d}"


class ClaimItem(Audited):
    """One expense in a claim: what was claimed, what is paid, and why if less."""

    # What was bought and why can describe someone's health or care.
    audit_exclude = frozenset({"description", "why_needed"})

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="items")
    category = models.ForeignKey(ExpenseCategory, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200)
    why_needed = models.CharField(max_length=300, blank=True)
    miles = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    amount_claimed = money_field()
    amount_allowed = money_field()
    reason = models.CharField("Why the amount paid differs", max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description


def receipt_path(receipt: "Receipt", filename: str) -> str:
    # Under MEDIA_ROOT/private, which is never served: only the permission-checked view reads
    # it. The name people gave the file is kept in the record, never in the path.
    return (
        f"private/receipts/{receipt.organisation_id}/{uuid4().hex}{Path(filename).suffix.lower()}"
    )


class Receipt(Audited):
    audit_exclude = frozenset({"original_name"})

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    item = models.OneToOneField(ClaimItem, on_delete=models.CASCADE, related_name="receipt")
    file = models.FileField(upload_to=receipt_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name
