"""Demo survey for `coproduce load_demo`: "Your experience of being involved" for the SEND
short breaks project, open, with 60 sent responses (online, paper, phone and event) whose
comments give theming something to work on. Random choices are seeded, so the demo is the
same every time; running it again changes nothing."""

import random
from typing import Any

from coproduce.accounts.models import Organisation, User
from coproduce.projects.models import CommissioningProject, StageKind

from . import services
from .models import QuestionKind, ResponseSource, Survey

RESPONSES = 60
TEMPLATE = "participant_experience"

# What people said worked well and what to change, in their words: several themes (early
# information, support and payment, papers, being listened to, venue and timing, hearing what
# happened), each said in different ways.
WORKED_WELL = [
    "We were told what it would involve right at the start, so I knew what I was getting into.",
    "Having the dates for every meeting early meant I could arrange care for my son.",
    "The facilitator rang me before the first meeting and explained everything.",
    "I felt listened to. People took what I said seriously.",
    "Other parents on the panel were lovely and I did not feel on my own.",
    "Being paid for my time made me feel valued, not just a box being ticked.",
    "Expenses were paid quickly and the form was simple.",
    "The training session helped me understand how the scoring works.",
    "Meetings in the evening meant I could come after school pick up.",
    "The venue was easy to get to and had parking close by.",
    "Easy read papers helped my daughter take part herself.",
    "It was good to meet the commissioners face to face.",
    "Short papers with a summary on the front page.",
    "The chair made sure everyone had a turn to speak.",
    "",
]
CHANGE = [
    "Send the papers earlier. A week is not enough to read them with everything else going on.",
    "The papers were far too long and full of jargon.",
    "Tell us what happened in the end. I never heard what was decided.",
    "We did not find out what difference our views made.",
    "Pay people on the day rather than weeks later.",
    "The expenses form was confusing and I gave up on claiming.",
    "Meetings during the school day are impossible for working parents.",
    "Hold some meetings online so I do not need childcare.",
    "The room was too hot and noisy for my son.",
    "Have a quiet room for young people who need a break.",
    "Some officers used acronyms nobody explained.",
    "Let us see the final specification so we can check our ideas are in it.",
    "More notice of dates please, two weeks is too short.",
    "Offer a phone call after each meeting for people who could not come.",
    "",
]
SOURCES = (
    [ResponseSource.ONLINE] * 6
    + [ResponseSource.PAPER] * 2
    + [
        ResponseSource.PHONE,
        ResponseSource.EVENT,
    ]
)
AREAS = ["NS1", "NS2", "NS3", "CO4", "CO5"]
# How likely each option is, first option (the best) first.
HAPPY = [5, 4, 2, 1, 1]
UNHAPPY = [1, 1, 2, 4, 4]


def load(council: Organisation, users: dict[str, User]) -> Survey:
    project = CommissioningProject.objects.get(organisation=council, title__startswith="SEND")
    existing = Survey.objects.filter(project=project, template_key=TEMPLATE).first()
    if existing is not None:
        return existing
    facilitator = users.get("fran.facilitator")
    survey = services.create_from_template(
        council,
        TEMPLATE,
        created_by=facilitator,
        project=project,
        stage=project.stages.get(kind=StageKind.ANALYSE),
        title="Your experience of being involved in the short breaks strategy",
    )
    services.open_survey(survey)
    randomly = random.Random(8)  # noqa: S311 (a repeatable demo, not a secret)
    questions = services.questions_in_order(survey)
    for _ in range(RESPONSES):
        values: dict[int, Any] = {}
        # Most people had a good experience; some did not, and say so in their comments.
        mood = randomly.random()
        for question in questions:
            if question.kind in (QuestionKind.SCALE, QuestionKind.SINGLE_CHOICE):
                options = question.options
                weights = (
                    [5, 4, 2, 1, 1][: len(options)]
                    if mood > 0.3
                    else [1, 1, 2, 4, 4][: len(options)]
                )
                values[question.pk] = randomly.choices(options, weights=weights)[0]
            elif question.kind == QuestionKind.MATRIX:
                values[question.pk] = {
                    row: randomly.choice(question.options[:3] if mood > 0.3 else question.options)
                    for row in question.rows
                }
            elif question.kind == QuestionKind.LONG_TEXT:
                bank = WORKED_WELL if "well" in question.text else CHANGE
                values[question.pk] = randomly.choice(bank)
        source = randomly.choice(SOURCES)
        if source == ResponseSource.ONLINE:
            response = services.start_response(survey)
            response.area = randomly.choice(AREAS)
            response.save()
            for question in questions:
                if values.get(question.pk):
                    services.save_answer(response, question, values[question.pk])
            services.submit(response)
        else:
            services.enter_response(
                survey,
                values,
                source=source,
                entered_by=facilitator,
                entry_key=services.new_entry_key(),
                area=randomly.choice(AREAS) + " 1AA",
            )
    return survey
