"""Demo tender for `coproduce load_demo`: the carers' support service (in Do) is being scored.
Criteria 70/30, three questions (one co-designed from what carers said they would look for),
two bidders (Priya Shah acts for Northshire Carers' Centre), two carers on the panel (Pat
Evans online, Tomasz Nowak on paper through Fran) and an officer, the briefing held, a
managed conflict of interest, and some scores in."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from weasyprint import HTML

from coproduce.accounts.models import Organisation, User
from coproduce.people.models import Person
from coproduce.projects.models import CommissioningProject, EngagementMethod, MethodKind

from . import services
from .models import (
    Bidder,
    ConflictOutcome,
    Criterion,
    DocumentKind,
    EvaluatorKind,
    Question,
    Tender,
)

REFERENCE = "NCC-2026-014"

LAY_GUIDE = """You are one of the people scoring the offers from organisations that want to run \
the carers' support service. Your view counts as much as an officer's.

1. Tell us if you know any of the organisations bidding. Saying yes is fine.
2. At the briefing, choose the questions you want to score. Nobody has to score them all.
3. Read each answer in your own time. Give it a score from 0 to 4 and write why.
4. Come to the group discussion. We agree a score together.

Your name is never shown to the organisations bidding. We pay for your time and your \
replacement care. Ask Fran Hughes if you need anything."""


def load(council: Organisation, users: dict[str, User]) -> Tender | None:
    if Tender.objects.filter(organisation=council, reference=REFERENCE).exists():
        return None
    project = CommissioningProject.objects.get(organisation=council, title__startswith="Carers")
    lead = users["chris.commissioner"]
    today = timezone.localdate()
    panel = EngagementMethod.objects.filter(
        plan__stage__project=project, kind=MethodKind.EVALUATION_PANEL
    ).first()
    tender = services.create_tender(
        project,
        lead,
        title="Carers' support service 2027 to 2032",
        reference=REFERENCE,
        description="Support, breaks and advice for adult carers across Northshire.",
        panel_method=panel,
        price_formula_notes="The lowest price gets all 30 marks; others get a share of them.",
        spread_threshold=2,
        scoring_starts_on=today - datetime.timedelta(days=3),
        scoring_ends_on=today + datetime.timedelta(days=11),
        lay_guide=LAY_GUIDE,
    )
    support = services.save_criterion(
        Criterion(tender=tender, name="Support for carers", weight=Decimal("50"), position=1)
    )
    delivery = services.save_criterion(
        Criterion(tender=tender, name="Running the service", weight=Decimal("20"), position=2)
    )
    questions = [
        services.save_question(
            Question(
                tender=tender,
                criterion=support,
                number=1,
                text=(
                    "Describe a carer's journey through your service, from first contact to "
                    "getting a break. Include an easy read version with a flow chart."
                ),
                word_limit=750,
                weight=Decimal("30"),
                lay_may_score=True,
                easy_read_required=True,
                co_designed_from=(
                    "Carers told us a worthwhile service would have a genuine desire to include "
                    "and listen to carers, with honesty, genuineness and transparency."
                ),
            )
        ),
        services.save_question(
            Question(
                tender=tender,
                criterion=support,
                number=2,
                text="How will carers who are not in touch with services hear about you?",
                word_limit=500,
                weight=Decimal("20"),
                lay_may_score=True,
            )
        ),
        services.save_question(
            Question(
                tender=tender,
                criterion=delivery,
                number=3,
                text="How will you move staff and carers safely to the new service?",
                word_limit=500,
                weight=Decimal("20"),
                lay_may_score=False,
            )
        ),
    ]
    services.open_for_bids(tender, lead)
    centre = services.add_bidder(
        tender, "Northshire Carers' Centre", [users["priya.provider"]], "hello@carerscentre.example"
    )
    coast = services.add_bidder(tender, "Coast Care Partnership", [], "bids@coastcare.example")
    _bid(centre, Decimal("412000.00"), "We know Northshire's carers well")
    _bid(coast, Decimal("389500.00"), "We run carers' services in three counties")
    services.close_bids(tender)

    pat = services.add_evaluator(
        tender, EvaluatorKind.LAY, person=Person.objects.get(organisation=council, name="Pat Evans")
    )
    tomasz = services.add_evaluator(
        tender,
        EvaluatorKind.LAY,
        person=Person.objects.get(organisation=council, name="Tomasz Nowak"),
    )
    officer = services.add_evaluator(tender, EvaluatorKind.OFFICER, user=users["amara.admin"])
    services.record_briefing(
        tender,
        held_on=today - datetime.timedelta(days=4),
        led_by=lead,
        attendees=[pat, tomasz, officer],
        plain_guide_given=True,
        flow_chart_given=True,
        notes="How scoring works, confidentiality, the timetable and payment for your time.",
    )
    for evaluator in (pat, tomasz):
        services.choose_questions(evaluator, questions[:2])
    for question in questions:
        services.assign_officers(question, [officer])
    fran = users["fran.facilitator"]
    for evaluator, by in (
        (pat, users["pat.carer"]),
        (tomasz, fran),
        (officer, users["amara.admin"]),
    ):
        services.declare(evaluator, coast, has_conflict=False, nature="", by=by)
    services.declare(pat, centre, has_conflict=False, nature="", by=users["pat.carer"])
    services.declare(officer, centre, has_conflict=False, nature="", by=users["amara.admin"])
    uses_it = services.declare(
        tomasz,
        centre,
        has_conflict=True,
        nature="I go to the carers' centre's support group.",
        by=fran,
    )
    services.assess_conflict(
        uses_it,
        outcome=ConflictOutcome.MANAGED,
        mitigation=(
            "Uses the group monthly as a carer; no other link. May score; his scores are "
            "discussed at moderation like everyone's."
        ),
        by=lead,
    )
    services.start_scoring(tender)
    tender.refresh_from_db()
    for answer in services.answers_to_score(pat).filter(question=questions[0]):
        services.save_score(
            pat,
            answer,
            score=3 if answer.bid.bidder_id == centre.pk else 2,
            justification="Clear about breaks; the flow chart was easy to follow.",
            entered_by=users["pat.carer"],
            submit=True,
        )
    first = services.answers_to_score(tomasz).filter(question=questions[0]).first()
    if first is not None:
        services.save_score(
            tomasz,
            first,
            score=4,
            justification="From Tomasz's paper form: they listen to carers.",
            entered_by=fran,
            submit=True,
        )
    return tender


def _bid(bidder: Bidder, price: Decimal, opening: str) -> None:
    bid = services.start_bid(bidder, bidder.tender.lots.get(number=1))
    for question in services.questions_for(bid):
        services.save_answer(
            bid,
            question,
            f"{opening}. For question {question.number}, we will work with carers to plan "
            "support around what matters to them, and check with them every year.",
            "We listen to you. We help you get a break. We check it works for you."
            if question.easy_read_required
            else "",
        )
        if question.easy_read_required:
            services.add_document(
                bid,
                SimpleUploadedFile("pathway.pdf", _pathway_pdf(bidder.name)),
                "Carer's pathway flow chart",
                bidder.users.first() or bidder.tender.created_by,
                kind=DocumentKind.FLOW_CHART,
                question=question,
            )
    services.save_price(bid, price)
    services.submit_bid(bid, bidder.users.first() or bidder.tender.created_by)


def _pathway_pdf(bidder_name: str) -> bytes:
    """The bidder's flow chart of a carer's pathway through its service, as a PDF."""
    steps = [
        "A carer contacts us, or is told about us by their GP or social worker.",
        "We phone back within two working days and listen to what matters to them.",
        "We agree a plan with the carer, including regular breaks.",
        "We check in every three months and change the plan if needed.",
    ]
    rows = "".join(f"<li>{step}</li>" for step in steps)
    html = f"<h1>{bidder_name}: a carer's pathway</h1><ol>{rows}</ol>"
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return pdf
