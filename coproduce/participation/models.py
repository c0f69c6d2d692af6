"""The participant's journey once they have a role: a briefing pack before the first meeting,
training and a mentor or buddy, the role description and agreements they sign, conflicts of
interest, recognition for what they gave, and incentives (prize draws, time credits).

Words from the seeds (involving-people guide: "Building skills and confidence to
participate", "Good conduct", "Payments, other support and incentives"): background
documents and who's who; mentoring and training for chairing or interviewing; respect,
confidentiality and conflicts of interest; compromise and how disagreements are handled; prize
draws and time credits; a reason for every cost beyond out-of-pocket expenses.

- `Briefing`: one per opportunity; who's who (`BriefingMember`, with photos) and pre-meetings
  (`PreMeeting`, events of the opportunity's method). The glossary is recruitment's; the scope
  of influence is the project's and the opportunity's. `revision` rises when a sent briefing
  changes, so that a changed briefing is sent again (a new idempotency key).
- `AgreementVersion`: a role description and involvement agreement, or a confidentiality
  agreement, for one opportunity. Versions are never changed: a change is a new version, and
  people agree each `Agreement` to one version.
- `TrainingOffer` and `TrainingPlace`: training offered, and each person's place with dates and
  completion. Costs are charged to an engagement-plan budget line.
- `MentorAssignment`: a mentor or buddy for a person.
- `InterestDeclaration`: a conflict of interest declared at any stage, assessed, with the
  mitigation (procurement's evaluator declarations use the same outcomes).
- `Recognition`: a certificate or reference letter, made only with the person's consent.
- `PrizeDraw` and `PrizeWinner`: a seeded, auditable draw among a survey's eligible responses.
- `TimeCredit`: time credits earned or spent by a person.
"""

from decimal import Decimal
from pathlib import Path
from uuid import uuid4

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from coproduce.accounts.models import Organisation
from coproduce.audit.models import Audited
from coproduce.events.models import Event
from coproduce.people.models import ConsentMethod, PartnerOrganisation, Person
from coproduce.procurement.models import ConflictOutcome
from coproduce.projects.models import BudgetLine, CommissioningProject, Stage
from coproduce.recruitment.models import Opportunity
from coproduce.surveys.models import Response, Survey


def optional_money(verbose_name: str) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )


