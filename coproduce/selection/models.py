"""Fair selection of a panel from the people who applied: quotas, and each verifiable run.

The algorithm itself (LEXIMIN, after Flanigan et al., Nature 2021) is a plain module in this
package; these records keep what is needed to reproduce and check a draw: the hash of the pool
and of the quotas, the method, the public seed, each person's probability and the panel.
"""

from django.conf import settings
from django.db import models

from coproduce.accounts.models import Organisation
from coproduce.audit.models import Audited
from coproduce.recruitment.models import Opportunity, SelectionQuestion

# The value used for an applicant who did not answer a selection question.
NOT_KNOWN = "Not known"


class Quota(Audited):
    """The fewest and most people on the panel with one answer to one selection question."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    question = models.ForeignKey(SelectionQuestion, on_delete=models.CASCADE, related_name="quotas")
    value = models.CharField(max_length=100)
    minimum = models.PositiveSmallIntegerField(default=0)
    maximum = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["question__position", "question_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="selection_quota_unique"),
            models.CheckConstraint(
                condition=models.Q(minimum__lte=models.F("maximum")),
                name="selection_quota_min_not_above_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.feature}={self.value}: {self.minimum}-{self.maximum}"


class Algorithm(models.TextChoices):
    LEXIMIN = "leximin", "LEXIMIN (fairest: raises the lowest chances first)"
    LEGACY = "legacy", "Legacy greedy method (for comparison)"


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    INFEASIBLE = "infeasible", "Quotas cannot be met"
    FAILED = "failed", "Failed"


class SelectionRun(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="selection_runs"
    )
    algorithm = models.CharField(max_length=10, choices=Algorithm.choices)
    seed = models.CharField(
        "Seed",
        max_length=100,
        help_text="A number or words chosen in public, so that anyone can repeat the draw.",
    )
    places = models.PositiveSmallIntegerField()
    reserves_wanted = models.PositiveSmallIntegerField(default=0)
    one_per_household = models.BooleanField("At most one person per household", default=False)
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.RUNNING)
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, related_name="+")
    # What went in, so the draw can be checked: application ids with their feature values,
    # and the quotas, each with a hash.
    pool = models.JSONField(default=dict)
    quotas = models.JSONField(default=list)
    pool_hash = models.CharField(max_length=64, blank=True)
    quotas_hash = models.CharField(max_length=64, blank=True)
    # What came out.
    probabilities = models.JSONField(default=dict)
    min_probability = models.FloatField(null=True)
    panel_count = models.PositiveIntegerField("Panels in the distribution", null=True)
    selected = models.JSONField(default=list)
    reserves = models.JSONField(default=list)
    feature_counts = models.JSONField(default=dict)
    explanation = models.TextField(blank=True)
    seconds = models.FloatField(null=True)
    applied_at = models.DateTimeField("Applications updated", null=True, blank=True)
    report_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Selection #{self.pk} for opportunity #{self.opportunity_id}"
