"""Survey responses follow the person: merges move them, pseudonymisation removes what they
wrote in their own words, and subject access exports them. Plus the demo survey."""

import pytest

from coproduce.accounts.models import Role
from coproduce.dataprotection import export
from coproduce.dataprotection.services import pseudonymise_person
from coproduce.people.services import merge_people
from coproduce.surveys import demo, services
from coproduce.surveys.models import Answer, QuestionKind, Response, ResponseSource, Survey
from coproduce.testing.factories import OrganisationFactory, make_person, make_project, member

from .factories import make_question, make_response, make_survey

K = QuestionKind
pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    survey = make_survey(OrganisationFactory(), anonymous=False)
    make_question(survey, text="Overall")
    make_question(survey, K.LONG_TEXT, text="Tell us more")
    services.open_survey(survey)
    return survey


def _answers(survey, choice, comment):
    overall, more = services.questions_in_order(survey)
    return {overall: choice, more: comment}


def test_pseudonymisation_removes_free_text_but_keeps_choices(survey):
    person = make_person(survey.organisation)
    response = make_response(survey, _answers(survey, "Agree", "My name is Zara"), person=person)
    pseudonymise_person(person)
    assert list(Answer.objects.filter(response=response).values_list("choice", "text")) == [
        ("Agree", "")
    ]


def test_merging_moves_responses_and_keeps_both_when_both_answered(survey):
    keep = make_person(survey.organisation)
    duplicate = make_person(survey.organisation)
    other = make_survey(survey.organisation, anonymous=False)
    make_question(other)
    services.open_survey(other)
    moved = make_response(other, {}, person=duplicate, submit=False)
    kept = make_response(survey, _answers(survey, "Agree", ""), person=keep)
    unlinked = make_response(survey, _answers(survey, "Disagree", ""), person=duplicate)
    merge_people(keep, duplicate)
    assert Response.objects.get(pk=moved.pk).person == keep
    assert Response.objects.get(pk=kept.pk).person == keep
    assert Response.objects.get(pk=unlinked.pk).person is None
    assert Response.objects.filter(survey=survey, status="submitted").count() == 2


def test_subject_access_lists_responses_with_answers(survey):
    person = make_person(survey.organisation)
    make_response(survey, _answers(survey, "Agree", "More evening meetings"), person=person)
    built = export.build_export(person, member(survey.organisation, Role.FACILITATOR))
    section = {s.key: s for s in built.sections}["survey_responses"]
    assert section.records[0]["survey"] == survey.title
    assert "Tell us more: More evening meetings" in section.records[0]["answers"]


def test_demo_survey_has_sixty_varied_responses_and_loads_once():
    council = OrganisationFactory()
    make_project(council, title="SEND short breaks strategy")
    facilitator = member(council, Role.FACILITATOR)
    survey = demo.load(council, {"fran.facilitator": facilitator})
    assert demo.load(council, {"fran.facilitator": facilitator}) == survey
    assert Survey.objects.count() == 1
    responses = Response.objects.filter(survey=survey, status="submitted")
    assert responses.count() == demo.RESPONSES
    assert set(responses.values_list("source", flat=True)) == set(ResponseSource.values)
    comments = Answer.objects.filter(response__survey=survey).exclude(text="")
    assert comments.count() > 80
    assert len(set(comments.values_list("text", flat=True))) > 20
