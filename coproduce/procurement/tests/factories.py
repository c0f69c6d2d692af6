"""Tenders at each point of their life, built through the services so the rules apply."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from coproduce.accounts.models import Organisation, Role, User
from coproduce.people.models import Person
from coproduce.procurement import services
from coproduce.procurement.models import (
    Answer,
    Bid,
    Bidder,
    Criterion,
    Evaluator,
    EvaluatorKind,
    Question,
    Tender,
)
from coproduce.testing.factories import OrganisationFactory, make_person, make_project, member


def make_tender(
    organisation: Organisation | None = None,
    *,
    lead: User | None = None,
    questions: int = 2,
    easy_read: bool = False,
    **fields: Any,
) -> Tender:
    """A draft tender with one criterion (70) whose questions share its weight, and price 30:
    ready to open for bids."""
    organisation = organisation or cast(Organisation, OrganisationFactory())
    lead = lead or member(organisation, Role.COMMISSIONER)
    project = make_project(organisation, lead=lead)
    values: dict[str, Any] = {"title": "Carers' support service", "reference": "NCC-2026-014"}
    values.update(fields)
    tender = services.create_tender(project, created_by=lead, **values)
    criterion = services.save_criterion(
        Criterion(tender=tender, name="Quality of support", weight=Decimal("70"))
    )
    share = (Decimal("70") / questions).quantize(Decimal("0.01"))
    for number in range(1, questions + 1):
        services.save_question(
            Question(
                tender=tender,
                criterion=criterion,
                number=number,
                text=f"How will you support carers? (part {number})",
                word_limit=500,
                # The last question takes what rounding left, so the weights total 70.
                weight=share if number < questions else Decimal("70") - share * (questions - 1),
                lay_may_score=True,
                easy_read_required=easy_read and number == 1,
            )
        )
    return tender


def make_open_tender(organisation: Organisation | None = None, **kwargs: Any) -> Tender:
    tender = make_tender(organisation, **kwargs)
    return services.open_for_bids(tender, tender.created_by)


def make_bidder(tender: Tender, name: str = "", user: User | None = None) -> Bidder:
    user = user or member(tender.organisation, Role.PROVIDER)
    return services.add_bidder(tender, name or f"Bidder {tender.bidders.count() + 1}", [user])


def bidder_user(bidder: Bidder) -> User:
    return bidder.users.get()


PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def make_submitted_bid(bidder: Bidder, price: str = "90000.00", words: int = 20) -> Bid:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from coproduce.procurement.models import DocumentKind

    bid = services.start_bid(bidder, bidder.tender.lots.get(number=1))
    for question in services.questions_for(bid):
        services.save_answer(
            bid,
            question,
            " ".join(["support"] * words),
            "We will help you." if question.easy_read_required else "",
        )
        if question.easy_read_required:
            services.add_document(
                bid,
                SimpleUploadedFile("pathway.png", PNG, content_type="image/png"),
                "Pathway",
                bidder_user(bidder),
                kind=DocumentKind.FLOW_CHART,
                question=question,
            )
    services.save_price(bid, Decimal(price))
    return services.submit_bid(bid, bidder_user(bidder))


def make_lay_evaluator(tender: Tender, name: str = "", **person_fields: Any) -> Evaluator:
    """A lay evaluator: a person in the register with a participant sign-in."""
    user = member(tender.organisation, Role.PARTICIPANT)
    person = make_person(tender.organisation, name=name or "Pat Evans", **person_fields)
    person.user = user
    person.save()
    return services.add_evaluator(tender, EvaluatorKind.LAY, person=person)


def make_paper_evaluator(tender: Tender, name: str = "Sam Lewis") -> Evaluator:
    person: Person = make_person(
        tender.organisation, name=name, email="", preferred_channel="phone", landline="01632 960000"
    )
    return services.add_evaluator(tender, EvaluatorKind.LAY, person=person)


def make_officer(tender: Tender, user: User | None = None) -> Evaluator:
    user = user or member(tender.organisation, Role.COMMISSIONER)
    return services.add_evaluator(tender, EvaluatorKind.OFFICER, user=user)


@dataclass
class Scoring:
    """A tender in scoring: two bids, two lay evaluators and an officer on every question."""

    tender: Tender
    bidders: list[Bidder]
    bids: list[Bid]
    lay: list[Evaluator]
    officer: Evaluator
    lead: User
    extra: dict[str, Any] = field(default_factory=dict)

    def answers(self, question_number: int = 1) -> list[Answer]:
        return list(
            Answer.objects.filter(
                bid__tender=self.tender, question__number=question_number
            ).order_by("bid_id")
        )


def make_scoring_tender(organisation: Organisation | None = None, **kwargs: Any) -> Scoring:
    tender = make_open_tender(organisation, **kwargs)
    lead = tender.created_by
    bidders = [make_bidder(tender, "Carers First"), make_bidder(tender, "Northshire Care")]
    bids = [make_submitted_bid(bidders[0], "90000.00"), make_submitted_bid(bidders[1], "80000.00")]
    services.close_bids(tender)
    lay = [make_lay_evaluator(tender, "Pat Evans"), make_lay_evaluator(tender, "Jo Carter")]
    officer = make_officer(tender)
    services.record_briefing(
        tender,
        held_on=datetime.date(2026, 3, 2),
        led_by=lead,
        attendees=[*lay, officer],
        plain_guide_given=True,
        flow_chart_given=True,
    )
    questions = list(tender.questions.all())
    for evaluator in lay:
        services.choose_questions(evaluator, questions)
    for question in questions:
        services.assign_officers(question, [officer])
    for evaluator in [*lay, officer]:
        for bidder in bidders:
            services.declare(evaluator, bidder, has_conflict=False, nature="", by=lead)
    services.start_scoring(tender)
    tender.refresh_from_db()
    return Scoring(tender, bidders, bids, lay, officer, lead)


def submit_all_scores(world: Scoring, question_number: int, scores: dict[int, int]) -> None:
    """Every evaluator submits a score (by evaluator pk) for every answer to a question."""
    for evaluator in [*world.lay, world.officer]:
        user = evaluator.user
        assert user is not None
        for answer in world.answers(question_number):
            services.save_score(
                evaluator,
                answer,
                score=scores[evaluator.pk],
                justification="Clear plan for carers.",
                entered_by=user,
                submit=True,
            )
