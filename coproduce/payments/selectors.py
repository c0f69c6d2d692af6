"""Reads for claims, overdue claims and budget against spending."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone

from coproduce.events.models import SupportArrangement
from coproduce.participation import services as participation_services
from coproduce.people.models import Person
from coproduce.projects.models import (
    BudgetCategory,
    BudgetLine,
    CommissioningProject,
    EngagementMethod,
)

from .models import Claim, ClaimStatus

UNPAID = (ClaimStatus.SUBMITTED, ClaimStatus.APPROVED)
SPENT = (ClaimStatus.APPROVED, ClaimStatus.PAID)


def overdue_cutoff(paid_within_days: int, today: datetime.date | None = None) -> datetime.datetime:
    """Claims sent before this moment are overdue if not paid: sent on the 1st with 14 days
    to pay, a claim is due by the 15th and overdue from the 16th."""
    today = today or timezone.localdate()
    day = today - datetime.timedelta(days=paid_within_days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def claims_for(
    organisation: Any, status: str = "", overdue_before: datetime.datetime | None = None
) -> QuerySet[Claim]:
    claims = Claim.objects.filter(organisation=organisation).select_related(
        "person", "attendance__event", "submitted_by"
    )
    if status in ClaimStatus.values:
        claims = claims.filter(status=status)
    if overdue_before is not None:
        claims = claims.filter(status__in=UNPAID, submitted_at__lt=overdue_before)
    return claims.order_by("submitted_at", "pk")


def claims_of(person: Person) -> QuerySet[Claim]:
    return (
        Claim.objects.filter(person=person)
        .select_related("attendance__event")
        .order_by("-submitted_at", "-pk")
    )


def claim_detail(queryset: QuerySet[Claim]) -> QuerySet[Claim]:
    return queryset.select_related(
        "person",
        "attendance__event__project",
        "attendance__event__method",
        "submitted_by",
        "approved_by",
        "rejected_by",
        "paid_by",
    )


@dataclass(frozen=True)
class BudgetRow:
    stage: str
    method: str
    category: str
    budget: Decimal
    actual: Decimal

    @property
    def left(self) -> Decimal:
        return self.budget - self.actual

    @property
    def over(self) -> bool:
        return self.actual > self.budget


@dataclass(frozen=True)
class Budget:
    rows: list[BudgetRow]

    @property
    def budget(self) -> Decimal:
        return sum((row.budget for row in self.rows), Decimal("0.00"))

    @property
    def actual(self) -> Decimal:
        return sum((row.actual for row in self.rows), Decimal("0.00"))

    @property
    def left(self) -> Decimal:
        return self.budget - self.actual


def budget_vs_actual(project: CommissioningProject) -> Budget:
    """The engagement plans' budget lines against what has been spent, per method and kind
    of cost. Involvement payments count against the method's participant payment lines and
    expenses against its expenses lines, from approved and paid claims; support arranged for
    events, training and prizes count against the budget line they were charged to."""
    budget: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    actual: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    methods: dict[int, Any] = {}
    lines = BudgetLine.objects.filter(method__plan__stage__project=project).select_related(
        "method__plan__stage"
    )
    for line in lines:
        budget[(line.method_id, line.category)] += line.amount
        methods[line.method_id] = line.method
    claims = (
        Claim.objects.filter(attendance__event__project=project, status__in=SPENT)
        .values("attendance__event__method_id")
        .annotate(time=Sum("involvement_amount"), expenses=Sum("expenses_amount"))
    )
    for spent in claims:
        method_id = spent["attendance__event__method_id"]
        actual[(method_id, BudgetCategory.PARTICIPANT_PAYMENTS)] += spent["time"]
        actual[(method_id, BudgetCategory.EXPENSES)] += spent["expenses"]
    support = (
        SupportArrangement.objects.filter(
            budget_line__method__plan__stage__project=project, cost__isnull=False
        )
        .values("budget_line__method_id", "budget_line__category")
        .annotate(total=Sum("cost"))
    )
    for charged in support:
        actual[(charged["budget_line__method_id"], charged["budget_line__category"])] += charged[
            "total"
        ]
    # Training and prizes charged to budget lines (participation).
    for method_id, category, cost in participation_services.charged_costs(project):
        actual[(method_id, category)] += cost
    missing = {method_id for method_id, _ in actual} - set(methods)
    if missing:
        for method in EngagementMethod.objects.filter(pk__in=missing).select_related("plan__stage"):
            methods[method.pk] = method
    labels = dict(BudgetCategory.choices)
    rows = [
        BudgetRow(
            stage=methods[method_id].plan.stage.get_kind_display(),
            method=methods[method_id].get_kind_display(),
            category=labels.get(category, category),
            budget=budget.get((method_id, category), Decimal("0.00")),
            actual=actual.get((method_id, category), Decimal("0.00")),
        )
        for method_id, category in sorted(
            set(budget) | set(actual),
            key=lambda key: (methods[key[0]].plan.stage.position, key[0], key[1]),
        )
    ]
    return Budget(rows=rows)
