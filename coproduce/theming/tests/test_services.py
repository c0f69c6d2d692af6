"""The workflow against the database, with the real packaged model (loaded once per process)."""

import pytest
from django.core.exceptions import ValidationError

from coproduce.audit.models import AuditEvent
from coproduce.core.models import JobStatus
from coproduce.surveys.models import Answer, QuestionKind
from coproduce.surveys.tests.factories import make_question, make_response, make_survey
from coproduce.testing.factories import OrganisationFactory
from coproduce.theming import selectors, services
from coproduce.theming.models import AssignedBy, Theme, ThemeAssignment, ThemeExample

from .factories import SAID, answer_saying, make_open_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def question():
    return make_open_question(OrganisationFactory())


@pytest.fixture
def theme_set(question):
    return services.theme_set_for(question, None)


def tagged(theme_set, per_theme=2):
    themes = {}
    for label, texts in SAID.items():
        theme = services.save_theme(Theme(theme_set=theme_set, label=label))
        for text in texts[:per_theme]:
            services.tag_example(theme, answer_saying(theme_set.question, text), None)
        themes[label] = theme
    return themes


def test_only_open_questions_can_be_themed(question):
    choice = make_question(make_survey(question.organisation), QuestionKind.SINGLE_CHOICE)
    with pytest.raises(ValidationError, match="own words"):
        services.theme_set_for(choice, None)


def test_proposed_themes_group_the_answers_and_quote_them(theme_set):
    themes = services.propose_themes(theme_set, k=3)
    assert len(themes) == 3
    for theme in themes:
        quotes = list(theme.quotes.all())
        assert len(quotes) == 3 and theme.keywords
        topic = {next(k for k, v in SAID.items() if q.text.split(",")[0] in v) for q in quotes}
        assert len(topic) == 1  # a theme's quotes are about one thing
    # Proposing again replaces unused themes but keeps one with examples.
    services.tag_example(themes[0], themes[0].quotes.first(), None)
    services.propose_themes(theme_set, k=3)
    assert theme_set.themes.count() == 4 and Theme.objects.filter(pk=themes[0].pk).exists()


def test_curating_names_merges_and_deletes(theme_set):
    themes = tagged(theme_set)
    with pytest.raises(ValidationError) as error:
        services.save_theme(Theme(theme_set=theme_set, label="parking"))
    assert "label" in error.value.error_dict
    waiting = themes["Waiting"]
    waiting.label, waiting.description = "Waiting times", "Waiting to be seen or for a date"
    services.save_theme(waiting)
    merged = services.merge_themes(themes["Staff"], [waiting])
    assert merged.examples.count() == 4 and not Theme.objects.filter(pk=waiting.pk).exists()
    services.delete_theme(themes["Parking"])
    assert list(theme_set.themes.values_list("label", flat=True)) == ["Staff"]
    assert AuditEvent.objects.filter(model="theming.theme", action="delete").count() == 2


def test_classification_assigns_every_answer_and_reruns_only_what_changed(theme_set):
    themes = tagged(theme_set)
    count = services.classify(theme_set)
    assert count == 24
    given = ThemeAssignment.objects.filter(given=True)
    for label, texts in SAID.items():
        for text in texts:
            answer = answer_saying(theme_set.question, f"{text}, round 2")
            assert given.filter(answer=answer, theme=themes[label]).exists(), text
    assert services.classify(theme_set) == 0  # nothing changed

    changed = answer_saying(theme_set.question, "Lovely friendly nurses, round 2")
    changed.text = "No parking anywhere near"
    changed.save()
    make_response(theme_set.question.survey, {theme_set.question: "Kind and caring staff"})
    assert services.classify(theme_set) == 2


def test_corrections_stand_and_teach_the_next_run(theme_set):
    themes = tagged(theme_set, per_theme=1)
    services.classify(theme_set)
    queue = list(selectors.review_queue(theme_set))
    assert len(queue) == 24
    doubts = [answer.doubt for answer in queue]
    assert doubts == sorted(doubts, reverse=True)
    answer = queue[0]
    services.correct(theme_set, answer, [themes["Staff"], themes["Waiting"]])
    rows = ThemeAssignment.objects.filter(answer=answer)
    assert {r.theme_id for r in rows if r.given} == {themes["Staff"].pk, themes["Waiting"].pk}
    assert all(r.checked and r.assigned_by == AssignedBy.OFFICER for r in rows)
    assert answer not in selectors.review_queue(theme_set)
    # The correction changed what the classifier learns from: every answer is looked at again,
    # but the officer's decision is kept.
    assert services.classify(theme_set) == 24
    assert {r.theme_id for r in rows.filter(given=True)} == {
        themes["Staff"].pk,
        themes["Waiting"].pk,
    }


def test_classifying_needs_examples(theme_set):
    services.save_theme(Theme(theme_set=theme_set, label="Parking"))
    with pytest.raises(ValidationError, match="Tag at least one example"):
        services.classify(theme_set)


def test_an_example_must_answer_the_same_question(theme_set):
    theme = services.save_theme(Theme(theme_set=theme_set, label="Parking"))
    other = make_open_question(theme_set.organisation, repeat=1)
    with pytest.raises(ValidationError, match="different question"):
        services.tag_example(theme, Answer.objects.filter(question=other).first(), None)
    assert not ThemeExample.objects.exists()


def test_proposing_and_classifying_run_as_background_jobs(
    theme_set, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_proposing(theme_set, None, k=3)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.outcome
    assert job.outcome == "Proposed 3 themes. Check and name them." and job.done == job.total > 0
    with pytest.raises(ValidationError, match="Tag at least one example"):
        services.start_classifying(theme_set, None)
    theme = theme_set.themes.first()
    services.tag_example(theme, theme.quotes.first(), None)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_classifying(theme_set, None)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.outcome == "Assigned themes to 24 answers."
