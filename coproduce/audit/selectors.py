from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import QuerySet

from .chain import ChainProblem, first_problem
from .models import AuditChainHead, AuditEvent
from .services import event_payload


def history_for(instance: Any) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        model=instance._meta.label_lower, object_id=str(instance.pk)
    ).order_by("-sequence")


def verify_chain(progress: Callable[[int, int], None] | None = None) -> ChainProblem | None:
    """Checks the whole trail; calls progress(done, total) every 1,000 events."""
    total = AuditEvent.objects.count()
    head = AuditChainHead.objects.filter(pk=1).values_list("last_sequence", "last_hash").first()

    def events() -> Iterator[tuple[int, str, str, dict[str, Any]]]:
        for done, event in enumerate(AuditEvent.objects.order_by("sequence").iterator(2000), 1):
            if progress and done % 1000 == 0:
                progress(done, total)
            yield event.sequence, event.previous_hash, event.hash, event_payload(event)

    problem = first_problem(events(), head)
    if progress:
        progress(total, total)
    return problem
