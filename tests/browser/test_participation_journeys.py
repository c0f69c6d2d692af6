"""Browser journey for participation, with axe on every page: a new participant who needs easy
read gets their briefing, agrees the role description and the confidentiality agreement, a
facilitator records the training they completed, and they get their certificate."""

from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from sesame.utils import get_query_string

from coproduce.accounts.models import Organisation, Role, User
from coproduce.participation import services
from coproduce.participation.models import (
    Agreement,
    AgreementKind,
    BriefingMember,
    Recognition,
    TrainingOffer,
    TrainingStatus,
)
from coproduce.participation.tests.factories import (
    give_sign_in,
    make_briefing,
    make_role,
    make_version,
    people_of,
)
from coproduce.people.models import ConsentMethod, Format
from coproduce.testing.factories import member
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[], None]


def _sign_in_by_link(page: Page, base_url: str, user: User) -> None:
    page.context.clear_cookies()
    fresh = User.objects.get(pk=user.pk)
    page.goto(f"{base_url}/sign-in/email-link/open/{get_query_string(fresh)}")


def test_a_new_participant_is_briefed_agrees_is_trained_and_gets_a_certificate(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    facilitator = member(organisation, Role.FACILITATOR, first_name="Fran", last_name="Hughes")
    opportunity = make_role(organisation, people=1, title="Carers on the evaluation panel")
    (gareth,) = people_of(opportunity)
    gareth.name = "Gareth Jones"
    gareth.preferred_format = Format.EASY_READ
    gareth.save()
    user = give_sign_in(gareth)
    briefing = make_briefing(
        opportunity, easy_read="We are choosing who runs the carers' hub.\nYou can help us choose."
    )
    services.save_member(
        BriefingMember(briefing=briefing, name="Fran Hughes", role="She helps you take part")
    )
    make_version(opportunity, AgreementKind.ROLE)
    make_version(opportunity, AgreementKind.CONFIDENTIALITY)
    offer = services.save_offer(
        TrainingOffer(
            project=opportunity.project,
            topic="evaluating_bids",
            title="Scoring bids with confidence",
            starts_on=timezone.localdate(),
        )
    )
    services.offer_places(offer, [gareth])

    # The facilitator sends the briefing: Gareth gets the easy-read version.
    sign_in(page, live_server.url, facilitator, check_accessible)
    page.get_by_role("link", name="Participation").click()
    check_accessible()
    page.get_by_role("link", name="Carers on the evaluation panel").click()
    check_accessible()
    page.get_by_role("button", name="Send the briefing to everyone in the role").click()
    expect(page.get_by_text("Briefing sent to 1 person")).to_be_visible()
    check_accessible()

    # Gareth opens the link he was sent and reads his briefing in easy read.
    _sign_in_by_link(page, live_server.url, user)
    page.goto(f"{live_server.url}/my-involvement/")
    page.get_by_role("link", name="My role and training").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My role and training")
    check_accessible()
    page.get_by_role("link", name="Read your briefing").click()
    expect(page.get_by_text("You can help us choose.")).to_be_visible()
    expect(page.get_by_text("Fran Hughes: She helps you take part.")).to_be_visible()
    check_accessible()
    page.get_by_role("link", name="Read the standard version").click()
    expect(
        page.get_by_role("heading", name="Words you may hear")
        .or_(page.get_by_role("heading", name="What you can change"))
        .first
    ).to_be_visible()
    check_accessible()

    # He agrees the role description, then the confidentiality agreement. Agreeing without
    # ticking the box says what to do.
    page.get_by_role("link", name="My role", exact=True).click()
    page.get_by_role("link", name="Role description and involvement agreement").click()
    check_accessible()
    page.get_by_role("button", name="Agree").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Tick the box")
    check_accessible()
    page.get_by_label("I have read this and I agree").check()
    page.get_by_role("button", name="Agree").click()
    expect(page.get_by_text("You agreed the role description")).to_be_visible()
    check_accessible()
    page.get_by_role("link", name="Confidentiality agreement").click()
    check_accessible()
    page.get_by_label("I have read this and I agree").check()
    page.get_by_role("button", name="Agree").click()
    expect(page.get_by_text("You have agreed everything for this role.")).to_be_visible()
    check_accessible()
    assert set(Agreement.objects.filter(person=gareth).values_list("version__kind", "method")) == {
        (AgreementKind.ROLE, ConsentMethod.ONLINE),
        (AgreementKind.CONFIDENTIALITY, ConsentMethod.ONLINE),
    }

    # The facilitator records that he completed the training.
    page.context.clear_cookies()
    sign_in(page, live_server.url, facilitator)
    page.goto(f"{live_server.url}/participation/training/")
    check_accessible()
    page.get_by_role("link", name="Scoring bids with confidence").click()
    check_accessible()
    page.get_by_role("link", name="Change Gareth Jones's place").click()
    check_accessible()
    page.get_by_label("Completed", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Gareth Jones: completed.")).to_be_visible()
    check_accessible()
    assert offer.places.get().status == TrainingStatus.COMPLETED

    # Gareth asks for his certificate, which lists the training.
    _sign_in_by_link(page, live_server.url, user)
    page.goto(f"{live_server.url}/my-involvement/my-role/")
    expect(page.get_by_text("Scoring bids with confidence")).to_be_visible()
    check_accessible()
    page.get_by_role("link", name="Get a certificate of what you have done with us").click()
    expect(page.get_by_text("Completed training: Scoring bids with confidence")).to_be_visible()
    check_accessible()
    page.get_by_role("button", name="Make my certificate").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Tick the box")
    check_accessible()
    page.get_by_label("Yes, make a certificate of my involvement").check()
    page.get_by_role("button", name="Make my certificate").click()
    expect(page.get_by_text("Your certificate is ready.")).to_be_visible()
    check_accessible()
    recognition = Recognition.objects.get(person=gareth)
    link = page.get_by_role("link", name="Your certificate of involvement")
    expect(link).to_be_visible()
    pdf = page.request.get(f"{live_server.url}/participation/recognition/{recognition.pk}.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
