"""Claims and payment choices follow the person: merges move them, pseudonymisation keeps the
financial record but not what the person wrote, and subject access lists them."""

from decimal import Decimal

import pytest

from coproduce.accounts.models import Role
from coproduce.dataprotection import export
from coproduce.dataprotection.services import pseudonymise_person
from coproduce.payments import services
from coproduce.payments.models import Claim, ExpenseKind, PaymentChoice, PaymentMethod
from coproduce.people.services import merge_people
from coproduce.testing.factories import member

from .factories import PDF, a_method, confirm, make_claim, make_participant, make_policy, receipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def method():  # type: ignore[no-untyped-def]
    method = a_method()
    make_policy(method.organisation)
    return method


def _taxi(method, description: str, why: str) -> services.ItemInput:  # type: ignore[no-untyped-def]
    category = services.payment_policy(method.organisation).expense_categories.get(
        kind=ExpenseKind.TAXI
    )
    return services.ItemInput(
        category, description, Decimal("12"), why_needed=why, receipt=receipt("t.pdf", PDF)
    )


def test_merging_moves_claims_and_keeps_one_choice(method) -> None:
    keep = make_participant(method.organisation)
    duplicate = make_participant(method.organisation)
    confirm(keep, PaymentMethod.VOUCHER)
    claim = make_claim(duplicate, method=method)  # confirms the duplicate's choice too
    merge_people(keep, duplicate)
    assert Claim.objects.get(pk=claim.pk).person == keep
    assert list(PaymentChoice.objects.values_list("person", "method")) == [
        (keep.pk, PaymentMethod.VOUCHER)
    ]
    other = make_participant(method.organisation)
    confirm(other, PaymentMethod.DECLINE)
    fresh = make_participant(method.organisation)
    merge_people(fresh, other)
    moved = services.choice_of(fresh)
    assert moved is not None and moved.method == PaymentMethod.DECLINE


def test_pseudonymisation_keeps_the_financial_record_only(method) -> None:
    person = make_participant(method.organisation)
    claim = make_claim(person, method=method, items=[_taxi(method, "To my clinic", "My knee")])
    finance = member(method.organisation, Role.FINANCE_APPROVER)
    services.reject(claim, finance, "You were at the clinic, not the event")
    pseudonymise_person(person)
    claim.refresh_from_db()
    item = claim.items.get()
    assert (item.description, item.why_needed) == ("Taxi", "")
    assert claim.rejection_reason == ""
    assert claim.total == Decimal("52.00") and item.amount_allowed == Decimal("12.00")
    assert item.receipt.file.name  # the evidence for the accounts stays


def test_subject_access_lists_claims_and_the_choice(method) -> None:
    person = make_participant(method.organisation)
    claim = make_claim(person, method=method, items=[_taxi(method, "Taxi there", "Icy")])
    built = export.build_export(person, member(method.organisation, Role.FACILITATOR))
    sections = {section.key: section for section in built.sections}
    record = sections["claims"].records[0]
    assert record["claim"] == claim.reference
    assert record["expenses"] == "Taxi: Taxi there, £12.00"
    assert sections["payment_choice"].records[0]["choice"] == "Be paid"
