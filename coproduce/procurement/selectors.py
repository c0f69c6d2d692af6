"""Reads for the procurement pages, each a fixed number of queries."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from coproduce.accounts.models import Organisation, User
from coproduce.events.models import Event

from . import scoring
from .models import (
    Answer,
    Bid,
    Bidder,
    BidStatus,
    Clarification,
    ConflictDeclaration,
    Evaluator,
    Question,
    Score,
    ScoreStatus,
    Tender,
)


def tenders_for(organisation: Organisation, status: str = "") -> QuerySet[Tender]:
    tenders = (
        Tender.objects.filter(organisation=organisation)
        .select_related("project")
        .annotate(
            bidder_count=Count("bidders", distinct=True),
            evaluator_count=Count("evaluators", distinct=True),
        )
        .order_by("-created_at", "pk")
    )
    return tenders.filter(status=status) if status else tenders


def discussion_sessions(tender: Tender) -> QuerySet[Event]:
    """The panel's group discussion sessions: events of the tender's panel method."""
    if tender.panel_method_id is None:
        return Event.objects.none()
    return Event.objects.filter(method_id=tender.panel_method_id).order_by("starts_at")


def scoring_progress(tender: Tender) -> list[Any]:
    """Per question: how many scores are submitted (never the scores themselves)."""
    return list(
        tender.questions.annotate(
            submitted=Count(
                "answers__scores", filter=Q(answers__scores__status=ScoreStatus.SUBMITTED)
            ),
            moderated=Count("answers__moderation", distinct=True),
            answer_count=Count(
                "answers", filter=Q(answers__bid__status=BidStatus.SUBMITTED), distinct=True
            ),
        )
        .order_by("number")
        .values(
            "pk", "number", "text", "submitted", "moderated", "answer_count", "moderation_opened_at"
        )
    )


def published_clarifications(tender: Tender) -> QuerySet[Clarification]:
    """The log every bidder reads: questions and answers, without who asked."""
    return (
        tender.clarifications.filter(published_at__isnull=False)
        .only("pk", "question", "answer", "published_at", "tender_id")
        .order_by("published_at", "pk")
    )


def bidders_for_user(user: User) -> QuerySet[Bidder]:
    """The bidders a provider user acts for, on tenders that have opened."""
    return (
        Bidder.objects.filter(bidder_users__user=user, tender__opened_at__isnull=False)
        .select_related("tender")
        .order_by("-tender__opened_at", "pk")
    )


def evaluator_roles(user: User) -> QuerySet[Evaluator]:
    return (
        Evaluator.objects.filter(user=user)
        .exclude(tender__status__in=["draft", "cancelled"])
        .select_related("tender")
        .order_by("-tender__created_at")
    )


def declarations_for(tender: Tender) -> QuerySet[ConflictDeclaration]:
    return (
        ConflictDeclaration.objects.filter(evaluator__tender=tender)
        .select_related("evaluator__person", "evaluator__user", "bidder", "assessed_by")
        .order_by("outcome", "evaluator__code", "bidder__name")
    )


def bids_for(tender: Tender) -> QuerySet[Bid]:
    return (
        tender.bids.select_related("bidder", "lot")
        .annotate(document_count=Count("documents"))
        .order_by("lot__number", "bidder__name")
    )


@dataclass
class ModerationRow:
    """One answer at moderation: every submitted score, the spread and the agreed score."""

    answer: Answer
    scores: list[Score]
    lay_scores: list[Score]
    officer_scores: list[Score]
    spread: scoring.Spread | None


def moderation_rows(question: Question) -> list[ModerationRow]:
    submitted = Score.objects.filter(status=ScoreStatus.SUBMITTED).select_related(
        "evaluator", "entered_by", "explanation"
    )
    answers = (
        Answer.objects.filter(question=question, bid__status=BidStatus.SUBMITTED)
        .select_related("bid__bidder", "bid__lot", "moderation__moderated_by")
        .prefetch_related(Prefetch("scores", queryset=submitted, to_attr="submitted_scores"))
        .order_by("bid__lot__number", "bid__bidder__name")
    )
    threshold = question.tender.spread_threshold
    rows = []
    for answer in answers:
        scores: list[Score] = answer.submitted_scores  # type: ignore[attr-defined]
        rows.append(
            ModerationRow(
                answer=answer,
                scores=scores,
                lay_scores=[s for s in scores if s.evaluator.is_lay],
                officer_scores=[s for s in scores if not s.evaluator.is_lay],
                spread=scoring.spread([s.score for s in scores if s.score is not None], threshold),
            )
        )
    return rows
