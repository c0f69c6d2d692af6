"""Payments in Debian's chromium, with axe on every page: a participant confirms how to be paid
and claims with a receipt; finance approves, pays and exports; a facilitator claims for
someone with no email."""

import csv
import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from sesame.utils import get_query_string

from coproduce.accounts.models import Organisation, Role
from coproduce.payments import export
from coproduce.payments.models import Claim, ClaimStatus, PaymentMethod
from coproduce.payments.tests.factories import (
    JPEG,
    a_method,
    make_attendance,
    make_claim,
    make_event,
    make_participant,
    make_policy,
)
from coproduce.testing.factories import make_person, member
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[], None]


@pytest.fixture(autouse=True)
def _receipts_in_a_temporary_folder(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_participant_claims_with_a_receipt(
    page: Page, live_server, organisation: Organisation, check_accessible: Check, tmp_path: Path
) -> None:
    method = a_method(organisation)
    make_policy(organisation)
    pat = make_participant(organisation, name="Pat Evans")
    make_attendance(make_event(method, hours=2, title="Design workshop"), pat)
    photo = tmp_path / "train-ticket.jpg"
    photo.write_bytes(JPEG)

    # The link emailed to people taking part signs them in.
    page.goto(f"{live_server.url}/sign-in/email-link/open/{get_query_string(pat.user)}")
    page.goto(f"{live_server.url}/my-involvement/payments/")
    check_accessible()
    page.get_by_role("link", name="Make a claim").click()
    # Before the first claim: the benefits and tax information, then the choice.
    expect(page.get_by_role("heading", level=1)).to_have_text("Payments, benefits and tax")
    check_accessible()
    page.get_by_role("button", name="Confirm my choice").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose how you want to be paid for your time.")
    check_accessible()
    page.get_by_label("Be paid").check()
    page.get_by_label("I have read the information above").check()
    page.get_by_role("button", name="Confirm my choice").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("choice is saved")
    check_accessible()

    page.get_by_role("link", name="Make a claim").click()
    check_accessible()
    page.get_by_label("Design workshop").check()
    expect(page.get_by_label("Design workshop")).to_be_checked()
    expect(page.locator("main")).to_contain_text("£40.00 for your time")
    first = page.get_by_role("group", name="Expense 1")
    first.get_by_label("Kind of expense").select_option(label="Bus, train or tram")
    first.get_by_label("What it was for").fill("Train to the workshop")
    first.get_by_label("Amount paid").fill("12.40")
    first.get_by_label("Receipt").set_input_files(str(photo))
    page.get_by_role("button", name="Send claim").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Claim C")
    expect(page.locator("main")).to_contain_text("£52.40")
    check_accessible()
    claim = Claim.objects.get()
    assert claim.total == Decimal("52.40") and claim.items.get().receipt.size == len(JPEG)
    page.get_by_role("link", name="Payments and expenses").click()
    expect(page.locator("main")).to_contain_text("Waiting for approval")
    check_accessible()


def test_finance_approves_pays_and_exports(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    method = a_method(organisation)
    make_policy(organisation)
    claim = make_claim(make_participant(organisation, name="Pat Evans"), method=method, hours=3)
    finance = member(organisation, Role.FINANCE_APPROVER)
    sign_in(page, live_server.url, finance, check_accessible)

    page.goto(f"{live_server.url}/payments/claims/")
    check_accessible()
    page.get_by_role("link", name=claim.reference).click()
    check_accessible()
    page.get_by_role("button", name="Approve claim").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("approved")
    check_accessible()
    page.get_by_role("button", name="Mark as paid").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the payment reference")
    check_accessible()
    page.get_by_label("Payment reference").fill("BACS-2026-1")
    page.get_by_role("button", name="Mark as paid").click()
    expect(page.locator("main")).to_contain_text("reference BACS-2026-1")
    check_accessible()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID

    page.goto(f"{live_server.url}/payments/claims/overdue/")
    check_accessible()
    page.goto(f"{live_server.url}/payments/export/")
    check_accessible()
    today = timezone.localdate()
    page.get_by_label("First day").fill((today + datetime.timedelta(days=1)).isoformat())
    page.get_by_label("Last day").fill(today.isoformat())
    page.get_by_label("Paid (by the day paid)").check()
    page.get_by_label("CSV").check()
    page.get_by_role("button", name="Download").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The last day must be")
    check_accessible()
    page.get_by_label("First day").fill(today.isoformat())
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    text = Path(download.value.path()).read_text()
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == export.COLUMNS
    assert rows[1][0] == claim.reference and rows[1][-1] == "BACS-2026-1"


def test_a_facilitator_claims_for_someone_with_no_email(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    method = a_method(organisation)
    make_policy(organisation)
    sam = make_person(
        organisation, name="Sam Lewis", email="", preferred_channel="phone", mobile="07700 900123"
    )
    make_attendance(make_event(method, hours=6, title="Evaluation panel"), sam)
    facilitator = member(organisation, Role.FACILITATOR)
    sign_in(page, live_server.url, facilitator, check_accessible)

    page.goto(f"{live_server.url}/payments/people/{sam.pk}/claims/new/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam Lewis")
    expect(page.locator(".govuk-inset-text")).to_contain_text("Read this to Sam Lewis")
    check_accessible()
    page.get_by_label("Have vouchers instead").check()
    page.get_by_label("I have read the information above").check()
    page.get_by_role("button", name="Confirm my choice").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Make a claim for Sam Lewis")
    check_accessible()
    page.get_by_label("Evaluation panel").check()
    first = page.get_by_role("group", name="Expense 1")
    first.get_by_label("Kind of expense").select_option(label="Mileage")
    first.get_by_label("What it was for").fill("Drove to the panel")
    first.get_by_label("Miles").fill("30")
    page.get_by_role("button", name="Send claim").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Claim C")
    expect(page.locator("main")).to_contain_text("30 miles at £0.45 a mile.")
    check_accessible()
    claim = Claim.objects.get()
    assert claim.on_behalf and claim.submitted_by == facilitator
    assert claim.total == Decimal("113.50")
    assert sam.payment_choice.method == PaymentMethod.VOUCHER
