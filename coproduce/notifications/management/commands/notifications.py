from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coproduce.core.scheduled import add_enqueue_option, run_or_enqueue
from coproduce.notifications.tasks import refresh


class Command(BaseCommand):
    help = (
        "Notifications. `notifications refresh` sends again what is due (after a passing "
        "failure, or a worker that stopped) and asks GOV.UK Notify how recent messages ended. "
        "Schedule it every few minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        refresh_parser = sub.add_parser(
            "refresh", help="retry due deliveries and update statuses from GOV.UK Notify"
        )
        add_enqueue_option(refresh_parser)

    def handle(self, *args: Any, action: str, enqueue: bool = False, **options: Any) -> None:
        if action == "refresh":
            summary = run_or_enqueue(self, refresh, "notifications refresh", enqueue)
            if summary is not None:
                self.stdout.write(
                    f"notifications refresh: {summary['retried']} sent again or retried, "
                    f"{summary['updated']} statuses updated"
                )
