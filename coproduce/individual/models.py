"""Commissioning at the individual level: person-centred plans made with the person, their
personal budgets, the providers approved for personal budgets, and the evidence that goes
from many plans to strategic commissioning.

Words from the seeds: what is important TO a person and what is important FOR them; outcomes
that matter to individuals and families (co-produced Education, Health and Care plans);
self-directed support and personal budgets; the qualities and attributes of providers
approved for personalised budgets, identified by young people.

Plans are health and care records. Their text is recorded in the audit trail as "changed",
never with its words (`audit_exclude`), and every read is recorded (see `views`).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from coproduce.accounts.models import Organisation
from coproduce.audit.models import Audited
from coproduce.people.models import Person


def money_field(**options: object) -> models.DecimalField:
    """Pounds and pence, never negative."""
    return models.DecimalField(
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        **options,  # type: ignore[arg-type]
    )


class PlanKind(models.TextChoices):
    EHC = "ehc", "Education, health and care plan"
    CARE_AND_SUPPORT = "care_and_support", "Care and support plan"
    FAMILY = "family", "Family support plan"
    HEALTH = "health", "Personal health plan"


class Picture(models.TextChoices):
    """The pictures an easy-read plan can show beside a sentence (static files of this app)."""

    ME = "me", "A smiling person"
    HEART = "heart", "A heart"
    STAR = "star", "A star"
    HOME = "home", "A house"
    SCHOOL = "school", "A school"
    FRIENDS = "friends", "Two friends"
    HEALTH = "health", "A first-aid cross"
    MONEY = "money", "Coins"
    CALENDAR = "calendar", "A calendar"
    HELP = "help", "A helping hand"
    TALK = "talk", "A speech bubble"
    TICK = "tick", "A tick"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Being written"
    SHARED = "shared", "With the person to read and agree"
    FINAL = "final", "In use"
    SUPERSEDED = "superseded", "Replaced by a later review"


class TookPart(models.TextChoices):
    """How the person took part in making this version of their plan."""

    THEMSELVES = "themselves", "Spoke for themselves"
    WITH_FAMILY = "with_family", "With support from family or carers"
    WITH_ADVOCATE = "with_advocate", "With an independent advocate"
    EASY_READ = "easy_read", "Using easy read"
    PICTURES = "pictures", "Using pictures, symbols or objects"
    INTERPRETER = "interpreter", "With an interpreter or BSL"
    THROUGH_OTHERS = "through_others", "People who know them well spoke for them"
    DID_NOT = "did_not", "Did not take part (the reason is recorded)"


class OutcomeArea(models.TextChoices):
    """Kinds of outcome, so that many people's outcomes can be counted together."""

    HEALTH = "health", "Health and wellbeing"
    FRIENDS = "friends", "Friends, family and relationships"
    LEARNING = "learning", "Education, learning and work"
    INDEPENDENCE = "independence", "Independence and daily living"
    HOME = "home", "Where I live"
    COMMUNITY = "community", "Being part of the community and having fun"
    SAFETY = "safety", "Feeling safe"
    COMMUNICATION = "communication", "Communication and being heard"


