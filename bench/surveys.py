"""Survey results, cross-tabulation and exports at scale.

    .venv/bin/python bench/surveys.py [--responses 100000] [--equality-responses 100000]
                                      [--export-responses 25000] [--repeat 5]

Makes a fresh database for the run (see harness.py). Seeds, with bulk_create (no audit events):

- a survey with `--responses` sent responses (choose-one, scale, choose-all and a comment from
  one in three), then builds its running counts as after a bulk load (`rebuild_tallies`, timed),
  and times the results page (all responses, filtered by source, filtered by an answer) and a
  cross-tabulation (by source, by area and by another question) through django.test.Client:
  median ms and queries. Then, side by side in the same run, the results worked out from the
  running counts and from the answers themselves (the way before ADR 10), without the page;
- an identified survey answered by `--equality-responses` people in the register, each with
  equality answers (encrypted), an equality consent and a community, and times its
  cross-tabulations by age (decrypted one by one: the database cannot group encrypted values)
  and by community;
- a survey of 10 questions with `--export-responses` responses (10 answers each: 250,000 by
  default), then downloads its CSV and Excel exports in a fresh child process each, and reports
  rows a second, the child's peak resident memory (whole process, getrusage) and its growth
  while exporting, and the peak Python allocation while exporting (tracemalloc, a second run).
"""

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from functools import partial
from typing import Any

import harness  # sets up a throw-away environment and starts Django

AREAS = [f"NS{n}" for n in range(1, 21)]
COMMENTS = [
    "More breaks at weekends please",
    "The staff are kind but always in a hurry",
    "It is hard to get through on the phone",
    "Information came too late for me to plan",
    "I would like an evening group for working carers",
]
AGREE = ["Strongly agree", "Agree", "Neither", "Disagree", "Strongly disagree"]
USED = ["Advice", "Breaks", "Groups", "Training", "Something else"]
CHUNK = 5000


def _user_and_organisation() -> tuple[Any, Any]:
    from coproduce.accounts.models import Membership, Organisation, OrganisationKind, Role, User

    council = Organisation.objects.create(
        name="Benchshire Council", slug="benchshire", kind=OrganisationKind.COUNCIL
    )
    user = User.objects.create_user(username="officer", first_name="Fran", last_name="Bench")
    Membership.objects.create(
        user=user, organisation=council, role=Role.FACILITATOR, equality_data_access=True
    )
    return council, user


def _survey(council: Any, title: str, kinds: list[tuple[str, list[str], list[str]]]) -> Any:
    from coproduce.surveys import services
    from coproduce.surveys.models import Question, Survey

    survey = services.save_survey(Survey(organisation=council, title=title))
    for kind, options, rows in kinds:
        services.save_question(
            Question(
                survey=survey,
                kind=kind,
                text=f"{kind.replace('_', ' ').capitalize()} question",
                options=options,
                rows=rows,
                required=False,
            )
        )
    services.open_survey(survey)
    return survey


