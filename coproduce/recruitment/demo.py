"""Demo recruitment for `coproduce load_demo`: a published families' panel with more volunteers
than places, ready for a fair selection, and a draft evaluation-panel role still missing key
messages. Random choices are seeded so the demo is the same every time."""

import datetime
import random
from typing import Any

from django.utils import timezone

from coproduce.accounts.models import Organisation, User
from coproduce.people.models import AccessNeed, Channel, Format
from coproduce.projects import services as project_services
from coproduce.projects.models import CommissioningProject, EngagementMethod, MethodKind, StageKind
from coproduce.selection import services as selection_services

from . import application_services, services
from .models import Opportunity, SelectionQuestion

FIRST_NAMES = [
    "Aisha", "Ben", "Chloe", "Dan", "Ewa", "Farah", "George", "Hana", "Imran", "Jess", "Kofi",
    "Leah", "Mo", "Nadia", "Owen", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Vic",
    "Wes", "Yasmin", "Zac", "Amir", "Bella", "Cal", "Dina", "Eli", "Fern", "Gus",
]  # fmt: skip
SURNAMES = ["Ahmed", "Brown", "Clark", "Davies", "Evans", "Green", "Hall", "Jones", "Khan"]
AREAS = ["North", "South", "Coast"]
ROLES = ["Parent carer", "Young person (14 to 25)"]


def load(council: Organisation, users: dict[str, User]) -> None:
    send = CommissioningProject.objects.get(organisation=council, title__startswith="SEND")
    families_panel(send, users)
    carers = CommissioningProject.objects.get(organisation=council, title__startswith="Carers")
    evaluation_draft(carers)


def families_panel(project: CommissioningProject, users: dict[str, User]) -> Opportunity:
    today = timezone.localdate()
    plan = project.stages.get(kind=StageKind.PLAN).plan
    method = project_services.save_method(
        EngagementMethod(
            plan=plan,
            kind=MethodKind.CITIZENS_PANEL,
            purpose="A panel of families to agree the strategy's priorities with us.",
            who_for="Parent carers and disabled young people from across the county.",
            starts_on=today + datetime.timedelta(days=30),
        )
    )
    opportunity = services.new_opportunity(method)
    fields: dict[str, Any] = {
        "title": "Join the short breaks families' panel",
        "places": 8,
        "reserve_places": 3,
        "purpose": (
            "We are writing a new plan for short breaks. We want families to decide the most "
            "important things with us."
        ),
        "expected": (
            "Come to four meetings. Read short papers before each one. Tell us what works for "
            "your family and what does not."
        ),
        "time_commitment": "Four meetings of two hours, over three months.",
        "dates_and_place": (
            "Tuesdays from 10am to 12 noon at Northtown Library, which has step-free access and "
            "a quiet room. You can also join online."
        ),
        "access_support": (
            "We pay for a sitter or replacement care, taxis, and interpreters. Papers come in "
            "easy read or large print if you ask."
        ),
        "payment": "We pay £25 for each meeting and your travel costs.",
        "feedback": (
            "We will write to everyone who applied to say what we decided and why, in the "
            "format you asked for."
        ),
        "contact": "Fran Hughes, involvement team, 01632 960123, fran.hughes@northshire.example",
        "if_unhappy": "Talk to Fran, or use the council's complaints process.",
        "closes_on": today + datetime.timedelta(days=14),
        "starts_on": today + datetime.timedelta(days=30),
        "eligibility": "You live in Northshire\nYou care for a disabled child, or you are "
        "a disabled young person aged 14 to 25",
        "sessions": "Tuesday 13 January\nTuesday 10 February\nTuesday 10 March\nTuesday 14 April",
    }
    for name, value in fields.items():
        setattr(opportunity, name, value)
    services.save_opportunity(opportunity)
    services.publish_opportunity(opportunity, users["fran.facilitator"])
    services.draft_easy_read(opportunity)
    area = selection_services.save_question(
        SelectionQuestion(
            organisation_id=opportunity.organisation_id,
            opportunity=opportunity,
            feature="area",
            question="Which part of the county do you live in?",
            position=1,
        ),
        AREAS,
    )
    role = selection_services.save_question(
        SelectionQuestion(
            organisation_id=opportunity.organisation_id,
            opportunity=opportunity,
            feature="role",
            question="Are you a parent carer or a young person?",
            position=2,
        ),
        ROLES,
    )
    rng = random.Random(2026)  # noqa: S311 (repeatable demo data, not security)
    for number in range(30):
        name = f"{FIRST_NAMES[number]} {rng.choice(SURNAMES)}"
        answers = {
            "area": rng.choices(AREAS, weights=[5, 3, 2])[0],
            "role": rng.choices(ROLES, weights=[3, 1])[0],
        }
        if number % 11 == 5:
            answers["area"] = "prefer_not_to_say"
        application = application_services.start_application(opportunity)
        data = {
            "name": name,
            "preferred_channel": Channel.POST if number % 7 == 3 else Channel.EMAIL,
            "email": f"{name.split()[0].lower()}.{number}@example.org",
            "address": f"{number + 3} Mill Lane, Northtown",
            "postcode": f"NT{1 + number % 4} {number % 9}AB",
            "preferred_format": Format.EASY_READ if number % 6 == 2 else Format.STANDARD,
            "eligibility_answers": dict.fromkeys(opportunity.eligibility_lines(), "yes"),
            "availability": opportunity.session_lines()[: 2 + number % 3],
            "access_needs": [AccessNeed.STEP_FREE] if number % 5 == 0 else [],
            "selection_answers": answers,
            "why_interested": "I want short breaks to work for families like mine.",
        }
        for step in application_services.steps_for(opportunity):
            application_services.save_answer(application, step.slug, data)
        application_services.submit_application(application)
    rows = []
    for question, limits in (
        (area, {"North": (2, 4), "South": (2, 4), "Coast": (1, 3)}),
        (role, {"Parent carer": (4, 6), "Young person (14 to 25)": (2, 4)}),
    ):
        for value in selection_services.question_values(question):
            low, high = limits.get(value, (0, 1))
            rows.append((question, value, low, high))
    selection_services.save_quotas(opportunity, rows)
    return opportunity


def evaluation_draft(project: CommissioningProject) -> Opportunity:
    method = EngagementMethod.objects.get(
        plan__stage__project=project, kind=MethodKind.EVALUATION_PANEL
    )
    opportunity = services.new_opportunity(method)
    opportunity.title = "Carers on the bid evaluation panel"
    opportunity.places = 4
    opportunity.expected = (
        "Read the tender responses you choose and score them, beside council officers. We "
        "train you first. Procurement rules mean the bids are confidential."
    )
    opportunity.payment = "We pay £20 an hour for your time, and replacement care."
    return services.save_opportunity(opportunity)
