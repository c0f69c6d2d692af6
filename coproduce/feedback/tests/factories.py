"""Test data for feedback: a project with stages, contributions and decisions."""

import datetime
from typing import Any

from coproduce.accounts.models import Role
from coproduce.feedback import services
from coproduce.feedback.models import Contribution, ContributionKind, Decision
from coproduce.people.models import ConsentPurpose, Person
from coproduce.projects.models import CommissioningProject, Stage, StageKind
from coproduce.testing.factories import make_person, member


def stage_of(project: CommissioningProject, kind: str = StageKind.ANALYSE) -> Stage:
    return project.stages.get(kind=kind)


def make_contribution(
    project: CommissioningProject,
    summary: str = "Carers want breaks they can book at short notice.",
    kind: str = ContributionKind.COMMENT,
    **fields: Any,
) -> Contribution:
    fields.setdefault("stage", stage_of(project))
    return services.add_contribution(project=project, kind=kind, summary=summary, **fields)


def make_decision(
    project: CommissioningProject, recorded_by: Any = None, **fields: Any
) -> Decision:
    values: dict[str, Any] = {
        "title": "New short breaks service",
        "summary": "The new service will offer breaks bookable with 48 hours' notice.",
        "decided_by": "Cabinet member for adult social care",
        "decided_on": datetime.date(2026, 3, 2),
        "recorded_by": recorded_by or member(project.organisation, Role.COMMISSIONER),
    }
    values.update(fields)
    return services.record_decision(project=project, **values)


def consenting_person(project: CommissioningProject, **fields: Any) -> Person:
    return make_person(project.organisation, consents=[ConsentPurpose.CONTACT], **fields)


def make_theme(
    project: CommissioningProject, label: str, people: list[Person], anonymous: int = 0
) -> Any:
    """A survey theme of the project: the named people's answers carry it, and so do
    `anonymous` answers from nobody in the register."""
    from coproduce.surveys import services as surveys
    from coproduce.surveys.models import QuestionKind
    from coproduce.surveys.tests.factories import make_question, make_response, make_survey
    from coproduce.theming.models import Theme, ThemeAssignment, ThemeSet

    survey = make_survey(
        project.organisation, project=project, stage=stage_of(project), anonymous=False
    )
    question = make_question(survey, QuestionKind.LONG_TEXT, text="What could be better?")
    surveys.open_survey(survey)
    theme_set = ThemeSet.objects.create(organisation=project.organisation, question=question)
    theme = Theme.objects.create(
        organisation=project.organisation, theme_set=theme_set, label=label
    )
    respondents: list[Person | None] = [*people, *([None] * anonymous)]
    for n, person in enumerate(respondents):
        response = make_response(survey, {question: f"{label}, said {n}"}, person=person)
        ThemeAssignment.objects.create(
            organisation=project.organisation,
            theme=theme,
            answer=response.answers.get(),
            given=True,
            text_hash=f"{n}",
        )
    return theme
