"""Surveys and consultations: what was asked, and what people answered.

- `Survey`: a set of questions for one organisation, optionally tied to a project, stage and
  engagement method (the consult rung of the involvement ladder). Draft, then open, then closed;
  it may close itself at `closes_at`. Anonymous surveys never link a response to a person.
  `easy_read` says the survey has easy-read wording to offer.
- `Section`: a titled group of questions, in `order`.
- `Question`: one question, of a `QuestionKind` (text, long_text, single_choice, multiple_choice,
  scale, ranking, number, date, matrix, file). `options` holds the answers to choose from (the
  labelled points of a scale, the items to rank); `rows` the rows of a matrix, each answered on
  the `options` scale. `easy_read_text` is the easy-read wording.
- `Route`: conditional routing. When a single-choice (or scale) question is answered with
  `option`, go to a later question, the start of a later section, or the end.
- `Response`: one person's (or one anonymous respondent's) answers. `source` says how it came
  (online, paper, phone, event); staff-entered ones record `entered_by`. `resume_token` is the
  private link to carry on; `status` goes in_progress then submitted, once.
- `Answer`: one answer to one question. `text` holds text and long_text answers (the free text
  that theming works on); `choice` a single choice or scale point; `choices` the options picked
  or the ranking in order; `number`, `date`, `matrix` (row -> point) and `file` the rest.

Once a survey has responses its questions are fixed except for wording (text, easy-read text,
hint): changing options or kinds would make earlier answers mean something else.
"""

import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q

from coproduce.accounts.models import Organisation
from coproduce.audit.models import Audited
from coproduce.people.models import Person
from coproduce.projects.models import CommissioningProject, EngagementMethod, Stage

from . import tallying


