"""Organisations, people who sign in, and the role each has in an organisation."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

from coproduce.audit.models import Audited


class OrganisationKind(models.TextChoices):
    COUNCIL = "council", "Council"
    NHS_ICB = "nhs_icb", "NHS integrated care board"
    NHS_TRUST = "nhs_trust", "NHS trust"
    PARTNERSHIP = "partnership", "Joint commissioning partnership"


class Organisation(Audited):
    """A commissioning organisation. Every record belongs to exactly one."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    contact_email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def organisation_id(self) -> int:
        # Audit and permissions look for `organisation_id` on every record.
        return self.pk


class User(Audited, AbstractUser):
    """Anyone who signs in: staff with a password, participants with an emailed one-time link."""

    # Passwords and sign-in times are never copied into the audit trail.
    audit_exclude = frozenset({"password", "last_login"})

    email = models.EmailField("email address", blank=True)
    preferred_name = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_unique_when_set",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.get_full_name() or self.username


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    COMMISSIONER = "commissioner", "Commissioning officer"
    FACILITATOR = "facilitator", "Involvement facilitator"
    FINANCE_APPROVER = "finance_approver", "Finance approver"
    DECISION_MAKER = "decision_maker", "Decision-maker"
    PARTICIPANT = "participant", "Participant (person who uses services, carer or community member)"
    PROVIDER = "provider", "Provider organisation"


STAFF_ROLES = frozenset(
    {
        Role.ADMINISTRATOR,
        Role.COMMISSIONER,
        Role.FACILITATOR,
        Role.FINANCE_APPROVER,
        Role.DECISION_MAKER,
    }
)


class Membership(Audited):
    """A user's role in one organisation. A user may belong to several organisations."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    # Special category data: a separate permission an administrator grants, whatever the role.
    equality_data_access = models.BooleanField(
        "May see person-level equality monitoring answers", default=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_role_per_organisation"
            )
        ]
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"


class AssistedSession(Audited):
    """A facilitator acting for a participant who has no email (assisted mode). While it is
    open, every change is recorded as made by the facilitator on the participant's behalf."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    facilitator = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="assisted_sessions"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.facilitator} acting for {self.participant}"
