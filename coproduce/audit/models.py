"""The audit trail: an append-only, hash-chained record of every change to a domain record."""

from typing import Any, ClassVar

from django.db import models


class Audited(models.Model):
    """Base for every domain record: its creates, updates and deletes are written to the trail.

    The recording happens once, in `coproduce.audit.services`, through model signals, so no
    service has to remember to do it. Fields named in `audit_exclude` are recorded as changed
    without their values (special category data, secrets).
    """

    audit_exclude: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    VIEW = "view", "Viewed"


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events cannot be deleted")


class AuditEvent(models.Model):
    """One change. Actor and organisation are kept as plain values, not foreign keys, so that
    nothing done to other tables (a deleted user, say) can ever rewrite a row of the trail."""

    sequence = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    organisation_id = models.BigIntegerField(null=True, db_index=True)
    actor_id = models.BigIntegerField(null=True)
    actor_name = models.CharField(max_length=200, blank=True)
    # Set when a facilitator acted for a participant who has no email (assisted mode).
    on_behalf_of_id = models.BigIntegerField(null=True)
    on_behalf_of_name = models.CharField(max_length=200, blank=True)
    model = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    changes = models.JSONField(default=dict)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["model", "object_id", "sequence"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.model} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events cannot be deleted")


class AuditChainHead(models.Model):
    """A single row holding the newest event's sequence and hash. Writers lock it, so events
    are chained one after another even with several processes writing at once."""

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"audit head at #{self.last_sequence}"
