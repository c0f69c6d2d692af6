"""Commissioning projects, their four stages, readiness checklists and engagement plans.

The cycle and its words come from the seed guides: Analyse, Plan, Do, Review, and their
co-production counterparts co-assess, co-design, co-commission / co-deliver, co-review.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from coproduce.accounts.models import Organisation
from coproduce.audit.models import Audited


def money_field() -> models.DecimalField:
    """Pounds and pence, never negative."""
    return models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )


class CommissioningLevel(models.TextChoices):
    STRATEGIC = "strategic", "Strategic"
    OPERATIONAL = "operational", "Operational"
    INDIVIDUAL = "individual", "Individual"


LEVEL_HELP = {
    CommissioningLevel.STRATEGIC: "A strategy for local services and outcomes for a whole area.",
    CommissioningLevel.OPERATIONAL: "Planning and buying local services that meet the strategy.",
    CommissioningLevel.INDIVIDUAL: "Services for one person and their family: personal budgets.",
}


class CommissioningProject(Audited):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(max_length=200)
    service_area = models.CharField(max_length=120)
    summary = models.TextField()
    level = models.CharField(max_length=20, choices=CommissioningLevel.choices)
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_projects"
    )
    decision_maker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects_to_decide",
    )
    decision_route = models.TextField(
        help_text="Who makes the final decision and how, for example a cabinet member decision."
    )
    budget_envelope = money_field()
    involvement_budget = money_field()
    starts_on = models.DateField()
    ends_on = models.DateField()
    scope_open = models.TextField("What people can change")
    scope_fixed = models.TextField("What is fixed, and why")
    how_to_get_involved = models.TextField(blank=True)
    is_public = models.BooleanField("Show on the public list of projects", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["organisation", "title"])]

    def __str__(self) -> str:
        return self.title


class StageKind(models.TextChoices):
    ANALYSE = "analyse", "Analyse"
    PLAN = "plan", "Plan"
    DO = "do", "Do"
    REVIEW = "review", "Review"


STAGE_ORDER = [StageKind.ANALYSE, StageKind.PLAN, StageKind.DO, StageKind.REVIEW]
STAGE_COPRODUCTION = {
    StageKind.ANALYSE: "Co-assess",
    StageKind.PLAN: "Co-design",
    StageKind.DO: "Co-commission and co-deliver",
    StageKind.REVIEW: "Co-review",
}
STAGE_HELP = {
    StageKind.ANALYSE: "Understand, assess and define needs and what is already there.",
    StageKind.PLAN: "Identify and shape the services that will meet those needs.",
    StageKind.DO: "Decide how services will be delivered, and buy them if needed.",
    StageKind.REVIEW: "Check whether services are producing the outcomes, and change them if not.",
}


class StageStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"


class Stage(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        CommissioningProject, on_delete=models.CASCADE, related_name="stages"
    )
    kind = models.CharField(max_length=10, choices=StageKind.choices)
    position = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=12, choices=StageStatus.choices, default=StageStatus.NOT_STARTED
    )
    planned_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    actual_start = models.DateField(null=True, blank=True)
    actual_end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["project", "position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="one_stage_of_each_kind")
        ]
        indexes = [models.Index(fields=["organisation", "status", "planned_end"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.coproduction_name}) — {self.project.title}"

    @property
    def name(self) -> str:
        return StageKind(self.kind).label

    @property
    def coproduction_name(self) -> str:
        return STAGE_COPRODUCTION[StageKind(self.kind)]

    @property
    def help_text(self) -> str:
        return STAGE_HELP[StageKind(self.kind)]


class ReadinessCheck(models.TextChoices):
    PURPOSE = "purpose", "The purpose of involving people is clear"
    DECISION_ROUTE = "decision_route", "Who makes the final decision, and how, is known"
    BUDGET = "budget", "A budget for involvement is agreed"
    WHO = "who", "Who to involve has been identified"
    FEEDBACK = "feedback", "How people will hear what happened is planned"
    ACCESS = "access", "Access and support for people taking part is planned"


READINESS_HELP = {
    ReadinessCheck.PURPOSE: "What people are asked to help with, and what they can influence.",
    ReadinessCheck.DECISION_ROUTE: (
        "Be clear who makes the final decision, how consensus will be sought and what happens "
        "if it cannot be reached."
    ),
    ReadinessCheck.BUDGET: (
        "Staff time, venues, expenses, involvement payments, interpreters, alternative formats, "
        "replacement care."
    ),
    ReadinessCheck.WHO: (
        "Communities of place, identity, interest and purpose; who is and is not involved, and why."
    ),
    ReadinessCheck.FEEDBACK: "'You said, we did': what happened to people's input and why.",
    ReadinessCheck.ACCESS: (
        "Ask people what they need: accessible venues, formats, papers early, support to take part."
    ),
}


class ReadinessStatus(models.TextChoices):
    OUTSTANDING = "outstanding", "Not done yet"
    DONE = "done", "Done"
    WAIVED = "waived", "Waived"


class ReadinessItem(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="readiness_items")
    item = models.CharField(max_length=20, choices=ReadinessCheck.choices)
    status = models.CharField(
        max_length=12, choices=ReadinessStatus.choices, default=ReadinessStatus.OUTSTANDING
    )
    note = models.TextField(blank=True)
    waiver_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stage", "item"], name="one_readiness_item_each")
        ]

    def __str__(self) -> str:
        return f"{self.get_item_display()} ({self.get_status_display().lower()})"

    @property
    def help_text(self) -> str:
        return READINESS_HELP[ReadinessCheck(self.item)]

    @property
    def is_settled(self) -> bool:
        return self.status != ReadinessStatus.OUTSTANDING


class ParticipationRung(models.TextChoices):
    """The ladder of participation, lowest rung first."""

    NONE = "none", "No involvement"
    INFORM = "inform", "Inform"
    CONSULT = "consult", "Consult"
    INVOLVE = "involve", "Involve"
    CO_PRODUCE = "co_produce", "Co-produce"
    EMPOWER = "empower", "Empower"


RUNG_HELP = {
    ParticipationRung.NONE: "People are not involved at this stage. You must say why.",
    ParticipationRung.INFORM: (
        "Telling people what is happening and what has been decided. Information only: "
        "people cannot change anything. You must say why people are not asked for more."
    ),
    ParticipationRung.CONSULT: (
        "Asking people for their views, for example through surveys or meetings, before the "
        "organisation decides."
    ),
    ParticipationRung.INVOLVE: (
        "Working with people throughout, so that their concerns shape the options and the decision."
    ),
    ParticipationRung.CO_PRODUCE: (
        "An equal and reciprocal partnership: people who use services, carers and professionals "
        "share power and decide together."
    ),
    ParticipationRung.EMPOWER: (
        "People and communities make the decision themselves, or run the service, with "
        "support from the organisation."
    ),
}
RUNGS_NEEDING_REASON = frozenset({ParticipationRung.NONE, ParticipationRung.INFORM})


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class EngagementPlan(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    stage = models.OneToOneField(Stage, on_delete=models.CASCADE, related_name="plan")
    rung = models.CharField(
        "Level of involvement", max_length=12, choices=ParticipationRung.choices, blank=True
    )
    rung_reason = models.TextField(
        "Why people are not involved more", blank=True, help_text="Published with the plan."
    )
    objectives = models.TextField("What the involvement is for", blank=True)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Engagement plan for {self.stage}"


class MethodKind(models.TextChoices):
    SURVEY = "survey", "Survey"
    EASY_READ_QUESTIONNAIRE = "easy_read_questionnaire", "Easy-read questionnaire"
    FOCUS_GROUP = "focus_group", "Focus group"
    WORKSHOP = "workshop", "Workshop"
    REFERENCE_GROUP = "reference_group", "Reference group"
    CITIZENS_PANEL = "citizens_panel", "Citizens' panel"
    COMMUNITY_MEETING = "community_meeting", "Community meeting"
    INTERVIEWS = "interviews", "Interviews"
    MYSTERY_SHOPPING = "mystery_shopping", "Mystery shopping"
    YOUNG_INSPECTORS = "young_inspectors", "Young inspectors"
    DROP_IN = "drop_in", "Drop-in"
    ONLINE_DISCUSSION = "online_discussion", "Online discussion"
    EVALUATION_PANEL = "evaluation_panel", "Bid evaluation panel"
    MARKET_EVENT = "market_event", "Market development event"
    PEER_RESEARCH = "peer_research", "Peer research"
    NEWSLETTER = "newsletter", "Newsletter or briefing"


class EngagementMethod(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(EngagementPlan, on_delete=models.CASCADE, related_name="methods")
    kind = models.CharField("Method", max_length=30, choices=MethodKind.choices)
    purpose = models.TextField("What it is for")
    who_for = models.TextField("Who it is for")
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["starts_on", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class BudgetCategory(models.TextChoices):
    PARTICIPANT_PAYMENTS = "participant_payments", "Involvement payments to participants"
    EXPENSES = "expenses", "Out-of-pocket expenses"
    VENUE = "venue", "Venue"
    INTERPRETERS = "interpreters", "BSL and language interpreters"
    ALTERNATIVE_FORMATS = "alternative_formats", "Alternative formats (easy read, large print...)"
    TRANSPORT = "transport", "Transport"
    REPLACEMENT_CARE = "replacement_care", "Replacement care"
    REFRESHMENTS = "refreshments", "Refreshments"
    TRAINING = "training", "Training for participants"
    INCENTIVES = "incentives", "Incentives (prize draws, time credits)"
    PERSONAL_SUPPORTER = "personal_supporter", "Personal supporter costs"
    OTHER = "other", "Other"


# The seed guide: "for any expenditure other than out-of-pocket expenses you should say why
# this is necessary". Venues, refreshments and travel are the running costs of any meeting
# (travel is an out-of-pocket expense); the support and incentives the guide lists are not.
CATEGORIES_NEEDING_REASON = frozenset(
    {
        BudgetCategory.PARTICIPANT_PAYMENTS,
        BudgetCategory.INTERPRETERS,
        BudgetCategory.ALTERNATIVE_FORMATS,
        BudgetCategory.REPLACEMENT_CARE,
        BudgetCategory.TRAINING,
        BudgetCategory.INCENTIVES,
        BudgetCategory.PERSONAL_SUPPORTER,
        BudgetCategory.OTHER,
    }
)


class BudgetLine(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    method = models.ForeignKey(
        EngagementMethod, on_delete=models.CASCADE, related_name="budget_lines"
    )
    category = models.CharField(max_length=30, choices=BudgetCategory.choices)
    description = models.CharField(max_length=200, blank=True)
    amount = money_field()
    reason = models.TextField(
        "Why this is needed",
        blank=True,
        help_text=(
            "Needed for anything beyond out-of-pocket expenses, for example: the carers we "
            "need to involve cannot come without replacement care."
        ),
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: £{self.amount:,.2f}"

    @property
    def needs_reason(self) -> bool:
        return self.category in CATEGORIES_NEEDING_REASON and not self.reason.strip()
