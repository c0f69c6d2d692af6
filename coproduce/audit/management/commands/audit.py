from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coproduce.audit.selectors import verify_chain


class Command(BaseCommand):
    help = "Work with the audit trail. `audit verify` checks that no event was altered or removed."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        sub.add_parser("verify", help="check the hash chain; exit 1 naming the first bad event")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "verify":
            problem = verify_chain()
            if problem is not None:
                raise CommandError(f"audit trail is broken at {problem}")
            self.stdout.write("audit trail intact")
