"""Demo payments for `coproduce load_demo`: the council's payment policy, Pat Evans's
confirmed payment choice, and Pat's claim for a workshop waiting for a finance approver
(faisal.finance). Running it again changes nothing."""

import datetime
from decimal import Decimal

from django.utils import timezone

from coproduce.accounts.models import Organisation, User
from coproduce.events.models import (
    Attendance,
    Attended,
    Event,
    EventKind,
    EventMode,
    EventStatus,
    Response,
)
from coproduce.people.models import Person
from coproduce.projects.models import EngagementMethod

from . import services
from .models import Claim, ExpenseKind, PaymentMethod, RateBasis

WORKSHOP = "Carers' service design workshop"


def load(council: Organisation, users: dict[str, User]) -> None:
    policy = services.payment_policy(council)
    services.save_policy(
        policy,
        {
            RateBasis.HOUR: Decimal("20.00"),
            RateBasis.HALF_DAY: Decimal("60.00"),
            RateBasis.DAY: Decimal("100.00"),
        },
    )
    pat = Person.objects.get(organisation=council, user=users["pat.carer"])
    if services.choice_of(pat) is None:
        services.confirm_choice(pat, method=PaymentMethod.PAYMENT, by=users["pat.carer"])
    attendance = _attended(pat, users["fran.facilitator"])
    if Claim.objects.filter(attendance=attendance).exists():
        return
    mileage = policy.expense_categories.get(kind=ExpenseKind.MILEAGE)
    services.submit_claim(
        pat,
        attendance,
        [services.ItemInput(mileage, "Drove to the library and back", miles=Decimal("14"))],
        by=users["pat.carer"],
        on_behalf=False,
    )


def _attended(person: Person, facilitator: User) -> Attendance:
    """An event Pat came to: one from the events demo if there is one, otherwise a workshop
    for the carers' project made here."""
    found = (
        Attendance.objects.filter(person=person, attended=Attended.PRESENT)
        .order_by("event__starts_at", "pk")
        .first()
    )
    if found:
        return found
    method = EngagementMethod.objects.filter(
        organisation=person.organisation, plan__stage__project__title__startswith="Carers"
    ).order_by("plan__stage__position", "pk")[0]
    stage = method.plan.stage
    starts = timezone.make_aware(
        datetime.datetime.combine(
            timezone.localdate() - datetime.timedelta(days=5), datetime.time(10, 30)
        )
    )
    event, _ = Event.objects.get_or_create(
        organisation=person.organisation,
        title=WORKSHOP,
        defaults={
            "project": stage.project,
            "stage": stage,
            "method": method,
            "kind": EventKind.WORKSHOP,
            "mode": EventMode.IN_PERSON,
            "purpose": "Carers tell us what the new service must offer.",
            "starts_at": starts,
            "ends_at": starts + datetime.timedelta(hours=3, minutes=30),
            "status": EventStatus.HELD,
            "created_by": facilitator,
        },
    )
    attendance, _ = Attendance.objects.get_or_create(
        event=event,
        person=person,
        defaults={
            "organisation": person.organisation,
            "response": Response.CONFIRMED,
            "attended": Attended.PRESENT,
        },
    )
    return attendance
