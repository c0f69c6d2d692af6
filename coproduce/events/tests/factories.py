"""Events test data, saved through the services."""

import datetime
from typing import Any

from django.utils import timezone

from coproduce.accounts.models import Role
from coproduce.events import services
from coproduce.events.models import Attendance, Event, EventKind, EventMode, Response, Venue
from coproduce.people.models import ConsentPurpose, Person
from coproduce.projects.models import EngagementMethod
from coproduce.testing.factories import make_method, make_person, make_project, member


def make_venue(organisation: Any, **fields: Any) -> Venue:
    values: dict[str, Any] = {
        "organisation": organisation,
        "name": f"Venue {Venue.objects.count() + 1}",
        "address": "1 High Street\nNorthtown",
        "step_free": True,
        "accessible_toilet": True,
        "hearing_loop": True,
        "quiet_room": True,
        "public_transport": "Bus 12 stops outside.",
        "neutral_ground": True,
    }
    values.update(fields)
    return services.save_venue(Venue(**values))


def event_method(organisation: Any = None) -> EngagementMethod:
    project = make_project(organisation)
    return make_method(project.stages.get(position=3).plan)


def at(days: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A London time `days` from today."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def make_event(
    method: EngagementMethod | None = None,
    *,
    days: int = 14,
    start: int = 10,
    end: int = 15,
    by: Any = None,
    **fields: Any,
) -> Event:
    method = method or event_method()
    event = services.new_event(method)
    event.kind = fields.pop("kind", EventKind.WORKSHOP)
    event.mode = fields.pop("mode", EventMode.IN_PERSON)
    event.starts_at = at(days, start)
    event.ends_at = at(days, end)
    if "venue" not in fields:
        fields["venue"] = make_venue(method.organisation)
    event.created_by = by or member(method.organisation, Role.FACILITATOR)
    for name, value in fields.items():
        setattr(event, name, value)
    return services.save_event(event).event


def make_attendee(
    event: Event, response: str = Response.CONFIRMED, needs: list[str] | None = None, **fields: Any
) -> Attendance:
    """Someone asked to the event (with consent to be contacted), and their answer."""
    person: Person = make_person(
        event.organisation, needs=needs or [], consents=[ConsentPurpose.CONTACT], **fields
    )
    attendance = Attendance.objects.create(
        organisation_id=event.organisation_id, event=event, person=person
    )
    if response != Response.INVITED:
        services.respond(attendance, response)
    return attendance
