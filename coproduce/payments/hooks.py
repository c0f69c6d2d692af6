"""How claims and payment choices follow what happens to a person elsewhere.

- A merge moves claims to the record kept, and keeps one payment choice (the kept record's
  own, if it has one).
- Pseudonymisation keeps the financial record: what was paid, when, how and for which event
  must stay for the accounts (a legal obligation, kept for the retention period), and so do
  receipts, which are the evidence for each payment. What the person wrote beyond what
  finance needs goes: what each expense was for becomes its kind, and why it was needed and
  any reason a claim was turned down are emptied.
- Subject access lists their claims, each expense, and their payment choice.
"""

from typing import Any

from coproduce.dataprotection.export import Source, Subject, register
from coproduce.dataprotection.services import register_pseudonymiser
from coproduce.people import services as people_services
from coproduce.people.models import Person

from .models import Claim, ClaimItem, PaymentChoice


def _merged(keep: Person, duplicate: Person) -> None:
    for claim in Claim.objects.filter(person=duplicate):
        claim.person = keep
        claim.save()
    theirs = PaymentChoice.objects.filter(person=duplicate).first()
    if theirs is None:
        return
    if PaymentChoice.objects.filter(person=keep).exists():
        theirs.delete()
    else:
        theirs.person = keep
        theirs.save()


def _pseudonymised(person: Person, erasure: bool) -> None:
    for item in ClaimItem.objects.filter(claim__person=person).select_related("category"):
        if item.description != item.category.name or item.why_needed:
            item.description = item.category.name
            item.why_needed = ""
            item.save()
    for claim in Claim.objects.filter(person=person).exclude(rejection_reason=""):
        claim.rejection_reason = ""
        claim.save()


def collect_claims(subject: Subject) -> list[dict[str, Any]]:
    claims = (
        Claim.objects.filter(person_id__in=subject.person_ids)
        .select_related("attendance__event")
        .prefetch_related("items__category")
        .order_by("submitted_at")
    )
    return [
        {
            "claim": claim.reference,
            "event": claim.attendance.event.title,
            "sent": claim.submitted_at,
            "status": claim.get_status_display(),
            "for_time": f"£{claim.involvement_amount:,.2f} ({claim.involvement_reason})",
            "expenses": "; ".join(
                f"{item.category.name}: {item.description}, £{item.amount_allowed:,.2f}"
                + (f" ({item.reason})" if item.reason else "")
                for item in claim.items.all()
            ),
            "total": f"£{claim.total:,.2f}",
            "reason_not_approved": claim.rejection_reason,
            "paid": claim.paid_on,
            "payment_reference": claim.paid_reference,
        }
        for claim in claims
    ]


def collect_choice(subject: Subject) -> list[dict[str, Any]]:
    return [
        {
            "choice": choice.get_method_display(),
            "given_to": choice.donate_to,
            "yearly_limit_for_time": choice.annual_cap,
            "benefits_information_confirmed": choice.confirmed_at,
            "information_version": choice.information_version,
            "with_a_facilitator's_help": choice.confirmed_with_help,
        }
        for choice in PaymentChoice.objects.filter(person_id__in=subject.person_ids)
    ]


def connect() -> None:
    people_services.on_merge(_merged)
    register_pseudonymiser(_pseudonymised)
    register(
        Source(
            "claims",
            "Claims for payments and expenses",
            collect_claims,
            permission="payments.view_claim",
            audit_models=("payments.claim", "payments.claimitem"),
            order=76,
        )
    )
    register(
        Source(
            "payment_choice",
            "How they want to be paid",
            collect_choice,
            permission="payments.view_claim",
            audit_models=("payments.paymentchoice",),
            order=77,
        )
    )
