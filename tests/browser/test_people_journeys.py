"""Browser journeys for the people and communities register, with axe on every page."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from coproduce.accounts.models import Organisation, Role
from coproduce.audit.models import AuditEvent
from coproduce.people.models import Person
from coproduce.testing.factories import (
    CommunityFactory,
    make_person,
    member,
)
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[], None]


def test_facilitator_adds_a_person_by_phone_in_assisted_mode(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    facilitator = member(organisation, Role.FACILITATOR, first_name="Fran", last_name="Hughes")
    member(organisation, Role.PARTICIPANT, email="", first_name="Sam", last_name="Lewis")
    CommunityFactory(organisation=organisation, name="Mental health service users")
    sign_in(page, live_server.url, facilitator, check_accessible)

    page.get_by_role("link", name="Act for someone who does not use email").click()
    check_accessible()
    page.get_by_label("Who are you acting for?").select_option(label="Sam Lewis")
    page.get_by_role("button", name="Start acting for them").click()
    expect(page.get_by_role("region", name="Assisted mode")).to_contain_text("Sam Lewis")
    check_accessible()

    page.get_by_role("link", name="People", exact=True).click()
    check_accessible()
    page.get_by_role("button", name="Add a person").click()
    expect(page.get_by_label("Full name")).to_have_value("Sam Lewis")
    # First try without the phone number the chosen channel needs: told where and what to do.
    page.get_by_label("Phone call").check()
    page.get_by_label("Large print", exact=True).check()
    page.get_by_label("Quiet room").check()
    page.get_by_label("Regular breaks").check()
    page.get_by_label("Mental health service users").check()
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a phone number")
    expect(page.get_by_label("Quiet room")).to_be_checked()
    check_accessible()
    summary.get_by_role("link", name="Enter a phone number").click()
    expect(page.locator("#id_mobile")).to_be_focused()
    page.locator("#id_mobile").fill("07700 900321")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Record what they have agreed to")
    check_accessible()
    page.get_by_label("Contact about opportunities to take part").check()
    page.get_by_label("By phone, through a facilitator").check()
    page.get_by_role("button", name="Record agreement").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("agreed to")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam")
    expect(page.locator("main")).to_contain_text("Quiet room")
    check_accessible()

    person = Person.objects.get()
    assert person.user is not None and person.user.first_name == "Sam"
    consent = person.consents.get()
    assert consent.method == "phone" and consent.recorded_by == facilitator
    events = AuditEvent.objects.filter(model__in=["people.person", "people.consent"])
    assert events.exists()
    assert all(e.actor_id == facilitator.pk and e.on_behalf_of_id for e in events)


def test_people_list_filters_and_saved_lists(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    facilitator = member(organisation, Role.FACILITATOR)
    carers = CommunityFactory.create(organisation=organisation, name="Carers")
    make_person(organisation, name="Alice Able", communities=[carers], consents=["contact"])
    make_person(organisation, name="Bob Brown")
    sign_in(page, live_server.url, facilitator, check_accessible)
    page.goto(f"{live_server.url}/people/lists/")
    check_accessible()
    page.get_by_label("List name").fill("Carers' reference group")
    page.get_by_role("button", name="Make list").click()
    check_accessible()

    page.goto(f"{live_server.url}/people/")
    page.get_by_label("Community").select_option(label="Carers")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("main")).to_contain_text("Alice Able")
    expect(page.locator("main")).not_to_contain_text("Bob Brown")
    check_accessible()
    page.get_by_label("Select Alice Able").check()
    page.get_by_label("Add the people you selected to").select_option(
        label="Carers' reference group"
    )
    page.get_by_role("button", name="Add to list").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("1 added")
    expect(page.locator("main")).to_contain_text("Alice Able")
    check_accessible()

    for path in ["/communities/", "/partners/", "/partners/new/", "/communities/new/"]:
        page.goto(f"{live_server.url}{path}")
        check_accessible()
