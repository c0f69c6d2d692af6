"""Co-review at scale: the outcomes framework page, an indicator's figures, lessons search and
self-assessment results.

    .venv/bin/python bench/review.py [--indicators 200] [--periods 20] [--lessons 5000]
                                     [--responses 2000] [--repeat 10]

Seeds one project with 20 outcomes sharing N indicators, each with P periods of figures; L
lessons across 50 projects; and a self-assessment round with R responses (16 scores each, a
third from staff), all by bulk_create (no audit events are written for the seed). Then times,
through django.test.Client signed in as a commissioning officer, each page beside a bare
view, printing queries, median and p90 milliseconds.
"""

import argparse
import datetime
import sys
import time
from functools import partial
from typing import Any

import harness  # sets up a throw-away environment and starts Django
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), path("", include("coproduce.urls"))]


def seed(indicators: int, periods: int, lessons: int, responses: int) -> dict[str, Any]:
    from decimal import Decimal

    from django.db import transaction

    from coproduce.accounts.models import Membership, Organisation, OrganisationKind, Role, User
    from coproduce.projects import services as project_services
    from coproduce.projects.models import CommissioningLevel, Stage
    from coproduce.review import models as m
    from coproduce.review import practice_questions

    start = datetime.date(2020, 1, 1)
    with transaction.atomic():
        council = Organisation.objects.create(
            name="Benchshire Council", slug="benchshire", kind=OrganisationKind.COUNCIL
        )
        officer = User.objects.create_user("officer", first_name="Chris")
        Membership.objects.create(user=officer, organisation=council, role=Role.COMMISSIONER)
        projects = [
            project_services.create_project(
                council,
                title=f"Project {n:02d}",
                service_area="Adult social care",
                summary="Bench",
                level=CommissioningLevel.OPERATIONAL,
                lead_officer=officer,
                decision_maker=None,
                decision_route="Cabinet",
                budget_envelope=Decimal("1000"),
                involvement_budget=Decimal("100"),
                starts_on=start,
                ends_on=start + datetime.timedelta(days=365),
                scope_open="All",
                scope_fixed="Budget",
            )
            for n in range(50)
        ]
        project = projects[0]
        service = m.Service.objects.create(
            organisation=council, project=project, name="Hub", provider_name="Centre"
        )
        outcomes = m.Outcome.objects.bulk_create(
            m.Outcome(
                organisation=council,
                project=project,
                statement=f"Outcome {n} in people's words",
                whose_words="Reference group",
                order=n,
            )
            for n in range(20)
        )
        made = m.Indicator.objects.bulk_create(
            m.Indicator(
                organisation=council,
                outcome=outcomes[n % len(outcomes)],
                service=service,
                name=f"Indicator {n}",
                unit="%",
                baseline=Decimal("40"),
                target=Decimal("60"),
                frequency=m.Frequency.QUARTERLY,
                data_source="Survey",
                order=n,
            )
            for n in range(indicators)
        )
        m.IndicatorValue.objects.bulk_create(
            m.IndicatorValue(
                organisation=council,
                indicator=indicator,
                period_start=start + datetime.timedelta(days=91 * p),
                period_end=start + datetime.timedelta(days=91 * p + 90),
                value=Decimal(40 + (n + p) % 25),
                source=m.ValueSource.OFFICER,
                entered_by=officer,
            )
            for n, indicator in enumerate(made)
            for p in range(periods)
        )
        stages = {s.project_id: s for s in Stage.objects.filter(project__in=projects)}
        m.Lesson.objects.bulk_create(
            m.Lesson(
                organisation=council,
                project=projects[n % len(projects)],
                stage=stages[projects[n % len(projects)].pk],
                title=f"Lesson {n}",
                what_worked="Meeting carers at the school gate" if n % 10 == 0 else "Surveys",
                what_to_change="Start earlier",
                recorded_by=officer,
            )
            for n in range(lessons)
        )
        assessment = m.SelfAssessment.objects.create(
            organisation=council, title="Spring", created_by=officer, opened_on=start
        )
        made_responses = m.SelfAssessmentResponse.objects.bulk_create(
            m.SelfAssessmentResponse(
                organisation=council,
                assessment=assessment,
                group=m.RespondentGroup.STAFF if n % 3 == 0 else m.RespondentGroup.PARTICIPANT,
                entered_by=officer,
            )
            for n in range(responses)
        )
        m.SelfAssessmentScore.objects.bulk_create(
            (
                m.SelfAssessmentScore(
                    organisation=council,
                    response=response,
                    question_key=question.key,
                    score=1 + (n + k) % 5,
                )
                for n, response in enumerate(made_responses)
                for k, question in enumerate(practice_questions.QUESTIONS)
            ),
            batch_size=5000,
        )
    return {
        "officer": officer,
        "project": project,
        "indicator": made[0],
        "assessment": assessment,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--periods", type=int, default=20)
    parser.add_argument("--lessons", type=int, default=5000)
    parser.add_argument("--responses", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per page (10)")
    arguments = parser.parse_args()
    numbers = (arguments.indicators, arguments.periods, arguments.lessons, arguments.responses)
    if min(*numbers, arguments.repeat) < 1:
        parser.error("every number must be at least 1")

    from django.conf import settings
    from django.test import Client

    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["localhost"]
    with harness.fresh_database():
        began = time.perf_counter()
        seeded = seed(*numbers)
        harness.analyse()
        seconds = time.perf_counter() - began
        client = Client(SERVER_NAME="localhost")
        client.force_login(seeded["officer"])
        pages = [
            ("bare view", "/bench/bare/"),
            ("outcomes framework", f"/review/projects/{seeded['project'].pk}/"),
            ("one indicator", f"/review/indicators/{seeded['indicator'].pk}/"),
            ("lessons, page 1", "/review/lessons/"),
            ("lessons search", "/review/lessons/?q=school+gate"),
            ("self-assessment results", f"/review/self-assessment/{seeded['assessment'].pk}/"),
        ]
        results = []
        for name, url in pages:
            queries, times = harness.measure(partial(client.get, url), arguments.repeat)
            results.append((name, "officer", queries, times))
    print(
        f"Seeded {arguments.indicators} indicators x {arguments.periods} periods, "
        f"{arguments.lessons} lessons, {arguments.responses} self-assessment responses "
        f"in {seconds:.1f} s."
    )
    harness.print_pages(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
