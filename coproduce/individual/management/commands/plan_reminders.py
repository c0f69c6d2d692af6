from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coproduce.individual.tasks import send_due_review_reminders


class Command(BaseCommand):
    help = (
        "Person-centred plan reminders. `plan_reminders send` sends every review reminder "
        "that is due and not yet sent: each plan's own reminder job normally does, so this "
        "catches any lost while the worker was down. Schedule it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        send = sub.add_parser("send", help="send the review reminders that are due")
        send.add_argument(
            "--enqueue",
            action="store_true",
            help="hand the work to the background worker instead of doing it now",
        )

    def handle(self, *args: Any, action: str, enqueue: bool = False, **options: Any) -> None:
        if enqueue:
            result = send_due_review_reminders.enqueue()
            self.stdout.write(f"plan_reminders send queued as task {result.id}")
            return
        sent = send_due_review_reminders.call()
        self.stdout.write(f"plan_reminders send: {sent} review reminders sent")
