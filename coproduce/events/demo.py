"""Demo events for `coproduce load_demo`: two venues (neutral ground with full access, and
council offices without a hearing loop), an upcoming bid evaluation day for the carers'
project with carers coming who need support, and a past workshop whose register was taken.
Running it again changes nothing: what exists already is left alone."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from coproduce.accounts.models import Organisation, User
from coproduce.people.models import Person
from coproduce.projects.models import CommissioningProject, EngagementMethod, MethodKind

from . import services
from .models import Attendance, Attended, Event, EventKind, EventMode, Response, Venue


def load(organisation: Organisation, users: dict[str, User]) -> None:
    centre = _venue(
        organisation,
        name="Northtown Community Centre",
        address="12 Market Street\nNorthtown",
        postcode="NT1 2AB",
        step_free=True,
        accessible_toilet=True,
        hearing_loop=True,
        parking=True,
        blue_badge_bays=True,
        quiet_room=True,
        neutral_ground=True,
        public_transport="Buses 4 and 12 stop outside. Northtown station is a 5 minute walk.",
        notes="Level entrance from the car park. Lift to the first floor.",
    )
    _venue(
        organisation,
        name="County Hall, Committee Room 2",
        address="County Hall\nNorthtown",
        postcode="NT1 1AA",
        step_free=True,
        accessible_toilet=True,
        parking=True,
        public_transport="Bus 12 stops on Hall Road.",
        notes="No hearing loop. Visitors sign in at reception.",
    )
    project = CommissioningProject.objects.get(
        organisation=organisation, title__startswith="Carers"
    )
    fran = users["fran.facilitator"]
    evaluation_day(project, centre, fran)
    past_workshop(project, centre, fran)


def _venue(organisation: Organisation, **fields: Any) -> Venue:
    found = Venue.objects.filter(organisation=organisation, name=fields["name"]).first()
    return found or services.save_venue(Venue(organisation=organisation, **fields))


def _at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def _event(method: EngagementMethod, by: User, **fields: Any) -> Event | None:
    """A new event, or None if the demo made it before."""
    if Event.objects.filter(method=method, title=fields["title"]).exists():
        return None
    event = services.new_event(method)
    event.created_by = by
    for name, value in fields.items():
        setattr(event, name, value)
    return services.save_event(event).event


def _asked(event: Event, names: list[str]) -> list[Attendance]:
    people = Person.objects.filter(organisation_id=event.organisation_id, name__in=names)
    return [
        Attendance.objects.create(organisation_id=event.organisation_id, event=event, person=p)
        for p in people.order_by("name")
    ]


def evaluation_day(project: CommissioningProject, venue: Venue, by: User) -> None:
    method = EngagementMethod.objects.get(
        plan__stage__project=project, kind=MethodKind.EVALUATION_PANEL
    )
    event = _event(
        method,
        by,
        title="Bid evaluation day",
        kind=EventKind.EVALUATION_DAY,
        mode=EventMode.IN_PERSON,
        purpose="Carers and officers score the bids for the new carers' support service.",
        starts_at=_at(12, 10),
        ends_at=_at(12, 15, 30),
        venue=venue,
        joining_instructions=(
            "Fran Hughes will meet you at the main entrance from 9:45am. Lunch is provided. "
            "Bring your scoring notes; spare copies of the bids will be there."
        ),
        places=6,
    )
    if event is None:
        return
    for attendance in _asked(event, ["Pat Evans", "Samuel Lewis", "Bethany Clarke"]):
        services.respond(attendance, Response.CONFIRMED)


def past_workshop(project: CommissioningProject, venue: Venue, by: User) -> None:
    method = EngagementMethod.objects.get(plan__stage__project=project, kind=MethodKind.WORKSHOP)
    event = _event(
        method,
        by,
        title="Co-design workshop: what the service offers",
        kind=EventKind.WORKSHOP,
        mode=EventMode.HYBRID,
        purpose="Write the service specification together with the reference group.",
        starts_at=_at(-30, 10, 30),
        ends_at=_at(-30, 13, 30),
        venue=venue,
        online_link="https://meet.example/carers-workshop",
        joining_instructions="Join in the room or online. Breaks every 45 minutes.",
    )
    if event is None:
        return
    asked = {
        row.person.name: row for row in _asked(event, ["Pat Evans", "Samuel Lewis", "Gareth Jones"])
    }
    for attendance in asked.values():
        services.respond(attendance, Response.CONFIRMED)
    services.take_register(
        event,
        {
            asked["Pat Evans"].pk: services.Mark(Attended.PRESENT),
            # Sam left after the first break: paid and counted for the time he was there.
            asked["Samuel Lewis"].pk: services.Mark(Attended.PRESENT, Decimal("1.5")),
            asked["Gareth Jones"].pk: services.Mark(Attended.APOLOGIES),
        },
    )
