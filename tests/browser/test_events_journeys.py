"""Browser journey for events: add an accessible venue, organise an evaluation day there,
invite people from a saved list, record who is coming, work through the support checklist
until the event is ready, then take the attendance register. axe looks at every page."""

import re
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from coproduce.accounts.models import Organisation, Role
from coproduce.events.models import Attended, Event, EventStatus, SupportStatus
from coproduce.people.models import AccessNeed, ConsentPurpose, InvolvementKind
from coproduce.testing.factories import (
    make_budget_line,
    make_method,
    make_person,
    make_project,
    make_saved_list,
    member,
)
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[], None]


def test_organise_an_event_at_an_accessible_venue_through_to_the_register(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    facilitator = member(organisation, Role.FACILITATOR, first_name="Fran", last_name="Hughes")
    project = make_project(organisation, title="Carers' hub recommissioning")
    method = make_method(project.stages.get(position=3).plan)
    make_budget_line(method, "400.00", category="replacement_care", description="Sitters")
    pat = make_person(
        organisation,
        name="Pat Evans",
        consents=[ConsentPurpose.CONTACT],
        needs=[AccessNeed.REPLACEMENT_CARE],
    )
    sam = make_person(
        organisation,
        name="Sam Lewis",
        consents=[ConsentPurpose.CONTACT],
        needs=[AccessNeed.QUIET_ROOM],
    )
    make_saved_list(organisation, [pat, sam], name="Carers' evaluation panel")
    sign_in(page, live_server.url, facilitator, check_accessible)

    # A venue on neutral ground, with its access recorded.
    page.goto(f"{live_server.url}/venues/")
    check_accessible()
    page.get_by_role("button", name="Add a venue").click()
    check_accessible()
    page.get_by_label("Name").fill("Riverside Community Centre")
    page.get_by_label("Address").fill("4 Mill Lane\nRiverside")
    for feature in ("Step-free access", "Accessible toilet", "Hearing loop", "Quiet room"):
        page.get_by_label(feature).check()
    page.get_by_label("Neutral ground").check()
    page.get_by_label("Public transport nearby (optional)").fill("Bus 7 stops outside.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="Riverside Community Centre")).to_be_visible()
    check_accessible()

    # The event, from the engagement plan's method. A finish that comes first is refused,
    # and what was typed stays.
    page.goto(f"{live_server.url}/events/")
    check_accessible()
    page.get_by_role("link", name="Workshop for").click()
    check_accessible()
    page.get_by_label("Title").fill("Bid evaluation day")
    page.get_by_label("Kind of event").select_option(label="Evaluation day")
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_label("Start time").fill("10:30")
    page.get_by_label("Finish time").fill("09:00")
    page.get_by_label("In person", exact=True).check()
    page.get_by_label("Venue (optional)").select_option(label="Riverside Community Centre")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The finish time must be after")
    expect(page.get_by_label("Title")).to_have_value("Bid evaluation day")
    check_accessible()
    page.get_by_label("Finish time").fill("14:30")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bid evaluation day")
    check_accessible()

    # Invite the saved list; both have agreed to be contacted.
    page.get_by_role("link", name="Invite people").click()
    check_accessible()
    page.get_by_label("Saved list").select_option(label="Carers' evaluation panel")
    page.get_by_role("button", name="Find people").click()
    expect(page.get_by_text("2 found: 2 will be invited")).to_be_visible()
    check_accessible()
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_text("2 invited.")).to_be_visible()

    # Both say they are coming (by phone): the support checklist follows their needs.
    page.get_by_role("button", name=re.compile(r"^Coming\s+\(Pat Evans\)$")).click()
    page.get_by_role("button", name=re.compile(r"^Coming\s+\(Sam Lewis\)$")).click()
    expect(page.locator("#support ~ table")).to_contain_text("Arrange replacement care for Pat")
    check_accessible()

    # Not ready while needs are open: each is listed.
    page.get_by_role("button", name="Mark the event as ready").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Arrange replacement care for Pat Evans")
    expect(summary).to_contain_text("Set aside a quiet room")
    check_accessible()

    page.get_by_role("link", name="Change arrange replacement care for Pat Evans").click()
    check_accessible()
    page.get_by_label("Who is arranging it (optional)").select_option(label="Fran Hughes")
    page.get_by_label("Met", exact=True).check()
    page.get_by_label("Cost (optional)").fill("60.00")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose the budget line this cost comes from."
    )
    expect(page.get_by_label("Cost (optional)")).to_have_value("60.00")
    check_accessible()
    page.get_by_label("Budget line it is paid from (optional)").select_option(
        label="Replacement care (Sitters): £400.00"
    )
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Change set aside a quiet room").click()
    page.get_by_label("Met", exact=True).check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Mark the event as ready").click()
    expect(page.get_by_text("The event is ready.")).to_be_visible()
    check_accessible()
    event = Event.objects.get()
    assert event.status == EventStatus.READY
    care = event.support_arrangements.get(kind="replacement_care")
    assert care.status == SupportStatus.MET and str(care.cost) == "60.00"

    # On the day: the register.
    page.get_by_role("link", name="Take the attendance register").click()
    check_accessible()
    page.get_by_role("group", name="Did Pat Evans come?").get_by_label("Present").check()
    page.get_by_role("group", name="Did Sam Lewis come?").get_by_label("Sent apologies").check()
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_text("Register saved: 2 marked.")).to_be_visible()
    check_accessible()
    marks = dict(event.attendances.values_list("person__name", "attended"))
    assert marks == {"Pat Evans": Attended.PRESENT, "Sam Lewis": Attended.APOLOGIES}
    assert pat.involvements.get().kind == InvolvementKind.EVENT
    assert not sam.involvements.exists()
