"""How events follow what happens to a person elsewhere: a merge moves their places at events,
pseudonymisation removes what officers wrote about their support, and subject access exports
the events they were asked to and whether they came."""

from typing import Any

from coproduce.dataprotection.export import Source, Subject, register
from coproduce.dataprotection.services import register_pseudonymiser
from coproduce.people import services as people_services
from coproduce.people.models import Person

from .models import Attendance, PaperFormat, Response, SupportArrangement


def _merged(keep: Person, duplicate: Person) -> None:
    kept = {row.event_id: row for row in Attendance.objects.filter(person=keep)}
    for attendance in Attendance.objects.filter(person=duplicate).select_related("involvement"):
        own = kept.get(attendance.event_id)
        if own is None:
            attendance.person = keep
            attendance.save()
            continue
        # One place per person and event. The kept record's stays, taking the register mark
        # from the duplicate if it has none; the same visit is never counted twice.
        visit = attendance.involvement
        attendance.delete()
        if not own.attended and attendance.attended:
            own.attended, own.hours_attended = attendance.attended, attendance.hours_attended
            own.involvement, visit = visit, None
            if own.response != Response.CONFIRMED:
                own.response = attendance.response
            own.save()
        if visit is not None:
            visit.delete()
    kept_items = set(SupportArrangement.objects.filter(person=keep).values_list("event_id", "kind"))
    for item in SupportArrangement.objects.filter(person=duplicate):
        if (item.event_id, item.kind) not in kept_items:
            item.person = keep
            item.save()
        elif item.needed:
            # The kept record's item stands; what was entered on this one stays on record.
            item.needed = False
            item.save()
    kept_versions = set(PaperFormat.objects.filter(person=keep).values_list("paper_id", flat=True))
    for version in PaperFormat.objects.filter(person=duplicate):
        if version.paper_id in kept_versions:
            version.delete()
        else:
            version.person = keep
            version.save()


def _pseudonymised(person: Person, erasure: bool) -> None:
    """Only the links stay (who was asked, who came, what support cost): what officers wrote
    about the person's support goes."""
    for item in SupportArrangement.objects.filter(person=person):
        if item.notes or item.acknowledged_reason:
            item.notes = ""
            item.acknowledged_reason = ""
            item.save()


def collect_events(subject: Subject) -> list[dict[str, Any]]:
    attendances = (
        Attendance.objects.filter(person_id__in=subject.person_ids)
        .select_related("event__venue")
        .order_by("event__starts_at", "pk")
    )
    return [
        {
            "date": attendance.event.starts_at,
            "event": attendance.event.title,
            "where": attendance.event.venue.name if attendance.event.venue else "Online",
            "response": attendance.get_response_display(),
            "attended": attendance.get_attended_display() if attendance.attended else "",
            "hours": attendance.hours_attended if attendance.hours_attended is not None else "",
        }
        for attendance in attendances
    ]


def connect() -> None:
    people_services.on_merge(_merged)
    register_pseudonymiser(_pseudonymised)
    register(
        Source(
            "events",
            "Events and attendance",
            collect_events,
            labels={
                "date": "Date",
                "event": "Event",
                "where": "Where",
                "response": "Answer",
                "attended": "Attendance",
                "hours": "Hours, if not the whole event",
            },
            permission="events.view_event",
            audit_models=("events.attendance", "events.supportarrangement"),
            order=74,
            as_table=True,
        )
    )