class PrivateStorage(FileSystemStorage):
    """Uploaded answers live outside MEDIA_ROOT, so they are only ever served through a view
    that checks permission. The folder is read from settings each time (tests move it)."""

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(Path(settings.VAR_DIR) / "survey_uploads")

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def private_storage() -> FileSystemStorage:
    return PrivateStorage()


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Survey(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="surveys")
    project = models.ForeignKey(
        CommissioningProject,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.SET_NULL, null=True, blank=True, related_name="surveys"
    )
    method = models.ForeignKey(
        EngagementMethod, on_delete=models.SET_NULL, null=True, blank=True, related_name="surveys"
    )
    title = models.CharField(max_length=150)
    introduction = models.TextField(
        "What the survey is about",
        blank=True,
        help_text="Why you are asking, what will happen to the answers, and how long it takes.",
    )
    easy_read_introduction = models.TextField("Easy-read introduction", blank=True)
    status = models.CharField(
        max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    closes_at = models.DateTimeField("Closing date", null=True, blank=True)
    anonymous = models.BooleanField(
        "Anonymous",
        default=True,
        help_text="Anonymous answers are never linked to a person in the register.",
    )
    easy_read = models.BooleanField(
        "Has easy-read wording",
        default=False,
        help_text="Respondents can choose easy read to see the easy-read wording of each question.",
    )
    template_key = models.CharField(max_length=40, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.title


class Section(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=150)
    easy_read_title = models.CharField("Easy-read title", max_length=150, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    TEXT = "text", "Short text"
    LONG_TEXT = "long_text", "Long text"
    SINGLE_CHOICE = "single_choice", "Choose one"
    MULTIPLE_CHOICE = "multiple_choice", "Choose all that apply"
    SCALE = "scale", "Scale (for example, agree to disagree)"
    RANKING = "ranking", "Put in order"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    MATRIX = "matrix", "Grid (rows answered on a scale)"
    FILE = "file", "File upload"


FREE_TEXT_KINDS = frozenset({QuestionKind.TEXT, QuestionKind.LONG_TEXT})
# Kinds answered with one option, which routing can branch on.
ROUTABLE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.SCALE})
OPTION_KINDS = frozenset(
    {
        QuestionKind.SINGLE_CHOICE,
        QuestionKind.MULTIPLE_CHOICE,
        QuestionKind.SCALE,
        QuestionKind.RANKING,
        QuestionKind.MATRIX,
    }
)


class Question(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, null=True, blank=True, related_name="questions"
    )
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    text = models.CharField("Question", max_length=300)
    hint = models.CharField("Hint", max_length=300, blank=True)
    easy_read_text = models.CharField("Easy-read wording", max_length=300, blank=True)
    required = models.BooleanField("Must be answered", default=True)
    order = models.PositiveSmallIntegerField(default=0)
    options = models.JSONField(default=list, blank=True)
    rows = models.JSONField(default=list, blank=True)
    min_value = models.DecimalField(
        "Smallest number allowed", max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        "Largest number allowed", max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_free_text(self) -> bool:
        return self.kind in FREE_TEXT_KINDS

    def wording(self, easy_read: bool = False) -> str:
        return (self.easy_read_text or self.text) if easy_read else self.text


class Route(Audited):
    """On answering `question` with `option`, go to `to_question`, the first question of
    `to_section`, or (neither set) the end of the survey."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="routes")
    option = models.CharField(max_length=200)
    to_question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    to_section = models.ForeignKey(
        Section, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "option"], name="surveys_one_route_per_option"
            ),
            models.CheckConstraint(
                condition=Q(to_question__isnull=True) | Q(to_section__isnull=True),
                name="surveys_route_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"Route from question #{self.question_id} on {self.option!r}"


class ResponseSource(models.TextChoices):
    ONLINE = "online", "Online"
    PAPER = "paper", "On paper"
    PHONE = "phone", "By phone"
    EVENT = "event", "At an event"


class ResponseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "Not sent yet"
    SUBMITTED = "submitted", "Sent"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Response(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="survey_responses"
    )
    source = models.CharField(
        max_length=10, choices=ResponseSource.choices, default=ResponseSource.ONLINE
    )
    status = models.CharField(
        max_length=15, choices=ResponseStatus.choices, default=ResponseStatus.IN_PROGRESS
    )
    resume_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # A staff entry form carries a key made when the form was shown, so that sending it twice
    # finds the response made the first time.
    entry_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    # The postcode district (the first half of a postcode), kept on the response so that
    # results can be broken down by area for anonymous answers too.
    area = models.CharField("Postcode district", max_length=5, blank=True, db_index=True)
    easy_read = models.BooleanField(default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        indexes = [models.Index(fields=["survey", "status", "submitted_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "person"],
                condition=Q(person__isnull=False),
                name="surveys_one_response_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"Response #{self.pk} to survey #{self.survey_id}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED


ANSWER_VALUE_FIELDS = frozenset({"text", "choice", "choices", "number", "date", "matrix", "file"})


class Answer(Audited):
    # What people said is recorded in the trail as changed, never with its value.
    audit_exclude = ANSWER_VALUE_FIELDS | {"file_name"}

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(blank=True)
    choice = models.CharField(max_length=200, blank=True)
    choices = models.JSONField(default=list, blank=True)
    number = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    matrix = models.JSONField(default=dict, blank=True)
    file = models.FileField(storage=private_storage, upload_to="answers/%Y/%m", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="surveys_one_answer_per_question"
            )
        ]
        # Covers results' grouped count: by question and choice, for the sent responses.
        indexes = [models.Index(fields=["question", "choice", "response"])]

    def __str__(self) -> str:
        return f"Answer to question #{self.question_id}"

    @property
    def is_empty(self) -> bool:
        return not (
            self.text
            or self.choice
            or self.choices
            or self.number is not None
            or self.date is not None
            or self.matrix
            or self.file
        )

    def display(self) -> str:
        """The answer as one line of plain text (check-your-answers, exports)."""
        value: Any
        if self.choices:
            value = "; ".join(str(item) for item in self.choices)
        elif self.matrix:
            value = "; ".join(f"{row}: {point}" for row, point in self.matrix.items())
        elif self.number is not None:
            value = f"{self.number.normalize():f}"
        elif self.date is not None:
            value = f"{self.date:%-d %B %Y}"
        elif self.file:
            value = self.file_name or "File uploaded"
        else:
            value = self.choice or self.text
        return str(value)


class TallyMeasure(models.TextChoices):
    ANSWERED = tallying.ANSWERED, "Answered the question"
    CHOSEN = tallying.CHOSEN, "Chose the option"
    FIRST = tallying.FIRST, "Put the item first"
    PLACES = tallying.PLACES, "Places given to the item, added up"
    GRID = tallying.GRID, "Chose the point for the grid row"


class AnswerTally(models.Model):
    """Running counts of sent answers, by question, how they were given and the day they were
    sent (in TIME_ZONE), so that results and their source and date filters add up a few rows
    instead of reading every answer (ADR 10). Kept up to date in the same transaction as the
    answers they count (`services.tally_answers`), rebuilt from the answers by
    `rebuild_survey_tallies`. Not `Audited`: they are worked out from audited answers, hold no
    personal data, and change with every response sent."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=10, choices=ResponseSource.choices)
    day = models.DateField()
    measure = models.CharField(max_length=10, choices=TallyMeasure.choices)
    grid_row = models.TextField(blank=True)
    option = models.TextField(blank=True)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "source", "day", "measure", "grid_row", "option"],
                name="surveys_one_tally_each",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.grid_row} {self.option} for question #{self.question_id}"
