"""Results added up from the running counts (ADR 10) give exactly the figures worked out from the
answers themselves, on generated data, with and without filters; the counts follow every change
to sent answers (sending, staff entry, routing, pseudonymisation) and a rebuild agrees.
Cross-tabulations are checked against a plain recomputation from the records."""

import datetime
import importlib
import itertools
import random
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from coproduce.dataprotection.services import pseudonymise_person
from coproduce.equality.models import EqualityAnswers
from coproduce.equality.suppression import suppress
from coproduce.people.models import CommunityMembership, Consent, ConsentPurpose
from coproduce.surveys import selectors, services
from coproduce.surveys.models import (
    Answer,
    AnswerTally,
    QuestionKind,
    Response,
    ResponseSource,
    ResponseStatus,
)
from coproduce.surveys.selectors import Filters, Grid
from coproduce.testing.factories import (
    CommunityFactory,
    OrganisationFactory,
    make_equality_answers,
    make_person,
)

from .factories import make_question, make_response, make_survey

K = QuestionKind
pytestmark = pytest.mark.django_db
DAYS = [datetime.date(2026, 3, day) for day in (2, 3, 4)]
AREAS = ["NS1", "NS2", ""]
AGES = ["25_34", "35_44", "65_74", ""]


def _value(question, randomly):
    """A random answer (or None) as the forms give it; rare options make small counts."""
    if randomly.random() < 0.15:
        return None
    options = question.options
    weights = [8, 3, 1][: len(options)]
    if question.kind in (K.SINGLE_CHOICE, K.SCALE):
        return randomly.choices(options, weights)[0]
    if question.kind == K.MULTIPLE_CHOICE:
        return [o for o, w in zip(options, weights, strict=True) if randomly.random() < w / 10]
    if question.kind == K.RANKING:
        return randomly.sample(options, len(options))
    if question.kind == K.MATRIX:
        return {row: randomly.choices(options, weights)[0] for row in question.rows}
    if question.kind == K.NUMBER:
        return Decimal(randomly.randrange(0, 40))
    return randomly.choice(["Too far to travel", "Kind staff", "More evening groups"])


@pytest.fixture
def generated():
    """An identified survey of every counted kind, with a route, answered by 36 people over
    three days, four ways, in two areas, some in communities and with equality answers, and a
    few responses not sent."""
    randomly = random.Random(2026)
    organisation = OrganisationFactory()
    survey = make_survey(organisation, anonymous=False)
    first = make_question(survey, text="Overall")
    scale = make_question(survey, K.SCALE, text="Agree")
    used = make_question(survey, K.MULTIPLE_CHOICE, text="Used")
    order = make_question(survey, K.RANKING, text="Order")
    grid = make_question(survey, K.MATRIX, text="Grid")
    hours = make_question(survey, K.NUMBER, text="Hours")
    comment = make_question(survey, K.LONG_TEXT, text="Comment")
    # "Disagree" to the first question skips the scale: its answer is removed on sending.
    services.save_routes(first, {"Disagree": f"question:{used.pk}"})
    services.open_survey(survey)
    communities = [CommunityFactory(organisation=organisation) for _ in range(2)]
    questions = [first, scale, used, order, grid, hours, comment]
    for n in range(36):
        person = make_person(
            organisation,
            communities=[c for c in communities if randomly.random() < 0.4],
            postcode=f"{AREAS[n % 3]} 1AA" if AREAS[n % 3] else "",
        )
        age = randomly.choice(AGES)
        if age:
            make_equality_answers(person, age_band=age)
        answers = {q: v for q in questions if (v := _value(q, randomly)) is not None}
        sent = randomly.random() < 0.9
        with freeze_time(datetime.datetime.combine(randomly.choice(DAYS), datetime.time(9))):
            make_response(
                survey,
                answers,
                person=person,
                source=randomly.choice(list(ResponseSource)),
                submit=sent,
            )
    return survey


FILTERS = [
    None,
    Filters(),
    *(Filters(source=source) for source in ResponseSource),
    Filters(submitted_from=DAYS[1]),
    Filters(submitted_to=DAYS[1]),
    Filters(submitted_from=DAYS[1], submitted_to=DAYS[1]),
    Filters(source=ResponseSource.ONLINE, submitted_from=DAYS[0], submitted_to=DAYS[1]),
]


