"""How survey responses follow what happens to a person elsewhere.

- Merge: the duplicate's responses move to the kept record. Where both answered the same
  survey (one response per person and survey), the kept record's response stays linked and the
  duplicate's is kept unlinked, so its answers still count in the results.
- Pseudonymisation (and erasure): what the person wrote in their own words (text answers) and
  files they uploaded go, because they can name or describe them; choices, numbers and dates
  stay, so that results still add up (a removed answer is taken out of the results' running
  counts in the same transaction).
- Subject access: each response with its answers.
"""

from collections import defaultdict
from typing import Any

from coproduce.dataprotection.export import Source, Subject, register
from coproduce.dataprotection.services import register_pseudonymiser
from coproduce.people import services as people_services
from coproduce.people.models import Person

from . import services
from .models import Answer, Response
from .services import questions_in_order


def _merged(keep: Person, duplicate: Person) -> None:
    answered = set(Response.objects.filter(person=keep).values_list("survey_id", flat=True))
    for response in Response.objects.filter(person=duplicate):
        response.person = None if response.survey_id in answered else keep
        response.save()


def _pseudonymised(person: Person, erasure: bool) -> None:
    answers = Answer.objects.filter(response__person=person).select_related("response", "question")
    removed: dict[int, list[Answer]] = defaultdict(list)
    for answer in answers.exclude(text="", file=""):
        if answer.file:
            answer.file.delete(save=False)
        answer.text = ""
        answer.file_name = ""
        if answer.is_empty:
            answer.delete()
            if answer.response.is_submitted:
                removed[answer.response_id].append(answer)
        else:
            answer.save()
    # A removed answer no longer counts as an answer to its question in the results.
    for gone in removed.values():
        response = gone[0].response
        services.tally_answers(
            response.survey_id,
            services.tallied(response, gone, [answer.question for answer in gone]),
            -1,
        )


def collect_responses(subject: Subject) -> list[dict[str, Any]]:
    responses = (
        Response.objects.filter(person_id__in=subject.person_ids)
        .select_related("survey")
        .prefetch_related("answers")
        .order_by("created_at")
    )
    records = []
    for response in responses:
        answers = {answer.question_id: answer for answer in response.answers.all()}
        records.append(
            {
                "survey": response.survey.title,
                "how": response.get_source_display(),
                "status": response.get_status_display(),
                "sent": response.submitted_at,
                "answers": "\n".join(
                    f"{question.text}: {answers[question.pk].display()}"
                    for question in questions_in_order(response.survey)
                    if question.pk in answers
                ),
            }
        )
    return records


def connect() -> None:
    people_services.on_merge(_merged)
    register_pseudonymiser(_pseudonymised)
    register(
        Source(
            "survey_responses",
            "Answers to surveys",
            collect_responses,
            permission="surveys.view_responses",
            audit_models=("surveys.response", "surveys.answer"),
            order=82,
        )
    )
