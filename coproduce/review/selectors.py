"""Read queries for co-review, and the figures its pages and charts show."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from coproduce.accounts.models import Organisation, User
from coproduce.equality.suppression import Cell, suppress
from coproduce.projects.models import CommissioningProject

from . import practice_questions, rag
from .models import (
    AssessmentStatus,
    Indicator,
    IndicatorValue,
    Lesson,
    Outcome,
    ProviderReport,
    ReportStatus,
    RespondentGroup,
    ReviewVisit,
    SelfAssessment,
    SelfAssessmentResponse,
    SelfAssessmentScore,
    Service,
    VisitFinding,
)

# The chart's drawing area, in SVG units (the SVG scales to the page's width).
CHART_WIDTH, CHART_HEIGHT = 600, 200


@dataclass(frozen=True)
class Point:
    """One period of an indicator: its figure, rating and where the chart draws it."""

    value: IndicatorValue
    rating: rag.Rating
    x: Decimal
    y: Decimal
    bar_top: Decimal
    bar_height: Decimal


@dataclass
class IndicatorFigures:
    indicator: Indicator
    points: list[Point] = field(default_factory=list)
    target_y: Decimal | None = None
    baseline_y: Decimal | None = None
    bar_width: Decimal = Decimal("0")

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def rating(self) -> rag.Rating:
        return self.latest.rating if self.latest else rag.Rating.NONE


def _y(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    """Height on the chart: `high` at the top (y=0), `low` at the bottom."""
    if high == low:
        return Decimal(CHART_HEIGHT) / 2
    share = (value - low) / (high - low)
    return (Decimal(CHART_HEIGHT) * (1 - share)).quantize(Decimal("0.1"))


def figures_for(indicator: Indicator, values: list[IndicatorValue]) -> IndicatorFigures:
    """An indicator's figures in period order, each rated, with bar positions for the chart.
    The scale starts at 0 (or the lowest figure, if below 0) so bars are not misleading."""
    goal = indicator.goal
    values = sorted(values, key=lambda v: v.period_start)
    figures = IndicatorFigures(indicator=indicator)
    markers = [indicator.target] + ([indicator.baseline] if indicator.baseline is not None else [])
    numbers = [v.value for v in values] + markers
    low = min([Decimal("0"), *numbers])
    high = max([Decimal("0"), *numbers])
    if high == low:
        high = low + 1
    figures.target_y = _y(indicator.target, low, high)
    if indicator.baseline is not None:
        figures.baseline_y = _y(indicator.baseline, low, high)
    if not values:
        return figures
    slot = Decimal(CHART_WIDTH) / len(values)
    figures.bar_width = (slot * Decimal("0.6")).quantize(Decimal("0.1"))
    zero_y = _y(Decimal("0"), low, high)
    for index, value in enumerate(values):
        y = _y(value.value, low, high)
        figures.points.append(
            Point(
                value=value,
                rating=rag.rate(value.value, goal),
                x=(slot * index + slot * Decimal("0.2")).quantize(Decimal("0.1")),
                y=y,
                bar_top=min(y, zero_y),
                bar_height=max(abs(zero_y - y), Decimal("1")),
            )
        )
    return figures


@dataclass
class OutcomeFigures:
    outcome: Outcome
    indicators: list[IndicatorFigures]


def framework(project: CommissioningProject) -> list[OutcomeFigures]:
    """The project's outcomes, each indicator with its rated figures (three queries)."""
    outcomes = Outcome.objects.filter(project=project).prefetch_related(
        Prefetch(
            "indicators",
            queryset=Indicator.objects.select_related("service").prefetch_related(
                Prefetch("values", queryset=IndicatorValue.objects.order_by("period_start"))
            ),
        )
    )
    return [
        OutcomeFigures(
            outcome=outcome,
            indicators=[
                figures_for(indicator, list(indicator.values.all()))
                for indicator in outcome.indicators.all()
            ],
        )
        for outcome in outcomes
    ]


def rating_counts(outcomes: list[OutcomeFigures]) -> dict[rag.Rating, int]:
    counts = dict.fromkeys(rag.Rating, 0)
    for outcome in outcomes:
        for figures in outcome.indicators:
            counts[figures.rating] += 1
    return counts


def indicator_figures(indicator: Indicator) -> IndicatorFigures:
    return figures_for(indicator, list(indicator.values.select_related("entered_by", "report")))


def projects_for(organisation: Organisation) -> QuerySet[CommissioningProject]:
    return (
        CommissioningProject.objects.filter(organisation=organisation)
        .annotate(
            outcome_count=Count("review_outcomes", distinct=True),
            service_count=Count("review_services", distinct=True),
            lesson_count=Count("lessons", distinct=True),
        )
        .order_by("title", "pk")
    )


