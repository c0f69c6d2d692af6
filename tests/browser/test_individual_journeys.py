"""Individual commissioning in Debian's chromium, with axe on every page: a worker and a young
person co-produce a plan with easy-read support, the young person agrees it, a personal budget
is set and overspend is warned, and a commissioner sees the figures across plans."""

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from sesame.utils import get_query_string

from coproduce.accounts.models import Organisation, Role
from coproduce.individual.models import PersonCentredPlan, PlanStatus, ResponseKind
from coproduce.individual.tests.factories import (
    a_participant,
    add_outcome,
    in_use,
    make_plan,
    newest,
)
from coproduce.people.models import ConsentPurpose, Format
from coproduce.testing.factories import make_person, member
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[], None]


def test_a_worker_and_a_young_person_coproduce_a_plan_and_a_commissioner_sees_the_figures(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    worker = member(organisation, Role.FACILITATOR, first_name="Fran", last_name="Hughes")
    commissioner = member(organisation, Role.COMMISSIONER)
    young_person = a_participant(organisation, first_name="Jordan", last_name="Reid")
    make_person(
        organisation,
        name="Jordan Reid",
        user=young_person,
        preferred_format=Format.EASY_READ,
        consents=[ConsentPurpose.CONTACT],
    )
    for _ in range(5):  # other young people's plans in use, so the figures are not all hidden
        other = make_plan(organisation, worker=worker)
        add_outcome(newest(other), "I want to make friends.", area="friends")
        in_use(other)
    base = live_server.url

    # The worker starts the plan with Jordan, in easy read.
    sign_in(page, base, worker, check_accessible)
    page.get_by_role("link", name="Plans", exact=True).click()
    check_accessible()
    page.get_by_role("link", name="Start a plan with someone").click()
    page.get_by_label("Name or postcode").fill("Jordan")
    page.get_by_role("button", name="Find").click()
    check_accessible()
    page.get_by_role("link", name="Start a plan with Jordan Reid").click()
    page.get_by_role("button", name="Start the plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the kind of plan.")
    check_accessible()
    page.get_by_label("Education, health and care plan").check()
    page.get_by_label("Your role with the person").fill("SEND key worker")
    page.get_by_label("Show the plan to them in easy read first").check()
    page.get_by_role("button", name="Start the plan").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("started")
    check_accessible()
    plan = PersonCentredPlan.objects.get(person__user=young_person)

    page.get_by_role("link", name="Change the one-page profile").click()
    check_accessible()
    page.get_by_label("What is important TO me").fill("Drawing comics\nSeeing my friend Ali")
    page.get_by_label("What is important FOR me").fill("Taking my medicine at 8 o'clock")
    page.get_by_label("How best to support me").fill("Tell me what will happen first")
    page.get_by_role("button", name="Save the profile").click()

    page.get_by_role("link", name="Add an outcome").click()
    check_accessible()
    page.get_by_label("The outcome, in their words").fill("I want to go to art college")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the kind of outcome.")
    expect(page.get_by_label("The outcome, in their words")).to_have_value(
        "I want to go to art college"
    )
    check_accessible()
    page.get_by_label("Kind of outcome").select_option(label="Education, learning and work")
    page.get_by_label("Picture for easy read").select_option(label="A school")
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("What will happen").fill("Visit the college open day")
    page.get_by_label("Who will do it").fill("Jordan and Mum")
    due = timezone.localdate() + datetime.timedelta(days=30)
    page.get_by_label("By when").fill(due.isoformat())
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Change how they took part").click()
    check_accessible()
    page.get_by_label("With support from family or carers").check()
    page.get_by_label("Using easy read").check()
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Easy read version").click()
    expect(page.get_by_role("img", name="A school")).to_be_visible()
    expect(page.locator("main")).to_contain_text("I want to go to art college.")
    check_accessible()
    page.get_by_role("link", name="Standard version").click()
    page.get_by_role("button", name="Share with the person to agree").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("shared")
    check_accessible()

    # Jordan opens the link sent to them: the plan shows in easy read, and they agree it.
    page.context.clear_cookies()
    page.goto(f"{base}/sign-in/email-link/open/{get_query_string(young_person)}")
    page.get_by_role("link", name="My plan").click()
    check_accessible()
    page.get_by_role("link", name=plan.person.display_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My plan")
    expect(page.locator("main")).to_contain_text("Drawing comics")
    check_accessible()
    page.get_by_role("link", name="Tell us").click()
    check_accessible()
    page.get_by_label("I agree with my plan").check()
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("saved")
    check_accessible()
    assert newest(plan).responses.get().kind == ResponseKind.AGREE

    # The worker puts the plan in use and sets the personal budget; overspend is warned.
    page.context.clear_cookies()
    sign_in(page, base, worker)
    page.goto(f"{base}/individual/plans/{plan.pk}/")
    expect(page.locator("#agreement")).to_contain_text("The person agrees with this version.")
    page.get_by_role("link", name="Put the plan in use").click()
    check_accessible()
    review = timezone.localdate() + datetime.timedelta(days=180)
    page.get_by_label("Review the plan by").fill(review.isoformat())
    page.get_by_role("button", name="Put the plan in use").click()
    expect(page.locator("#agreement")).to_contain_text("Agreed")
    check_accessible()
    assert newest(plan).status == PlanStatus.FINAL

    page.get_by_role("link", name="Personal budget").click()
    check_accessible()
    page.get_by_role("link", name="Set the personal budget").click()
    today = timezone.localdate()
    page.get_by_label("Allocation for the year").fill("1000")
    page.get_by_label("Direct payment to the person or their family").check()
    page.get_by_label("From").fill(today.isoformat())
    page.get_by_label("To", exact=True).fill((today + datetime.timedelta(days=364)).isoformat())
    page.get_by_label("Review the budget by").fill(
        (today + datetime.timedelta(days=90)).isoformat()
    )
    page.get_by_role("button", name="Save the budget").click()
    check_accessible()
    page.get_by_role("link", name="Add planned support").click()
    page.get_by_label("Kind of support").select_option(label="Personal assistant")
    page.get_by_label("What it is").fill("Personal assistant for art club")
    page.get_by_label("Cost of each (session, hour or item)").fill("15.00")
    page.get_by_label("How many in the year").fill("80")
    page.get_by_role("button", name="Add the support").click()
    expect(page.locator("main")).to_contain_text(
        "The planned support costs £200.00 more than the allocation of £1,000.00"
    )
    check_accessible()

    # A commissioner sees the figures across plans, never the plan itself.
    page.context.clear_cookies()
    sign_in(page, base, commissioner)
    page.get_by_role("link", name="Plans", exact=True).click()
    page.get_by_role("link", name="What plans tell commissioners").click()
    expect(page.locator("main")).to_contain_text("People with a plan in use: 6")
    expect(page.locator("main")).to_contain_text("Friends, family and relationships")
    check_accessible()
    response = page.goto(f"{base}/individual/plans/{plan.pk}/")
    assert response is not None and response.status == 403
