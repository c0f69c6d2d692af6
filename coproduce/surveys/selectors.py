"""Reading surveys and their results.

Results count submitted responses only, after the filters, and every count shown goes through
the one small-number suppression function (`coproduce.equality.suppression.suppress`), with
its secondary suppression. Percentages are worked out from shown figures only, so a hidden
count cannot be recovered from a percentage.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Exists, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from coproduce.accounts.models import Organisation
from coproduce.equality.models import ANSWER_FIELDS, QUESTIONS
from coproduce.equality.suppression import Cell, Series, Table, suppress
from coproduce.people.models import Consent, ConsentPurpose

from .models import (
    FREE_TEXT_KINDS,
    Answer,
    AnswerTally,
    Question,
    QuestionKind,
    Response,
    ResponseSource,
    ResponseStatus,
    Survey,
    TallyMeasure,
)
from .services import questions_in_order

K = QuestionKind
COUNTED_KINDS = frozenset({K.SINGLE_CHOICE, K.SCALE, K.MULTIPLE_CHOICE})
CROSSTAB_KINDS = frozenset({K.SINGLE_CHOICE, K.SCALE})
NOT_ANSWERED = "Not answered"
CHUNK = 2000
# Responses read at a time by the exports: their answers are held in memory together.
EXPORT_CHUNK = 500


def surveys_for(organisation: Organisation, status: str = "") -> QuerySet[Survey]:
    surveys = Survey.objects.filter(organisation=organisation).select_related("project")
    if status:
        surveys = surveys.filter(status=status)
    return surveys.annotate(
        submitted=Count("responses", filter=Q(responses__status=ResponseStatus.SUBMITTED))
    ).order_by("-created_at", "pk")


# Filters -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    source: str = ""
    submitted_from: datetime.date | None = None
    submitted_to: datetime.date | None = None
    question: Question | None = None  # only people who gave `answer` to this question
    answer: str = ""

    @property
    def active(self) -> bool:
        return bool(
            self.source
            or self.submitted_from
            or self.submitted_to
            or (self.question and self.answer)
        )


def submitted(survey: Survey, filters: Filters | None = None) -> QuerySet[Response]:
    responses = Response.objects.filter(survey=survey, status=ResponseStatus.SUBMITTED)
    if filters is None:
        return responses
    if filters.source:
        responses = responses.filter(source=filters.source)
    tz = timezone.get_current_timezone()
    if filters.submitted_from:
        start = datetime.datetime.combine(filters.submitted_from, datetime.time.min, tz)
        responses = responses.filter(submitted_at__gte=start)
    if filters.submitted_to:
        end = datetime.datetime.combine(
            filters.submitted_to + datetime.timedelta(days=1), datetime.time.min, tz
        )
        responses = responses.filter(submitted_at__lt=end)
    if filters.question is not None and filters.answer:
        q = filters.question
        if q.kind == K.MULTIPLE_CHOICE:
            # JSON containment is not the same on every database: the lists are checked here.
            matching = [
                pk
                for pk, choices in Answer.objects.filter(question=q)
                .values_list("response_id", "choices")
                .iterator(chunk_size=CHUNK)
                if filters.answer in choices
            ]
            responses = responses.filter(pk__in=matching)
        else:
            responses = responses.filter(
                Exists(
                    Answer.objects.filter(
                        response=OuterRef("pk"), question=q, choice=filters.answer
                    )
                )
            )
    return responses


# Per-question results ------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    cell: Cell
    percent: Decimal | None

    @property
    def width(self) -> int:
        """The bar's width in whole percent (0 when hidden)."""
        return int(self.percent or 0)


@dataclass(frozen=True)
class Grid:
    """A suppressed 2-D table laid out for a template: each row with its cells and total."""

    columns: tuple[str, ...]
    rows: list[tuple[str, list[Cell], Cell]]
    column_totals: list[Cell]
    total: Cell

    @classmethod
    def of(cls, table: Table[str, str]) -> "Grid":
        return cls(
            columns=table.columns,
            rows=[(row, table.row(row), table.row_totals[row]) for row in table.rows],
            column_totals=[table.column_totals[column] for column in table.columns],
            total=table.total,
        )

    @property
    def any_hidden(self) -> bool:
        return any(cell.suppressed for _, cells, _ in self.rows for cell in cells)


