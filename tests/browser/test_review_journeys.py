"""Co-review in Debian's chromium: an officer builds an outcomes framework, enters figures and
sees them rated against target; a facilitator records a mystery shopping visit whose findings
become contributions waiting for a decision; staff and participants score the organisation's
co-production practice and see their scores side by side. axe checks every page."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from coproduce.accounts.models import Organisation, Role
from coproduce.feedback.models import Contribution, ContributionKind
from coproduce.review import services
from coproduce.review.models import SelfAssessment
from coproduce.review.tests.factories import (
    all_scores,
    make_characteristic,
    make_service,
)
from coproduce.testing.factories import make_person, make_project, member
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[], None]


def test_an_officer_builds_outcomes_enters_figures_and_sees_them_rated(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    officer = member(organisation, Role.COMMISSIONER)
    project = make_project(organisation, lead=officer, title="Carers' support service")
    make_service(project, name="Carers' hub")
    sign_in(page, live_server.url, officer)
    page.get_by_role("link", name="Review", exact=True).click()
    check_accessible()
    page.get_by_role("link", name="Carers' support service").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Carers' support service")
    check_accessible()

    page.get_by_role("link", name="Add an outcome").click()
    page.get_by_label("The outcome, in people's words").fill("I get a break when I need one")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter whose words these are.")
    expect(page.get_by_label("The outcome, in people's words")).to_have_value(
        "I get a break when I need one"
    )
    check_accessible()
    page.get_by_label("Whose words").fill("Carers' reference group, March 2026")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Outcome saved")

    page.get_by_role("link", name="Add an indicator to outcome 1").click()
    check_accessible()
    page.get_by_label("Indicator", exact=True).fill("Carers who had a break in 3 months")
    page.get_by_label("Unit (optional)", exact=True).fill("%")
    page.get_by_label("Baseline (optional)", exact=True).fill("40")
    page.get_by_label("Target", exact=True).fill("60")
    page.get_by_label("Quarterly").check()
    page.get_by_label("Data source").fill("Hub's quarterly carers' survey")
    page.get_by_label("Service").select_option(label="Carers' hub (Northshire Carers' Centre)")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="No figure yet")).to_be_visible()
    check_accessible()

    page.get_by_role("link", name="Carers who had a break in 3 months").click()
    check_accessible()
    periods = (("2026-01-01", "2026-03-31", "62"), ("2026-04-01", "2026-06-30", "x"))
    for start, end, figure in periods:
        page.get_by_label("Start of the period").fill(start)
        page.get_by_label("End of the period").fill(end)
        page.get_by_label("Figure", exact=True).fill(figure)
        page.get_by_role("button", name="Save figure").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the figure as a number, like 75 or 12.5."
    )
    expect(page.get_by_label("Start of the period")).to_have_value("2026-04-01")
    check_accessible()
    page.get_by_label("Figure", exact=True).fill("56")
    page.get_by_role("button", name="Save figure").click()
    table = page.get_by_role("table", name="Carers who had a break in 3 months: figures by period")
    expect(table).to_contain_text("62")
    expect(table).to_contain_text("Green: target met")
    expect(table).to_contain_text("Amber: close to target")
    expect(page.get_by_role("img", name="Bar chart of Carers who had a break")).to_be_visible()
    check_accessible()

    page.get_by_role("link", name="Back to the outcomes framework").click()
    expect(page.get_by_role("cell", name="Amber: close to target")).to_be_visible()
    check_accessible()


def test_a_mystery_shopping_visit_becomes_contributions_for_a_decision(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    facilitator = member(organisation, Role.FACILITATOR)
    service = make_service(make_project(organisation), name="Carers' hub")
    make_characteristic(service, "You can reach someone on the phone the same day")
    shopper = make_person(organisation, name="Pat Evans", preferred_name="")
    sign_in(page, live_server.url, facilitator)
    page.goto(f"{live_server.url}/review/services/{service.pk}/")
    check_accessible()
    page.get_by_role("link", name="Record a review visit").click()
    page.get_by_label("Mystery shopping").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter who carried out the review."
    )
    check_accessible()
    page.get_by_label("Date of the visit or call").fill("2026-02-10")
    page.get_by_label("Who carried it out").fill("Two carers from the reference group")
    page.get_by_label("Pat Evans").check()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Mystery shopping checklist")
    check_accessible()
    page.get_by_label("When did you contact the service?").fill("2026-02-10")
    page.get_by_label("Phone", exact=True).check()
    page.get_by_role("group", name="Overall, how was your experience?").get_by_label(
        "Poor", exact=True
    ).check()
    page.get_by_role("button", name="Save the checklist").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Against what a good service is like")
    check_accessible()
    page.get_by_label("No", exact=True).check()
    page.get_by_label("What they saw").fill("On hold for 25 minutes")
    page.get_by_role("button", name="Save ratings").click()

    for kind, words in (
        ("Finding", "Carers wait too long on the phone."),
        ("Recommendation", "Offer a call-back."),
    ):
        page.get_by_role("link", name="Add a finding or recommendation").click()
        page.get_by_label(kind, exact=True).check()
        page.get_by_label("What they found or recommend").fill(words)
        page.get_by_role("button", name="Save").click()
    check_accessible()
    expect(page.locator("main")).to_contain_text("On hold for 25 minutes")
    page.get_by_role("button", name="Send 2 for a decision").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "2 sent for a decision"
    )
    expect(page.get_by_text("Waiting for a decision")).to_have_count(2)
    check_accessible()
    contributions = Contribution.objects.filter(kind=ContributionKind.REVIEW_FINDING)
    assert sorted(c.summary.split(": ", 1)[1] for c in contributions) == [
        "Carers wait too long on the phone.",
        "Offer a call-back.",
    ]
    assert all(c.contributors.get().person == shopper for c in contributions)


def test_staff_and_participants_scores_are_shown_side_by_side(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    facilitator = member(organisation, Role.FACILITATOR)
    sign_in(page, live_server.url, facilitator)
    page.goto(f"{live_server.url}/review/self-assessment/")
    check_accessible()
    page.get_by_role("button", name="Open the round").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for this round")
    check_accessible()
    page.get_by_label("Name of this round").fill("Spring 2026")
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring 2026")
    check_accessible()

    # The facilitator's own scores, on the staff side (one statement missed at first).
    page.get_by_role("link", name="Give your scores").click()
    check_accessible()
    keys = list(all_scores())
    for key in keys[1:]:
        page.locator(f"#id_{key}_3").check()
    page.get_by_role("button", name="Send scores").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose a score for this statement."
    )
    expect(page.locator(f"#id_{keys[1]}_3")).to_be_checked()
    check_accessible()
    page.locator(f"#id_{keys[0]}_3").check()
    page.get_by_role("button", name="Send scores").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scores sent")
    check_accessible()

    # A participant's paper scores, then four more participants.
    assessment = SelfAssessment.objects.get()
    page.goto(f"{live_server.url}/review/self-assessment/{assessment.pk}/paper/")
    check_accessible()
    for key in keys:
        page.locator(f"#id_{key}_1").check()
    page.get_by_role("button", name="Send scores").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Scores saved")
    page.goto(f"{live_server.url}/review/self-assessment/{assessment.pk}/")
    areas = page.get_by_role("table", name="Average scores by area")
    expect(areas).to_contain_text("Hidden: too few answered")
    check_accessible()
    for _ in range(4):
        services.submit_scores(
            assessment, all_scores(2), entered_by=member(organisation, Role.PARTICIPANT)
        )
    page.reload()
    culture = areas.get_by_role("row", name="Culture")
    expect(culture).to_contain_text("4.0")  # staff: 4 on the scale of 1 to 5
    expect(culture).to_contain_text("2.0")  # participants: one 2 (paper) and four 2s
    expect(page.get_by_role("img", name="Bar chart of average scores by area")).to_be_visible()
    check_accessible()
