"""Co-review records built through the services, so the rules apply."""

import datetime
from decimal import Decimal
from typing import Any, cast

from coproduce.accounts.models import Organisation, Role, User
from coproduce.projects.models import CommissioningProject
from coproduce.review import practice_questions, services
from coproduce.review.models import (
    Frequency,
    Indicator,
    Outcome,
    QualityCharacteristic,
    ReviewVisit,
    SelfAssessment,
    Service,
    VisitKind,
)
from coproduce.testing.factories import OrganisationFactory, make_project, member


def new_organisation() -> Organisation:
    return cast(Organisation, OrganisationFactory())


def make_service(
    project: CommissioningProject | None = None,
    provider: User | None = None,
    name: str = "Carers' hub",
) -> Service:
    """A service run by a provider, with one provider user who reports on it."""
    project = project or make_project(new_organisation())
    provider = provider or member(project.organisation, Role.PROVIDER)
    service = Service(project=project, name=name, provider_name="Northshire Carers' Centre")
    return services.save_service(service, [provider])


def provider_of(service: Service) -> User:
    return User.objects.get(review_service_links__service=service)


def make_outcome(project: CommissioningProject, statement: str = "") -> Outcome:
    return services.save_outcome(
        Outcome(
            project=project,
            statement=statement or "I get a break from caring when I need one",
            whose_words="Carers' reference group, 3 March 2026",
        )
    )


def make_indicator(
    outcome: Outcome,
    service: Service | None = None,
    *,
    baseline: str | None = "40",
    target: str = "60",
    **fields: Any,
) -> Indicator:
    values: dict[str, Any] = {
        "name": "Carers who had a break in the last 3 months",
        "unit": "%",
        "frequency": Frequency.QUARTERLY,
        "data_source": "Provider's quarterly carers' survey",
    }
    values.update(fields)
    return services.save_indicator(
        Indicator(
            outcome=outcome,
            service=service,
            baseline=Decimal(baseline) if baseline is not None else None,
            target=Decimal(target),
            **values,
        )
    )


def make_characteristic(service: Service, title: str = "") -> QualityCharacteristic:
    return services.save_characteristic(
        QualityCharacteristic(
            service=service,
            title=title or "Staff listen and do not rush you",
            defined_by="Young people at the pupil referral unit workshop",
        )
    )


def make_visit(service: Service, by: User | None = None, **fields: Any) -> ReviewVisit:
    values: dict[str, Any] = {
        "kind": VisitKind.MYSTERY_SHOPPING,
        "visited_on": datetime.date(2026, 2, 10),
        "reviewers": "Two carers from the reference group",
    }
    values.update(fields)
    by = by or member(service.organisation, Role.FACILITATOR)
    return services.record_visit(service, recorded_by=by, **values)


def all_scores(score: int = 3) -> dict[str, int]:
    return {question.key: score for question in practice_questions.QUESTIONS}


def make_assessment(organisation: Organisation, title: str = "Spring 2026") -> SelfAssessment:
    return services.open_self_assessment(
        organisation, title, member(organisation, Role.FACILITATOR)
    )
