"""Surveys made through the services, with questions of every kind, and submitted responses."""

from typing import Any

from coproduce.accounts.models import Organisation
from coproduce.people.models import Person
from coproduce.surveys import services
from coproduce.surveys.models import Question, QuestionKind, Response, ResponseSource, Survey

K = QuestionKind
AGREE = ["Agree", "Not sure", "Disagree"]


def make_survey(organisation: Organisation, *, open_it: bool = False, **fields: Any) -> Survey:
    values: dict[str, Any] = {"title": "Carers' views on short breaks", "anonymous": True}
    values.update(fields)
    survey = services.save_survey(Survey(organisation=organisation, **values))
    if open_it:
        services.open_survey(survey)
        survey.refresh_from_db()
    return survey


def make_question(survey: Survey, kind: str = K.SINGLE_CHOICE, **fields: Any) -> Question:
    values: dict[str, Any] = {"text": f"Question {survey.questions.count() + 1}", "required": False}
    if kind in (K.SINGLE_CHOICE, K.MULTIPLE_CHOICE, K.SCALE, K.RANKING, K.MATRIX):
        values["options"] = list(AGREE)
    if kind == K.MATRIX:
        values["rows"] = ["Staff", "Venue"]
    values.update(fields)
    return services.save_question(Question(survey=survey, kind=kind, **values))


def make_response(
    survey: Survey,
    answers: dict[Question, Any] | None = None,
    *,
    person: Person | None = None,
    source: str = ResponseSource.ONLINE,
    submit: bool = True,
    area: str = "",
) -> Response:
    """A response with the given answers (values as the forms give them), sent if `submit`."""
    response = services.start_response(survey, person=person, source=source)
    if area:
        response.area = area
        response.save()
    for question, value in (answers or {}).items():
        services.save_answer(response, question, value)
    if submit:
        response = services.submit(response)
    return response