def test_results_from_running_counts_are_those_worked_out_from_the_answers(generated):
    hidden = shown = 0
    for filters in FILTERS:
        total, figures = selectors.results(generated, filters)
        assert (total, figures) == selectors.results(generated, filters, from_answers=True)
        for figure in figures:
            for row in figure.rows:
                hidden += row.cell.suppressed
                shown += bool(row.cell.value)
    # The data is small enough for the rule on small numbers to be exercised.
    assert hidden and shown
    # Filters by an answer are worked out from the answers.
    questions = {q.text: q for q in services.questions_in_order(generated)}
    for question in (questions["Overall"], questions["Used"]):
        filters = Filters(question=question, answer="Agree")
        assert selectors.results(generated, filters)[0].value
        with pytest.raises(ValueError):
            selectors.counts_from_tallies(generated, filters)


def test_rebuild_migration_and_check_agree_with_the_answers(generated):
    def rows():
        return Counter(
            {
                tuple(key): n
                for *key, n in AnswerTally.objects.filter(survey=generated).values_list(
                    "question_id", "source", "day", "measure", "grid_row", "option", "count"
                )
                if n
            }
        )

    kept = rows()
    assert kept and selectors.tallies_agree(generated)
    services.rebuild_tallies(generated)
    assert rows() == kept
    # The migration counts answers sent before counts were kept.
    AnswerTally.objects.all().delete()
    assert not selectors.tallies_agree(generated)
    migration = importlib.import_module("coproduce.surveys.migrations.0003_answer_tallies")
    migration.count_sent_answers(apps, None)
    assert rows() == kept
    # The check command finds wrong counts, and rebuild mends them.
    out = StringIO()
    call_command("survey_tallies", "check", stdout=out)
    assert "agree" in out.getvalue()
    tally = AnswerTally.objects.filter(survey=generated, measure="chosen").first()
    tally.count += 1
    tally.save()
    with pytest.raises(CommandError, match=f"survey {generated.pk}"):
        call_command("survey_tallies", "check", "--survey", str(generated.pk))
    call_command("survey_tallies", "rebuild", "--survey", str(generated.pk), stdout=out)
    call_command("survey_tallies", "check", stdout=out)
    with pytest.raises(CommandError, match="no survey with id 0"):
        call_command("survey_tallies", "rebuild", "--survey", "0")


def test_answers_removed_by_pseudonymisation_stop_counting(generated):
    comment = generated.questions.get(text="Comment")
    answer = Answer.objects.filter(
        question=comment, response__status=ResponseStatus.SUBMITTED
    ).first()
    before = {f.question.pk: f for f in selectors.results(generated, from_answers=True)[1]}
    pseudonymise_person(answer.response.person)
    assert not Answer.objects.filter(pk=answer.pk).exists()
    assert selectors.tallies_agree(generated)
    after = {f.question.pk: f for f in selectors.results(generated)[1]}
    assert after == {f.question.pk: f for f in selectors.results(generated, from_answers=True)[1]}
    assert after != before or before[comment.pk].answered.suppressed


def test_staff_entry_and_routing_count_what_was_kept():
    organisation = OrganisationFactory()
    survey = make_survey(organisation)
    first = make_question(survey)
    skipped = make_question(survey)
    last = make_question(survey, K.MULTIPLE_CHOICE)
    services.save_routes(first, {"Disagree": f"question:{last.pk}"})
    services.open_survey(survey)
    for n in range(6):
        services.enter_response(
            survey,
            {
                first.pk: "Disagree",
                skipped.pk: "Agree",
                last.pk: ["Agree", "Not sure"] if n < 5 else ["Agree"],
            },
            source=ResponseSource.PAPER,
            entered_by=None,
            entry_key=f"key-{n}",
        )
    # Sending the same form again changes nothing.
    services.enter_response(
        survey, {first.pk: "Agree"}, source=ResponseSource.PAPER, entered_by=None, entry_key="key-0"
    )
    total, figures = selectors.results(survey)
    by = {f.question.pk: f for f in figures}
    assert total.value == 6
    assert by[skipped.pk].answered.value == 0
    assert {row.label: row.cell.value for row in by[last.pk].rows} == {
        "Agree": 6,
        "Not sure": 5,
        "Disagree": 0,
    }
    assert (total, figures) == selectors.results(survey, from_answers=True)


