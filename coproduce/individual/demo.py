"""Demo individual commissioning for `coproduce load_demo`, drawn from the seeds: the qualities
young people said providers approved for personal budgets must have, three approved providers
with evidence and reviews, Jordan's easy-read Education, Health and Care plan (agreed by Pat,
Jordan's parent, with a personal budget over its allocation), Sam's care and support plan
waiting for Sam to agree it, and eight more plans in use so the commissioners' figures show
numbers and small numbers hidden. Running it again changes nothing."""

import datetime
from decimal import Decimal

from django.utils import timezone

from coproduce.accounts.models import Organisation, User
from coproduce.audit.context import acting_as
from coproduce.people import services as people_services
from coproduce.people.models import Channel, ConsentMethod, ConsentPurpose, Format, Person
from coproduce.projects.models import Stage, StageKind

from . import selectors, services
from .models import (
    ApprovedProvider,
    GapReason,
    HeldAs,
    Involved,
    Outcome,
    OutcomeArea,
    OutcomeProgress,
    Picture,
    PlanAction,
    PlanKind,
    ProviderQuality,
    Relationship,
    ResponseKind,
    ResponseMethod,
    SupportGap,
    SupportType,
    TookPart,
)

QUALITIES = [
    ("They listen to me and do what they say", "Staff take time to hear what I want."),
    ("Staff understand my disability", "Trained staff who know about autism and epilepsy."),
    ("I choose what we do", "Activities are planned with me, not for me."),
    ("It feels safe and fun", "Somewhere I want to go back to."),
    ("They explain things in a way I understand", "Easy read, pictures, or just plain words."),
]
SOURCE = "Young people's reference group, short breaks workshops"

PROVIDERS = [
    (
        "Coastline Short Breaks",
        "Weekend and holiday short breaks for disabled young people aged 11 to 25, with "
        "overnight stays by the sea.",
        [SupportType.SHORT_BREAKS, SupportType.DAY_ACTIVITIES],
        "Coastal district and Northtown",
    ),
    (
        "Northtown Personal Assistants Co-operative",
        "Personal assistants chosen by the young person, for clubs, college and going out.",
        [SupportType.PERSONAL_ASSISTANT],
        "All of Northshire",
    ),
    (
        "Thorpe Family Support",
        "Overnight breaks at home for parent carers, and peer support groups.",
        [SupportType.RESPITE, SupportType.PEER_SUPPORT],
        "Thorpe ward",
    ),
]


