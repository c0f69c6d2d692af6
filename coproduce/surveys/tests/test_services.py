import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.notifications.models import Delivery
from coproduce.people.models import ConsentPurpose
from coproduce.surveys import services
from coproduce.surveys.models import (
    Answer,
    QuestionKind,
    Response,
    ResponseSource,
    ResponseStatus,
    Route,
    SurveyStatus,
)
from coproduce.surveys.survey_templates import TEMPLATES
from coproduce.testing.factories import OrganisationFactory, make_person, make_project

from .factories import make_question, make_response, make_survey

K = QuestionKind
pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory()


# Builder --------------------------------------------------------------------------------------


def test_a_new_survey_gets_a_first_section(organisation):
    survey = make_survey(organisation)
    assert [s.title for s in survey.sections.all()] == ["Your answers"]


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_each_template_makes_a_draft_with_easy_read_wording(organisation, key):
    project = make_project(organisation)
    survey = services.create_from_template(organisation, key, project=project)
    assert survey.status == SurveyStatus.DRAFT
    assert survey.template_key == key and survey.easy_read
    questions = services.questions_in_order(survey)
    assert len(questions) >= 4
    assert all(q.easy_read_text for q in questions)
    assert any(q.kind == K.LONG_TEXT for q in questions)


def test_unknown_template_is_refused(organisation):
    with pytest.raises(ValidationError) as error:
        services.create_from_template(organisation, "nope")
    assert "template" in error.value.message_dict


def test_another_organisations_project_is_refused(organisation):
    other_project = make_project(OrganisationFactory())
    with pytest.raises(ValidationError) as error:
        make_survey(organisation, project=other_project)
    assert "project" in error.value.message_dict


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        (K.SINGLE_CHOICE, {"options": ["Only one"]}, "options"),
        (K.SCALE, {"options": []}, "options"),
        (K.MATRIX, {"options": ["Yes", "No"], "rows": []}, "rows"),
        (K.NUMBER, {"min_value": Decimal(10), "max_value": Decimal(1)}, "max_value"),
    ],
)
def test_question_rules(organisation, kind, fields, field):
    survey = make_survey(organisation)
    with pytest.raises(ValidationError) as error:
        make_question(survey, kind, **fields)
    assert field in error.value.message_dict


def test_options_are_trimmed_and_deduplicated(organisation):
    survey = make_survey(organisation)
    question = make_question(survey, options=[" Yes ", "No", "Yes", ""])
    assert question.options == ["Yes", "No"]


def test_questions_are_fixed_once_people_answer_except_wording(organisation):
    survey = make_survey(organisation, open_it=False)
    question = make_question(survey)
    services.open_survey(survey)
    make_response(survey, {question: "Agree"})
    question.text = "Corrected wording"
    services.save_question(question)
    question.refresh_from_db()
    assert question.text == "Corrected wording"
    question.options = ["Agree", "Disagree"]
    with pytest.raises(ValidationError, match="only correct the wording"):
        services.save_question(question)
    with pytest.raises(ValidationError, match="cannot be added"):
        make_question(survey)
    with pytest.raises(ValidationError):
        services.delete_question(question)
    with pytest.raises(ValidationError):
        services.move_question(question, "down")


def test_move_question_swaps_neighbours_across_sections(organisation):
    survey = make_survey(organisation)
    first = make_question(survey, text="First")
    second_section = services.save_section(
        services.Section(survey=survey, organisation=organisation, title="More")
    )
    second = make_question(survey, text="Second", section=second_section)
    services.move_question(second, "up")
    assert [q.text for q in services.questions_in_order(survey)] == ["Second", "First"]
    assert first.__class__.objects.get(pk=second.pk).section_id == first.section_id
    # Moving the first question up does nothing.
    services.move_question(second, "up")
    assert [q.text for q in services.questions_in_order(survey)] == ["Second", "First"]


def test_routing_must_go_forward(organisation):
    survey = make_survey(organisation)
    first = make_question(survey, text="First")
    second = make_question(survey, text="Second")
    with pytest.raises(ValidationError) as error:
        services.save_routes(second, {"Agree": f"question:{first.pk}"})
    assert "route_0" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.save_routes(second, {"Agree": f"question:{second.pk}"})
    services.save_routes(first, {"Agree": "end", "Disagree": f"question:{second.pk}"})
    assert Route.objects.filter(question=first).count() == 2