def _bulk(survey: Any, count: int, answer: Any, randomly: random.Random, people: Any = None) -> int:
    """`count` sent responses with the answers `answer(question, randomly)` gives (None: none),
    each from the next of `people` (ids) if given."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from coproduce.surveys.models import Answer, Response, ResponseSource, new_token
    from coproduce.surveys.services import questions_in_order

    questions = questions_in_order(survey)
    sources = list(ResponseSource)
    now = timezone.now()
    made = 0
    for start in range(0, count, CHUNK):
        size = min(CHUNK, count - start)
        with transaction.atomic():
            responses = Response.objects.bulk_create(
                Response(
                    organisation_id=survey.organisation_id,
                    survey=survey,
                    person_id=next(people) if people is not None else None,
                    source=sources[randomly.randrange(len(sources))],
                    status="submitted",
                    resume_token=new_token(),
                    area=AREAS[randomly.randrange(len(AREAS))],
                    submitted_at=now - datetime.timedelta(minutes=start + n),
                )
                for n in range(size)
            )
            answers = []
            for response in responses:
                for question in questions:
                    values = answer(question, randomly)
                    if values is not None:
                        answers.append(
                            Answer(
                                organisation_id=survey.organisation_id,
                                response=response,
                                question=question,
                                **values,
                            )
                        )
            Answer.objects.bulk_create(answers, batch_size=2000)
            made += len(answers)
    return made


def _identified(council: Any, count: int, randomly: random.Random) -> Any:
    """An identified survey of one choose-one question, answered by `count` people with
    equality answers (age only), equality consent and one of three communities."""
    from django.utils import timezone

    from coproduce.equality.models import AgeBand, EqualityAnswers
    from coproduce.people.models import (
        Community,
        CommunityMembership,
        Consent,
        ConsentMethod,
        ConsentPurpose,
        Person,
    )

    survey = _survey(council, "Identified", [("single_choice", ["Yes", "No", "Not sure"], [])])
    survey.anonymous = False
    survey.save()
    communities = [
        Community.objects.create(organisation=council, name=name, kind="interest")
        for name in ("Parent carers", "Young carers", "Deaf community")
    ]
    ages = list(AgeBand.values)
    now = timezone.now()
    for start in range(0, count, CHUNK):
        size = min(CHUNK, count - start)
        people = Person.objects.bulk_create(
            Person(organisation=council, name=f"Respondent {start + n}") for n in range(size)
        )
        EqualityAnswers.objects.bulk_create(
            EqualityAnswers(organisation=council, person=person, age_band=randomly.choice(ages))
            for person in people
        )
        Consent.objects.bulk_create(
            Consent(
                organisation=council,
                person=person,
                purpose=ConsentPurpose.EQUALITY,
                given_at=now,
                method=ConsentMethod.ONLINE,
            )
            for person in people
        )
        CommunityMembership.objects.bulk_create(
            CommunityMembership(
                organisation=council, person=person, community=randomly.choice(communities)
            )
            for person in people
        )
    people_ids = iter(Person.objects.filter(organisation=council).values_list("pk", flat=True))
    _bulk(survey, count, _results_answer, randomly, people=people_ids)
    return survey


def _timed_calls(call: Any, repeat: int) -> tuple[int, list[float]]:
    """As harness.measure, for a function rather than a page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()
    with CaptureQueriesContext(connection) as queries:
        call()
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return len(queries), times


def _results_answer(question: Any, randomly: random.Random) -> dict[str, Any] | None:
    kind = question.kind
    if kind in ("single_choice", "scale"):
        return {"choice": randomly.choice(question.options)}
    if kind == "multiple_choice":
        return {"choices": [o for o in question.options if randomly.random() < 0.4]}
    if kind == "long_text":
        return {"text": randomly.choice(COMMENTS)} if randomly.random() < 1 / 3 else None
    return None


def _export_answer(question: Any, randomly: random.Random) -> dict[str, Any] | None:
    from decimal import Decimal

    kind = question.kind
    if kind in ("single_choice", "scale"):
        return {"choice": randomly.choice(question.options)}
    if kind == "multiple_choice":
        return {"choices": [o for o in question.options if randomly.random() < 0.4]}
    if kind == "matrix":
        return {"matrix": {row: randomly.choice(question.options) for row in question.rows}}
    if kind == "number":
        return {"number": Decimal(randomly.randrange(0, 100))}
    return {"text": randomly.choice(COMMENTS) + f" ({randomly.randrange(10_000)})"}