def services_for(project: CommissioningProject) -> QuerySet[Service]:
    return (
        Service.objects.filter(project=project)
        .annotate(
            waiting=Count(
                "reports", filter=Q(reports__status=ReportStatus.SUBMITTED), distinct=True
            ),
            visit_count=Count("visits", distinct=True),
        )
        .order_by("name", "pk")
    )


def reports_waiting(organisation: Organisation) -> QuerySet[ProviderReport]:
    return (
        ProviderReport.objects.filter(organisation=organisation, status=ReportStatus.SUBMITTED)
        .select_related("service__project")
        .order_by("submitted_at", "pk")
    )


def services_for_provider(user: User) -> QuerySet[Service]:
    return (
        Service.objects.filter(provider_links__user=user)
        .select_related("project")
        .annotate(
            to_do=Count(
                "reports",
                filter=Q(reports__status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED]),
                distinct=True,
            )
        )
        .order_by("name", "pk")
    )


def visits_for(service: Service) -> QuerySet[ReviewVisit]:
    return service.visits.annotate(
        finding_count=Count("findings", distinct=True),
        unsent=Count(
            "findings", filter=Q(findings__sent_for_decision_at__isnull=True), distinct=True
        ),
    ).order_by("-visited_on", "-pk")


def findings_of(visit: ReviewVisit) -> QuerySet[VisitFinding]:
    return visit.findings.select_related("characteristic", "contribution__response")


# Lessons -----------------------------------------------------------------------------------


def search_lessons(
    organisation: Organisation, words: str = "", stage_kind: str = "", project_id: int | None = None
) -> QuerySet[Lesson]:
    """Lessons across the organisation: every word must appear in the lesson or its project's
    title (any case)."""
    lessons = Lesson.objects.filter(organisation=organisation).select_related("project", "stage")
    for word in words.split()[:10]:
        lessons = lessons.filter(
            Q(title__icontains=word)
            | Q(what_worked__icontains=word)
            | Q(what_did_not__icontains=word)
            | Q(what_to_change__icontains=word)
            | Q(project__title__icontains=word)
        )
    if stage_kind:
        lessons = lessons.filter(stage__kind=stage_kind)
    if project_id:
        lessons = lessons.filter(project_id=project_id)
    return lessons.order_by("-created_at", "-pk")


# The self-assessment -----------------------------------------------------------------------


@dataclass(frozen=True)
class GroupScore:
    """One group's average score. `answered` goes through the suppression function; for
    participants, the average is hidden with it when too few answered."""

    answered: Cell
    average: Decimal | None

    @property
    def hidden(self) -> bool:
        return self.average is None and self.answered.suppressed


@dataclass(frozen=True)
class ScoreRow:
    key: str
    label: str
    staff: GroupScore
    participants: GroupScore

    def bar(self, score: GroupScore) -> Decimal:
        """Bar length in chart units (0 to 100) for a score from 1 to 5."""
        if score.average is None:
            return Decimal("0")
        return (score.average / practice_questions.HIGHEST * 100).quantize(Decimal("0.1"))

    @property
    def staff_bar(self) -> Decimal:
        return self.bar(self.staff)

    @property
    def participants_bar(self) -> Decimal:
        return self.bar(self.participants)


Tally = tuple[int, int]  # (sum of scores, number of scores)


def _group_score(tallies: list[Tally], people: int, *, protect: bool) -> GroupScore:
    answered = suppress({"answered": people}).cells["answered"]
    if protect and answered.suppressed:
        return GroupScore(answered=answered, average=None)
    if not protect:
        answered = Cell(people)
    total = sum(t for t, _n in tallies)
    count = sum(n for _t, n in tallies)
    return GroupScore(answered=answered, average=practice_questions.average(total, count))


@dataclass
class Results:
    assessment: SelfAssessment
    staff_count: int
    participant_count: Cell
    areas: list[ScoreRow]
    questions: dict[str, list[ScoreRow]]


def _collect(assessment_ids: list[int]) -> dict[int, dict[str, dict[str, Tally]]]:
    """Sums and counts of scores by assessment, group and question key, added up by the
    database in one query (a round may have thousands of answers)."""
    collected: dict[int, dict[str, dict[str, Tally]]] = {}
    rows = (
        SelfAssessmentScore.objects.filter(response__assessment_id__in=assessment_ids)
        .values("response__assessment_id", "response__group", "question_key")
        .annotate(total=Sum("score"), count=Count("pk"))
        .order_by()
    )
    for row in rows:
        by_group = collected.setdefault(row["response__assessment_id"], {})
        by_group.setdefault(row["response__group"], {})[row["question_key"]] = (
            row["total"],
            row["count"],
        )
    return collected


def _people(assessment_ids: list[int]) -> dict[tuple[int, str], int]:
    counts = (
        SelfAssessmentResponse.objects.filter(assessment_id__in=assessment_ids)
        .values("assessment_id", "group")
        .annotate(people=Count("pk"))
        .order_by()
    )
    return {(row["assessment_id"], row["group"]): row["people"] for row in counts}