def test_moving_a_question_drops_routes_that_would_go_backwards(organisation):
    survey = make_survey(organisation)
    first = make_question(survey, text="First")
    second = make_question(survey, text="Second")
    services.save_routes(first, {"Agree": f"question:{second.pk}"})
    services.move_question(second, "up")
    assert not Route.objects.exists()


def test_routes_only_on_choose_one_or_scale(organisation):
    survey = make_survey(organisation)
    question = make_question(survey, K.MULTIPLE_CHOICE)
    with pytest.raises(ValidationError):
        services.save_routes(question, {"Agree": "end"})


def test_open_needs_questions_and_a_future_closing_date(organisation):
    survey = make_survey(organisation)
    with pytest.raises(ValidationError, match="at least one question"):
        services.open_survey(survey)
    make_question(survey)
    survey.closes_at = timezone.now() - datetime.timedelta(days=1)
    survey.save()
    with pytest.raises(ValidationError) as error:
        services.open_survey(survey)
    assert "closes_at" in error.value.message_dict
    survey.closes_at = timezone.now() + datetime.timedelta(days=1)
    survey.save()
    assert services.open_survey(survey).status == SurveyStatus.OPEN
    assert services.close_survey(survey).status == SurveyStatus.CLOSED
    with pytest.raises(ValidationError):
        services.close_survey(survey)


def test_past_closing_date_stops_answers(organisation):
    survey = make_survey(organisation)
    make_question(survey)
    services.open_survey(survey)
    survey.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    survey.save()
    assert not services.accepting_responses(survey)
    with pytest.raises(ValidationError):
        services.start_response(survey)


# Answering ---------------------------------------------------------------------------------


def test_path_follows_routes(organisation):
    survey = make_survey(organisation)
    first = make_question(survey, text="Do you care for someone?")
    second = make_question(survey, text="What support do you get?", kind=K.TEXT)
    third = make_question(survey, text="Anything else?", kind=K.TEXT)
    services.save_routes(first, {"Disagree": f"question:{third.pk}", "Not sure": "end"})
    services.open_survey(survey)
    questions = services.questions_in_order(survey)
    response = services.start_response(survey)
    assert services.path_for(questions, {}) == [first, second, third]
    services.save_answer(response, first, "Disagree")
    answers = services.answers_by_question(response)
    assert services.path_for(questions, answers) == [first, third]
    services.save_answer(response, first, "Not sure")
    answers = services.answers_by_question(response)
    assert services.path_for(questions, answers) == [first]


def test_route_to_a_section_starts_at_its_first_question(organisation):
    survey = make_survey(organisation)
    first = make_question(survey)
    make_question(survey, K.TEXT)
    later = services.save_section(
        services.Section(survey=survey, organisation=organisation, title="Later")
    )
    target = make_question(survey, K.TEXT, section=later)
    services.save_routes(first, {"Agree": f"section:{later.pk}"})
    services.open_survey(survey)
    response = services.start_response(survey)
    services.save_answer(response, first, "Agree")
    path = services.path_for(
        services.questions_in_order(survey), services.answers_by_question(response)
    )
    assert path == [first, target]


def test_submit_is_done_once_and_drops_skipped_answers(organisation):
    survey = make_survey(organisation)
    first = make_question(survey, required=True)
    skipped = make_question(survey, K.TEXT)
    services.save_routes(first, {"Agree": "end"})
    services.open_survey(survey)
    response = services.start_response(survey)
    services.save_answer(response, skipped, "written before changing the first answer")
    services.save_answer(response, first, "Agree")
    sent = services.submit(response)
    assert sent.status == ResponseStatus.SUBMITTED
    submitted_at = sent.submitted_at
    assert not Answer.objects.filter(question=skipped).exists()
    again = services.submit(response)
    assert again.submitted_at == submitted_at
    assert Response.objects.filter(survey=survey).count() == 1
    with pytest.raises(ValidationError, match="sent already"):
        services.save_answer(response, first, "Disagree")


def test_submit_needs_required_answers_on_the_path(organisation):
    survey = make_survey(organisation)
    make_question(survey, required=True, text="Must answer")
    services.open_survey(survey)
    response = services.start_response(survey)
    with pytest.raises(ValidationError) as error:
        services.submit(response)
    assert error.value.message_dict["answers"] == ["Answer the question: Must answer"]


