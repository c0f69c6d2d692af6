"""Moderation page and marks spreadsheet of a big tender, against a bare Django view.

    .venv/bin/python bench/procurement.py [--bidders 20] [--questions 40] [--evaluators 8]
                                          [--repeat 20]

Makes a fresh database for the run (see harness.py) and seeds one tender with one lot, N
bidders each with a submitted bid, M questions in four criteria, E evaluators (half lay, half
officers) who have all scored every answer, and an agreed (moderated) score for every answer,
with bulk_create, so no audit events are written for them. Then times the moderation page of
one question and the marks spreadsheet (XLSX) through django.test.Client.
"""

import argparse
import sys
import time
from functools import partial
from typing import Any

import harness  # sets up a throw-away environment and starts Django
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

CRITERIA = 4


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("coproduce.urls")),
]


def seed(bidders: int, questions: int, evaluators: int) -> dict[str, Any]:
    import datetime
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from coproduce.accounts.models import Membership, Organisation, OrganisationKind, Role, User
    from coproduce.people.models import Person
    from coproduce.procurement.models import (
        Answer,
        Bid,
        Bidder,
        BidStatus,
        Criterion,
        Evaluator,
        EvaluatorKind,
        Lot,
        Moderation,
        Question,
        Score,
        ScoreDescriptor,
        ScoreStatus,
        Tender,
        TenderStatus,
    )
    from coproduce.projects.models import CommissioningLevel
    from coproduce.projects.services import create_project

    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        council = Organisation.objects.create(
            name="Benchshire Council", slug="benchshire", kind=OrganisationKind.COUNCIL
        )
        lead = User.objects.create_user(username="lead", first_name="Lead", last_name="Officer")
        officers = [
            User.objects.create_user(username=f"officer{n}", first_name="Officer", last_name=str(n))
            for n in range(evaluators - evaluators // 2)
        ]
        Membership.objects.bulk_create(
            Membership(user=user, organisation=council, role=Role.COMMISSIONER)
            for user in [lead, *officers]
        )
        project = create_project(
            council,
            title="Carers' support service",
            service_area="Adult social care",
            summary="Recommissioning support for carers.",
            level=CommissioningLevel.OPERATIONAL,
            lead_officer=lead,
            decision_route="Cabinet member decision.",
            budget_envelope=Decimal("1000000.00"),
            involvement_budget=Decimal("10000.00"),
            starts_on=today,
            ends_on=today + datetime.timedelta(days=365),
            scope_open="What the service offers.",
            scope_fixed="The total budget.",
            how_to_get_involved="Join the panel.",
        )
        tender = Tender.objects.create(
            organisation=council,
            project=project,
            title="Carers' support service",
            reference="BENCH-1",
            status=TenderStatus.SCORING,
            created_by=lead,
        )
        lot = Lot.objects.create(
            organisation=council, tender=tender, number=1, title="Whole county"
        )
        ScoreDescriptor.objects.bulk_create(
            ScoreDescriptor(organisation=council, tender=tender, score=s, meaning=f"Score {s}")
            for s in range(5)
        )
        criteria = Criterion.objects.bulk_create(
            Criterion(
                organisation=council,
                tender=tender,
                position=n + 1,
                name=f"Criterion {n + 1}",
                weight=Decimal(70) / CRITERIA,
            )
            for n in range(CRITERIA)
        )
        question_rows = Question.objects.bulk_create(
            Question(
                organisation=council,
                tender=tender,
                criterion=criteria[n % CRITERIA],
                number=n + 1,
                text=f"How will you support carers? Part {n + 1}.",
                weight=(Decimal(70) / questions).quantize(Decimal("0.01")),
                moderation_opened_at=now,
            )
            for n in range(questions)
        )
        bidder_rows = Bidder.objects.bulk_create(
            Bidder(organisation=council, tender=tender, name=f"Bidder {n + 1:02d}")
            for n in range(bidders)
        )
        bids = Bid.objects.bulk_create(
            Bid(
                organisation=council,
                tender=tender,
                lot=lot,
                bidder=bidder,
                price=Decimal(800000 + 5000 * n),
                status=BidStatus.SUBMITTED,
                submitted_at=now,
            )
            for n, bidder in enumerate(bidder_rows)
        )
        answers = Answer.objects.bulk_create(
            (
                Answer(
                    organisation=council,
                    bid=bid,
                    question=question,
                    text="We will support carers. " * 40,
                    word_count=160,
                )
                for bid in bids
                for question in question_rows
            ),
            batch_size=2000,
        )
        people = Person.objects.bulk_create(
            Person(organisation=council, name=f"Lay Person {n}", email=f"lay{n}@example.org")
            for n in range(evaluators // 2)
        )
        panel = Evaluator.objects.bulk_create(
            [
                *(
                    Evaluator(
                        organisation=council,
                        tender=tender,
                        kind=EvaluatorKind.LAY,
                        person=person,
                        code=f"Lay evaluator {n + 1}",
                    )
                    for n, person in enumerate(people)
                ),
                *(
                    Evaluator(
                        organisation=council,
                        tender=tender,
                        kind=EvaluatorKind.OFFICER,
                        user=user,
                        code=f"Officer {n + 1}",
                    )
                    for n, user in enumerate(officers)
                ),
            ]
        )
        Score.objects.bulk_create(
            (
                Score(
                    organisation=council,
                    evaluator=evaluator,
                    answer=answer,
                    score=(i + j) % 5,
                    justification="Clear plan for carers.",
                    status=ScoreStatus.SUBMITTED,
                    entered_by=lead,
                    submitted_at=now,
                )
                for i, answer in enumerate(answers)
                for j, evaluator in enumerate(panel)
            ),
            batch_size=2000,
        )
        Moderation.objects.bulk_create(
            (
                Moderation(
                    organisation=council,
                    answer=answer,
                    consensus_score=i % 5,
                    rationale="The panel agreed after discussion.",
                    moderated_by=lead,
                    moderated_at=now,
                )
                for i, answer in enumerate(answers)
            ),
            batch_size=2000,
        )
    return {"user": lead, "tender": tender, "question": question_rows[0], "answers": len(answers)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bidders", type=int, default=20)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--evaluators", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page (20)")
    arguments = parser.parse_args()
    if min(arguments.bidders, arguments.questions, arguments.repeat) < 1 or (
        arguments.evaluators < 2
    ):
        parser.error("every count must be at least 1, and at least 2 evaluators")

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["localhost"]
    with harness.fresh_database():
        began = time.perf_counter()
        seeded = seed(arguments.bidders, arguments.questions, arguments.evaluators)
        harness.analyse()
        seconds = time.perf_counter() - began

        staff = Client(SERVER_NAME="localhost")
        staff.force_login(seeded["user"])
        tender = seeded["tender"]
        pages = [
            ("bare view", "staff", staff, "/bench/bare/"),
            (
                "moderation page, one question",
                "staff",
                staff,
                reverse("procurement:moderation", args=[seeded["question"].pk]),
            ),
            ("totals and ranking", "staff", staff, reverse("awards:totals", args=[tender.pk])),
            ("marks spreadsheet (XLSX)", "staff", staff, reverse("awards:marks", args=[tender.pk])),
        ]
        results = []
        for name, who, client, url in pages:
            queries, times = harness.measure(partial(client.get, url), arguments.repeat)
            results.append((name, who, queries, times))
        print(
            f"1 tender: {arguments.bidders} bidders x {arguments.questions} questions x "
            f"{arguments.evaluators} evaluators ({seeded['answers']} answers, "
            f"{seeded['answers'] * arguments.evaluators} scores) seeded in {seconds:.1f}s on "
            f"{connection.vendor}; {arguments.repeat} timed requests a page"
        )
        harness.print_pages(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
