"""Write operations for contributions, decisions, "You said, we did" and personal feedback.

`add_contribution` is the one way any part of Coproduce records something people said that
must be answered. Its keyword signature is stable: other apps (review visits, for one) call it
with their own records as `source`, which is kept through a generic relation so this app never
imports theirs.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from coproduce.audit.services import record_created
from coproduce.notifications.message import Message
from coproduce.notifications.services import send_many
from coproduce.people.models import ConsentPurpose, Person
from coproduce.people.services import contactable
from coproduce.projects.models import CommissioningProject, Stage

from .models import (
    OUTCOME_EASY_READ,
    Contribution,
    ContributionKind,
    ContributionResponse,
    Contributor,
    Decision,
    FeedbackRound,
    Outcome,
    PersonalFeedback,
    YouSaidWeDid,
)
from .selectors import untold


def _same_organisation(project: CommissioningProject, record: Any, field: str) -> None:
    org_id = getattr(record, "organisation_id", None)
    if org_id is not None and org_id != project.organisation_id:
        raise ValidationError({field: "This belongs to another organisation."})


def add_contribution(
    *,
    project: CommissioningProject,
    stage: Stage,
    kind: str,
    summary: str,
    source: Any = None,
    person: Person | None = None,
    quote_consent: bool = False,
    quote: str = "",
    contributors: Iterable[Person] = (),
    people_count: int | None = None,
    key: str = "",
    recorded_by: Any = None,
) -> Contribution:
    """Records one contribution to answer, linked to its project, stage and source.

    `person` is the one person who made an individual comment (they are also a contributor);
    `contributors` are everyone else to tell what happened (the people behind a survey theme,
    at an event, on a panel or on a review visit). `quote` is only kept with `quote_consent`.
    With a `key`, a second call with the same key returns the first contribution (adding any
    new contributors), so a repeated job or import records it once.
    """
    summary = summary.strip()
    quote = quote.strip()
    errors: dict[str, str] = {}
    if kind not in ContributionKind.values:
        errors["kind"] = "Choose where the contribution came from."
    if not summary:
        errors["summary"] = "Enter what people said."
    if stage.project_id != project.pk:
        errors["stage"] = "Choose a stage of this project."
    if quote and not quote_consent:
        errors["quote"] = (
            "Only quote someone who agreed to be quoted. Remove the quote, or record their consent."
        )
    if people_count is not None and people_count < 0:
        errors["people_count"] = "Enter how many people said this, as 0 or more."
    if errors:
        raise ValidationError(errors)
    if source is not None:
        _same_organisation(project, source, "source")
    if person is not None:
        _same_organisation(project, person, "person")
    people = [p for p in contributors if p is not None]
    for contributor in people:
        _same_organisation(project, contributor, "contributors")
    if person is not None:
        people.append(person)

    with transaction.atomic():
        if key:
            existing = Contribution.objects.filter(
                organisation_id=project.organisation_id, key=key
            ).first()
            if existing is not None:
                add_contributors(existing, people)
                return existing
        contribution = Contribution(
            organisation_id=project.organisation_id,
            project=project,
            stage=stage,
            kind=kind,
            summary=summary,
            person=person,
            quote_consent=quote_consent,
            quote=quote,
            people_count=people_count,
            key=key,
            recorded_by=recorded_by,
        )
        if source is not None:
            contribution.source_type = ContentType.objects.get_for_model(source)
            contribution.source_id = source.pk
            contribution.source_label = str(source)[:200]
        try:
            with transaction.atomic():
                contribution.save()
        except IntegrityError:
            if not key:
                raise
            # Another request with the same key got there first.
            existing = Contribution.objects.get(organisation_id=project.organisation_id, key=key)
            add_contributors(existing, people)
            return existing
        add_contributors(contribution, people)
    return contribution


def add_contributors(contribution: Contribution, people: Iterable[Person]) -> int:
    """Links people to a contribution (once each); returns how many were new."""
    wanted = {p.pk for p in people}
    if not wanted:
        return 0
    have = set(
        Contributor.objects.filter(contribution=contribution, person_id__in=wanted).values_list(
            "person_id", flat=True
        )
    )
    new = [
        Contributor(
            organisation_id=contribution.organisation_id,
            contribution=contribution,
            person_id=pk,
        )
        for pk in sorted(wanted - have)
    ]
    with transaction.atomic():
        created = Contributor.objects.bulk_create(new, batch_size=500)
        record_created(list(created))
    return len(created)


def contribution_from_theme(
    theme: Any, *, stage: Stage, recorded_by: Any = None, summary: str = ""
) -> Contribution:
    """A survey theme as a contribution: the people whose answers carry the theme (where the
    survey was not anonymous) are its contributors, and how many answers carry it is counted."""
    from coproduce.theming.models import ThemeAssignment

    given = ThemeAssignment.objects.filter(theme=theme, given=True)
    count = given.values("answer__response_id").distinct().count()
    people = Person.objects.filter(
        pk__in=given.filter(answer__response__person__isnull=False).values(
            "answer__response__person_id"
        )
    )
    text = summary or (f"{theme.label}: {theme.description}" if theme.description else theme.label)
    return add_contribution(
        project=stage.project,
        stage=stage,
        kind=ContributionKind.SURVEY_THEME,
        summary=text,
        source=theme,
        contributors=people,
        people_count=count,
        key=f"theme:{theme.pk}",
        recorded_by=recorded_by,
    )


def contribution_from_event(event: Any, *, summary: str, recorded_by: Any = None) -> Contribution:
    """A point raised at an event: everyone marked present is a contributor."""
    from coproduce.events.models import Attended

    people = Person.objects.filter(attendances__event=event, attendances__attended=Attended.PRESENT)
    return add_contribution(
        project=event.project,
        stage=event.stage,
        kind=ContributionKind.EVENT_POINT,
        summary=summary,
        source=event,
        contributors=people,
        people_count=people.count(),
        recorded_by=recorded_by,
    )


# ----- Decisions ------------------------------------------------------------------------------


def record_decision(
    *,
    project: CommissioningProject,
    title: str,
    summary: str,
    decided_by: str,
    decided_on: datetime.date,
    recorded_by: Any,
    stage: Stage | None = None,
    easy_read: str = "",
) -> Decision:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Enter what was decided, in a few words."
    if not summary.strip():
        errors["summary"] = "Enter what was decided, and why."
    if not decided_by.strip():
        errors["decided_by"] = "Enter who made the decision."
    if decided_on > timezone.localdate():
        errors["decided_on"] = "The date of the decision must be today or in the past."
    if stage is not None and stage.project_id != project.pk:
        errors["stage"] = "Choose a stage of this project."
    if errors:
        raise ValidationError(errors)
    decision = Decision(
        organisation_id=project.organisation_id,
        project=project,
        stage=stage,
        title=title.strip(),
        summary=summary.strip(),
        easy_read=easy_read.strip(),
        decided_by=decided_by.strip(),
        decided_on=decided_on,
        recorded_by=recorded_by,
    )
    decision.save()
    return decision


def update_decision(decision: Decision, **fields: Any) -> Decision:
    allowed = {"title", "summary", "easy_read", "decided_by", "decided_on", "stage"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))}")
    errors: dict[str, str] = {}
    required = {
        "title": "Enter what was decided, in a few words.",
        "summary": "Enter what was decided, and why.",
        "decided_by": "Enter who made the decision.",
    }
    for name, message in required.items():
        if name in fields and not str(fields[name]).strip():
            errors[name] = message
    if "decided_on" in fields and fields["decided_on"] > timezone.localdate():
        errors["decided_on"] = "The date of the decision must be today or in the past."
    stage = fields.get("stage")
    if stage is not None and stage.project_id != decision.project_id:
        errors["stage"] = "Choose a stage of this project."
    if errors:
        raise ValidationError(errors)
    for name, value in fields.items():
        setattr(decision, name, value.strip() if isinstance(value, str) else value)
    decision.save()
    return decision


def respond(
    *,
    decision: Decision,
    contribution: Contribution,
    outcome: str,
    reason: str,
    recorded_by: Any,
    responded_on: datetime.date | None = None,
) -> ContributionResponse:
    """Says what the decision did with one contribution (or changes what it said). A reason
    in plain words is required unless the contribution was adopted as it was."""
    reason = reason.strip()
    errors: dict[str, str] = {}
    if contribution.project_id != decision.project_id:
        errors["contribution"] = "This contribution belongs to another project."
    if outcome not in Outcome.values:
        errors["outcome"] = "Choose adopted, adapted or not taken forward."
    elif outcome != Outcome.ADOPTED and not reason:
        errors["reason"] = (
            "Explain in plain words why it was adapted or not taken forward: people will read this."
        )
    when = responded_on or decision.decided_on
    if when > timezone.localdate():
        errors["responded_on"] = "The date must be today or in the past."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        response = (
            ContributionResponse.objects.select_for_update()
            .filter(contribution=contribution)
            .first()
        )
        if response is None:
            response = ContributionResponse(
                organisation_id=contribution.organisation_id, contribution=contribution
            )
        response.decision = decision
        response.outcome = outcome
        response.reason = reason
        response.responded_on = when
        response.recorded_by = recorded_by
        response.save()
    return response


def respond_to_many(
    *,
    decision: Decision,
    answers: Sequence[tuple[Contribution, str, str]],
    recorded_by: Any,
) -> list[ContributionResponse]:
    """Several responses at once, all or nothing: errors name the contribution they are for."""
    errors: dict[str, list[str]] = {}
    done: list[ContributionResponse] = []
    with transaction.atomic():
        for contribution, outcome, reason in answers:
            try:
                done.append(
                    respond(
                        decision=decision,
                        contribution=contribution,
                        outcome=outcome,
                        reason=reason,
                        recorded_by=recorded_by,
                    )
                )
            except ValidationError as error:
                for messages in error.message_dict.values():
                    errors.setdefault(f"c{contribution.pk}", []).extend(messages)
        if errors:
            transaction.set_rollback(True)
            raise ValidationError(errors)
    return done


def publish_decision(decision: Decision) -> Decision:
    """Puts the decision in the organisation's public log and feed, and on the project's
    "You said, we did" page."""
    if decision.published_at is None:
        decision.published_at = timezone.now()
        decision.save(update_fields=["published_at", "updated_at"])
    return decision


def withdraw_decision(decision: Decision) -> Decision:
    if decision.published_at is not None:
        decision.published_at = None
        decision.save(update_fields=["published_at", "updated_at"])
    return decision


# ----- You said, we did ------------------------------------------------------------------------


def page_for(project: CommissioningProject) -> YouSaidWeDid:
    page, _ = YouSaidWeDid.objects.get_or_create(
        project=project, defaults={"organisation_id": project.organisation_id}
    )
    return page


def save_page(
    project: CommissioningProject,
    *,
    introduction: str,
    easy_read_introduction: str,
    publish: bool,
    user: Any,
) -> YouSaidWeDid:
    page = page_for(project)
    page.introduction = introduction.strip()
    page.easy_read_introduction = easy_read_introduction.strip()
    if publish and page.published_at is None:
        if not project.decisions.filter(published_at__isnull=False).exists():
            raise ValidationError(
                "Publish at least one decision first: the page shows what was done."
            )
        page.published_at = timezone.now()
        page.published_by = user
    elif not publish:
        page.published_at = None
        page.published_by = None
    page.save()
    return page


# ----- Personal feedback -----------------------------------------------------------------------

# How many things one message lists; the rest are on the public page it links to.
ITEMS_PER_MESSAGE = 10
FEEDBACK_CHUNK = 200


def start_feedback_round(project: CommissioningProject, user: Any, link: str) -> FeedbackRound:
    """Creates a round and starts the background job that sends it (see `send_round`).
    `link` is the address of the project's public page, put at the end of every message."""
    from coproduce.core.jobs import start_job

    from .tasks import send_personal_feedback

    if not project.decisions.filter(published_at__isnull=False).exists():
        raise ValidationError("Publish a decision first: feedback tells people what was decided.")
    with transaction.atomic():
        feedback_round = FeedbackRound.objects.create(
            organisation_id=project.organisation_id, project=project, requested_by=user
        )
        feedback_round.job = start_job(
            project.organisation,
            user,
            f"Send personal feedback: {project.title}"[:200],
            send_personal_feedback,
            feedback_round.pk,
            link,
        )
        feedback_round.save(update_fields=["job"])
    return feedback_round


