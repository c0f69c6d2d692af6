"""Reads for the theming workflow."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from coproduce.surveys.models import Answer, Question

from .models import Theme, ThemeAssignment, ThemeExample, ThemeSet
from .services import answers_to_theme

EXPORT_CHUNK = 2000


def theme_set_of(question: Question) -> ThemeSet | None:
    """The question's themes, if anyone has started theming it (looking never starts it)."""
    return ThemeSet.objects.select_related("job").filter(question=question).first()


def comment_count(question: Question) -> int:
    """How many comments there are to theme (the same answers a theme set would take)."""
    return answers_to_theme(ThemeSet(question=question)).count()


def _count(queryset: QuerySet[Any]) -> Coalesce:
    """How many rows of `queryset` (already tied to the outer theme), as a subquery: two
    counts joined in one query would multiply each other's rows."""
    counted = queryset.order_by().values("theme").annotate(number=Count("pk")).values("number")
    return Coalesce(Subquery(counted), 0)


def themes_with_counts(theme_set: ThemeSet) -> QuerySet[Theme]:
    """The question's themes, each with how many examples it has and how many answers it was
    given, in one query."""
    theme = OuterRef("pk")
    return theme_set.themes.annotate(
        example_count=_count(ThemeExample.objects.filter(theme=theme)),
        given_count=_count(ThemeAssignment.objects.filter(theme=theme, given=True)),
    ).order_by("label", "pk")


def themes_with_quotes(theme_set: ThemeSet) -> QuerySet[Theme]:
    return themes_with_counts(theme_set).prefetch_related(
        Prefetch("quotes", queryset=Answer.objects.order_by("pk").only("pk", "text"))
    )


@dataclass(frozen=True)
class ThemeFigure:
    theme: Theme
    count: int
    percent: float

    @property
    def width(self) -> int:
        """The bar's width in whole percent, for the chart's CSS classes."""
        return int(self.percent)


def figures(theme_set: ThemeSet) -> tuple[int, int, list[ThemeFigure]]:
    """How many answers there are, how many were given at least one theme, and for each
    theme how many answers it was given (most first), with their share of all answers."""
    total = answers_to_theme(theme_set).count()
    themed = (
        answers_to_theme(theme_set)
        .filter(theme_assignments__given=True, theme_assignments__theme__theme_set=theme_set)
        .distinct()
        .count()
    )
    rows = []
    for theme in themes_with_quotes(theme_set):
        count: int = theme.given_count  # type: ignore[attr-defined]
        rows.append(ThemeFigure(theme, count, 100 * count / total if total else 0.0))
    rows.sort(key=lambda row: (-row.count, row.theme.label.lower()))
    return total, themed, rows


def comments(theme_set: ThemeSet, words: str = "", theme: Theme | None = None) -> QuerySet[Answer]:
    """The answers to the question, optionally only those containing the words or given
    the theme, in the order they came in."""
    answers = answers_to_theme(theme_set).select_related("response")
    for word in words.split():
        answers = answers.filter(text__icontains=word)
    if theme is not None:
        answers = answers.filter(
            Exists(ThemeAssignment.objects.filter(answer=OuterRef("pk"), theme=theme, given=True))
        )
    return answers


def with_themes_given(answers: Sequence[Answer], theme_set: ThemeSet) -> list[Answer]:
    """Sets `themes_given` (labels, in order) and `checked` on each answer of a page, in one
    query for the whole page."""
    given: dict[int, list[Theme]] = {answer.pk: [] for answer in answers}
    checked: set[int] = set()
    rows = ThemeAssignment.objects.filter(
        theme__theme_set=theme_set, answer_id__in=list(given)
    ).select_related("theme")
    for row in rows.order_by("theme__label", "theme_id"):
        if row.given:
            given[row.answer_id].append(row.theme)
        if row.checked:
            checked.add(row.answer_id)
    for answer in answers:
        answer.themes_given = given[answer.pk]  # type: ignore[attr-defined]
        answer.checked = answer.pk in checked  # type: ignore[attr-defined]
    return list(answers)


def candidates_for_examples(theme: Theme, words: str = "") -> QuerySet[Answer]:
    """Answers to search when tagging examples of a theme, each marked as tagged or not,
    tagged ones first."""
    tagged = ThemeExample.objects.filter(theme=theme, answer=OuterRef("pk"))
    return (
        comments(theme.theme_set, words).annotate(tagged=Exists(tagged)).order_by("-tagged", "pk")
    )


def examples_of(theme: Theme) -> QuerySet[Answer]:
    return Answer.objects.filter(theme_examples__theme=theme).order_by("pk").only("pk", "text")


def split_candidates(theme: Theme) -> QuerySet[Answer]:
    """The comments a split can move: the theme's examples and quotes."""
    return (
        Answer.objects.filter(Q(theme_examples__theme=theme) | Q(pk__in=theme.quotes.values("pk")))
        .distinct()
        .order_by("pk")
        .only("pk", "text")
    )


def review_queue(theme_set: ThemeSet) -> QuerySet[Answer]:
    """Answers the classifier was least sure of and no officer has checked, least sure first."""
    unchecked = Q(theme_assignments__theme__theme_set=theme_set, theme_assignments__checked=False)
    return (
        answers_to_theme(theme_set)
        .filter(unchecked)
        .annotate(doubt=Max("theme_assignments__uncertainty", filter=unchecked))
        .order_by("-doubt", "pk")
    )


def export_header(themes: Sequence[Theme]) -> list[str]:
    labels = [theme.label for theme in themes]
    return ["Response", "Answer", "Comment", *labels, *(f"Score: {label}" for label in labels)]


def export_rows(theme_set: ThemeSet, themes: Sequence[Theme]) -> Iterator[list[object]]:
    """One row per answer: its theme decisions (1 or 0) then the classifier's confidence in
    each. Read in chunks, so memory stays flat however many answers there are."""
    column = {theme.pk: index for index, theme in enumerate(themes)}
    answers = answers_to_theme(theme_set).values_list("pk", "response_id", "text")
    chunk: list[tuple[int, int, str]] = []
    for row in answers.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(row)
        if len(chunk) == EXPORT_CHUNK:
            yield from _export_chunk(theme_set, chunk, column)
            chunk = []
    if chunk:
        yield from _export_chunk(theme_set, chunk, column)


def _export_chunk(
    theme_set: ThemeSet, chunk: list[tuple[int, int, str]], column: dict[int, int]
) -> Iterator[list[object]]:
    width = len(column)
    decided: dict[int, list[object]] = {pk: [0] * width + [""] * width for pk, _, _ in chunk}
    assignments = ThemeAssignment.objects.filter(
        theme__theme_set=theme_set, answer_id__in=list(decided)
    ).values_list("answer_id", "theme_id", "given", "confidence")
    for answer_id, theme_id, given, confidence in assignments:
        if theme_id in column:
            cells = decided[answer_id]
            cells[column[theme_id]] = int(given)
            cells[width + column[theme_id]] = confidence
    for pk, response_id, text in chunk:
        yield [response_id, pk, text, *decided[pk]]
