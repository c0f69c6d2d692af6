import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from coproduce.accounts.models import Role
from coproduce.events import services
from coproduce.events.models import Attended, Event, EventStatus, Response, SupportStatus
from coproduce.notifications.models import Delivery
from coproduce.people.models import AccessNeed, ConsentPurpose, Format, InvolvementKind
from coproduce.testing.factories import make_budget_line, make_person, make_saved_list, member

from .factories import event_method, make_attendee, make_event, make_venue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def method():
    return event_method()


@pytest.fixture
def facilitator(method, client):
    user = member(method.organisation, Role.FACILITATOR)
    client.force_login(user)
    return user


def test_create_keeps_what_was_typed_on_error_then_saves_and_shows_warnings(
    client, facilitator, method
):
    office = make_venue(method.organisation, name="County Hall", neutral_ground=False)
    url = reverse("events:create", args=[method.pk])
    day = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    typed = {
        "title": "Bid evaluation day",
        "kind": "evaluation_day",
        "mode": "in_person",
        "date": day,
        "start_time": "09:00",
        "end_time": "08:00",
        "venue": office.pk,
        "joining_instructions": "Ask at reception for Fran.",
    }
    response = client.post(url, typed)
    page = response.content.decode()
    assert response.status_code == 200 and not Event.objects.exists()
    assert "The finish time must be after the start time." in page
    assert "Ask at reception for Fran." in page
    response = client.post(url, {**typed, "end_time": "17:30"})
    event = Event.objects.get()
    assert response.status_code == 302 and event.method == method
    assert event.created_by == facilitator
    page = client.get(response.url).content.decode()
    assert "There are 3 things to check below." in page
    assert "starts before 10:00am" in page and "finishes after 4:00pm" in page
    assert "County Hall is not recorded as neutral ground" in page


