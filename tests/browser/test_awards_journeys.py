"""Awards in Debian's chromium, with axe on every page: an officer records the award from the
moderated totals, the decision-maker signs it off, the standstill passes and the lay evaluators
are told; a bidder then reads its assessment summary, where no evaluator is named."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from coproduce.accounts.models import Organisation, Role
from coproduce.awards.models import Award
from coproduce.awards.tests.factories import make_moderated_tender
from coproduce.notifications.models import Delivery
from coproduce.people.models import ConsentPurpose
from coproduce.people.services import give_consent
from coproduce.procurement.tests.factories import bidder_user
from coproduce.testing.factories import PASSWORD, member
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[], None]


def test_award_sign_off_standstill_and_the_bidders_summary(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    world = make_moderated_tender(organisation)
    for evaluator in world.lay:
        assert evaluator.person is not None
        give_consent(evaluator.person, ConsentPurpose.CONTACT, "online", None)
    tender = world.tender
    dee = member(organisation, Role.DECISION_MAKER, first_name="Dee", last_name="Morgan")

    # The officer who leads the tender sees the totals and records the award.
    sign_in(page, live_server.url, world.lead)
    page.goto(f"{live_server.url}/tenders/{tender.pk}/awards/")
    check_accessible()
    page.get_by_role("link", name="Totals and ranking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Totals and ranking")
    check_accessible()
    page.goto(f"{live_server.url}/tenders/{tender.pk}/awards/new/")
    check_accessible()
    page.get_by_role("button", name="Record the award").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check_accessible()
    page.get_by_label("Lot 1:").check()
    page.get_by_label("Carers First (lot 1)").check()
    page.get_by_role("button", name="Record the award").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Award of lot 1")
    check_accessible()
    award = Award.objects.get()

    # The decision-maker signs it off.
    page.context.clear_cookies()
    sign_in(page, live_server.url, dee)
    page.goto(f"{live_server.url}/awards/{award.pk}/")
    page.get_by_label("Decision note").fill("Agreed at cabinet on 1 March.")
    page.get_by_role("button", name="Sign off").click()
    expect(page.get_by_text("Agreed at cabinet on 1 March.")).to_be_visible()
    check_accessible()

    # The notice went out in March: the standstill period has ended, so the officer can
    # enter the contract and tell the lay evaluators.
    page.context.clear_cookies()
    sign_in(page, live_server.url, world.lead)
    page.goto(f"{live_server.url}/awards/{award.pk}/")
    page.get_by_label("Contract award notice published on").fill("2026-03-02")
    page.get_by_label("Contract entered into on").fill("2026-03-05")
    page.get_by_role("button", name="Save dates").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        page.get_by_role(
            "link",
            name="The standstill period ends on Wednesday 11 March 2026. The contract can only be entered into after that: enter a later date.",
        )
    ).to_be_visible()
    check_accessible()
    page.get_by_label("Contract entered into on").fill("2026-03-12")
    page.get_by_role("button", name="Save dates").click()
    expect(page.get_by_text("Contract entered into", exact=True).first).to_be_visible()
    page.get_by_role("button", name="Tell the lay evaluators now").click()
    expect(page.get_by_text("Lay evaluators told: 2 messages")).to_be_visible()
    check_accessible()
    told = Delivery.objects.filter(topic=f"award:{award.pk}:lay-evaluators")
    assert {d.person_id for d in told} == {e.person_id for e in world.lay}

    # The bidder that lost reads its assessment summary: its marks, the winner's, the reasons,
    # and nobody's name.
    page.context.clear_cookies()
    provider = bidder_user(world.bidders[1])
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(provider.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/awards/{award.pk}/bids/{world.bids[1].pk}/summary/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessment summary")
    check_accessible()
    text = page.content()
    assert "Rationale for Northshire Care on question 1." in text
    for evaluator in [*world.lay, world.officer]:
        assert evaluator.name not in text
        assert evaluator.code not in text
