"""Write operations and rules for payment policies, payment choices and claims.

Nobody is paid for their time before they have read what it can mean for their benefits and
tax and confirmed how they want to be paid. Claims are approved, rejected and paid only by a
finance approver who neither made nor sent the claim (separation of duties), and the rule is
here, not only in the views.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from coproduce.accounts.models import Organisation, Role
from coproduce.accounts.roles import has_role
from coproduce.core import uploads
from coproduce.events.models import Attendance, Attended, EventStatus
from coproduce.notifications.services import Message, send
from coproduce.people.models import ConsentPurpose, Person

from . import calculation
from .models import (
    BENEFITS_INFORMATION_VERSION,
    Claim,
    ClaimItem,
    ClaimStatus,
    ExpenseCategory,
    ExpenseKind,
    InvolvementRate,
    PaymentChoice,
    PaymentMethod,
    PaymentPolicy,
    RateBasis,
    Receipt,
)

# A starting set of expense categories from the involving-people guide ("no one should be
# left out of pocket"). Each organisation edits its own.
DEFAULT_CATEGORIES: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    (
        ExpenseKind.MILEAGE,
        "Mileage",
        "If you drive your own car, give the miles there and back. We pay 45p a mile.",
        {"rate_per_mile": Decimal("0.45")},
    ),
    (
        ExpenseKind.PUBLIC_TRANSPORT,
        "Bus, train or tram",
        "The fare there and back. Keep your ticket or receipt for fares over £10.",
        {"receipt_needed_above": Decimal("10.00")},
    ),
    (
        ExpenseKind.TAXI,
        "Taxi",
        "If you need a taxi, for example because buses are hard for you, tell us why. "
        "Add the receipt.",
        {"receipt_needed_above": Decimal("0.00"), "reason_needed": True},
    ),
    (
        ExpenseKind.CARER_OR_REPLACEMENT_CARE,
        "Carer or replacement care",
        "Care for the person you look after while you take part, or a personal assistant "
        "who comes with you. Add the invoice or receipt.",
        {"receipt_needed_above": Decimal("0.00")},
    ),
    (
        ExpenseKind.CHILDCARE,
        "Childcare",
        "A childminder, nursery or babysitter while you take part. Add the receipt.",
        {"receipt_needed_above": Decimal("0.00")},
    ),
    (
        ExpenseKind.MEALS,
        "Meals",
        "A meal when the activity runs over a mealtime and no food is provided. Up to £10.",
        {"limit_per_claim": Decimal("10.00"), "receipt_needed_above": Decimal("0.00")},
    ),
    (
        ExpenseKind.PHONE_AND_PRINTING,
        "Phone calls and printing",
        "Calls and printing you needed for this activity. Up to £5.",
        {"limit_per_claim": Decimal("5.00")},
    ),
)

MAX_RECEIPT_MEGABYTES = 10
# A receipt is a photo or a PDF; its name must match what the file really is.
RECEIPT_KINDS = {**uploads.PICTURES, ".pdf": uploads.PDF}


# Policy ---------------------------------------------------------------------------------


def payment_policy(organisation: Organisation) -> PaymentPolicy:
    """The organisation's policy; the first time, with the starting expense categories."""
    policy, created = PaymentPolicy.objects.get_or_create(organisation=organisation)
    if created:
        for kind, name, rule, limits in DEFAULT_CATEGORIES:
            ExpenseCategory.objects.create(
                organisation=organisation, policy=policy, kind=kind, name=name, rule=rule, **limits
            )
    return policy


@transaction.atomic
def save_policy(policy: PaymentPolicy, rates: dict[str, Decimal | None]) -> PaymentPolicy:
    """Saves the policy and its hour, half-day and day rates (None removes a rate)."""
    if policy.day_from_hours <= policy.half_day_from_hours:
        raise ValidationError(
            {"day_from_hours": "The day rate must start at more hours than the half-day rate."}
        )
    policy.full_clean()
    policy.save()
    for basis, amount in rates.items():
        set_rate(policy, basis, amount)
    return policy


