import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from coproduce.accounts.models import Role
from coproduce.surveys import services
from coproduce.surveys.models import (
    Answer,
    Question,
    QuestionKind,
    Response,
    ResponseSource,
    ResponseStatus,
    Survey,
    SurveyStatus,
)
from coproduce.testing.factories import (
    OrganisationFactory,
    make_equality_answers,
    make_person,
    member,
)

from .factories import make_question, make_response, make_survey

K = QuestionKind
pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def facilitator(organisation, client):
    user = member(organisation, Role.FACILITATOR)
    client.force_login(user)
    return user


@pytest.fixture
def survey(organisation):
    survey = make_survey(organisation)
    make_question(survey, K.SINGLE_CHOICE, text="Do you care for someone?", required=True)
    make_question(survey, K.LONG_TEXT, text="What would help you most?")
    services.open_survey(survey)
    return survey


# Builder ------------------------------------------------------------------------------------


def test_create_from_a_template_keeps_typed_values_on_error(client, facilitator, organisation):
    url = reverse("surveys:create")
    response = client.post(url, {"title": "", "introduction": "Why we ask", "anonymous": "on"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a title for the survey." in page and "Why we ask" in page
    response = client.post(
        url,
        {"title": "Panel experience", "template": "participant_experience", "anonymous": "on"},
    )
    survey = Survey.objects.get()
    assert response.status_code == 302
    assert survey.title == "Panel experience" and survey.template_key == "participant_experience"
    assert survey.questions.count() >= 8


def test_add_a_question_of_each_kind_and_see_it_on_the_survey(client, facilitator, organisation):
    survey = make_survey(organisation)
    url = reverse("surveys:question-create", args=[survey.pk])
    response = client.post(
        url, {"kind": K.SINGLE_CHOICE, "text": "Pick one", "options_text": "Yes"}
    )
    assert response.status_code == 200
    assert "Give at least 2 answers to choose from" in response.content.decode()
    assert "Pick one" in response.content.decode()
    for kind in K.values:
        data = {"kind": kind, "text": f"A {kind} question", "options_text": "Yes\nNo"}
        data["rows_text"] = "Row one"
        assert client.post(url, data).status_code == 302, kind
    page = client.get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert all(f"A {kind} question" in page for kind in K.values)


def test_routing_page_saves_forward_routes(client, facilitator, organisation):
    survey = make_survey(organisation)
    first = make_question(survey, text="First")
    make_question(survey, K.TEXT, text="Second")
    third = make_question(survey, K.TEXT, text="Third")
    url = reverse("surveys:question-routes", args=[first.pk])
    assert "The end of the survey" in client.get(url).content.decode()
    response = client.post(url, {"route_0": f"question:{third.pk}", "route_2": "end"})
    assert response.status_code == 302
    assert dict(first.routes.values_list("option", "to_question_id")) == {
        "Agree": third.pk,
        "Disagree": None,
    }


def test_open_and_close(client, facilitator, organisation):
    survey = make_survey(organisation)
    response = client.post(reverse("surveys:open", args=[survey.pk]), follow=True)
    assert "Add at least one question" in response.content.decode()
    make_question(survey)
    client.post(reverse("surveys:open", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN
    client.post(reverse("surveys:close", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED


def test_list_is_paginated_with_few_queries(
    client, facilitator, organisation, django_assert_max_num_queries
):
    for n in range(30):
        make_survey(organisation, title=f"Survey {n}")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("surveys:list")).content.decode()
    assert "Page 1 of 2" in page


def test_detail_queries_do_not_grow_with_questions(
    client, facilitator, organisation, django_assert_max_num_queries
):
    survey = make_survey(organisation)
    for n in range(15):
        question = make_question(survey, text=f"Q{n}")
        if n == 0:
            first = question
    services.save_routes(first, {"Agree": "end"})
    with django_assert_max_num_queries(16):
        client.get(reverse("surveys:detail", args=[survey.pk]))


# Answering --------------------------------------------------------------------------------------


def _start(client, survey):
    response = client.post(reverse("surveys:start", args=[survey.pk]))
    assert response.status_code == 302
    return Response.objects.latest("pk")


def test_answer_one_question_per_page_then_send_once(client, survey):
    first, second = services.questions_in_order(survey)
    start_page = client.get(reverse("surveys:start", args=[survey.pk])).content.decode()
    assert "There are 2 questions" in start_page
    response_obj = _start(client, survey)
    token = response_obj.resume_token
    resumed = client.get(reverse("surveys:resume", args=[token]))
    assert resumed["Location"] == reverse("surveys:question", args=[token, first.pk])
    page = client.get(resumed["Location"]).content.decode()
    assert '<h1 class="govuk-fieldset__heading">' in page and first.text in page
    # Nothing chosen on a required question: the page says what to do.
    error = client.post(resumed["Location"], {})
    assert error.status_code == 200 and "Choose an answer." in error.content.decode()
    moved = client.post(resumed["Location"], {"answer": "Agree"})
    assert moved["Location"] == reverse("surveys:question", args=[token, second.pk])
    done = client.post(moved["Location"], {"answer": "More breaks, please"})
    assert done["Location"] == reverse("surveys:check", args=[token])
    check = client.get(done["Location"]).content.decode()
    assert "More breaks, please" in check and "Agree" in check
    # A double click: both posts end on the sent page, with one response sent.
    for _ in range(2):
        sent = client.post(reverse("surveys:check", args=[token]))
        assert sent["Location"] == reverse("surveys:sent", args=[token])
    assert Response.objects.filter(status=ResponseStatus.SUBMITTED).count() == 1
    assert client.get(reverse("surveys:question", args=[token, first.pk]))["Location"] == (
        reverse("surveys:sent", args=[token])
    )


def test_a_wrong_answer_re_renders_with_what_was_typed(client, organisation):
    survey = make_survey(organisation)
    number = make_question(survey, K.NUMBER, text="How many hours?", max_value=168)
    services.open_survey(survey)
    token = _start(client, survey).resume_token
    url = reverse("surveys:question", args=[token, number.pk])
    page = client.post(url, {"answer": "200"}).content.decode()
    assert "Enter a number of 168 or less." in page
    assert 'value="200"' in page
    page = client.post(url, {"answer": "lots"}).content.decode()
    assert "Enter a number, like 12." in page and 'value="lots"' in page
    assert not Answer.objects.exists()


def test_routing_skips_questions_in_the_flow(client, organisation):
    survey = make_survey(organisation)
    first = make_question(survey, text="First")
    make_question(survey, K.TEXT, text="Skipped")
    last = make_question(survey, K.TEXT, text="Last")
    services.save_routes(first, {"Agree": f"question:{last.pk}"})
    services.open_survey(survey)
    token = _start(client, survey).resume_token
    moved = client.post(reverse("surveys:question", args=[token, first.pk]), {"answer": "Agree"})
    assert moved["Location"] == reverse("surveys:question", args=[token, last.pk])


def test_another_token_is_not_found(client, survey):
    _start(client, survey)
    question = survey.questions.first()
    assert client.get(reverse("surveys:resume", args=["made-up"])).status_code == 404
    assert client.get(reverse("surveys:question", args=["made-up", question.pk])).status_code == 404
    assert client.get(reverse("surveys:check", args=["made-up"])).status_code == 404


def test_a_question_of_another_survey_is_not_found(client, survey, organisation):
    other = make_survey(organisation)
    question = make_question(other)
    token = _start(client, survey).resume_token
    assert client.get(reverse("surveys:question", args=[token, question.pk])).status_code == 404


def test_easy_read_wording_is_shown_when_chosen(client, organisation):
    survey = make_survey(organisation, easy_read=True)
    question = make_question(
        survey, text="How satisfied are you overall?", easy_read_text="Do you like it?"
    )
    services.open_survey(survey)
    token = _start(client, survey).resume_token
    url = reverse("surveys:question", args=[token, question.pk])
    assert "How satisfied are you overall?" in client.get(url).content.decode()
    page = client.get(url + "?easy_read=1").content.decode()
    assert "Do you like it?" in page and "Show the standard version" in page
    # The choice sticks for the rest of the response.
    assert "Do you like it?" in client.get(url).content.decode()


def test_save_and_come_back_later(client, survey, mailoutbox):
    first = services.questions_in_order(survey)[0]
    token = _start(client, survey).resume_token
    response = client.post(
        reverse("surveys:question", args=[token, first.pk]), {"answer": "Agree", "save_later": "1"}
    )
    assert response["Location"] == reverse("surveys:save", args=[token])
    page = client.get(response["Location"]).content.decode()
    assert f"/s/r/{token}/" in page
    bad = client.post(reverse("surveys:save", args=[token]), {"email": "nope"})
    assert "Enter an email address in the right format" in bad.content.decode()
    client.post(reverse("surveys:save", args=[token]), {"email": "me@example.org"})
    assert f"/s/r/{token}/" in mailoutbox[-1].body
    # Coming back opens the first unanswered question.
    second = services.questions_in_order(survey)[1]
    resumed = client.get(reverse("surveys:resume", args=[token]))
    assert resumed["Location"] == reverse("surveys:question", args=[token, second.pk])
    assert Answer.objects.get().choice == "Agree"


def test_draft_and_closed_surveys(client, organisation, survey):
    draft = make_survey(organisation)
    assert client.get(reverse("surveys:start", args=[draft.pk])).status_code == 404
    token = _start(client, survey).resume_token
    services.close_survey(survey)
    page = client.get(reverse("surveys:resume", args=[token])).content.decode()
    assert "This survey has closed" in page


def test_identified_surveys_need_a_personal_link(client, organisation):
    survey = make_survey(organisation, anonymous=False)
    make_question(survey)
    services.open_survey(survey)
    assert (
        "Use the personal link"
        in client.get(reverse("surveys:start", args=[survey.pk])).content.decode()
    )
    client.post(reverse("surveys:start", args=[survey.pk]))
    assert not Response.objects.exists()


def test_file_question_upload(client, organisation, settings, tmp_path, facilitator):
    settings.VAR_DIR = tmp_path
    survey = make_survey(organisation)
    question = make_question(survey, K.FILE, text="Upload a photo of the venue")
    services.open_survey(survey)
    token = _start(client, survey).resume_token
    url = reverse("surveys:question", args=[token, question.pk])
    assert 'enctype="multipart/form-data"' in client.get(url).content.decode()
    bad = client.post(url, {"answer": SimpleUploadedFile("x.exe", b"MZ")})
    assert "The file must be a PDF" in bad.content.decode()
    client.post(url, {"answer": SimpleUploadedFile("venue.png", b"\x89PNG\r\n\x1a\nrest")})
    answer = Answer.objects.get()
    download = client.get(reverse("surveys:answer-file", args=[answer.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")


# Staff entry ------------------------------------------------------------------------------------


def test_staff_enter_a_paper_response_twice_posts_once(client, facilitator, survey):
    first, second = services.questions_in_order(survey)
    url = reverse("surveys:enter", args=[survey.pk])
    page = client.get(url).content.decode()
    assert 'name="entry_key"' in page
    key = services.new_entry_key()
    data = {
        "source": ResponseSource.PAPER,
        "entry_key": key,
        "area": "AB1 2CD",
        f"q{first.pk}": "Disagree",
        f"q{second.pk}": "Written on paper",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    response = Response.objects.get()
    assert response.source == ResponseSource.PAPER and response.entered_by == facilitator
    assert response.area == "AB1" and response.is_submitted
    bad = client.post(url, {**data, "entry_key": "other", f"q{first.pk}": "Nope"})
    assert bad.status_code == 200 and "Written on paper" in bad.content.decode()


def test_assisted_mode_records_the_participant_as_the_respondent(client, organisation):
    from coproduce.accounts.middleware import ASSISTED_PARTICIPANT

    survey = make_survey(organisation, anonymous=False)
    question = make_question(survey)
    services.open_survey(survey)
    participant = member(organisation, Role.PARTICIPANT)
    person = make_person(organisation, user=participant)
    client.force_login(member(organisation, Role.FACILITATOR))
    session = client.session
    session[ASSISTED_PARTICIPANT] = participant.pk
    session.save()
    url = reverse("surveys:enter", args=[survey.pk])
    assert person.display_name in client.get(url).content.decode()
    client.post(url, {"source": ResponseSource.PHONE, "entry_key": "k", f"q{question.pk}": "Agree"})
    assert Response.objects.get().person == person


# Results ------------------------------------------------------------------------------------------


def _answered(survey, counts):
    question = survey.questions.get(kind=K.SINGLE_CHOICE)
    for option, n in counts.items():
        for _ in range(n):
            make_response(survey, {question: option})
    return question


def test_results_show_counts_and_suppress_small_numbers(
    client, facilitator, survey, django_assert_max_num_queries
):
    _answered(survey, {"Agree": 12, "Not sure": 2, "Disagree": 6})
    with django_assert_max_num_queries(20):
        response = client.get(reverse("surveys:results", args=[survey.pk]))
    page = response.content.decode()
    assert "20 responses sent" in page
    # 2 is hidden, and so is the next smallest (6) so that 2 cannot be worked out from 20.
    assert ">12<" in page
    assert ">2<" not in page and ">6<" not in page
    assert page.count("Hidden") >= 4  # chart and table, for both cells
    assert "60%" in page  # 12 of 20


def test_results_query_count_does_not_grow_with_questions(
    client, facilitator, organisation, django_assert_max_num_queries
):
    survey = make_survey(organisation)
    questions = [make_question(survey, kind) for kind in K.values if kind != K.FILE]
    services.open_survey(survey)
    for _ in range(6):
        make_response(survey, {questions[0]: "Agree", questions[1]: "Agree"})
    with django_assert_max_num_queries(20):
        assert client.get(reverse("surveys:results", args=[survey.pk])).status_code == 200


def test_results_filters(client, facilitator, survey):
    _answered(survey, {"Agree": 6, "Disagree": 7})
    question = survey.questions.get(kind=K.SINGLE_CHOICE)
    url = reverse("surveys:results", args=[survey.pk])
    page = client.get(url, {"answer": f"{question.pk}:Disagree"}).content.decode()
    assert "7 responses match the filters" in page
    page = client.get(url, {"source": "paper"}).content.decode()
    assert "0 responses match the filters" in page
    page = client.get(url, {"submitted_from": "2030-01-02", "submitted_to": "2030-01-01"})
    assert "The end date must be the same as or after the start date." in page.content.decode()


def test_crosstab_by_area_suppresses_and_equality_needs_permission(client, organisation, survey):
    question = survey.questions.get(kind=K.SINGLE_CHOICE)
    for area, option, n in [("AB1", "Agree", 8), ("AB1", "Disagree", 6), ("CD2", "Agree", 3)]:
        for _ in range(n):
            make_response(survey, {question: option}, area=area)
    decision_maker = member(organisation, Role.DECISION_MAKER)
    client.force_login(decision_maker)
    url = reverse("surveys:crosstab", args=[survey.pk])
    page = client.get(url, {"question": question.pk, "by": "area"}).content.decode()
    assert "AB1" in page and "CD2" in page
    assert ">3<" not in page and "Hidden" in page
    assert "equality:" not in client.get(url).content.decode()  # anonymous survey anyway


def test_crosstab_by_equality_answers_only_with_the_permission(client, organisation):
    survey = make_survey(organisation, anonymous=False)
    question = make_question(survey)
    services.open_survey(survey)
    for n in range(6):
        person = make_person(organisation)
        make_equality_answers(person, age_band="25_34" if n < 5 else "35_44")
        make_response(survey, {question: "Agree"}, person=person)
    url = reverse("surveys:crosstab", args=[survey.pk])
    client.force_login(member(organisation, Role.COMMISSIONER))
    assert "equality:age_band" not in client.get(url).content.decode()
    refused = client.get(url, {"question": question.pk, "by": "equality:age_band"})
    assert "Select a valid choice" in refused.content.decode()
    assert "25 to 34" not in refused.content.decode()
    allowed = member(organisation, Role.COMMISSIONER)
    allowed.memberships.update(equality_data_access=True)
    client.force_login(allowed)
    page = client.get(url, {"question": question.pk, "by": "equality:age_band"}).content.decode()
    # 5 people aged 25 to 34 are shown; the 1 aged 35 to 44 is hidden, with its complement.
    assert "25 to 34" in page and "Hidden" in page and ">1<" not in page


def test_crosstab_by_community(client, organisation):
    from coproduce.testing.factories import CommunityFactory

    community = CommunityFactory(organisation=organisation, name="Parent carers")
    survey = make_survey(organisation, anonymous=False)
    question = make_question(survey)
    services.open_survey(survey)
    for _ in range(5):
        person = make_person(organisation, communities=[community])
        make_response(survey, {question: "Agree"}, person=person)
    client.force_login(member(organisation, Role.COMMISSIONER))
    page = client.get(
        reverse("surveys:crosstab", args=[survey.pk]), {"question": question.pk, "by": "community"}
    ).content.decode()
    assert "Parent carers" in page and ">5<" in page


def test_comments_page_lists_free_text(client, facilitator, survey):
    question = survey.questions.get(kind=K.LONG_TEXT)
    first = survey.questions.get(kind=K.SINGLE_CHOICE)
    make_response(survey, {first: "Agree", question: "More evening sessions"})
    page = client.get(reverse("surveys:comments", args=[question.pk])).content.decode()
    assert "More evening sessions" in page


def test_exports_have_a_row_per_response_and_no_personal_details(client, facilitator, organisation):
    survey = make_survey(organisation, anonymous=False)
    choice = make_question(survey, text="Overall")
    grid = make_question(survey, K.MATRIX, text="Rate")
    services.open_survey(survey)
    person = make_person(organisation, name="Zara Secretname")
    make_equality_answers(person, age_band="25_34")
    make_response(survey, {choice: "Agree", grid: {"Staff": "Disagree"}}, person=person)
    make_response(survey, {choice: "Not sure"})
    make_response(survey, {choice: "Agree"}, submit=False)
    response = client.get(reverse("surveys:export-csv", args=[survey.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "Response",
        "How given",
        "Sent",
        "Area",
        "Overall",
        "Rate: Staff",
        "Rate: Venue",
    ]
    assert len(rows) == 3
    assert [row[4] for row in rows[1:]] == ["Agree", "Not sure"]
    assert rows[1][5] == "Disagree"
    assert "Secretname" not in text and "25" not in "".join(r[4] for r in rows[1:])
    xlsx = client.get(reverse("surveys:export-xlsx", args=[survey.pk]))
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)), read_only=True)
    values = list(book.active.iter_rows(values_only=True))
    assert len(values) == 3 and values[1][4] == "Agree"


def test_responses_page(client, facilitator, survey, django_assert_max_num_queries):
    for _ in range(3):
        make_response(survey, {}, submit=False)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("surveys:responses", args=[survey.pk])).content.decode()
    assert page.count("Online") == 3


def test_question_is_only_reworded_once_answered(client, facilitator, survey):
    question = survey.questions.get(kind=K.SINGLE_CHOICE)
    make_response(survey, {question: "Agree"})
    url = reverse("surveys:question-edit", args=[survey.pk, question.pk])
    page = client.get(url).content.decode()
    assert "You can correct the wording" in page and 'name="options_text"' not in page
    client.post(url, {"text": "Do you look after someone?"})
    assert Question.objects.get(pk=question.pk).text == "Do you look after someone?"
    new = client.get(reverse("surveys:question-create", args=[survey.pk]))
    assert new.status_code == 302
