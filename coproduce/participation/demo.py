"""Demo data: the carers on the bid evaluation panel get a briefing, agree their role and the
confidentiality agreement, are trained to score bids, and Pat gets a certificate. Loading it
again changes nothing."""

import datetime
from decimal import Decimal

from django.utils import timezone

from coproduce.accounts.models import Organisation, User
from coproduce.people.models import ConsentMethod, PartnerOrganisation, Person
from coproduce.procurement.models import ConflictOutcome
from coproduce.projects import services as project_services
from coproduce.projects.models import BudgetCategory, BudgetLine, CommissioningProject, StageKind
from coproduce.recruitment.models import (
    Application,
    ApplicationSource,
    ApplicationStatus,
    Opportunity,
)

from . import services
from .models import (
    AgreementKind,
    AgreementVersion,
    Briefing,
    BriefingMember,
    InterestDeclaration,
    MentorAssignment,
    MentorKind,
    Recognition,
    RecognitionKind,
    TimeCredit,
    TimeCreditKind,
    TrainingOffer,
    TrainingStatus,
)

PANEL = "Carers on the bid evaluation panel"


def load(council: Organisation, users: dict[str, User]) -> None:
    opportunity = Opportunity.objects.filter(organisation=council, title=PANEL).first()
    if opportunity is None or Briefing.objects.filter(opportunity=opportunity).exists():
        return
    fran = users["fran.facilitator"]
    pat = Person.objects.get(organisation=council, name="Pat Evans")
    tomasz = Person.objects.get(organisation=council, name="Tomasz Nowak")
    for person in (pat, tomasz):
        # Chosen for the panel at the carers' centre's recruitment day, entered by Fran.
        Application.objects.create(
            organisation=council,
            opportunity=opportunity,
            person=person,
            status=ApplicationStatus.SELECTED,
            source=ApplicationSource.IN_PERSON,
            entered_by=fran,
            name=person.name,
            email=person.email,
            preferred_channel=person.preferred_channel,
            preferred_format=person.preferred_format,
            submitted_at=timezone.now() - datetime.timedelta(days=10),
        )
    briefing(opportunity, users)
    agreements(opportunity, pat, tomasz, fran)
    training(opportunity.project, pat, tomasz, fran)
    conflict(opportunity.project, users)
    pat_recognised(pat, fran)


def briefing(opportunity: Opportunity, users: dict[str, User]) -> None:
    pack = services.save_briefing(
        Briefing(
            opportunity=opportunity,
            background=(
                "The council pays for a carers' hub: advice, breaks and support for people who "
                "look after someone. The contract ends next year. Carers helped us write what "
                "the new service must do. Now organisations have sent in bids to run it, and "
                "carers will score them beside council officers."
            ),
            what_happens=(
                "A briefing meeting, where you choose which answers to score.\n"
                "Two weeks to read and score at home, or in a quiet room at the community "
                "centre.\n"
                "An evaluation day to agree the scores together.\n"
                "The cabinet member decides in the summer, and we write to tell you what was "
                "decided and why."
            ),
        )
    )
    for name, role, about in (
        ("Fran Hughes", "Involvement officer", "Fran supports you all the way through."),
        ("Chris Patel", "Lead commissioner", "Chris runs the tender and chairs the panel."),
    ):
        services.save_member(BriefingMember(briefing=pack, name=name, role=role, about=about))