class Briefing(Audited):
    """The briefing pack for one opportunity, so that everyone starts with the same knowledge."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    opportunity = models.OneToOneField(
        Opportunity, on_delete=models.CASCADE, related_name="briefing"
    )
    background = models.TextField(
        "Background",
        help_text="What the service is, why it is being commissioned, and what has happened.",
    )
    what_happens = models.TextField(
        "What will happen and when",
        help_text="Each step, with its date: briefing, pre-meeting, the meetings, the decision.",
    )
    easy_read = models.TextField(
        "Easy-read version",
        blank=True,
        help_text="One short sentence a line. Leave empty to start from a draft made for you.",
    )
    revision = models.PositiveIntegerField(default=1, editable=False)
    sent_revision = models.PositiveIntegerField(default=0, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Briefing for {self.opportunity}"

    def easy_read_lines(self) -> list[str]:
        return [line.strip() for line in self.easy_read.splitlines() if line.strip()]


def photo_path(member: "BriefingMember", filename: str) -> str:
    # Under MEDIA_ROOT/private, never served directly: only the permission-checked view reads it.
    return f"private/briefing-photos/{uuid4().hex}{Path(filename).suffix.lower()}"


class BriefingMember(Audited):
    """One row of who's who: a person the participants will meet, their role and a photo."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=150)
    role = models.CharField("Their role", max_length=200)
    about = models.TextField("A little about them", blank=True)
    photo = models.ImageField(upload_to=photo_path, max_length=255, blank=True)
    photo_description = models.CharField(
        "What the photo shows",
        max_length=200,
        blank=True,
        help_text="For people who cannot see it, for example “Fran smiling, with short grey hair”.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class PreMeeting(Audited):
    """An event of the opportunity's method held to help people prepare for the main one."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="pre_meetings")
    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="pre_meeting_for")

    class Meta:
        ordering = ["event__starts_at", "pk"]

    def __str__(self) -> str:
        return f"Pre-meeting {self.event}"


class AgreementKind(models.TextChoices):
    ROLE = "role", "Role description and involvement agreement"
    CONFIDENTIALITY = "confidentiality", "Confidentiality agreement"


class AgreementVersion(Audited):
    """One version of an agreement for an opportunity. Never changed once made: a change is a
    new version, which everyone must agree again."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="agreement_versions"
    )
    kind = models.CharField(max_length=20, choices=AgreementKind.choices)
    number = models.PositiveIntegerField(editable=False)
    # The role description and involvement agreement
    asks = models.TextField("What we ask of you", blank=True)
    offers = models.TextField("What you can expect of us", blank=True)
    respect = models.TextField("Respect and how we behave together", blank=True)
    disagreements = models.TextField("How disagreements are handled", blank=True)
    decisions = models.TextField(
        "How decisions are made, and what happens without agreement", blank=True
    )
    # The confidentiality agreement
    confidential = models.TextField(
        "What is confidential, and why",
        blank=True,
        help_text="For example: bids are commercially confidential until the contract is awarded.",
    )
    if_broken = models.TextField("What happens if it is broken", blank=True)
    easy_read = models.TextField(
        "Easy-read version", blank=True, help_text="One short sentence a line."
    )
    change_note = models.CharField("What changed from the last version", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["opportunity", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "kind", "number"], name="participation_one_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, version {self.number}"

    def easy_read_lines(self) -> list[str]:
        return [line.strip() for line in self.easy_read.splitlines() if line.strip()]

    def sections(self) -> list[tuple[str, str]]:
        names = (
            ("asks", "offers", "respect", "disagreements", "decisions")
            if self.kind == AgreementKind.ROLE
            else ("confidential", "if_broken")
        )
        return [
            (str(getattr(self._meta.get_field(name), "verbose_name", name)), getattr(self, name))
            for name in names
            if getattr(self, name)
        ]


class Agreement(Audited):
    """A person's agreement to one version: online by themselves, or on paper or spoken and
    recorded by a facilitator."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="agreements"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="agreements")
    method = models.CharField("How they agreed", max_length=10, choices=ConsentMethod.choices)
    agreed_on = models.DateField("Date agreed")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-agreed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "person"], name="participation_agree_once")
        ]

    def __str__(self) -> str:
        return f"Person #{self.person_id} agreed {self.version}"


class TrainingTopic(models.TextChoices):
    CHAIRING = "chairing", "Chairing meetings"
    INTERVIEWING = "interviewing", "Interviewing"
    EVALUATING_BIDS = "evaluating_bids", "Evaluating bids"
    MYSTERY_SHOPPING = "mystery_shopping", "Mystery shopping"
    COMMISSIONING = "commissioning", "How commissioning works"
    SPEAKING_UP = "speaking_up", "Speaking up in meetings"
    PEER_RESEARCH = "peer_research", "Peer research"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    OTHER = "other", "Other"


class TrainingOffer(Audited):
    """Training or support offered to participants in a project."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        CommissioningProject, on_delete=models.CASCADE, related_name="training_offers"
    )
    topic = models.CharField(max_length=20, choices=TrainingTopic.choices)
    title = models.CharField(max_length=150)
    description = models.TextField("What it covers", blank=True)
    provider = models.CharField("Who runs it", max_length=150, blank=True)
    starts_on = models.DateField("Date")
    ends_on = models.DateField("Last date", null=True, blank=True)
    cost = optional_money("Cost (£)")
    budget_line = models.ForeignKey(
        BudgetLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_offers",
        verbose_name="Budget line it is paid from",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "pk"]

    def __str__(self) -> str:
        return self.title


class TrainingStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    BOOKED = "booked", "Booked"
    COMPLETED = "completed", "Completed"
    NOT_COMPLETED = "not_completed", "Did not complete"
    DECLINED = "declined", "Declined"


class TrainingPlace(Audited):
    """One person's place on a training offer."""

    audit_exclude = frozenset({"notes"})

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    offer = models.ForeignKey(TrainingOffer, on_delete=models.CASCADE, related_name="places")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="training_places")
    status = models.CharField(
        max_length=20, choices=TrainingStatus.choices, default=TrainingStatus.OFFERED
    )
    offered_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["offer", "person__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "person"], name="participation_one_place")
        ]

    def __str__(self) -> str:
        return f"Person #{self.person_id} on {self.offer}"


class MentorKind(models.TextChoices):
    MENTOR = "mentor", "Mentor"
    BUDDY = "buddy", "Buddy"


