"""Read queries for participation pages: a bounded number of queries whatever the size."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from coproduce.notifications.models import Delivery
from coproduce.people.models import Person
from coproduce.projects.models import CommissioningProject

from . import services
from .models import Agreement, AgreementKind, Briefing, InterestDeclaration, TrainingOffer


@dataclass(frozen=True)
class AgreementRow:
    person: Person
    role: Agreement | None
    confidentiality: Agreement | None
    briefing: Delivery | None


def agreement_table(opportunity: Any, briefing: Briefing | None) -> list[AgreementRow]:
    """Everyone in the role, with their agreement to each current version (or None) and the
    latest briefing sent to them."""
    people = list(services.participants(opportunity))
    versions = {kind: services.current_version(opportunity, kind) for kind in AgreementKind.values}
    version_ids = [version.pk for version in versions.values() if version is not None]
    agreements = {
        (agreement.person_id, agreement.version_id): agreement
        for agreement in Agreement.objects.filter(version_id__in=version_ids, person__in=people)
    }

    deliveries = briefing_deliveries(briefing) if briefing else {}

    def find(person: Person, kind: str) -> Agreement | None:
        version = versions[kind]
        return agreements.get((person.pk, version.pk)) if version else None

    return [
        AgreementRow(
            person=person,
            role=find(person, AgreementKind.ROLE),
            confidentiality=find(person, AgreementKind.CONFIDENTIALITY),
            briefing=deliveries.get(person.pk),
        )
        for person in people
    ]


def briefing_deliveries(briefing: Briefing) -> dict[int, Delivery]:
    """The latest briefing delivery to each person, by person."""
    found: dict[int, Delivery] = {}
    for delivery in Delivery.objects.filter(topic=f"participation:briefing:{briefing.pk}").order_by(
        "created_at", "pk"
    ):
        found[delivery.person_id] = delivery
    return found


def deliveries_by_key(keys: list[str]) -> dict[str, Delivery]:
    return {delivery.key: delivery for delivery in Delivery.objects.filter(key__in=keys)}


def training_offers(organisation: Any) -> QuerySet[TrainingOffer]:
    return (
        TrainingOffer.objects.filter(organisation=organisation)
        .select_related("project", "budget_line")
        .prefetch_related("places")
        .order_by("-starts_on", "pk")
    )


def people_in_project_roles(project: CommissioningProject) -> QuerySet[Person]:
    return (
        Person.objects.filter(
            applications__opportunity__project=project,
            applications__status__in=services.IN_ROLE,
            merged_into__isnull=True,
            pseudonymised_at__isnull=True,
        )
        .distinct()
        .order_by("name", "pk")
    )


def declarations(organisation: Any) -> QuerySet[InterestDeclaration]:
    return (
        InterestDeclaration.objects.filter(organisation=organisation)
        .select_related("project", "stage", "person", "partner", "assessed_by")
        .order_by("outcome", "-declared_on", "-pk")
    )
