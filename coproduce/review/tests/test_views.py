"""Co-review pages with the Django test client: what each shows, what forms keep when they
are wrong, and bounded queries on list pages."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.accounts.models import Role
from coproduce.feedback.models import Contribution
from coproduce.projects.models import StageKind
from coproduce.review import services
from coproduce.review.models import (
    FindingKind,
    IndicatorValue,
    Lesson,
    ReportStatus,
    ReviewVisit,
    VisitFinding,
    VisitKind,
)
from coproduce.surveys.models import ResponseSource
from coproduce.testing.factories import make_person, make_project, member

from .factories import (
    all_scores,
    make_assessment,
    make_characteristic,
    make_indicator,
    make_outcome,
    make_service,
    make_visit,
    provider_of,
)

pytestmark = pytest.mark.django_db

JAN, MAR = datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_project_page_shows_outcomes_in_peoples_words_with_ratings() -> None:
    project = make_project()
    outcome = make_outcome(project, "I can get a break when I need one")
    indicator = make_indicator(outcome, baseline="40", target="60")
    officer = member(project.organisation, Role.COMMISSIONER)
    services.record_value(
        indicator, period_start=JAN, period_end=MAR, value=Decimal("56"), entered_by=officer
    )
    page = signed_in(officer).get(reverse("review:project", args=[project.pk])).content.decode()
    assert "“I can get a break when I need one”" in page
    assert "In the words of: Carers&#x27; reference group, 3 March 2026" in page
    assert "Amber: close to target" in page
    assert "56%" in page


def test_the_indicator_page_shows_a_chart_and_the_same_figures_as_a_table() -> None:
    indicator = make_indicator(make_outcome(make_project()), baseline="40", target="60")
    officer = member(indicator.organisation, Role.COMMISSIONER)
    services.record_value(
        indicator, period_start=JAN, period_end=MAR, value=Decimal("62"), entered_by=officer
    )
    page = signed_in(officer).get(reverse("review:indicator", args=[indicator.pk])).content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert "1 Jan 2026 to 31 Mar 2026" in page
    assert "Green: target met" in page
    assert 'fill="#00703c"' in page  # the bar is coloured as its rating


def test_a_wrong_figure_says_what_to_do_and_keeps_what_was_typed() -> None:
    indicator = make_indicator(make_outcome(make_project()))
    officer = member(indicator.organisation, Role.COMMISSIONER)
    url = reverse("review:indicator", args=[indicator.pk])
    response = signed_in(officer).post(
        url,
        {"period_start": "2026-03-31", "period_end": "2026-01-01", "value": "55", "note": "Q1"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The end of the period must be on or after its start." in page
    assert 'value="55"' in page and ">Q1</textarea>" in page
    assert not IndicatorValue.objects.exists()
    response = signed_in(officer).post(
        url, {"period_start": "2026-01-01", "period_end": "2026-03-31", "value": "lots"}
    )
    assert "Enter the figure as a number, like 75 or 12.5." in response.content.decode()
    response = signed_in(officer).post(
        url, {"period_start": "2026-01-01", "period_end": "2026-03-31", "value": "55"}
    )
    assert response.status_code == 302
    assert indicator.values.get().value == Decimal("55")


def test_a_facilitator_sees_figures_but_cannot_enter_them() -> None:
    indicator = make_indicator(make_outcome(make_project()))
    facilitator = member(indicator.organisation, Role.FACILITATOR)
    url = reverse("review:indicator", args=[indicator.pk])
    assert "Enter a figure" not in signed_in(facilitator).get(url).content.decode()
    response = signed_in(facilitator).post(
        url, {"period_start": "2026-01-01", "period_end": "2026-03-31", "value": "55"}
    )
    assert response.status_code == 403
    assert not IndicatorValue.objects.exists()


def test_provider_writes_sends_and_an_officer_accepts_a_report() -> None:
    service = make_service()
    indicator = make_indicator(make_outcome(service.project), service)
    provider = signed_in(provider_of(service))
    response = provider.post(
        reverse("review:provider-service", args=[service.pk]),
        {"period_start": "2026-01-01", "period_end": "2026-03-31"},
    )
    report = service.reports.get()
    assert response.headers["Location"] == reverse("review:provider-report", args=[report.pk])
    url = reverse("review:provider-report", args=[report.pk])
    response = provider.post(url, {"commentary": "A good quarter", "send": "1"})
    page = response.content.decode()
    assert f"Enter a figure for: {indicator.name}" in page
    assert "A good quarter</textarea>" in page
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    response = provider.post(
        url, {f"figure_{indicator.pk}": "58", "commentary": "A good quarter", "send": "1"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    officer = signed_in(member(service.organisation, Role.COMMISSIONER))
    staff_url = reverse("review:report", args=[report.pk])
    assert "A good quarter" in officer.get(staff_url).content.decode()
    response = officer.post(staff_url, {"decision": "return"})
    assert "Say what the provider needs to change." in response.content.decode()
    response = officer.post(staff_url, {"decision": "accept"})
    assert response.status_code == 302
    assert indicator.values.get().value == Decimal("58")


def test_a_review_visit_from_record_to_contributions() -> None:
    service = make_service()
    listens = make_characteristic(service)
    facilitator = member(service.organisation, Role.FACILITATOR)
    shopper = make_person(service.organisation)
    client = signed_in(facilitator)
    response = client.post(
        reverse("review:visit-create", args=[service.pk]),
        {
            "kind": VisitKind.MYSTERY_SHOPPING,
            "visited_on": "2026-02-10",
            "reviewers": "Two carers",
            "people": [shopper.pk],
        },
    )
    visit = ReviewVisit.objects.get()
    assert response.headers["Location"] == reverse("review:visit-checklist", args=[visit.pk])
    page = client.get(response.headers["Location"]).content.decode()
    assert "Mystery shopping checklist" in page
    assert "How did you contact the service?" in page
    survey = services.checklist_for(service, visit.kind, facilitator)
    how = survey.questions.get(text="How did you contact the service?")
    response = client.post(
        reverse("review:visit-checklist", args=[visit.pk]),
        {"source": ResponseSource.PAPER, "entry_key": "abc", f"q{how.pk}": "Phone"},
    )
    assert response.headers["Location"] == reverse("review:visit-ratings", args=[visit.pk])
    response = client.post(
        reverse("review:visit-ratings", args=[visit.pk]),
        {f"rating_{listens.pk}": "not_met", f"comment_{listens.pk}": "They rushed us"},
    )
    assert response.status_code == 302
    client.post(
        reverse("review:finding-create", args=[visit.pk]),
        {
            "kind": FindingKind.RECOMMENDATION,
            "text": "Offer a call-back",
            "characteristic": listens.pk,
        },
    )
    page = client.get(reverse("review:visit", args=[visit.pk])).content.decode()
    assert "Phone" in page and "They rushed us" in page and "Offer a call-back" in page
    assert "Send 1 for a decision" in page
    client.post(reverse("review:visit-send", args=[visit.pk]))
    contribution = Contribution.objects.get()
    assert contribution.contributors.get().person == shopper
    page = client.get(reverse("review:visit", args=[visit.pk])).content.decode()
    assert "Waiting for a decision" in page and "Send 1 for a decision" not in page


def test_a_finding_without_words_is_refused_and_keeps_the_choice() -> None:
    visit = make_visit(make_service())
    client = signed_in(member(visit.organisation, Role.FACILITATOR))
    response = client.post(
        reverse("review:finding-create", args=[visit.pk]), {"kind": FindingKind.FINDING}
    )
    page = response.content.decode()
    assert "Enter what they found or recommend, in their words." in page
    assert 'value="finding" checked' in page
    assert not VisitFinding.objects.exists()


def test_lessons_search_keeps_the_words_across_pages(settings) -> None:  # type: ignore[no-untyped-def]
    settings.COPRODUCE_PAGE_SIZE = 2
    project = make_project()
    facilitator = member(project.organisation, Role.FACILITATOR)
    for number in range(3):
        services.save_lesson(
            Lesson(
                project=project,
                stage=project.stages.get(kind=StageKind.ANALYSE),
                title=f"Lesson {number}",
                what_worked="Meeting carers at the school gate",
                recorded_by=facilitator,
            )
        )
    client = signed_in(facilitator)
    page = client.get(reverse("review:lessons"), {"q": "school gate"}).content.decode()
    assert "3 lessons matching “school gate”" in page
    assert "?q=school+gate&amp;stage=&amp;page=2" in page
    page = client.get(reverse("review:lessons"), {"q": "swimming"}).content.decode()
    assert "No lessons match “swimming”" in page


def test_lesson_list_queries_do_not_grow_with_lessons(django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    project = make_project()
    facilitator = member(project.organisation, Role.FACILITATOR)
    client = signed_in(facilitator)

    def add(count: int) -> None:
        for number in range(count):
            services.save_lesson(
                Lesson(
                    project=project,
                    stage=project.stages.get(kind=StageKind.PLAN),
                    title=f"Lesson {number}",
                    what_to_change="Start earlier",
                    recorded_by=facilitator,
                )
            )

    add(2)
    client.get(reverse("review:lessons"))  # warm the session and role caches
    with django_assert_max_num_queries(12):
        assert client.get(reverse("review:lessons")).status_code == 200
    add(18)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("review:lessons")).status_code == 200


def test_project_page_queries_do_not_grow_with_indicators(django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    project = make_project()
    officer = member(project.organisation, Role.COMMISSIONER)
    client = signed_in(officer)
    service = make_service(project)

    def add(outcomes: int) -> None:
        for number in range(outcomes):
            outcome = make_outcome(project, f"Outcome {number}")
            for _ in range(2):
                indicator = make_indicator(outcome, service)
                services.record_value(
                    indicator,
                    period_start=JAN,
                    period_end=MAR,
                    value=Decimal("50"),
                    entered_by=officer,
                )

    add(1)
    client.get(reverse("review:project", args=[project.pk]))
    with django_assert_max_num_queries(18):
        assert client.get(reverse("review:project", args=[project.pk])).status_code == 200
    add(8)
    with django_assert_max_num_queries(18):
        assert client.get(reverse("review:project", args=[project.pk])).status_code == 200


def test_self_assessment_results_side_by_side_with_small_numbers_hidden() -> None:
    assessment = make_assessment(make_project().organisation)
    organisation = assessment.organisation
    officer = member(organisation, Role.COMMISSIONER)
    services.submit_scores(assessment, all_scores(4), entered_by=officer)
    participant = member(organisation, Role.PARTICIPANT)
    client = signed_in(participant)
    url = reverse("review:self-assessment-score", args=[assessment.pk])
    response = client.post(url, {})
    assert "Choose a score for this statement." in response.content.decode()
    response = client.post(url, {key: str(score) for key, score in all_scores(2).items()})
    assert "Scores sent" in response.content.decode()
    assert assessment.responses.filter(respondent=participant, group="participant").exists()
    page = (
        signed_in(officer)
        .get(reverse("review:self-assessment", args=[assessment.pk]))
        .content.decode()
    )
    assert "fewer than 5 people who use services and carers answered" in page
    assert "Hidden: too few answered" in page
    assert "4.0" in page
    for _ in range(4):
        services.submit_scores(
            assessment, all_scores(2), entered_by=member(organisation, Role.PARTICIPANT)
        )
    page = (
        signed_in(officer)
        .get(reverse("review:self-assessment", args=[assessment.pk]))
        .content.decode()
    )
    assert "Hidden: too few answered" not in page
    assert "2.0" in page


def test_participants_find_open_rounds_and_the_easy_read_wording() -> None:
    assessment = make_assessment(make_project().organisation)
    client = signed_in(member(assessment.organisation, Role.PARTICIPANT))
    page = client.get(reverse("review:take-part")).content.decode()
    assert assessment.title in page
    page = client.get(
        reverse("review:self-assessment-score", args=[assessment.pk]), {"format": "easy-read"}
    ).content.decode()
    assert "We tell people what changed because of them" in page


def test_a_facilitator_enters_paper_scores() -> None:
    assessment = make_assessment(make_project().organisation)
    facilitator = member(assessment.organisation, Role.FACILITATOR)
    response = signed_in(facilitator).post(
        reverse("review:self-assessment-paper", args=[assessment.pk]),
        {key: str(score) for key, score in all_scores(5).items()},
    )
    assert response.status_code == 302
    response_made = assessment.responses.get()
    assert (response_made.group, response_made.respondent, response_made.entered_by) == (
        "participant",
        None,
        facilitator,
    )