def set_rate(
    policy: PaymentPolicy, basis: str, amount: Decimal | None, event_kind: str = ""
) -> None:
    if basis == RateBasis.ACTIVITY and not event_kind:
        raise ValidationError({"event_kind": "Choose the kind of activity this rate is for."})
    existing = InvolvementRate.objects.filter(
        policy=policy, basis=basis, event_kind=event_kind
    ).first()
    if amount is None:
        if existing:
            existing.delete()
        return
    rate = existing or InvolvementRate(
        organisation_id=policy.organisation_id, policy=policy, basis=basis, event_kind=event_kind
    )
    if rate.amount != amount:
        rate.amount = amount
        rate.full_clean()
        rate.save()


@transaction.atomic
def save_activity_rate(
    policy: PaymentPolicy, event_kind: str, amount: Decimal | None
) -> PaymentPolicy:
    """A set rate for one kind of activity; no amount removes it."""
    set_rate(policy, RateBasis.ACTIVITY, amount, event_kind)
    return policy


def save_category(category: ExpenseCategory) -> ExpenseCategory:
    if category.kind == ExpenseKind.MILEAGE and category.rate_per_mile is None:
        raise ValidationError({"rate_per_mile": "Enter the rate per mile, for example 0.45."})
    if category.kind != ExpenseKind.MILEAGE and category.rate_per_mile is not None:
        raise ValidationError(
            {"rate_per_mile": "Only mileage has a rate per mile. Leave it empty."}
        )
    category.full_clean()
    category.save()
    return category


def rates_for(policy: PaymentPolicy) -> calculation.Rates:
    found = {(rate.basis, rate.event_kind): rate.amount for rate in policy.rates.all()}
    return calculation.Rates(
        per_hour=found.get((RateBasis.HOUR, "")),
        half_day=found.get((RateBasis.HALF_DAY, "")),
        day=found.get((RateBasis.DAY, "")),
        per_activity={
            kind: amount for (basis, kind), amount in found.items() if basis == RateBasis.ACTIVITY
        },
        half_day_from_hours=policy.half_day_from_hours,
        day_from_hours=policy.day_from_hours,
    )


def category_rule(category: ExpenseCategory) -> calculation.Category:
    return calculation.Category(
        key=str(category.pk),
        name=category.name,
        limit_per_claim=category.limit_per_claim,
        rate_per_mile=category.rate_per_mile,
    )


# Payment choice and the benefits information -------------------------------------------


def benefits_information(policy: PaymentPolicy) -> list[str]:
    """What everyone reads (or is read) before their first payment, in plain words."""
    return [
        "Payments for your time can affect some benefits, such as Universal Credit, "
        "Employment and Support Allowance, Carer's Allowance and Housing Benefit. They may "
        "also count as income for tax.",
        "Expenses we pay back, like bus fares or replacement care, are not income. They "
        "normally do not affect benefits or tax.",
        "You can choose to be paid, to have vouchers, to give the payment to a group or "
        "charity, or not to be paid for your time. We still pay back your expenses whatever "
        "you choose.",
        "If you need to, we can stop paying for your time once you reach a yearly amount. "
        "Tell us the amount and we will keep to it.",
        policy.advice,
        "You can change your choice at any time. Tell us before your next claim.",
    ]


def choice_of(person: Person) -> PaymentChoice | None:
    return PaymentChoice.objects.filter(person=person).first()


@transaction.atomic
def confirm_choice(
    person: Person,
    *,
    method: str,
    by: Any,
    donate_to: str = "",
    annual_cap: Decimal | None = None,
    with_help: bool = False,
) -> PaymentChoice:
    """Records how the person wants to be paid, with the version of the benefits information
    they read. Confirming again replaces the choice (the audit trail keeps the old one)."""
    donate_to = donate_to.strip()
    if method == PaymentMethod.DONATE and not donate_to:
        raise ValidationError({"donate_to": "Enter the name of the group or charity."})
    if method != PaymentMethod.DONATE:
        donate_to = ""
    choice = choice_of(person) or PaymentChoice(
        organisation_id=person.organisation_id, person=person
    )
    choice.method = method
    choice.donate_to = donate_to
    choice.annual_cap = annual_cap
    choice.information_version = BENEFITS_INFORMATION_VERSION
    choice.confirmed_at = timezone.now()
    choice.confirmed_by = by
    choice.confirmed_with_help = with_help
    choice.full_clean()
    choice.save()
    return choice


