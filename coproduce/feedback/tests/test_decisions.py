import datetime

import pytest
from django.core.exceptions import ValidationError

from coproduce.feedback import selectors, services
from coproduce.feedback.models import ContributionResponse, Outcome
from coproduce.projects.models import StageKind
from coproduce.testing.factories import make_project

from .factories import make_contribution, make_decision, stage_of

pytestmark = pytest.mark.django_db


def test_closure_rate_is_responded_contributions_out_of_all() -> None:
    project = make_project()
    assert selectors.closure(project).rate is None
    contributions = [make_contribution(project, summary=f"Point {n}") for n in range(4)]
    decision = make_decision(project)
    services.respond(
        decision=decision,
        contribution=contributions[0],
        outcome=Outcome.ADOPTED,
        reason="",
        recorded_by=decision.recorded_by,
    )
    closure = selectors.closure(project)
    assert (closure.responded, closure.total, closure.unanswered) == (1, 4, 3)
    assert closure.rate == 0.25
    assert closure.percent == 25
    assert set(selectors.unanswered(project)) == set(contributions[1:])
    # Another project's contributions never count.
    make_contribution(make_project(project.organisation))
    assert selectors.closure(project).total == 4


@pytest.mark.parametrize("outcome", [Outcome.ADAPTED, Outcome.NOT_TAKEN_FORWARD])
def test_a_reason_is_required_unless_adopted(outcome: str) -> None:
    project = make_project()
    contribution = make_contribution(project)
    decision = make_decision(project)
    with pytest.raises(ValidationError) as raised:
        services.respond(
            decision=decision,
            contribution=contribution,
            outcome=outcome,
            reason="   ",
            recorded_by=decision.recorded_by,
        )
    assert "reason" in raised.value.message_dict
    assert not ContributionResponse.objects.exists()
    response = services.respond(
        decision=decision,
        contribution=contribution,
        outcome=outcome,
        reason="The budget is fixed for three years.",
        recorded_by=decision.recorded_by,
    )
    assert response.reason == "The budget is fixed for three years."
    assert response.responded_on == decision.decided_on


def test_adopted_needs_no_reason_and_a_second_response_replaces_the_first() -> None:
    project = make_project()
    contribution = make_contribution(project)
    decision = make_decision(project)
    services.respond(
        decision=decision,
        contribution=contribution,
        outcome=Outcome.ADOPTED,
        reason="",
        recorded_by=decision.recorded_by,
    )
    services.respond(
        decision=decision,
        contribution=contribution,
        outcome=Outcome.ADAPTED,
        reason="Evening sessions twice a month, not weekly.",
        recorded_by=decision.recorded_by,
    )
    assert ContributionResponse.objects.get().outcome == Outcome.ADAPTED


def test_responding_to_many_is_all_or_nothing() -> None:
    project = make_project()
    good, bad = (
        make_contribution(project, summary="Good"),
        make_contribution(project, summary="Bad"),
    )
    decision = make_decision(project)
    with pytest.raises(ValidationError) as raised:
        services.respond_to_many(
            decision=decision,
            answers=[(good, Outcome.ADOPTED, ""), (bad, Outcome.NOT_TAKEN_FORWARD, "")],
            recorded_by=decision.recorded_by,
        )
    assert list(raised.value.message_dict) == [f"c{bad.pk}"]
    assert not ContributionResponse.objects.exists()


def test_a_decision_answers_only_its_own_projects_contributions() -> None:
    project = make_project()
    elsewhere = make_contribution(make_project(project.organisation))
    decision = make_decision(project)
    with pytest.raises(ValidationError) as raised:
        services.respond(
            decision=decision,
            contribution=elsewhere,
            outcome=Outcome.ADOPTED,
            reason="",
            recorded_by=decision.recorded_by,
        )
    assert "contribution" in raised.value.message_dict


def test_a_decision_needs_what_who_and_a_date_not_in_the_future() -> None:
    project = make_project()
    with pytest.raises(ValidationError) as raised:
        make_decision(
            project,
            title=" ",
            decided_by="",
            decided_on=datetime.date.today() + datetime.timedelta(days=3),
            stage=stage_of(make_project(project.organisation), StageKind.DO),
        )
    assert set(raised.value.message_dict) == {"title", "decided_by", "decided_on", "stage"}


def test_the_page_is_published_only_with_a_published_decision() -> None:
    project = make_project()
    decision = make_decision(project)
    with pytest.raises(ValidationError):
        services.save_page(
            project, introduction="Thank you.", easy_read_introduction="", publish=True, user=None
        )
    services.publish_decision(decision)
    page = services.save_page(
        project, introduction="Thank you.", easy_read_introduction="", publish=True, user=None
    )
    assert page.is_published
    assert not services.save_page(
        project, introduction="", easy_read_introduction="", publish=False, user=None
    ).is_published
