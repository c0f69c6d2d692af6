"""Feedback in Debian's chromium, with axe on every page: an officer records a decision against
a survey theme and a point raised at an event, publishes "You said, we did" and sends personal
feedback to a participant by email and one by post; a participant reads their own page; the
public pages work with JavaScript off."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect
from sesame.utils import get_query_string

from coproduce.accounts.models import Organisation, Role
from coproduce.events.models import Attended
from coproduce.events.tests.factories import make_attendee, make_event
from coproduce.feedback import services
from coproduce.feedback.models import Contribution, Outcome
from coproduce.feedback.tests.factories import make_decision, make_theme, stage_of
from coproduce.notifications.models import Delivery, DeliveryStatus, Route
from coproduce.people.models import Channel, ConsentPurpose
from coproduce.testing.factories import make_method, make_person, make_project, member
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[], None]


def test_an_officer_answers_what_people_said_publishes_and_tells_them(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    officer = member(organisation, Role.COMMISSIONER)
    project = make_project(organisation, lead=officer, title="Carers short breaks")
    by_email = make_person(organisation, name="Ada Lovell", consents=[ConsentPurpose.CONTACT])
    by_post = make_person(
        organisation,
        name="Bert Post",
        email="",
        address="2 Mill Lane\nRiverside",
        postcode="RV1 2AB",
        preferred_channel=Channel.POST,
        consents=[ConsentPurpose.CONTACT],
    )
    make_theme(project, "Breaks at short notice", [by_email, by_post], anonymous=4)
    event = make_event(make_method(stage_of(project).plan), title="Carers workshop")
    attendee = make_attendee(event, name="Cora Field")
    attendee.attended = Attended.PRESENT
    attendee.save()

    sign_in(page, live_server.url, officer, check_accessible)
    expect(page.locator("main")).to_contain_text("Everything people have told us has a response.")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.get_by_role("link", name="Contributions and decisions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contributions and decisions")
    check_accessible()

    # The survey theme.
    page.get_by_role("link", name="Add survey themes").click()
    check_accessible()
    page.get_by_role("button", name="Add themes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose at least one theme.")
    check_accessible()
    page.get_by_label("Breaks at short notice").check()
    page.get_by_role("button", name="Add themes").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("1 theme added")

    # The point raised at the event.
    page.get_by_role("link", name="Add a contribution").click()
    check_accessible()
    page.get_by_role("radio", name="Point raised at an event").check()
    page.get_by_label("What people said").fill("Evening sessions for carers who work")
    page.get_by_role("button", name="Add contribution").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose the event where this was said."
    )
    expect(page.get_by_label("What people said")).to_have_value(
        "Evening sessions for carers who work"
    )
    check_accessible()
    page.get_by_label("Which event").select_option(label=str(event))
    page.get_by_role("button", name="Add contribution").click()
    expect(page.locator("#closure-rate")).to_have_text("0%")
    check_accessible()

    # The decision, and what it did with each.
    page.get_by_role("link", name="Record a decision").click()
    check_accessible()
    page.get_by_label("What was decided, in a few words").fill("New short breaks service")
    page.get_by_label("What was decided, and why").fill(
        "We will buy a short breaks service that carers can book at 48 hours' notice."
    )
    page.get_by_label("Who decided").fill("Cabinet member for adult social care")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What the decision did with each contribution"
    )
    check_accessible()
    theme_point = Contribution.objects.get(kind="survey_theme")
    event_point = Contribution.objects.get(kind="event_point")
    page.locator(f"#c{theme_point.pk}").get_by_label("Adopted").check()
    page.locator(f"#c{event_point.pk}").get_by_label("Not taken forward").check()
    page.get_by_role("button", name="Save responses").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Explain in plain words why")
    check_accessible()
    page.locator(f"#c{event_point.pk}").get_by_label("Why, in plain words").fill(
        "The centre closes at 6pm; we are asking partners about evening space."
    )
    page.get_by_role("button", name="Save responses").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("2 responses saved")
    page.get_by_role("link", name="New short breaks service").click()
    page.get_by_role("button", name="Publish the decision").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("published")
    check_accessible()

    # "You said, we did", published.
    page.get_by_role("link", name="Contributions and decisions").click()
    expect(page.locator("#closure-rate")).to_have_text("100%")
    page.get_by_role("link", name="Change the public page").click()
    check_accessible()
    page.get_by_label("Introduction (optional)", exact=True).fill(
        "Thank you to the carers who took part."
    )
    page.get_by_label("Publish the page, so anyone can read it").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("published")
    page.get_by_role("link", name="read the public page").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("You said, we did")
    expect(page.locator("main")).to_contain_text("Breaks at short notice")
    expect(page.locator("main")).to_contain_text("The centre closes at 6pm")
    check_accessible()

    # Personal feedback: by email to one, a letter to print for the other.
    page.go_back()
    page.get_by_role("button", name="Send personal feedback").click()
    expect(page.locator("#job-progress")).to_contain_text("Feedback was sent to 3 people.")
    expect(page.locator("#delivery-counts")).to_contain_text("To print and post")
    check_accessible()
    deliveries = {d.person_id: d for d in Delivery.objects.filter(topic__startswith="feedback:")}
    assert deliveries[by_email.pk].route == Route.EMAIL
    assert deliveries[by_email.pk].status == DeliveryStatus.SENT
    assert deliveries[by_post.pk].route == Route.POST
    assert deliveries[by_post.pk].status == DeliveryStatus.TO_PRINT
    assert "The centre closes at 6pm" in deliveries[attendee.person_id].body
    row = page.get_by_role("row", name="Bert Post")
    expect(row).to_contain_text("To print and post")


def _answered_project(organisation: Organisation):  # type: ignore[no-untyped-def]
    project = make_project(organisation, title="Carers short breaks")
    decision = make_decision(project, title="New short breaks service")
    return project, decision


def test_a_participant_reads_what_happened_because_of_them(
    page: Page, live_server, organisation: Organisation, check_accessible: Check
) -> None:
    project, decision = _answered_project(organisation)
    user = member(organisation, Role.PARTICIPANT)
    person = make_person(organisation, user=user, consents=[ConsentPurpose.CONTACT])
    said = services.add_contribution(
        project=project,
        stage=stage_of(project),
        kind="comment",
        summary="Breaks I can book at short notice",
        person=person,
    )
    services.respond(
        decision=decision,
        contribution=said,
        outcome=Outcome.ADAPTED,
        reason="You can book with 48 hours' notice.",
        recorded_by=decision.recorded_by,
    )
    services.publish_decision(decision)

    page.goto(f"{live_server.url}/sign-in/email-link/open/{get_query_string(user)}")
    page.goto(f"{live_server.url}/my-involvement/")
    check_accessible()
    page.get_by_role("link", name="What happened because of you").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What happened because of you")
    main = page.locator("main")
    expect(main).to_contain_text("Breaks I can book at short notice")
    expect(main).to_contain_text("Adapted")
    expect(main).to_contain_text("You can book with 48 hours' notice.")
    expect(main).to_contain_text("Contact about opportunities to take part")
    expect(page.get_by_role("link", name="How we use your information")).to_be_visible()
    check_accessible()


def test_the_public_pages_work_without_javascript(
    browser: Browser, live_server, organisation: Organisation
) -> None:
    """With scripts off (axe needs scripts, so it checks the same pages in the journey above)."""
    project, decision = _answered_project(organisation)
    said = services.add_contribution(
        project=project,
        stage=stage_of(project),
        kind="panel_recommendation",
        summary="A named worker for every carer",
        people_count=2,
    )
    services.respond(
        decision=decision,
        contribution=said,
        outcome=Outcome.NOT_TAKEN_FORWARD,
        reason="The budget cannot pay for it this year.",
        recorded_by=decision.recorded_by,
    )
    services.publish_decision(decision)
    services.save_page(
        project, introduction="Thank you.", easy_read_introduction="", publish=True, user=None
    )
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/you-said-we-did/{organisation.slug}/{project.pk}/")
    main = page.locator("main")
    expect(main).to_contain_text("A named worker for every carer")
    expect(main).to_contain_text("The budget cannot pay for it this year.")
    expect(main).to_contain_text("People who said this: Not shown")
    page.get_by_role("link", name="Easy read version").click()
    expect(page.locator("main")).to_contain_text("We could not do what you said.")
    page.get_by_role("link", name="Standard version").click()
    page.get_by_role("link", name=f"Decisions by {organisation.name}").click()
    page.get_by_label("Search decisions").fill("short breaks")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("main")).to_contain_text("1 decision for “short breaks”")
    page.get_by_role("link", name="New short breaks service").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New short breaks service")
    context.close()
