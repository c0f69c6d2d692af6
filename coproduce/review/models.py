"""Co-review: outcomes that matter to people and their indicators, providers' reports against
them, user-led review visits (mystery shopping, young inspectors), the quality characteristics
of a good service, lessons learnt, and the organisation's self-assessment of its co-production
practice.

Summary for readers of these models:

- `Service`: a service commissioned in a project and run by a provider. `ServiceProviderUser`
  links the provider users (users with the provider role in the commissioning organisation,
  as `procurement.BidderUser` does for bidders) who report on it.
- `Outcome`: what matters to people, in their words (`whose_words` says who said it).
  `Indicator`: how an outcome is measured (baseline, target, frequency, data source), for the
  whole project or one service. `IndicatorValue`: one figure for one period, entered by an
  officer or taken from an accepted provider report.
- `ProviderReport` (+ `ProviderReportFigure`): a provider's figures and commentary for a
  period, submitted by the provider and accepted or returned by an officer.
- `QualityCharacteristic`: what a good service is like, as people defined it, per service.
- `ReviewVisit`: a mystery shopping or young inspectors' visit to a service. Its checklist is
  a response to a survey made from the surveys app's templates (`ReviewChecklist` keeps the
  one survey per service and kind). `VisitRating`: the visit rated against each quality
  characteristic. `VisitFinding`: a finding or recommendation; each becomes a contribution in
  the feedback app, which must get a decision.
- `Lesson`: what worked, what did not and what to change, per project and stage.
- `SelfAssessment` (a round) ── `SelfAssessmentResponse` (one person, staff or participant)
  ── `SelfAssessmentScore` (one per question of `practice_questions.QUESTIONS`).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from coproduce.accounts.models import Organisation
from coproduce.audit.models import Audited
from coproduce.projects.models import CommissioningProject, Stage

from . import practice_questions, rag


class Service(Audited):
    """A service commissioned in a project and run by a provider."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        CommissioningProject, on_delete=models.PROTECT, related_name="review_services"
    )
    name = models.CharField("Service name", max_length=200)
    provider_name = models.CharField("Provider", max_length=200)
    description = models.TextField("What the service does", blank=True)
    provider_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ServiceProviderUser", related_name="+", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="review_service_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider_name})"


class ServiceProviderUser(Audited):
    """A provider user who may report on a service."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="provider_links")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_service_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "user"], name="review_service_user")
        ]

    def __str__(self) -> str:
        return f"User #{self.user_id} for service #{self.service_id}"


class QualityCharacteristic(Audited):
    """What a good service is like, in the words of the people who defined it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="quality_characteristics"
    )
    title = models.CharField("What a good service does", max_length=200)
    description = models.TextField("What that looks like", blank=True)
    defined_by = models.CharField(
        "Who defined it",
        max_length=200,
        help_text="For example: young people at the pupil referral unit workshop, May 2026.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Outcome(Audited):
    """An outcome that matters to people, in their words."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        CommissioningProject, on_delete=models.PROTECT, related_name="review_outcomes"
    )
    statement = models.TextField(
        "The outcome, in people's words",
        help_text="Write it as people said it, for example: “I get a break when I need one”.",
    )
    whose_words = models.CharField(
        "Whose words",
        max_length=200,
        help_text="Who co-designed it, for example: carers' reference group, 3 March 2026.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.statement[:80]


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    SIX_MONTHLY = "six_monthly", "Every six months"
    YEARLY = "yearly", "Yearly"


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


def figure_field(verbose_name: str, **kwargs: object) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)  # type: ignore[arg-type]


class Indicator(Audited):
    """How an outcome is measured."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="indicators")
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        help_text="The service that reports it. Leave empty for a figure the council collects.",
    )
    name = models.CharField("Indicator", max_length=200)
    unit = models.CharField(
        "Unit", max_length=30, blank=True, help_text="For example: %, carers, days."
    )
    direction = models.CharField(max_length=6, choices=Direction.choices, default=Direction.HIGHER)
    baseline = figure_field("Baseline", null=True, blank=True)
    target = figure_field("Target")
    amber_percent = models.PositiveSmallIntegerField(
        "Amber within (% of the way from baseline to target)",
        default=25,
        validators=[MaxValueValidator(100)],
        help_text="A figure that falls short of the target by no more than this share of the "
        "distance from the baseline is amber; further away is red.",
    )
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    data_source = models.CharField(
        "Data source", max_length=300, help_text="Where the figure comes from and who collects it."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def goal(self) -> rag.Goal:
        return rag.Goal(
            target=self.target,
            baseline=self.baseline,
            higher_is_better=self.direction == Direction.HIGHER,
            amber_share=Decimal(self.amber_percent) / 100,
        )


class ValueSource(models.TextChoices):
    OFFICER = "officer", "Entered by an officer"
    PROVIDER_REPORT = "provider_report", "From the provider's report"


class IndicatorValue(Audited):
    """One figure for one period."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period_start = models.DateField("Period starts")
    period_end = models.DateField("Period ends")
    value = figure_field("Figure")
    note = models.TextField("Note", blank=True)
    source = models.CharField(max_length=20, choices=ValueSource.choices)
    report = models.ForeignKey(
        "ProviderReport", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start"], name="review_one_value_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.period_start})"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Not sent yet"
    SUBMITTED = "submitted", "Waiting for review"
    RETURNED = "returned", "Returned with comments"
    ACCEPTED = "accepted", "Accepted"


class ProviderReport(Audited):
    """A provider's figures and commentary for one period."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="reports")
    period_start = models.DateField("Period starts")
    period_end = models.DateField("Period ends")
    commentary = models.TextField(
        "What the figures say",
        blank=True,
        help_text="What went well, what did not, and what you are doing about it.",
    )
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comments = models.TextField("Comments for the provider", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "period_start"], name="review_one_report_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.name}: {self.period_start:%-d %b %Y} to {self.period_end:%-d %b %Y}"

    @property
    def editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


class ProviderReportFigure(Audited):
    """One indicator's figure in a provider's report."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(ProviderReport, on_delete=models.CASCADE, related_name="figures")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    value = figure_field("Figure")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["indicator__order", "indicator_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="review_one_figure")
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


class VisitKind(models.TextChoices):
    MYSTERY_SHOPPING = "mystery_shopping", "Mystery shopping"
    YOUNG_INSPECTORS = "young_inspectors", "Young inspectors' visit"


# The surveys app's template each kind of visit is recorded with (`surveys.survey_templates`).
# Young inspectors judge the service as its users, so they use the service users' template.
CHECKLIST_TEMPLATES = {
    VisitKind.MYSTERY_SHOPPING: "mystery_shopping",
    VisitKind.YOUNG_INSPECTORS: "service_user_satisfaction",
}


class ReviewChecklist(Audited):
    """The survey a service's visits of one kind are recorded with (one per service and kind,
    so results across visits add up in the surveys app)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="checklists")
    kind = models.CharField(max_length=20, choices=VisitKind.choices)
    survey = models.OneToOneField(
        "surveys.Survey", on_delete=models.PROTECT, related_name="review_checklist"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "kind"], name="review_one_checklist")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} checklist for {self.service.name}"