def load(council: Organisation, users: dict[str, User]) -> None:
    if ProviderQuality.objects.filter(organisation=council).exists():
        return
    today = timezone.localdate()
    fran = users["fran.facilitator"]
    qualities = [
        services.save_quality(
            ProviderQuality(organisation=council, title=title, explanation=text, source=SOURCE)
        )
        for title, text in QUALITIES
    ]
    providers = [
        services.save_provider(
            ApprovedProvider(
                organisation=council,
                name=name,
                description=description,
                support_types=list(types),
                area=area,
                contact="Through the local offer, 01632 960100",
                approved_on=today - datetime.timedelta(days=200),
            )
        )
        for name, description, types, area in PROVIDERS
    ]
    with acting_as(users["chris.commissioner"]):
        for index, quality in enumerate(qualities):
            services.save_evidence(
                providers[0],
                quality,
                "Young inspectors visited twice and talked with young people staying there.",
                "meets" if index != 4 else "partly",
                users["chris.commissioner"],
            )
        services.save_evidence(
            providers[1],
            qualities[2],
            "Each young person interviews and chooses their own personal assistant.",
            "meets",
            users["chris.commissioner"],
        )

    pat = Person.objects.get(organisation=council, user=users["pat.carer"])
    jordan = _person(council, "Jordan Evans", "Jordan", Format.EASY_READ)
    plan = services.start_plan(jordan, PlanKind.EHC, fran, "SEND key worker", easy_read=True)
    services.add_representative(plan, users["pat.carer"], Relationship.PARENT)
    version = services.latest_version(plan)
    services.save_profile(
        version,
        like_and_admire="I am funny.\nI am good at drawing.\nI help my little brother.",
        important_to="Drawing comics.\nSeeing my friend Ali.\nGoing to the beach.",
        important_for="Taking my medicine at 8 o'clock.\nA quiet place when it is too loud.",
        how_to_support="Tell me what will happen before it happens.\nGive me time to answer.",
    )
    college = services.save_item(
        version,
        Outcome(
            in_their_words="I want to go to art college.",
            area=OutcomeArea.LEARNING,
            picture=Picture.SCHOOL,
        ),
    )
    services.save_item(
        version,
        Outcome(
            in_their_words="I want to go out with friends without my mum.",
            area=OutcomeArea.FRIENDS,
            picture=Picture.FRIENDS,
            progress=OutcomeProgress.ON_TRACK,
        ),
    )
    services.save_item(
        version,
        PlanAction(
            description="Visit the art college open day.",
            owner="Jordan and Pat",
            due_on=today + datetime.timedelta(days=40),
            outcome=college,
        ),
    )
    services.save_item(
        version,
        PlanAction(
            description="Find a personal assistant Jordan likes.",
            owner="Fran (key worker)",
            due_on=today + datetime.timedelta(days=60),
        ),
    )
    services.save_item(version, Involved(name="Pat Evans", role="Mum"))
    services.save_item(version, Involved(name="Ms Ahmed", role="Form tutor"))
    services.save_item(
        version,
        SupportGap(
            support_type=SupportType.SHORT_BREAKS,
            description="Short breaks in the holidays near home, not only by the sea.",
            reason=GapReason.TOO_FAR,
        ),
    )
    services.save_taking_part(
        version,
        [TookPart.WITH_FAMILY, TookPart.EASY_READ, TookPart.PICTURES],
        "",
        "Jordan chose the pictures. Pat read the plan with Jordan at home.",
    )
    services.share(version, fran)
    services.respond(
        version,
        kind=ResponseKind.AGREE,
        given_by_name="Pat Evans",
        given_as="Their parent",
        method=ResponseMethod.PAPER,
        received_on=today,
        recorded_by=fran,
    )
    services.finalise(version, fran, today + datetime.timedelta(days=180))
    budget = services.set_budget(
        plan,
        allocation=Decimal("6500.00"),
        held_as=HeldAs.MIXED,
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=305),
        review_on=today + datetime.timedelta(days=120),
    )
    services.add_planned_support(
        budget,
        support_type=SupportType.SHORT_BREAKS,
        description="Weekend short breaks, one a month",
        unit_cost=Decimal("380.00"),
        units=Decimal("12"),
        provider=providers[0],
    )
    services.add_planned_support(
        budget,
        support_type=SupportType.PERSONAL_ASSISTANT,
        description="Personal assistant for art club, 3 hours a week",
        unit_cost=Decimal("14.50"),
        units=Decimal("150"),
        provider=providers[1],
    )
    services.add_spend(
        budget,
        spent_on=today - datetime.timedelta(days=30),
        support_type=SupportType.SHORT_BREAKS,
        description="Weekend at Coastline",
        amount=Decimal("380.00"),
        by=fran,
    )
    review = services.submit_review(
        providers[0], pat, 5, "Jordan came home happy and wants to go back.", users["pat.carer"]
    )
    services.moderate(review, True, "", users["chris.commissioner"])
    services.submit_review(providers[0], pat, 3, "The minibus was late twice.", users["pat.carer"])

    sam = Person.objects.get(organisation=council, user=users["sam.lewis"])
    sam_plan = services.start_plan(sam, PlanKind.CARE_AND_SUPPORT, fran, "Care co-ordinator")
    sam_version = services.latest_version(sam_plan)
    services.save_profile(
        sam_version,
        important_to="Walking my dog every morning.\nMy allotment.",
        important_for="Seeing my GP every month.",
        how_to_support="Phone, do not write. Give me time.",
    )
    services.save_item(
        sam_version,
        Outcome(in_their_words="I want to feel less alone.", area=OutcomeArea.FRIENDS),
    )
    services.save_taking_part(sam_version, [TookPart.THEMSELVES], "", "")
    services.share(sam_version, fran)

    _more_plans(council, fran, providers[0], today)
    _attach(council, users)


