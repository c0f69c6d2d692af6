from django_tasks import task

from . import services
from .models import Event


@task()
def send_event_reminders(event_pk: int) -> int:
    """Runs when reminders are due; `send_reminders` checks the event still stands."""
    event = (
        Event.objects.select_related("organisation", "venue", "project", "created_by")
        .filter(pk=event_pk)
        .first()
    )
    return services.send_reminders(event) if event is not None else 0
