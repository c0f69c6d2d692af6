import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from coproduce.accounts.middleware import ASSISTED_PARTICIPANT
from coproduce.accounts.models import Role
from coproduce.audit.models import AuditEvent
from coproduce.payments import export, services
from coproduce.payments.models import Claim, ClaimStatus, ExpenseKind, PaymentMethod
from coproduce.testing.factories import make_equality_answers, make_person, member

from .factories import (
    JPEG,
    PDF,
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


@pytest.fixture
def method():  # type: ignore[no-untyped-def]
    method = a_method()
    make_policy(method.organisation)
    return method


@pytest.fixture
def participant(method):  # type: ignore[no-untyped-def]
    return make_participant(method.organisation)


def _claim_data(attendance_pk: int | str = "", **rows: dict[str, object]) -> dict[str, object]:
    data: dict[str, object] = {
        "attendance": attendance_pk,
        "expense-TOTAL_FORMS": "3",
        "expense-INITIAL_FORMS": "0",
        "expense-MIN_NUM_FORMS": "0",
        "expense-MAX_NUM_FORMS": "10",
    }
    for index, row in rows.items():
        for key, value in row.items():
            data[f"expense-{index[-1]}-{key}"] = value
    return data


def _category(method, kind):  # type: ignore[no-untyped-def]
    return services.payment_policy(method.organisation).expense_categories.get(kind=kind)


def test_a_participant_confirms_their_choice_then_claims_with_a_receipt(
    client, method, participant
) -> None:
    client.force_login(participant.user)
    attendance = make_attendance(make_event(method, hours=2.5), participant)
    page = client.get(reverse("payments:mine")).content.decode()
    assert "Read about payments and choose" in page
    response = client.get(reverse("payments:my-claim-new"))
    assert response.headers["Location"] == reverse("payments:my-choice")

    choice_url = reverse("payments:my-choice")
    page = client.get(choice_url).content.decode()
    assert "Expenses we pay back" in page and "Citizens Advice" in page
    response = client.post(choice_url, {"method": PaymentMethod.DONATE, "annual_cap": "500"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the name of the group or charity." not in page  # not confirmed yet
    assert "Confirm that you have read the information about benefits and tax." in page
    assert 'value="500"' in page  # what was typed is kept
    response = client.post(
        choice_url, {"method": PaymentMethod.DONATE, "annual_cap": "500", "confirmed": "on"}
    )
    assert "Enter the name of the group or charity." in response.content.decode()
    client.post(
        choice_url,
        {
            "method": PaymentMethod.DONATE,
            "donate_to": "Carers' Lunch Club",
            "annual_cap": "500",
            "confirmed": "on",
        },
    )
    choice = services.choice_of(participant)
    assert choice is not None and choice.donate_to == "Carers' Lunch Club"

    new = reverse("payments:my-claim-new")
    page = client.get(new).content.decode()
    assert "2.5 hours, £50.00 for your time" in page
    bus = _category(method, ExpenseKind.PUBLIC_TRANSPORT)
    response = client.post(
        new,
        _claim_data(
            attendance.pk,
            row0={
                "category": bus.pk,
                "description": "Train",
                "amount": "12.40",
                "receipt": receipt("ticket.jpg", JPEG),
            },
        ),
    )
    claim = Claim.objects.get()
    assert response.headers["Location"] == reverse("payments:my-claim", args=[claim.pk])
    assert claim.total == D("62.40") and not claim.on_behalf
    page = client.get(response.headers["Location"]).content.decode()
    assert "£50.00: 2.5 hours at £20.00 an hour." in page
    item = claim.items.get()
    download = client.get(reverse("payments:my-receipt", args=[item.receipt.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == JPEG
    assert "attachment" in download.headers["Content-Disposition"]


def test_claim_form_errors_say_what_to_do_and_keep_what_was_typed(
    client, method, participant
) -> None:
    confirm(participant)
    client.force_login(participant.user)
    attendance = make_attendance(make_event(method), participant)
    taxi = _category(method, ExpenseKind.TAXI)
    response = client.post(
        reverse("payments:my-claim-new"),
        _claim_data(
            "",
            row0={"category": taxi.pk, "description": "Taxi home", "amount": "14.00"},
            row1={"description": "Parking", "amount": "2.00"},
            row2={
                "category": taxi.pk,
                "description": "Taxi there",
                "amount": "9",
                "why_needed": "No bus",
                "receipt": receipt("taxi.gif", b"GIF89a"),
            },
        ),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose the event you are claiming for." in page
    assert "Expense 1: Say why you needed a taxi." in page
    assert "Expense 2: Choose the kind of expense." in page
    assert "The receipt must be a JPG, PNG or PDF file." in page
    assert "Taxi home" in page and "Parking" in page
    assert "Choose each receipt again" in page
    # The service's own checks land on the form too (a taxi needs its receipt).
    response = client.post(
        reverse("payments:my-claim-new"),
        _claim_data(
            attendance.pk,
            row0={
                "category": taxi.pk,
                "description": "Taxi",
                "amount": "14",
                "why_needed": "Icy roads",
            },
        ),
    )
    assert "Expense 1: add the receipt. We need one for taxi." in response.content.decode()
    assert not Claim.objects.exists()


def test_a_facilitator_in_assisted_mode_claims_for_the_participant(
    client, method, participant
) -> None:
    facilitator = member(method.organisation, Role.FACILITATOR)
    client.force_login(facilitator)
    session = client.session
    session[ASSISTED_PARTICIPANT] = participant.user.pk
    session.save()
    attendance = make_attendance(make_event(method), participant)
    client.post(reverse("payments:my-choice"), {"method": PaymentMethod.PAYMENT, "confirmed": "on"})
    choice = services.choice_of(participant)
    assert choice is not None and choice.confirmed_with_help
    assert choice.confirmed_by == facilitator
    client.post(reverse("payments:my-claim-new"), _claim_data(attendance.pk))
    claim = Claim.objects.get()
    assert claim.on_behalf and claim.submitted_by == facilitator
    event = AuditEvent.objects.get(model="payments.claim", action="create")
    assert event.actor_id == facilitator.pk and event.on_behalf_of_id == participant.user.pk


def test_a_facilitator_claims_for_someone_with_no_email(client, method) -> None:
    facilitator = member(method.organisation, Role.FACILITATOR)
    person = make_person(
        method.organisation, email="", preferred_channel="post", address="1 High St"
    )
    attendance = make_attendance(make_event(method, hours=6), person)
    client.force_login(facilitator)
    new = reverse("payments:person-claim-new", args=[person.pk])
    response = client.get(new)
    assert response.headers["Location"] == reverse("payments:person-choice", args=[person.pk])
    page = client.get(response.headers["Location"]).content.decode()
    assert "Read this to" in page
    client.post(
        reverse("payments:person-choice", args=[person.pk]),
        {"method": PaymentMethod.VOUCHER, "confirmed": "on"},
    )
    mileage = _category(method, ExpenseKind.MILEAGE)
    response = client.post(
        new,
        _claim_data(
            attendance.pk, row0={"category": mileage.pk, "description": "Car", "miles": "20"}
        ),
    )
    claim = Claim.objects.get()
    assert response.headers["Location"] == reverse("payments:claim", args=[claim.pk])
    assert claim.on_behalf and claim.submitted_by == facilitator
    assert claim.total == D("109.00")  # the day rate and 20 miles at 45p


def test_the_claims_queue_filters_and_its_queries_do_not_grow(
    client, method, django_assert_max_num_queries
) -> None:
    finance = member(method.organisation, Role.FINANCE_APPROVER)
    claims = [make_claim(make_participant(method.organisation), method=method) for _ in range(4)]
    services.approve(claims[0], finance)
    client.force_login(finance)
    url = reverse("payments:claims")
    client.get(url)
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert all(claim.reference in page for claim in claims)
    for _ in range(6):
        make_claim(make_participant(method.organisation), method=method)
    with django_assert_max_num_queries(12):
        client.get(url)
    page = client.get(url, {"status": ClaimStatus.APPROVED}).content.decode()
    assert claims[0].reference in page and claims[1].reference not in page
    # Overdue: sent more than 14 days ago and not paid.
    Claim.objects.filter(pk=claims[2].pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=16)
    )
    page = client.get(reverse("payments:overdue")).content.decode()
    assert claims[2].reference in page and claims[3].reference not in page


def test_finance_approves_rejects_and_pays_on_the_claim_page(client, method) -> None:
    finance = member(method.organisation, Role.FINANCE_APPROVER)
    claim = make_claim(make_participant(method.organisation), method=method)
    client.force_login(finance)
    url = reverse("payments:claim", args=[claim.pk])
    assert "Approve claim" in client.get(url).content.decode()
    response = client.post(reverse("payments:reject", args=[claim.pk]), {"reason": ""})
    assert response.status_code == 400
    assert "Say why the claim is not approved" in response.content.decode()
    client.post(reverse("payments:approve", args=[claim.pk]))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    response = client.post(
        reverse("payments:paid", args=[claim.pk]), {"reference": "", "paid_on": "not a date"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter the payment reference" in page and "as a real date" in page
    client.post(
        reverse("payments:paid", args=[claim.pk]),
        {"reference": "BACS-77", "paid_on": timezone.localdate().isoformat()},
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID and claim.paid_reference == "BACS-77"


def test_a_finance_approver_who_sent_the_claim_is_told_someone_else_must_check_it(
    client, method
) -> None:
    finance = member(method.organisation, Role.FINANCE_APPROVER)
    person = make_participant(method.organisation)
    claim = make_claim(person, method=method, by=finance)
    client.force_login(finance)
    page = client.get(reverse("payments:claim", args=[claim.pk])).content.decode()
    assert "another finance approver must check it" in page and "Approve claim" not in page
    response = client.post(reverse("payments:approve", args=[claim.pk]))
    assert response.status_code == 400
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


@pytest.fixture
def exported(method):  # type: ignore[no-untyped-def]
    """An approved claim for someone with access needs and equality answers on record."""
    finance = member(method.organisation, Role.FINANCE_APPROVER)
    person = make_participant(
        method.organisation,
        name="=Robin Hood",
        needs=["step_free"],
        needs_notes="Uses a wheelchair and needs the ramp",
    )
    make_equality_answers(person, religion="none")
    bus = _category(method, ExpenseKind.PUBLIC_TRANSPORT)
    claim = make_claim(
        person, method=method, hours=3, items=[services.ItemInput(bus, "Bus", D("4.50"))]
    )
    services.approve(claim, finance)
    claim.refresh_from_db()
    return finance, claim


def _export(client, **params):  # type: ignore[no-untyped-def]
    today = timezone.localdate().isoformat()
    query = {"start": today, "end": today, "status": "approved", "format": "csv", **params}
    return client.get(reverse("payments:export"), query)


def test_the_csv_export_has_the_documented_columns_and_nothing_sensitive(client, exported) -> None:
    finance, claim = exported
    client.force_login(finance)
    response = _export(client)
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == export.COLUMNS
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["claim_reference"] == claim.reference
    assert row["payee_name"] == "'=Robin Hood"  # never run as a formula
    assert row["person_reference"] == f"P{claim.person_id:06d}"
    assert (row["involvement_amount"], row["expenses_amount"], row["total"]) == (
        "60.00",
        "4.50",
        "64.50",
    )
    assert row["approved_by"] == finance.username
    for sensitive in ("wheelchair", "ramp", "Step-free", "step_free", "No religion", "none"):
        assert sensitive not in text
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(_export(client, end=yesterday, start=yesterday).streaming_content).decode()
            )
        )
    )
    assert len(rows) == 1  # the header only: nothing approved that day


def test_the_xlsx_export_has_the_same_layout(client, exported) -> None:
    finance, claim = exported
    client.force_login(finance)
    response = _export(client, format="xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook["Claims"].iter_rows(values_only=True))
    assert tuple(rows[0]) == export.COLUMNS
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["claim_reference"] == claim.reference and row["total"] == 64.5
    assert "wheelchair" not in str(rows)


def test_large_ranges_are_exported_as_csv_not_xlsx(client, exported, monkeypatch) -> None:
    finance, _ = exported
    client.force_login(finance)
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 0)
    response = _export(client, format="xlsx")
    assert response.status_code == 400
    assert (
        "This range has 1 claim: an Excel workbook can hold 0 at most" in response.content.decode()
    )
    assert _export(client, format="csv").status_code == 200


def test_a_bad_export_range_is_explained_on_the_form(client, exported) -> None:
    finance, _ = exported
    client.force_login(finance)
    response = _export(client, start="2026-05-01", end="2026-04-01")
    assert response.status_code == 400
    assert "The last day must be the same as or after the first day." in response.content.decode()
    response = _export(client, start="2020-01-01", end="2026-04-01")
    assert "at most three years" in response.content.decode()
    response = _export(client, start="31/02/2026")
    assert "as a real date" in response.content.decode()


def test_budget_page_shows_budget_and_spending(client, method) -> None:
    from coproduce.projects.models import BudgetCategory
    from coproduce.testing.factories import make_budget_line

    make_budget_line(method, "200.00", category=BudgetCategory.PARTICIPANT_PAYMENTS)
    finance = member(method.organisation, Role.FINANCE_APPROVER)
    claim = make_claim(make_participant(method.organisation), method=method, hours=3)
    services.approve(claim, finance)
    client.force_login(member(method.organisation, Role.COMMISSIONER))
    project = method.plan.stage.project
    page = client.get(reverse("payments:budget", args=[project.pk])).content.decode()
    assert "£200.00" in page and "£60.00" in page and "£140.00" in page


def test_an_administrator_sets_the_policy(client, method) -> None:
    client.force_login(member(method.organisation, Role.ADMINISTRATOR))
    url = reverse("payments:policy")
    data = {
        "per_hour": "25.00",
        "half_day": "",
        "day": "150",
        "paid_within_days": "10",
        "half_day_from_hours": "3",
        "day_from_hours": "2",
        "advice": "Ask Citizens Advice.",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "The day rate must start at more hours" in response.content.decode()
    response = client.post(url, {**data, "day_from_hours": "6"})
    assert response.status_code == 302
    policy = services.payment_policy(method.organisation)
    rates = services.rates_for(policy)
    assert (rates.per_hour, rates.half_day, rates.day) == (D("25.00"), None, D("150.00"))
    assert policy.paid_within_days == 10
    client.post(reverse("payments:activity-rate"), {"event_kind": "panel_session", "amount": "80"})
    assert services.rates_for(policy).per_activity == {"panel_session": D("80.00")}
    taxi = _category(method, ExpenseKind.TAXI)
    response = client.post(
        reverse("payments:category", args=[taxi.pk]),
        {"kind": "taxi", "name": "Taxi", "rule": "Say why.", "rate_per_mile": "0.45"},
    )
    assert "Only mileage has a rate per mile" in response.content.decode()


def test_receipts_are_not_public_files(client, method, participant) -> None:
    confirm(participant)
    bus = _category(method, ExpenseKind.PUBLIC_TRANSPORT)
    claim = make_claim(
        participant,
        method=method,
        items=[services.ItemInput(bus, "Bus", D("12"), receipt=receipt("r.pdf", PDF))],
    )
    stored = str(claim.items.get().receipt.file.name)
    assert stored.startswith("private/")
    # Someone else's receipt is not found, even by a signed-in participant.
    stranger = make_participant(method.organisation)
    client.force_login(stranger.user)
    receipt_pk = claim.items.get().receipt.pk
    assert client.get(reverse("payments:my-receipt", args=[receipt_pk])).status_code == 404
