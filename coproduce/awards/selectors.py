"""Reads for awards: the moderated totals of each lot, assessment summaries and the panel
report. The sums are `procurement.scoring`'s, so every page and document agrees."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from coproduce.procurement import scoring
from coproduce.procurement.models import (
    Bid,
    BidStatus,
    Criterion,
    EvaluatorKind,
    Lot,
    Moderation,
    ModerationExplanation,
    Question,
    Score,
    ScoreStatus,
    Tender,
)

from .models import Award, FeedbackSession


@dataclass
class BidRow:
    """One bid's marks in its lot. Marks are None until every question is moderated."""

    bid: Bid
    consensus: dict[int, int]
    weighted: dict[int, Decimal]
    complete: bool
    quality: Decimal | None = None
    price_score: Decimal | None = None
    total: Decimal | None = None
    rank: int | None = None
    tied: bool = False
    abnormally_low: bool = False

    def criterion_marks(self, questions: Iterable[Question]) -> dict[int, Decimal]:
        marks: dict[int, Decimal] = defaultdict(Decimal)
        for question in questions:
            marks[question.criterion_id] += self.weighted.get(question.pk, Decimal(0))
        return dict(marks)


@dataclass
class LotTotals:
    lot: Lot
    questions: list[Question]
    rows: list[BidRow] = field(default_factory=list)

    @property
    def final(self) -> bool:
        """Ranking is final only when every bid in the lot is fully moderated."""
        return bool(self.rows) and all(row.complete for row in self.rows)

    @property
    def first(self) -> list[BidRow]:
        return [row for row in self.rows if row.rank == 1]

    @property
    def preferred(self) -> BidRow | None:
        """The panel's preferred bid: ranked first on its own on final totals."""
        first = self.first
        return first[0] if self.final and len(first) == 1 else None

    def row_for(self, bid_id: int) -> BidRow | None:
        return next((row for row in self.rows if row.bid.pk == bid_id), None)


def lot_questions(questions: Iterable[Question], lot: Lot) -> list[Question]:
    return [q for q in questions if q.applies_to(lot.pk)]


def tender_totals(tender: Tender, lots: Iterable[Lot] | None = None) -> list[LotTotals]:
    """Weighted quality, price score, total and rank of each submitted bid, lot by lot.

    Bids whose every question has an agreed (consensus) score and that have a price are
    ranked against each other; the rest are listed as not fully moderated.
    """
    lots = list(lots if lots is not None else tender.lots.all())
    questions = list(
        Question.objects.filter(tender=tender).select_related("criterion").order_by("number")
    )
    bids = list(
        Bid.objects.filter(tender=tender, status=BidStatus.SUBMITTED, lot__in=lots)
        .select_related("bidder")
        .order_by("bidder__name", "pk")
    )
    consensus: dict[int, dict[int, int]] = defaultdict(dict)
    for bid_id, question_id, score in Moderation.objects.filter(
        answer__bid__in=[b.pk for b in bids]
    ).values_list("answer__bid_id", "answer__question_id", "consensus_score"):
        consensus[bid_id][question_id] = score
    result = []
    for lot in lots:
        applicable = lot_questions(questions, lot)
        rows = [
            _row(tender, bid, applicable, consensus[bid.pk]) for bid in bids if bid.lot_id == lot.pk
        ]
        _rank(tender, rows)
        rows.sort(key=lambda row: (row.rank is None, row.rank or 0))
        result.append(LotTotals(lot=lot, questions=applicable, rows=rows))
    return result


def _row(tender: Tender, bid: Bid, questions: list[Question], agreed: dict[int, int]) -> BidRow:
    weighted = {
        q.pk: scoring.weighted_score(agreed[q.pk], tender.scale_max, q.weight)
        for q in questions
        if q.pk in agreed
    }
    complete = bool(questions) and len(weighted) == len(questions) and bid.price is not None
    return BidRow(bid=bid, consensus=dict(agreed), weighted=weighted, complete=complete)


def _rank(tender: Tender, rows: list[BidRow]) -> None:
    complete = {row.bid.pk: row for row in rows if row.complete}
    if not complete:
        return
    quality = {pk: sum(row.weighted.values(), Decimal(0)) for pk, row in complete.items()}
    prices = {pk: row.bid.price for pk, row in complete.items() if row.bid.price is not None}
    for total in scoring.totals(
        quality, prices, price_weight=tender.price_weight, formula=tender.price_formula
    ):
        row = complete[total.key]
        row.quality = total.quality
        row.price_score = total.price_score
        row.total = total.total
        row.rank = total.rank
        row.tied = total.tied
        row.abnormally_low = total.abnormally_low


def lot_totals(tender: Tender, lot: Lot) -> LotTotals:
    return tender_totals(tender, [lot])[0]


def criteria_of(tender: Tender) -> list[Criterion]:
    return list(tender.criteria.order_by("position", "pk"))


# --- Awards ------------------------------------------------------------------------------------


def awards_for(tender: Tender) -> QuerySet[Award]:
    return tender.awards.select_related(
        "lot", "winning_bid__bidder", "panel_preferred_bid__bidder", "signed_off_by"
    ).order_by("lot__number")


