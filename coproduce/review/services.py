"""Write operations and rules for co-review: services and their providers, the outcomes
framework and its figures, providers' reports, review visits and their findings, lessons and
the self-assessment of co-production practice."""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coproduce.accounts.models import STAFF_ROLES, Organisation, Role, User
from coproduce.accounts.roles import role_in
from coproduce.people.models import Person
from coproduce.surveys import services as survey_services
from coproduce.surveys.models import Survey

from . import contributions, practice_questions
from .models import (
    CHECKLIST_TEMPLATES,
    AssessmentStatus,
    Indicator,
    IndicatorValue,
    Lesson,
    Outcome,
    ProviderReport,
    ProviderReportFigure,
    QualityCharacteristic,
    Rating,
    ReportStatus,
    RespondentGroup,
    ReviewChecklist,
    ReviewVisit,
    SelfAssessment,
    SelfAssessmentResponse,
    SelfAssessmentScore,
    Service,
    ServiceProviderUser,
    ValueSource,
    VisitFinding,
    VisitKind,
    VisitRating,
)


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


# Services and their providers --------------------------------------------------------------


def _check_provider_users(organisation_id: int, users: Iterable[User]) -> list[User]:
    users = list(users)
    for user in users:
        if role_in(user, organisation_id) != Role.PROVIDER:
            raise _refuse(
                "provider_users",
                f"{user.display_name} is not set up as a provider user. Ask an administrator "
                "to add them with the provider role.",
            )
    return users


@transaction.atomic
def save_service(service: Service, provider_users: Iterable[User]) -> Service:
    """Creates or changes a service, and sets who reports on it for the provider."""
    service.organisation_id = service.project.organisation_id
    users = _check_provider_users(service.organisation_id, provider_users)
    service.name = service.name.strip()
    clash = Service.objects.filter(project=service.project, name__iexact=service.name)
    if clash.exclude(pk=service.pk).exists():
        raise _refuse("name", "This project already has a service with this name.")
    service.full_clean(exclude=["project"])
    service.save()
    wanted = {user.pk for user in users}
    service.provider_links.exclude(user_id__in=wanted).delete()
    existing = set(service.provider_links.values_list("user_id", flat=True))
    for user in users:
        if user.pk not in existing:
            ServiceProviderUser.objects.create(
                organisation_id=service.organisation_id, service=service, user=user
            )
    return service


def save_characteristic(characteristic: QualityCharacteristic) -> QualityCharacteristic:
    characteristic.organisation_id = characteristic.service.organisation_id
    if characteristic._state.adding and not characteristic.order:
        characteristic.order = characteristic.service.quality_characteristics.count() + 1
    characteristic.full_clean(exclude=["service"])
    characteristic.save()
    return characteristic


# The outcomes framework --------------------------------------------------------------------


def save_outcome(outcome: Outcome) -> Outcome:
    outcome.organisation_id = outcome.project.organisation_id
    if outcome._state.adding and not outcome.order:
        outcome.order = outcome.project.review_outcomes.count() + 1
    outcome.full_clean(exclude=["project"])
    outcome.save()
    return outcome


def save_indicator(indicator: Indicator) -> Indicator:
    outcome = indicator.outcome
    indicator.organisation_id = outcome.organisation_id
    if indicator.service is not None and indicator.service.project_id != outcome.project_id:
        raise _refuse("service", "Choose a service of this project.")
    if indicator._state.adding and not indicator.order:
        indicator.order = outcome.indicators.count() + 1
    indicator.full_clean(exclude=["outcome"])
    indicator.save()
    return indicator


def _check_period(period_start: datetime.date, period_end: datetime.date) -> None:
    if period_end < period_start:
        raise _refuse("period_end", "The end of the period must be on or after its start.")


@transaction.atomic
def record_value(
    indicator: Indicator,
    *,
    period_start: datetime.date,
    period_end: datetime.date,
    value: Decimal,
    entered_by: User,
    note: str = "",
    source: str = ValueSource.OFFICER,
    report: ProviderReport | None = None,
) -> IndicatorValue:
    """The figure for one period. A period already recorded is corrected, not added twice
    (the audit trail keeps the earlier figure)."""
    _check_period(period_start, period_end)
    figure = IndicatorValue.objects.select_for_update().filter(
        indicator=indicator, period_start=period_start
    ).first() or IndicatorValue(
        organisation_id=indicator.organisation_id, indicator=indicator, period_start=period_start
    )
    figure.period_end = period_end
    figure.value = value
    figure.note = note.strip()
    figure.source = source
    figure.report = report
    figure.entered_by = entered_by
    figure.full_clean(exclude=["indicator", "report", "entered_by"], validate_unique=False)
    figure.save()
    return figure