def agreements(opportunity: Opportunity, pat: Person, tomasz: Person, fran: User) -> None:
    role = services.new_version(
        AgreementVersion(
            opportunity=opportunity,
            kind=AgreementKind.ROLE,
            asks="Read the answers you choose, score them honestly with a reason, and come to "
            "the evaluation day.",
            offers="Training first, papers early and in your format, payment for your time, "
            "replacement care and taxis, and someone to call if you are stuck.",
            respect="Everyone's view counts the same. We listen, and we keep to the point.",
            disagreements="The chair makes sure each view is heard. We may need to compromise.",
            decisions="We agree the scores together. Without agreement the chair records each "
            "view, and the cabinet member decides on the panel's recommendation.",
            easy_read="We ask you to score some answers.\nWe will train you first.\n"
            "We will pay you for your time.\nWe listen to each other.",
        ),
        by=fran,
    )
    secret = services.new_version(
        AgreementVersion(
            opportunity=opportunity,
            kind=AgreementKind.CONFIDENTIALITY,
            confidential="The bids are commercially confidential. Do not share or talk about "
            "them outside the panel until the contract is awarded.",
            if_broken="You may be asked to leave the panel, and the tender may have to start "
            "again.",
            easy_read="The bids are secret.\nDo not tell anyone what is in them.",
        ),
        by=fran,
    )
    week_ago = timezone.localdate() - datetime.timedelta(days=7)
    for version in (role, secret):
        services.record_agreement(
            version, pat, method=ConsentMethod.ONLINE, agreed_on=week_ago, by=pat.user
        )
    services.record_agreement(role, tomasz, method=ConsentMethod.PAPER, agreed_on=week_ago, by=fran)


def training(project: CommissioningProject, pat: Person, tomasz: Person, fran: User) -> None:
    method = project.stages.get(kind=StageKind.DO).plan.methods.get(kind="evaluation_panel")
    line = project_services.save_budget_line(
        BudgetLine(
            method=method,
            category=BudgetCategory.TRAINING,
            description="Scoring bids training",
            amount=Decimal("240.00"),
            reason="Most of the carers have never evaluated a bid; the Richmond guide found "
            "training and a clear briefing made them confident scorers.",
        )
    )
    offer = services.save_offer(
        TrainingOffer(
            project=project,
            topic="evaluating_bids",
            title="Scoring bids with confidence",
            description="How a tender works, reading answers, scoring against the descriptors "
            "and writing a reason, conflicts of interest and confidentiality.",
            provider="Northshire Carers' Centre",
            starts_on=timezone.localdate() - datetime.timedelta(days=5),
            cost=Decimal("240.00"),
            budget_line=line,
        )
    )
    pat_place, tomasz_place = services.offer_places(offer, [pat, tomasz])
    services.update_place(pat_place, TrainingStatus.COMPLETED, offer.starts_on)
    services.update_place(tomasz_place, TrainingStatus.BOOKED, None, "Doing the catch-up session.")
    services.assign_mentor(
        MentorAssignment(
            person=tomasz,
            kind=MentorKind.BUDDY,
            mentor_person=pat,
            starts_on=offer.starts_on,
        )
    )


def conflict(project: CommissioningProject, users: dict[str, User]) -> None:
    centre = PartnerOrganisation.objects.get(
        organisation_id=project.organisation_id, name="Northshire Carers' Centre"
    )
    declaration = services.declare_interest(
        InterestDeclaration(
            project=project,
            stage=project.stages.get(kind=StageKind.PLAN),
            partner=centre,
            nature="Runs the current carers' hub, helped design the new service and may bid.",
            declared_on=timezone.localdate() - datetime.timedelta(days=150),
            recorded_by=users["fran.facilitator"],
        )
    )
    services.assess_interest(
        declaration,
        ConflictOutcome.MANAGED,
        "Its views were shared with every bidder in the tender documents; it takes no part "
        "in evaluating bids.",
        by=users["chris.commissioner"],
    )


def pat_recognised(pat: Person, fran: User) -> None:
    today = timezone.localdate()
    services.record_time_credit(
        TimeCredit(
            person=pat,
            kind=TimeCreditKind.EARNED,
            credits=6,
            on=today - datetime.timedelta(days=5),
            reason="Scoring bids training",
            recorded_by=fran,
        )
    )
    # Pat asked for a certificate at the training day, and agreed it lists what she did.
    services.create_recognition(
        Recognition(
            person=pat,
            kind=RecognitionKind.CERTIFICATE,
            consent_method=ConsentMethod.IN_PERSON,
            consent_given_on=today - datetime.timedelta(days=5),
            personal_note="Thank you for the care and honesty you brought to every meeting.",
            signed_by=fran,
        )
    )