def test_event_list_is_paginated_and_its_query_count_bounded(
    client, facilitator, method, django_assert_max_num_queries
):
    venue = make_venue(method.organisation)
    for number in range(3):
        make_attendee(make_event(method, venue=venue, title=f"Meeting {number}"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("events:list"))
    for number in range(3, 30):
        make_event(method, venue=venue, title=f"Meeting {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("events:list"))
    page = response.content.decode()
    assert "Meeting 0" in page and "1 of 1 asked" in page and "Page 1 of 2" in page
    past = make_event(method, venue=venue, days=-3, title="Last month's workshop")
    assert past.title not in client.get(reverse("events:list")).content.decode()
    page = client.get(reverse("events:list"), {"when": "past"}).content.decode()
    assert escape(past.title) in page


def test_the_list_can_show_one_projects_events(client, facilitator, method):
    make_event(method, title="Ours")
    make_event(event_method(method.organisation), title="Another project's")
    page = client.get(reverse("events:list"), {"project": method.plan.stage.project_id})
    assert "Ours" in page.content.decode()
    assert "Another project&#x27;s" not in page.content.decode()


def test_detail_query_count_does_not_grow_with_attendees(
    client, facilitator, method, django_assert_max_num_queries
):
    event = make_event(method)
    make_attendee(event, needs=[AccessNeed.TRANSPORT], preferred_format=Format.LARGE_PRINT)
    services.add_paper(event, "Agenda", SimpleUploadedFile("a.pdf", b"%PDF-1.4"), by=facilitator)
    url = reverse("events:detail", args=[event.pk])
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for _ in range(8):
        make_attendee(event, needs=[AccessNeed.DIETARY], preferred_format=Format.EASY_READ)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_invite_from_a_saved_list_then_people_answer(client, facilitator, method):
    event = make_event(method)
    willing = make_person(method.organisation, name="Pat Evans", consents=[ConsentPurpose.CONTACT])
    unwilling = make_person(method.organisation, name="Jo Bloggs")
    saved = make_saved_list(method.organisation, [willing, unwilling])
    url = reverse("events:invite", args=[event.pk])
    page = client.get(url, {"saved_list": saved.pk}).content.decode()
    assert "2 found: 1 will be invited" in page
    assert "No consent to be contacted" in page
    response = client.post(url, {"people": [willing.pk, unwilling.pk]})
    assert response.status_code == 302
    attendance = event.attendances.get()
    assert attendance.person == willing
    delivery = Delivery.objects.get(key=f"event-invite:{event.pk}:{willing.pk}")
    assert f"/events/{event.pk}/calendar.ics" in delivery.body
    answer = reverse("events:respond", args=[event.pk, attendance.pk])
    client.post(answer, {"response": Response.CONFIRMED})
    attendance.refresh_from_db()
    assert attendance.response == Response.CONFIRMED


def test_support_item_form_offers_the_methods_budget_lines_and_keeps_input(
    client, facilitator, method
):
    event = make_event(method)
    line = make_budget_line(method, "300.00", description="Taxis")
    make_attendee(event, needs=[AccessNeed.TRANSPORT], needs_notes="Uses a wheelchair taxi.")
    item = event.support_arrangements.get()
    url = reverse("events:support-item", args=[event.pk, item.pk])
    page = client.get(url).content.decode()
    assert "Uses a wheelchair taxi." in page and "Taxis" in page
    response = client.post(url, {"status": "booked", "cost": "45.00", "notes": "Ace Cars"})
    assert response.status_code == 200
    assert "Choose the budget line this cost comes from." in response.content.decode()
    assert "Ace Cars" in response.content.decode()
    response = client.post(
        url,
        {"status": "met", "cost": "45.00", "budget_line": line.pk, "owner": facilitator.pk},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == SupportStatus.MET and item.owner == facilitator


def test_ready_refuses_with_each_open_need_listed(client, facilitator, method):
    event = make_event(method)
    make_attendee(event, needs=[AccessNeed.QUIET_ROOM], name="Sam Lewis")
    response = client.post(reverse("events:ready", args=[event.pk]))
    assert response.status_code == 400
    assert "Set aside a quiet room: mark it met" in response.content.decode()
    event.refresh_from_db()
    assert event.status == EventStatus.PLANNED


def test_register_marks_people_and_feeds_involvement(client, facilitator, method):
    event = make_event(method, days=-1)
    pat = make_attendee(event, name="Pat Evans")
    url = reverse("events:register", args=[event.pk])
    response = client.post(url, {f"attended_{pat.pk}": "present", f"hours_{pat.pk}": "9"})
    assert response.status_code == 200
    assert "no more than the event&#x27;s 5 hours" in response.content.decode()
    response = client.post(url, {f"attended_{pat.pk}": "present", f"hours_{pat.pk}": "2"})
    assert response.status_code == 302
    pat.refresh_from_db()
    assert pat.attended == Attended.PRESENT and pat.involvement.kind == InvolvementKind.EVENT


def test_papers_upload_and_download_only_through_the_checked_view(client, facilitator, method):
    event = make_event(method)
    url = reverse("events:paper-upload", args=[event.pk])
    bad = SimpleUploadedFile("agenda.pdf", b"hello")
    response = client.post(url, {"title": "Agenda", "file": bad})
    assert "does not look like a PDF" in response.content.decode()
    good = SimpleUploadedFile("agenda.pdf", b"%PDF-1.4 the agenda")
    response = client.post(url, {"title": "Agenda", "file": good})
    assert response.status_code == 302
    paper = event.papers.get()
    download = client.get(reverse("events:paper-download", args=[event.pk, paper.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 the agenda"
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="agenda.pdf"' in download["Content-Disposition"]


def test_a_participant_answers_on_their_own_page(client, method):
    event = make_event(method, title="Carers' reference group")
    participant = member(method.organisation, Role.PARTICIPANT)
    mine = make_attendee(event, Response.INVITED, user=participant)
    someone_else = make_attendee(event, Response.INVITED)
    client.force_login(participant)
    page = client.get(reverse("events:my-events")).content.decode()
    assert "Carers&#x27; reference group" in page and "Not answered yet" in page
    response = client.post(reverse("events:my-respond", args=[mine.pk]), {"response": "confirmed"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.response == Response.CONFIRMED
    other = client.post(
        reverse("events:my-respond", args=[someone_else.pk]), {"response": "declined"}
    )
    assert other.status_code == 404
    calendar = client.get(reverse("events:calendar", args=[event.pk]))
    assert calendar["Content-Type"] == "text/calendar" and b"BEGIN:VCALENDAR" in calendar.content


def test_venue_form_keeps_input_and_settings_save(client, method):
    admin = member(method.organisation, Role.ADMINISTRATOR)
    client.force_login(admin)
    response = client.post(reverse("events:venue-create"), {"name": "", "address": "Mill Lane"})
    assert response.status_code == 200 and "Mill Lane" in response.content.decode()
    assert "Enter the venue&#x27;s name." in response.content.decode()
    response = client.post(
        reverse("events:venue-create"),
        {"name": "The Mill", "address": "Mill Lane", "step_free": "on", "neutral_ground": "on"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("events:settings"),
        {
            "earliest_start": "09:30",
            "latest_finish": "15:00",
            "papers_days_before": "10",
            "reminder_days_before": "3",
        },
    )
    assert response.status_code == 302
    assert services.event_settings(method.organisation).papers_days_before == 10
