import pytest

from coproduce.feedback import selectors, services
from coproduce.feedback.models import FeedbackRound, Outcome, PersonalFeedback
from coproduce.notifications.models import Delivery, DeliveryStatus, Route
from coproduce.people.models import Channel, ConsentPurpose
from coproduce.testing.factories import make_person, make_project

from .factories import consenting_person, make_contribution, make_decision

pytestmark = pytest.mark.django_db

LINK = "https://coproduce.example/you-said-we-did/council/1/"


def _answered(project, people, summary="Breaks at short notice", outcome=Outcome.ADOPTED):  # type: ignore[no-untyped-def]
    contribution = make_contribution(project, summary=summary, contributors=people)
    decision = make_decision(project)
    services.respond(
        decision=decision,
        contribution=contribution,
        outcome=outcome,
        reason="" if outcome == Outcome.ADOPTED else "The budget is fixed.",
        recorded_by=decision.recorded_by,
    )
    services.publish_decision(decision)
    return decision


def _round(project) -> FeedbackRound:  # type: ignore[no-untyped-def]
    return FeedbackRound.objects.create(organisation=project.organisation, project=project)


def test_each_consenting_contributor_is_told_once_by_their_channel(
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    project = make_project()
    by_email = consenting_person(project)
    by_post = consenting_person(
        project,
        email="",
        address="1 High Street\nTown",
        postcode="AB1 2CD",
        preferred_channel=Channel.POST,
    )
    no_consent = make_person(project.organisation)
    _answered(project, [by_email, by_post, no_consent])
    first = _round(project)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_round(first, LINK) == 2
    deliveries = {d.person_id: d for d in Delivery.objects.all()}
    assert set(deliveries) == {by_email.pk, by_post.pk}
    assert deliveries[by_email.pk].route == Route.EMAIL
    assert deliveries[by_email.pk].status == DeliveryStatus.SENT
    assert deliveries[by_post.pk].route == Route.POST
    assert deliveries[by_post.pk].status == DeliveryStatus.TO_PRINT
    assert "Breaks at short notice" in deliveries[by_email.pk].body
    assert deliveries[by_email.pk].link == LINK

    # The same round again, and a new round: nobody is sent anything twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_round(first, LINK) == 0
        assert services.send_round(_round(project), LINK) == 0
    assert Delivery.objects.count() == 2
    assert PersonalFeedback.objects.count() == 2
    # The person without consent is still waiting, and is never sent it.
    assert selectors.waiting_to_be_told(project) == 1


def test_a_later_decision_tells_people_only_the_new_news() -> None:
    project = make_project()
    person = consenting_person(project)
    _answered(project, [person], summary="First point")
    services.send_round(_round(project), LINK)
    _answered(project, [person], summary="Second point", outcome=Outcome.NOT_TAKEN_FORWARD)
    services.send_round(_round(project), LINK)
    bodies = list(Delivery.objects.order_by("created_at", "pk").values_list("body", flat=True))
    assert len(bodies) == 2
    assert "First point" in bodies[0] and "Second point" not in bodies[0]
    assert "Second point" in bodies[1] and "First point" not in bodies[1]
    assert "The budget is fixed." in bodies[1]


def test_unpublished_decisions_are_not_sent() -> None:
    project = make_project()
    person = consenting_person(project)
    contribution = make_contribution(project, contributors=[person])
    decision = make_decision(project)
    services.respond(
        decision=decision,
        contribution=contribution,
        outcome=Outcome.ADOPTED,
        reason="",
        recorded_by=decision.recorded_by,
    )
    assert services.send_round(_round(project), LINK) == 0
    assert not Delivery.objects.exists()


def test_the_job_reports_progress_and_the_outcome(
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    project = make_project()
    people = [consenting_person(project) for _ in range(3)]
    decision = _answered(project, people)
    with django_capture_on_commit_callbacks(execute=True):
        feedback_round = services.start_feedback_round(project, decision.recorded_by, LINK)
    feedback_round.refresh_from_db()
    assert feedback_round.people_told == 3
    assert feedback_round.finished_at is not None
    job = feedback_round.job
    assert job is not None
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("succeeded", 3, 3)
    assert job.outcome == "Feedback was sent to 3 people."
    assert [count for _label, count in selectors.delivery_counts(feedback_round)] == [3]


def test_feedback_cannot_start_before_a_decision_is_published() -> None:
    from django.core.exceptions import ValidationError

    project = make_project()
    with pytest.raises(ValidationError):
        services.start_feedback_round(project, None, LINK)
    assert not FeedbackRound.objects.exists()


def test_people_only_hear_about_contact_they_agreed_to() -> None:
    project = make_project()
    person = consenting_person(project)
    _answered(project, [person])
    from coproduce.people.services import withdraw_consent

    withdraw_consent(person, ConsentPurpose.CONTACT, None)
    assert services.send_round(_round(project), LINK) == 0
