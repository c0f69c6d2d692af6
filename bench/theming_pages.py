"""The officers' theming pages at scale.

    .venv/bin/python bench/theming_pages.py [--comments 10000] [--themes 12] [--repeat 5]

Makes a fresh database for the run (see harness.py). Seeds, with bulk_create (no audit events),
a survey with one open question answered by `--comments` people, `--themes` themes with two
tagged examples each, and every comment's standing with every theme as a classification run
leaves it (given or not, confidence, uncertainty). Then times each page through
django.test.Client, signed in as a facilitator: median and p90 ms and queries. Then streams the
CSV export of every comment with its themes and prints rows a second. Nothing here embeds or
classifies (bench/theming.py measures the algorithms).
"""

import argparse
import random
import statistics
import time
from collections.abc import Iterator
from typing import Any, cast

import harness  # sets up a throw-away environment and starts Django

WORDS = [
    "parking",
    "staff",
    "kind",
    "waiting",
    "appointment",
    "phone",
    "late",
    "breaks",
    "weekend",
    "carers",
    "group",
]
CHUNK = 5000


def _seed(comments: int, themes: int, randomly: random.Random) -> tuple[Any, Any]:
    from django.db import transaction
    from django.utils import timezone

    from coproduce.accounts.models import Membership, Organisation, OrganisationKind, Role, User
    from coproduce.surveys import services as surveys
    from coproduce.surveys.models import Answer, Question, Response, Survey, new_token
    from coproduce.theming import services
    from coproduce.theming.models import Theme, ThemeAssignment, ThemeExample, text_hash

    council = Organisation.objects.create(
        name="Benchshire Council", slug="benchshire", kind=OrganisationKind.COUNCIL
    )
    user = User.objects.create_user(username="officer", first_name="Fran", last_name="Bench")
    Membership.objects.create(user=user, organisation=council, role=Role.FACILITATOR)
    survey = surveys.save_survey(Survey(organisation=council, title="Bench"))
    question = surveys.save_question(
        Question(survey=survey, kind="long_text", text="What could be better?", required=False)
    )
    surveys.open_survey(survey)
    now = timezone.now()
    for start in range(0, comments, CHUNK):
        size = min(CHUNK, comments - start)
        with transaction.atomic():
            responses = Response.objects.bulk_create(
                Response(
                    organisation=council,
                    survey=survey,
                    status="submitted",
                    resume_token=new_token(),
                    submitted_at=now,
                )
                for _ in range(size)
            )
            Answer.objects.bulk_create(
                (
                    Answer(
                        organisation=council,
                        response=response,
                        question=question,
                        text=" ".join(randomly.choices(WORDS, k=8)),
                    )
                    for response in responses
                ),
                batch_size=2000,
            )
    theme_set = services.theme_set_for(question, user)
    made = Theme.objects.bulk_create(
        Theme(organisation=council, theme_set=theme_set, label=f"Theme {n}", keywords=WORDS[:4])
        for n in range(themes)
    )
    answers = list(services.answers_to_theme(theme_set).values_list("pk", "text"))
    ThemeExample.objects.bulk_create(
        ThemeExample(organisation=council, theme=theme, answer_id=answers[2 * n + k][0])
        for n, theme in enumerate(made)
        for k in range(2)
    )
    for theme in made:
        theme.quotes.set([answers[randomly.randrange(len(answers))][0] for _ in range(3)])
    for start in range(0, len(answers), CHUNK):
        with transaction.atomic():
            ThemeAssignment.objects.bulk_create(
                (
                    ThemeAssignment(
                        organisation=council,
                        theme=theme,
                        answer_id=pk,
                        given=randomly.random() < 0.2,
                        confidence=round(randomly.random(), 4),
                        uncertainty=round(randomly.random(), 4),
                        text_hash=text_hash(text),
                    )
                    for pk, text in answers[start : start + CHUNK]
                    for theme in made
                ),
                batch_size=5000,
            )
    theme_set.classified_at = now
    theme_set.save()
    return user, question


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--themes", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page (5)")
    arguments = parser.parse_args()
    if min(arguments.comments, arguments.themes, arguments.repeat) < 1:
        parser.error("counts must be at least 1")
    if arguments.comments < 2 * arguments.themes:
        parser.error("--comments must be at least twice --themes (two examples each)")

    from django.conf import settings
    from django.db import connection
    from django.http import StreamingHttpResponse
    from django.test import Client

    from coproduce.theming.models import Theme

    settings.ALLOWED_HOSTS = ["localhost"]
    with harness.fresh_database():
        began = time.perf_counter()
        user, question = _seed(arguments.comments, arguments.themes, random.Random(2026))
        harness.analyse()
        print(
            f"{arguments.comments} comments, {arguments.themes} themes, "
            f"{arguments.comments * arguments.themes} theme decisions seeded in "
            f"{time.perf_counter() - began:.1f}s on {connection.vendor}; "
            f"{arguments.repeat} timed requests a page"
        )
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        theme = Theme.objects.order_by("pk").first()
        assert theme is not None
        base = f"/themes/questions/{question.pk}"
        pages = [
            ("question: steps and themes", f"{base}/"),
            ("results: figures and quotes", f"{base}/results/"),
            ("comments about one theme, page 1", f"{base}/comments/?theme={theme.pk}"),
            ("comments about one theme, page 40", f"{base}/comments/?theme={theme.pk}&page=40"),
            ("check the least certain, page 1", f"{base}/check/"),
            ("tag examples: search 'late'", f"/themes/{theme.pk}/examples/?words=late"),
            ("one theme", f"/themes/{theme.pk}/"),
        ]
        print(f"{'page':<36} {'queries':>7} {'median ms':>10} {'p90 ms':>8}")
        for name, url in pages:
            queries, times = harness.measure(partial_get(client, url), arguments.repeat)
            print(
                f"{name:<36} {queries:>7} {statistics.median(times):>10.1f} "
                f"{harness.percentile(times, 0.9):>8.1f}"
            )
        began = time.perf_counter()
        response = client.get(f"{base}/themes.csv")
        streamed = cast(StreamingHttpResponse, response).streaming_content
        rows = sum(bytes(chunk).count(b"\n") for chunk in cast(Iterator[bytes], streamed)) - 1
        seconds = time.perf_counter() - began
        print(f"CSV export: {rows} rows in {seconds:.2f}s ({rows / seconds:,.0f} rows/s)")
    return 0


def partial_get(client: Any, url: str) -> Any:
    return lambda: client.get(url)


if __name__ == "__main__":
    raise SystemExit(main())
