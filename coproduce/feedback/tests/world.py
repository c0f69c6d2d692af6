"""One organisation's project with every kind of feedback record, for view and permission tests."""

from dataclasses import dataclass
from typing import Any, cast

from coproduce.accounts.models import Organisation, User
from coproduce.feedback import services
from coproduce.feedback.models import FeedbackRound, Outcome
from coproduce.people.models import ConsentPurpose
from coproduce.testing.factories import OrganisationFactory, make_person, make_project
from coproduce.testing.permissions import matrix_users

from .factories import make_contribution, make_decision


@dataclass(frozen=True)
class World:
    organisation: Organisation
    users: dict[str, User]
    objects: dict[str, Any]


def make_world() -> World:
    organisation = cast(Organisation, OrganisationFactory())
    other = cast(Organisation, OrganisationFactory())
    users = matrix_users(organisation, other)
    project = make_project(organisation, lead=users["commissioner"])
    participant = make_person(
        organisation, consents=[ConsentPurpose.CONTACT], user=users["participant"]
    )
    answered = make_contribution(
        project, summary="Breaks bookable at short notice", contributors=[participant]
    )
    waiting = make_contribution(project, summary="A carers' card for discounts")
    decision = make_decision(project, recorded_by=users["commissioner"])
    services.respond(
        decision=decision,
        contribution=answered,
        outcome=Outcome.ADOPTED,
        reason="",
        recorded_by=users["commissioner"],
    )
    services.publish_decision(decision)
    services.save_page(
        project,
        introduction="Thank you to everyone who took part.",
        easy_read_introduction="Thank you for helping.",
        publish=True,
        user=users["facilitator"],
    )
    feedback_round = FeedbackRound.objects.create(
        organisation=organisation, project=project, requested_by=users["facilitator"]
    )
    services.send_round(feedback_round, "https://coproduce.example/")
    return World(
        organisation=organisation,
        users=users,
        objects={
            "project": project,
            "answered": answered,
            "waiting": waiting,
            "decision": decision,
            "round": feedback_round,
            "participant": participant,
        },
    )