class ReviewVisit(Audited):
    """A user-led review of a service: mystery shopping or a young inspectors' visit."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="visits")
    kind = models.CharField(max_length=20, choices=VisitKind.choices)
    visited_on = models.DateField("Date of the visit or call")
    reviewers = models.CharField(
        "Who carried it out",
        max_length=300,
        help_text="For example: two carers from the reference group. Names are not needed.",
    )
    people = models.ManyToManyField("people.Person", related_name="review_visits", blank=True)
    checklist_response = models.OneToOneField(
        "surveys.Response", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    summary = models.TextField("Summary", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.service.name}, {self.visited_on:%-d %B %Y}"


class Rating(models.TextChoices):
    MET = "met", "Yes"
    PARTLY = "partly", "Partly"
    NOT_MET = "not_met", "No"
    NOT_SEEN = "not_seen", "Could not tell"


class VisitRating(Audited):
    """How the service did against one quality characteristic on one visit."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(ReviewVisit, on_delete=models.CASCADE, related_name="ratings")
    characteristic = models.ForeignKey(
        QualityCharacteristic, on_delete=models.CASCADE, related_name="ratings"
    )
    rating = models.CharField(max_length=10, choices=Rating.choices)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["characteristic__order", "characteristic_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "characteristic"], name="review_one_rating_per_characteristic"
            )
        ]

    def __str__(self) -> str:
        return f"{self.characteristic}: {self.get_rating_display()}"


class FindingKind(models.TextChoices):
    FINDING = "finding", "Finding"
    RECOMMENDATION = "recommendation", "Recommendation"


class VisitFinding(Audited):
    """Something the reviewers found, or recommend. Each is sent for a decision as a
    contribution (feedback app)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(ReviewVisit, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=15, choices=FindingKind.choices)
    text = models.TextField("What they found or recommend")
    characteristic = models.ForeignKey(
        QualityCharacteristic,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name="Quality characteristic it is about",
    )
    # The contribution made from it in the feedback app, once sent for a decision.
    contribution = models.OneToOneField(
        "feedback.Contribution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="review_finding",
    )
    sent_for_decision_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class Lesson(Audited):
    """What a project learnt at one stage."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        CommissioningProject, on_delete=models.PROTECT, related_name="lessons"
    )
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="lessons")
    title = models.CharField("Lesson in a sentence", max_length=200)
    what_worked = models.TextField("What worked", blank=True)
    what_did_not = models.TextField("What did not work", blank=True)
    what_to_change = models.TextField("What to do differently next time", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class AssessmentStatus(models.TextChoices):
    OPEN = "open", "Open for scores"
    CLOSED = "closed", "Closed"


class SelfAssessment(Audited):
    """One round of the organisation's self-assessment of its co-production practice."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=150, help_text="For example: Spring 2026.")
    status = models.CharField(
        max_length=6, choices=AssessmentStatus.choices, default=AssessmentStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class RespondentGroup(models.TextChoices):
    STAFF = "staff", "Staff"
    PARTICIPANT = "participant", "People who use services and carers"


class SelfAssessmentResponse(Audited):
    """One person's scores in one round: a member of staff, or a participant (online, or on
    paper entered by a facilitator)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="responses"
    )
    group = models.CharField(max_length=12, choices=RespondentGroup.choices)
    # Whose scores these are when they answered themselves; empty for paper answers.
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField("Anything else", blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "respondent"],
                condition=models.Q(respondent__isnull=False),
                name="review_one_response_each",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()} response #{self.pk}"


class SelfAssessmentScore(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    response = models.ForeignKey(
        SelfAssessmentResponse, on_delete=models.CASCADE, related_name="scores"
    )
    question_key = models.CharField(max_length=40)
    score = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(practice_questions.LOWEST),
            MaxValueValidator(practice_questions.HIGHEST),
        ]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question_key"], name="review_one_score")
        ]

    def __str__(self) -> str:
        return f"{self.question_key}: {self.score}"
