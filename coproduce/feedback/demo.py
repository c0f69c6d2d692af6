"""Demo feedback for `coproduce load_demo`, on the carers' project: what people said (a point
raised at the co-design workshop, a panel recommendation, Pat Evans's comment with consent to
quote, Gareth Jones's comment, who hears by post), a published decision by the cabinet member
answering three of them, one still waiting for a response, and the published "You said, we
did" page. Personal feedback is left for the demo user to send. Running it again changes
nothing: contributions have keys, and the decision is found by its title."""

import datetime

from django.utils import timezone

from coproduce.accounts.models import Organisation, User
from coproduce.events.models import Event
from coproduce.people.models import Person
from coproduce.projects.models import CommissioningProject, StageKind

from . import services
from .models import Contribution, ContributionKind, Decision, Outcome

DECISION = "A carers' hub with breaks bookable at short notice"


def load(council: Organisation, users: dict[str, User]) -> None:
    project = CommissioningProject.objects.filter(
        organisation=council, title__startswith="Carers"
    ).first()
    if project is None:
        return
    analyse = project.stages.get(kind=StageKind.ANALYSE)
    plan = project.stages.get(kind=StageKind.PLAN)
    fran = users["fran.facilitator"]
    pat = Person.objects.filter(organisation=council, user=users.get("pat.carer")).first()
    gareth = Person.objects.filter(organisation=council, name="Gareth Jones").first()
    said: dict[str, Contribution] = {}
    workshop = Event.objects.filter(project=project, title__startswith="Co-design workshop").first()
    if workshop is not None:
        said["workshop"] = services.add_contribution(
            project=project,
            stage=workshop.stage,
            kind=ContributionKind.EVENT_POINT,
            summary="Carers who work need sessions in the evening and at weekends.",
            source=workshop,
            contributors=Person.objects.filter(attendances__event=workshop),
            key="demo:carers:workshop-evenings",
            recorded_by=fran,
        )
    said["panel"] = services.add_contribution(
        project=project,
        stage=plan,
        kind=ContributionKind.PANEL_RECOMMENDATION,
        summary="The reference group recommends one named worker for each carer.",
        contributors=[p for p in (pat, gareth) if p is not None],
        people_count=9,
        key="demo:carers:panel-named-worker",
        recorded_by=fran,
    )
    said["pat"] = services.add_contribution(
        project=project,
        stage=analyse,
        kind=ContributionKind.COMMENT,
        summary="Breaks need to be bookable at short notice, not weeks ahead.",
        person=pat,
        quote_consent=pat is not None,
        quote="When my husband has a bad week I need a break that week, not next month."
        if pat is not None
        else "",
        key="demo:carers:pat-short-notice",
        recorded_by=fran,
    )
    services.add_contribution(
        project=project,
        stage=analyse,
        kind=ContributionKind.COMMENT,
        summary="Information about the service should come in easy read, by post.",
        person=gareth,
        key="demo:carers:gareth-easy-read",
        recorded_by=fran,
    )
    decision = Decision.objects.filter(project=project, title=DECISION).first()
    if decision is None:
        decision = services.record_decision(
            project=project,
            stage=plan,
            title=DECISION,
            summary=(
                "The new carers' support service will run a hub with short breaks that carers "
                "can book with 48 hours' notice, and evening sessions twice a month. Each carer "
                "will have a named contact in the team."
            ),
            easy_read="We will open a carers' hub.\nYou can book a break 2 days before.\n"
            "There will be evening sessions.",
            decided_by="Cabinet member for adult social care",
            decided_on=timezone.localdate() - datetime.timedelta(days=7),
            recorded_by=users["chris.commissioner"],
        )
        answers = [
            (said["pat"], Outcome.ADOPTED, ""),
            (
                said["panel"],
                Outcome.ADAPTED,
                "Each carer will have a named contact, but in a small team rather than one "
                "worker, so someone they know is there when their contact is away.",
            ),
        ]
        if "workshop" in said:
            answers.append(
                (
                    said["workshop"],
                    Outcome.ADAPTED,
                    "Evening sessions twice a month to start with; weekends are not possible "
                    "within the budget this year, and we will look again at the review.",
                )
            )
        services.respond_to_many(
            decision=decision, answers=answers, recorded_by=users["chris.commissioner"]
        )
        services.publish_decision(decision)
    page = services.page_for(project)
    if not page.is_published:
        services.save_page(
            project,
            introduction=(
                "Thank you to the carers, the carers' reference group and everyone who came to "
                "the workshop. This is what you told us and what we did."
            ),
            easy_read_introduction="Thank you for helping.\nYou told us what you think.\n"
            "Here is what we did.",
            publish=True,
            user=fran,
        )
