"""Every message sent to a person, or held back, or waiting for staff to post or phone.

A Delivery is written by `services.send` before anything leaves, so what was sent (or why it
was not) is always on record, once per idempotency key.
"""

from django.conf import settings
from django.db import models

from coproduce.accounts.models import Organisation
from coproduce.audit.models import Audited
from coproduce.people.models import Channel, ConsentPurpose, Format, Person


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to send"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Not sent"
    HELD = "held", "Held back"
    TO_PRINT = "to_print", "To print and post"
    POSTED = "posted", "Posted"
    TO_CALL = "to_call", "To contact by hand"
    CALLED = "called", "Contacted by hand"


# Waiting for the background worker or for staff: consent withdrawn now stops these.
PENDING = frozenset({DeliveryStatus.QUEUED, DeliveryStatus.TO_PRINT, DeliveryStatus.TO_CALL})


class Route(models.TextChoices):
    """How a delivery actually goes out. A person reached through someone else (Channel.VIA)
    is reached by email, or by hand, at that person's contact."""

    EMAIL = "email", "Email"
    TEXT = "text", "Text message"
    POST = "post", "Letter"
    PHONE = "phone", "Phone call"


class SentAs(models.TextChoices):
    STANDARD = "standard", "Standard"
    LARGE_PRINT = "large_print", "Large print"
    EASY_READ = "easy_read", "Easy read"


class CallOutcome(models.TextChoices):
    REACHED = "reached", "Spoke to them (or sent the text)"
    MESSAGE = "message", "Left a message"
    NO_ANSWER = "no_answer", "No answer: try again later"


# What staff do for formats Coproduce cannot make (the standard version has gone meanwhile).
FORMAT_TO_DO = {
    Format.BSL_VIDEO: "Send a British Sign Language video of this message.",
    Format.BRAILLE: "Send this message in braille.",
    Format.AUDIO: "Send an audio recording of this message.",
    Format.INTERPRETER: "Arrange an interpreter to give them this message.",
}


# What the message said and where it went identify the person: the audit trail records that
# they changed, never their values, and pseudonymisation empties them.
MESSAGE_FIELDS = frozenset(
    {
        "recipient",
        "recipient_name",
        "subject",
        "body",
        "easy_read",
        "link",
        "outcome",
        "last_error",
    }
)


class Delivery(Audited):
    audit_exclude = MESSAGE_FIELDS

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="deliveries")
    purpose = models.CharField(max_length=20, choices=ConsentPurpose.choices)
    # Which part of Coproduce sent it, such as "invitation:opportunity:12".
    topic = models.CharField(max_length=100, blank=True)
    key = models.CharField(max_length=200, unique=True)
    channel = models.CharField("Contact preference", max_length=10, choices=Channel.choices)
    route = models.CharField("Sent by", max_length=10, choices=Route.choices)
    format = models.CharField("Format they need", max_length=20, choices=Format.choices)
    sent_as = models.CharField(
        "Format sent", max_length=20, choices=SentAs.choices, default=SentAs.STANDARD
    )
    easy_read_missing = models.BooleanField(default=False)
    # A format Coproduce cannot make (braille, BSL video, audio, an interpreter): the standard
    # version still goes, and staff have this to do.
    needs_format = models.CharField(max_length=20, choices=Format.choices, blank=True)
    format_done_at = models.DateTimeField(null=True, blank=True)
    format_done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    via = models.BooleanField("Sent through someone else", default=False)
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient = models.TextField("Sent to", blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    easy_read = models.JSONField(default=list, blank=True)
    link = models.URLField(max_length=500, blank=True)
    sign_off = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    status_reason = models.CharField(max_length=300, blank=True)
    backend = models.CharField(max_length=10)
    provider_reference = models.CharField(max_length=100, blank=True)
    provider_status = models.CharField(max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField("What happened", blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["organisation", "status", "created_at"]),
            models.Index(fields=["organisation", "topic", "status"]),
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["person", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"Delivery #{self.pk}"

    @property
    def audit_repr(self) -> str:
        return f"Delivery #{self.pk} ({self.topic or 'no topic'})"

    @property
    def reference(self) -> str:
        """Printed on letters and shown to staff; holds nothing personal."""
        return f"D-{self.pk}"

    @property
    def format_to_do(self) -> bool:
        return bool(self.needs_format) and self.format_done_at is None

    @property
    def format_task(self) -> str:
        return FORMAT_TO_DO.get(Format(self.needs_format), "") if self.needs_format else ""
