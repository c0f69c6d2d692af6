"""Procurement in Debian's chromium, with axe on every page: an officer sets up a tender; two
carers declare conflicts, choose and score questions; an officer moderates; a bidder answers
within the word limit (an answer over it is refused with the text kept)."""

import datetime
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from sesame.utils import get_query_string

from coproduce.accounts.models import Organisation, Role, User
from coproduce.procurement import services
from coproduce.procurement.models import Moderation, Score, ScoreStatus, TenderStatus
from coproduce.procurement.tests.factories import (
    bidder_user,
    make_bidder,
    make_lay_evaluator,
    make_officer,
    make_open_tender,
    make_submitted_bid,
    make_tender,
)
from coproduce.testing.factories import PASSWORD, make_project, member
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[], None]


def test_an_officer_sets_up_a_tender_and_opens_it_for_bids(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    lead = member(organisation, Role.COMMISSIONER, first_name="Chris", last_name="Patel")
    make_project(organisation, title="Carers' support service", lead=lead)
    sign_in(page, live_server.url, lead)
    page.goto(f"{live_server.url}/tenders/")
    check_accessible()
    page.get_by_role("link", name="New tender for Carers' support service").click()
    check_accessible()
    page.get_by_label("Title").fill("Carers' support 2027")
    page.get_by_label("Reference").fill("NCC-2026-014")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Carers' support 2027")
    check_accessible()

    page.get_by_role("link", name="Add a criterion").click()
    check_accessible()
    page.get_by_label("Name").fill("Support for carers")
    page.get_by_label("Weight (%)").fill("70")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Add a question").click()
    check_accessible()
    page.get_by_label("Question", exact=True).fill("How will carers get a break they can rely on?")
    page.get_by_label("Word limit").fill("500")
    page.get_by_label("Weight (%)").fill("60")
    page.get_by_label("What service users and carers said they would look for").fill(
        "A genuine desire to include and listen to carers."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-warning-text")).to_contain_text("Before it can open for bids")
    check_accessible()

    # The question weights do not add up to the criterion's: opening is refused, saying why.
    page.get_by_role("button", name="Open for bids").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("have weights adding up to 60")
    check_accessible()
    page.get_by_role("link", name="1. How will carers get a break").click()
    page.get_by_label("Weight (%)").fill("70")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Open for bids").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("open for bids")
    check_accessible()


def _sign_in_by_link(page: Page, base_url: str, user: User) -> None:
    """Opens the emailed sign-in link. Links work once: each is made for the user as they
    are now (their last sign-in is part of it)."""
    page.context.clear_cookies()
    fresh = User.objects.get(pk=user.pk)
    page.goto(f"{base_url}/sign-in/email-link/open/{get_query_string(fresh)}")


def test_two_carers_choose_and_score_then_an_officer_moderates(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    tender = make_open_tender(organisation, questions=2)
    lead = tender.created_by
    bidders = [make_bidder(tender, "Carers First"), make_bidder(tender, "Coast Care")]
    for bidder in bidders:
        make_submitted_bid(bidder)
    services.close_bids(tender)
    pat = make_lay_evaluator(tender, "Pat Evans")
    jo = make_lay_evaluator(tender, "Jo Carter")
    officer = make_officer(tender)
    services.record_briefing(
        tender,
        held_on=datetime.date(2026, 3, 2),
        led_by=lead,
        attendees=[pat, jo, officer],
        plain_guide_given=True,
        flow_chart_given=True,
    )
    for question in tender.questions.all():
        services.assign_officers(question, [officer])
    for bidder in bidders:
        services.declare(officer, bidder, has_conflict=False, nature="", by=lead)

    for evaluator in (pat, jo):
        assert evaluator.user is not None
        _sign_in_by_link(page, live_server.url, evaluator.user)
        page.goto(f"{live_server.url}/my-involvement/evaluation/")
        check_accessible()
        page.get_by_role("link", name=tender.title).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(tender.title)
        check_accessible()
        for bidder in bidders:
            page.get_by_role("link", name=f"Answer for {bidder.name}").click()
            check_accessible()
            page.get_by_label("No").check()
            page.get_by_role("button", name="Save").click()
        page.get_by_role("link", name="Choose which questions you will score").click()
        page.get_by_role("button", name="Save my choice").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Choose at least one question to score."
        )
        check_accessible()
        page.get_by_label("Question 1:").check()
        page.get_by_role("button", name="Save my choice").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("saved")

    # Question 2 has no lay evaluators: the officer sees why scoring cannot start yet.
    sign_in(page, live_server.url, lead)
    page.goto(f"{live_server.url}/tenders/{tender.pk}/")
    page.get_by_role("button", name="Start scoring").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Question 2 is open to lay evaluators and needs at least two of them; 0 chose it."
    )
    check_accessible()
    question_2 = tender.questions.get(number=2)
    question_2.lay_may_score = False
    question_2.save()
    page.get_by_role("button", name="Start scoring").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Lay evaluators have been told"
    )
    tender.refresh_from_db()
    assert tender.status == TenderStatus.SCORING

    for evaluator, mark in ((pat, "2"), (jo, "4")):
        assert evaluator.user is not None
        _sign_in_by_link(page, live_server.url, evaluator.user)
        page.goto(f"{live_server.url}/my-involvement/evaluation/{evaluator.pk}/")
        check_accessible()
        for bidder in bidders:
            page.get_by_role("link", name=f"Question 1, {bidder.name}").click()
            check_accessible()
            page.get_by_role("radio", name=f"{mark}: ").check()
            page.get_by_label("Why you gave this score").fill("They explain how breaks work.")
            page.get_by_role("button", name="Submit score").click()
            expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
                "Score submitted"
            )
    for answer in services.answers_to_score(officer).filter(question__number=1):
        services.save_score(
            officer,
            answer,
            score=3,
            justification="Sound plan.",
            entered_by=lead,
            submit=True,
        )
    assert Score.objects.filter(status=ScoreStatus.SUBMITTED).count() == 6

    sign_in(page, live_server.url, lead)
    page.goto(f"{live_server.url}/tenders/{tender.pk}/")
    page.get_by_role("link", name="Check and open moderation for question 1").click()
    check_accessible()
    page.get_by_role("button", name="Open moderation").click()
    expect(page.get_by_text("Large spread: discuss").first).to_be_visible()
    check_accessible()
    page.get_by_role("link", name="Agree a score for Carers First").click()
    check_accessible()
    page.get_by_role("radio", name="3: Good").check()
    page.get_by_role("button", name="Save the agreed score").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Write why the panel agreed this score.")
    expect(summary).to_contain_text("Lay evaluator A gave 2.")
    check_accessible()
    page.get_by_label("Why the panel agreed this score").fill("Clear on breaks; thin on waits.")
    page.get_by_label("why it differs from Lay evaluator A's score").fill(
        "Pat agreed the waiting times plan was better than she first thought."
    )
    page.get_by_label("why it differs from Lay evaluator B's score").fill(
        "Jo agreed the plan for waits was thin."
    )
    page.get_by_role("button", name="Save the agreed score").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Agreed score")
    check_accessible()
    assert Moderation.objects.get(answer__bid__bidder=bidders[0]).consensus_score == 3


