"""Plans, budgets and providers made through the services, as people make them."""

import datetime
from decimal import Decimal
from typing import Any, cast

from django.utils import timezone

from coproduce.accounts.models import Organisation, Role, User
from coproduce.individual import services
from coproduce.individual.models import (
    ApprovedProvider,
    GapReason,
    HeldAs,
    Outcome,
    OutcomeArea,
    PersonalBudget,
    PersonCentredPlan,
    PlanKind,
    PlanVersion,
    ProviderQuality,
    ResponseKind,
    SupportGap,
    SupportType,
    TookPart,
)
from coproduce.people.models import ConsentPurpose
from coproduce.testing.factories import OrganisationFactory, make_person, member


def an_organisation() -> Organisation:
    return cast(Organisation, OrganisationFactory())


def a_participant(organisation: Organisation, **fields: Any) -> User:
    return member(organisation, Role.PARTICIPANT, **fields)


def make_plan(
    organisation: Organisation,
    worker: User | None = None,
    person_user: User | None = None,
    **fields: Any,
) -> PersonCentredPlan:
    """A plan being written, for a person who signs in (unless `person_user` is given as
    None explicitly through `fields`)."""
    worker = worker or member(organisation, Role.FACILITATOR)
    user = person_user or a_participant(organisation)
    person = make_person(organisation, user=user, consents=[ConsentPurpose.CONTACT])
    return services.start_plan(
        person,
        fields.get("kind", PlanKind.EHC),
        worker,
        "Key worker",
        easy_read=fields.get("easy_read", False),
    )


def newest(plan: PersonCentredPlan) -> PlanVersion:
    return services.latest_version(plan)


def add_outcome(
    version: PlanVersion, words: str = "I want to go to college.", **fields: Any
) -> Outcome:
    values = {"in_their_words": words, "area": OutcomeArea.LEARNING}
    values.update(fields)
    return services.save_item(version, Outcome(**values))


def ready_to_share(plan: PersonCentredPlan) -> PlanVersion:
    version = newest(plan)
    if not version.outcomes.exists():
        add_outcome(version)
    services.save_taking_part(version, [TookPart.THEMSELVES, TookPart.EASY_READ], "", "")
    return newest(plan)


def shared(plan: PersonCentredPlan, by: User | None = None) -> PlanVersion:
    version = ready_to_share(plan)
    return services.share(version, by or plan.created_by)


def agree(version: PlanVersion) -> Any:
    return services.respond(
        version, kind=ResponseKind.AGREE, given_by_name="Sam", given_as=services.THE_PERSON
    )


def in_use(plan: PersonCentredPlan, *, agreed: bool = True, **item_fields: Any) -> PlanVersion:
    version = shared(plan)
    if agreed:
        agree(version)
    return services.finalise(
        version,
        plan.created_by,
        timezone.localdate() + datetime.timedelta(days=180),
        "" if agreed else "Needed now for the school place.",
    )


def add_gap(version: PlanVersion, support_type: str = SupportType.SHORT_BREAKS) -> SupportGap:
    return services.save_item(
        version,
        SupportGap(
            support_type=support_type,
            description="Weekend breaks near home",
            reason=GapReason.NO_PROVIDER,
        ),
    )


def make_budget(plan: PersonCentredPlan, allocation: str = "10000.00") -> PersonalBudget:
    today = timezone.localdate()
    return services.set_budget(
        plan,
        allocation=Decimal(allocation),
        held_as=HeldAs.DIRECT_PAYMENT,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=335),
        review_on=today + datetime.timedelta(days=150),
    )


def make_provider(organisation: Organisation, name: str = "", **fields: Any) -> ApprovedProvider:
    values: dict[str, Any] = {
        "organisation": organisation,
        "name": name or f"Provider {ApprovedProvider.objects.count() + 1}",
        "description": "Short breaks at weekends.",
        "support_types": [SupportType.SHORT_BREAKS],
        "area": "Northtown",
        "contact": "01632 960001",
        "approved_on": datetime.date(2026, 1, 5),
    }
    values.update(fields)
    return services.save_provider(ApprovedProvider(**values))


def make_quality(organisation: Organisation, title: str = "They listen to me") -> ProviderQuality:
    return services.save_quality(
        ProviderQuality(
            organisation=organisation, title=title, source="Young people's reference group"
        )
    )
