import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coproduce.accounts.models import Role
from coproduce.audit.models import AuditEvent
from coproduce.events.models import EventKind, SupportArrangement
from coproduce.notifications.models import Delivery
from coproduce.payments import selectors, services
from coproduce.payments.models import (
    BENEFITS_INFORMATION_VERSION,
    Claim,
    ClaimStatus,
    ExpenseKind,
    PaymentMethod,
    RateBasis,
)
from coproduce.projects.models import BudgetCategory
from coproduce.testing.factories import make_budget_line, make_person, member

from .factories import (
    PDF,
    PNG,
    a_method,
    confirm,
    make_attendance,
    make_claim,
    make_event,
    make_participant,
    make_policy,
    receipt,
)

pytestmark = pytest.mark.django_db
D = Decimal


def _category(organisation, kind):  # type: ignore[no-untyped-def]
    return services.payment_policy(organisation).expense_categories.get(kind=kind)


@pytest.fixture
def method():  # type: ignore[no-untyped-def]
    return a_method()


@pytest.fixture
def person(method):  # type: ignore[no-untyped-def]
    make_policy(method.organisation)
    return make_participant(method.organisation)


@pytest.fixture
def finance(method):  # type: ignore[no-untyped-def]
    return member(method.organisation, Role.FINANCE_APPROVER)


def test_a_new_policy_has_the_starting_expense_categories(method) -> None:
    policy = services.payment_policy(method.organisation)
    kinds = set(policy.expense_categories.values_list("kind", flat=True))
    assert kinds == set(ExpenseKind.values) - {ExpenseKind.OTHER}
    mileage = policy.expense_categories.get(kind=ExpenseKind.MILEAGE)
    assert mileage.rate_per_mile == D("0.45")
    assert services.payment_policy(method.organisation) == policy  # the same one again


def test_policy_rates_are_saved_changed_and_removed(method) -> None:
    policy = make_policy(method.organisation, per_hour="20.00", half_day="60.00", day=None)
    assert services.rates_for(policy).day is None
    services.save_policy(policy, {RateBasis.HOUR: D("22.50"), RateBasis.HALF_DAY: None})
    rates = services.rates_for(policy)
    assert rates.per_hour == D("22.50") and rates.half_day is None
    services.save_activity_rate(policy, EventKind.EVALUATION_DAY, D("120.00"))
    assert services.rates_for(policy).per_activity == {EventKind.EVALUATION_DAY: D("120.00")}
    policy.day_from_hours = D("2")
    with pytest.raises(ValidationError) as error:
        services.save_policy(policy, {})
    assert "day_from_hours" in error.value.message_dict


def test_mileage_category_needs_a_rate_and_others_must_not_have_one(method) -> None:
    bus = _category(method.organisation, ExpenseKind.PUBLIC_TRANSPORT)
    bus.rate_per_mile = D("0.45")
    with pytest.raises(ValidationError):
        services.save_category(bus)
    mileage = _category(method.organisation, ExpenseKind.MILEAGE)
    mileage.rate_per_mile = None
    with pytest.raises(ValidationError):
        services.save_category(mileage)


def test_no_claim_before_the_benefits_information_is_confirmed(method, person) -> None:
    attendance = make_attendance(make_event(method), person)
    with pytest.raises(ValidationError, match="benefits and tax"):
        services.submit_claim(person, attendance, [], by=person.user, on_behalf=False)
    assert not Claim.objects.exists()
    choice = confirm(person)
    assert choice.information_version == BENEFITS_INFORMATION_VERSION
    assert choice.confirmed_by == person.user and not choice.confirmed_with_help
    claim = services.submit_claim(person, attendance, [], by=person.user, on_behalf=False)
    assert claim.status == ClaimStatus.SUBMITTED