def test_a_bidder_answers_within_the_word_limit_and_submits(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    tender = make_tender(organisation, questions=1)
    services.open_for_bids(tender, tender.created_by)
    priya = member(organisation, Role.PROVIDER, first_name="Priya", last_name="Shah")
    make_bidder(tender, "Northshire Carers' Centre", priya)
    assert bidder_user(tender.bidders.get()) == priya

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(priya.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/bids/")
    check_accessible()
    page.get_by_role("link", name=f"{tender.reference}: {tender.title}").click()
    check_accessible()
    page.get_by_role("button", name="Start a bid for Lot 1: Whole contract").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your bid for Lot 1: Whole contract")
    check_accessible()
    page.get_by_role("link", name="Answer question 1").click()
    check_accessible()
    too_long = " ".join(["carers"] * 612)
    page.get_by_label("Your answer").fill(too_long)
    page.get_by_role("button", name="Save answer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Your answer to question 1 has 612 words. The limit is 500. Shorten it by 112 words."
    )
    expect(page.get_by_label("Your answer")).to_have_value(too_long)
    check_accessible()
    page.get_by_label("Your answer").fill("We will listen to carers and plan breaks with them.")
    page.get_by_role("button", name="Save answer").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("10 words of 500")
    page.get_by_role("button", name="Submit your bid").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your price.")
    check_accessible()
    page.get_by_role("link", name="Enter price").click()
    check_accessible()
    page.get_by_label("Your price for the contract (£)").fill("95000")
    page.get_by_role("button", name="Save price").click()
    page.get_by_role("button", name="Submit your bid").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Bid submitted")
    check_accessible()
    # The clarification log: asked by one bidder, shared with all without saying who asked.
    page.get_by_role("link", name=tender.title).click()
    page.get_by_label("Your question").fill("Will staff transfer under TUPE?")
    page.get_by_role("button", name="Ask a question").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Question sent")
    check_accessible()
