"""Read queries for contributions, decisions, the public pages and personal feedback."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Q, QuerySet

from coproduce.equality.suppression import Cell, Series, suppress
from coproduce.notifications.models import Delivery, DeliveryStatus
from coproduce.people.models import Involvement, InvolvementKind, Person
from coproduce.projects.models import CommissioningProject

from .models import (
    Contribution,
    ContributionResponse,
    Contributor,
    Decision,
    FeedbackRound,
    Outcome,
    PersonalFeedback,
    YouSaidWeDid,
)


@dataclass(frozen=True)
class Closure:
    """Responded contributions out of all of a project's contributions."""

    responded: int
    total: int

    @property
    def unanswered(self) -> int:
        return self.total - self.responded

    @property
    def rate(self) -> float | None:
        """From 0 to 1; None when there is nothing to respond to."""
        return self.responded / self.total if self.total else None

    @property
    def percent(self) -> int | None:
        return round(100 * self.responded / self.total) if self.total else None


def closure(project: CommissioningProject) -> Closure:
    counts = Contribution.objects.filter(project=project).aggregate(
        total=Count("pk"), responded=Count("pk", filter=Q(response__isnull=False))
    )
    return Closure(responded=counts["responded"], total=counts["total"])


def closure_by_project(projects: QuerySet[CommissioningProject]) -> QuerySet[CommissioningProject]:
    """Projects with `contribution_count` and `responded_count`, in one query."""
    return projects.annotate(
        contribution_count=Count("contributions", distinct=True),
        responded_count=Count(
            "contributions", filter=Q(contributions__response__isnull=False), distinct=True
        ),
    )


def contributions(project: CommissioningProject) -> QuerySet[Contribution]:
    return (
        Contribution.objects.filter(project=project)
        .select_related("stage", "response", "response__decision")
        .annotate(contributor_count=Count("contributors"))
        .order_by("stage__position", "created_at", "pk")
    )


def unanswered(project: CommissioningProject) -> QuerySet[Contribution]:
    return contributions(project).filter(response__isnull=True)


def decisions(project: CommissioningProject) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(project=project)
        .select_related("stage", "recorded_by")
        .annotate(response_count=Count("responses"))
        .order_by("-decided_on", "-pk")
    )


def outcome_counts(queryset: QuerySet[ContributionResponse]) -> dict[str, int]:
    found = dict(queryset.order_by().values_list("outcome").annotate(n=Count("pk")))
    return {outcome: found.get(outcome, 0) for outcome in Outcome.values}


# ----- The public pages ------------------------------------------------------------------------


def published_page(organisation_slug: str, project_id: int) -> YouSaidWeDid:
    """The project's "You said, we did" page, only once published (otherwise DoesNotExist)."""
    return YouSaidWeDid.objects.select_related("project", "project__organisation").get(
        project_id=project_id,
        project__organisation__slug=organisation_slug,
        published_at__isnull=False,
    )


def public_responses(project: CommissioningProject) -> QuerySet[ContributionResponse]:
    """What was done about each contribution, for decisions that are published."""
    return (
        ContributionResponse.objects.filter(
            contribution__project=project, decision__published_at__isnull=False
        )
        .select_related("contribution", "contribution__stage", "decision")
        .order_by("contribution__stage__position", "contribution__created_at", "pk")
    )


@dataclass(frozen=True)
class PublicFigures:
    """Everything counted on the public page, each count through the suppression function."""

    people_by_method: Series[str]
    people_in_total: Cell
    outcomes: dict[str, int]
    responded: int
    awaiting: int
    method_labels: dict[str, str]


def people_involved(project: CommissioningProject) -> tuple[Series[str], Cell]:
    """Different people involved in the project, by way of taking part, small numbers hidden.
    A person who took part in two ways is counted in both rows and once in the total."""
    rows = dict(
        Involvement.objects.filter(project=project)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("person", distinct=True))
    )
    by_method = suppress({kind: rows.get(kind, 0) for kind in InvolvementKind.values})
    everyone = Involvement.objects.filter(project=project).aggregate(
        n=Count("person", distinct=True)
    )["n"]
    return by_method, suppress({"people": everyone}).cells["people"]


def public_figures(project: CommissioningProject) -> PublicFigures:
    by_method, in_total = people_involved(project)
    responses = public_responses(project)
    outcomes = outcome_counts(responses)
    responded = sum(outcomes.values())
    total = Contribution.objects.filter(project=project).count()
    return PublicFigures(
        people_by_method=by_method,
        people_in_total=in_total,
        outcomes=outcomes,
        responded=responded,
        awaiting=total - responded,
        method_labels=dict(InvolvementKind.choices),
    )


def how_many_said(count: int | None) -> Cell | None:
    """How many people said something, as it may be shown publicly (small numbers hidden)."""
    if count is None:
        return None
    return suppress({"people": count}).cells["people"]


