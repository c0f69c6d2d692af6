"""A survey with one open question and answers about three things people often raise."""

from typing import Any

from coproduce.accounts.models import Organisation
from coproduce.surveys.models import Answer, Question, QuestionKind
from coproduce.surveys.tests.factories import make_question, make_response, make_survey

SAID = {
    "Parking": [
        "There was nowhere to park the car",
        "The car park was full again",
        "Parking costs far too much",
        "Could not find a parking space",
    ],
    "Staff": [
        "The staff were kind and caring",
        "Lovely friendly nurses",
        "The support workers really listened to me",
        "Staff were helpful and patient",
    ],
    "Waiting": [
        "We waited hours to be seen",
        "The waiting list is far too long",
        "Appointments always run late",
        "Took months to get an appointment",
    ],
}


def make_open_question(organisation: Organisation, repeat: int = 2, **fields: Any) -> Question:
    survey = make_survey(organisation, open_it=False)
    question = make_question(survey, QuestionKind.LONG_TEXT, text="What could be better?")
    from coproduce.surveys import services

    services.open_survey(survey)
    for round_number in range(repeat):
        for texts in SAID.values():
            for text in texts:
                said = text if round_number == 0 else f"{text}, round {round_number + 1}"
                make_response(survey, {question: said})
    return question


def answer_saying(question: Question, text: str) -> Answer:
    return Answer.objects.get(question=question, text=text)
