"""Browser journeys for data protection (retention, subject access, erasure), with axe on
every page, including pages showing errors."""

import datetime
from collections.abc import Callable
from typing import cast

import pytest
from playwright.sync_api import Page, expect

from coproduce.accounts.models import Organisation, Role
from coproduce.dataprotection.dates import start_of
from coproduce.people.models import Community, Person
from coproduce.testing.factories import (
    CommunityFactory,
    make_person,
    member,
)
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[], None]


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_retention_periods_and_review(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    admin = member(organisation, Role.ADMINISTRATOR)
    quiet = make_person(organisation, name="Quiet Person")
    Person.objects.filter(pk=quiet.pk).update(updated_at=start_of(datetime.date(2020, 1, 1)))
    sign_in(page, live_server.url, admin)

    page.get_by_role("link", name="Keeping records: retention").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Keeping records")
    check_accessible()
    page.get_by_role("link", name="Change how long records are kept").click()
    expect(page.get_by_label("People: months to keep")).to_have_value("36")
    page.get_by_label("People: months to keep").fill("three years")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("as a whole number")
    expect(page.get_by_label("People: months to keep")).to_have_value("three years")
    check_accessible()
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("People: months to keep")).to_be_focused()
    page.get_by_label("People: months to keep").fill("48")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("saved")

    page.get_by_role("button", name="Check for records now").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Look for records")
    page.goto(f"{live_server.url}/data-protection/retention/")
    page.get_by_role("link", name="Listed from").first.click()
    expect(page.locator("main")).to_contain_text("Quiet Person")
    check_accessible()


def test_subject_access_and_erasure(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    facilitator = member(organisation, Role.FACILITATOR)
    admin = member(organisation, Role.ADMINISTRATOR)
    carers = cast(Community, CommunityFactory(organisation=organisation, name="Carers"))
    pat = make_person(
        organisation,
        name="Pat Evans",
        communities=[carers],
        consents=["contact"],
        needs=["step_free"],
    )
    sign_in(page, live_server.url, facilitator)

    page.goto(f"{live_server.url}/people/{pat.pk}/export/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Everything held about Pat Evans")
    expect(page.locator("main")).to_contain_text("Step-free access")
    check_accessible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as a JSON file").click()
    assert download.value.suggested_filename.endswith(".json")
    page.emulate_media(media="print")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Record a request to erase their details").click()
    page.get_by_role("button", name="Record the request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose how the request came in")
    check_accessible()
    page.get_by_label("Letter").check()
    page.get_by_label("What they said").fill("Please remove me")
    page.get_by_role("button", name="Record the request").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Request recorded")
    check_accessible()
    sign_out(page)

    sign_in(page, live_server.url, admin)
    page.get_by_role("link", name="Requests to erase people's details").click()
    check_accessible()
    page.get_by_role("link", name="Pat Evans").click()
    page.get_by_role("button", name="Approve or refuse").click()
    page.get_by_label("Refuse: their details are kept").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the request is refused")
    check_accessible()
    page.get_by_label("Approve: their details will be erased").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("approved")
    page.get_by_role("button", name="Carry out the erasure").click()
    check_accessible()
    page.get_by_role("button", name="Yes, erase their details").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(f"Person #{pat.pk}")
    check_accessible()
    pat.refresh_from_db()
    assert pat.pseudonymised_at is not None
