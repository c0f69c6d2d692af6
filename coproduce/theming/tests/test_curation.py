"""Services behind the officers' pages: splitting a theme, one job at a time, and re-runs
that notice a changed example. With the tests' small embedding, not the real model."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.core.models import Job, JobStatus
from coproduce.testing.factories import OrganisationFactory
from coproduce.theming import services
from coproduce.theming.models import Theme, ThemeExample

from .factories import SAID, answer_saying, make_open_question

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_embedding")]


@pytest.fixture
def theme_set():
    return services.theme_set_for(make_open_question(OrganisationFactory()), None)


def a_theme_of_everything(theme_set):
    """One theme whose examples mix parking and staff: one to split."""
    theme = services.save_theme(Theme(theme_set=theme_set, label="Getting there and staff"))
    for text in SAID["Parking"] + SAID["Staff"]:
        services.tag_example(theme, answer_saying(theme_set.question, text), None)
    return theme


def test_splitting_moves_the_chosen_comments_to_a_new_theme(theme_set):
    theme = a_theme_of_everything(theme_set)
    staff = [answer_saying(theme_set.question, text) for text in SAID["Staff"]]
    theme.quotes.add(staff[0], answer_saying(theme_set.question, SAID["Parking"][0]))
    new = services.split_theme(theme, "Staff", staff, None, description="How staff treated us")
    assert new.label == "Staff" and new.description == "How staff treated us"
    assert set(new.examples.values_list("answer_id", flat=True)) == {a.pk for a in staff}
    assert set(theme.examples.values_list("answer__text", flat=True)) == set(SAID["Parking"])
    assert list(new.quotes.all()) == [staff[0]]
    assert staff[0] not in theme.quotes.all() and theme.quotes.count() == 1
    theme.refresh_from_db()
    assert "staff" not in " ".join(theme.keywords) and "car" in " ".join(theme.keywords)
    assert "staff" in " ".join(new.keywords)
    moved = AuditEvent.objects.filter(model="theming.themeexample", action="delete").count()
    assert moved == len(staff)


def test_a_split_must_move_some_but_not_all_of_its_own_comments(theme_set):
    theme = a_theme_of_everything(theme_set)
    everything = [answer_saying(theme_set.question, t) for t in SAID["Parking"] + SAID["Staff"]]
    waiting = answer_saying(theme_set.question, SAID["Waiting"][0])
    for moving, reason in [
        ([], "Choose at least one comment"),
        ([waiting], "Only this theme's examples and quotes"),
        (everything, "Leave at least one comment"),
    ]:
        with pytest.raises(ValidationError, match=reason) as error:
            services.split_theme(theme, "New", moving, None)
        assert "answers" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.split_theme(theme, "getting there and STAFF", everything[:1], None)
    assert "label" in error.value.error_dict
    assert theme_set.themes.count() == 1 and theme.examples.count() == len(everything)


def test_only_one_job_runs_at_a_time_for_a_question(theme_set):
    job = services.start_proposing(theme_set, None, k=3)  # not run: no commit in a test
    theme_set.refresh_from_db()
    assert theme_set.job == job and job.status == JobStatus.QUEUED
    with pytest.raises(ValidationError, match="Finding themes is already running"):
        services.start_proposing(theme_set, None)
    # A job that died without finishing blocks nothing once it is long past.
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=7))
    assert services.start_proposing(theme_set, None).pk != job.pk
    Job.objects.update(status=JobStatus.SUCCEEDED)
    services.tag_example(
        services.save_theme(Theme(theme_set=theme_set, label="Parking")),
        answer_saying(theme_set.question, SAID["Parking"][0]),
        None,
    )
    assert services.start_classifying(theme_set, None).title == "Assigning themes"


def test_too_few_different_answers_are_refused_before_a_job_starts():
    question = make_open_question(OrganisationFactory(), repeat=0)
    theme_set = services.theme_set_for(question, None)
    with pytest.raises(ValidationError, match="too few different answers"):
        services.start_proposing(theme_set, None)
    assert not Job.objects.exists()


def test_a_changed_example_makes_the_next_run_learn_again(theme_set):
    for label, texts in SAID.items():
        theme = services.save_theme(Theme(theme_set=theme_set, label=label))
        for text in texts[:2]:
            services.tag_example(theme, answer_saying(theme_set.question, text), None)
    assert services.classify(theme_set) == 24
    assert services.classify(theme_set) == 0
    example = ThemeExample.objects.filter(theme__label="Staff").first().answer
    example.text = "The staff were kind, caring and patient"
    example.save()
    # The classifier would learn from different words, so every answer is looked at again.
    assert services.classify(theme_set) == 24
    assert services.classify(theme_set) == 0
