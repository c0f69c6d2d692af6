"""Rules of co-review, tested through the services."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coproduce.accounts.models import Role
from coproduce.audit.models import AuditEvent
from coproduce.feedback import services as feedback_services
from coproduce.feedback.models import Contribution, ContributionKind
from coproduce.feedback.tests.factories import make_decision
from coproduce.projects.models import StageKind
from coproduce.review import selectors, services
from coproduce.review.models import (
    AssessmentStatus,
    FindingKind,
    Indicator,
    IndicatorValue,
    Lesson,
    ProviderReport,
    Rating,
    ReportStatus,
    RespondentGroup,
    Service,
    ValueSource,
    VisitFinding,
    VisitKind,
)
from coproduce.review.rag import Rating as Rag
from coproduce.surveys.models import ResponseSource, SurveyStatus
from coproduce.testing.factories import make_person, make_project, member

from .factories import (
    all_scores,
    make_assessment,
    make_characteristic,
    make_indicator,
    make_outcome,
    make_service,
    make_visit,
    new_organisation,
    provider_of,
)

pytestmark = pytest.mark.django_db

JAN, MAR = datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)
APR, JUN = datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)


# Services --------------------------------------------------------------------------------


def test_only_provider_users_report_on_a_service() -> None:
    project = make_project()
    officer = member(project.organisation, Role.COMMISSIONER)
    with pytest.raises(ValidationError) as error:
        services.save_service(
            Service(project=project, name="Hub", provider_name="Centre"), [officer]
        )
    assert "provider role" in error.value.message_dict["provider_users"][0]
    assert not Service.objects.exists()


def test_changing_a_service_sets_exactly_the_chosen_provider_users() -> None:
    service = make_service()
    first = provider_of(service)
    second = member(service.organisation, Role.PROVIDER)
    services.save_service(service, [second])
    assert list(service.provider_links.values_list("user_id", flat=True)) == [second.pk]
    assert first.pk not in service.provider_links.values_list("user_id", flat=True)


def test_a_project_names_each_service_once() -> None:
    service = make_service(name="Carers' hub")
    with pytest.raises(ValidationError, match="already has a service"):
        services.save_service(
            Service(project=service.project, name="carers' HUB", provider_name="Other"), []
        )


# The outcomes framework ------------------------------------------------------------------


def test_an_indicator_reported_by_a_service_must_be_of_that_project() -> None:
    service = make_service()
    other = make_service(make_project(service.organisation, title="Other project"))
    outcome = make_outcome(service.project)
    with pytest.raises(ValidationError) as error:
        make_indicator(outcome, other)
    assert error.value.message_dict["service"] == ["Choose a service of this project."]


def test_a_period_is_recorded_once_and_corrected_in_place() -> None:
    service = make_service()
    indicator = make_indicator(make_outcome(service.project))
    officer = member(service.organisation, Role.COMMISSIONER)
    services.record_value(
        indicator, period_start=JAN, period_end=MAR, value=Decimal("45"), entered_by=officer
    )
    services.record_value(
        indicator, period_start=JAN, period_end=MAR, value=Decimal("47"), entered_by=officer
    )
    assert list(indicator.values.values_list("value", flat=True)) == [Decimal("47")]
    changes = AuditEvent.objects.filter(model="review.indicatorvalue", action="update")
    assert changes.count() == 1


def test_a_period_must_end_after_it_starts() -> None:
    indicator = make_indicator(make_outcome(make_project()))
    with pytest.raises(ValidationError) as error:
        services.record_value(
            indicator,
            period_start=MAR,
            period_end=JAN,
            value=Decimal("1"),
            entered_by=member(indicator.organisation, Role.COMMISSIONER),
        )
    assert "period_end" in error.value.message_dict
    assert not IndicatorValue.objects.exists()


def test_framework_rates_each_indicator_by_its_latest_figure() -> None:
    project = make_project()
    officer = member(project.organisation, Role.COMMISSIONER)
    outcome = make_outcome(project)
    breaks = make_indicator(outcome, baseline="40", target="60")
    waiting = make_indicator(
        outcome,
        name="Days waiting for an assessment",
        baseline="28",
        target="14",
        direction="lower",
        unit=" days",
    )
    make_indicator(outcome, name="Not measured yet")
    for period_start, period_end, value in ((JAN, MAR, "62"), (APR, JUN, "56")):
        services.record_value(
            breaks,
            period_start=period_start,
            period_end=period_end,
            value=Decimal(value),
            entered_by=officer,
        )
    services.record_value(
        waiting, period_start=JAN, period_end=MAR, value=Decimal("30"), entered_by=officer
    )
    [item] = selectors.framework(project)
    ratings = {f.indicator.name: f.rating for f in item.indicators}
    assert ratings == {
        breaks.name: Rag.AMBER,  # 56: 4 short of 60, within a quarter of 20
        waiting.name: Rag.RED,
        "Not measured yet": Rag.NONE,
    }
    breaks_figures = item.indicators[0]
    assert [p.rating for p in breaks_figures.points] == [Rag.GREEN, Rag.AMBER]
    assert selectors.rating_counts([item]) == {
        Rag.GREEN: 0,
        Rag.AMBER: 1,
        Rag.RED: 1,
        Rag.NONE: 1,
    }


def test_chart_bars_are_in_period_order_and_scaled_from_zero() -> None:
    indicator = make_indicator(make_outcome(make_project()), baseline="0", target="100")
    officer = member(indicator.organisation, Role.COMMISSIONER)
    services.record_value(
        indicator, period_start=APR, period_end=JUN, value=Decimal("50"), entered_by=officer
    )
    services.record_value(
        indicator, period_start=JAN, period_end=MAR, value=Decimal("100"), entered_by=officer
    )
    figures = selectors.indicator_figures(indicator)
    assert [p.value.period_start for p in figures.points] == [JAN, APR]
    assert figures.target_y == Decimal("0.0")  # the target is the top of the scale
    assert figures.points[0].bar_height == Decimal(selectors.CHART_HEIGHT)
    assert figures.points[1].bar_height == Decimal(selectors.CHART_HEIGHT) / 2


# Providers' reports ----------------------------------------------------------------------


def _report_ready() -> tuple[Service, Indicator, ProviderReport]:
    service = make_service()
    outcome = make_outcome(service.project)
    indicator = make_indicator(outcome, service)
    report = services.start_report(service, period_start=JAN, period_end=MAR)
    return service, indicator, report


def test_a_report_needs_every_indicator_before_it_is_sent() -> None:
    service, indicator, report = _report_ready()
    provider = provider_of(service)
    with pytest.raises(ValidationError) as error:
        services.submit_report(report, provider)
    assert error.value.message_dict["figures"] == [f"Enter a figure for: {indicator.name}"]
    services.save_report(
        report, figures={indicator.pk: (Decimal("58"), "Good quarter")}, commentary=""
    )
    sent = services.submit_report(report, provider)
    assert sent.status == ReportStatus.SUBMITTED
    with pytest.raises(ValidationError, match="sent, so it cannot be changed"):
        services.save_report(sent, figures={}, commentary="Changed")


def test_a_report_may_only_report_the_services_indicators() -> None:
    service, _indicator, report = _report_ready()
    stray = make_indicator(make_outcome(service.project))
    with pytest.raises(ValidationError, match="not one this service reports"):
        services.save_report(report, figures={stray.pk: (Decimal("1"), "")}, commentary="")


def test_accepting_a_report_makes_its_figures_the_indicators_figures() -> None:
    service, indicator, report = _report_ready()
    services.save_report(report, figures={indicator.pk: (Decimal("58"), "")}, commentary="")
    services.submit_report(report, provider_of(service))
    officer = member(service.organisation, Role.COMMISSIONER)
    accepted = services.accept_report(report, officer)
    assert accepted.status == ReportStatus.ACCEPTED
    [value] = IndicatorValue.objects.filter(indicator=indicator)
    assert (value.value, value.source, value.report_id) == (
        Decimal("58"),
        ValueSource.PROVIDER_REPORT,
        report.pk,
    )
    with pytest.raises(ValidationError, match="waiting for review"):
        services.accept_report(report, officer)


def test_returning_a_report_needs_comments_and_lets_the_provider_change_it() -> None:
    service, indicator, report = _report_ready()
    services.save_report(report, figures={indicator.pk: (Decimal("58"), "")}, commentary="")
    services.submit_report(report, provider_of(service))
    officer = member(service.organisation, Role.COMMISSIONER)
    with pytest.raises(ValidationError) as error:
        services.return_report(report, officer, "  ")
    assert error.value.message_dict["comments"] == ["Say what the provider needs to change."]
    returned = services.return_report(report, officer, "Say how many carers answered.")
    assert returned.status == ReportStatus.RETURNED and returned.editable
    services.save_report(
        returned, figures={indicator.pk: (Decimal("57"), "")}, commentary="120 answered"
    )
    assert services.submit_report(returned, provider_of(service)).status == ReportStatus.SUBMITTED
    assert not IndicatorValue.objects.exists()


def test_one_report_per_period() -> None:
    service, _indicator, _report = _report_ready()
    with pytest.raises(ValidationError, match="already a report"):
        services.start_report(service, period_start=JAN, period_end=MAR)


# Review visits ---------------------------------------------------------------------------


def test_a_visit_is_recorded_with_the_surveys_template_which_takes_no_online_answers() -> None:
    service = make_service()
    visit = make_visit(service)
    survey = services.checklist_for(service, VisitKind.MYSTERY_SHOPPING, visit.recorded_by)
    assert survey.template_key == "mystery_shopping"
    assert survey.status == SurveyStatus.CLOSED
    assert survey.questions.count() == 6
    young = make_visit(service, kind=VisitKind.YOUNG_INSPECTORS)
    other = services.checklist_for(service, young.kind, young.recorded_by)
    assert other.template_key == "service_user_satisfaction" and other.pk != survey.pk
    # The same survey for the next visit of the same kind, so results add up.
    make_visit(service)
    assert services.checklist_for(service, VisitKind.MYSTERY_SHOPPING, visit.recorded_by) == survey


def test_the_checklist_goes_through_the_surveys_rules_and_is_saved_once() -> None:
    service = make_service()
    visit = make_visit(service)
    survey = services.checklist_for(service, visit.kind, visit.recorded_by)
    questions = {q.text: q for q in survey.questions.all()}
    how = questions["How did you contact the service?"]
    with pytest.raises(ValidationError) as error:
        services.record_checklist(
            visit,
            {how.pk: "Carrier pigeon"},
            source=ResponseSource.PAPER,
            entry_key="k1",
            entered_by=visit.recorded_by,
        )
    assert f"q{how.pk}" in error.value.message_dict
    values = {how.pk: "Phone", questions["Overall, how was your experience?"].pk: "Good"}
    done = services.record_checklist(
        visit, values, source=ResponseSource.PAPER, entry_key="k2", entered_by=visit.recorded_by
    )
    again = services.record_checklist(
        visit, values, source=ResponseSource.PAPER, entry_key="k2", entered_by=visit.recorded_by
    )
    assert done.checklist_response_id == again.checklist_response_id
    assert survey.responses.count() == 1
    with pytest.raises(ValidationError, match="recorded already"):
        services.record_checklist(
            visit,
            values,
            source=ResponseSource.PAPER,
            entry_key="k3",
            entered_by=visit.recorded_by,
        )


def test_a_visit_cannot_be_in_the_future() -> None:
    service = make_service()
    with pytest.raises(ValidationError) as error:
        make_visit(service, visited_on=timezone.localdate() + datetime.timedelta(days=1))
    assert "visited_on" in error.value.message_dict


def test_visits_rate_the_service_against_its_own_quality_characteristics() -> None:
    service = make_service()
    listens = make_characteristic(service)
    other = make_characteristic(make_service(make_project(service.organisation, title="B")))
    visit = make_visit(service)
    with pytest.raises(ValidationError, match="not one of this service's"):
        services.rate_visit(visit, {other.pk: (Rating.MET, "")})
    services.rate_visit(visit, {listens.pk: (Rating.PARTLY, "Rushed at the end")})
    [rating] = visit.ratings.all()
    assert (rating.rating, rating.comment) == (Rating.PARTLY, "Rushed at the end")
    services.rate_visit(visit, {listens.pk: ("", "")})
    assert not visit.ratings.exists()


def test_findings_become_contributions_that_must_get_a_decision() -> None:
    service = make_service()
    reviewer = make_person(service.organisation)
    visit = make_visit(service, people=[reviewer])
    listens = make_characteristic(service)
    finding = services.add_finding(
        VisitFinding(
            visit=visit,
            kind=FindingKind.FINDING,
            text="Nobody answered the phone for 20 minutes.",
            characteristic=listens,
        )
    )
    recommendation = services.add_finding(
        VisitFinding(visit=visit, kind=FindingKind.RECOMMENDATION, text="Offer a call-back.")
    )
    sent = services.send_findings_for_decision(visit)
    assert {f.pk for f in sent} == {finding.pk, recommendation.pk}
    contributions = Contribution.objects.filter(kind=ContributionKind.REVIEW_FINDING)
    assert contributions.count() == 2
    made = Contribution.objects.get(review_finding=finding)
    assert made.project_id == service.project_id
    assert made.stage.kind == StageKind.REVIEW
    assert made.source == visit
    assert "Nobody answered the phone" in made.summary
    assert list(made.contributors.values_list("person_id", flat=True)) == [reviewer.pk]
    # Nothing new: nothing sent twice.
    with pytest.raises(ValidationError, match="nothing new to send"):
        services.send_findings_for_decision(visit)
    assert contributions.count() == 2
    # Once sent, a finding stays: the decision-maker answers it.
    finding.refresh_from_db()
    with pytest.raises(ValidationError, match="cannot be removed"):
        services.delete_finding(finding)
    # Its decision shows on the visit.
    decision = make_decision(service.project)
    feedback_services.respond(
        decision=decision,
        contribution=made,
        outcome="adopted",
        reason="",
        recorded_by=decision.recorded_by,
    )
    [shown, _other] = sorted(selectors.findings_of(visit), key=lambda f: f.pk)
    assert shown.contribution is not None
    assert shown.contribution.response.outcome == "adopted"


def test_a_finding_must_be_about_the_visited_services_characteristic() -> None:
    service = make_service()
    stray = make_characteristic(make_service(make_project(service.organisation, title="B")))
    visit = make_visit(service)
    with pytest.raises(ValidationError) as error:
        services.add_finding(
            VisitFinding(visit=visit, kind=FindingKind.FINDING, text="x", characteristic=stray)
        )
    assert "characteristic" in error.value.message_dict


# Lessons ---------------------------------------------------------------------------------


def _lesson(project, **fields) -> Lesson:
    values = {
        "project": project,
        "stage": project.stages.get(kind=StageKind.PLAN),
        "title": "Pay carers on the day",
        "recorded_by": member(project.organisation, Role.FACILITATOR),
    }
    values.update(fields)
    return services.save_lesson(Lesson(**values))


def test_a_lesson_says_something_and_belongs_to_a_stage_of_its_project() -> None:
    project = make_project()
    with pytest.raises(ValidationError, match="what worked, what did not"):
        _lesson(project)
    other = make_project(project.organisation, title="Other")
    with pytest.raises(ValidationError) as error:
        _lesson(project, stage=other.stages.first(), what_worked="x")
    assert "stage" in error.value.message_dict


def test_lessons_are_searchable_across_the_organisation_and_nowhere_else() -> None:
    project = make_project(title="Carers' support service")
    other_project = make_project(project.organisation, title="SEND short breaks")
    _lesson(project, what_worked="Paying carers on the day built trust.")
    _lesson(
        other_project,
        title="Book interpreters early",
        stage=other_project.stages.get(kind=StageKind.ANALYSE),
        what_to_change="Book BSL interpreters six weeks ahead.",
    )
    elsewhere = make_project(new_organisation(), title="Carers elsewhere")
    _lesson(elsewhere, what_worked="Paying carers on the day.")
    organisation = project.organisation
    assert [lesson.title for lesson in selectors.search_lessons(organisation, "carers day")] == [
        "Pay carers on the day"
    ]
    assert [lesson.title for lesson in selectors.search_lessons(organisation, "BSL")] == [
        "Book interpreters early"
    ]
    assert [lesson.title for lesson in selectors.search_lessons(organisation, "short breaks")] == [
        "Book interpreters early"
    ]
    assert selectors.search_lessons(organisation, stage_kind=StageKind.ANALYSE).count() == 1
    assert selectors.search_lessons(organisation).count() == 2


# The self-assessment ---------------------------------------------------------------------


def test_staff_and_participants_score_on_their_own_sides_once_each() -> None:
    assessment = make_assessment(new_organisation())
    organisation = assessment.organisation
    officer = member(organisation, Role.COMMISSIONER)
    participant = member(organisation, Role.PARTICIPANT)
    provider = member(organisation, Role.PROVIDER)
    staff_side = services.submit_scores(assessment, all_scores(4), entered_by=officer)
    their_side = services.submit_scores(assessment, all_scores(2), entered_by=participant)
    assert (staff_side.group, their_side.group) == (
        RespondentGroup.STAFF,
        RespondentGroup.PARTICIPANT,
    )
    assert staff_side.scores.count() == len(all_scores())
    with pytest.raises(ValidationError, match="already"):
        services.submit_scores(assessment, all_scores(5), entered_by=officer)
    with pytest.raises(ValidationError, match="staff and participants"):
        services.submit_scores(assessment, all_scores(5), entered_by=provider)


def test_a_facilitator_enters_paper_scores_and_scores_as_a_participant_they_act_for() -> None:
    assessment = make_assessment(new_organisation())
    facilitator = member(assessment.organisation, Role.FACILITATOR)
    participant = member(assessment.organisation, Role.PARTICIPANT)
    paper = services.submit_scores(assessment, all_scores(3), entered_by=facilitator, on_paper=True)
    paper_again = services.submit_scores(
        assessment, all_scores(3), entered_by=facilitator, on_paper=True
    )
    assert paper.group == paper_again.group == RespondentGroup.PARTICIPANT
    assert paper.respondent is None
    assisted = services.submit_scores(
        assessment, all_scores(3), entered_by=facilitator, respondent=participant
    )
    assert (assisted.group, assisted.respondent, assisted.entered_by) == (
        RespondentGroup.PARTICIPANT,
        participant,
        facilitator,
    )


def test_every_statement_needs_a_score_and_nothing_is_saved_otherwise() -> None:
    assessment = make_assessment(new_organisation())
    scores = all_scores()
    key = next(iter(scores))
    scores[key] = 9
    with pytest.raises(ValidationError) as error:
        services.submit_scores(
            assessment, scores, entered_by=member(assessment.organisation, Role.COMMISSIONER)
        )
    assert error.value.message_dict[key] == ["Choose a score from 1 to 5."]
    assert not assessment.responses.exists()


def test_a_closed_round_takes_no_scores() -> None:
    assessment = services.close_self_assessment(make_assessment(new_organisation()))
    assert assessment.status == AssessmentStatus.CLOSED
    with pytest.raises(ValidationError, match="closed"):
        services.submit_scores(
            assessment, all_scores(), entered_by=member(assessment.organisation, Role.COMMISSIONER)
        )


def test_participants_averages_are_hidden_until_five_have_answered() -> None:
    assessment = make_assessment(new_organisation())
    organisation = assessment.organisation
    services.submit_scores(
        assessment, all_scores(4), entered_by=member(organisation, Role.COMMISSIONER)
    )
    for _ in range(4):
        services.submit_scores(
            assessment, all_scores(2), entered_by=member(organisation, Role.PARTICIPANT)
        )
    results = selectors.results(assessment)
    assert results.staff_count == 1
    assert results.participant_count.suppressed
    assert all(row.staff.average == Decimal("4.0") for row in results.areas)
    assert all(
        row.participants.hidden and row.participants.average is None for row in results.areas
    )
    services.submit_scores(
        assessment, all_scores(3), entered_by=member(organisation, Role.PARTICIPANT)
    )
    results = selectors.results(assessment)
    assert results.participant_count.value == 5
    # Four people scored 2 and one scored 3: 11 / 5 = 2.2 on every statement.
    assert all(row.participants.average == Decimal("2.2") for row in results.areas)
    assert all(
        row.participants.average == Decimal("2.2")
        for rows in results.questions.values()
        for row in rows
    )


def test_history_puts_rounds_oldest_first() -> None:
    organisation = new_organisation()
    first = make_assessment(organisation, "Spring 2026")
    officer = member(organisation, Role.COMMISSIONER)
    services.submit_scores(first, all_scores(2), entered_by=officer)
    services.close_self_assessment(first)
    second = make_assessment(organisation, "Autumn 2026")
    services.submit_scores(second, all_scores(4), entered_by=officer)
    rounds = selectors.history(organisation)
    assert [r.assessment.title for r in rounds] == ["Spring 2026", "Autumn 2026"]
    assert [r.areas[0].staff.average for r in rounds] == [Decimal("2.0"), Decimal("4.0")]