def _rows(
    by_group: dict[str, dict[str, Tally]], staff: int, participants: int
) -> tuple[list[ScoreRow], dict[str, list[ScoreRow]]]:
    staff_scores = by_group.get(RespondentGroup.STAFF, {})
    participant_scores = by_group.get(RespondentGroup.PARTICIPANT, {})
    areas: list[ScoreRow] = []
    questions: dict[str, list[ScoreRow]] = {}
    for area in practice_questions.AREAS:
        keys = [q.key for q in practice_questions.questions_in(area.key)]
        areas.append(
            ScoreRow(
                key=area.key,
                label=area.title,
                staff=_group_score(
                    [staff_scores[k] for k in keys if k in staff_scores], staff, protect=False
                ),
                participants=_group_score(
                    [participant_scores[k] for k in keys if k in participant_scores],
                    participants,
                    protect=True,
                ),
            )
        )
        questions[area.key] = [
            ScoreRow(
                key=question.key,
                label=question.text,
                staff=_group_score([staff_scores.get(question.key, (0, 0))], staff, protect=False),
                participants=_group_score(
                    [participant_scores.get(question.key, (0, 0))], participants, protect=True
                ),
            )
            for question in practice_questions.questions_in(area.key)
        ]
    return areas, questions


def results(assessment: SelfAssessment) -> Results:
    """Average scores by area and by question, staff and participants side by side.
    Participants' averages are shown only where enough of them answered (the one suppression
    function decides); every participant answers every question, so one count serves all."""
    by_assessment = _collect([assessment.pk])
    people = _people([assessment.pk])
    staff = people.get((assessment.pk, RespondentGroup.STAFF), 0)
    participants = people.get((assessment.pk, RespondentGroup.PARTICIPANT), 0)
    areas, questions = _rows(by_assessment.get(assessment.pk, {}), staff, participants)
    return Results(
        assessment=assessment,
        staff_count=staff,
        participant_count=suppress({"answered": participants}).cells["answered"],
        areas=areas,
        questions=questions,
    )


@dataclass(frozen=True)
class Round:
    assessment: SelfAssessment
    areas: list[ScoreRow]


def history(organisation: Organisation, limit: int = 8) -> list[Round]:
    """The latest rounds, oldest first, with their area averages (three queries)."""
    assessments = list(SelfAssessment.objects.filter(organisation=organisation)[:limit])
    ids = [a.pk for a in assessments]
    collected = _collect(ids)
    people = _people(ids)
    rounds = []
    for assessment in reversed(assessments):
        areas, _questions = _rows(
            collected.get(assessment.pk, {}),
            people.get((assessment.pk, RespondentGroup.STAFF), 0),
            people.get((assessment.pk, RespondentGroup.PARTICIPANT), 0),
        )
        rounds.append(Round(assessment=assessment, areas=areas))
    return rounds


@dataclass(frozen=True)
class RoundCounts:
    assessment: SelfAssessment
    staff: int
    participants: Cell


def assessments_for(organisation: Organisation) -> list[RoundCounts]:
    """Every round with how many answered (participants' count through suppression)."""
    assessments = (
        SelfAssessment.objects.filter(organisation=organisation)
        .annotate(
            staff=Count("responses", filter=Q(responses__group=RespondentGroup.STAFF)),
            participants=Count("responses", filter=Q(responses__group=RespondentGroup.PARTICIPANT)),
        )
        .order_by("-opened_on", "-pk")
    )
    return [
        RoundCounts(
            assessment=a,
            staff=a.staff,  # type: ignore[attr-defined]
            participants=suppress({"answered": a.participants}).cells["answered"],  # type: ignore[attr-defined]
        )
        for a in assessments
    ]


def open_assessments_for(user: Any, organisation_ids: list[int]) -> QuerySet[SelfAssessment]:
    return (
        SelfAssessment.objects.filter(
            organisation_id__in=organisation_ids, status=AssessmentStatus.OPEN
        )
        .select_related("organisation")
        .annotate(mine=Count("responses", filter=Q(responses__respondent=user)))
    )


@dataclass(frozen=True)
class Bar:
    row: ScoreRow
    staff_y: int
    participants_y: int


@dataclass(frozen=True)
class SideBySide:
    """A side-by-side chart's geometry (SVG units) and its table's headings."""

    key: str
    label: str
    row_heading: str
    bars: list[Bar]

    @property
    def height(self) -> int:
        return len(self.bars) * 32


def side_by_side(key: str, label: str, row_heading: str, rows: list[ScoreRow]) -> SideBySide:
    bars = [Bar(row=row, staff_y=i * 32, participants_y=i * 32 + 13) for i, row in enumerate(rows)]
    return SideBySide(key=key, label=label, row_heading=row_heading, bars=bars)
