"""Contributions, the decisions that answer them, and feedback to the people who made them.

- `Contribution`: anything people said that should be answered (a survey theme, a point raised
  at an event, a panel recommendation, a comment, a review visit's finding). It points at its
  source through a generic relation, so any app can add contributions without this one
  importing it. `Contributor` rows say who said it, so they can be told what happened.
- `Decision`: what the decision-maker decided, and when. `ContributionResponse`: for one
  contribution, whether the decision adopted it, adapted it or did not take it forward, and
  why in plain words.
- `YouSaidWeDid`: a project's public page (introduction, published or not).
- `FeedbackRound` and `PersonalFeedback`: one sending of personal feedback, and what each
  person was told in it (so nobody is told the same thing twice).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from coproduce.accounts.models import Organisation
from coproduce.audit.models import Audited
from coproduce.people.models import Person
from coproduce.projects.models import CommissioningProject, Stage


class ContributionKind(models.TextChoices):
    SURVEY_THEME = "survey_theme", "Theme from a survey"
    EVENT_POINT = "event_point", "Point raised at an event"
    PANEL_RECOMMENDATION = "panel_recommendation", "Panel recommendation"
    COMMENT = "comment", "Comment from one person"
    REVIEW_FINDING = "review_finding", "Finding from a review visit"


class Contribution(Audited):
    # The words quoted can identify the person: the trail records that they changed, not them.
    audit_exclude = frozenset({"quote"})

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        CommissioningProject, on_delete=models.CASCADE, related_name="contributions"
    )
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="contributions")
    kind = models.CharField("Where it came from", max_length=30, choices=ContributionKind.choices)
    summary = models.TextField("What people said")
    source_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    # Kept with the contribution so lists never load every source, and so it still reads
    # sensibly if the source is deleted.
    source_label = models.CharField("Source", max_length=200, blank=True)
    # The one person who made an individual comment, if they agreed to be linked to it.
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="own_contributions",
    )
    quote_consent = models.BooleanField("They agreed to be quoted", default=False)
    quote = models.TextField("Their words, to quote", blank=True)
    people_count = models.PositiveIntegerField("How many people said this", null=True, blank=True)
    # Set by callers that may add the same contribution twice (a repeated import or job).
    key = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "stage__position", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key"],
                condition=~Q(key=""),
                name="feedback_contribution_key_once",
            )
        ]
        indexes = [
            models.Index(fields=["project", "created_at"]),
            models.Index(fields=["source_type", "source_id"]),
        ]

    def __str__(self) -> str:
        return self.summary[:80]

    @property
    def audit_repr(self) -> str:
        return f"Contribution #{self.pk} ({self.get_kind_display()})"


class Contributor(Audited):
    """One person who made a contribution: they are told what happened to it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="contributors"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contributed_to")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "person"], name="feedback_contributor_once"
            )
        ]
        indexes = [models.Index(fields=["person", "contribution"])]

    def __str__(self) -> str:
        return f"Contributor #{self.pk}"


class Decision(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        CommissioningProject, on_delete=models.CASCADE, related_name="decisions"
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    title = models.CharField("What was decided, in a few words", max_length=200)
    summary = models.TextField("What was decided, and why")
    easy_read = models.TextField("Easy read version", blank=True)
    decided_by = models.CharField(
        "Who decided",
        max_length=200,
        help_text="For example: Cabinet member for adult social care, or the project board.",
    )
    decided_on = models.DateField("Date of the decision")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "published_at"]),
            models.Index(fields=["project", "decided_on"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Outcome(models.TextChoices):
    ADOPTED = "adopted", "Adopted"
    ADAPTED = "adapted", "Adapted"
    NOT_TAKEN_FORWARD = "not_taken_forward", "Not taken forward"


OUTCOME_EASY_READ = {
    Outcome.ADOPTED: "We did what you said.",
    Outcome.ADAPTED: "We did some of what you said, in a different way.",
    Outcome.NOT_TAKEN_FORWARD: "We could not do what you said.",
}


class ContributionResponse(Audited):
    """What a decision did with one contribution. A contribution is answered once."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    contribution = models.OneToOneField(
        Contribution, on_delete=models.CASCADE, related_name="response"
    )
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="responses")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason = models.TextField("Why, in plain words", blank=True)
    responded_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["contribution__created_at", "pk"]
        indexes = [models.Index(fields=["decision", "outcome"])]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: contribution #{self.contribution_id}"

    @property
    def easy_read_outcome(self) -> str:
        return OUTCOME_EASY_READ[Outcome(self.outcome)]


class YouSaidWeDid(Audited):
    """A project's public "You said, we did" page."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    project = models.OneToOneField(
        CommissioningProject, on_delete=models.CASCADE, related_name="you_said_we_did"
    )
    introduction = models.TextField("Introduction", blank=True)
    easy_read_introduction = models.TextField("Easy read introduction", blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "You said, we did page"

    def __str__(self) -> str:
        return f"You said, we did: {self.project}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class FeedbackRound(Audited):
    """One sending of personal feedback for a project, run as a background job."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        CommissioningProject, on_delete=models.CASCADE, related_name="feedback_rounds"
    )
    job = models.OneToOneField(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    people_told = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Feedback round #{self.pk} for {self.project}"


class PersonalFeedback(Audited):
    """What one person was sent in one round: the responses they were told about."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(FeedbackRound, on_delete=models.CASCADE, related_name="feedback")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="feedback_received")
    delivery = models.ForeignKey(
        "notifications.Delivery",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    response_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="feedback_personal_once")
        ]
        indexes = [models.Index(fields=["person", "round"])]

    def __str__(self) -> str:
        return f"Personal feedback #{self.pk}"