def _person(council: Organisation, name: str, preferred: str, fmt: str) -> Person:
    person = people_services.save_person(
        Person(
            organisation=council,
            name=name,
            preferred_name=preferred,
            preferred_channel=Channel.POST,
            preferred_format=fmt,
            address="12 Station Road, Northtown",
            postcode="NT1 4AB",
        ),
        [],
        [],
    )
    people_services.give_consent(person, ConsentPurpose.CONTACT, ConsentMethod.PAPER, None)
    return person


def _more_plans(
    council: Organisation, worker: User, provider: ApprovedProvider, today: datetime.date
) -> None:
    """Eight plans in use, enough for some figures to show and some to be hidden."""
    for number in range(1, 9):
        person = _person(council, f"Demo young person {number}", "", Format.STANDARD)
        plan = services.start_plan(person, PlanKind.EHC, worker, "SEND key worker")
        version = services.latest_version(plan)
        services.save_item(
            version,
            Outcome(
                in_their_words="I want to make friends outside school.",
                area=OutcomeArea.FRIENDS,
                progress=OutcomeProgress.NOT_MET if number <= 6 else OutcomeProgress.MET,
            ),
        )
        if number <= 2:
            services.save_item(
                version,
                Outcome(in_their_words="I want to sleep better.", area=OutcomeArea.HEALTH),
            )
        services.save_item(
            version,
            SupportGap(
                support_type=SupportType.SHORT_BREAKS,
                description="Short breaks in the holidays",
                reason=GapReason.WAITING_LIST if number % 2 else GapReason.NO_PROVIDER,
            ),
        )
        services.save_taking_part(version, [TookPart.THEMSELVES], "", "")
        services.share(version, worker)
        services.respond(
            version,
            kind=ResponseKind.AGREE,
            given_by_name=person.name,
            given_as=services.THE_PERSON,
            method=ResponseMethod.IN_PERSON,
            received_on=today,
            recorded_by=worker,
        )
        services.finalise(version, worker, today + datetime.timedelta(days=90 + number))
        budget = services.set_budget(
            plan,
            allocation=Decimal("4000.00"),
            held_as=HeldAs.DIRECT_PAYMENT,
            starts_on=today - datetime.timedelta(days=90),
            ends_on=today + datetime.timedelta(days=275),
            review_on=today + datetime.timedelta(days=90),
        )
        services.add_planned_support(
            budget,
            support_type=SupportType.SHORT_BREAKS,
            description="Short breaks",
            unit_cost=Decimal("300.00"),
            units=Decimal("10"),
            provider=provider,
        )
        services.add_spend(
            budget,
            spent_on=today - datetime.timedelta(days=10),
            support_type=SupportType.SHORT_BREAKS,
            description="Short break",
            amount=Decimal("300.00"),
            by=worker,
        )


def _attach(council: Organisation, users: dict[str, User]) -> None:
    stage = Stage.objects.filter(
        organisation=council, kind=StageKind.ANALYSE, project__title="SEND short breaks strategy"
    ).first()
    if stage is None:
        return
    today = timezone.localdate()
    figures = selectors.across_plans(
        council.pk, spend_from=today - datetime.timedelta(days=365), spend_to=today
    )
    with acting_as(users["chris.commissioner"]):
        services.attach_evidence(
            stage,
            "What young people's plans say about short breaks",
            "Most young people with a plan want friends outside school and cannot get short "
            "breaks in the holidays near home.",
            selectors.figures_as_json(figures),
            users["chris.commissioner"],
        )