# Providers' reports ------------------------------------------------------------------------


def start_report(
    service: Service, *, period_start: datetime.date, period_end: datetime.date
) -> ProviderReport:
    _check_period(period_start, period_end)
    if ProviderReport.objects.filter(service=service, period_start=period_start).exists():
        raise _refuse(
            "period_start", "There is already a report for a period starting on this date."
        )
    return ProviderReport.objects.create(
        organisation_id=service.organisation_id,
        service=service,
        period_start=period_start,
        period_end=period_end,
    )


def _lock_report(report: ProviderReport) -> ProviderReport:
    return ProviderReport.objects.select_for_update().select_related("service").get(pk=report.pk)


@transaction.atomic
def save_report(
    report: ProviderReport,
    *,
    figures: Mapping[int, tuple[Decimal | None, str]],
    commentary: str,
) -> ProviderReport:
    """Saves the provider's figures (by indicator id) and commentary; a figure left empty is
    removed. Only a report not yet sent, or returned for changes, can be changed."""
    report = _lock_report(report)
    if not report.editable:
        raise ValidationError("This report has been sent, so it cannot be changed.")
    indicators = {i.pk: i for i in report.service.indicators.all()}
    for indicator_id in figures:
        if indicator_id not in indicators:
            raise ValidationError("That indicator is not one this service reports.")
    for indicator_id, (value, note) in figures.items():
        existing = report.figures.filter(indicator_id=indicator_id).first()
        if value is None:
            if existing is not None:
                existing.delete()
            continue
        figure = existing or ProviderReportFigure(
            organisation_id=report.organisation_id, report=report, indicator_id=indicator_id
        )
        figure.value = value
        figure.note = note.strip()
        figure.save()
    report.commentary = commentary.strip()
    report.save()
    return report


@transaction.atomic
def submit_report(report: ProviderReport, by: User) -> ProviderReport:
    report = _lock_report(report)
    if not report.editable:
        raise ValidationError("This report has been sent already.")
    reported = set(report.figures.values_list("indicator_id", flat=True))
    missing = [i for i in report.service.indicators.all() if i.pk not in reported]
    if missing:
        raise ValidationError(
            {"figures": [f"Enter a figure for: {indicator.name}" for indicator in missing]}
        )
    report.status = ReportStatus.SUBMITTED
    report.submitted_by = by
    report.submitted_at = timezone.now()
    report.save()
    return report


@transaction.atomic
def accept_report(report: ProviderReport, by: User, comments: str = "") -> ProviderReport:
    """Accepts the report: its figures become the indicators' figures for the period."""
    report = _lock_report(report)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError("Only a report waiting for review can be accepted.")
    for figure in report.figures.select_related("indicator"):
        record_value(
            figure.indicator,
            period_start=report.period_start,
            period_end=report.period_end,
            value=figure.value,
            note=figure.note,
            entered_by=by,
            source=ValueSource.PROVIDER_REPORT,
            report=report,
        )
    report.status = ReportStatus.ACCEPTED
    report.reviewed_by = by
    report.reviewed_at = timezone.now()
    report.review_comments = comments.strip()
    report.save()
    return report


@transaction.atomic
def return_report(report: ProviderReport, by: User, comments: str) -> ProviderReport:
    """Sends the report back to the provider to change, saying what to change."""
    report = _lock_report(report)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError("Only a report waiting for review can be returned.")
    if not comments.strip():
        raise _refuse("comments", "Say what the provider needs to change.")
    report.status = ReportStatus.RETURNED
    report.reviewed_by = by
    report.reviewed_at = timezone.now()
    report.review_comments = comments.strip()
    report.save()
    return report


# Review visits -----------------------------------------------------------------------------


