"""Surveys in Debian's chromium: staff build one, people answer it (and again with JavaScript
off, leaving and coming back by the private link), staff enter a paper response, and results
hide small numbers. axe checks every page it can (it needs scripts, so not the scripts-off
walk: the server sends the same pages)."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from coproduce.accounts.models import Organisation, Role
from coproduce.surveys import services
from coproduce.surveys.models import QuestionKind, Response, ResponseSource, Survey
from coproduce.surveys.tests.factories import make_question, make_response, make_survey
from coproduce.testing.factories import member
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[], None]


def test_staff_build_and_open_a_survey(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    facilitator = member(organisation, Role.FACILITATOR)
    sign_in(page, live_server.url, facilitator)
    page.goto(f"{live_server.url}/surveys/")
    check_accessible()
    page.get_by_role("link", name="Make a new survey").click()
    check_accessible()
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a title for the survey.")
    check_accessible()
    page.get_by_label("Title").fill("Short breaks: what matters to you")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Short breaks: what matters to you")
    check_accessible()

    page.get_by_role("link", name="Add a question to Your answers").click()
    check_accessible()
    page.get_by_label("Choose one").check()
    page.get_by_label("Question", exact=True).fill("Do you care for someone?")
    page.get_by_label("Answers to choose from").fill("Yes")
    page.get_by_role("button", name="Save question").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("at least 2 answers")
    expect(page.get_by_label("Question", exact=True)).to_have_value("Do you care for someone?")
    check_accessible()
    page.get_by_label("Answers to choose from").fill("Yes\nNo")
    page.get_by_role("button", name="Save question").click()

    page.get_by_role("link", name="Add a question to Your answers").click()
    page.get_by_label("Long text").check()
    page.get_by_label("Question", exact=True).fill("What would help you most?")
    page.get_by_role("button", name="Save question").click()
    check_accessible()

    page.get_by_role("link", name="Routing for: Do you care for someone?").click()
    check_accessible()
    page.get_by_label("If they answer “No”, go to").select_option(label="The end of the survey")
    page.get_by_role("button", name="Save routing").click()
    expect(page.locator("#main-content")).to_contain_text("If “No”: go to the end")

    page.get_by_role("button", name="Open for answers").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("open")
    check_accessible()
    survey = Survey.objects.get()
    assert survey.status == "open" and survey.questions.count() == 2


def _open_survey(organisation: Organisation) -> Survey:
    survey = make_survey(organisation, title="Short breaks survey", easy_read=True)
    make_question(
        survey,
        QuestionKind.SINGLE_CHOICE,
        text="Do you care for someone?",
        easy_read_text="Do you look after someone?",
        options=["Yes", "No"],
        required=True,
    )
    make_question(survey, QuestionKind.LONG_TEXT, text="What would help you most?")
    services.open_survey(survey)
    return survey


def _answer(page: Page, base_url: str, survey: Survey, check: Check) -> None:
    """Answer the first question, leave, come back by the link, finish and send."""
    page.goto(f"{base_url}/s/{survey.pk}/")
    check()
    page.get_by_role("button", name="Start now").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose an answer.")
    check()
    page.get_by_role("link", name="Show the easy-read version").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Do you look after someone?")
    check()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers are saved")
    check()
    link = page.locator(".govuk-inset-text a").get_attribute("href")
    assert link and "/s/r/" in link

    page.goto(link)  # coming back later, by the private link
    expect(page.get_by_role("heading", level=1)).to_contain_text("What would help you most?")
    check()
    page.get_by_label("What would help you most?").fill("Breaks at weekends")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.locator("#answers")).to_contain_text("Breaks at weekends")
    check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Answers sent")
    check()
    page.go_back()  # a reload or back after sending never makes a second response
    page.reload()


def test_a_person_answers_leaves_and_comes_back(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    survey = _open_survey(organisation)
    _answer(page, live_server.url, survey, check_accessible)
    response = Response.objects.get()
    assert response.is_submitted and response.answers.count() == 2


def test_answering_works_without_javascript(
    browser: Browser, live_server, organisation: Organisation
) -> None:
    survey = _open_survey(organisation)
    context = browser.new_context(java_script_enabled=False)
    _answer(context.new_page(), live_server.url, survey, lambda: None)
    context.close()
    response = Response.objects.get()
    assert response.is_submitted and response.easy_read
    assert response.answers.get(question__kind=QuestionKind.LONG_TEXT).text == "Breaks at weekends"


def test_staff_enter_paper_answers_and_see_results_with_small_numbers_hidden(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    survey = _open_survey(organisation)
    choice = survey.questions.get(kind=QuestionKind.SINGLE_CHOICE)
    for _ in range(9):
        make_response(survey, {choice: "Yes"}, area="AB1")
    facilitator = member(organisation, Role.FACILITATOR)
    sign_in(page, live_server.url, facilitator)
    page.goto(f"{live_server.url}/surveys/{survey.pk}/")
    check_accessible()
    page.get_by_role("link", name="Enter paper, phone or event answers").click()
    check_accessible()
    page.get_by_role("button", name="Save this response").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose how the answers were given."
    )
    check_accessible()
    page.get_by_label("On paper").check()
    page.get_by_label("Postcode").fill("CD2 3EF")
    page.get_by_role("group", name="Do you care for someone?").get_by_label("No").check()
    page.get_by_label("What would help you most?").fill("A carers' cafe nearby")
    page.get_by_role("button", name="Save this response").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("saved")
    paper = Response.objects.get(source=ResponseSource.PAPER)
    assert paper.entered_by == facilitator and paper.area == "CD2"

    page.goto(f"{live_server.url}/surveys/{survey.pk}/results/")
    expect(page.locator("#main-content")).to_contain_text("10 responses sent")
    # 9 said Yes and 1 No: the 1 is hidden, and so is the 9 that would give it away.
    table = page.get_by_role("table", name="Do you care for someone?: answers in figures")
    expect(table).to_contain_text("Hidden")
    expect(table).not_to_contain_text("9")
    check_accessible()
    page.get_by_role("link", name="Compare answers between groups").click()
    check_accessible()
    page.get_by_label("Broken down by").select_option(label="Area (postcode district)")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("#main-content")).to_contain_text("CD2")
    check_accessible()
    page.goto(f"{live_server.url}/surveys/{survey.pk}/results/")
    page.get_by_role("link", name="Read what people wrote").click()
    expect(page.locator("#main-content")).to_contain_text("A carers' cafe nearby")
    check_accessible()
