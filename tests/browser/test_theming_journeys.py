"""Theming a survey's open question end to end in Debian's chromium: suggest themes in the
background, curate them, tag examples, give every comment its themes, check the least certain,
read the results. axe checks every page. The real model takes tens of seconds to load on two
cores, so the tests' small word embedding stands in for it (the journey is about the pages)."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from coproduce.accounts.models import Organisation, Role
from coproduce.testing.factories import member
from coproduce.theming import embedding
from coproduce.theming.models import Theme, ThemeAssignment, ThemeExample
from coproduce.theming.tests.factories import make_open_question
from coproduce.theming.tests.words import embed_words
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[], None]


@pytest.fixture(autouse=True)
def _small_embedding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedding, "embed", embed_words)


def test_an_officer_themes_a_question_end_to_end(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    question = make_open_question(organisation)
    facilitator = member(organisation, Role.FACILITATOR)
    sign_in(page, live_server.url, facilitator)
    page.goto(f"{live_server.url}/surveys/{question.survey_id}/results/")
    page.get_by_role("link", name="Themes in what people wrote").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Themes in what people wrote")
    check_accessible()

    # 1. Suggest themes, in the background.
    page.get_by_role("link", name="Suggest themes").click()
    check_accessible()
    page.get_by_label("How many themes").fill("lots")
    page.get_by_role("button", name="Suggest themes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a whole number")
    expect(page.get_by_label("How many themes")).to_have_value("lots")
    check_accessible()
    page.get_by_label("How many themes").fill("3")
    page.get_by_role("button", name="Suggest themes").click()
    expect(page.get_by_role("status")).to_contain_text("Finished")
    expect(page.locator("#main-content")).to_contain_text("Proposed 3 themes")
    check_accessible()
    page.get_by_role("link", name="Go to the themes").click()
    expect(page.locator("table")).to_contain_text("3 themes")
    check_accessible()

    # 2. Curate: name the parking theme, add one, merge it in, then check another's quotes.
    page.locator("tbody tr", has_text="park").get_by_role("link").click()
    expect(page.locator("#main-content")).to_contain_text("Comments that show it best")
    check_accessible()
    page.get_by_role("link", name="Rename or describe").click()
    check_accessible()
    page.get_by_label("Name").fill("")
    page.get_by_label("What it covers").fill("Parking near the clinic and what it costs")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the theme.")
    expect(page.get_by_label("What it covers")).to_have_value(
        "Parking near the clinic and what it costs"
    )
    check_accessible()
    page.get_by_label("Name").fill("Parking")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Parking")

    page.get_by_role("link", name="Back to the themes").click()
    page.get_by_role("link", name="Add a theme").click()
    check_accessible()
    page.get_by_label("Name").fill("Car park")
    page.get_by_role("button", name="Add the theme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tag examples of “Car park”")
    page.get_by_label("Search the comments").fill("full")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Tag as an example").first.click()
    expect(page.locator(".govuk-tag", has_text="Example")).to_have_count(1)
    page.get_by_role("link", name="Back to the theme").click()
    page.get_by_role("link", name="Merge others into it").click()
    check_accessible()
    page.get_by_role("button", name="Merge").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose at least one other")
    check_accessible()
    page.get_by_role("link", name="Back", exact=True).click()
    page.get_by_role("link", name="Back to the themes").click()
    page.get_by_role("link", name="Parking", exact=True).click()
    page.get_by_role("link", name="Merge others into it").click()
    page.get_by_label("Car park").check()
    page.get_by_role("button", name="Merge").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Merged “Car park” into “Parking”"
    )
    check_accessible()
    assert not Theme.objects.filter(label="Car park").exists()

    # 3. Tag examples: search the comments, and tag them (HTMX changes just the row).
    page.get_by_role("link", name="Tag examples").click()
    check_accessible()
    page.get_by_label("Search the comments").fill("park")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#main-content")).to_contain_text("comments containing “park”")
    for _ in range(2):
        page.get_by_role("button", name="Tag as an example").first.click()
        page.wait_for_load_state("networkidle")
    expect(page.locator(".govuk-tag", has_text="Example")).to_have_count(3)
    check_accessible()
    page.get_by_role("link", name="Back to the theme").click()
    page.get_by_role("link", name="Back to the themes").click()
    topics: dict[str, str | re.Pattern[str]] = {
        "staff": "staff",
        "waited": re.compile("wait|appointment|late|months|hours|seen"),
    }
    for words, keywords in topics.items():
        page.locator("tbody tr", has_text=keywords).get_by_role("link").click()
        page.get_by_role("link", name="Tag examples").click()
        page.get_by_label("Search the comments").fill(words)
        page.get_by_role("button", name="Search").click()
        page.get_by_role("button", name="Tag as an example").first.click()
        expect(page.locator(".govuk-tag", has_text="Example")).to_have_count(1)
        page.get_by_role("link", name="Back to the theme").click()
        page.get_by_role("link", name="Back to the themes").click()
    assert ThemeExample.objects.count() == 5

    # 4. Give every comment its themes, in the background.
    page.get_by_role("button", name="Give every comment its themes").click()
    expect(page.locator("#main-content")).to_contain_text("Assigned themes to 24 answers.")
    check_accessible()

    # 5. Check the least certain.
    page.get_by_role("link", name="Check the comments it was least sure of").click()
    expect(page.locator("#main-content")).to_contain_text("24 comments not checked yet")
    check_accessible()
    first = page.locator("section").first
    first.get_by_label("Parking").check()
    first.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Saved your check")
    expect(page.locator("#main-content")).to_contain_text("23 comments not checked yet")
    check_accessible()
    assert ThemeAssignment.objects.filter(checked=True, given=True).count() >= 1

    # 6. Results: a chart and a table with the same figures, quotes, comments by theme.
    page.get_by_role("link", name="Back to the themes").click()
    page.get_by_role("link", name="How many comments raised each theme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What people wrote, by theme")
    parking = ThemeAssignment.objects.filter(theme__label="Parking", given=True).count()
    row = page.locator("tbody tr", has_text="Parking")
    expect(row.locator("td").first).to_have_text(str(parking))
    percent = f"{100 * parking / 24:.1f}".removesuffix(".0")
    expect(row.locator("td").last).to_have_text(f"{percent}%")
    expect(page.locator(".cp-chart__row", has_text="Parking")).to_contain_text(
        f"{percent}% ({parking})"
    )
    check_accessible()
    page.get_by_role("link", name=f"Read all {parking} comments about Parking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comments about “Parking”")
    expect(page.locator("#main-content")).to_contain_text(f"{parking} comments match")
    check_accessible()


def test_tagging_examples_works_without_javascript(
    browser: Browser, live_server, organisation: Organisation
) -> None:
    question = make_open_question(organisation, repeat=1)
    facilitator = member(organisation, Role.FACILITATOR)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server.url, facilitator)
    page.goto(f"{live_server.url}/themes/questions/{question.pk}/")
    page.get_by_role("link", name="Add a theme").click()
    page.get_by_label("Name").fill("Staff")
    page.get_by_role("button", name="Add the theme").click()
    page.get_by_label("Search the comments").fill("kind")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Tag as an example").first.click()
    # Back on the same search, the tagged comment first.
    expect(page.get_by_label("Search the comments")).to_have_value("kind")
    expect(page.locator(".govuk-tag", has_text="Example")).to_have_count(1)
    assert ThemeExample.objects.get().answer.text == "The staff were kind and caring"
    context.close()