@transaction.atomic
def checklist_for(service: Service, kind: str, by: User) -> Survey:
    """The survey a service's visits of this kind are recorded with, made from the surveys
    app's template the first time. It is opened and closed at once: reviewers' checklists are
    entered by staff, and nobody can answer it online by its public link."""
    found = ReviewChecklist.objects.filter(service=service, kind=kind).select_related("survey")
    if (checklist := found.first()) is not None:
        return checklist.survey
    survey = survey_services.create_from_template(
        service.project.organisation,
        CHECKLIST_TEMPLATES[VisitKind(kind)],
        created_by=by,
        project=service.project,
        title=f"{VisitKind(kind).label} checklist: {service.name}",
        anonymous=True,
    )
    survey_services.open_survey(survey)
    survey_services.close_survey(survey)
    ReviewChecklist.objects.create(
        organisation_id=service.organisation_id, service=service, kind=kind, survey=survey
    )
    return survey


@transaction.atomic
def record_visit(
    service: Service,
    *,
    kind: str,
    visited_on: datetime.date,
    reviewers: str,
    recorded_by: User,
    summary: str = "",
    people: Iterable[Person] = (),
) -> ReviewVisit:
    if kind not in VisitKind.values:
        raise _refuse("kind", "Choose mystery shopping or a young inspectors' visit.")
    if visited_on > timezone.localdate():
        raise _refuse("visited_on", "The date of the visit must be today or in the past.")
    people = list(people)
    if any(person.organisation_id != service.organisation_id for person in people):
        raise _refuse("people", "Choose people from your register.")
    visit = ReviewVisit(
        organisation_id=service.organisation_id,
        service=service,
        kind=kind,
        visited_on=visited_on,
        reviewers=reviewers.strip(),
        summary=summary.strip(),
        recorded_by=recorded_by,
    )
    visit.full_clean(exclude=["service", "recorded_by", "checklist_response"])
    visit.save()
    visit.people.set(people)
    checklist_for(service, kind, recorded_by)
    return visit


@transaction.atomic
def record_checklist(
    visit: ReviewVisit,
    values: Mapping[int, Any],
    *,
    source: str,
    entry_key: str,
    entered_by: User,
) -> ReviewVisit:
    """The visit's checklist answers, through the surveys app (so its rules check every
    answer and its results add the visits up). Sending the same form twice saves it once."""
    visit = ReviewVisit.objects.select_for_update().get(pk=visit.pk)
    survey = checklist_for(visit.service, visit.kind, entered_by)
    response = survey_services.enter_response(
        survey, values, source=source, entered_by=entered_by, entry_key=entry_key
    )
    if visit.checklist_response_id not in (None, response.pk):
        raise ValidationError("The checklist for this visit has been recorded already.")
    visit.checklist_response = response
    visit.save()
    return visit


@transaction.atomic
def rate_visit(visit: ReviewVisit, ratings: Mapping[int, tuple[str, str]]) -> ReviewVisit:
    """The visit rated against the service's quality characteristics (by characteristic id):
    a rating left empty is removed."""
    characteristics = set(visit.service.quality_characteristics.values_list("pk", flat=True))
    for characteristic_id, (rating, _comment) in ratings.items():
        if characteristic_id not in characteristics:
            raise ValidationError("That quality characteristic is not one of this service's.")
        if rating and rating not in Rating.values:
            raise ValidationError("Choose one of the ratings listed.")
    for characteristic_id, (rating, comment) in ratings.items():
        existing = visit.ratings.filter(characteristic_id=characteristic_id).first()
        if not rating:
            if existing is not None:
                existing.delete()
            continue
        record = existing or VisitRating(
            organisation_id=visit.organisation_id, visit=visit, characteristic_id=characteristic_id
        )
        record.rating = rating
        record.comment = comment.strip()
        record.save()
    return visit


def add_finding(finding: VisitFinding) -> VisitFinding:
    visit = finding.visit
    finding.organisation_id = visit.organisation_id
    if finding.characteristic is not None and finding.characteristic.service_id != visit.service_id:
        raise _refuse("characteristic", "Choose one of this service's quality characteristics.")
    finding.text = finding.text.strip()
    finding.full_clean(exclude=["visit"])
    finding.save()
    return finding


def delete_finding(finding: VisitFinding) -> None:
    if finding.sent_for_decision_at is not None:
        raise ValidationError(
            "This has been sent for a decision already, so it cannot be removed. "
            "The decision-maker can record that it is not taken forward, and why."
        )
    finding.delete()