def export_child(database: str, survey_pk: int, user_pk: int, kind: str, trace: bool) -> None:
    """Runs in its own process: one export, streamed and counted, then a JSON line of figures."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from coproduce.accounts.models import User

    connection.settings_dict["NAME"] = database
    settings.ALLOWED_HOSTS = ["localhost"]
    client = Client(SERVER_NAME="localhost")
    client.force_login(User.objects.get(pk=user_pk))
    # Warm up on the survey's own page, so that imports and templates loaded on a first
    # request are not counted as the export's.
    client.get(f"/surveys/{survey_pk}/")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    began = time.perf_counter()
    response = client.get(f"/surveys/{survey_pk}/answers.{kind}")
    size = 0
    lines = 0
    for chunk in response.streaming_content:  # type: ignore[attr-defined]
        size += len(chunk)
        if kind == "csv":
            lines += chunk.count(b"\n") if isinstance(chunk, bytes) else chunk.count("\n")
    seconds = time.perf_counter() - began
    peak_traced = tracemalloc.get_traced_memory()[1] if trace else 0
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "status": response.status_code,
                "bytes": size,
                "lines": lines,
                "seconds": seconds,
                "rss_before_mb": before / 1024,
                "rss_peak_mb": after / 1024,
                "traced_peak_mb": peak_traced / 1024 / 1024,
            }
        )
    )


def _run_child(database: str, survey: Any, user: Any, kind: str, trace: bool) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--export-child",
        database,
        str(survey.pk),
        str(user.pk),
        kind,
    ] + (["--trace"] if trace else [])
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if figures["status"] != 200:
        raise SystemExit(f"export answered {figures['status']}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--equality-responses", type=int, default=100_000)
    parser.add_argument("--export-responses", type=int, default=25_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page (5)")
    parser.add_argument("--export-child", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.export_child:
        database, survey_pk, user_pk, kind = arguments.export_child
        export_child(database, int(survey_pk), int(user_pk), kind, arguments.trace)
        return 0
    counts = (arguments.responses, arguments.equality_responses, arguments.export_responses)
    if min(*counts, arguments.repeat) < 1:
        parser.error("counts must be at least 1")

    from django.conf import settings
    from django.db import connection, connections
    from django.test import Client

    from coproduce.surveys import selectors, services
    from coproduce.surveys.models import ResponseSource

    settings.ALLOWED_HOSTS = ["localhost"]
    randomly = random.Random(2026)
    with harness.fresh_database():
        began = time.perf_counter()
        council, user = _user_and_organisation()
        results_survey = _survey(
            council,
            "Results",
            [
                ("single_choice", ["Yes", "No", "Not sure", "Prefer not to say"], []),
                ("scale", AGREE, []),
                ("multiple_choice", USED, []),
                ("long_text", [], []),
            ],
        )
        results_answers = _bulk(results_survey, arguments.responses, _results_answer, randomly)
        export_survey = _survey(
            council,
            "Export",
            [
                ("single_choice", ["Yes", "No", "Not sure"], []),
                ("scale", AGREE, []),
                ("multiple_choice", USED, []),
                ("matrix", AGREE, ["Staff", "Venue", "Information"]),
                ("number", [], []),
                ("text", [], []),
                ("long_text", [], []),
                ("scale", AGREE, []),
                ("single_choice", ["Online", "Paper", "Phone"], []),
                ("long_text", [], []),
            ],
        )
        export_answers = _bulk(export_survey, arguments.export_responses, _export_answer, randomly)
        identified = _identified(council, arguments.equality_responses, randomly)
        harness.analyse()
        seeded = time.perf_counter() - began
        print(
            f"{arguments.responses} responses ({results_answers} answers), "
            f"{arguments.equality_responses} identified responses and "
            f"{arguments.export_responses} responses ({export_answers} answers) seeded in "
            f"{seeded:.1f}s on {connection.vendor}; {arguments.repeat} timed requests a page"
        )
        for survey in (results_survey, identified, export_survey):
            began = time.perf_counter()
            rows = services.rebuild_tallies(survey)
            print(
                f"running counts of survey '{survey.title}' rebuilt from its answers in "
                f"{time.perf_counter() - began:.1f}s ({rows} rows)"
            )
        harness.analyse()

        staff = Client(SERVER_NAME="localhost")
        staff.force_login(user)
        pk = results_survey.pk
        first = results_survey.questions.order_by("order").first()
        crosstab = f"/surveys/{pk}/results/crosstab/?question={first.pk}"
        who = identified.questions.get()
        identified_crosstab = f"/surveys/{identified.pk}/results/crosstab/?question={who.pk}"
        pages = [
            ("results, all responses", f"/surveys/{pk}/results/"),
            ("results, filtered by source", f"/surveys/{pk}/results/?source=paper"),
            (
                "results, filtered by an answer",
                f"/surveys/{pk}/results/?answer={first.pk}%3AYes",
            ),
            (
                "results, filtered by a choose-all",
                f"/surveys/{pk}/results/?answer={first.pk + 2}%3AAdvice",
            ),
            ("cross-tab by source", f"{crosstab}&by=source"),
            ("cross-tab by area", f"{crosstab}&by=area"),
            ("cross-tab by another question", f"{crosstab}&by=question:{first.pk + 1}"),
            ("cross-tab by age (equality)", f"{identified_crosstab}&by=equality:age_band"),
            ("cross-tab by community", f"{identified_crosstab}&by=community"),
        ]
        print(f"{'page':<34} {'queries':>7} {'median ms':>10} {'p90 ms':>8}")
        for name, url in pages:
            queries, times = harness.measure(partial(staff.get, url), arguments.repeat)
            print(
                f"{name:<34} {queries:>7} {statistics.median(times):>10.1f} "
                f"{harness.percentile(times, 0.9):>8.1f}"
            )

        print("\nresults without the page, the same run: from the answers (before) and from")
        print("the running counts (now); the figures are checked to be the same")
        print(f"{'results':<28} {'path':<16} {'queries':>7} {'median ms':>10} {'p90 ms':>8}")
        for name, filters in (
            ("all responses", None),
            ("filtered by source", selectors.Filters(source=ResponseSource.PAPER)),
        ):
            before = selectors.results(results_survey, filters, from_answers=True)
            if selectors.results(results_survey, filters) != before:
                raise SystemExit(f"results {name}: running counts differ from the answers")
            for path, from_answers in (("from answers", True), ("running counts", False)):
                queries, times = _timed_calls(
                    partial(selectors.results, results_survey, filters, from_answers=from_answers),
                    arguments.repeat,
                )
                print(
                    f"{name:<28} {path:<16} {queries:>7} {statistics.median(times):>10.1f} "
                    f"{harness.percentile(times, 0.9):>8.1f}"
                )

        # The children open the same database file; nothing may be left uncommitted here.
        connections.close_all()
        database = str(connection.settings_dict["NAME"])
        print(
            f"\nexport of {arguments.export_responses} responses ({export_answers} answers), "
            "each in a fresh process"
        )
        print(
            f"{'format':<6} {'rows/s':>9} {'answers/s':>10} {'seconds':>8} {'MB':>7} "
            f"{'RSS peak MB':>12} {'RSS growth MB':>14} {'traced peak MB':>15}"
        )
        for kind in ("csv", "xlsx"):
            figures = _run_child(database, export_survey, user, kind, trace=False)
            traced = _run_child(database, export_survey, user, kind, trace=True)
            rows = arguments.export_responses
            print(
                f"{kind:<6} {rows / figures['seconds']:>9.0f} "
                f"{export_answers / figures['seconds']:>10.0f} {figures['seconds']:>8.1f} "
                f"{figures['bytes'] / 1e6:>7.1f} {figures['rss_peak_mb']:>12.1f} "
                f"{figures['rss_peak_mb'] - figures['rss_before_mb']:>14.1f} "
                f"{traced['traced_peak_mb']:>15.1f}"
            )
            if figures["rss_peak_mb"] > 200:
                print(f"  {kind}: the process grew past 200 MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
