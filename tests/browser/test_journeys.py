"""Browser journeys in Debian's chromium, with axe-core checking every page they visit.

Each journey drives the real pages through pytest-django's `live_server`: what a commissioner,
a member of the public and a keyboard user actually do, and what they see when it goes wrong.
"""

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from coproduce.accounts.models import Organisation, Role, User
from coproduce.projects.models import (
    BudgetLine,
    CommissioningProject,
    PlanStatus,
    StageKind,
    StageStatus,
)
from coproduce.testing.factories import (
    make_budget_line,
    make_method,
    make_project,
    member,
)
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[], None]


@pytest.fixture
def commissioner(organisation: Organisation) -> User:
    return member(organisation, Role.COMMISSIONER, first_name="Asha", last_name="Patel")


def expect_success(page: Page, text: str) -> None:
    """The green 'Done' banner says the last step worked."""
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(text)


def test_commissioner_plans_and_starts_the_analyse_stage(
    page: Page, live_server, organisation: Organisation, commissioner: User, check_accessible: Check
) -> None:
    decider = member(organisation, Role.DECISION_MAKER, first_name="Tom", last_name="Okafor")
    base = live_server.url
    sign_in(page, base, commissioner, check_accessible)

    # Start a project.
    page.get_by_role("button", name="Start a commissioning project").click()
    expect(page).to_have_url(f"{base}/projects/new/")
    check_accessible()
    page.get_by_label("Project title").fill("Day opportunities for adults")
    page.get_by_label("Service area").fill("Adult social care")
    page.get_by_label("Summary", exact=True).fill(
        "Recommissioning day services with the people who use them."
    )
    page.get_by_label("Operational").check()
    page.get_by_label("Lead officer").select_option(label="Asha Patel")
    page.get_by_label("Decision maker").select_option(label=decider.display_name)
    page.get_by_label("How the final decision is made").fill("Cabinet member decision in June.")
    page.get_by_label("Budget envelope for the service").fill("250000")
    page.get_by_label("Budget for involving people").fill("6000")
    page.get_by_label("Start date").fill("2026-02-02")
    page.get_by_label("End date").fill("2027-01-29")
    page.get_by_label("What people can change").fill("What a good day looks like, and where.")
    page.get_by_label("What is fixed, and why").fill("The total budget, set by the council.")
    page.get_by_label("How people can get involved").fill("Join the reference group.")
    page.get_by_label("Show on the public list of projects").check()
    page.get_by_role("button", name="Create project").click()

    expect_success(page, "Project 'Day opportunities for adults' created with its four stages.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Day opportunities for adults")
    check_accessible()
    project = CommissioningProject.objects.get(title="Day opportunities for adults")
    assert project.decision_maker == decider
    assert project.involvement_budget == Decimal("6000.00")

    # The Analyse stage: settle every readiness item, waiving the last with a reason.
    page.get_by_role("link", name="Analyse", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Analyse stage")
    check_accessible()
    update_links = page.get_by_role("link", name=re.compile(r"^Update"))

    def names() -> list[str]:
        return [" ".join(text.split()) for text in update_links.all_inner_texts()]

    checklist = names()
    assert len(checklist) == 6
    for position, link_text in enumerate(checklist):
        page.get_by_role("link", name=link_text, exact=True).click()
        item_name = page.get_by_role("heading", level=1).inner_text()
        check_accessible()
        if position < len(checklist) - 1:
            page.get_by_label("Done", exact=True).check()
            page.get_by_label("How it was done").fill("Agreed at the project board.")
        else:
            page.get_by_label("Waived", exact=True).check()
            page.get_by_label("If waived, why").fill("Covered by the council's standard offer.")
        page.get_by_role("button", name="Save").click()
        expect_success(page, f"Saved: {item_name}.")
        # The checklist stays in the same order as items are settled.
        assert names() == checklist
    expect(page.get_by_text("Waived", exact=True)).to_have_count(1)
    expect(page.get_by_text("still to do")).to_have_count(0)
    check_accessible()

    # The engagement plan.
    page.get_by_role("link", name="Change level of involvement and objectives").click()
    check_accessible()
    page.get_by_label(re.compile(r"^Co-produce")).check()
    page.get_by_label("What the involvement is for").fill("Agree with carers what matters most.")
    page.get_by_role("button", name="Save plan").click()
    expect_success(page, "Engagement plan saved.")

    page.get_by_role("button", name="Add a method").click()
    check_accessible()
    page.get_by_label("Method").select_option(label="Workshop")
    page.get_by_label("What it is for").fill("Co-design what a good day looks like.")
    page.get_by_label("Who it is for").fill("People who use day services and their carers.")
    page.get_by_label("Start date").fill("2026-03-02")
    page.get_by_role("button", name="Save method").click()
    expect_success(page, "Method added to the plan.")

    page.get_by_role("link", name="Add a budget line to workshop").click()
    check_accessible()
    page.get_by_label("What the money is for").select_option(label="Venue")
    page.get_by_label("Description").fill("Community centre hire")
    page.get_by_label("Amount").fill("350")
    page.get_by_role("button", name="Save budget line").click()
    expect_success(page, "Budget line added.")
    expect(page.get_by_text("Venue (Community centre hire): £350.00")).to_be_visible()
    check_accessible()

    # Publish the plan and start the stage.
    page.get_by_role("button", name="Publish the engagement plan").click()
    expect_success(page, "Engagement plan published.")
    page.get_by_role("button", name="Start the Analyse stage").click()
    expect_success(page, "The Analyse stage has started.")
    expect(page.get_by_role("button", name="Mark the Analyse stage complete")).to_be_visible()
    check_accessible()
    stage = project.stages.get(kind=StageKind.ANALYSE)
    assert stage.status == StageStatus.IN_PROGRESS
    assert stage.plan.status == PlanStatus.PUBLISHED
    assert BudgetLine.objects.filter(method__plan=stage.plan).count() == 1

    # The project's history of changes.
    page.goto(f"{base}/history/projects.commissioningproject/{project.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Day opportunities for adults")
    check_accessible()

    # The public page now shows the published plan.
    page.goto(f"{base}/get-involved/{project.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Day opportunities for adults")
    expect(page.get_by_text("Level of involvement: Co-produce.")).to_be_visible()
    expect(page.get_by_text("Agree with carers what matters most.")).to_be_visible()
    expect(
        page.get_by_text("Workshop from 2 March 2026: Co-design what a good day")
    ).to_be_visible()
    check_accessible()


def test_project_form_shows_errors_and_keeps_what_was_typed(
    page: Page, live_server, commissioner: User, check_accessible: Check
) -> None:
    base = live_server.url
    sign_in(page, base, commissioner, check_accessible)
    page.goto(f"{base}/projects/new/")
    page.get_by_label("Project title").fill("Meals at home")
    page.get_by_role("button", name="Create project").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(page.get_by_label("Project title")).to_have_value("Meals at home")
    assert CommissioningProject.objects.count() == 0
    check_accessible()

    # Every error in the summary links to its field, and the field shows the error too.
    links = summary.get_by_role("link")
    assert links.count() >= 10
    hrefs = [links.nth(n).get_attribute("href") or "" for n in range(links.count())]
    assert "#id_service_area" in hrefs
    assert "#id_level_0" in hrefs
    assert "#id_title" not in hrefs
    for href in hrefs:
        field = page.locator(href)
        expect(field).to_have_count(1)
        group = field.locator("xpath=ancestor::div[contains(@class, 'govuk-form-group')][1]")
        expect(group).to_have_class(re.compile("govuk-form-group--error"))
        expect(group.locator(".govuk-error-message")).to_be_visible()
    expect(page.locator("#id_service_area-error")).to_be_visible()
    expect(page.get_by_label("Service area")).to_have_attribute(
        "aria-describedby", re.compile("id_service_area-error")
    )
    summary.locator('a[href="#id_service_area"]').click()
    expect(page.get_by_label("Service area")).to_be_focused()


def test_public_can_read_projects_and_site_pages(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    project = make_project(organisation, title="Carers' breaks")
    make_project(organisation, title="Not yet public", is_public=False)
    base = live_server.url

    page.goto(f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Shape the services you use")
    check_accessible()

    page.get_by_role("button", name="See projects you can get involved in").click()
    expect(page).to_have_url(f"{base}/get-involved/")
    expect(page.get_by_role("link", name="Carers' breaks")).to_be_visible()
    expect(page.get_by_text("Not yet public")).to_have_count(0)
    check_accessible()

    page.get_by_role("link", name="Carers' breaks").click()
    expect(page).to_have_url(f"{base}/get-involved/{project.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Carers' breaks")
    expect(page.get_by_text("The plan for this stage has not been published yet.")).to_have_count(4)
    check_accessible()

    footer = page.get_by_role("contentinfo")
    for link, heading in [
        ("Accessibility statement", "Accessibility"),
        ("Privacy notice", "Privacy"),
        ("Cookies", "Cookies"),
    ]:
        footer.get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        check_accessible()

    # The ways to sign in.
    page.goto(f"{base}/")
    page.get_by_role("link", name="sign in with a password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check_accessible()
    page.get_by_role("link", name="Get a sign-in link by email").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Get a link to sign in")
    check_accessible()
    page.get_by_role("button", name="Send me a link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address.")
    check_accessible()


def test_keyboard_users_can_skip_to_the_main_content(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()


def test_budget_line_over_the_involvement_budget_is_refused(
    page: Page, live_server, organisation: Organisation, commissioner: User, check_accessible: Check
) -> None:
    project = make_project(
        organisation, lead=commissioner, title="Carers' breaks", involvement_budget=Decimal("500")
    )
    plan = project.stages.get(kind=StageKind.ANALYSE).plan
    method = make_method(plan)
    make_budget_line(method, "400.00")
    base = live_server.url

    sign_in(page, base, commissioner, check_accessible)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Projects").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commissioning projects")
    check_accessible()
    page.get_by_role("link", name="Carers' breaks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Carers' breaks")
    check_accessible()
    page.get_by_role("link", name="Analyse", exact=True).click()
    check_accessible()

    page.get_by_role("link", name="Add a budget line to workshop").click()
    page.get_by_label("What the money is for").select_option(label="BSL and language interpreters")
    page.get_by_label("Amount").fill("150")
    page.get_by_label("Why this is needed").fill("Two Deaf carers are coming.")
    page.get_by_role("button", name="Save budget line").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    error = page.locator("#id_amount-error")
    expect(error).to_contain_text("£50.00 over the project's involvement budget of £500.00")
    expect(page.get_by_label("Amount")).to_have_value("150")
    expect(page.get_by_label("Amount")).to_have_attribute(
        "aria-describedby", re.compile("id_amount-error")
    )
    expect(page.locator('.govuk-error-summary a[href="#id_amount"]')).to_be_visible()
    check_accessible()
    assert BudgetLine.objects.filter(method__plan=plan).count() == 1
