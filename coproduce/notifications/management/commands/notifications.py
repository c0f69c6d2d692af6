from typing import Any

from django.core.management.base import BaseCommand, CommandParser

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
        refresh_parser.add_argument(
            "--enqueue",
            action="store_true",
            help="hand the work to the background worker instead of doing it now",
        )

    def handle(self, *args: Any, action: str, enqueue: bool = False, **options: Any) -> None:
        if action == "refresh":
            if enqueue:
                result = refresh.enqueue()
                self.stdout.write(f"notifications refresh queued as task {result.id}")
                return
            summary = refresh.call()
            self.stdout.write(
                f"notifications refresh: {summary['retried']} sent again or retried, "
                f"{summary['updated']} statuses updated"
            )