class OutcomeProgress(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "Getting there"
    MET = "met", "Met"
    PARTLY_MET = "partly_met", "Partly met"
    NOT_MET = "not_met", "Not met"


UNMET = (OutcomeProgress.PARTLY_MET, OutcomeProgress.NOT_MET)


class SupportType(models.TextChoices):
    PERSONAL_ASSISTANT = "personal_assistant", "Personal assistant"
    SHORT_BREAKS = "short_breaks", "Short breaks"
    DAY_ACTIVITIES = "day_activities", "Day and leisure activities"
    HOME_CARE = "home_care", "Care at home"
    RESPITE = "respite", "Overnight breaks for carers"
    THERAPY = "therapy", "Therapy"
    EDUCATION = "education", "Education and training support"
    TRANSPORT = "transport", "Transport"
    EQUIPMENT = "equipment", "Equipment and technology"
    PEER_SUPPORT = "peer_support", "Peer support and groups"
    OTHER = "other", "Other support"


class GapReason(models.TextChoices):
    NO_PROVIDER = "no_provider", "Nobody provides it here"
    WAITING_LIST = "waiting_list", "Waiting list"
    TOO_FAR = "too_far", "Too far away or no transport"
    NOT_SUITABLE = "not_suitable", "What there is does not suit them"
    COST = "cost", "Costs more than the budget allows"


PLAN_TEXT_FIELDS = frozenset(
    {
        "like_and_admire",
        "important_to",
        "important_for",
        "how_to_support",
        "did_not_take_part_reason",
        "easy_read_note",
    }
)


class PersonCentredPlan(Audited):
    """One person's plan over time. Its content lives in versions: each review starts a new
    version from the last, and the earlier ones are kept as they were."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(max_length=20, choices=PlanKind.choices)
    easy_read = models.BooleanField(
        "Show the plan to the person in easy read first",
        default=False,
        help_text="Short sentences, one idea each, with a picture beside each one.",
    )
    next_review_on = models.DateField("Next review", null=True, blank=True)
    # The review date the reminder job was scheduled for: a job left from before the date
    # moved sends nothing.
    reminder_for = models.DateField(null=True, blank=True)
    # The review date reminders were last sent for, so they go once for each date.
    reminded_for = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["next_review_on", "pk"]
        indexes = [models.Index(fields=["organisation", "next_review_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.person}"

    @property
    def audit_repr(self) -> str:
        return f"Plan #{self.pk} for person #{self.person_id}"


class PlanWorker(Audited):
    """A member of staff working with the person: only they (and the person and their
    representatives) may read the plan."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(PersonCentredPlan, on_delete=models.CASCADE, related_name="workers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plans_worked_on"
    )
    role_description = models.CharField(
        "Their role with the person", max_length=120, help_text="For example, key worker."
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "user"], name="one_place_on_a_plan_team")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role_description})"


class Relationship(models.TextChoices):
    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    FAMILY = "family", "Other family member"
    ADVOCATE = "advocate", "Advocate"
    ATTORNEY = "attorney", "Lasting power of attorney or deputy"


