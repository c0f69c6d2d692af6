"""Procurement: tenders evaluated by service users and carers beside officers, from set-up to
moderation (the Richmond guide: lay evaluators choose which responses to score at a briefing,
word limits, co-designed questions, easy-read responses scored by a separate panel, anonymity
to bidders).

Summary for readers of these models (e.g. the awards app):

- `Tender` belongs to a commissioning project (Do stage). Weights are percentages of the whole
  tender: `quality_weight + price_weight == 100`; each `Criterion.weight` is a share of the
  quality weight (criteria total `quality_weight`); each `Question.weight` is a share of its
  criterion's weight (a criterion's questions total its weight). So a question's weight is
  its share of the whole tender, and a bid's quality total is
  sum(question.weight * moderated score / tender.scale_max).
- Scale: 0 to `Tender.scale_max` (4 or 5), one `ScoreDescriptor` per score.
- `Tender.price_formula` is one of `PriceFormula`, whose values are the keys of
  `scoring.PRICE_FORMULAS`.
- Every tender has at least one `Lot`. A `Question` with no lot applies to every lot.
- `Bidder` is one organisation bidding for one tender; `BidderUser` links the provider users
  who act for it (users with the provider role in the commissioning organisation).
  `Bid` is one bidder's bid for one lot: `price`, `status`, `submitted_at`.
- `Answer` is a bid's response to one question (`text`, and `easy_read_text` when the question
  asks for easy read). Interview questions (`Question.kind == INTERVIEW`) get an Answer too
  (a note of what was said at the interview or presentation) and are scored the same way.
- `Evaluator` is someone on the tender's panel: kind lay / officer / easy-read panel. A lay
  evaluator is a `people.Person` (and usually a participant `user`); officers are staff users.
  `Evaluator.code` ("Lay evaluator A", "Officer B") is the only way to refer to an evaluator
  in anything anonymised: never show a lay evaluator's name to a bidder.
- `Assignment`: which questions an evaluator scores (lay evaluators choose at a `Briefing`;
  officers are assigned).
- `ConflictDeclaration`: one per evaluator per bidder; an evaluator whose conflict is assessed
  as EXCLUDED never sees or scores that bidder's answers.
- `Score`: one evaluator's score of one answer with a required justification; locked once
  `submitted_at` is set. `Score.status` SUBMITTED marks the final ones.
- `Moderation`: one per answer (question x bid) once moderation is open for the question:
  the consensus score (the one that counts) and rationale, with a `ModerationExplanation` for
  every individual score that differs from it.
- `Clarification`: a bidder's question and the published answer, shown to all bidders
  without saying who asked.
"""

from decimal import Decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from coproduce.accounts.models import Organisation
from coproduce.audit.models import Audited
from coproduce.people.models import Person
from coproduce.projects.models import CommissioningProject, EngagementMethod


def private_storage() -> FileSystemStorage:
    """Bid documents and guides live outside MEDIA_ROOT, so they are only ever served through
    a view that checks permission."""
    return FileSystemStorage(location=settings.VAR_DIR / "procurement_uploads")


def weight_field(verbose_name: str, **kwargs: object) -> models.DecimalField:
    """A percentage of the whole tender, to two decimal places."""
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        **kwargs,  # type: ignore[arg-type]
    )


def optional_money_field(verbose_name: str) -> models.DecimalField:
    """Pounds and pence, never negative, empty until known (as `projects.money_field`)."""
    return models.DecimalField(
        verbose_name,
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )


class TenderStatus(models.TextChoices):
    DRAFT = "draft", "Being set up"
    OPEN = "open", "Open for bids"
    EVALUATION = "evaluation", "Bids closed: preparing the panel"
    SCORING = "scoring", "Scoring"
    AWARDED = "awarded", "Awarded"
    CANCELLED = "cancelled", "Cancelled"


class PriceFormula(models.TextChoices):
    """How a bid's price becomes marks out of the price weight. The values are the names of
    the formulas in `procurement.scoring.PRICE_FORMULAS`, which does the sums."""

    LOWEST_PRICE = "lowest_price", "Lowest price divided by the bid price, times the price weight"
    LINEAR_BETWEEN_LOWEST_AND_HIGHEST = (
        "linear_between_lowest_and_highest",
        "Full marks for the lowest price, none for the highest, in a straight line between",
    )
    DIFFERENCE_FROM_LOWEST = (
        "difference_from_lowest",
        "Each 1% above the lowest price loses 1% of the price weight",
    )


