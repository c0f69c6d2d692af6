"""What the commands meant to be scheduled (cron, a systemd timer) share: an `--enqueue`
option that hands the work to the background worker instead of doing it in the scheduler's
process."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def add_enqueue_option(parser: CommandParser) -> None:
    parser.add_argument(
        "--enqueue",
        action="store_true",
        help="hand the work to the background worker instead of doing it now",
    )


def run_or_enqueue(command: BaseCommand, task: Any, name: str, enqueue: bool) -> Any | None:
    """Runs `task` now and returns what it returns, or queues it, says so under `name` and
    returns None."""
    if enqueue:
        result = task.enqueue()
        command.stdout.write(f"{name} queued as task {result.id}")
        return None
    return task.call()
