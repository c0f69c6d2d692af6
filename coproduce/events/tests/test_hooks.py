"""Places at events follow the person: merges move them (one per event), pseudonymisation
removes what officers wrote about someone's support, and subject access exports them."""

from decimal import Decimal

import pytest

from coproduce.accounts.models import Role
from coproduce.dataprotection import export
from coproduce.dataprotection.services import pseudonymise_person
from coproduce.events import services
from coproduce.events.models import Attendance, Attended, Response, SupportKind
from coproduce.people.models import AccessNeed, Involvement
from coproduce.people.services import merge_people
from coproduce.testing.factories import member

from .factories import event_method, make_attendee, make_event

pytestmark = pytest.mark.django_db


def test_merging_moves_places_and_counts_each_visit_once():
    method = event_method()
    both = make_event(method, days=-2)
    only_duplicate = make_event(method, days=-1)
    keep = make_attendee(both, Response.INVITED)
    duplicate_there = make_attendee(both, needs=[AccessNeed.TRANSPORT])
    duplicate = duplicate_there.person
    elsewhere = Attendance.objects.create(
        organisation_id=method.organisation_id, event=only_duplicate, person=duplicate
    )
    services.take_register(both, {duplicate_there.pk: services.Mark(Attended.PRESENT)})
    merge_people(keep.person, duplicate)
    keep.refresh_from_db()
    assert keep.attended == Attended.PRESENT and keep.response == Response.CONFIRMED
    assert Involvement.objects.filter(person=keep.person).count() == 1
    elsewhere.refresh_from_db()
    assert elsewhere.person == keep.person
    assert not Attendance.objects.filter(person=duplicate).exists()
    taxi = both.support_arrangements.get(kind=SupportKind.TRANSPORT)
    assert taxi.person == keep.person


def test_pseudonymisation_removes_what_was_written_about_support():
    event = make_event()
    attendance = make_attendee(event, needs=[AccessNeed.REPLACEMENT_CARE])
    item = event.support_arrangements.get()
    item.notes = "Her husband has dementia; the sitter is Jane."
    item.acknowledged_reason = "No sitter free; she will bring him."
    item.cost = Decimal("60.00")
    item.budget_line = None
    item.save()
    pseudonymise_person(attendance.person)
    item.refresh_from_db()
    assert item.notes == "" and item.acknowledged_reason == ""
    assert item.person == attendance.person and item.cost == Decimal("60.00")


def test_subject_access_lists_events_and_attendance():
    event = make_event(days=-1)
    attendance = make_attendee(event)
    services.take_register(event, {attendance.pk: services.Mark(Attended.PRESENT, Decimal("2"))})
    facilitator = member(event.organisation, Role.FACILITATOR)
    built = export.build_export(attendance.person, facilitator)
    sections = {section.key: section for section in built.sections}
    record = sections["events"].records[0]
    assert record["event"] == event.title and record["where"] == event.venue.name
    assert record["attended"] == "Present" and record["hours"] == Decimal("2")