@pytest.mark.parametrize(
    ("kind", "fields", "value", "stored"),
    [
        (K.TEXT, {}, "  Short answer ", ("text", "Short answer")),
        (K.LONG_TEXT, {}, "A longer comment", ("text", "A longer comment")),
        (K.SINGLE_CHOICE, {}, "Agree", ("choice", "Agree")),
        (K.SCALE, {}, "Disagree", ("choice", "Disagree")),
        (K.MULTIPLE_CHOICE, {}, ["Disagree", "Agree"], ("choices", ["Agree", "Disagree"])),
        (
            K.RANKING,
            {},
            ["Disagree", "Agree", "Not sure"],
            ("choices", ["Disagree", "Agree", "Not sure"]),
        ),
        (K.NUMBER, {"min_value": Decimal(0)}, Decimal("12.5"), ("number", Decimal("12.5"))),
        (K.DATE, {}, datetime.date(2026, 3, 1), ("date", datetime.date(2026, 3, 1))),
        (
            K.MATRIX,
            {},
            {"Venue": "Agree", "Staff": "Disagree"},
            ("matrix", {"Staff": "Disagree", "Venue": "Agree"}),
        ),
    ],
)
def test_each_kind_of_answer_is_stored(organisation, kind, fields, value, stored):
    survey = make_survey(organisation)
    question = make_question(survey, kind, **fields)
    services.open_survey(survey)
    response = services.start_response(survey)
    answer = services.save_answer(response, question, value)
    assert answer is not None
    answer.refresh_from_db()
    name, expected = stored
    assert getattr(answer, name) == expected


@pytest.mark.parametrize(
    ("kind", "fields", "value"),
    [
        (K.SINGLE_CHOICE, {}, "Something else"),
        (K.MULTIPLE_CHOICE, {}, ["Agree", "Made up"]),
        (K.RANKING, {}, ["Agree", "Agree", "Disagree"]),
        (K.NUMBER, {"min_value": Decimal(1), "max_value": Decimal(10)}, Decimal(11)),
        (K.NUMBER, {"min_value": Decimal(1)}, Decimal(0)),
        (K.MATRIX, {}, {"Not a row": "Agree"}),
        (K.TEXT, {}, "x" * 301),
    ],
)
def test_answers_breaking_the_rules_are_refused(organisation, kind, fields, value):
    survey = make_survey(organisation)
    question = make_question(survey, kind, **fields)
    services.open_survey(survey)
    response = services.start_response(survey)
    with pytest.raises(ValidationError) as error:
        services.save_answer(response, question, value)
    assert "answer" in error.value.message_dict


def test_clearing_an_answer_removes_it(organisation):
    survey = make_survey(organisation)
    question = make_question(survey, K.TEXT)
    services.open_survey(survey)
    response = services.start_response(survey)
    services.save_answer(response, question, "Something")
    services.save_answer(response, question, "")
    assert not Answer.objects.filter(response=response).exists()


