"""Browser journeys for recruitment: an opportunity that cannot be published until its key
messages are complete, invitations by email and by post, and a fair selection with the
result sent to everyone. axe looks at every page."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from coproduce.accounts.models import Organisation, Role
from coproduce.notifications.models import Delivery, DeliveryStatus
from coproduce.people.models import Channel, ConsentPurpose
from coproduce.recruitment.models import Application, ApplicationStatus, Opportunity
from coproduce.testing.factories import (
    make_method,
    make_person,
    make_project,
    make_saved_list,
    member,
)
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[], None]


def test_publish_is_blocked_until_key_messages_are_complete_then_invite_by_email_and_post(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    facilitator = member(organisation, Role.FACILITATOR, first_name="Fran", last_name="Hughes")
    project = make_project(organisation, title="Carers' hub recommissioning")
    make_method(project.stages.get(position=3).plan)
    by_email = make_person(
        organisation,
        consents=[ConsentPurpose.CONTACT],
        name="Rita Email",
        preferred_channel=Channel.EMAIL,
    )
    by_post = make_person(
        organisation,
        consents=[ConsentPurpose.CONTACT],
        name="Paul Post",
        preferred_channel=Channel.POST,
        address="1 High Street\nNorthtown",
        postcode="NT1 1AA",
    )
    no_consent = make_person(organisation, name="Nora Noconsent")
    make_saved_list(organisation, [by_email, by_post, no_consent], name="Carers' reference group")
    sign_in(page, live_server.url, facilitator, check_accessible)

    page.get_by_role("link", name="Recruitment").click()
    check_accessible()
    page.get_by_role("link", name="Workshop").click()
    expect(page.get_by_label("What is being decided")).to_have_value("What the service offers.")
    check_accessible()
    page.get_by_label("Title").fill("Help shape the carers' hub")
    page.get_by_label("What we will ask people to do").fill(
        "Come to two workshops and help us write the service description."
    )
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Help shape the carers' hub")
    check_accessible()

    # Publishing is refused, with each missing key message linked to its box.
    page.get_by_role("button", name="Publish").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("This cannot be published yet")
    expect(summary).to_contain_text("payment and expenses")
    check_accessible()
    summary.get_by_role("link", name="payment and expenses").click()
    expect(page.locator("#id_payment")).to_be_visible()
    for label, text in {
        "How much time it takes": "Two mornings in March.",
        "Dates, times and place": "Northtown library, 10am to 12 noon.",
        "Access and support we offer": "Step-free rooms, a hearing loop and breaks.",
        "Payment and expenses": "We pay £20 an hour and your travel.",
        "How people will hear what happened": "We will write to you after the decision.",
        "Who to contact": "Fran Hughes, 01632 960123",
    }.items():
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_label("Closing date").fill("2099-01-31")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Every key message is there.")).to_be_visible()
    expect(page.get_by_text("Reading ease of the whole text")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Open for applications")).to_be_visible()
    check_accessible()

    page.get_by_role("link", name="Make an easy-read version").click()
    check_accessible()
    page.get_by_role("button", name="Make a draft from the key messages").click()
    expect(page.get_by_role("heading", name="How it will look")).to_be_visible()
    check_accessible()
    page.get_by_role("link", name="Back").click()

    page.get_by_role("link", name="Invite people").click()
    check_accessible()
    page.get_by_label("Saved list").select_option(label="Carers' reference group")
    page.get_by_role("button", name="Find people").click()
    expect(page.get_by_role("row", name="Nora Noconsent")).to_contain_text(
        "No consent to be contacted"
    )
    check_accessible()
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitations")
    expect(page.get_by_role("row", name="Paul Post")).to_contain_text("Letter")
    check_accessible()

    opportunity = Opportunity.objects.get()
    email = Delivery.objects.get(person=by_email)
    assert email.status == DeliveryStatus.SENT and "/opportunities/" in email.body
    letter = Delivery.objects.get(person=by_post)
    assert letter.status == DeliveryStatus.TO_PRINT
    assert not Delivery.objects.filter(person=no_consent).exists()

    # The letter is printed from the letters to post, and marked as posted.
    page.get_by_role("link", name="Messages").click()
    check_accessible()
    page.goto(f"{live_server.url}/notifications/letters/")
    check_accessible()
    expect(page.get_by_role("status")).to_have_text("1 letter waiting.")
    page.get_by_role("button", name="Mark 1 as posted").click()
    letter.refresh_from_db()
    assert letter.status == DeliveryStatus.POSTED

    # The public page offers other formats and the way to apply.
    page.goto(f"{live_server.url}/opportunities/{opportunity.pk}/")
    expect(page.get_by_role("link", name="large print to print (PDF)")).to_be_visible()
    expect(page.get_by_role("button", name="Say you are interested")).to_be_visible()
    check_accessible()
    page.get_by_role("link", name="easy read", exact=True).click()
    check_accessible()


def test_facilitator_runs_a_fair_selection_and_tells_everyone(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    from coproduce.recruitment.models import SelectionQuestion
    from coproduce.selection import services as selection
    from coproduce.testing.factories import make_application, make_opportunity

    facilitator = member(organisation, Role.FACILITATOR)
    project = make_project(organisation)
    opportunity = make_opportunity(
        make_method(project.stages.get(position=3).plan), publish=True, places=3, reserve_places=1
    )
    selection.save_question(
        SelectionQuestion(
            organisation_id=organisation.pk,
            opportunity=opportunity,
            feature="area",
            question="Where do you live?",
        ),
        ["North", "South"],
    )
    for number in range(8):
        make_application(
            opportunity,
            name=f"Volunteer {number}",
            selection_answers={"area": "North" if number < 6 else "South"},
        )
    sign_in(page, live_server.url, facilitator, check_accessible)
    page.goto(f"{live_server.url}/recruitment/opportunities/{opportunity.pk}/")
    page.get_by_role("link", name="Fair selection").click()
    check_accessible()
    # A quota the pool cannot meet is explained before anything runs.
    page.get_by_label("Fewest – Where do you live?: South").fill("3")
    page.get_by_role("button", name="Check the quotas").click()
    expect(page.locator("#feasibility")).to_contain_text("cannot be met")
    expect(page.get_by_label("Fewest – Where do you live?: South")).to_have_value("3")
    check_accessible()
    page.get_by_label("Fewest – Where do you live?: South").fill("1")
    page.get_by_role("button", name="Save quotas").click()
    expect(page.locator("#feasibility")).to_contain_text("can be met")
    page.get_by_label("Seed for the draw (optional)").fill("4 8 15 16")
    page.get_by_role("button", name="Run the selection").click()
    expect(page.get_by_role("heading", name="The panel")).to_be_visible()
    expect(page.get_by_text("4 8 15 16").first).to_be_visible()
    check_accessible()
    page.get_by_role("button", name="Use this selection").click()
    expect(page.get_by_text("8 applications updated")).to_be_visible()
    page.get_by_role("button", name="Publish the report").click()
    page.get_by_role("link", name="public selection report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How the panel was chosen")
    expect(page.get_by_text("Volunteer 0")).to_have_count(0)
    check_accessible()

    statuses = list(Application.objects.values_list("status", flat=True))
    assert statuses.count(ApplicationStatus.SELECTED) == 3
    assert statuses.count(ApplicationStatus.RESERVE) == 1
    assert statuses.count(ApplicationStatus.NOT_SELECTED) == 4
    assert Delivery.objects.filter(topic__endswith=":applications").count() >= 8