def test_donating_needs_the_group_and_other_choices_drop_it(person) -> None:
    with pytest.raises(ValidationError) as error:
        confirm(person, PaymentMethod.DONATE)
    assert "donate_to" in error.value.message_dict
    choice = confirm(person, PaymentMethod.DONATE, donate_to="Northshire Carers")
    assert choice.donate_to == "Northshire Carers"
    choice = confirm(person, PaymentMethod.VOUCHER, donate_to="Northshire Carers")
    assert choice.donate_to == "" and choice.method == PaymentMethod.VOUCHER


def test_a_claim_is_worked_out_from_attendance_and_the_policy(method, person) -> None:
    confirm(person)
    event = make_event(method, hours=6)
    late = make_attendance(event, person, hours_attended="1.75")
    bus = _category(method.organisation, ExpenseKind.PUBLIC_TRANSPORT)
    mileage = _category(method.organisation, ExpenseKind.MILEAGE)
    meals = _category(method.organisation, ExpenseKind.MEALS)
    claim = services.submit_claim(
        person,
        late,
        [
            services.ItemInput(bus, "Bus there", D("3.20")),
            services.ItemInput(mileage, "Drive back", miles=D("10.5")),
            services.ItemInput(meals, "Lunch", D("12.00"), receipt=receipt("lunch.png", PNG)),
        ],
        by=person.user,
        on_behalf=False,
    )
    # 1.75 hours at £20 (came late): £35; bus £3.20; 10.5 miles at 45p = £4.725 → £4.73;
    # lunch capped at the £10 limit
    assert claim.hours == D("1.75")
    assert claim.involvement_amount == D("35.00")
    items = list(claim.items.order_by("pk"))
    assert [i.amount_allowed for i in items] == [D("3.20"), D("4.73"), D("10.00")]
    assert items[2].reason == "Paid up to the limit of £10.00 a claim for meals."
    assert claim.expenses_amount == D("17.93") and claim.total == D("52.93")
    saved = items[2].receipt
    assert saved.content_type == "image/png" and saved.original_name == "lunch.png"
    stored = str(saved.file.name)
    assert stored.startswith(f"private/receipts/{claim.organisation_id}/")
    assert "lunch" not in stored
    with pytest.raises(ValidationError, match="already a claim"):
        services.submit_claim(person, late, [], by=person.user, on_behalf=False)


def test_receipts_and_reasons_are_checked(method, person) -> None:
    confirm(person)
    attendance = make_attendance(make_event(method), person)
    taxi = _category(method.organisation, ExpenseKind.TAXI)
    bus = _category(method.organisation, ExpenseKind.PUBLIC_TRANSPORT)

    def submit(*items: services.ItemInput) -> Claim:
        return services.submit_claim(person, attendance, items, by=person.user, on_behalf=False)

    with pytest.raises(ValidationError) as error:
        submit(services.ItemInput(taxi, "Taxi home", D("14.00")))
    assert error.value.messages == [
        "Expense 1: say why you needed a taxi.",
        "Expense 1: add the receipt. We need one for taxi.",
    ]
    with pytest.raises(ValidationError, match=r"over £10\.00"):
        submit(services.ItemInput(bus, "Train", D("10.01")))
    with pytest.raises(ValidationError, match="does not look like a JPG file"):
        # A PDF's content with a photo's name: the name must match what the file is.
        submit(services.ItemInput(bus, "Train", D("12.00"), receipt=receipt("t.jpg", PDF)))
    with pytest.raises(ValidationError, match="does not look like a PDF file"):
        submit(services.ItemInput(bus, "Train", D("12.00"), receipt=receipt("t.pdf", b"MZ...")))
    big = receipt("t.pdf", PDF + b"0" * services.MAX_RECEIPT_MEGABYTES * 1024 * 1024)
    with pytest.raises(ValidationError, match="the largest we can take is 10 MB"):
        submit(services.ItemInput(bus, "Train", D("12.00"), receipt=big))
    assert not Claim.objects.exists()
    claim = submit(
        services.ItemInput(
            taxi, "Taxi", D("14.00"), why_needed="No buses", receipt=receipt("t.pdf", PDF)
        ),
        services.ItemInput(bus, "Bus", D("9.99")),
    )
    assert claim.total == D("40.00") + D("23.99")


