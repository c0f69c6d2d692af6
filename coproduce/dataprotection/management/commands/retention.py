from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coproduce.core.scheduled import add_enqueue_option, run_or_enqueue
from coproduce.dataprotection.tasks import review_retention


class Command(BaseCommand):
    help = (
        "Data retention. `retention review` lists records kept longer than each "
        "organisation's retention periods into a review for an administrator to approve. "
        "Schedule it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        review = sub.add_parser(
            "review", help="list records past their retention period for approval"
        )
        add_enqueue_option(review)

    def handle(self, *args: Any, action: str, enqueue: bool = False, **options: Any) -> None:
        if action == "review":
            summary = run_or_enqueue(self, review_retention, "retention review", enqueue)
            if summary is not None:
                self.stdout.write(
                    f"retention review: {summary['organisations']} organisations checked, "
                    f"{summary['waiting_for_approval']} records waiting for approval"
                )
