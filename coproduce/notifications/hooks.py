"""How deliveries follow what happens to a person elsewhere: withdrawn consent stops what is
not yet sent, pseudonymisation removes what was said, a merge moves them, and subject access
exports them."""

from typing import Any

from coproduce.dataprotection.export import Source, Subject, register
from coproduce.dataprotection.services import register_pseudonymiser
from coproduce.people import services as people_services
from coproduce.people.models import Person

from . import services
from .models import Delivery


def _consent_withdrawn(person: Person, purpose: str) -> None:
    services.hold_pending(person, "Consent was withdrawn before it was sent.", purpose)


def _pseudonymised(person: Person, erasure: bool) -> None:
    services.forget_messages(person)


def collect_deliveries(subject: Subject) -> list[dict[str, Any]]:
    deliveries = Delivery.objects.filter(person_id__in=subject.person_ids).order_by("created_at")
    return [
        {
            "date": delivery.created_at,
            "subject": delivery.subject,
            "how": delivery.get_route_display(),
            "format": delivery.get_sent_as_display(),
            "to": delivery.recipient_name if delivery.via else "",
            "status": delivery.get_status_display(),
        }
        for delivery in deliveries
    ]


def connect() -> None:
    people_services.on_consent_withdrawn(_consent_withdrawn)
    people_services.on_merge(services.move_deliveries)
    register_pseudonymiser(_pseudonymised)
    register(
        Source(
            "deliveries",
            "Messages sent to them",
            collect_deliveries,
            labels={
                "date": "Date",
                "subject": "Subject",
                "how": "Sent by",
                "format": "Format",
                "to": "Through",
                "status": "Status",
            },
            permission="notifications.view_delivery",
            audit_models=("notifications.delivery",),
            order=75,
            as_table=True,
        )
    )
