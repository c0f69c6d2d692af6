import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks import default_task_backend

from coproduce.accounts.models import Role
from coproduce.events import services
from coproduce.events.models import (
    Attended,
    EventKind,
    EventMode,
    EventStatus,
    PaperFormatStatus,
    Response,
    SupportArrangement,
    SupportKind,
    SupportStatus,
)
from coproduce.events.tasks import send_event_reminders
from coproduce.notifications.models import Delivery
from coproduce.people.models import AccessNeed, ConsentPurpose, Format, InvolvementKind
from coproduce.people.services import (
    recent_involvement_count,
    record_involvement,
    register_settings,
)
from coproduce.testing.factories import make_budget_line, make_method, make_person, member

from .factories import at, event_method, make_attendee, make_event, make_venue

pytestmark = pytest.mark.django_db
LINK = "https://coproduce.example/events/1/calendar.ics"
PDF = b"%PDF-1.4\n%fake but well-formed enough for the signature check\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name: str = "agenda.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# Events: the method decides, times and venues warn


def test_the_method_decides_the_project_and_stage():
    method = event_method()
    other = event_method(method.organisation)  # another project's method
    event = make_event(method)
    event.method = other
    saved = services.save_event(event).event
    assert saved.project == other.plan.stage.project and saved.stage == other.plan.stage
    assert saved.organisation_id == other.organisation_id


def test_an_event_must_finish_after_it_starts():
    event = make_event()
    event.ends_at = event.starts_at - datetime.timedelta(minutes=30)
    with pytest.raises(ValidationError) as raised:
        services.save_event(event)
    assert "ends_at" in raised.value.message_dict


def test_early_starts_and_late_finishes_are_warnings_from_the_organisation_settings():
    event = make_event(start=10, end=15)
    assert services.timing_warnings(event) == []
    event.starts_at, event.ends_at = at(14, 8, 30), at(14, 18)
    saved = services.save_event(event)
    assert saved.event.pk  # saved all the same
    assert any("starts before 10:00am" in w for w in saved.warnings)
    assert any("finishes after 4:00pm" in w for w in saved.warnings)
    rules = services.event_settings(event.organisation)
    rules.earliest_start = datetime.time(8)
    rules.latest_finish = datetime.time(19)
    rules.save()
    assert services.timing_warnings(event) == []


def test_evaluation_days_and_panel_sessions_warn_when_not_on_neutral_ground():
    method = event_method()
    office = make_venue(method.organisation, name="County Hall", neutral_ground=False)
    workshop = make_event(method, venue=office)
    assert services.venue_warnings(workshop) == []
    for kind in (EventKind.EVALUATION_DAY, EventKind.PANEL_SESSION):
        event = make_event(method, venue=office, kind=kind)
        assert any("not recorded as neutral ground" in w for w in services.venue_warnings(event))
    neutral = make_event(method, kind=EventKind.EVALUATION_DAY)
    assert services.venue_warnings(neutral) == []


def test_online_events_need_a_link_and_in_person_events_a_venue():
    method = event_method()
    online = make_event(method, mode=EventMode.ONLINE, venue=None)
    assert services.venue_warnings(online) == ["No link to join online yet."]
    room = make_event(method, venue=None)
    assert services.venue_warnings(room) == [
        "No venue chosen yet: people need to know where to go."
    ]


def test_venue_missing_what_someone_coming_needs_is_flagged():
    method = event_method()
    hall = make_venue(method.organisation, step_free=False, hearing_loop=False, public_transport="")
    event = make_event(method, venue=hall)
    make_attendee(event, needs=[AccessNeed.STEP_FREE, AccessNeed.TRANSPORT])
    make_attendee(event, needs=[AccessNeed.STEP_FREE])
    make_attendee(event, Response.DECLINED, needs=[AccessNeed.HEARING_LOOP])
    warnings = services.needs_warnings(event, event.attendances.all())
    assert len(warnings) == 2
    assert warnings[0].startswith("2 people coming need step-free access")
    assert "no public transport is recorded" in warnings[1]
    event.venue = make_venue(method.organisation)
    assert services.needs_warnings(event, event.attendances.all()) == []


def test_venue_names_are_unique_in_an_organisation():
    venue = make_venue(event_method().organisation, name="Library")
    with pytest.raises(ValidationError) as raised:
        make_venue(venue.organisation, name=" library ")
    assert "name" in raised.value.message_dict


# Invitations, answers, reminders, cancelling