def published_decisions(organisation: Any, query: str = "") -> QuerySet[Decision]:
    decisions = (
        Decision.objects.filter(organisation=organisation, published_at__isnull=False)
        .select_related("project", "stage")
        .annotate(response_count=Count("responses"))
        .order_by("-decided_on", "-published_at", "-pk")
    )
    for word in query.split()[:8]:
        decisions = decisions.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(decided_by__icontains=word)
            | Q(project__title__icontains=word)
        )
    return decisions


def newest_published(organisation: Any, limit: int = 30) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(organisation=organisation, published_at__isnull=False)
        .select_related("project", "organisation")
        .order_by("-published_at", "-pk")[:limit]
    )


# ----- Personal feedback -------------------------------------------------------------------------


def rounds(project: CommissioningProject) -> QuerySet[FeedbackRound]:
    return FeedbackRound.objects.filter(project=project).select_related("job", "requested_by")


def delivery_counts(feedback_round: FeedbackRound) -> list[tuple[str, int]]:
    """How the round's messages stand: (status label, count), in the order of the statuses."""
    found = dict(
        Delivery.objects.filter(
            pk__in=PersonalFeedback.objects.filter(round=feedback_round).values("delivery_id")
        )
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return [(label, found[value]) for value, label in DeliveryStatus.choices if value in found]


def round_feedback(feedback_round: FeedbackRound) -> QuerySet[PersonalFeedback]:
    return (
        PersonalFeedback.objects.filter(round=feedback_round)
        .select_related("person", "delivery")
        .order_by("person__name", "pk")
    )


def waiting_to_be_told(project: CommissioningProject) -> int:
    """People with a published response to something they said whom no round has told yet
    (whether or not they agreed to be contacted)."""
    return len(untold(project))


def untold(project: CommissioningProject) -> dict[int, list[int]]:
    """Person id -> the published responses to their contributions nobody has told them of."""
    told: set[tuple[int, int]] = set()
    for person_id, response_ids in PersonalFeedback.objects.filter(
        round__project=project
    ).values_list("person_id", "response_ids"):
        told.update((person_id, response_id) for response_id in response_ids)
    pending: dict[int, list[int]] = {}
    pairs = (
        Contributor.objects.filter(
            contribution__project=project,
            contribution__response__decision__published_at__isnull=False,
        )
        .order_by("person_id", "contribution__created_at", "contribution_id")
        .values_list("person_id", "contribution__response__id")
    )
    for person_id, response_id in pairs:
        if (person_id, response_id) not in told:
            pending.setdefault(person_id, []).append(response_id)
    return pending


# ----- A participant's own page -----------------------------------------------------------------


def my_contributions(person: Person) -> QuerySet[Contribution]:
    """What the person contributed to, with what happened where the decision is published."""
    return (
        Contribution.objects.filter(contributors__person=person)
        .select_related("project", "stage", "response", "response__decision")
        .order_by("-created_at", "-pk")
    )


def response_of(contribution: Contribution) -> ContributionResponse | None:
    """The contribution's response, or None (the relation raises when there is none)."""
    try:
        return contribution.response
    except ObjectDoesNotExist:
        return None


@dataclass(frozen=True)
class PublicRow:
    """One "You said, we did" entry as the public may see it: no names, quotes only with
    consent, and how many people said it only when not a small number."""

    kind: str
    stage: str
    said: str
    quote: str
    how_many: Cell | None
    outcome: str
    outcome_value: str
    easy_read_outcome: str
    reason: str
    decision: Decision


def public_rows(responses: Iterable[ContributionResponse]) -> list[PublicRow]:
    rows = []
    for response in responses:
        contribution = response.contribution
        rows.append(
            PublicRow(
                kind=contribution.get_kind_display(),
                stage=contribution.stage.name,
                said=contribution.summary,
                quote=contribution.quote if contribution.quote_consent else "",
                how_many=how_many_said(contribution.people_count),
                outcome=response.get_outcome_display(),
                outcome_value=response.outcome,
                easy_read_outcome=response.easy_read_outcome,
                reason=response.reason,
                decision=response.decision,
            )
        )
    return rows


def participant_summary(person: Person) -> dict[str, Any]:
    """Everything for a participant's own page, in a fixed number of queries."""
    from coproduce.payments.selectors import claims_of

    contributed = list(my_contributions(person)[:100])
    happened = []
    for contribution in contributed:
        response = response_of(contribution)
        published = response is not None and response.decision.published_at is not None
        happened.append((contribution, response if published else None))
    return {
        "involvements": list(
            Involvement.objects.filter(person=person).select_related("project")[:100]
        ),
        "contributions": happened,
        "claims": list(claims_of(person)[:50]),
        "consents": list(person.consents.filter(withdrawn_at__isnull=True)),
        "withdrawn_consents": list(person.consents.filter(withdrawn_at__isnull=False)[:20]),
    }