@dataclass(frozen=True)
class _Told:
    summary: str
    outcome: str
    reason: str
    decision: str
    easy_read: str


def feedback_message(project: CommissioningProject, items: Sequence[_Told], link: str) -> Message:
    shown = items[:ITEMS_PER_MESSAGE]
    parts = [
        f"Thank you for taking part in {project.title}. Here is what happened to what you told us."
    ]
    for item in shown:
        reason = f" {item.reason}" if item.reason else ""
        parts.append(
            f"You said: {item.summary}\nWhat happened: {item.outcome} ({item.decision}).{reason}"
        )
    if len(items) > len(shown):
        parts.append(f"There are {len(items) - len(shown)} more on the page at the link below.")
    parts.append("If you have questions, contact the involvement team.")
    easy_read = [f"Thank you for helping with {project.title}.", "You told us what you think."]
    for item in shown:
        easy_read.append(f"You said: {item.summary}")
        easy_read.append(item.easy_read)
    easy_read.append("Ask us if you want to know more.")
    return Message(
        subject=f"What happened because of you: {project.title}"[:200],
        body="\n\n".join(parts),
        easy_read=easy_read,
        link=link,
    )


def send_round(
    feedback_round: FeedbackRound,
    link: str,
    report: Callable[[int, int], None] = lambda done, total: None,
) -> int:
    """Sends each consenting contributor what happened to the things they contributed to.

    Idempotent: a person is never told of the same response twice (`PersonalFeedback` keeps
    what each was told, written in the same transaction as the message), and each message's
    key is the round and the person, so a job run again after stopping sends nothing twice.
    Returns how many people were sent feedback in this run."""
    project = feedback_round.project
    pending = untold(project)
    allowed = set(
        contactable(Person.objects.filter(pk__in=list(pending)), ConsentPurpose.CONTACT)
        .order_by()
        .values_list("pk", flat=True)
    )
    person_ids = sorted(pk for pk in pending if pk in allowed)
    response_ids = {r for pk in person_ids for r in pending[pk]}
    responses: dict[int, _Told] = {}
    for row in ContributionResponse.objects.filter(pk__in=response_ids).values(
        "pk", "outcome", "reason", "contribution__summary", "decision__title"
    ):
        outcome = Outcome(row["outcome"])
        responses[row["pk"]] = _Told(
            summary=row["contribution__summary"],
            outcome=outcome.label,
            reason=row["reason"],
            decision=row["decision__title"],
            easy_read=OUTCOME_EASY_READ[outcome],
        )
    total = len(person_ids)
    report(0, total)
    sent = 0
    for start in range(0, total, FEEDBACK_CHUNK):
        chunk_ids = person_ids[start : start + FEEDBACK_CHUNK]
        people = list(Person.objects.filter(pk__in=chunk_ids).order_by("pk"))
        with transaction.atomic():
            deliveries = send_many(
                people,
                lambda person: feedback_message(
                    project, [responses[r] for r in pending[person.pk]], link
                ),
                purpose=ConsentPurpose.CONTACT,
                key=lambda person: f"feedback:round:{feedback_round.pk}:person:{person.pk}",
                topic=f"feedback:project:{project.pk}",
                sent_by=feedback_round.requested_by,
            )
            made = PersonalFeedback.objects.bulk_create(
                [
                    PersonalFeedback(
                        organisation_id=project.organisation_id,
                        round=feedback_round,
                        person=person,
                        delivery=delivery,
                        response_ids=pending[person.pk],
                    )
                    for person, delivery in zip(people, deliveries, strict=True)
                ]
            )
            record_created(list(made))
        sent += len(people)
        report(start + len(chunk_ids), total)
    FeedbackRound.objects.filter(pk=feedback_round.pk).update(
        people_told=models.F("people_told") + sent, finished_at=timezone.now()
    )
    return sent
