from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coproduce.surveys import selectors, services
from coproduce.surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Work with the running counts survey results are added up from. `survey_tallies "
        "rebuild` works them out again from the sent answers (after a bulk load, or to repair "
        "them); `survey_tallies check` says whether they agree with the answers, changing "
        "nothing (exit 1 naming the surveys that do not)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        for action, text in (
            ("rebuild", "work the counts out again from the answers"),
            ("check", "compare the counts with the answers; exit 1 if any differ"),
        ):
            command = sub.add_parser(action, help=text)
            command.add_argument(
                "--survey", type=int, action="append", metavar="ID", help="only this survey"
            )

    def handle(self, *args: Any, action: str, survey: list[int] | None, **options: Any) -> None:
        surveys = Survey.objects.order_by("pk")
        if survey:
            missing = sorted(
                set(survey) - set(surveys.filter(pk__in=survey).values_list("pk", flat=True))
            )
            if missing:
                raise CommandError(f"no survey with id {', '.join(map(str, missing))}")
            surveys = surveys.filter(pk__in=survey)
        if action == "rebuild":
            for each in surveys.iterator():
                rows = services.rebuild_tallies(each)
                self.stdout.write(f"survey {each.pk}: {rows} count rows")
            return
        wrong = [each.pk for each in surveys.iterator() if not selectors.tallies_agree(each)]
        if wrong:
            raise CommandError(
                "running counts differ from the answers for survey "
                f"{', '.join(map(str, wrong))}: run survey_tallies rebuild"
            )
        self.stdout.write("running counts agree with the answers")
