"""Theming what people wrote in answer to a survey's open question.

An officer proposes themes (found by clustering), curates them, tags example comments, then
a classifier assigns themes to every answer with a confidence; the least certain are checked
by the officer, whose corrections teach the next run.
"""

import hashlib

from django.conf import settings
from django.db import models

from coproduce.accounts.models import Organisation
from coproduce.audit.models import Audited
from coproduce.core.models import Job
from coproduce.surveys.models import Answer, Question


def text_hash(text: str) -> str:
    """What an answer said when it was last classified, so a re-run skips unchanged ones."""
    return hashlib.sha256(text.encode()).hexdigest()


class ThemeSet(Audited):
    """The themes of one open question."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="theme_set")
    # What the classifier last learnt from (themes and examples): while it is unchanged, a
    # re-run only classifies new or changed answers.
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    classified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The latest background job (finding or assigning themes): its progress is shown on the
    # question's pages, and another cannot start while it runs.
    job = models.ForeignKey(
        Job, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Themes for question #{self.question_id}"


class Theme(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    theme_set = models.ForeignKey(ThemeSet, on_delete=models.CASCADE, related_name="themes")
    label = models.CharField("Name", max_length=120)
    description = models.TextField("What it covers", blank=True)
    keywords = models.JSONField(default=list, blank=True)
    # Answers whose words best show the theme, most representative first.
    quotes = models.ManyToManyField(Answer, blank=True, related_name="+")

    class Meta:
        ordering = ["label", "pk"]

    def __str__(self) -> str:
        return self.label


class ThemeExample(Audited):
    """An answer the officer tagged with a theme: what the classifier learns from."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="examples")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="theme_examples")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["theme", "answer"], name="theming_example_once")
        ]

    def __str__(self) -> str:
        return f"Example of theme #{self.theme_id}"


class AssignedBy(models.TextChoices):
    MODEL = "model", "The classifier"
    OFFICER = "officer", "An officer"


class ThemeAssignment(Audited):
    """One answer's standing with one theme of its question: given or not, how sure."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="assignments")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="theme_assignments")
    given = models.BooleanField(default=False)
    confidence = models.FloatField(default=0.0)
    # How close the answer's decisions were to an edge (1 = on it): the review queue's order.
    uncertainty = models.FloatField(default=0.0, db_index=True)
    assigned_by = models.CharField(
        max_length=10, choices=AssignedBy.choices, default=AssignedBy.MODEL
    )
    checked = models.BooleanField(default=False)
    text_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["theme", "answer"], name="theming_assignment_once")
        ]
        indexes = [models.Index(fields=["theme", "given"])]

    def __str__(self) -> str:
        return f"Theme #{self.theme_id} for answer #{self.answer_id}"