class Tender(Audited):
    """A competition for a contract, run in a commissioning project's Do stage."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="tenders")
    project = models.ForeignKey(
        CommissioningProject, on_delete=models.PROTECT, related_name="tenders"
    )
    # The project's bid evaluation panel method: its events are the panel's discussion sessions.
    panel_method = models.ForeignKey(
        EngagementMethod,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tenders",
        verbose_name="Evaluation panel in the engagement plan",
    )
    title = models.CharField(max_length=200)
    reference = models.CharField(
        "Reference",
        max_length=50,
        help_text="Your procurement reference, for example NCC-2026-014.",
    )
    description = models.TextField("What is being bought", blank=True)
    status = models.CharField(
        max_length=12, choices=TenderStatus.choices, default=TenderStatus.DRAFT
    )
    quality_weight = weight_field("Quality weight (%)", default=Decimal("70"))
    price_weight = weight_field("Price weight (%)", default=Decimal("30"))
    price_formula = models.CharField(
        max_length=40, choices=PriceFormula.choices, default=PriceFormula.LOWEST_PRICE
    )
    price_formula_notes = models.TextField(
        "How price is scored, in plain words",
        blank=True,
        help_text="Shown to bidders with the formula.",
    )
    scale_max = models.PositiveSmallIntegerField(
        "Highest score",
        default=4,
        validators=[MinValueValidator(4), MaxValueValidator(5)],
        help_text="Scores run from 0 to this number: 4 or 5.",
    )
    spread_threshold = models.PositiveSmallIntegerField(
        "Flag a spread of scores of at least",
        default=2,
        help_text=(
            "At moderation, a question whose highest and lowest scores differ by this much "
            "or more is flagged for discussion."
        ),
    )
    bids_close_at = models.DateTimeField("Bids close", null=True, blank=True)
    scoring_starts_on = models.DateField("Scoring starts", null=True, blank=True)
    scoring_ends_on = models.DateField("Scoring ends", null=True, blank=True)
    lay_guide = models.TextField(
        "Plain guide for lay evaluators",
        blank=True,
        help_text="What the task is, how scoring works and the timetable, in plain words.",
    )
    process_flow_chart = models.FileField(
        "Flow chart of the evaluation process",
        storage=private_storage,
        upload_to="guides/%Y/%m",
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    bids_closed_at = models.DateTimeField(null=True, blank=True)
    scoring_started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def scale(self) -> range:
        return range(0, self.scale_max + 1)


class Lot(Audited):
    """A part of the contract that is bid for separately (every tender has at least one)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    estimated_value = optional_money_field("Estimated value (£)")

    class Meta:
        ordering = ["tender", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="procurement_lot_number")
        ]

    def __str__(self) -> str:
        return f"Lot {self.number}: {self.title}"


class Criterion(Audited):
    """A group of quality questions with its weight (a share of the tender's quality weight)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=200)
    weight = weight_field("Weight (%)")

    class Meta:
        ordering = ["tender", "position", "pk"]
        verbose_name_plural = "criteria"

    def __str__(self) -> str:
        return self.name


class QuestionKind(models.TextChoices):
    WRITTEN = "written", "Written answer"
    INTERVIEW = "interview", "Interview or presentation"


class Question(Audited):
    """An evaluation question bidders answer, scored on the tender's scale."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="questions")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="questions")
    lot = models.ForeignKey(
        Lot,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="questions",
        help_text="Leave empty if every lot answers it.",
    )
    number = models.PositiveSmallIntegerField("Question number")
    kind = models.CharField(
        max_length=10, choices=QuestionKind.choices, default=QuestionKind.WRITTEN
    )
    text = models.TextField("Question")
    guidance = models.TextField("What a good answer shows", blank=True)
    word_limit = models.PositiveIntegerField("Word limit", null=True, blank=True)
    weight = weight_field("Weight (%)")
    lay_may_score = models.BooleanField("Lay evaluators may score it", default=True)
    easy_read_required = models.BooleanField(
        "Bidders must also answer in easy read, with a flow chart of the service pathway",
        default=False,
    )
    co_designed_from = models.TextField(
        "What service users and carers said they would look for",
        blank=True,
        help_text="If the question was co-designed, the input it came from.",
    )
    lay_panel_questions = models.TextField(
        "Questions the lay panel will ask",
        blank=True,
        help_text="For interviews and presentations.",
    )
    # Nobody sees anyone else's scores for this question before this is set.
    moderation_opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["tender", "number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="procurement_question_number")
        ]

    def __str__(self) -> str:
        return f"Question {self.number}"

    def applies_to(self, lot_id: int) -> bool:
        return self.lot_id is None or self.lot_id == lot_id