class Representative(Audited):
    """Someone the person chose (or the law appoints) to read, comment on and agree the plan
    with them or for them. They sign in as a participant."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        PersonCentredPlan, on_delete=models.CASCADE, related_name="representatives"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plans_represented"
    )
    relationship = models.CharField(max_length=20, choices=Relationship.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "user"], name="one_representative_each")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_relationship_display().lower()})"


class PlanVersion(Audited):
    """The plan as written at one time. Only the newest version can change, and only until it
    is in use; a review starts the next version from a copy."""

    audit_exclude = PLAN_TEXT_FIELDS

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(PersonCentredPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    # One-page profile
    like_and_admire = models.TextField("What people like and admire about me", blank=True)
    important_to = models.TextField(
        "What is important to me",
        blank=True,
        help_text="In the person's own words: what matters to them. One thing a line.",
    )
    important_for = models.TextField(
        "What is important for me",
        blank=True,
        help_text="What keeps them healthy and safe, as others see it. One thing a line.",
    )
    how_to_support = models.TextField("How best to support me", blank=True)
    # How it was made
    took_part = models.JSONField(default=list, blank=True)
    did_not_take_part_reason = models.TextField(blank=True)
    easy_read_note = models.TextField(
        "What helped with easy read",
        blank=True,
        help_text="For example, pictures the person chose, or a friend who read it with them.",
    )
    # Each time the version is shared for agreement; answers belong to the round they were
    # given in, so an answer to text that has since changed does not count as agreement.
    share_round = models.PositiveIntegerField(default=0)
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agreed = models.BooleanField(default=False)
    finalised_without_agreement_reason = models.TextField(blank=True)
    review_on = models.DateField("Review by", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_version_number_each")
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"Version {self.number} of plan #{self.plan_id}"

    @property
    def is_editable(self) -> bool:
        return self.status in (PlanStatus.DRAFT, PlanStatus.SHARED)

    def took_part_labels(self) -> list[str]:
        labels = dict(TookPart.choices)
        return [labels.get(value, value) for value in self.took_part]

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    def important_to_lines(self) -> list[str]:
        return self.lines(self.important_to)

    def important_for_lines(self) -> list[str]:
        return self.lines(self.important_for)


class Outcome(Audited):
    audit_exclude = frozenset({"in_their_words", "progress_note"})

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="outcomes")
    in_their_words = models.TextField(
        "The outcome, in their words",
        help_text="Write what they said, as they said it. For example: I want to go to college.",
    )
    area = models.CharField(
        "Kind of outcome",
        max_length=20,
        choices=OutcomeArea.choices,
        help_text="Used only to count outcomes across many plans, never instead of their words.",
    )
    picture = models.CharField(
        "Picture for easy read", max_length=12, choices=Picture.choices, blank=True
    )
    progress = models.CharField(
        max_length=12, choices=OutcomeProgress.choices, default=OutcomeProgress.NOT_STARTED
    )
    progress_note = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "position", "pk"]
        indexes = [models.Index(fields=["area", "progress"])]

    def __str__(self) -> str:
        return f"Outcome #{self.pk}"


class PlanAction(Audited):
    audit_exclude = frozenset({"description"})

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="actions")
    outcome = models.ForeignKey(
        Outcome, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    description = models.TextField("What will happen")
    owner = models.CharField(
        "Who will do it", max_length=200, help_text="A name and role, or the person themselves."
    )
    due_on = models.DateField("By when")
    done_on = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "due_on", "position", "pk"]

    def __str__(self) -> str:
        return f"Action #{self.pk}"


class Involved(Audited):
    """Someone who helped make this version of the plan (the person chose who)."""

    audit_exclude = frozenset({"name"})

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="involved")
    name = models.CharField(max_length=200)
    role = models.CharField("Who they are to the person", max_length=120)

    class Meta:
        ordering = ["version", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class SupportGap(Audited):
    """Support the person wants that is not available to them: evidence for commissioners."""

    audit_exclude = frozenset({"description"})

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="gaps")
    support_type = models.CharField(max_length=20, choices=SupportType.choices)
    description = models.TextField("What they want")
    reason = models.CharField("Why it is not available", max_length=20, choices=GapReason.choices)

    class Meta:
        ordering = ["version", "pk"]
        indexes = [models.Index(fields=["support_type"])]

    def __str__(self) -> str:
        return f"{self.get_support_type_display()} not available"


class ResponseKind(models.TextChoices):
    AGREE = "agree", "I agree with my plan"
    DISAGREE = "disagree", "I do not agree with all of it"
    COMMENT = "comment", "I want to say something about it"


class ResponseMethod(models.TextChoices):
    ONLINE = "online", "Online"
    PAPER = "paper", "On paper"
    IN_PERSON = "in_person", "In person or by phone, written down by a worker"


class PlanPart(models.TextChoices):
    WHOLE = "whole", "The whole plan"
    PROFILE = "profile", "About me"
    IMPORTANT_TO = "important_to", "What is important to me"
    IMPORTANT_FOR = "important_for", "What is important for me"
    OUTCOMES = "outcomes", "My outcomes"
    ACTIONS = "actions", "Who will do what"
    BUDGET = "budget", "My personal budget"


class PlanResponse(Audited):
    """What the person or their representative said about a version: agreement, disagreement
    or a comment. Never changed or removed: a later answer is added beside it."""

    audit_exclude = frozenset({"comment"})

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="responses")
    share_round = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=ResponseKind.choices)
    part = models.CharField(
        "Which part", max_length=20, choices=PlanPart.choices, default=PlanPart.WHOLE
    )
    comment = models.TextField(blank=True)
    given_by_name = models.CharField(max_length=200)
    # "The person" or their representative's relationship, as it was when they answered.
    given_as = models.CharField(max_length=60)
    method = models.CharField(max_length=12, choices=ResponseMethod.choices)
    received_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.given_as})"


# Personal budgets


class HeldAs(models.TextChoices):
    DIRECT_PAYMENT = "direct_payment", "Direct payment to the person or their family"
    COUNCIL = "council", "Managed by the council"
    PROVIDER = "provider", "Held by a provider (individual service fund)"
    MIXED = "mixed", "Mixed: some of each"


class PersonalBudget(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    plan = models.OneToOneField(PersonCentredPlan, on_delete=models.PROTECT, related_name="budget")
    allocation = money_field(verbose_name="Allocation for the year")
    held_as = models.CharField("How it is held", max_length=20, choices=HeldAs.choices)
    starts_on = models.DateField("From")
    ends_on = models.DateField("To")
    review_on = models.DateField("Review the budget by")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Personal budget for plan #{self.plan_id}"


class PlannedSupport(Audited):
    """Support the person chose, costed against their allocation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    budget = models.ForeignKey(PersonalBudget, on_delete=models.CASCADE, related_name="planned")
    support_type = models.CharField(max_length=20, choices=SupportType.choices)
    description = models.CharField("What it is", max_length=200)
    provider = models.ForeignKey(
        "ApprovedProvider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="planned_support",
    )
    unit_cost = money_field(verbose_name="Cost of each")
    units = models.DecimalField(
        "How many in the year",
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    amount = money_field()

    class Meta:
        ordering = ["budget", "pk"]
        indexes = [models.Index(fields=["provider", "budget"])]

    def __str__(self) -> str:
        return self.description


class SpendSource(models.TextChoices):
    ENTERED = "entered", "Entered"
    IMPORTED = "imported", "Imported from a file"


class ActualSpend(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    budget = models.ForeignKey(PersonalBudget, on_delete=models.CASCADE, related_name="spend")
    spent_on = models.DateField("Date")
    support_type = models.CharField(max_length=20, choices=SupportType.choices)
    description = models.CharField("What it was for", max_length=200)
    amount = money_field()
    source = models.CharField(max_length=10, choices=SpendSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["budget", "-spent_on", "pk"]
        indexes = [models.Index(fields=["organisation", "support_type"])]

    def __str__(self) -> str:
        return f"£{self.amount} on {self.spent_on}"


# Providers approved for personal budgets


class ProviderQuality(Audited):
    """A quality or attribute people who use services said matters in a provider, in their
    words, and where it came from (for example a young people's group)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField("The quality, in their words", max_length=200)
    explanation = models.TextField("What it means", blank=True)
    source = models.CharField(
        "Who said it matters",
        max_length=200,
        help_text="For example, the young people's reference group, March 2026.",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["organisation", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class ProviderStatus(models.TextChoices):
    APPROVED = "approved", "Approved"
    SUSPENDED = "suspended", "Suspended"


class ApprovedProvider(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    description = models.TextField("What they offer")
    support_types = models.JSONField(default=list)
    area = models.CharField("Where they work", max_length=200)
    contact = models.CharField("How to contact them", max_length=300)
    status = models.CharField(
        max_length=12, choices=ProviderStatus.choices, default=ProviderStatus.APPROVED
    )
    approved_on = models.DateField()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="one_approved_provider_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def support_type_labels(self) -> list[str]:
        labels = dict(SupportType.choices)
        return [labels.get(value, value) for value in self.support_types]


class EvidenceRating(models.TextChoices):
    MEETS = "meets", "Meets this"
    PARTLY = "partly", "Partly meets this"
    NOT_YET = "not_yet", "Does not meet this yet"


class QualityEvidence(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(
        ApprovedProvider, on_delete=models.CASCADE, related_name="evidence"
    )
    quality = models.ForeignKey(ProviderQuality, on_delete=models.PROTECT, related_name="+")
    evidence = models.TextField("The evidence")
    rating = models.CharField(max_length=10, choices=EvidenceRating.choices)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "quality"], name="one_evidence_each")
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.quality}"


class ReviewStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to be checked"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Not published"


class ProviderReview(Audited):
    """A person's review of a provider. Shown only once checked, and never with their name:
    providers and other readers see "a person who uses the service"."""

    audit_exclude = frozenset({"text"})

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(ApprovedProvider, on_delete=models.CASCADE, related_name="reviews")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="provider_reviews")
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField("What they said")
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.WAITING
    )
    moderation_reason = models.TextField(blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        indexes = [models.Index(fields=["provider", "status"])]

    def __str__(self) -> str:
        return f"Review #{self.pk} of {self.provider}"


# From individual to strategic


class PlanEvidence(Audited):
    """The suppressed figures across plans, as they were when attached to a commissioning
    project's Analyse stage. Only suppressed figures are kept: never a count below the
    threshold, never a plan."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    stage = models.ForeignKey(
        "projects.Stage", on_delete=models.CASCADE, related_name="individual_evidence"
    )
    title = models.CharField(max_length=200)
    note = models.TextField("Why it matters for this project", blank=True)
    figures = models.JSONField()
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    attached_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-attached_at", "pk"]

    def __str__(self) -> str:
        return self.title