def test_invite_respects_consent_and_consultation_fatigue():
    event = make_event()
    org = event.organisation
    willing = make_person(org, consents=[ConsentPurpose.CONTACT])
    no_consent = make_person(org)
    busy = make_person(org, consents=[ConsentPurpose.CONTACT])
    for _ in range(register_settings(org).fatigue_threshold):
        record_involvement(busy, InvolvementKind.OTHER, timezone.localdate(), "Survey")
    by = member(org, Role.FACILITATOR)
    outcome = services.invite(event, [willing, no_consent, busy], by=by, calendar_link=LINK)
    assert [a.person for a in outcome.invited] == [willing]
    assert {c.person for c in outcome.held} == {no_consent, busy}
    delivery = Delivery.objects.get(key=f"event-invite:{event.pk}:{willing.pk}")
    assert LINK in delivery.body and event.venue.name in delivery.body
    again = services.invite(
        event, [willing, busy], by=by, calendar_link=LINK, confirm_fatigued=[busy.pk]
    )
    assert [a.person for a in again.invited] == [busy]
    assert Delivery.objects.filter(topic=f"event:{event.pk}:invitations").count() == 2


def test_invitations_schedule_reminders_for_when_they_are_due(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    event = make_event(days=10)
    person = make_person(event.organisation, consents=[ConsentPurpose.CONTACT])
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(event, [person], by=event.created_by, calendar_link=LINK)
    event.refresh_from_db()
    assert event.reminders_for == event.starts_at
    scheduled = [r for r in default_task_backend.results if r.task.name == "send_event_reminders"]
    assert [r.args for r in scheduled] == [[event.pk]]
    assert scheduled[0].task.run_after == event.starts_at - datetime.timedelta(days=2)


def test_reminders_go_to_people_coming_once_and_not_after_a_move_or_cancel():
    event = make_event(days=1)
    coming = make_attendee(event)
    make_attendee(event, Response.INVITED)
    make_attendee(event, Response.DECLINED)
    services.schedule_reminders(event)
    assert send_event_reminders.call(event.pk) == 1
    assert send_event_reminders.call(event.pk) == 1  # the same key: nothing new is sent
    reminders = Delivery.objects.filter(topic=f"event:{event.pk}:reminders")
    assert [d.person_id for d in reminders] == [coming.person_id]
    # Too early: a job left from before the event moved later sends nothing.
    event.starts_at, event.ends_at = at(20, 10), at(20, 12)
    services.save_event(event)
    assert services.send_reminders(event) == 0
    services.cancel_event(event, "The room flooded.", by=event.created_by)
    assert services.send_reminders(event, now=event.starts_at - datetime.timedelta(hours=1)) == 0


def test_moving_an_event_tells_everyone_asked_who_has_not_said_no():
    event = make_event(days=10)
    coming = make_attendee(event)
    asked = make_attendee(event, Response.INVITED)
    make_attendee(event, Response.DECLINED)
    event.title = "Renamed"
    services.save_event(event)
    assert not Delivery.objects.filter(topic=f"event:{event.pk}:moved").exists()
    event.starts_at, event.ends_at = at(11, 10), at(11, 12)
    services.save_event(event)
    told = Delivery.objects.filter(topic=f"event:{event.pk}:moved")
    assert {d.person_id for d in told} == {coming.person_id, asked.person_id}
    assert services.when(event.starts_at) in told[0].body


def test_cancelling_tells_the_people_coming():
    event = make_event()
    coming = make_attendee(event)
    make_attendee(event, Response.DECLINED)
    with pytest.raises(ValidationError):
        services.cancel_event(event, " ", by=event.created_by)
    services.cancel_event(event, "The venue closed.", by=event.created_by)
    told = Delivery.objects.filter(topic=f"event:{event.pk}:cancelled")
    assert [d.person_id for d in told] == [coming.person_id]
    assert "The venue closed." in told[0].body
    assert event.status == EventStatus.CANCELLED


def test_the_calendar_file_describes_the_event():
    event = make_event()
    text = services.calendar_file(event).decode()
    assert "BEGIN:VEVENT" in text and f"UID:event-{event.pk}@coproduce" in text
    assert f"SUMMARY:{event.title}" in text.replace("\r\n ", "")
    assert "DTSTART;TZID=Europe/London:" in text and event.venue.name in text


# Support checklist


def test_the_checklist_follows_the_needs_of_people_coming():
    event = make_event()
    pat = make_attendee(event, needs=[AccessNeed.REPLACEMENT_CARE, AccessNeed.REGULAR_BREAKS])
    make_attendee(event, needs=[AccessNeed.REGULAR_BREAKS, AccessNeed.BSL_INTERPRETER])
    make_attendee(event, Response.DECLINED, needs=[AccessNeed.TRANSPORT])
    items = {(i.kind, i.person_id) for i in event.support_arrangements.all()}
    assert items == {
        (SupportKind.REPLACEMENT_CARE, pat.person_id),
        (SupportKind.BREAKS, None),  # one for everyone, however many need it
        (SupportKind.BSL_INTERPRETER, None),
    }


def test_regenerating_the_checklist_keeps_what_was_entered():
    event = make_event()
    line = make_budget_line(event.method, "500.00")
    pat = make_attendee(event, needs=[AccessNeed.REPLACEMENT_CARE, AccessNeed.TRANSPORT])
    care = event.support_arrangements.get(kind=SupportKind.REPLACEMENT_CARE)
    care.owner = event.created_by
    care.status = SupportStatus.BOOKED
    care.cost = Decimal("80.00")
    care.budget_line = line
    services.save_support_item(care)
    make_attendee(event, needs=[AccessNeed.DIETARY])
    care.refresh_from_db()
    assert (care.owner, care.status, care.cost) == (event.created_by, "booked", Decimal("80.00"))
    services.respond(pat, Response.DECLINED)
    care.refresh_from_db()
    assert care.needed is False and care.cost == Decimal("80.00")  # the money was spent
    assert not event.support_arrangements.filter(kind=SupportKind.TRANSPORT).exists()
    services.respond(pat, Response.CONFIRMED)
    care.refresh_from_db()
    assert care.needed is True and care.status == SupportStatus.BOOKED
    assert services.support_cost(event) == Decimal("80.00")


def test_support_costs_come_from_a_budget_line_of_the_events_method():
    event = make_event()
    make_attendee(event, needs=[AccessNeed.TRANSPORT])
    item = event.support_arrangements.get()
    item.cost = Decimal("25.00")
    with pytest.raises(ValidationError) as raised:
        services.save_support_item(item)
    assert "budget_line" in raised.value.message_dict
    item.budget_line = make_budget_line(make_method(event.method.plan))
    with pytest.raises(ValidationError) as raised:
        services.save_support_item(item)
    assert raised.value.message_dict["budget_line"] == [
        "Choose a budget line of this event's method."
    ]
    item.budget_line = make_budget_line(event.method)
    assert services.save_support_item(item).cost == Decimal("25.00")
    item.status = SupportStatus.NOT_NEEDED
    with pytest.raises(ValidationError) as raised:
        services.save_support_item(item)
    assert "acknowledged_reason" in raised.value.message_dict


def test_an_event_is_ready_only_when_every_need_is_met_or_explained():
    event = make_event()
    sam = make_attendee(
        event, needs=[AccessNeed.QUIET_ROOM, AccessNeed.TRANSPORT], name="Sam Lewis"
    )
    with pytest.raises(ValidationError) as raised:
        services.mark_ready(event)
    assert sorted(raised.value.messages) == [
        "Arrange transport for Sam Lewis: mark it met, or say why it cannot be met.",
        "Set aside a quiet room: mark it met, or say why it cannot be met.",
    ]
    room = event.support_arrangements.get(kind=SupportKind.QUIET_ROOM)
    room.status = SupportStatus.MET
    services.save_support_item(room)
    taxi = event.support_arrangements.get(kind=SupportKind.TRANSPORT)
    taxi.status = SupportStatus.BOOKED
    services.save_support_item(taxi)
    with pytest.raises(ValidationError):
        services.mark_ready(event)  # booked is not yet met
    taxi.acknowledged_reason = "No taxi free; Sam's sister will drive and we pay mileage."
    services.save_support_item(taxi)
    assert services.mark_ready(event).status == EventStatus.READY
    # Someone new with an unmet need: the event is not ready any more.
    make_attendee(event, needs=[AccessNeed.HEARING_LOOP])
    event.refresh_from_db()
    assert event.status == EventStatus.PLANNED
    assert sam.person.support_arrangements.count() == 1


# Papers and formats


def test_papers_are_checked_and_each_other_format_becomes_a_to_do():
    event = make_event()
    large = make_attendee(event, preferred_format=Format.LARGE_PRINT)
    make_attendee(event, preferred_format=Format.STANDARD)
    make_attendee(event, Response.DECLINED, preferred_format=Format.EASY_READ)
    with pytest.raises(ValidationError) as raised:
        services.add_paper(event, "Agenda", SimpleUploadedFile("a.exe", b"MZ"), by=event.created_by)
    assert "must be a PDF, Word (.docx)" in raised.value.message_dict["file"][0]
    with pytest.raises(ValidationError) as raised:
        services.add_paper(
            event, "Agenda", SimpleUploadedFile("a.pdf", b"not a pdf"), by=event.created_by
        )
    assert "does not look like a PDF" in raised.value.message_dict["file"][0]
    paper = services.add_paper(event, "Agenda", pdf(), by=event.created_by)
    assert paper.content_type == "application/pdf" and paper.file.name.startswith("private/")
    version = paper.formats.get()
    assert (version.person, version.format) == (large.person, Format.LARGE_PRINT)
    # Someone who needs easy read says they are coming after all: their version is added.
    easy = make_attendee(event, Response.INVITED, preferred_format=Format.EASY_READ)
    services.respond(easy, Response.CONFIRMED)
    assert paper.formats.count() == 2
    services.respond(easy, Response.DECLINED)
    assert paper.formats.count() == 1


def test_late_papers_and_versions_not_done_in_time_are_flagged():
    event = make_event(days=3)  # papers were due 7 days before: already late
    make_attendee(event, preferred_format=Format.AUDIO)
    assert services.paper_flags(event)[0].startswith("No papers yet")
    paper = services.add_paper(event, "Bids to read", pdf(), by=event.created_by)
    flags = services.paper_flags(event)
    assert any("“Bids to read” was added on" in f for f in flags)
    assert any("The audio version of “Bids to read” is not done" in f for f in flags)
    services.complete_format(paper.formats.get())
    flags = services.paper_flags(event)
    assert any("The audio version of “Bids to read” was done late" in f for f in flags)
    on_time = make_event(days=30)
    services.add_paper(on_time, "Agenda", pdf(), by=on_time.created_by)
    assert services.paper_flags(on_time) == []


def test_a_finished_version_can_carry_its_file():
    event = make_event()
    make_attendee(event, preferred_format=Format.AUDIO)
    paper = services.add_paper(event, "Agenda", pdf(), by=event.created_by)
    audio = SimpleUploadedFile("agenda.mp3", b"ID3\x03rest-of-audio")
    version = services.complete_format(paper.formats.get(), audio)
    assert version.status == PaperFormatStatus.DONE and version.content_type == "audio/mpeg"
    assert version.file.read() == b"ID3\x03rest-of-audio"


# Attendance register


def test_the_register_records_involvement_and_taking_it_back_removes_it():
    event = make_event(days=-1, start=10, end=14)
    pat = make_attendee(event)
    sam = make_attendee(event, Response.INVITED)
    declined = make_attendee(event, Response.DECLINED)
    with pytest.raises(ValidationError):
        services.take_register(event, {declined.pk: services.Mark(Attended.PRESENT)})
    services.take_register(
        event,
        {
            pat.pk: services.Mark(Attended.PRESENT),
            sam.pk: services.Mark(Attended.PRESENT, Decimal("2.5")),
        },
    )
    pat.refresh_from_db()
    assert pat.involvement.kind == InvolvementKind.EVENT
    assert pat.involvement.project == event.project and pat.involvement.description == event.title
    assert recent_involvement_count(pat.person) == 1
    event.refresh_from_db()
    assert event.status == EventStatus.HELD
    services.take_register(event, {pat.pk: services.Mark(Attended.APOLOGIES)})
    pat.refresh_from_db()
    assert pat.involvement is None and recent_involvement_count(pat.person) == 0
    sam.refresh_from_db()
    assert sam.hours_attended == Decimal("2.5")


def test_register_hours_cannot_exceed_the_event_and_it_waits_for_the_day():
    event = make_event(days=-1, start=10, end=12)
    pat = make_attendee(event)
    with pytest.raises(ValidationError) as raised:
        services.take_register(event, {pat.pk: services.Mark(Attended.PRESENT, Decimal("3"))})
    assert f"hours_{pat.pk}" in raised.value.message_dict
    upcoming = make_event(days=3)
    person = make_attendee(upcoming)
    with pytest.raises(ValidationError):
        services.take_register(upcoming, {person.pk: services.Mark(Attended.PRESENT)})


def test_support_arrangement_has_the_names_payments_relies_on():
    event = make_event()
    line = make_budget_line(event.method)
    item = SupportArrangement.objects.create(
        organisation_id=event.organisation_id,
        event=event,
        kind=SupportKind.BREAKS,
        cost=Decimal("12.50"),
        budget_line=line,
    )
    assert list(event.support_arrangements.all()) == [item]
    assert list(line.support_arrangements.all()) == [item]