def award_queryset() -> QuerySet[Award]:
    return Award.objects.select_related(
        "tender__organisation",
        "lot",
        "winning_bid__bidder",
        "panel_preferred_bid__bidder",
        "signed_off_by",
        "recorded_by",
    )


@dataclass(frozen=True)
class CriterionSummary:
    criterion: Criterion
    mark: Decimal
    winner_mark: Decimal
    # (question, agreed score, the panel's reason)
    reasons: list[tuple[Question, int | None, str]]


@dataclass(frozen=True)
class AssessmentSummary:
    """What a bidder is told about its own bid and the winning bid: nothing about any other
    bid, and nobody's name."""

    award: Award
    bid: Bid
    row: BidRow
    winner: BidRow
    criteria: list[CriterionSummary]
    is_winner: bool


def assessment_summary(award: Award, bid: Bid) -> AssessmentSummary:
    tender = award.tender
    totals = lot_totals(tender, award.lot)
    row = totals.row_for(bid.pk)
    winner = totals.row_for(award.winning_bid_id)
    if row is None or winner is None:
        raise LookupError("The bid is not in this lot's totals.")
    rationales = dict(
        Moderation.objects.filter(answer__bid=bid).values_list("answer__question_id", "rationale")
    )
    marks = row.criterion_marks(totals.questions)
    winner_marks = winner.criterion_marks(totals.questions)
    criteria = [
        CriterionSummary(
            criterion=criterion,
            mark=marks.get(criterion.pk, Decimal(0)),
            winner_mark=winner_marks.get(criterion.pk, Decimal(0)),
            reasons=[
                (q, row.consensus.get(q.pk), rationales.get(q.pk, ""))
                for q in totals.questions
                if q.criterion_id == criterion.pk
            ],
        )
        for criterion in criteria_of(tender)
    ]
    return AssessmentSummary(
        award=award,
        bid=bid,
        row=row,
        winner=winner,
        criteria=criteria,
        is_winner=bid.pk == award.winning_bid_id,
    )


# --- Panel report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreSeen:
    code: str
    score: int
    explanation: str


@dataclass(frozen=True)
class Discrepancy:
    """One answer where lay and officer scores differ, with evaluators by label only."""

    question: Question
    bidder_name: str
    lay: list[ScoreSeen]
    officers: list[ScoreSeen]
    difference: Decimal
    consensus: int | None
    rationale: str


def panel_report(tender: Tender) -> list[Discrepancy]:
    """Answers where the lay evaluators' average score and the officers' average differ by at
    least the tender's spread threshold, with the agreed score and why."""
    scores = (
        Score.objects.filter(
            answer__bid__tender=tender, status=ScoreStatus.SUBMITTED, score__isnull=False
        )
        .select_related("evaluator", "answer__question", "answer__bid__bidder")
        .order_by("answer__question__number", "answer__bid__bidder__name", "evaluator__code")
    )
    explanations = dict(
        ModerationExplanation.objects.filter(moderation__answer__bid__tender=tender).values_list(
            "score_id", "explanation"
        )
    )
    moderations = {m.answer_id: m for m in Moderation.objects.filter(answer__bid__tender=tender)}
    by_answer: dict[int, list[Score]] = defaultdict(list)
    for score in scores:
        by_answer[score.answer_id].append(score)
    report = []
    for answer_id, answer_scores in by_answer.items():
        lay = [s for s in answer_scores if s.evaluator.is_lay]
        officers = [s for s in answer_scores if s.evaluator.kind == EvaluatorKind.OFFICER]
        if not lay or not officers:
            continue
        difference = abs(_average(lay) - _average(officers))
        if difference < tender.spread_threshold:
            continue
        moderation = moderations.get(answer_id)
        answer = answer_scores[0].answer
        report.append(
            Discrepancy(
                question=answer.question,
                bidder_name=answer.bid.bidder.name,
                lay=[_seen(s, explanations) for s in lay],
                officers=[_seen(s, explanations) for s in officers],
                difference=scoring.to_2dp(difference),
                consensus=moderation.consensus_score if moderation else None,
                rationale=moderation.rationale if moderation else "",
            )
        )
    return report


def _average(scores: list[Score]) -> Decimal:
    return Decimal(sum(s.score or 0 for s in scores)) / len(scores)


def _seen(score: Score, explanations: dict[int, str]) -> ScoreSeen:
    return ScoreSeen(
        code=score.evaluator.code,
        score=score.score or 0,
        explanation=explanations.get(score.pk, ""),
    )


def feedback_sessions(tender: Tender) -> QuerySet[FeedbackSession]:
    return tender.feedback_sessions.prefetch_related("comments__evaluator").order_by(
        "-held_on", "pk"
    )


def individual_scores(tender: Tender) -> QuerySet[Any]:
    """Every submitted score, by evaluator label (never name), for the marks spreadsheet."""
    return (
        Score.objects.filter(answer__bid__tender=tender, status=ScoreStatus.SUBMITTED)
        .order_by(
            "answer__bid__lot__number",
            "answer__question__number",
            "answer__bid__bidder__name",
            "evaluator__code",
        )
        .values_list(
            "answer__bid__lot__number",
            "answer__bid__bidder__name",
            "answer__question__number",
            "evaluator__code",
            "score",
        )
    )
