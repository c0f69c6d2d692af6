"""Loads demo data drawn from the seed guides. Running it again changes nothing."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from coproduce.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from coproduce.audit.context import acting_as
from coproduce.equality import services as equality_services
from coproduce.events import demo as events_demo
from coproduce.feedback import demo as feedback_demo
from coproduce.individual import demo as individual_demo
from coproduce.participation import demo as participation_demo
from coproduce.payments import demo as payments_demo
from coproduce.people import services as people_services
from coproduce.people.models import (
    AccessNeed,
    Channel,
    Community,
    CommunityKind,
    ConsentMethod,
    ConsentPurpose,
    Format,
    InvolvementKind,
    PartnerKind,
    PartnerOrganisation,
    Person,
    PlaceType,
    ViaRelationship,
    Voice,
)
from coproduce.procurement import demo as procurement_demo
from coproduce.projects import services
from coproduce.projects.models import (
    BudgetCategory,
    BudgetLine,
    CommissioningLevel,
    CommissioningProject,
    EngagementMethod,
    MethodKind,
    ParticipationRung,
    ReadinessStatus,
    StageKind,
)
from coproduce.recruitment import demo as recruitment_demo
from coproduce.review import demo as review_demo
from coproduce.surveys import demo as surveys_demo
from coproduce.theming import demo as theming_demo

DEMO_PASSWORD = "coproduce-demo"
COUNCIL = "northshire-council"

USERS = [
    # username, first, last, email, organisation slug, role
    (
        "amara.admin",
        "Amara",
        "Okafor",
        "amara.okafor@northshire.example",
        COUNCIL,
        Role.ADMINISTRATOR,
    ),
    (
        "chris.commissioner",
        "Chris",
        "Patel",
        "chris.patel@northshire.example",
        COUNCIL,
        Role.COMMISSIONER,
    ),
    (
        "fran.facilitator",
        "Fran",
        "Hughes",
        "fran.hughes@northshire.example",
        COUNCIL,
        Role.FACILITATOR,
    ),
    (
        "faisal.finance",
        "Faisal",
        "Khan",
        "faisal.khan@northshire.example",
        COUNCIL,
        Role.FINANCE_APPROVER,
    ),
    (
        "dee.decisions",
        "Dee",
        "Morgan",
        "cllr.dee.morgan@northshire.example",
        COUNCIL,
        Role.DECISION_MAKER,
    ),
    ("pat.carer", "Pat", "Evans", "pat.evans@example.org", COUNCIL, Role.PARTICIPANT),
    ("sam.lewis", "Sam", "Lewis", "", COUNCIL, Role.PARTICIPANT),
    ("priya.provider", "Priya", "Shah", "priya@carerscentre.example", COUNCIL, Role.PROVIDER),
    ("nina.nhs", "Nina", "Obi", "nina.obi@coast-icb.example", "coast-icb", Role.COMMISSIONER),
]


class Command(BaseCommand):
    help = "Load the demo organisations, users and commissioning projects (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if Organisation.objects.filter(slug=COUNCIL).exists():
            self.stdout.write("Demo data is already loaded: nothing changed.")
            return
        with transaction.atomic():
            self.load()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))

    def load(self) -> None:
        organisations = {
            COUNCIL: Organisation.objects.create(
                name="Northshire County Council",
                slug=COUNCIL,
                kind=OrganisationKind.COUNCIL,
                contact_email="involvement@northshire.example",
            ),
            "coast-icb": Organisation.objects.create(
                name="Northshire and Coast NHS Integrated Care Board",
                slug="coast-icb",
                kind=OrganisationKind.NHS_ICB,
                contact_email="engagement@coast-icb.example",
            ),
        }
        users: dict[str, User] = {}
        for username, first, last, email, org, role in USERS:
            user = User.objects.create_user(
                username, email=email, password=DEMO_PASSWORD, first_name=first, last_name=last
            )
            Membership.objects.create(user=user, organisation=organisations[org], role=role)
            users[username] = user
        with acting_as(users["chris.commissioner"]):
            self.carers_project(organisations[COUNCIL], users)
            self.send_project(organisations[COUNCIL], users)
        with acting_as(users["nina.nhs"]):
            self.wellbeing_project(organisations["coast-icb"], users)
        with acting_as(users["fran.facilitator"]):
            self.register(organisations[COUNCIL], users)
            recruitment_demo.load(organisations[COUNCIL], users)
            events_demo.load(organisations[COUNCIL], users)
            payments_demo.load(organisations[COUNCIL], users)
            procurement_demo.load(organisations[COUNCIL], users)
            theming_demo.load(surveys_demo.load(organisations[COUNCIL], users), users)
            feedback_demo.load(organisations[COUNCIL], users)
            individual_demo.load(organisations[COUNCIL], users)
            review_demo.load(organisations[COUNCIL], users)
            participation_demo.load(organisations[COUNCIL], users)

    def settle_all(self, stage: Any, user: User, waive: dict[str, str] | None = None) -> None:
        for item in stage.readiness_items.all():
            reason = (waive or {}).get(item.item, "")
            services.settle_readiness_item(
                item,
                user,
                ReadinessStatus.WAIVED if reason else ReadinessStatus.DONE,
                note="" if reason else "Agreed at the project board.",
                waiver_reason=reason,
            )

    def method(
        self, plan: Any, kind: str, purpose: str, who: str, start: datetime.date, lines: list
    ) -> EngagementMethod:
        method = services.save_method(
            EngagementMethod(plan=plan, kind=kind, purpose=purpose, who_for=who, starts_on=start)
        )
        for category, description, amount in lines:
            services.save_budget_line(
                BudgetLine(
                    method=method,
                    category=category,
                    description=description,
                    amount=Decimal(amount),
                )
            )
        return method

    def carers_project(self, council: Organisation, users: dict[str, User]) -> None:
        today = timezone.localdate()
        lead = users["chris.commissioner"]
        project = services.create_project(
            council,
            title="Carers' support service recommissioning",
            service_area="Adult social care: carers",
            summary=(
                "The contract for the carers' hub ends next year. We are working with carers to "
                "decide what the new service should offer and to choose who runs it."
            ),
            level=CommissioningLevel.OPERATIONAL,
            lead_officer=lead,
            decision_maker=users["dee.decisions"],
            decision_route=(
                "Cabinet member for adult social care decides, on the evaluation panel's "
                "recommendation."
            ),
            budget_envelope=Decimal("1200000.00"),
            involvement_budget=Decimal("18000.00"),
            starts_on=today - datetime.timedelta(days=300),
            ends_on=today + datetime.timedelta(days=200),
            scope_open=(
                "What the service offers carers, including financial and debt advice; how carers "
                "can reach it; the quality standards; which bid is recommended."
            ),
            scope_fixed=(
                "The total budget of £1.2 million over three years, set by the council's budget. "
                "The service must meet the Care Act 2014 duties to carers."
            ),
            how_to_get_involved=(
                "Join the carers' reference group, or help evaluate bids. We pay £20 an hour for "
                "your time, your travel, and replacement care while you take part."
            ),
            is_public=True,
        )
        stages = {stage.kind: stage for stage in project.stages.all()}
        plans: dict[str, Any] = {}
        offsets = {
            StageKind.ANALYSE: (-300, -200),
            StageKind.PLAN: (-199, -100),
            StageKind.DO: (-99, 30),
            StageKind.REVIEW: (31, 200),
        }
        for kind, (start, end) in offsets.items():
            services.update_stage_dates(
                stages[kind],
                planned_start=today + datetime.timedelta(days=start),
                planned_end=today + datetime.timedelta(days=end),
            )
        analyse = services.update_plan(
            stages[StageKind.ANALYSE].plan,
            ParticipationRung.CONSULT,
            "",
            "Find out what carers need that the current hub does not give them.",
        )
        self.method(
            analyse,
            MethodKind.SURVEY,
            "Ask carers what works and what is missing in the current service.",
            "Carers of adults in Northshire, whether or not they use the hub.",
            today - datetime.timedelta(days=280),
            [(BudgetCategory.ALTERNATIVE_FORMATS, "Easy-read and large-print versions", "650.00")],
        )
        self.method(
            analyse,
            MethodKind.MARKET_EVENT,
            "Market development event with carers and providers, so carers are not lone voices.",
            "Carers, carers' organisations and possible providers.",
            today - datetime.timedelta(days=230),
            [
                (BudgetCategory.VENUE, "Community centre hall", "400.00"),
                (BudgetCategory.REPLACEMENT_CARE, "Up to 10 carers", "1200.00"),
                (BudgetCategory.REFRESHMENTS, "", "250.00"),
            ],
        )
        plans[StageKind.ANALYSE] = analyse
        plan_stage = services.update_plan(
            stages[StageKind.PLAN].plan,
            ParticipationRung.CO_PRODUCE,
            "",
            "Write the service specification together with the carers' strategy reference group.",
        )
        self.method(
            plan_stage,
            MethodKind.WORKSHOP,
            "Three co-design workshops to write the specification, including debt advice.",
            "Members of the carers' strategy reference group.",
            today - datetime.timedelta(days=180),
            [
                (
                    BudgetCategory.PARTICIPANT_PAYMENTS,
                    "8 carers x 3 workshops x 3 hours at £20",
                    "1440.00",
                ),
                (BudgetCategory.EXPENSES, "Travel", "300.00"),
                (BudgetCategory.INTERPRETERS, "BSL interpreter", "900.00"),
            ],
        )
        do = services.update_plan(
            stages[StageKind.DO].plan,
            ParticipationRung.CO_PRODUCE,
            "",
            "Carers score bids beside officers and take part in provider interviews.",
        )
        self.method(
            do,
            MethodKind.EVALUATION_PANEL,
            "Carers evaluate the tender responses they choose, with training and support.",
            "Carers with experience of the hub; recruited through the carers' centre.",
            today - datetime.timedelta(days=20),
            [
                (BudgetCategory.PARTICIPANT_PAYMENTS, "4 carers x 2 evaluation days", "1280.00"),
                (BudgetCategory.REPLACEMENT_CARE, "", "800.00"),
                (BudgetCategory.TRANSPORT, "Taxis for two carers", "220.00"),
            ],
        )
        for kind in (StageKind.ANALYSE, StageKind.PLAN, StageKind.DO):
            stage = stages[kind]
            self.settle_all(stage, lead)
            services.publish_plan(stage.plan, lead)
            services.start_stage(stage)
            if kind != StageKind.DO:
                services.complete_stage(stage)
            # The demo's history happened on the planned dates, not the day it was loaded.
            services.update_stage_dates(
                stage,
                actual_start=stage.planned_start,
                actual_end=stage.planned_end if kind != StageKind.DO else None,
            )

    def send_project(self, council: Organisation, users: dict[str, User]) -> None:
        today = timezone.localdate()
        lead = users["chris.commissioner"]
        project = services.create_project(
            council,
            title="SEND short breaks strategy",
            service_area="Children's services: special educational needs and disabilities",
            summary=(
                "A new strategy for short breaks for disabled children and young people and their "
                "families, written with parent carers and young people."
            ),
            level=CommissioningLevel.STRATEGIC,
            lead_officer=lead,
            decision_maker=users["dee.decisions"],
            decision_route="Joint commissioning board of the council and the ICB, then cabinet.",
            budget_envelope=Decimal("3400000.00"),
            involvement_budget=Decimal("25000.00"),
            starts_on=today - datetime.timedelta(days=40),
            ends_on=today + datetime.timedelta(days=500),
            scope_open=(
                "Which kinds of short breaks matter most; how families find and book them; the "
                "qualities providers approved for personal budgets must have."
            ),
            scope_fixed=(
                "Short breaks must meet the council's statutory duty under the Children Act 1989. "
                "The overall budget is set by the council and the ICB."
            ),
            how_to_get_involved=(
                "Come to a parent carer workshop, or a young people's session. Tell us what you "
                "need to take part: we can pay for childcare, transport and support."
            ),
            is_public=True,
        )
        stages = {stage.kind: stage for stage in project.stages.all()}
        analyse = stages[StageKind.ANALYSE]
        services.update_stage_dates(
            analyse,
            planned_start=today - datetime.timedelta(days=30),
            planned_end=today + datetime.timedelta(days=10),
        )
        services.update_stage_dates(
            stages[StageKind.PLAN],
            planned_start=today + datetime.timedelta(days=11),
            planned_end=today + datetime.timedelta(days=150),
        )
        plan = services.update_plan(
            analyse.plan,
            ParticipationRung.CO_PRODUCE,
            "",
            "Understand what families need through 'walking in their shoes' with parent carers "
            "and young people.",
        )
        self.method(
            plan,
            MethodKind.WORKSHOP,
            "Walking in their shoes workshops with the parent carer council.",
            "Parent carers of disabled children and young people.",
            today - datetime.timedelta(days=20),
            [
                (BudgetCategory.PARTICIPANT_PAYMENTS, "", "2400.00"),
                (BudgetCategory.REPLACEMENT_CARE, "Sitting service during workshops", "1800.00"),
            ],
        )
        self.method(
            plan,
            MethodKind.EASY_READ_QUESTIONNAIRE,
            "Ask young people what a good short break is.",
            "Disabled young people aged 11 to 25.",
            today - datetime.timedelta(days=10),
            [(BudgetCategory.ALTERNATIVE_FORMATS, "Easy read and symbols", "900.00")],
        )
        self.settle_all(
            analyse,
            lead,
            waive={"budget": "Budget agreed verbally by the joint board; paper to follow."},
        )
        services.publish_plan(analyse.plan, lead)
        services.start_stage(analyse)
        services.update_plan(
            stages[StageKind.PLAN].plan,
            ParticipationRung.CO_PRODUCE,
            "",
            "Co-design the strategy's priorities with families.",
        )

    def wellbeing_project(self, icb: Organisation, users: dict[str, User]) -> None:
        today = timezone.localdate()
        services.create_project(
            icb,
            title="Primary mental health and wellbeing service",
            service_area="Mental health",
            summary="Reviewing waiting times and access to talking therapies.",
            level=CommissioningLevel.OPERATIONAL,
            lead_officer=users["nina.nhs"],
            decision_maker=None,
            decision_route="ICB board.",
            budget_envelope=Decimal("2000000.00"),
            involvement_budget=Decimal("12000.00"),
            starts_on=today,
            ends_on=today + datetime.timedelta(days=365),
            scope_open="How people reach the service and what support they get while waiting.",
            scope_fixed="National access standards for talking therapies.",
            how_to_get_involved="",
            is_public=False,
        )

    def register(self, council: Organisation, users: dict[str, User]) -> None:
        """People and communities from the seeds: carers, parent carers, people with a
        learning disability, a user-led organisation and a carers' centre that may bid."""
        today = timezone.localdate()
        fran = users["fran.facilitator"]
        communities = {
            name: Community.objects.create(
                organisation=council, name=name, kind=kind, place_type=place
            )
            for name, kind, place in [
                ("Carers", CommunityKind.INTEREST, ""),
                ("Parent carers of disabled children", CommunityKind.INTEREST, ""),
                ("People with a learning disability", CommunityKind.IDENTITY, ""),
                ("Mental health service users", CommunityKind.INTEREST, ""),
                ("Thorpe ward", CommunityKind.PLACE, PlaceType.WARD),
                ("Coastal district", CommunityKind.PLACE, PlaceType.DISTRICT),
            ]
        }
        centre = PartnerOrganisation.objects.create(
            organisation=council,
            name="Northshire Carers' Centre",
            kind=PartnerKind.CARERS_GROUP,
            email="hello@carerscentre.example",
            conflicts_of_interest=(
                "Runs the current carers' hub and may bid for the new contract. It does not "
                "take part in evaluation; what it tells us is shared with every bidder."
            ),
        )
        centre.communities.set([communities["Carers"]])
        people_first = PartnerOrganisation.objects.create(
            organisation=council,
            name="Northshire People First",
            kind=PartnerKind.USER_LED,
            email="info@peoplefirst.example",
        )
        people_first.communities.set([communities["People with a learning disability"]])
        rows = [
            # name, preferred, channel, format, communities, needs, involvements, user
            (
                "Pat Evans",
                "Pat",
                Channel.EMAIL,
                Format.STANDARD,
                ["Carers", "Thorpe ward"],
                [AccessNeed.REPLACEMENT_CARE, AccessNeed.PAPERS_EARLY],
                7,
                "pat.carer",
            ),
            (
                "Samuel Lewis",
                "Sam",
                Channel.PHONE,
                Format.LARGE_PRINT,
                ["Mental health service users"],
                [AccessNeed.QUIET_ROOM, AccessNeed.REGULAR_BREAKS],
                2,
                "sam.lewis",
            ),
            (
                "Aisha Rahman",
                "",
                Channel.TEXT,
                Format.INTERPRETER,
                ["Parent carers of disabled children"],
                [AccessNeed.DIETARY],
                1,
                None,
            ),
            (
                "Gareth Jones",
                "",
                Channel.POST,
                Format.EASY_READ,
                ["People with a learning disability", "Coastal district"],
                [AccessNeed.CARER_OR_PA, AccessNeed.TRANSPORT],
                3,
                None,
            ),
            (
                "Bethany Clarke",
                "Beth",
                Channel.EMAIL,
                Format.BSL_VIDEO,
                ["Carers"],
                [AccessNeed.BSL_INTERPRETER],
                0,
                None,
            ),
            (
                "Tomasz Nowak",
                "",
                Channel.VIA,
                Format.STANDARD,
                ["Carers", "Coastal district"],
                [AccessNeed.STEP_FREE, AccessNeed.HEARING_LOOP],
                4,
                None,
            ),
        ]
        people = []
        for index, (name, preferred, channel, fmt, groups, needs, times, username) in enumerate(
            rows
        ):
            first = name.split()[0].lower()
            person = Person(
                organisation=council,
                name=name,
                preferred_name=preferred,
                preferred_channel=channel,
                preferred_format=fmt,
                email=f"{first}@example.org" if channel == Channel.EMAIL else "",
                mobile="07700 900" + f"{index:03d}"
                if channel in (Channel.TEXT, Channel.PHONE)
                else "",
                address="12 Station Road, Northtown" if channel == Channel.POST else "",
                postcode="NT1 4AB",
                via_name="Northshire Carers' Centre" if channel == Channel.VIA else "",
                via_relationship=ViaRelationship.ORGANISATION if channel == Channel.VIA else "",
                via_contact="01632 960000" if channel == Channel.VIA else "",
                language="Bengali" if fmt == Format.INTERPRETER else "",
                available_days=["tue", "thu"],
                available_times=["morning", "afternoon"],
                voice=Voice.REPRESENTATIVE if index == 3 else Voice.SELF,
                represents="Northshire People First" if index == 3 else "",
                mandate="Chosen by members to speak at commissioning meetings"
                if index == 3
                else "",
                user=users[username] if username else None,
            )
            if username == "pat.carer":
                person.email = users[username].email
            people_services.save_person(person, needs, [communities[g] for g in groups])
            method = ConsentMethod.PHONE if channel == Channel.PHONE else ConsentMethod.ONLINE
            for purpose in (ConsentPurpose.CONTACT, ConsentPurpose.KEEP_NEEDS):
                people_services.give_consent(person, purpose, method, fran)
            for number in range(times):
                people_services.record_involvement(
                    person,
                    InvolvementKind.EVENT if number % 2 else InvolvementKind.PANEL,
                    today - datetime.timedelta(days=20 + 45 * number),
                    "Carers' reference group meeting" if number % 2 else "Bid evaluation day",
                )
            people.append(person)
        reference_group = people_services.create_saved_list(
            council, "Carers' reference group", "Carers who help shape the carers' hub."
        )
        people_services.add_to_list(reference_group, [people[0], people[4], people[5]])
        self.equality(council, people)

    def equality(self, council: Organisation, people: list[Person]) -> None:
        """Answers from those who agreed, and the carers' hub's target population (carers in
        the 2021 census: 59% women), so the comparison page shows suppression at work."""
        answers = [
            {"sex": "female", "age_band": "55_64", "disability": "no", "carer": "50_plus"},
            {"sex": "male", "age_band": "35_44", "disability": "limited_a_lot"},
            {"sex": "female", "age_band": "35_44", "ethnic_group": "asian_bangladeshi"},
            {"sex": "male", "age_band": "25_34", "disability": "limited_a_little"},
            {"sex": "female", "age_band": "45_54", "disability": "limited_a_lot"},
        ]
        for person, given in zip(people, answers, strict=False):
            people_services.give_consent(
                person, ConsentPurpose.EQUALITY, ConsentMethod.ONLINE, None
            )
            equality_services.save_answers(person, given)
        carers = CommissioningProject.objects.get(organisation=council, title__startswith="Carers")
        equality_services.set_target_shares(
            carers, "sex", {"female": Decimal("59"), "male": Decimal("41")}
        )