def test_other_organisations_categories_cannot_be_claimed(method, person) -> None:
    confirm(person)
    other = a_method()
    stranger = _category(other.organisation, ExpenseKind.PUBLIC_TRANSPORT)
    attendance = make_attendance(make_event(method), person)
    with pytest.raises(ValidationError, match="kinds of expense listed"):
        services.submit_claim(
            person,
            attendance,
            [services.ItemInput(stranger, "Bus", D("2"))],
            by=person.user,
            on_behalf=False,
        )


def test_separation_of_duties(method, person, finance) -> None:
    # A finance approver who is also the claimant cannot approve their own claim.
    claimant_approver = member(method.organisation, Role.FINANCE_APPROVER)
    own = make_person(method.organisation, user=claimant_approver)
    own_claim = make_claim(own, method=method, by=claimant_approver)
    with pytest.raises(ValidationError, match="another finance approver"):
        services.approve(own_claim, claimant_approver)
    # Nor can one who sent a claim for someone else.
    sent_for = make_claim(person, method=method, by=finance)
    assert sent_for.on_behalf
    with pytest.raises(ValidationError, match="another finance approver"):
        services.reject(sent_for, finance, "No receipt")
    # Someone without the finance role cannot, whatever else they may do.
    facilitator = member(method.organisation, Role.FACILITATOR)
    administrator = member(method.organisation, Role.ADMINISTRATOR)
    for user in (facilitator, administrator):
        with pytest.raises(ValidationError, match="Only a finance approver"):
            services.approve(sent_for, user)
    approved = services.approve(own_claim, finance)
    assert approved.status == ClaimStatus.APPROVED and approved.approved_by == finance
    with pytest.raises(ValidationError, match="another finance approver"):
        services.mark_paid(approved, claimant_approver, "BACS-1", timezone.localdate())


def test_approving_needs_a_confirmed_choice_and_applies_the_current_one(
    method, person, finance
) -> None:
    claim = make_claim(person, method=method, hours=3)
    assert claim.involvement_amount == D("60.00")
    person.payment_choice.delete()
    with pytest.raises(ValidationError, match="not confirmed how they want to be paid"):
        services.approve(claim, finance)
    confirm(person, PaymentMethod.DECLINE)
    claim = services.approve(claim, finance)
    assert claim.involvement_amount == D("0.00") and claim.total == claim.expenses_amount
    assert claim.payment_method == PaymentMethod.DECLINE


def test_the_yearly_cap_counts_earlier_claims(method, person, finance) -> None:
    confirm(person, cap="100.00")
    first = make_claim(person, method=method, hours=6)  # the day rate, £100
    second = make_claim(person, method=method, hours=2)  # £40, but nothing is left
    assert first.involvement_amount == D("100.00")
    assert second.involvement_amount == D("0.00")
    assert "yearly limit" in second.involvement_reason
    services.reject(first, finance, "Wrong event")
    # At approval only approved and paid claims count: the rejected one no longer does.
    second = services.approve(second, finance)
    assert second.involvement_amount == D("40.00")


def test_reject_needs_a_reason_and_tells_the_person(method, person, finance) -> None:
    claim = make_claim(person, method=method)
    with pytest.raises(ValidationError) as error:
        services.reject(claim, finance, "  ")
    assert "reason" in error.value.message_dict
    services.reject(claim, finance, "The event was cancelled.")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    delivery = Delivery.objects.get(key=f"claim:{claim.pk}:rejected")
    assert "The event was cancelled." in delivery.body
    with pytest.raises(ValidationError):
        services.approve(claim, finance)


