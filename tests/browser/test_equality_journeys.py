"""Equality monitoring and the representativeness page in Debian's chromium, with axe-core
checking each page and the Content Security Policy watched (the chart uses no inline styles).
"""

from collections.abc import Callable
from decimal import Decimal
from typing import cast

import pytest
from playwright.sync_api import Page, expect

from coproduce.accounts.models import Membership, Organisation, Role, User
from coproduce.equality import services
from coproduce.equality.models import EqualityAnswers
from coproduce.people.models import ConsentPurpose
from coproduce.testing.factories import (
    MembershipFactory,
    UserFactory,
    make_equality_answers,
    make_person,
    make_project,
    make_saved_list,
)
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[], None]


@pytest.fixture
def facilitator(organisation: Organisation) -> User:
    user = cast(User, UserFactory(first_name="Fran", last_name="Hughes"))
    MembershipFactory(
        user=user, organisation=organisation, role=Role.FACILITATOR, equality_data_access=True
    )
    return user


def test_a_facilitator_records_equality_answers(
    page: Page, live_server, organisation: Organisation, facilitator: User, check_accessible: Check
) -> None:
    person = make_person(organisation, name="Pat Evans", consents=[ConsentPurpose.EQUALITY])
    sign_in(page, live_server.url, facilitator)
    page.goto(f"{live_server.url}/people/{person.pk}/equality/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Equality monitoring")
    check_accessible()

    page.get_by_role("group", name="What is their sex?").get_by_label("Female").check()
    asian = page.get_by_role("group", name="Asian or Asian British")
    asian.get_by_label("Bangladeshi").check()
    page.get_by_role("group", name="What is their religion?").get_by_label(
        "Prefer not to say"
    ).check()
    page.get_by_role("button", name="Save answers").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("answers saved")
    expect(page.locator(".govuk-summary-list")).to_contain_text(
        "Asian or Asian British: Bangladeshi"
    )
    check_accessible()
    record = EqualityAnswers.objects.get(person=person)
    assert (record.sex, record.ethnic_group, record.religion) == (
        "female",
        "asian_bangladeshi",
        "prefer_not_to_say",
    )


def test_the_comparison_page_and_its_chart_are_accessible(
    page: Page, live_server, organisation: Organisation, facilitator: User, check_accessible: Check
) -> None:
    Membership.objects.filter(user=facilitator).update(equality_data_access=False)
    project = make_project(organisation, title="Carers' support service")
    services.set_target_shares(project, "sex", {"female": Decimal("40"), "male": Decimal("60")})
    people = [make_person(organisation) for _ in range(20)]
    for n, person in enumerate(people):
        make_equality_answers(person, sex="female" if n < 14 else "male", carer="no")
    make_saved_list(organisation, people, name="Carers' reference group")
    sign_in(page, live_server.url, facilitator)

    page.goto(f"{live_server.url}/projects/{project.pk}/representativeness/")
    check_accessible()
    page.get_by_label("Saved list").select_option(label="Carers' reference group")
    page.get_by_role("button", name="Compare").click()

    section = page.locator("section", has=page.get_by_role("heading", name="Sex", exact=True))
    expect(section.get_by_role("table")).to_contain_text("-30 points")
    expect(section).to_contain_text("Below target: Male.")
    bar = section.locator(".cp-chart__bar--under")
    expect(bar).to_have_count(1)
    track = bar.locator("xpath=..")
    width, whole = bar.bounding_box()["width"], track.bounding_box()["width"]  # type: ignore[index]
    assert abs(width / whole - 0.30) < 0.02  # the stylesheet loaded under the CSP
    check_accessible()

    # A wrong margin is reported, with what was typed kept.
    page.get_by_label("Highlight groups").fill("lots")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the margin as a number")
    expect(page.get_by_label("Highlight groups")).to_have_value("lots")
    check_accessible()
