"""Tenders ready to award: scored and moderated through the procurement services."""

import datetime
from typing import Any

from coproduce.accounts.models import Organisation, Role, User
from coproduce.awards import services
from coproduce.awards.models import Award
from coproduce.procurement import services as procurement
from coproduce.procurement.models import Answer
from coproduce.procurement.tests.factories import (
    Scoring,
    make_scoring_tender,
    submit_all_scores,
)
from coproduce.testing.factories import member


def make_moderated_tender(
    organisation: Organisation | None = None,
    *,
    individual: dict[int, tuple[int, int, int]] | None = None,
    consensus: dict[tuple[int, int], int] | None = None,
    **kwargs: Any,
) -> Scoring:
    """Two bids (Carers First £90,000, Northshire Care £80,000) on two questions worth 35 each.

    `individual[question] = (lay 1, lay 2, officer)` scores for every bid; `consensus[(bid
    index, question)]` the agreed score. By default Carers First is agreed 4 and 3, Northshire
    Care 2 and 2, so Carers First ranks first.
    """
    world = make_scoring_tender(organisation, **kwargs)
    individual = individual or {1: (4, 3, 3), 2: (3, 3, 3)}
    consensus = consensus or {(0, 1): 4, (0, 2): 3, (1, 1): 2, (1, 2): 2}
    evaluators = [*world.lay, world.officer]
    for number, given in individual.items():
        submit_all_scores(world, number, {e.pk: s for e, s in zip(evaluators, given, strict=True)})
        question = world.tender.questions.get(number=number)
        procurement.open_moderation(question)
        for index, bid in enumerate(world.bids):
            answer = Answer.objects.get(bid=bid, question=question)
            agreed = consensus[(index, number)]
            procurement.moderate(
                answer,
                consensus_score=agreed,
                rationale=f"Rationale for {bid.bidder.name} on question {number}.",
                explanations={
                    score.pk: "The panel discussed the evidence."
                    for score in answer.scores.all()
                    if score.score != agreed
                },
                by=world.lead,
            )
    return world


def decision_maker(world: Scoring) -> User:
    return member(world.tender.organisation, Role.DECISION_MAKER)


def make_award(
    world: Scoring,
    *,
    bid_index: int = 0,
    signed: bool = True,
    notice_date: datetime.date | None = None,
    **kwargs: Any,
) -> Award:
    award = services.record_award(
        world.tender,
        world.tender.lots.get(number=1),
        world.bids[bid_index],
        by=world.lead,
        **kwargs,
    )
    if signed or notice_date:
        services.sign_off(award, by=decision_maker(world), note="Agreed at cabinet.")
    if notice_date:
        services.record_dates(award, notice_date=notice_date, contract_entered_on=None)
    return award
