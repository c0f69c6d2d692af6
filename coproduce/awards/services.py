"""Write operations and rules for awards.

Order of an award: an officer records it (the lot's ranking must be final; a reason if it does
not go to the bid ranked first on its own), the decision-maker signs it off, the award notice
is published and the standstill period (working days) runs, then the contract can be entered
into and the lay evaluators are told who won and how their scores counted.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coproduce.accounts.models import Role
from coproduce.accounts.roles import has_role
from coproduce.notifications.models import Delivery
from coproduce.notifications.services import Message, send
from coproduce.people.models import ConsentPurpose
from coproduce.procurement.models import (
    Bid,
    BidStatus,
    Evaluator,
    EvaluatorKind,
    Lot,
    Score,
    ScoreStatus,
    Tender,
)

from . import selectors
from .models import Award, FeedbackComment, FeedbackSession
from .working_days import DEFAULT_STANDSTILL_DAYS, standstill_end, standstill_has_ended


def _date(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


@transaction.atomic
def record_award(
    tender: Tender,
    lot: Lot,
    winning_bid: Bid,
    *,
    by: Any,
    reason_not_preferred: str = "",
    standstill_days: int = DEFAULT_STANDSTILL_DAYS,
) -> Award:
    if lot.tender_id != tender.pk or winning_bid.lot_id != lot.pk:
        raise ValidationError({"winning_bid": "Choose a bid for this lot."})
    if winning_bid.status != BidStatus.SUBMITTED:
        raise ValidationError({"winning_bid": "Choose a bid that was submitted."})
    if Award.objects.filter(lot=lot).exists():
        raise ValidationError("This lot has been awarded already.")
    if standstill_days < DEFAULT_STANDSTILL_DAYS:
        raise ValidationError(
            {
                "standstill_days": "The standstill period must be at least 8 working days "
                "(Procurement Act 2023, section 51). Enter 8 or more."
            }
        )
    totals = selectors.lot_totals(tender, lot)
    if not totals.final:
        raise ValidationError(
            "Some bids for this lot are not fully moderated yet, so the ranking is not final. "
            "Agree a score for every answer first."
        )
    preferred = totals.preferred
    reason = reason_not_preferred.strip()
    if (preferred is None or preferred.bid.pk != winning_bid.pk) and not reason:
        first = (
            f"ranked {preferred.bid.bidder.name} first"
            if preferred
            else "ranked two or more bids equal first"
        )
        raise ValidationError(
            {
                "reason_not_preferred": f"The panel's marks {first}. Say why the award goes "
                f"to {winning_bid.bidder.name}: the lay evaluators will be told."
            }
        )
    award = Award(
        organisation_id=tender.organisation_id,
        tender=tender,
        lot=lot,
        winning_bid=winning_bid,
        panel_preferred_bid=preferred.bid if preferred else None,
        reason_not_preferred=reason,
        standstill_days=standstill_days,
        recorded_by=by,
    )
    award.save()
    return award


@transaction.atomic
def sign_off(award: Award, *, by: Any, note: str, now: datetime.datetime | None = None) -> Award:
    """The decision-maker's sign-off, with the date and their note."""
    if not has_role(by, award.organisation_id, Role.DECISION_MAKER):
        raise ValidationError("Only a decision-maker of the organisation can sign off an award.")
    if award.signed_off_at is not None:
        raise ValidationError("This award has been signed off already.")
    if not note.strip():
        raise ValidationError({"sign_off_note": "Write a note of the decision."})
    award.signed_off_by = by
    award.signed_off_at = now or timezone.now()
    award.sign_off_note = note.strip()
    award.save()
    return award


@transaction.atomic
def record_dates(
    award: Award,
    *,
    notice_date: datetime.date | None,
    contract_entered_on: datetime.date | None,
) -> Award:
    """The award notice date (which starts the standstill) and the date the contract was
    entered into, never before the standstill period has ended."""
    if notice_date is not None and award.signed_off_at is None:
        raise ValidationError(
            {
                "notice_date": "The decision-maker must sign off the award before the award "
                "notice is published."
            }
        )
    if contract_entered_on is not None and notice_date is None:
        raise ValidationError(
            {"notice_date": "Enter the date the award notice was published first."}
        )
    end = standstill_end(notice_date, award.standstill_days) if notice_date else None
    if (
        contract_entered_on is not None
        and end is not None
        and not standstill_has_ended(end, contract_entered_on)
    ):
        raise ValidationError(
            {
                "contract_entered_on": f"The standstill period ends on {_date(end)}. "
                "The contract can only be entered into after that: enter a later date."
            }
        )
    changed = end != award.standstill_ends_on
    award.notice_date = notice_date
    award.standstill_ends_on = end
    award.contract_entered_on = contract_entered_on
    award.save()
    if changed and end is not None:
        _schedule_telling(award, end)
    return award