def test_file_upload_checks_type_and_keeps_the_file_private(organisation, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    survey = make_survey(organisation)
    question = make_question(survey, K.FILE)
    services.open_survey(survey)
    response = services.start_response(survey)
    with pytest.raises(ValidationError, match="PDF, JPG"):
        services.save_answer(response, question, SimpleUploadedFile("run.exe", b"MZ"))
    with pytest.raises(ValidationError, match="does not look like a PDF"):
        services.save_answer(response, question, SimpleUploadedFile("fake.pdf", b"MZ not pdf"))
    answer = services.save_answer(
        response, question, SimpleUploadedFile("letter.pdf", b"%PDF-1.4 hello")
    )
    assert answer is not None and answer.file_name == "letter.pdf"
    path = answer.file.path
    assert path.startswith(str(tmp_path / "survey_uploads"))
    assert not path.startswith(str(settings.MEDIA_ROOT))
    # No new file chosen keeps the one uploaded.
    assert services.save_answer(response, question, None) == answer


def test_answer_values_are_not_written_to_the_audit_trail(organisation):
    survey = make_survey(organisation)
    question = make_question(survey, K.LONG_TEXT)
    services.open_survey(survey)
    response = make_response(survey, {question: "My private comment"})
    event = AuditEvent.objects.filter(model="surveys.answer").last()
    assert event is not None
    assert "My private comment" not in str(event.changes)
    assert response.is_submitted


def test_one_response_per_person_to_an_identified_survey(organisation):
    survey = make_survey(organisation, anonymous=False)
    make_question(survey)
    services.open_survey(survey)
    person = make_person(organisation, postcode="AB1 2CD")
    first = services.personal_link_response(survey, person)
    assert services.personal_link_response(survey, person) == first
    assert first.area == "AB1"


def test_anonymous_surveys_never_link_a_person(organisation):
    survey = make_survey(organisation, open_it=False)
    make_question(survey)
    services.open_survey(survey)
    with pytest.raises(ValidationError):
        services.start_response(survey, person=make_person(organisation))


@pytest.mark.parametrize(
    ("postcode", "area"), [("AB1 2CD", "AB1"), ("sw1a1aa", "SW1A"), ("M1 1AE", "M1"), ("", "")]
)
def test_area_is_the_postcode_district(postcode, area):
    assert services.area_of(postcode) == area


# Resume links --------------------------------------------------------------------------------


def test_resume_link_to_an_anonymous_respondent_goes_to_the_typed_address(organisation):
    survey = make_survey(organisation)
    make_question(survey)
    services.open_survey(survey)
    response = services.start_response(survey)
    with pytest.raises(ValidationError) as error:
        services.email_resume_link(response, "https://x.example/s/r/t/", "not an email")
    assert "email" in error.value.message_dict
    services.email_resume_link(response, "https://x.example/s/r/t/", "me@example.org")
    assert mail.outbox[-1].to == ["me@example.org"]
    assert "https://x.example/s/r/t/" in mail.outbox[-1].body


def test_resume_link_to_a_person_goes_through_notifications(organisation):
    survey = make_survey(organisation, anonymous=False)
    make_question(survey)
    services.open_survey(survey)
    person = make_person(organisation, consents=[ConsentPurpose.CONTACT])
    response = services.personal_link_response(survey, person)
    services.email_resume_link(response, "https://x.example/s/r/t/")
    services.email_resume_link(response, "https://x.example/s/r/t/")  # a double click
    deliveries = Delivery.objects.filter(person=person, key__startswith="survey-resume-")
    assert deliveries.count() == 1


def test_personal_links_are_sent_once_each(organisation):
    survey = make_survey(organisation, anonymous=False)
    make_question(survey)
    services.open_survey(survey)
    people = [make_person(organisation, consents=[ConsentPurpose.CONTACT]) for _ in range(3)]
    stranger = make_person(OrganisationFactory())
    link_for = lambda response: f"https://x.example/s/r/{response.resume_token}/"  # noqa: E731
    assert services.send_personal_links(survey, [*people, stranger], link_for) == 3
    services.send_personal_links(survey, people, link_for)
    assert Delivery.objects.filter(key__startswith=f"survey-invite-{survey.pk}-").count() == 3
    assert Response.objects.filter(survey=survey).count() == 3
    tokens = set(Response.objects.values_list("resume_token", flat=True))
    assert all(
        any(token in d.link for token in tokens)
        for d in Delivery.objects.filter(key__startswith="survey-invite-")
    )


# Staff entry -------------------------------------------------------------------------------------


def test_staff_entry_is_made_once_per_form(organisation):
    survey = make_survey(organisation)
    question = make_question(survey, required=True)
    comment = make_question(survey, K.LONG_TEXT)
    services.open_survey(survey)
    values = {question.pk: "Agree", comment.pk: "Written on the paper form"}
    key = services.new_entry_key()
    first = services.enter_response(
        survey, values, source=ResponseSource.PAPER, entered_by=None, entry_key=key, area="ab1 2cd"
    )
    second = services.enter_response(
        survey, values, source=ResponseSource.PAPER, entered_by=None, entry_key=key
    )
    assert first == second
    assert first.source == ResponseSource.PAPER and first.is_submitted
    assert first.area == "AB1"
    assert Response.objects.count() == 1


def test_staff_entry_leaves_blank_what_was_left_blank_on_paper(organisation):
    survey = make_survey(organisation)
    make_question(survey, required=True)
    services.open_survey(survey)
    response = services.enter_response(
        survey, {}, source=ResponseSource.PHONE, entered_by=None, entry_key="k1"
    )
    assert response.is_submitted and not response.answers.exists()


def test_staff_entry_checks_each_answer_and_the_source(organisation):
    survey = make_survey(organisation)
    question = make_question(survey)
    services.open_survey(survey)
    with pytest.raises(ValidationError) as error:
        services.enter_response(
            survey,
            {question.pk: "Nope"},
            source=ResponseSource.EVENT,
            entered_by=None,
            entry_key="a",
        )
    assert f"q{question.pk}" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.enter_response(
            survey, {}, source=ResponseSource.ONLINE, entered_by=None, entry_key="b"
        )
    assert "source" in error.value.message_dict
    assert not Response.objects.exists()