@dataclass
class QuestionResult:
    question: Question
    answered: Cell
    rows: list[Row] = field(default_factory=list)
    # Grids: one suppressed table, rows by columns
    table: Grid | None = None
    # Numbers
    number_summary: dict[str, Decimal | None] | None = None
    # Ranking: items by average place (only shown when enough people answered)
    ranking: list[tuple[str, Decimal]] = field(default_factory=list)

    @property
    def any_hidden(self) -> bool:
        if self.answered.suppressed or any(row.cell.suppressed for row in self.rows):
            return True
        return self.table is not None and self.table.any_hidden


def _percent(part: int | None, whole: int | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _rows(series: Series[str], base: Cell) -> list[Row]:
    return [
        Row(label, cell, _percent(cell.value, base.value)) for label, cell in series.cells.items()
    ]


@dataclass
class Counts:
    """The counts results are made of, before suppression."""

    answered: Counter[int] = field(default_factory=Counter)
    # The option chosen (choose one, scale), each option chosen (choose all), the item put
    # first (ranking), by question.
    chosen: defaultdict[int, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    places: defaultdict[int, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    grids: defaultdict[int, defaultdict[str, Counter[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Counter))
    )


def _answer_filtered(filters: Filters | None) -> bool:
    return filters is not None and filters.question is not None and bool(filters.answer)


def _filtered_tallies(survey: Survey, filters: Filters | None) -> QuerySet[AnswerTally]:
    if _answer_filtered(filters):
        raise ValueError("Running counts cannot be filtered by an answer.")
    tallies = AnswerTally.objects.filter(survey=survey)
    if filters is not None:
        if filters.source:
            tallies = tallies.filter(source=filters.source)
        # A response counts under the day it was sent where the service is, the day these
        # filters put it in.
        if filters.submitted_from:
            tallies = tallies.filter(day__gte=filters.submitted_from)
        if filters.submitted_to:
            tallies = tallies.filter(day__lte=filters.submitted_to)
    return tallies


def counts_from_tallies(survey: Survey, filters: Filters | None = None) -> Counts:
    """The counts added up from the running counts kept as responses are sent (ADR 10): a few
    rows a question, whatever the number of responses. Filters by source and by date only."""
    tallies = _filtered_tallies(survey, filters)
    counts = Counts()
    measures = {
        TallyMeasure.CHOSEN: counts.chosen,
        TallyMeasure.FIRST: counts.chosen,
        TallyMeasure.PLACES: counts.places,
    }
    for question_id, measure, row, option, n in (
        tallies.values_list("question_id", "measure", "grid_row", "option")
        .annotate(n=Sum("count"))
        .order_by()
    ):
        if measure == TallyMeasure.ANSWERED:
            counts.answered[question_id] += n
        elif measure == TallyMeasure.GRID:
            counts.grids[question_id][row][option] += n
        else:
            measures[measure][question_id][option] += n
    return counts


def counts_from_answers(questions: list[Question], responses: QuerySet[Response]) -> Counts:
    """The counts worked out from the answers themselves: for filters by an answer, which the
    running counts cannot do. Reads every choose-all, ranking and grid answer."""
    of_kind: dict[str, list[int]] = defaultdict(list)
    for question in questions:
        of_kind[question.kind].append(question.pk)
    answers = Answer.objects.filter(response__in=responses.values("pk")).order_by()
    counts = Counts()
    # One grouped pass gives how many answered each question and each single choice's count
    # (other kinds have an empty choice): the (question, choice, response) index covers it.
    for question_id, choice, n in (
        answers.filter(question_id__in=[q.pk for q in questions])
        .values("question_id", "choice")
        .annotate(n=Count("*"))
        .values_list("question_id", "choice", "n")
    ):
        counts.answered[question_id] += n
        if choice:
            counts.chosen[question_id][choice] = n
    listed = of_kind[K.MULTIPLE_CHOICE] + of_kind[K.RANKING] + of_kind[K.MATRIX]
    kinds = {q.pk: q.kind for q in questions}
    for question_id, choices, matrix in (
        answers.filter(question_id__in=listed)
        .values_list("question_id", "choices", "matrix")
        .iterator(chunk_size=CHUNK)
        if listed
        else ()
    ):
        kind = kinds[question_id]
        if kind == K.MULTIPLE_CHOICE:
            counts.chosen[question_id].update(choices)
        elif kind == K.RANKING:
            for place, item in enumerate(choices, start=1):
                counts.places[question_id][item] += place
            if choices:
                counts.chosen[question_id][choices[0]] += 1
        else:
            for row, point in matrix.items():
                counts.grids[question_id][row][point] += 1
    return counts


def _nonzero(counts: Counts) -> dict[tuple[Any, ...], int]:
    found: dict[tuple[Any, ...], int] = {}
    for question, n in counts.answered.items():
        found[("answered", question)] = n
    for name, by_question in (("chosen", counts.chosen), ("places", counts.places)):
        for question, options in by_question.items():
            for option, n in options.items():
                found[(name, question, option)] = n
    for question, rows in counts.grids.items():
        for row, points in rows.items():
            for point, n in points.items():
                found[("grid", question, row, point)] = n
    return {key: n for key, n in found.items() if n}


def tallies_agree(survey: Survey) -> bool:
    """Whether the survey's running counts add up to what its sent answers say."""
    from_answers = counts_from_answers(questions_in_order(survey), submitted(survey))
    return _nonzero(counts_from_tallies(survey)) == _nonzero(from_answers)


def results(
    survey: Survey, filters: Filters | None = None, *, from_answers: bool = False
) -> tuple[Cell, list[QuestionResult]]:
    """How many responses (suppressed), and each question's figures. A fixed number of queries
    whatever the number of questions or responses. The counts come from the running counts
    unless filtered by an answer (or `from_answers`, which checks them against the answers)."""
    questions = questions_in_order(survey)
    responses = submitted(survey, filters)
    total = responses.count()
    counts = (
        counts_from_answers(questions, responses)
        if from_answers or _answer_filtered(filters)
        else counts_from_tallies(survey, filters)
    )
    numbered = [q.pk for q in questions if q.kind == K.NUMBER]
    numbers: dict[int, dict[str, Any]] = (
        {
            row["question_id"]: dict(row)
            for row in Answer.objects.filter(
                question_id__in=numbered, response__in=responses.values("pk")
            )
            .values("question_id")
            .annotate(smallest=Min("number"), largest=Max("number"), mean=Avg("number"))
            .order_by()
        }
        if numbered
        else {}
    )
    figures: list[QuestionResult] = []
    for question in questions:
        n = counts.answered.get(question.pk, 0)
        answered_cell = suppress({"answered": n}).cells["answered"]
        result = QuestionResult(question=question, answered=answered_cell)
        if question.kind in (K.SINGLE_CHOICE, K.SCALE, K.MULTIPLE_CHOICE, K.RANKING):
            chosen = counts.chosen[question.pk]
            series = suppress({option: chosen.get(option, 0) for option in question.options})
            # Choose-one: of those who answered (the series total, suppressed with its cells);
            # choose-all and first places: of those who answered the question.
            base = series.total if question.kind in CROSSTAB_KINDS else answered_cell
            result.rows = _rows(series, base)
            if question.kind == K.RANKING and n >= series.threshold:
                sums = counts.places[question.pk]
                result.ranking = sorted(
                    (
                        (item, (Decimal(sums[item]) / n).quantize(Decimal("0.1")))
                        for item in question.options
                    ),
                    key=lambda pair: pair[1],
                )
        elif question.kind == K.MATRIX:
            grid = counts.grids[question.pk]
            result.table = Grid.of(
                suppress(
                    {
                        row: {point: grid[row].get(point, 0) for point in question.options}
                        for row in question.rows
                    }
                )
            )
        elif question.kind == K.NUMBER and n >= 5:
            summary = numbers.get(question.pk, {})
            mean = summary.get("mean")
            result.number_summary = {
                "smallest": summary.get("smallest"),
                "largest": summary.get("largest"),
                "mean": Decimal(mean).quantize(Decimal("0.1")) if mean is not None else None,
            }
        figures.append(result)
    return suppress({"responses": total}).cells["responses"], figures


def comments(question: Question, filters: Filters | None = None) -> QuerySet[Answer]:
    """The free-text answers to one question, newest first."""
    responses = submitted(question.survey, filters)
    return (
        Answer.objects.filter(question=question, response__in=responses.values("pk"))
        .exclude(text="")
        .select_related("response")
        .order_by("-response__submitted_at", "-pk")
    )


# Cross-tabulation --------------------------------------------------------------------------------

SOURCE = "source"
AREA = "area"
COMMUNITY = "community"
EQUALITY_PREFIX = "equality:"
QUESTION_PREFIX = "question:"


def breakdowns(survey: Survey, *, with_equality: bool) -> list[tuple[str, str]]:
    """What results can be broken down by: (value, label)."""
    options = [
        (SOURCE, "How the answers were given"),
        (AREA, "Area (postcode district)"),
    ]
    if not survey.anonymous:
        options.append((COMMUNITY, "Communities they belong to"))
        if with_equality:
            options += [(f"{EQUALITY_PREFIX}{q.field}", f"Equality: {q.name}") for q in QUESTIONS]
    options += [
        (f"{QUESTION_PREFIX}{q.pk}", f"Answer to: {q.text}")
        for q in questions_in_order(survey)
        if q.kind in CROSSTAB_KINDS
    ]
    return options


def _grouped_by_people(
    answers: QuerySet[Answer], by: str
) -> tuple[list[str], list[tuple[str, str, int]]]:
    """Counts by (answer, group) for groups that come from the person's record (identified
    surveys): the column labels in order, and (choice, group, count) rows."""
    if by == COMMUNITY:
        # Someone in two communities is counted in both (the table says they overlap).
        rows = [
            (choice, name, n)
            for choice, name, n in answers.values_list(
                "choice", "response__person__memberships__community__name"
            ).annotate(n=Count("*"))
            if name is not None
        ]
        return sorted({name for _, name, _ in rows}), rows
    name = by.removeprefix(EQUALITY_PREFIX)
    if not by.startswith(EQUALITY_PREFIX) or name not in ANSWER_FIELDS:
        raise ValueError(by)
    standard = next(q for q in QUESTIONS if q.field == name)
    labels = dict(standard.choices.choices)
    # Only people who still agree to equality monitoring are counted.
    agrees = Consent.objects.filter(
        person=OuterRef("response__person"),
        purpose=ConsentPurpose.EQUALITY,
        withdrawn_at__isnull=True,
    )
    # Equality answers are encrypted, so the database cannot group by them: one query streams
    # each answer with the respondent's (one field, decrypted as it is read), a chunk at a
    # time, so memory stays flat however many responded.
    tally: Counter[tuple[str, str]] = Counter()
    for choice, value in (
        answers.filter(Exists(agrees))
        .values_list("choice", f"response__person__equality_answers__{name}")
        .iterator(chunk_size=CHUNK)
    ):
        if value in labels:
            tally[(choice, labels[value])] += 1
    return list(labels.values()), [(choice, group, n) for (choice, group), n in tally.items()]


def _grouped_in_database(
    survey: Survey, answers: QuerySet[Answer], by: str
) -> tuple[list[str], list[tuple[str, str, int]]]:
    """Counts by (answer, group) worked out by the database: the column labels in order, and
    (choice, group, count) rows."""
    if by == SOURCE:
        labels = dict(ResponseSource.choices)
        rows = answers.values_list("choice", "response__source").annotate(n=Count("*"))
        return list(labels.values()), [(c, labels.get(g, g), n) for c, g, n in rows]
    if by == AREA:
        rows = answers.values_list("choice", "response__area").annotate(n=Count("*"))
        found = [(c, g or NOT_ANSWERED, n) for c, g, n in rows]
        return sorted({g for _, g, _ in found}), found
    pk = by.removeprefix(QUESTION_PREFIX)
    other = survey.questions.filter(pk=int(pk) if pk.isdigit() else 0, kind__in=CROSSTAB_KINDS)
    question = other.first()
    if not by.startswith(QUESTION_PREFIX) or question is None:
        raise ValueError(by)
    # Each response's answer to the other question, by the one-answer-per-question index.
    their = Answer.objects.filter(response=OuterRef("response"), question=question)
    rows = (
        answers.annotate(other=Subquery(their.values("choice")[:1]))
        .values_list("choice", "other")
        .annotate(n=Count("*"))
    )
    return list(question.options), [(c, g or "", n) for c, g, n in rows]


@dataclass(frozen=True)
class CrossTab:
    question: Question
    by_label: str
    table: Grid
    overlapping: bool  # people can be in more than one column (communities)


def crosstab(
    survey: Survey, question: Question, by: str, by_label: str, filters: Filters | None = None
) -> CrossTab:
    """Answers to `question` (rows) by a respondent attribute (columns), suppressed."""
    responses = submitted(survey, filters)
    answers = Answer.objects.filter(
        question=question, response__in=responses.values("pk")
    ).order_by()
    if by == SOURCE and not _answer_filtered(filters):
        labels = dict(ResponseSource.choices)
        columns = list(labels.values())
        rows = [
            (option, labels.get(source, source), n)
            for option, source, n in _filtered_tallies(survey, filters)
            .filter(question=question, measure=TallyMeasure.CHOSEN)
            .values_list("option", "source")
            .annotate(n=Sum("count"))
            .order_by()
        ]
    elif by in (SOURCE, AREA) or by.startswith(QUESTION_PREFIX):
        columns, rows = _grouped_in_database(survey, answers, by)
    else:
        columns, rows = _grouped_by_people(answers, by)
    counts: dict[str, dict[str, int]] = {
        option: dict.fromkeys(columns, 0) for option in question.options
    }
    for choice, group, n in rows:
        if choice in counts and group in counts[choice]:
            counts[choice][group] += n
    return CrossTab(
        question=question,
        by_label=by_label,
        table=Grid.of(suppress(counts)),
        overlapping=by == COMMUNITY,
    )


# Exports -----------------------------------------------------------------------------------------


def export_header(questions: list[Question]) -> list[str]:
    header = ["Response", "How given", "Sent", "Area"]
    for question in questions:
        if question.kind == K.MATRIX:
            header += [f"{question.text}: {row}" for row in question.rows]
        else:
            header.append(question.text)
    return header


def _cell(answer: Answer | None, question: Question) -> list[str]:
    if question.kind == K.MATRIX:
        matrix = answer.matrix if answer is not None else {}
        return [matrix.get(row, "") for row in question.rows]
    return [answer.display() if answer is not None else ""]


def export_rows(survey: Survey) -> Iterator[list[str]]:
    """One row per submitted response, a column per question (a grid: per row). Reads the
    responses a chunk at a time by primary key, so memory stays flat however many there are.
    Only answers to the survey: no names, contact details, equality answers or access needs."""
    questions = questions_in_order(survey)
    sources = dict(ResponseSource.choices)
    last = 0
    responses = submitted(survey).order_by("pk")
    while True:
        chunk = list(
            responses.filter(pk__gt=last).values_list("pk", "source", "submitted_at", "area")[
                :EXPORT_CHUNK
            ]
        )
        if not chunk:
            return
        last = chunk[-1][0]
        by_response: dict[int, dict[int, Answer]] = defaultdict(dict)
        for answer in (
            Answer.objects.filter(response_id__in=[row[0] for row in chunk])
            .defer("organisation", "updated_at")
            .order_by()
        ):
            by_response[answer.response_id][answer.question_id] = answer
        for pk, source, submitted_at, area in chunk:
            answers = by_response.get(pk, {})
            row = [
                str(pk),
                sources.get(source, source),
                timezone.localtime(submitted_at).strftime("%Y-%m-%d %H:%M") if submitted_at else "",
                area,
            ]
            for question in questions:
                row += _cell(answers.get(question.pk), question)
            yield row
        del by_response


def free_text_questions(survey: Survey) -> list[Question]:
    return [q for q in questions_in_order(survey) if q.kind in FREE_TEXT_KINDS]


def responses_for(survey: Survey) -> QuerySet[Response]:
    return (
        Response.objects.filter(survey=survey)
        .select_related("person", "entered_by")
        .annotate(answer_count=Count("answers"))
        .order_by("-submitted_at", "-pk")
    )


def response_counts(survey: Survey) -> dict[str, int]:
    return survey.responses.aggregate(
        all=Count("pk"),
        submitted=Count("pk", filter=Q(status=ResponseStatus.SUBMITTED)),
        in_progress=Count("pk", filter=Q(status=ResponseStatus.IN_PROGRESS)),
    )
