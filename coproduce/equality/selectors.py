"""Read queries for equality monitoring.

- `answers_for(person)`: one person's answers. Callers that show them must first check
  `people.view_equality_answers` and call `coproduce.audit.services.record_view`.
- `count_answers(people)`: counts for a set of people. Answers are encrypted, so SQL cannot
  group them: each answer is decrypted in Python and counted. That is about 11 microseconds
  per answer (8 answers a person), so the work is bounded: at most `AGGREGATE_LIMIT` people's
  answers are counted (about one second), in 3 queries whatever the size of the set; beyond
  that `TooManyPeople` is raised and the page asks for a smaller set.
- `compare(...)`: a project's target population against a people set, with small numbers
  suppressed. Only aggregates leave this module.
"""

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from coproduce.people.models import Consent, ConsentPurpose, Person
from coproduce.projects.models import CommissioningProject

from .models import (
    ANSWER_FIELDS,
    CATEGORIES,
    QUESTIONS,
    EqualityAnswers,
    EqualityExtraAnswer,
    EqualityQuestion,
    TargetCategory,
)
from .people_sets import PeopleSet
from .suppression import suppress

logger = logging.getLogger(__name__)

AGGREGATE_LIMIT = 10_000
DEFAULT_MARGIN = Decimal("5")
_CHOICES = {question.field: frozenset(question.choices.values) for question in QUESTIONS}


class TooManyPeople(Exception):
    """More people's answers than `AGGREGATE_LIMIT` would have to be decrypted."""


def answers_for(person: Person) -> EqualityAnswers | None:
    extra = EqualityExtraAnswer.objects.select_related("question").order_by("question_id")
    return (
        EqualityAnswers.objects.filter(person=person)
        .prefetch_related(Prefetch("extra", queryset=extra))
        .first()
    )


def questions_for(organisation_id: int, *, active_only: bool = True) -> QuerySet[EqualityQuestion]:
    questions = EqualityQuestion.objects.filter(organisation_id=organisation_id)
    return questions.filter(is_active=True) if active_only else questions


@dataclass(frozen=True)
class AnswerCounts:
    people: int  # people in the set (merged and pseudonymised records left out)
    counted: int  # people whose answers were counted: they have answers and agree
    standard: dict[str, Counter[str]]  # answer field -> answer value -> people
    extra: dict[int, Counter[str]]  # question id -> answer wording -> people


def _live(people: QuerySet[Person]) -> QuerySet[Person]:
    return people.filter(merged_into__isnull=True, pseudonymised_at__isnull=True)


def count_answers(people: QuerySet[Person]) -> AnswerCounts:
    """Counts of each answer among the people, counting only people who still agree to
    equality monitoring (answers are deleted when consent is withdrawn; this makes sure)."""
    live = _live(people)
    agrees = Consent.objects.filter(
        person=OuterRef("person_id"), purpose=ConsentPurpose.EQUALITY, withdrawn_at__isnull=True
    )
    records = EqualityAnswers.objects.filter(person__in=live.values("pk")).filter(Exists(agrees))
    rows = list(records.order_by().values_list(*ANSWER_FIELDS)[: AGGREGATE_LIMIT + 1])
    if len(rows) > AGGREGATE_LIMIT:
        raise TooManyPeople
    standard: dict[str, Counter[str]] = {field: Counter() for field in ANSWER_FIELDS}
    unreadable = 0
    for row in rows:
        for field, value in zip(ANSWER_FIELDS, row, strict=True):
            if value in _CHOICES[field]:
                standard[field][value] += 1
            elif value:
                unreadable += 1
    extra: dict[int, Counter[str]] = defaultdict(Counter)
    extra_rows = EqualityExtraAnswer.objects.filter(answers__in=records.values("pk")).order_by()
    for question_id, answer in extra_rows.values_list("question_id", "answer"):
        extra[question_id][answer] += 1
    if unreadable:
        # Wrong SECRET_KEY or SALT_KEY: the package hands back the stored token unchanged.
        logger.warning(
            "%d equality answers could not be decrypted: check SECRET_KEY, "
            "SECRET_KEY_FALLBACKS and SALT_KEY",
            unreadable,
        )
    return AnswerCounts(
        people=live.count(), counted=len(rows), standard=standard, extra=dict(extra)
    )


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class GroupRow:
    group: str
    label: str
    target: Decimal | None  # percent of the target population; None: no target
    count: int | None  # people in the set in this group; None: hidden (small numbers)
    share: Decimal | None  # percent of those in the set who gave a group; None: not shown
    under_represented: bool

    @property
    def hidden(self) -> bool:
        return self.count is None

    @property
    def difference(self) -> Decimal | None:
        """Percentage points above (+) or below (-) the target."""
        if self.share is None or self.target is None:
            return None
        return self.share - self.target

    @property
    def target_width(self) -> int:
        return _width(self.target)

    @property
    def share_width(self) -> int:
        return _width(self.share)