class ScoreDescriptor(Audited):
    """What one score on the tender's scale means."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="descriptors")
    score = models.PositiveSmallIntegerField()
    meaning = models.TextField()

    class Meta:
        ordering = ["tender", "score"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "score"], name="procurement_descriptor")
        ]

    def __str__(self) -> str:
        return f"{self.score}: {self.meaning}"


class Bidder(Audited):
    """An organisation bidding for one tender, and the provider users who act for it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="bidders")
    name = models.CharField("Organisation name", max_length=200)
    contact_email = models.EmailField(blank=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="BidderUser", related_name="bidders", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tender", "name"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "name"], name="procurement_bidder_name")
        ]

    def __str__(self) -> str:
        return self.name


class BidderUser(Audited):
    """A provider user who may write and submit a bidder's bids."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    bidder = models.ForeignKey(Bidder, on_delete=models.CASCADE, related_name="bidder_users")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bidder_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bidder", "user"], name="procurement_bidder_user")
        ]

    def __str__(self) -> str:
        return f"User #{self.user_id} for bidder #{self.bidder_id}"


class BidStatus(models.TextChoices):
    DRAFT = "draft", "Not sent yet"
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Bid(Audited):
    """One bidder's bid for one lot."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="bids")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="bids")
    bidder = models.ForeignKey(Bidder, on_delete=models.CASCADE, related_name="bids")
    price = optional_money_field("Price (£)")
    status = models.CharField(max_length=10, choices=BidStatus.choices, default=BidStatus.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tender", "lot__number", "bidder__name"]
        constraints = [
            models.UniqueConstraint(fields=["bidder", "lot"], name="procurement_one_bid_per_lot")
        ]

    def __str__(self) -> str:
        return f"Bid #{self.pk}"


class Answer(Audited):
    """A bid's answer to one question (or the note of an interview answer)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(blank=True)
    easy_read_text = models.TextField("Easy read answer", blank=True)
    word_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["question__number", "bid_id"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "question"], name="procurement_one_answer")
        ]

    def __str__(self) -> str:
        return f"Answer to question {self.question_id} in bid #{self.bid_id}"


class DocumentKind(models.TextChoices):
    SUPPORTING = "supporting", "Supporting document"
    FLOW_CHART = "flow_chart", "Flow chart of the service pathway"


class BidDocument(Audited):
    """A document uploaded with a bid, kept in private storage."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="documents")
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    kind = models.CharField(
        max_length=12, choices=DocumentKind.choices, default=DocumentKind.SUPPORTING
    )
    title = models.CharField(max_length=200)
    file = models.FileField(storage=private_storage, upload_to="bids/%Y/%m")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Clarification(Audited):
    """A bidder's question about the tender and the answer, published to every bidder without
    saying who asked."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="clarifications")
    # Who asked is for staff only: never shown to bidders.
    bidder = models.ForeignKey(Bidder, on_delete=models.CASCADE, related_name="clarifications")
    question = models.TextField("Your question")
    answer = models.TextField(blank=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return f"Clarification #{self.pk}"


class Briefing(Audited):
    """The briefing before scoring, where lay evaluators choose which questions they score."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="briefings")
    held_on = models.DateField("Date held")
    led_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    plain_guide_given = models.BooleanField("The plain guide was given", default=False)
    flow_chart_given = models.BooleanField(
        "The flow chart of the evaluation process was given", default=False
    )
    guide_link = models.URLField("Link to the guide and flow chart", blank=True)
    notes = models.TextField(
        "What was covered",
        blank=True,
        help_text="For example the scoring method, confidentiality and the timetable.",
    )

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"Briefing on {self.held_on:%d %B %Y}"


class EvaluatorKind(models.TextChoices):
    LAY = "lay", "Lay evaluator (person who uses services or carer)"
    OFFICER = "officer", "Officer"
    EASY_READ_PANEL = "easy_read_panel", "Easy-read panel member"


class Evaluator(Audited):
    """Someone on a tender's evaluation panel. Lay evaluators are people from the register
    (with a participant sign-in, or scoring on paper through a facilitator); officers are
    staff users."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="evaluators")
    kind = models.CharField(max_length=16, choices=EvaluatorKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluator_roles",
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="evaluator_roles"
    )
    # An anonymous label ("Lay evaluator A"): the only name used in anything a bidder sees.
    code = models.CharField(max_length=40)
    briefing = models.ForeignKey(
        Briefing,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendees",
        help_text="The briefing they came to.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tender", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "code"], name="procurement_evaluator_code"),
            models.UniqueConstraint(
                fields=["tender", "user"],
                condition=models.Q(user__isnull=False),
                name="procurement_evaluator_user",
            ),
            models.UniqueConstraint(
                fields=["tender", "person"],
                condition=models.Q(person__isnull=False),
                name="procurement_evaluator_person",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(person__isnull=False),
                name="procurement_evaluator_is_someone",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        """The evaluator's name: for staff pages only."""
        if self.person_id is not None:
            return self.person.display_name  # type: ignore[union-attr]
        return self.user.display_name  # type: ignore[union-attr]

    @property
    def is_lay(self) -> bool:
        return self.kind in (EvaluatorKind.LAY, EvaluatorKind.EASY_READ_PANEL)


class AssignmentSource(models.TextChoices):
    CHOSEN = "chosen", "Chosen by the evaluator"
    ASSIGNED = "assigned", "Assigned by an officer"


class Assignment(Audited):
    """A question an evaluator scores, for every bid they are not excluded from."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    evaluator = models.ForeignKey(Evaluator, on_delete=models.CASCADE, related_name="assignments")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="assignments")
    source = models.CharField(max_length=10, choices=AssignmentSource.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["question__number", "evaluator__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluator", "question"], name="procurement_one_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluator_id} scores question {self.question_id}"


class ConflictOutcome(models.TextChoices):
    AWAITING = "awaiting", "Waiting for an officer to assess"
    EXCLUDED = "excluded", "Excluded from this bidder"
    MANAGED = "managed", "Managed with mitigation"


class ConflictDeclaration(Audited):
    """An evaluator's declaration about one bidder, made before seeing any bid: no conflict,
    or a conflict (they use its service, work for it, are related to someone there...) which an
    officer assesses."""

    audit_exclude = frozenset({"nature"})

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    evaluator = models.ForeignKey(Evaluator, on_delete=models.CASCADE, related_name="declarations")
    bidder = models.ForeignKey(Bidder, on_delete=models.CASCADE, related_name="declarations")
    has_conflict = models.BooleanField()
    nature = models.TextField("What the conflict is", blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=ConflictOutcome.choices, blank=True)
    mitigation = models.TextField("Assessment and mitigation", blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["evaluator__code", "bidder__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluator", "bidder"], name="procurement_one_declaration"
            )
        ]

    def __str__(self) -> str:
        return f"Declaration by evaluator #{self.evaluator_id} about bidder #{self.bidder_id}"


class ScoreStatus(models.TextChoices):
    DRAFT = "draft", "Saved, not submitted"
    SUBMITTED = "submitted", "Submitted"


class Score(Audited):
    """One evaluator's score of one answer. Locked once submitted."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    evaluator = models.ForeignKey(Evaluator, on_delete=models.PROTECT, related_name="scores")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    justification = models.TextField("Why you gave this score", blank=True)
    status = models.CharField(max_length=10, choices=ScoreStatus.choices, default=ScoreStatus.DRAFT)
    # Who typed it: the evaluator, or a facilitator entering a paper score for them.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    on_paper = models.BooleanField("Scored on paper", default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["answer_id", "evaluator__code"]
        constraints = [
            models.UniqueConstraint(fields=["evaluator", "answer"], name="procurement_one_score")
        ]

    def __str__(self) -> str:
        return f"Score #{self.pk}"

    @property
    def is_locked(self) -> bool:
        return self.submitted_at is not None


class Moderation(Audited):
    """The panel's agreed (consensus) score for one answer, with the reason."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    answer = models.OneToOneField(Answer, on_delete=models.CASCADE, related_name="moderation")
    consensus_score = models.PositiveSmallIntegerField("Agreed score")
    rationale = models.TextField("Why the panel agreed this score")
    # The individual scores' spread when agreed (highest minus lowest), and whether it was
    # at least the tender's threshold: kept so later changes to the threshold do not rewrite it.
    spread = models.PositiveSmallIntegerField(default=0)
    spread_flagged = models.BooleanField(default=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField()

    class Meta:
        ordering = ["answer_id"]

    def __str__(self) -> str:
        return f"Moderation of answer #{self.answer_id}"


class ModerationExplanation(Audited):
    """Why the agreed score differs from one evaluator's own score."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    moderation = models.ForeignKey(
        Moderation, on_delete=models.CASCADE, related_name="explanations"
    )
    score = models.OneToOneField(Score, on_delete=models.CASCADE, related_name="explanation")
    explanation = models.TextField()

    class Meta:
        ordering = ["moderation_id", "score_id"]

    def __str__(self) -> str:
        return f"Explanation for score #{self.score_id}"