# Cross-tabulation, against a plain recomputation -------------------------------------------------


def _expected(survey, question, by, filters=None):
    """The cross-tab worked out one response at a time from the records."""
    labels = {"source": dict(ResponseSource.choices)}
    sent = Response.objects.filter(survey=survey, status=ResponseStatus.SUBMITTED)
    if filters is not None:
        sent = sent.filter(
            pk__in=list(selectors.submitted(survey, filters).values_list("pk", flat=True))
        )
    choice_of = dict(
        Answer.objects.filter(question=question, response__in=sent).values_list(
            "response_id", "choice"
        )
    )
    tally: Counter[tuple[str, str]] = Counter()
    columns: list[str] = []
    for response in sent.select_related("person"):
        if response.pk not in choice_of:
            continue
        if by == "source":
            groups = [labels["source"][response.source]]
            columns = list(labels["source"].values())
        elif by == "area":
            groups = [response.area or selectors.NOT_ANSWERED]
        elif by == "community":
            groups = list(
                CommunityMembership.objects.filter(person=response.person).values_list(
                    "community__name", flat=True
                )
            )
        elif by.startswith("question:"):
            other = Answer.objects.filter(response=response, question_id=int(by[9:])).first()
            groups = [other.choice if other else ""]
        else:
            name = by.removeprefix("equality:")
            record = EqualityAnswers.objects.filter(person=response.person).first()
            agrees = Consent.objects.filter(
                person=response.person, purpose=ConsentPurpose.EQUALITY, withdrawn_at=None
            ).exists()
            value = getattr(record, name) if record and agrees else ""
            field = EqualityAnswers._meta.get_field(name)
            choices = dict(field.choices)
            columns = list(choices.values())
            groups = [choices[value]] if value in choices else []
        for group in groups:
            tally[(choice_of[response.pk], group)] += 1
    if by == "area" or by == "community":
        columns = sorted({group for _, group in tally})
    if by.startswith("question:"):
        columns = list(survey.questions.get(pk=int(by[9:])).options)
    counts = {
        option: {column: tally[(option, column)] for column in columns}
        for option in question.options
    }
    return Grid.of(suppress(counts))


def test_crosstabs_are_those_worked_out_one_response_at_a_time(generated):
    questions = {q.text: q for q in services.questions_in_order(generated)}
    # Someone who no longer agrees to equality monitoring is not counted by their answers.
    # (The answers are encrypted: the database cannot look for one.)
    withdrawn = next(r for r in EqualityAnswers.objects.all() if r.age_band == "25_34")
    Consent.objects.filter(person=withdrawn.person, purpose=ConsentPurpose.EQUALITY).update(
        withdrawn_at=datetime.datetime(2026, 3, 5, tzinfo=datetime.UTC)
    )
    for question in (questions["Overall"], questions["Agree"]):
        for by in (
            "source",
            "area",
            "community",
            "equality:age_band",
            f"question:{questions['Agree'].pk}",
            f"question:{questions['Overall'].pk}",
        ):
            found = selectors.crosstab(generated, question, by, "label").table
            assert found == _expected(generated, question, by), by
    # Filtered: by an answer (worked out from the answers), by source and dates (tallies).
    for filters, by in itertools.product(
        (
            Filters(question=questions["Used"], answer="Agree"),
            Filters(source=ResponseSource.ONLINE, submitted_from=DAYS[1]),
            Filters(submitted_to=DAYS[0]),
        ),
        ("source", "area", "community", "equality:age_band"),
    ):
        found = selectors.crosstab(generated, questions["Overall"], by, "x", filters).table
        assert found == _expected(generated, questions["Overall"], by, filters), filters


def test_queries_do_not_grow_with_responses(generated):
    question = generated.questions.get(text="Overall")
    breakdowns = ["equality:age_band", "community", "area", "source"]

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            selectors.results(generated)
            selectors.results(generated, Filters(source=ResponseSource.ONLINE))
            for by in breakdowns:
                selectors.crosstab(generated, question, by, "x")
        return len(queries)

    small = count_queries()
    person = make_person(generated.organisation)
    make_equality_answers(person, age_band="25_34")
    for _ in range(3):
        make_response(generated, {question: "Agree"}, source=ResponseSource.ONLINE)
    make_response(generated, {question: "Agree"}, person=person)
    assert count_queries() == small