def _width(percent: Decimal | None) -> int:
    """Bar length in whole percent, for the chart's CSS classes (cp-w-0 to cp-w-100)."""
    if percent is None:
        return 0
    return max(0, min(100, int(percent.quantize(Decimal("1"), ROUND_HALF_UP))))


@dataclass(frozen=True)
class CategoryComparison:
    code: str
    name: str
    rows: list[GroupRow]
    answered: int | None  # people in the set who gave a group; None: hidden
    people: int  # people in the set
    has_target: bool

    @property
    def not_answered(self) -> int | None:
        return None if self.answered is None else self.people - self.answered

    @property
    def under_represented(self) -> list[GroupRow]:
        return [row for row in self.rows if row.under_represented]


@dataclass(frozen=True)
class Comparison:
    people_set: PeopleSet
    threshold: int
    margin: Decimal
    people: int
    counted: int
    categories: list[CategoryComparison]

    @property
    def any_hidden(self) -> bool:
        return any(row.hidden for category in self.categories for row in category.rows)


def target_profile(project: CommissioningProject) -> dict[str, dict[str, Decimal]]:
    """category -> group -> share, for the categories the project has targets for."""
    profile: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for category, group, share in project.target_shares.values_list("category", "group", "share"):
        profile[category][group] = share
    return dict(profile)


def compare(
    project: CommissioningProject,
    people_set: PeopleSet,
    *,
    threshold: int,
    margin: Decimal = DEFAULT_MARGIN,
) -> Comparison:
    """Who is in the set against the project's target population, category by category.

    Counts go through `suppress` (the people who gave a group being the total). A share is
    the percentage of the people who gave a group, shown only with its count. A group is
    under-represented when its shown share is more than `margin` percentage points below its
    target; a hidden group is never marked, because that would hint at its size.
    """
    counts = count_answers(people_set.people)
    profile = target_profile(project)
    categories = []
    for code in TargetCategory.values:
        category = CATEGORIES[code]
        grouped: Counter[str] = Counter()
        for value, number in counts.standard[category.field].items():
            group = category.group_of(value)
            if group is not None:
                grouped[group] += number
        table = suppress({group: grouped[group] for group, _label in category.groups}, threshold)
        answered = table.total.value
        targets = profile.get(code, {})
        rows = []
        for group, label in category.groups:
            count = table.cells[group].value
            share = _percent(count, answered) if count is not None and answered else None
            target = targets.get(group, Decimal(0) if targets else None)
            rows.append(
                GroupRow(
                    group=group,
                    label=label,
                    target=target,
                    count=count,
                    share=share,
                    under_represented=(
                        share is not None and target is not None and target - share > margin
                    ),
                )
            )
        categories.append(
            CategoryComparison(
                code=code,
                name=category.name,
                rows=rows,
                answered=answered,
                people=counts.people,
                has_target=bool(targets),
            )
        )
    return Comparison(
        people_set=people_set,
        threshold=threshold,
        margin=margin,
        people=counts.people,
        counted=counts.counted,
        categories=categories,
    )