def _schedule_telling(award: Award, end: datetime.date) -> None:
    """Tells the lay evaluators at the first moment after standstill (midnight, UK time).
    A queue that cannot wait (tests run tasks at once) gets nothing: staff use the button."""
    from .tasks import tell_lay_evaluators_after_standstill

    due = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    )
    if (
        due <= timezone.now()
        or not tell_lay_evaluators_after_standstill.get_backend().supports_defer
    ):
        return
    pk = award.pk
    transaction.on_commit(
        lambda: tell_lay_evaluators_after_standstill.using(run_after=due).enqueue(pk),
        robust=True,
    )


def award_for_telling(pk: int) -> Award | None:
    return (
        Award.objects.select_related(
            "tender", "lot", "winning_bid__bidder", "panel_preferred_bid__bidder"
        )
        .filter(pk=pk)
        .first()
    )


def lay_evaluators(tender: Tender) -> list[Evaluator]:
    return list(
        tender.evaluators.filter(
            kind__in=[EvaluatorKind.LAY, EvaluatorKind.EASY_READ_PANEL], person__isnull=False
        )
        .select_related("person")
        .order_by("code")
    )


def award_message(award: Award, evaluator: Evaluator) -> Message:
    """Who won, thanks, and how this evaluator's own scores compared with the agreed ones."""
    tender = award.tender
    winner = award.winning_bid.bidder.name
    paragraphs = [
        f"Thank you for helping to choose who runs {tender.title}. "
        "Your time and your views made a real difference.",
        f"{award.lot.title} has been awarded to {winner}.",
    ]
    if not award.goes_to_preferred_bid:
        preferred = award.panel_preferred_bid
        first = (
            f"The panel's marks put {preferred.bidder.name} first."
            if preferred
            else "The panel's marks put two or more bids equal first."
        )
        paragraphs.append(
            f"{first} The award went to {winner} because: {award.reason_not_preferred}"
        )
    scores = (
        Score.objects.filter(
            evaluator=evaluator,
            status=ScoreStatus.SUBMITTED,
            answer__bid__lot=award.lot,
        )
        .select_related("answer__question", "answer__bid__bidder", "answer__moderation")
        .order_by("answer__question__number", "answer__bid__bidder__name")
    )
    lines = []
    for score in scores:
        agreed = getattr(score.answer, "moderation", None)
        agreed_text = f"the panel agreed {agreed.consensus_score}" if agreed else "no agreed score"
        lines.append(
            f"Question {score.answer.question.number}, {score.answer.bid.bidder.name}: "
            f"you gave {score.score}, {agreed_text}."
        )
    if lines:
        paragraphs.append(
            "How your scores counted. The agreed score is the one that counted towards the "
            "total:\n" + "\n".join(lines)
        )
    paragraphs.append("We will invite you to a session to hear what taking part was like.")
    return Message(
        subject=f"Who will run {tender.title}: thank you for your help",
        body="\n\n".join(paragraphs),
        easy_read=[
            f"Thank you for helping us choose who runs {tender.title}.",
            f"{winner} will run it.",
            "Your scores helped us decide.",
            "We will ask you what it was like to take part.",
        ],
    )


@transaction.atomic
def tell_lay_evaluators(
    award: Award, *, by: Any = None, today: datetime.date | None = None
) -> list[Delivery]:
    """Once standstill has ended. Each person is told once per award (the delivery key)."""
    today = today or timezone.localdate()
    end = award.standstill_ends_on
    if end is None:
        raise ValidationError("Record the award notice date first: standstill starts then.")
    if not standstill_has_ended(end, today):
        raise ValidationError(
            f"The standstill period ends on {_date(end)}. You can tell the lay evaluators "
            "after that."
        )
    deliveries = [
        send(
            evaluator.person,  # type: ignore[arg-type]
            award_message(award, evaluator),
            purpose=ConsentPurpose.CONTACT,
            key=f"award:{award.pk}:evaluator:{evaluator.pk}",
            topic=f"award:{award.pk}:lay-evaluators",
            sent_by=by,
        )
        for evaluator in lay_evaluators(award.tender)
    ]
    if award.lay_evaluators_told_at is None:
        award.lay_evaluators_told_at = timezone.now()
        award.save(update_fields=["lay_evaluators_told_at"])
    return deliveries


# --- Feedback from the panel -------------------------------------------------------------------


@transaction.atomic
def save_feedback_session(session: FeedbackSession) -> FeedbackSession:
    session.organisation_id = session.tender.organisation_id
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def add_feedback_comment(
    session: FeedbackSession, *, comment: str, evaluator: Evaluator | None
) -> FeedbackComment:
    """What someone said; `evaluator` None when they chose to stay anonymous."""
    if not comment.strip():
        raise ValidationError({"comment": "Write what they said."})
    if evaluator is not None and (evaluator.tender_id != session.tender_id or not evaluator.is_lay):
        raise ValidationError({"evaluator": "Choose a lay evaluator on this tender's panel."})
    return FeedbackComment.objects.create(
        organisation_id=session.organisation_id,
        session=session,
        evaluator=evaluator,
        comment=comment.strip(),
    )
