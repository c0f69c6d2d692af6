"""Applying to take part, and staff handling applications, in Debian's chromium: axe checks
every page, and the public form is walked again with JavaScript off."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from coproduce.accounts.models import Organisation, Role
from coproduce.recruitment.models import Application, SelectionQuestion
from coproduce.testing.factories import make_application, make_opportunity, member
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[], None]


def _opportunity(organisation: Organisation):  # type: ignore[no-untyped-def]
    opportunity = make_opportunity(
        organisation=organisation,
        publish=True,
        eligibility="You care for someone in Northshire",
        sessions="Tuesday 3 March, 10am to 1pm\nThursday 12 March, 2pm to 5pm",
    )
    SelectionQuestion.objects.create(
        organisation=organisation,
        opportunity=opportunity,
        feature="age_band",
        question="How old are you?",
        values=["18 to 34", "35 to 64", "65 or over"],
    )
    return opportunity


def _apply(page: Page, base_url: str, opportunity_pk: int, check: Check) -> None:
    """The whole public form, by keyboard-reachable controls only (labels and buttons)."""
    page.goto(f"{base_url}/opportunities/{opportunity_pk}/apply/")
    check()
    page.get_by_role("button", name="Start now").click()

    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your full name")
    check()
    page.get_by_label("What is your full name?").fill("Pat Evans")
    page.get_by_role("button", name="Continue").click()

    check()
    page.get_by_label("Email").check()
    page.get_by_role("button", name="Continue").click()
    check()
    page.get_by_label("What is your email address?").fill("pat.evans@example.org")
    page.get_by_role("button", name="Continue").click()

    check()
    page.get_by_label("Another language, with an interpreter").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the language")
    check()
    page.get_by_label("If you need an interpreter, which language?").fill("Polish")
    page.get_by_role("button", name="Continue").click()

    check()
    page.get_by_role("group", name="You care for someone in Northshire").get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()

    check()
    page.get_by_label("Thursday 12 March, 2pm to 5pm").check()
    page.get_by_role("button", name="Continue").click()

    check()
    page.get_by_label("Transport").check()
    page.get_by_role("button", name="Continue").click()

    check()
    page.get_by_label("Prefer not to say").check()
    page.get_by_role("button", name="Continue").click()

    check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending your application"
    )
    check()
    page.get_by_role("button", name="Accept and send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Application sent")
    check()
    page.get_by_role("link", name="Answer the equality monitoring questions").click()
    check()
    page.get_by_role("group", name="What is your sex?").get_by_label("Female").check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("tick the box")
    check()


def test_a_person_applies_and_staff_shortlist_them(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    opportunity = _opportunity(organisation)
    _apply(page, live_server.url, opportunity.pk, check_accessible)
    application = Application.objects.get()
    assert application.status == "applied" and application.language == "Polish"

    make_application(opportunity)
    facilitator = member(organisation, Role.FACILITATOR, first_name="Fran", last_name="Hughes")
    sign_in(page, live_server.url, facilitator)
    page.goto(f"{live_server.url}/recruitment/opportunities/{opportunity.pk}/applications/")
    check_accessible()
    page.get_by_label("Select Pat Evans").check()
    page.get_by_label("Move the selected applications to").select_option(label="Not selected")
    page.get_by_role("button", name="Move the selected applications").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why")
    expect(page.get_by_label("Select Pat Evans")).to_be_checked()
    check_accessible()
    page.get_by_role("link", name="Pat Evans").click()
    check_accessible()
    page.get_by_role("button", name="Change status").click()
    check_accessible()
    page.get_by_label("Shortlisted").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("shortlisted")
    check_accessible()
    page.goto(f"{live_server.url}/recruitment/opportunities/{opportunity.pk}/applications/new/")
    check_accessible()


def test_the_public_form_works_without_javascript(
    browser: Browser, live_server, organisation: Organisation
) -> None:
    """Every page again with scripts off: the contact detail and the language are asked
    without any reveal. (axe needs scripts to run in the page, so it checks the journey above:
    the server sends the same pages.)"""
    opportunity = _opportunity(organisation)
    context = browser.new_context(java_script_enabled=False)
    _apply(context.new_page(), live_server.url, opportunity.pk, lambda: None)
    assert Application.objects.get().status == "applied"
    context.close()
