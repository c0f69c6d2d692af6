"""The officers' pages, with the Django test client and the tests' small embedding."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from coproduce.accounts.models import Role
from coproduce.core.models import Job, JobStatus
from coproduce.surveys.models import QuestionKind
from coproduce.surveys.tests.factories import make_question, make_response, make_survey
from coproduce.testing.factories import OrganisationFactory, member
from coproduce.theming import services
from coproduce.theming.models import Theme, ThemeAssignment, ThemeExample, ThemeSet

from .factories import SAID, answer_saying, make_open_question

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_embedding")]


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def facilitator(organisation, client):
    user = member(organisation, Role.FACILITATOR)
    client.force_login(user)
    return user


@pytest.fixture
def question(organisation):
    return make_open_question(organisation)


@pytest.fixture
def theme_set(question):
    return services.theme_set_for(question, None)


def url(name, *args):
    return reverse(f"theming:{name}", args=[getattr(a, "pk", a) for a in args])


def tagged(theme_set, per_theme=2):
    themes = {}
    for label, texts in SAID.items():
        theme = services.save_theme(Theme(theme_set=theme_set, label=label))
        for text in texts[:per_theme]:
            services.tag_example(theme, answer_saying(theme_set.question, text), None)
        themes[label] = theme
    return themes


def page(response):
    assert response.status_code == 200
    return response.content.decode()


# Finding themes -------------------------------------------------------------------------------


def test_the_survey_results_link_to_theming_each_open_question(client, facilitator, question):
    results = page(client.get(reverse("surveys:results", args=[question.survey_id])))
    assert url("question", question) in results


def test_looking_at_a_question_starts_nothing(client, facilitator, question):
    html = page(client.get(url("question", question)))
    assert "24 comments in sent responses" in html and "There are no themes yet" in html
    assert not ThemeSet.objects.exists()


def test_a_question_answered_with_options_has_no_theming_pages(client, facilitator, question):
    choice = make_question(make_survey(question.organisation), QuestionKind.SINGLE_CHOICE)
    assert client.get(url("question", choice)).status_code == 404


def test_suggesting_themes_runs_in_the_background_and_shows_them(
    client, facilitator, question, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("propose", question), {"k": "3"})
    assert response.status_code == 302 and response["Location"] == url("progress", question)
    progress = page(client.get(url("progress", question)))
    assert "Proposed 3 themes. Check and name them." in progress and "Go to the themes" in progress
    job = ThemeSet.objects.get().job
    assert job.status == JobStatus.SUCCEEDED and job.created_by == facilitator
    overview = page(client.get(url("question", question)))
    themes = list(Theme.objects.all())
    assert len(themes) == 3
    for theme in themes:
        assert theme.label in overview and ", ".join(theme.keywords) in overview
        detail = page(client.get(url("theme", theme)))
        assert all(quote.text in detail for quote in theme.quotes.all())


def test_progress_polls_with_htmx_until_the_job_is_done(client, facilitator, theme_set):
    services.start_proposing(theme_set, facilitator)  # not run: nothing commits in a test
    fragment = page(client.get(url("progress", theme_set.question), HTTP_HX_REQUEST="true"))
    assert fragment.startswith('<div id="theming-progress" hx-get=') and "<html" not in fragment
    assert "Waiting to start" in page(client.get(url("question", theme_set.question)))
    Job.objects.update(status=JobStatus.SUCCEEDED, outcome="Proposed 3 themes.")
    fragment = page(client.get(url("progress", theme_set.question), HTTP_HX_REQUEST="true"))
    assert "hx-get" not in fragment and "Proposed 3 themes." in fragment


def test_a_bad_number_of_themes_says_what_to_enter_and_keeps_it(client, facilitator, question):
    html = page(client.post(url("propose", question), {"k": "lots"}))
    assert "Enter a whole number from 2 to 40, or leave it blank." in html
    assert 'value="lots"' in html and not Job.objects.exists()
    html = page(client.post(url("propose", question), {"k": "41"}))
    assert "Enter a number from 2 to 40" in html


def test_suggesting_again_warns_which_themes_are_replaced(client, facilitator, theme_set):
    tagged(theme_set, per_theme=1)
    services.save_theme(Theme(theme_set=theme_set, label="Unused"))
    html = page(client.get(url("propose", theme_set.question)))
    assert "The 1 theme with no examples tagged will be replaced" in html
    assert "The 3 themes with examples will stay" in html


def test_a_second_job_is_refused_while_one_runs(client, facilitator, theme_set):
    services.start_proposing(theme_set, facilitator)
    html = page(client.post(url("propose", theme_set.question), {"k": ""}))
    assert "Finding themes is already running for this question. Wait for it to finish" in html
    assert Job.objects.count() == 1


# Curating ---------------------------------------------------------------------------------------


def test_adding_a_theme_keeps_what_was_typed_when_the_name_is_missing_or_taken(
    client, facilitator, theme_set
):
    tagged(theme_set)
    html = page(
        client.post(url("theme-create", theme_set.question), {"label": "", "description": "Buses"})
    )
    assert "Enter a name for the theme." in html and "Buses</textarea>" in html
    html = page(
        client.post(
            url("theme-create", theme_set.question), {"label": "parking", "description": "Cars"}
        )
    )
    assert "Another theme has this name" in html and 'value="parking"' in html
    response = client.post(
        url("theme-create", theme_set.question), {"label": "Transport", "description": "Buses"}
    )
    theme = Theme.objects.get(label="Transport")
    assert response["Location"] == url("examples", theme) and theme.description == "Buses"


def test_the_first_theme_added_by_hand_starts_the_question_s_themes(client, facilitator, question):
    client.post(url("theme-create", question), {"label": "Transport"})
    assert ThemeSet.objects.get().question == question
    assert Theme.objects.get().organisation == question.organisation


def test_renaming_and_describing(client, facilitator, theme_set):
    theme = tagged(theme_set)["Waiting"]
    html = page(client.post(url("theme-edit", theme), {"label": "Staff", "description": "Long"}))
    assert "Another theme has this name" in html and "Long</textarea>" in html
    client.post(url("theme-edit", theme), {"label": "Waiting times", "description": "Delays"})
    theme.refresh_from_db()
    assert (theme.label, theme.description) == ("Waiting times", "Delays")


def test_merging(client, facilitator, theme_set):
    themes = tagged(theme_set)
    html = page(client.post(url("theme-merge", themes["Staff"]), {}))
    assert "Choose at least one other theme to merge into it." in html
    client.post(url("theme-merge", themes["Staff"]), {"others": [themes["Waiting"].pk]})
    assert themes["Staff"].examples.count() == 4
    assert not Theme.objects.filter(pk=themes["Waiting"].pk).exists()


def test_splitting_keeps_what_was_typed_on_an_error(client, facilitator, theme_set):
    theme = services.save_theme(Theme(theme_set=theme_set, label="Mixed"))
    for text in SAID["Parking"][:2] + SAID["Staff"][:2]:
        services.tag_example(theme, answer_saying(theme_set.question, text), None)
    staff = [answer_saying(theme_set.question, text) for text in SAID["Staff"][:2]]
    html = page(client.post(url("theme-split", theme), {"label": "Staff", "description": "Kind"}))
    assert "Choose at least one comment for the new theme." in html
    assert 'value="Staff"' in html and "Kind</textarea>" in html
    response = client.post(
        url("theme-split", theme), {"label": "Staff", "answers": [a.pk for a in staff]}
    )
    new = Theme.objects.get(label="Staff")
    assert response["Location"] == url("theme", new)
    assert set(new.examples.values_list("answer_id", flat=True)) == {a.pk for a in staff}
    assert theme.examples.count() == 2


def test_a_theme_with_nothing_to_split_says_what_to_do(client, facilitator, theme_set):
    theme = services.save_theme(Theme(theme_set=theme_set, label="Empty"))
    assert "Tag some examples</a> first" in page(client.get(url("theme-split", theme)))


def test_deleting_asks_first(client, facilitator, theme_set):
    theme = tagged(theme_set)["Parking"]
    html = page(client.get(url("theme-delete", theme)))
    assert "Its 2 tagged examples will be removed too." in html
    response = client.post(url("theme-delete", theme))
    assert response["Location"] == url("question", theme_set.question)
    assert not Theme.objects.filter(pk=theme.pk).exists()


# Tagging examples -------------------------------------------------------------------------------


def test_searching_and_tagging_examples_without_javascript(client, facilitator, theme_set):
    theme = services.save_theme(Theme(theme_set=theme_set, label="Parking"))
    html = page(client.get(url("examples", theme), {"words": "car park"}))
    assert "4 comments containing “car park”" in html
    answer = answer_saying(theme_set.question, "The car park was full again")
    back = f"{url('examples', theme)}?words=car+park"
    response = client.post(
        url("examples", theme), {"answer": answer.pk, "action": "tag", "next": back}
    )
    assert response["Location"] == back
    assert ThemeExample.objects.get().answer == answer
    html = page(client.get(back))
    assert html.index("The car park was full again") < html.index("nowhere to park")
    assert "Remove the tag" in html
    client.post(url("examples", theme), {"answer": answer.pk, "action": "untag"})
    assert not ThemeExample.objects.exists()


def test_tagging_with_htmx_changes_only_the_comment_s_row(client, facilitator, theme_set):
    theme = services.save_theme(Theme(theme_set=theme_set, label="Parking"))
    answer = answer_saying(theme_set.question, "The car park was full again")
    row = page(
        client.post(
            url("examples", theme),
            {"answer": answer.pk, "action": "tag", "next": url("examples", theme)},
            HTTP_HX_REQUEST="true",
        )
    )
    assert row.startswith(f'<li class="govuk-!-margin-bottom-6" id="answer-{answer.pk}">')
    assert "Remove the tag" in row and "Tagged as an example of Parking." in row


def test_only_an_answer_to_the_question_can_be_tagged(client, facilitator, theme_set):
    theme = services.save_theme(Theme(theme_set=theme_set, label="Parking"))
    other = make_open_question(theme_set.organisation, repeat=1).answers.first()
    for answer in (other.pk, "x", ""):
        response = client.post(url("examples", theme), {"answer": answer, "action": "tag"})
        assert response.status_code == 404
    assert not ThemeExample.objects.exists()


# Assigning and checking -------------------------------------------------------------------------


def test_assigning_needs_examples_and_says_so(client, facilitator, theme_set):
    services.save_theme(Theme(theme_set=theme_set, label="Parking"))
    response = client.post(url("classify", theme_set.question), follow=True)
    assert "Tag at least one example answer for a theme first." in page(response)
    assert not Job.objects.exists()


def test_assigning_checking_and_learning_from_the_checks(
    client, facilitator, theme_set, django_capture_on_commit_callbacks
):
    themes = tagged(theme_set, per_theme=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("classify", theme_set.question))
    assert response["Location"] == url("progress", theme_set.question)
    assert "Assigned themes to 24 answers." in page(client.get(url("progress", theme_set.question)))
    queue = page(client.get(url("queue", theme_set.question)))
    assert "24 comments not checked yet, least certain first" in queue
    answer = answer_saying(theme_set.question, "Staff were helpful and patient")
    prefix = f"answer-{answer.pk}"
    back = url("queue", theme_set.question) + "?page=1"
    response = client.post(
        url("correct", theme_set.question, answer),
        {f"{prefix}-themes": [themes["Staff"].pk, themes["Waiting"].pk], "next": back},
    )
    assert response["Location"] == back
    given = ThemeAssignment.objects.filter(answer=answer, given=True, checked=True)
    assert {row.theme_id for row in given} == {themes["Staff"].pk, themes["Waiting"].pk}
    assert "23 comments not checked yet" in page(client.get(back))
    # A bad choice changes nothing and says what to do.
    other = answer_saying(theme_set.question, "Lovely friendly nurses")
    response = client.post(
        url("correct", theme_set.question, other), {f"answer-{other.pk}-themes": ["999999"]}
    )
    assert "Choose themes from the list" in page(client.get(response["Location"]))
    assert not ThemeAssignment.objects.filter(answer=other, checked=True).exists()
    # Assigning again learns from the check, and keeps it.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("classify", theme_set.question))
    assert {row.theme_id for row in given.all()} == {themes["Staff"].pk, themes["Waiting"].pk}


# Results ----------------------------------------------------------------------------------------


@pytest.fixture
def classified(theme_set):
    themes = tagged(theme_set)
    services.classify(theme_set)
    return themes


def test_results_show_the_same_figures_in_the_chart_and_the_table(
    client, facilitator, theme_set, classified
):
    html = page(client.get(url("results", theme_set.question)))
    for theme in classified.values():
        count = ThemeAssignment.objects.filter(theme=theme, given=True).count()
        percent = f"{100 * count / 24:.1f}".rstrip("0").rstrip(".")
        assert f"{percent}% ({count})" in html  # the chart
        assert f'numeric">{count}</td>' in html and f'numeric">{percent}%</td>' in html
        assert f"Read all {count} comments about {theme.label}" in html


def test_comments_filtered_by_theme_and_words(client, facilitator, theme_set, classified):
    parking = classified["Parking"]
    html = page(client.get(url("comments", theme_set.question), {"theme": parking.pk}))
    given = ThemeAssignment.objects.filter(theme=parking, given=True).count()
    assert f"{given} comments match" in html and "Comments about “Parking”" in html
    assert "There was nowhere to park the car" in html
    html = page(
        client.get(url("comments", theme_set.question), {"theme": parking.pk, "words": "full"})
    )
    assert "2 comments match" in html
    html = page(client.get(url("comments", theme_set.question), {"theme": "nonsense"}))
    assert "Choose a theme from the list." in html


def test_exports_give_every_comment_its_themes_and_scores(
    client, facilitator, theme_set, classified
):
    make_response(theme_set.question.survey, {theme_set.question: "Not classified yet"})
    response = client.get(url("export-csv", theme_set.question))
    assert response["Content-Type"] == "text/csv; charset=utf-8" and response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    labels = ["Parking", "Staff", "Waiting"]
    assert rows[0] == ["Response", "Answer", "Comment", *labels, *(f"Score: {t}" for t in labels)]
    assert len(rows) == 26
    by_text = {row[2]: row for row in rows[1:]}
    assert by_text["The car park was full again"][3:6] == ["1", "0", "0"]
    assert by_text["Not classified yet"][3:] == ["0", "0", "0", "", "", ""]
    workbook = load_workbook(
        io.BytesIO(b"".join(client.get(url("export-xlsx", theme_set.question))))
    )
    sheet = list(workbook.active.values)
    assert list(sheet[0]) == rows[0] and len(sheet) == 26


# Bounded queries --------------------------------------------------------------------------------


def grow(theme_set, times):
    for number in range(times):
        for texts in SAID.values():
            for text in texts:
                make_response(theme_set.question.survey, {theme_set.question: f"{text} ({number})"})


@pytest.mark.parametrize("name", ["question", "queue", "results", "comments"])
def test_pages_read_a_fixed_number_of_queries_whatever_the_size(
    client, facilitator, theme_set, classified, django_assert_max_num_queries, name
):
    def visit():
        with django_assert_max_num_queries(16) as captured:
            page(client.get(url(name, theme_set.question)))
        return len(captured)

    small = visit()
    grow(theme_set, 3)
    for label in ("Transport", "Buses", "Cost"):
        theme = services.save_theme(Theme(theme_set=theme_set, label=label))
        services.tag_example(theme, theme_set.question.answers.last(), None)
    services.classify(theme_set)
    assert visit() == small


@pytest.mark.parametrize("name", ["theme", "examples"])
def test_theme_pages_read_a_fixed_number_of_queries_whatever_the_size(
    client, facilitator, theme_set, classified, django_assert_max_num_queries, name
):
    theme = classified["Staff"]

    def visit():
        with django_assert_max_num_queries(16) as captured:
            page(client.get(url(name, theme)))
        return len(captured)

    small = visit()
    grow(theme_set, 3)
    for answer in theme_set.question.answers.filter(text__icontains="staff"):
        services.tag_example(theme, answer, None)
    assert visit() == small