def test_approve_and_pay_tell_the_person_once_each(method, person, finance) -> None:
    claim = make_claim(person, method=method)
    with pytest.raises(ValidationError, match="Only an approved claim"):
        services.mark_paid(claim, finance, "BACS-1", timezone.localdate())
    services.approve(claim, finance)
    with pytest.raises(ValidationError) as error:
        services.mark_paid(claim, finance, "", timezone.localdate() + datetime.timedelta(days=1))
    assert set(error.value.message_dict) == {"reference", "paid_on"}
    paid = services.mark_paid(claim, finance, "BACS-123", timezone.localdate())
    assert paid.status == ClaimStatus.PAID and paid.paid_by == finance
    keys = set(Delivery.objects.filter(person=person).values_list("key", flat=True))
    assert keys == {f"claim:{claim.pk}:approved", f"claim:{claim.pk}:paid"}
    assert "BACS-123" in Delivery.objects.get(key=f"claim:{claim.pk}:paid").body


def test_changes_are_audited_without_personal_text(method, person, finance) -> None:
    bus = _category(method.organisation, ExpenseKind.PUBLIC_TRANSPORT)
    claim = make_claim(
        person,
        method=method,
        items=[services.ItemInput(bus, "Bus to my hospital appointment", D("2.00"))],
    )
    services.reject(claim, finance, "Private reason about health")
    events = AuditEvent.objects.filter(model__in=["payments.claim", "payments.claimitem"])
    assert events.count() == 3
    text = str(list(events.values_list("changes", flat=True)))
    assert "hospital" not in text and "Private reason" not in text


def test_overdue_claims_count_days_from_sending(method, person) -> None:
    make_policy(method.organisation)
    claim = make_claim(person, method=method)
    sent = timezone.make_aware(datetime.datetime(2026, 11, 1, 15, 0))
    Claim.objects.filter(pk=claim.pk).update(submitted_at=sent)
    on_time = selectors.overdue_cutoff(14, datetime.date(2026, 11, 15))
    late = selectors.overdue_cutoff(14, datetime.date(2026, 11, 16))
    organisation = method.organisation
    assert not selectors.claims_for(organisation, overdue_before=on_time).exists()
    assert list(selectors.claims_for(organisation, overdue_before=late)) == [claim]
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.PAID)
    assert not selectors.claims_for(organisation, overdue_before=late).exists()


def test_budget_against_spending_per_method_and_kind_of_cost(method, person, finance) -> None:
    make_budget_line(method, "500.00", category=BudgetCategory.PARTICIPANT_PAYMENTS)
    make_budget_line(method, "100.00", category=BudgetCategory.PARTICIPANT_PAYMENTS)
    expenses_line = make_budget_line(method, "50.00", category=BudgetCategory.EXPENSES)
    interpreters = make_budget_line(method, "300.00", category=BudgetCategory.INTERPRETERS)
    bus = _category(method.organisation, ExpenseKind.PUBLIC_TRANSPORT)
    taxi = [services.ItemInput(bus, "Bus", D("8.00"))]
    approved = make_claim(person, method=method, hours=6, items=taxi)  # £100 + £8
    services.approve(approved, finance)
    paid = make_claim(person, method=method, hours=2)  # £40
    services.approve(paid, finance)
    services.mark_paid(paid, finance, "BACS-9", timezone.localdate())
    make_claim(person, method=method, hours=3)  # waiting: not spent yet
    rejected = make_claim(person, method=method, hours=3)
    services.reject(rejected, finance, "Duplicate")
    event = approved.attendance.event
    SupportArrangement.objects.create(
        organisation_id=event.organisation_id,
        event=event,
        kind="bsl_interpreter",
        cost=D("275.50"),
        budget_line=interpreters,
    )
    budget = selectors.budget_vs_actual(method.plan.stage.project)
    rows = {row.category: (row.budget, row.actual) for row in budget.rows}
    assert rows == {
        "Involvement payments to participants": (D("600.00"), D("140.00")),
        "Out-of-pocket expenses": (D("50.00"), D("8.00")),
        "BSL and language interpreters": (D("300.00"), D("275.50")),
    }
    assert budget.budget == D("950.00") and budget.actual == D("423.50")
    assert budget.left == D("526.50")
    expenses_line.delete()
    over = selectors.budget_vs_actual(method.plan.stage.project)
    row = next(r for r in over.rows if r.category == "Out-of-pocket expenses")
    assert row.budget == D("0") and row.over
