"""Background sending. Each task may run twice, late, or after a crash: `services.attempt`
locks the delivery and only sends what is still waiting."""

from django_tasks import task

from . import services


@task()
def deliver(delivery_id: int) -> str:
    return services.attempt(delivery_id)


@task()
def deliver_batch(delivery_ids: list[int]) -> dict[str, int]:
    """The deliveries made together by `send_many`: one task, not one per person."""
    outcomes: dict[str, int] = {}
    for delivery_id in delivery_ids:
        outcome = services.attempt(delivery_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


@task()
def refresh() -> dict[str, int]:
    return {"retried": services.retry_due(), "updated": services.refresh_statuses()}
