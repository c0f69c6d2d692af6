"""Read queries: which plans someone may look up, and the figures across plans for
commissioners, every count passed through the one suppression function."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from coproduce.accounts.roles import staff_organisation_ids
from coproduce.equality.suppression import Cell, suppress

from .models import (
    UNMET,
    ActualSpend,
    ApprovedProvider,
    GapReason,
    Outcome,
    OutcomeArea,
    PersonCentredPlan,
    PlanAction,
    PlannedSupport,
    PlanStatus,
    PlanVersion,
    PlanWorker,
    ProviderReview,
    Representative,
    ReviewStatus,
    SupportGap,
    SupportType,
)


def plans_in_reach(user: Any) -> QuerySet[PersonCentredPlan]:
    """Plans someone may look up at all: their organisations' (staff), their own, and those of
    people they represent. Anything else is "not found". The rules then decide."""
    if not user.is_authenticated:
        return PersonCentredPlan.objects.none()
    represents = Representative.objects.filter(plan=OuterRef("pk"), user=user)
    return PersonCentredPlan.objects.filter(
        Q(organisation_id__in=staff_organisation_ids(user))
        | Q(person__user=user)
        | Q(Exists(represents))
    ).select_related("person", "organisation")


def my_plans(user: Any) -> QuerySet[PersonCentredPlan]:
    """Plans the user works on, is the person of, or represents, soonest review first. The
    three ways in are found separately and joined as ids (no DISTINCT over a join)."""
    ids = (
        PlanWorker.objects.filter(user=user)
        .values("plan_id")
        .order_by()
        .union(
            PersonCentredPlan.objects.filter(person__user=user).values("pk").order_by(),
            Representative.objects.filter(user=user).values("plan_id").order_by(),
        )
    )
    return (
        PersonCentredPlan.objects.filter(pk__in=ids)
        .select_related("person")
        .order_by("next_review_on", "pk")
    )


def version_detail(plan: PersonCentredPlan, number: int | None = None) -> PlanVersion | None:
    versions = plan.versions.select_related("created_by", "finalised_by").prefetch_related(
        Prefetch("outcomes", queryset=Outcome.objects.order_by("position", "pk")),
        Prefetch(
            "actions",
            queryset=PlanAction.objects.select_related("outcome").order_by(
                "due_on", "position", "pk"
            ),
        ),
        "involved",
        "gaps",
        "responses",
    )
    if number is None:
        return versions.order_by("-number").first()
    return versions.filter(number=number).first()


def approved_providers(
    organisation_id: int, support_type: str = "", quality_id: int | None = None
) -> list[ApprovedProvider]:
    """The directory, filtered. A council approves tens or hundreds of providers, so the kind
    of support (a list in a JSON field, which SQLite cannot search) is matched here."""
    providers = ApprovedProvider.objects.filter(organisation_id=organisation_id).annotate(
        published_reviews=Count(
            "reviews", filter=Q(reviews__status=ReviewStatus.PUBLISHED), distinct=True
        )
    )
    if quality_id:
        providers = providers.filter(evidence__quality_id=quality_id, evidence__rating="meets")
    return [
        provider
        for provider in providers.order_by("name", "pk")
        if not support_type or support_type in provider.support_types
    ]


def published_reviews(provider: ApprovedProvider) -> QuerySet[ProviderReview]:
    """Reviews as everyone but moderators sees them: published only, never with a name."""
    return provider.reviews.filter(status=ReviewStatus.PUBLISHED).only(
        "rating", "text", "created_at", "provider_id"
    )


# Figures across plans -------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell]
    money: str | None = None  # spend, shown only where its count of people is shown


@dataclass(frozen=True)
class FigureTable:
    title: str
    caption: str
    columns: list[str]
    rows: list[Row]
    empty: str


@dataclass(frozen=True)
class Figures:
    people: Cell
    tables: list[FigureTable]
    threshold: int
    spend_from: datetime.date
    spend_to: datetime.date


def _labelled(choices: Any) -> dict[str, str]:
    return dict(choices.choices)


def across_plans(
    organisation_id: int,
    *,
    kind: str = "",
    spend_from: datetime.date,
    spend_to: datetime.date,
) -> Figures:
    """The figures a commissioner sees, from the plans in use (one version each): a handful
    of grouped queries, whatever the number of plans."""
    versions = PlanVersion.objects.filter(organisation_id=organisation_id, status=PlanStatus.FINAL)
    budgets_q = Q(budget__organisation_id=organisation_id)
    if kind:
        versions = versions.filter(plan__kind=kind)
        budgets_q &= Q(budget__plan__kind=kind)
    people = versions.aggregate(n=Count("plan__person", distinct=True))["n"] or 0
    people_cell = suppress({"people": people}).cells["people"]

    outcome_counts = {
        row["area"]: (row["wanted"], row["unmet"])
        for row in Outcome.objects.filter(version__in=versions)
        .values("area")
        .annotate(
            wanted=Count("version__plan__person", distinct=True),
            unmet=Count("version__plan__person", distinct=True, filter=Q(progress__in=UNMET)),
        )
        .order_by()
    }
    areas = _labelled(OutcomeArea)
    wanted = suppress({area: outcome_counts.get(area, (0, 0))[0] for area in areas})
    unmet = suppress({area: outcome_counts.get(area, (0, 0))[1] for area in areas})
    outcomes = FigureTable(
        title="Outcomes people want that are not being met",
        caption="People with an outcome of this kind, and people for whom it was not met or "
        "only partly met at review",
        columns=["Kind of outcome", "People who want it", "People for whom it is not met"],
        rows=[
            Row(label, [wanted.cells[area], unmet.cells[area]])
            for area, label in areas.items()
            if outcome_counts.get(area, (0, 0))[0]
        ],
        empty="No plans in use have outcomes yet.",
    )

    gap_counts = {
        (row["support_type"], row["reason"]): row["people"]
        for row in SupportGap.objects.filter(version__in=versions)
        .values("support_type", "reason")
        .annotate(people=Count("version__plan__person", distinct=True))
        .order_by()
    }
    types = _labelled(SupportType)
    reasons = _labelled(GapReason)
    wanted_types = sorted({support for support, _ in gap_counts}, key=list(types).index)
    gap_people = {
        support: {reason: gap_counts.get((support, reason), 0) for reason in reasons}
        for support in wanted_types
    }
    gap_table = suppress(gap_people) if gap_people else None
    gaps = FigureTable(
        title="Support people want that is not available",
        caption="People who want this support and cannot get it, by the reason",
        columns=["Support", *reasons.values(), "People"],
        rows=[
            Row(
                types[support],
                [*gap_table.row(support), gap_table.row_totals[support]],
            )
            for support in wanted_types
        ]
        if gap_table
        else [],
        empty="No plans in use record support that is not available.",
    )

    spend_rows = {
        row["support_type"]: (row["people"], row["total"])
        for row in ActualSpend.objects.filter(
            budgets_q,
            spent_on__range=(spend_from, spend_to),
        )
        .values("support_type")
        .annotate(people=Count("budget__plan__person", distinct=True), total=Sum("amount"))
        .order_by()
    }
    spend_people = suppress({support: spend_rows[support][0] for support in spend_rows})
    spend = FigureTable(
        title="Spend from personal budgets by type of support",
        caption=f"Spending recorded from {spend_from:%-d %B %Y} to {spend_to:%-d %B %Y}",
        columns=["Support", "People", "Spend"],
        rows=[
            Row(
                types[support],
                [spend_people.cells[support]],
                money=_money(spend_rows[support][1])
                if not spend_people.cells[support].suppressed
                else None,
            )
            for support in types
            if support in spend_rows
        ],
        empty="No spending is recorded for these dates.",
    )

    provider_rows = list(
        PlannedSupport.objects.filter(budgets_q, provider__isnull=False)
        .values("provider__name")
        .annotate(people=Count("budget__plan__person", distinct=True))
        .order_by("provider__name")
    )
    chosen = suppress({row["provider__name"]: row["people"] for row in provider_rows})
    providers = FigureTable(
        title="Approved providers people chose",
        caption="People whose planned support is with each provider",
        columns=["Provider", "People"],
        rows=[Row(name, [cell]) for name, cell in chosen.cells.items()],
        empty="No planned support is with an approved provider yet.",
    )
    return Figures(
        people=people_cell,
        tables=[outcomes, gaps, spend, providers],
        threshold=wanted.threshold,
        spend_from=spend_from,
        spend_to=spend_to,
    )


def _money(amount: Decimal | None) -> str:
    return f"£{(amount or Decimal('0')):,.2f}"


def figures_as_json(figures: Figures) -> dict[str, Any]:
    """What is kept when figures are attached as evidence: the suppressed figures only."""
    return {
        "people": figures.people.value,
        "threshold": figures.threshold,
        "spend_from": figures.spend_from.isoformat(),
        "spend_to": figures.spend_to.isoformat(),
        "tables": [
            {
                "title": table.title,
                "caption": table.caption,
                "columns": table.columns,
                "empty": table.empty,
                "rows": [
                    {
                        "label": row.label,
                        "cells": [cell.value for cell in row.cells],
                        "money": row.money,
                    }
                    for row in table.rows
                ],
            }
            for table in figures.tables
        ],
    }
