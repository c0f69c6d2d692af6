"""`coproduce purge_imports`: removes uploaded import files more than a day old. Schedule it
daily (uploads are also swept whenever someone uploads a file)."""

from typing import Any

from django.core.management.base import BaseCommand

from coproduce.people.import_services import purge_stale_uploads


class Command(BaseCommand):
    help = "Removes uploaded import files more than 24 hours old."

    def handle(self, *args: Any, **options: Any) -> None:
        removed = purge_stale_uploads()
        self.stdout.write(f"Removed {removed} upload{'s' if removed != 1 else ''}.")
