"""Writes the audit trail. Connected once to every `Audited` model's save and delete signals."""

import datetime
import decimal
import uuid
from typing import Any

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from .chain import GENESIS_HASH, event_hash
from .context import current_actor
from .models import AuditAction, AuditChainHead, Audited, AuditEvent

HIDDEN = "[hidden]"


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """Field values by attribute name (foreign keys as ids), JSON-ready."""
    return {
        field.attname: _plain(field.value_from_object(instance))
        for field in instance._meta.concrete_fields
    }


def diff(
    before: dict[str, Any] | None, after: dict[str, Any] | None, hidden: frozenset[str]
) -> dict[str, list[Any]]:
    """{field: [before, after]} for fields that changed; hidden fields show only that they did."""
    before = before or {}
    after = after or {}
    changes: dict[str, list[Any]] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        base = name.removesuffix("_id")
        if name in hidden or base in hidden:
            changes[name] = [HIDDEN if old not in (None, "") else None, HIDDEN]
        else:
            changes[name] = [old, new]
    return changes


def _organisation_id(instance: models.Model) -> int | None:
    return getattr(instance, "organisation_id", None)


def event_payload(event: AuditEvent) -> dict[str, Any]:
    """What the hash covers: everything about the event except the hashes themselves."""
    return {
        "sequence": event.sequence,
        "occurred_at": event.occurred_at.astimezone(datetime.UTC).isoformat(),
        "organisation_id": event.organisation_id,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "on_behalf_of_id": event.on_behalf_of_id,
        "on_behalf_of_name": event.on_behalf_of_name,
        "model": event.model,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "action": event.action,
        "changes": event.changes,
    }


def record(instance: models.Model, action: str, changes: dict[str, list[Any]]) -> AuditEvent:
    actor = current_actor()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_sequence": 0, "last_hash": GENESIS_HASH}
        )
        previous_hash = head.last_hash or GENESIS_HASH
        event = AuditEvent(
            sequence=head.last_sequence + 1,
            occurred_at=timezone.now(),
            organisation_id=_organisation_id(instance),
            actor_id=actor.user_id,
            actor_name=actor.name[:200],
            on_behalf_of_id=actor.on_behalf_of_id,
            on_behalf_of_name=actor.on_behalf_of_name[:200],
            model=instance._meta.label_lower,
            object_id=str(instance.pk),
            object_repr=str(getattr(instance, "audit_repr", None) or instance)[:300],
            action=action,
            changes=changes,
            previous_hash=previous_hash,
        )
        event.hash = event_hash(previous_hash, event_payload(event))
        event.save()
        head.last_sequence = event.sequence
        head.last_hash = event.hash
        head.save(update_fields=["last_sequence", "last_hash"])
    return event


def record_view(instance: models.Model, what: str) -> AuditEvent:
    """Records that someone read sensitive data (for example equality answers)."""
    return record(instance, AuditAction.VIEW, {"viewed": [None, what]})


def _before_save(sender: type[Audited], instance: Audited, raw: bool = False, **_: Any) -> None:
    if raw or instance._state.adding or instance.pk is None:
        instance._audit_before = None  # type: ignore[attr-defined]
        return
    previous = sender._base_manager.filter(pk=instance.pk).first()  # type: ignore[attr-defined]
    instance._audit_before = snapshot(previous) if previous else None  # type: ignore[attr-defined]


def _after_save(
    sender: type[Audited], instance: Audited, created: bool, raw: bool = False, **_: Any
) -> None:
    if raw:
        return
    before = None if created else getattr(instance, "_audit_before", None)
    changes = diff(before, snapshot(instance), sender.audit_exclude)
    if not created and not changes:
        return
    record(instance, AuditAction.CREATE if created else AuditAction.UPDATE, changes)


def _after_delete(sender: type[Audited], instance: Audited, **_: Any) -> None:
    record(instance, AuditAction.DELETE, diff(snapshot(instance), None, sender.audit_exclude))


def connect_audited_models() -> None:
    from django.apps import apps

    for model in apps.get_models():
        if issubclass(model, Audited):
            uid = f"audit-{model._meta.label_lower}"
            pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}-pre")
            post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}-post")
            post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}-delete")


def record_created(instances: list[Audited]) -> None:
    """Records the creation of records saved together with `bulk_create` (which sends no
    signals), one event each as `_after_save` would, under a single lock of the head: batch
    services then cost a few queries per batch, not per record (ADR 1)."""
    if not instances:
        return
    actor = current_actor()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_sequence": 0, "last_hash": GENESIS_HASH}
        )
        previous_hash = head.last_hash or GENESIS_HASH
        sequence = head.last_sequence
        events = []
        for instance in instances:
            sequence += 1
            event = AuditEvent(
                sequence=sequence,
                occurred_at=timezone.now(),
                organisation_id=_organisation_id(instance),
                actor_id=actor.user_id,
                actor_name=actor.name[:200],
                on_behalf_of_id=actor.on_behalf_of_id,
                on_behalf_of_name=actor.on_behalf_of_name[:200],
                model=instance._meta.label_lower,
                object_id=str(instance.pk),
                object_repr=str(getattr(instance, "audit_repr", None) or instance)[:300],
                action=AuditAction.CREATE,
                changes=diff(None, snapshot(instance), type(instance).audit_exclude),
                previous_hash=previous_hash,
            )
            event.hash = event_hash(previous_hash, event_payload(event))
            previous_hash = event.hash
            events.append(event)
        AuditEvent.objects.bulk_create(events)
        head.last_sequence = sequence
        head.last_hash = previous_hash
        head.save(update_fields=["last_sequence", "last_hash"])
