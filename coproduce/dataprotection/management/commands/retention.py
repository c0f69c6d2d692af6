from typing import Any

from django.core.management.base import BaseCommand, CommandParser

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
        review.add_argument(
            "--enqueue",
            action="store_true",
            help="hand the check to the background worker instead of running it now",
        )

    def handle(self, *args: Any, action: str, enqueue: bool = False, **options: Any) -> None:
        if action == "review":
            if enqueue:
                result = review_retention.enqueue()
                self.stdout.write(f"retention review queued as task {result.id}")
                return
            summary = review_retention.call()
            self.stdout.write(
                f"retention review: {summary['organisations']} organisations checked, "
                f"{summary['waiting_for_approval']} records waiting for approval"
            )