class MentorAssignment(Audited):
    """A mentor or buddy for a person: someone from the register (often an experienced
    participant) or a member of staff."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mentors")
    kind = models.CharField(max_length=10, choices=MentorKind.choices)
    mentor_person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentoring",
        verbose_name="Someone from the register",
    )
    mentor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="A member of staff",
    )
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    starts_on = models.DateField("From")
    ends_on = models.DateField("Until", null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for person #{self.person_id}"

    @property
    def mentor_name(self) -> str:
        if self.mentor_person_id is not None:
            return self.mentor_person.display_name  # type: ignore[union-attr]
        return self.mentor_user.display_name if self.mentor_user else ""  # type: ignore[attr-defined]


class InterestDeclaration(Audited):
    """A conflict of interest declared at any stage (for example an organisation taking part in
    co-design that may later bid), assessed by an officer, with the mitigation recorded. Bid
    evaluators declare theirs per bidder in procurement, with the same outcomes."""

    audit_exclude = frozenset({"nature"})

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        CommissioningProject, on_delete=models.CASCADE, related_name="interest_declarations"
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="interest_declarations",
    )
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="interest_declarations",
        verbose_name="Organisation",
    )
    nature = models.TextField("What the interest is")
    declared_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(
        max_length=10, choices=ConflictOutcome.choices, default=ConflictOutcome.AWAITING
    )
    mitigation = models.TextField("Assessment and mitigation", blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-declared_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(partner__isnull=False),
                name="participation_declaration_is_someone",
            )
        ]

    def __str__(self) -> str:
        return f"Interest declared on {self.declared_on:%d %B %Y}"

    @property
    def declared_by_name(self) -> str:
        if self.person_id is not None:
            return self.person.display_name  # type: ignore[union-attr]
        return self.partner.name if self.partner else ""


class RecognitionKind(models.TextChoices):
    CERTIFICATE = "certificate", "Certificate of involvement"
    REFERENCE = "reference", "Reference letter"


class Recognition(Audited):
    """A certificate or a reference letter, made from the person's involvement history only
    with their consent (a reference is sent to someone else, so says to whom)."""

    audit_exclude = frozenset({"addressed_to", "personal_note"})

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="recognitions")
    kind = models.CharField(max_length=12, choices=RecognitionKind.choices)
    consent_method = models.CharField(
        "How they agreed", max_length=10, choices=ConsentMethod.choices
    )
    consent_given_on = models.DateField("Date they agreed")
    addressed_to = models.TextField(
        "Who the reference is for", blank=True, help_text="Name and address, for a reference."
    )
    personal_note = models.TextField(
        "A few words of thanks", blank=True, help_text="Printed as written, in the first person."
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for person #{self.person_id}"


class PrizeDraw(Audited):
    """A prize draw among a survey's responses. The eligible responses, the seed and the
    winners are kept, so that anyone can repeat the draw and get the same winners."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="prize_draws")
    prize = models.CharField("The prize", max_length=200, help_text="For example a £25 voucher.")
    winners_wanted = models.PositiveSmallIntegerField("Number of winners", default=1)
    prize_value = optional_money("Value of each prize (£)")
    budget_line = models.ForeignKey(
        BudgetLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="prize_draws",
        verbose_name="Budget line it is paid from",
    )
    entries_close_at = models.DateTimeField(
        "Responses count if sent by", help_text="Responses sent after this are not in the draw."
    )
    seed = models.CharField(max_length=100, blank=True, editable=False)
    eligible_ids = models.JSONField(default=list, blank=True, editable=False)
    eligible_digest = models.CharField(max_length=64, blank=True, editable=False)
    drawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Prize draw: {self.prize}"

    @property
    def is_drawn(self) -> bool:
        return self.drawn_at is not None


class PrizeWinner(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    draw = models.ForeignKey(PrizeDraw, on_delete=models.CASCADE, related_name="winners")
    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="prizes_won")
    position = models.PositiveSmallIntegerField()
    delivery_key = models.CharField(max_length=100)

    class Meta:
        ordering = ["draw", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "position"], name="participation_winner_place"),
            models.UniqueConstraint(fields=["draw", "response"], name="participation_win_once"),
        ]

    def __str__(self) -> str:
        return f"Winner {self.position} of {self.draw}"


class TimeCreditKind(models.TextChoices):
    EARNED = "earned", "Earned"
    SPENT = "spent", "Spent"


class TimeCredit(Audited):
    """Time credits: usually one for each hour given, spent on activities the scheme offers."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="time_credits")
    kind = models.CharField(max_length=10, choices=TimeCreditKind.choices)
    credits = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    on = models.DateField("Date")
    reason = models.CharField("What for", max_length=200)
    project = models.ForeignKey(
        CommissioningProject, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.credits} time credits {self.get_kind_display().lower()}"
