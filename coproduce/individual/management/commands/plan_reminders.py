from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coproduce.core.scheduled import add_enqueue_option, run_or_enqueue
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
        add_enqueue_option(send)

    def handle(self, *args: Any, action: str, enqueue: bool = False, **options: Any) -> None:
        sent = run_or_enqueue(self, send_due_review_reminders, "plan_reminders send", enqueue)
        if sent is not None:
            self.stdout.write(f"plan_reminders send: {sent} review reminders sent")