# Claims ---------------------------------------------------------------------------------


def claimable_attendances(person: Person) -> list[Attendance]:
    """Events the person came to that have no claim yet."""
    return list(
        Attendance.objects.filter(person=person, attended=Attended.PRESENT, claim__isnull=True)
        .exclude(event__status=EventStatus.CANCELLED)
        .select_related("event")
        .order_by("-event__starts_at", "pk")
    )


def hours_at(attendance: Attendance) -> Decimal:
    """Hours counted: those recorded for someone who came late or left early, otherwise the
    event's length."""
    if attendance.hours_attended is not None:
        return attendance.hours_attended
    event = attendance.event
    minutes = int((event.ends_at - event.starts_at).total_seconds() // 60)
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def tax_year_start(day: datetime.date) -> datetime.date:
    """UK tax years start on 6 April; yearly caps follow them."""
    start = datetime.date(day.year, 4, 6)
    return start if day >= start else datetime.date(day.year - 1, 4, 6)


def paid_for_time_in_year(
    person: Person, day: datetime.date, statuses: Sequence[str], exclude_pk: int | None = None
) -> Decimal:
    start = tax_year_start(day)
    end = datetime.date(start.year + 1, 4, 6)
    claims = Claim.objects.filter(
        person=person,
        status__in=statuses,
        attendance__event__starts_at__date__gte=start,
        attendance__event__starts_at__date__lt=end,
    )
    if exclude_pk:
        claims = claims.exclude(pk=exclude_pk)
    total = claims.aggregate(total=Sum("involvement_amount"))["total"]
    return total or calculation.ZERO


@dataclass
class ItemInput:
    """One expense as the claimant entered it."""

    category: ExpenseCategory
    description: str
    amount: Decimal = calculation.ZERO
    miles: Decimal | None = None
    why_needed: str = ""
    receipt: UploadedFile | None = None


def _event_day(attendance: Attendance) -> datetime.date:
    return timezone.localtime(attendance.event.starts_at).date()


def work_out(
    person: Person,
    attendance: Attendance,
    items: Sequence[ItemInput],
    choice: PaymentChoice | None,
    counted: Sequence[str],
    exclude_pk: int | None = None,
) -> calculation.Outcome:
    """What the claim is worth under the policy, the person's choice and their yearly cap
    (counting their other claims in `counted` statuses)."""
    policy = payment_policy(attendance.organisation)
    cap_left = None
    if choice is not None and choice.annual_cap is not None:
        used = paid_for_time_in_year(person, _event_day(attendance), counted, exclude_pk)
        cap_left = choice.annual_cap - used
    return calculation.calculate(
        rates_for(policy),
        hours=hours_at(attendance),
        activity=attendance.event.kind,
        items=[
            calculation.Item(category_rule(item.category), item.amount, item.miles)
            for item in items
        ],
        paid_for_time=choice is None or choice.paid_for_time,
        cap_left=cap_left,
    )


def expected_payment(person: Person, attendance: Attendance) -> calculation.Outcome:
    """The involvement payment a claim for this attendance would bring, before claiming."""
    return work_out(person, attendance, [], choice_of(person), _NOT_REJECTED)


_NOT_REJECTED = (ClaimStatus.SUBMITTED, ClaimStatus.APPROVED, ClaimStatus.PAID)


def check_receipt(upload: UploadedFile) -> str:
    """The receipt's real type, if it is a photo (JPG or PNG) or a PDF of a sensible size
    whose name matches what it is."""
    kind = uploads.check_upload(
        upload, RECEIPT_KINDS, max_megabytes=MAX_RECEIPT_MEGABYTES, what="receipt"
    )
    return kind.content_type


def _check_items(policy: PaymentPolicy, items: Sequence[ItemInput]) -> dict[int, str]:
    """Checks every item; returns the receipts' types by item position."""
    errors: list[str] = []
    types: dict[int, str] = {}
    for number, item in enumerate(items, start=1):
        category = item.category
        if category.policy_id != policy.pk or not category.active:
            errors.append(f"Expense {number}: choose one of the kinds of expense listed.")
            continue
        if not item.description.strip():
            errors.append(f"Expense {number}: say what it was for, for example “bus fare”.")
        if category.rate_per_mile is not None:
            if not item.miles or item.miles <= 0:
                errors.append(f"Expense {number}: enter the miles you drove, there and back.")
            amount = calculation.pounds((item.miles or 0) * category.rate_per_mile)
        else:
            if item.amount <= 0:
                errors.append(f"Expense {number}: enter the amount you paid, for example 4.50.")
            amount = item.amount
        if category.reason_needed and not item.why_needed.strip():
            errors.append(f"Expense {number}: say why you needed a {category.name.lower()}.")
        needed_above = category.receipt_needed_above
        if item.receipt is None:
            if needed_above is not None and amount > needed_above:
                errors.append(
                    f"Expense {number}: add the receipt. We need one for {category.name.lower()}"
                    + (f" over £{needed_above:,.2f}." if needed_above else ".")
                )
            continue
        try:
            types[number] = check_receipt(item.receipt)
        except ValidationError as error:
            errors.extend(f"Expense {number}: {message}" for message in error.messages)
    if errors:
        raise ValidationError(errors)
    return types


@transaction.atomic
def submit_claim(
    person: Person,
    attendance: Attendance,
    items: Sequence[ItemInput],
    *,
    by: Any,
    on_behalf: bool,
) -> Claim:
    """Records a claim for one event the person came to, worked out under the policy."""
    choice = choice_of(person)
    if choice is None:
        raise ValidationError(
            "First read the information about benefits and tax, and confirm how you want to "
            "be paid."
        )
    if attendance.person_id != person.pk or attendance.attended != Attended.PRESENT:
        raise ValidationError({"attendance": "Choose an event you came to."})
    if Claim.objects.filter(attendance=attendance).exists():
        raise ValidationError({"attendance": "There is already a claim for this event."})
    policy = payment_policy(person.organisation)
    types = _check_items(policy, items)
    outcome = work_out(person, attendance, items, choice, _NOT_REJECTED)
    claim = Claim.objects.create(
        organisation_id=person.organisation_id,
        person=person,
        attendance=attendance,
        submitted_by=by,
        on_behalf=on_behalf,
        submitted_at=timezone.now(),
        hours=hours_at(attendance),
        involvement_amount=outcome.involvement,
        involvement_reason=outcome.involvement_reason,
        expenses_amount=outcome.expenses,
        total=outcome.total,
    )
    for number, (item, result) in enumerate(zip(items, outcome.items, strict=True), start=1):
        saved = ClaimItem.objects.create(
            organisation_id=claim.organisation_id,
            claim=claim,
            category=item.category,
            description=item.description.strip(),
            why_needed=item.why_needed.strip(),
            miles=item.miles if item.category.rate_per_mile is not None else None,
            amount_claimed=result.claimed,
            amount_allowed=result.allowed,
            reason=result.reason,
        )
        if item.receipt is not None:
            Receipt.objects.create(
                organisation_id=claim.organisation_id,
                item=saved,
                file=item.receipt,
                original_name=(item.receipt.name or "receipt")[-200:],
                content_type=types[number],
                size=item.receipt.size or 0,
            )
    return claim


def check_separation(claim: Claim, by: Any) -> None:
    """Only a finance approver, and never the person claiming or whoever sent the claim."""
    if not has_role(by, claim.organisation_id, Role.FINANCE_APPROVER):
        raise ValidationError("Only a finance approver can do this.")
    if by.pk == claim.submitted_by_id or (claim.person.user_id and by.pk == claim.person.user_id):
        raise ValidationError(
            "You made or sent this claim, so another finance approver must check it."
        )


@transaction.atomic
def approve(claim: Claim, by: Any) -> Claim:
    claim = Claim.objects.select_for_update().select_related("person").get(pk=claim.pk)
    check_separation(claim, by)
    if claim.status != ClaimStatus.SUBMITTED:
        raise ValidationError("Only a claim waiting for approval can be approved.")
    choice = choice_of(claim.person)
    if choice is None:
        raise ValidationError(
            "This person has not confirmed how they want to be paid. Ask them to read the "
            "benefits information and confirm their choice first."
        )
    # The time is worked out again: the person may have changed their choice or yearly limit
    # since, or other claims may have been approved against the same limit.
    # Expenses stay as worked out when the claim was sent.
    outcome = work_out(
        claim.person,
        claim.attendance,
        [],
        choice,
        (ClaimStatus.APPROVED, ClaimStatus.PAID),
        exclude_pk=claim.pk,
    )
    claim.hours = hours_at(claim.attendance)
    claim.involvement_amount = outcome.involvement
    claim.involvement_reason = outcome.involvement_reason
    claim.total = claim.involvement_amount + claim.expenses_amount
    claim.payment_method = choice.method
    claim.donate_to = choice.donate_to
    claim.status = ClaimStatus.APPROVED
    claim.approved_by = by
    claim.approved_at = timezone.now()
    claim.save()
    _tell(claim, "approved", by)
    return claim


@transaction.atomic
def reject(claim: Claim, by: Any, reason: str) -> Claim:
    claim = Claim.objects.select_for_update().select_related("person").get(pk=claim.pk)
    check_separation(claim, by)
    if claim.status != ClaimStatus.SUBMITTED:
        raise ValidationError("Only a claim waiting for approval can be turned down.")
    if not reason.strip():
        raise ValidationError(
            {"reason": "Say why the claim is not approved: the person will be told."}
        )
    claim.status = ClaimStatus.REJECTED
    claim.rejection_reason = reason.strip()
    claim.rejected_by = by
    claim.rejected_at = timezone.now()
    claim.save()
    _tell(claim, "rejected", by)
    return claim


@transaction.atomic
def mark_paid(claim: Claim, by: Any, reference: str, paid_on: datetime.date) -> Claim:
    claim = Claim.objects.select_for_update().select_related("person").get(pk=claim.pk)
    check_separation(claim, by)
    if claim.status != ClaimStatus.APPROVED:
        raise ValidationError("Only an approved claim can be marked as paid.")
    errors = {}
    if not reference.strip():
        errors["reference"] = "Enter the payment reference from the finance system."
    if paid_on > timezone.localdate():
        errors["paid_on"] = "The date paid cannot be in the future."
    elif claim.approved_at and paid_on < timezone.localtime(claim.approved_at).date():
        errors["paid_on"] = "The date paid cannot be before the claim was approved."
    if errors:
        raise ValidationError(errors)
    claim.status = ClaimStatus.PAID
    claim.paid_reference = reference.strip()
    claim.paid_on = paid_on
    claim.paid_by = by
    claim.save()
    _tell(claim, "paid", by)
    return claim


def claim_message(claim: Claim, what: str) -> Message:
    event = claim.attendance.event
    when = f"{timezone.localtime(event.starts_at):%-d %B %Y}"
    about = f"your claim {claim.reference} for “{event.title}” on {when}"
    if what == "approved":
        body = (
            f"We have approved {about}. We will pay £{claim.total:,.2f}: "
            f"£{claim.involvement_amount:,.2f} for your time and £{claim.expenses_amount:,.2f} "
            "for expenses."
        )
        return Message(subject="Your claim is approved", body=body)
    if what == "rejected":
        body = (
            f"We have not approved {about}.\n\nThe reason: {claim.rejection_reason}\n\n"
            "If you think this is wrong, or want help to claim again, contact the "
            "involvement team."
        )
        return Message(subject="Your claim was not approved", body=body)
    body = (
        f"We have paid {about}: £{claim.total:,.2f}, on {claim.paid_on:%-d %B %Y}. "
        f"The payment reference is {claim.paid_reference}."
    )
    return Message(subject="Your claim is paid", body=body)


def _tell(claim: Claim, what: str, by: Any) -> None:
    send(
        claim.person,
        claim_message(claim, what),
        purpose=ConsentPurpose.CONTACT,
        key=f"claim:{claim.pk}:{what}",
        topic=f"claim:{claim.pk}",
        sent_by=by,
    )
