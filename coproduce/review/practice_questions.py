"""The organisational self-assessment of co-production practice: its questions and the sums
behind its results.

Plain Python (no Django). The questions follow the seed guides' checklists and "top tips":
co-production is part of the culture ("not part of the job: it is the job"), built into the
organisation's structures (time, money, support, payment), visible in everyday practice
(involving people from the start, accessible, equal), and in how services are reviewed with
the people who use them, and how people hear what changed. Keys never change, so rounds
repeated over time can be compared; wording can be improved without breaking that.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SCALE = (
    (1, "Not at all"),
    (2, "A little"),
    (3, "Partly"),
    (4, "Mostly"),
    (5, "Fully"),
)
LOWEST, HIGHEST = SCALE[0][0], SCALE[-1][0]


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    description: str


@dataclass(frozen=True)
class PracticeQuestion:
    key: str
    area: str
    text: str
    easy_read: str


AREAS = (
    Area(
        "culture",
        "Culture",
        "How the organisation thinks about, and values, the people it works with.",
    ),
    Area(
        "structure",
        "Structure",
        "The time, money, roles and policies that make co-production possible.",
    ),
    Area(
        "practice",
        "Practice",
        "How people are involved day to day, from the start of each project.",
    ),
    Area(
        "review",
        "Review",
        "How services are reviewed with people, and how people hear what changed.",
    ),
)

QUESTIONS = (
    PracticeQuestion(
        "culture_assets",
        "culture",
        "People who use services and carers are seen as having skills and knowledge, "
        "not only needs",
        "We see what people are good at, not only what they need",
    ),
    PracticeQuestion(
        "culture_equal",
        "culture",
        "Staff and people who use services are treated as equal partners in meetings and decisions",
        "Everyone is treated as equal",
    ),
    PracticeQuestion(
        "culture_leaders",
        "culture",
        "Leaders and councillors make it clear that co-production is part of everyone's job",
        "Our leaders say working together is everyone's job",
    ),
    PracticeQuestion(
        "culture_power",
        "culture",
        "Power and decisions are shared wherever that is possible, and people are told honestly "
        "what cannot change",
        "We share decisions, and say honestly what cannot change",
    ),
    PracticeQuestion(
        "structure_resources",
        "structure",
        "Each commissioning project has time and a budget set aside for involving people",
        "There is time and money to involve people",
    ),
    PracticeQuestion(
        "structure_payment",
        "structure",
        "People are paid for their time and their expenses are paid quickly and simply",
        "People are paid for their time and costs",
    ),
    PracticeQuestion(
        "structure_support",
        "structure",
        "People get the training and support they need to take part (papers early, access, "
        "replacement care)",
        "People get the help they need to take part",
    ),
    PracticeQuestion(
        "structure_governance",
        "structure",
        "People who use services have a place on the boards and groups where decisions are made",
        "People are part of the groups that decide",
    ),
    PracticeQuestion(
        "practice_early",
        "practice",
        "People are involved at the beginning of a project, not only at the end",
        "People are involved from the start",
    ),
    PracticeQuestion(
        "practice_diverse",
        "practice",
        "The people involved reflect the communities who use the service, including seldom-heard "
        "groups",
        "The people involved are like the people who use the service",
    ),
    PracticeQuestion(
        "practice_accessible",
        "practice",
        "Meetings, papers and surveys are accessible (easy read, large print, interpreters, "
        "times and places that suit people)",
        "Meetings and papers are easy for everyone to use",
    ),
    PracticeQuestion(
        "practice_methods",
        "practice",
        "A choice of ways to take part is offered, so people need not travel or sit in meetings",
        "There are different ways to take part",
    ),
    PracticeQuestion(
        "review_with_people",
        "review",
        "People who use services help review them (for example mystery shopping or young "
        "inspectors)",
        "People who use services help check them",
    ),
    PracticeQuestion(
        "review_outcomes",
        "review",
        "Services are judged against outcomes that people who use them said matter",
        "Services are checked against what people said matters",
    ),
    PracticeQuestion(
        "review_feedback",
        "review",
        'People are told what happened because of what they said ("You said, we did")',
        "We tell people what changed because of them",
    ),
    PracticeQuestion(
        "review_learning",
        "review",
        "Lessons from each project are recorded and used to do better next time",
        "We learn from each project",
    ),
)

QUESTION_KEYS = frozenset(question.key for question in QUESTIONS)
AREA_KEYS = tuple(area.key for area in AREAS)


def questions_in(area: str) -> tuple[PracticeQuestion, ...]:
    return tuple(question for question in QUESTIONS if question.area == area)


def check_scores(scores: Mapping[str, int]) -> dict[str, str]:
    """Problems with a set of scores, by question key (empty when every score is fine).
    Every question needs a score from LOWEST to HIGHEST."""
    problems: dict[str, str] = {}
    for key in scores:
        if key not in QUESTION_KEYS:
            problems[key] = "This question is not in the self-assessment."
    for question in QUESTIONS:
        score = scores.get(question.key)
        if score is None:
            problems[question.key] = "Choose a score for this statement."
        elif (
            isinstance(score, bool) or not isinstance(score, int) or not LOWEST <= score <= HIGHEST
        ):
            problems[question.key] = f"Choose a score from {LOWEST} to {HIGHEST}."
    return problems


def average(total: int, count: int) -> Decimal | None:
    """The average of `count` scores adding up to `total`, to one decimal place, rounding
    halves up (None for no scores)."""
    if count <= 0:
        return None
    return (Decimal(total) / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def mean(scores: Iterable[int]) -> Decimal | None:
    values = list(scores)
    return average(sum(values), len(values))
