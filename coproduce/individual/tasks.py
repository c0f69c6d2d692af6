from django_tasks import task

from . import services
from .models import PersonCentredPlan


@task()
def send_plan_review_reminder(plan_pk: int) -> bool:
    """Runs when the review reminder is due; `send_review_reminder` checks the date still
    stands and that it was not sent already."""
    plan = PersonCentredPlan.objects.select_related("person").filter(pk=plan_pk).first()
    return services.send_review_reminder(plan) if plan is not None else False


@task()
def send_due_review_reminders() -> int:
    """A daily sweep for reminders whose own job was lost (the worker was down)."""
    return services.send_due_review_reminders()