@transaction.atomic
def send_findings_for_decision(visit: ReviewVisit) -> list[VisitFinding]:
    """Makes each finding and recommendation not yet sent a contribution in the feedback app,
    which must then get a decision. Sending again sends only what is new."""
    visit = (
        ReviewVisit.objects.select_for_update().select_related("service__project").get(pk=visit.pk)
    )
    waiting = list(visit.findings.filter(sent_for_decision_at__isnull=True).order_by("pk"))
    if not waiting:
        raise ValidationError(
            "Add a finding or recommendation first: there is nothing new to send."
        )
    now = timezone.now()
    for finding in waiting:
        finding.contribution = contributions.add_review_finding(visit, finding)
        finding.sent_for_decision_at = now
        finding.save()
    return waiting


# Lessons -----------------------------------------------------------------------------------


def save_lesson(lesson: Lesson) -> Lesson:
    lesson.organisation_id = lesson.project.organisation_id
    if lesson.stage.project_id != lesson.project_id:
        raise _refuse("stage", "Choose a stage of this project.")
    if not any(
        text.strip() for text in (lesson.what_worked, lesson.what_did_not, lesson.what_to_change)
    ):
        raise _refuse(
            "what_worked",
            "Say what worked, what did not, or what to do differently next time.",
        )
    lesson.full_clean(exclude=["project", "stage", "recorded_by"])
    lesson.save()
    return lesson


# The self-assessment of co-production practice ---------------------------------------------


def open_self_assessment(organisation: Organisation, title: str, by: User) -> SelfAssessment:
    if not title.strip():
        raise _refuse("title", "Enter a name for this round, for example Spring 2026.")
    assessment = SelfAssessment(
        organisation=organisation,
        title=title.strip(),
        created_by=by,
        opened_on=timezone.localdate(),
    )
    assessment.full_clean(exclude=["organisation", "created_by"])
    assessment.save()
    return assessment


def close_self_assessment(assessment: SelfAssessment) -> SelfAssessment:
    if assessment.status != AssessmentStatus.OPEN:
        raise ValidationError("This round is closed already.")
    assessment.status = AssessmentStatus.CLOSED
    assessment.closed_on = timezone.localdate()
    assessment.save()
    return assessment


def group_of(user: User, organisation_id: int) -> str:
    """Which side of the comparison someone's own scores count on."""
    role = role_in(user, organisation_id)
    if role in STAFF_ROLES:
        return RespondentGroup.STAFF
    if role == Role.PARTICIPANT:
        return RespondentGroup.PARTICIPANT
    raise ValidationError("Only the organisation's staff and participants score its practice.")


@transaction.atomic
def submit_scores(
    assessment: SelfAssessment,
    scores: Mapping[str, int],
    *,
    entered_by: User,
    respondent: User | None = None,
    on_paper: bool = False,
    comment: str = "",
) -> SelfAssessmentResponse:
    """One person's scores. Someone signed in scores for themselves (once a round; staff on the
    staff side, participants on the participants' side), or a facilitator acting for a
    participant scores as them (`respondent`); a facilitator types in a participant's paper
    scores (`on_paper`), which are not linked to anyone."""
    assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != AssessmentStatus.OPEN:
        raise ValidationError("This round has closed, so it is not taking scores any more.")
    problems = practice_questions.check_scores(scores)
    if problems:
        raise ValidationError({key: [message] for key, message in problems.items()})
    group: str
    if on_paper:
        group, respondent = RespondentGroup.PARTICIPANT, None
    else:
        respondent = respondent or entered_by
        group = group_of(respondent, assessment.organisation_id)
        if assessment.responses.filter(respondent=respondent).exists():
            raise ValidationError("You have sent your scores for this round already. Thank you.")
    response = SelfAssessmentResponse.objects.create(
        organisation_id=assessment.organisation_id,
        assessment=assessment,
        group=group,
        respondent=respondent,
        entered_by=entered_by,
        comment=comment.strip(),
    )
    # One by one, not in bulk: every record's creation is written to the audit trail.
    for question in practice_questions.QUESTIONS:
        SelfAssessmentScore.objects.create(
            organisation_id=assessment.organisation_id,
            response=response,
            question_key=question.key,
            score=scores[question.key],
        )
    return response
