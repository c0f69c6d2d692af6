"""Events, attendance, policies, choices and claims for the payments tests."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coproduce.accounts.models import Organisation, Role, User
from coproduce.events.models import Attendance, Attended, Event, EventKind, EventMode, Response
from coproduce.people.models import Person
from coproduce.projects.models import EngagementMethod
from coproduce.testing.factories import make_method, make_person, make_project, member

from .. import services
from ..models import Claim, PaymentChoice, PaymentMethod, PaymentPolicy, RateBasis

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%receipt\n"


def receipt(name: str = "bus-ticket.jpg", content: bytes = JPEG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def make_policy(
    organisation: Organisation,
    per_hour: str | None = "20.00",
    half_day: str | None = "60.00",
    day: str | None = "100.00",
) -> PaymentPolicy:
    policy = services.payment_policy(organisation)
    rates = {RateBasis.HOUR: per_hour, RateBasis.HALF_DAY: half_day, RateBasis.DAY: day}
    return services.save_policy(
        policy, {basis: Decimal(v) if v else None for basis, v in rates.items()}
    )


def make_event(
    method: EngagementMethod,
    *,
    hours: float = 2,
    kind: str = EventKind.WORKSHOP,
    starts_at: datetime.datetime | None = None,
    created_by: User | None = None,
    title: str = "Co-design workshop",
) -> Event:
    starts_at = starts_at or timezone.now() - datetime.timedelta(days=3)
    stage = method.plan.stage
    return Event.objects.create(
        organisation_id=method.organisation_id,
        project=stage.project,
        stage=stage,
        method=method,
        title=title,
        kind=kind,
        mode=EventMode.IN_PERSON,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=hours),
        created_by=created_by or member(method.organisation, Role.FACILITATOR),
    )


def make_attendance(
    event: Event, person: Person, *, hours_attended: str | None = None
) -> Attendance:
    return Attendance.objects.create(
        organisation_id=event.organisation_id,
        event=event,
        person=person,
        response=Response.CONFIRMED,
        attended=Attended.PRESENT,
        hours_attended=Decimal(hours_attended) if hours_attended else None,
    )


def a_method(organisation: Organisation | None = None) -> EngagementMethod:
    project = make_project(organisation) if organisation else make_project()
    return make_method(project.stages.get(position=2).plan)


def make_participant(organisation: Organisation, **fields: Any) -> Person:
    """A person in the register who signs in (a participant user linked to their record)."""
    user = member(organisation, Role.PARTICIPANT)
    return make_person(organisation, user=user, consents=["contact"], **fields)


def confirm(
    person: Person, method: str = PaymentMethod.PAYMENT, cap: str | None = None, **kwargs: Any
) -> PaymentChoice:
    by = kwargs.pop("by", None) or person.user or member(person.organisation, Role.FACILITATOR)
    return services.confirm_choice(
        person, method=method, by=by, annual_cap=Decimal(cap) if cap else None, **kwargs
    )


def make_claim(
    person: Person | None = None,
    *,
    method: EngagementMethod | None = None,
    hours: float = 2,
    items: list[services.ItemInput] | None = None,
    by: User | None = None,
) -> Claim:
    """A submitted claim for a new event the person came to (policy and choice made if
    missing)."""
    if person is None:
        method = method or a_method()
        person = make_participant(method.organisation)
    method = method or a_method(person.organisation)
    if not PaymentPolicy.objects.filter(organisation=person.organisation).exists():
        make_policy(person.organisation)
    if services.choice_of(person) is None:
        confirm(person)
    attendance = make_attendance(make_event(method, hours=hours), person)
    by = by or person.user
    assert by is not None
    return services.submit_claim(
        person, attendance, items or [], by=by, on_behalf=by != person.user
    )
