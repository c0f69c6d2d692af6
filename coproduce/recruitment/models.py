"""Recruitment: opportunities to take part, invitations to them, and the applications people
make.

Words from the seeds: the key messages for people who get involved (what the task is and how much
they can influence, what is expected, when, support, payment, how they will hear what happened,
whom to contact); plain language; easy read; over-recruiting for drop-outs.
"""

import secrets

from django.conf import settings
from django.db import models
from encrypted_fields.fields import EncryptedJSONField

from coproduce.accounts.models import Organisation
from coproduce.audit.models import Audited
from coproduce.people.models import Channel, Format, Person
from coproduce.projects.models import CommissioningProject, EngagementMethod, Stage


class RecruitmentSettings(Audited):
    """Each organisation's own targets for how it recruits."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="recruitment_settings"
    )
    readability_target = models.PositiveSmallIntegerField(
        "Reading ease target (0 to 100)",
        default=60,
        help_text=(
            "Flesch reading ease. 60 to 70 is plain English; higher is easier. "
            "Text scoring below the target is flagged."
        ),
    )
    minimum_notice_days = models.PositiveSmallIntegerField(
        "Minimum notice for invitations, in days",
        default=14,
        help_text="Inviting people at shorter notice asks for a reason.",
    )

    def __str__(self) -> str:
        return f"Recruitment settings for {self.organisation}"


class GlossaryTerm(Audited):
    """A word people outside the council may not know, with a plainer way to say it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="glossary_terms"
    )
    term = models.CharField("Word or phrase", max_length=80)
    plain_alternative = models.CharField("Plainer words", max_length=200)
    explanation = models.TextField("What it means", blank=True)

    class Meta:
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "term"], name="recruitment_glossary_term_unique"
            )
        ]

    def __str__(self) -> str:
        return self.term


class OpportunityStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Open for applications"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


# The key messages every opportunity must give before it can be published, in the order people
# read them (Appendix 2 of the involving-people guide). Field name → the question it answers.
KEY_MESSAGES: tuple[tuple[str, str], ...] = (
    ("purpose", "Why we are asking for your help"),
    ("deciding", "What is being decided"),
    ("cannot_change", "What cannot change"),
    ("expected", "What we will ask you to do"),
    ("time_commitment", "How much time it takes"),
    ("dates_and_place", "When and where"),
    ("access_support", "Support so you can take part"),
    ("payment", "Payment and expenses"),
    ("feedback", "How you will hear what happened"),
    ("contact", "Who to contact"),
    ("closes_on", "Closing date"),
)


class Opportunity(Audited):
    """A role for people to take part in one method of a stage's engagement plan."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="opportunities"
    )
    project = models.ForeignKey(
        CommissioningProject, on_delete=models.CASCADE, related_name="opportunities"
    )
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="opportunities")
    method = models.ForeignKey(
        EngagementMethod, on_delete=models.CASCADE, related_name="opportunities"
    )
    title = models.CharField(max_length=150)
    status = models.CharField(
        max_length=10, choices=OpportunityStatus.choices, default=OpportunityStatus.DRAFT
    )
    places = models.PositiveSmallIntegerField("Number of places", default=8)
    reserve_places = models.PositiveSmallIntegerField(
        "Extra people to recruit for drop-outs",
        default=2,
        help_text="Reserves are asked in order if someone selected cannot take part.",
    )
    purpose = models.TextField("Why we are asking for your help", blank=True)
    deciding = models.TextField("What is being decided", blank=True)
    cannot_change = models.TextField("What cannot change, and why", blank=True)
    expected = models.TextField("What we will ask people to do", blank=True)
    time_commitment = models.TextField("How much time it takes", blank=True)
    dates_and_place = models.TextField("Dates, times and place", blank=True)
    access_support = models.TextField("Access and support we offer", blank=True)
    payment = models.TextField("Payment and expenses", blank=True)
    feedback = models.TextField("How people will hear what happened", blank=True)
    contact = models.TextField("Who to contact", blank=True)
    if_unhappy = models.TextField("What to do if you are not happy", blank=True)
    closes_on = models.DateField("Closing date", null=True, blank=True)
    starts_on = models.DateField(
        "Date of the first meeting or activity",
        null=True,
        blank=True,
        help_text="Used to check that invitations give enough notice.",
    )
    eligibility = models.TextField(
        "Who can take part",
        blank=True,
        help_text="One requirement per line. Applicants are asked whether they meet each one.",
    )
    sessions = models.TextField(
        "Dates people need to be free",
        blank=True,
        help_text="One per line. Applicants say which they can come to.",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name_plural = "opportunities"

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == OpportunityStatus.PUBLISHED

    def eligibility_lines(self) -> list[str]:
        return [line.strip() for line in self.eligibility.splitlines() if line.strip()]

    def session_lines(self) -> list[str]:
        return [line.strip() for line in self.sessions.splitlines() if line.strip()]


class EasyReadSentence(Audited):
    """One row of the easy-read version: a short sentence beside a picture."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="easy_read_sentences"
    )
    position = models.PositiveSmallIntegerField()
    sentence = models.CharField(max_length=200)
    picture_description = models.CharField(
        "What the picture shows",
        max_length=150,
        blank=True,
        help_text="The picture to print beside it, from the organisation's easy-read set.",
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.sentence


class Invitation(Audited):
    """An invitation to one person, or the reason they were held back."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="invitations"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="invitations")
    # The notification's idempotency key: the delivery and its status are found by it.
    delivery_key = models.CharField(max_length=100, blank=True)
    held_reason = models.CharField(max_length=200, blank=True)
    fatigue_confirmed = models.BooleanField(
        "Invited although asked often recently",
        default=False,
    )
    short_notice_reason = models.TextField(blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "person"], name="recruitment_one_invitation_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"Invitation to person #{self.person_id} for opportunity #{self.opportunity_id}"


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "Not sent yet"
    APPLIED = "applied", "Applied"
    SHORTLISTED = "shortlisted", "Shortlisted"
    SELECTED = "selected", "Selected"
    RESERVE = "reserve", "Reserve"
    NOT_SELECTED = "not_selected", "Not selected"
    CONFIRMED = "confirmed", "Confirmed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ApplicationSource(models.TextChoices):
    ONLINE = "online", "Online, by the person"
    PHONE = "phone", "By phone, entered by staff"
    PAPER = "paper", "On paper, entered by staff"
    IN_PERSON = "in_person", "In person, entered by staff"


# Personal details and answers are recorded in the trail as changed, never with their values.
APPLICATION_PERSONAL_FIELDS = frozenset(
    {
        "name",
        "email",
        "phone",
        "address",
        "postcode",
        "access_notes",
        "why_interested",
        "selection_answers",
        "eligibility_answers",
        "availability",
        "access_needs",
        "language",
        "status_reason",
    }
)


class Application(Audited):
    """An expression of interest. Online applicants have no account: a private link lets them
    save and come back. On submission the person joins (or is linked to) the register."""

    audit_exclude = APPLICATION_PERSONAL_FIELDS

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="applications"
    )
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="applications"
    )
    status = models.CharField(
        max_length=15, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    status_reason = models.TextField(blank=True)
    source = models.CharField(
        max_length=10, choices=ApplicationSource.choices, default=ApplicationSource.ONLINE
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField("Full name", max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address = models.TextField("Postal address", blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    preferred_channel = models.CharField(
        "How we should contact you", max_length=10, choices=Channel.choices, blank=True
    )
    preferred_format = models.CharField(
        "Format you need", max_length=20, choices=Format.choices, default=Format.STANDARD
    )
    availability = models.JSONField(default=list, blank=True)
    access_needs = models.JSONField(default=list, blank=True)
    access_notes = models.TextField(blank=True)
    eligibility_answers = models.JSONField(default=dict, blank=True)
    # Answers used for a fair mix (age band, area, services used...) can be special category
    # data, so they are encrypted at rest like equality answers.
    selection_answers = EncryptedJSONField(default=dict, blank=True)
    why_interested = models.TextField(blank=True)
    language = models.CharField("Language for an interpreter", max_length=60, blank=True)
    keep_needs = models.BooleanField("Agreed that we keep their access needs", default=False)
    # The questions answered so far, so that coming back by the private link opens the first
    # one still to answer (an empty answer, such as "no access needs", is still an answer).
    answered_steps = models.JSONField(default=list, blank=True)
    # Counts status changes, so that each change's notification has its own idempotency key.
    status_changes = models.PositiveIntegerField(default=0, editable=False)
    resume_key = models.CharField(max_length=64, unique=True, editable=False)
    household = models.CharField(max_length=64, blank=True, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        indexes = [models.Index(fields=["opportunity", "status"])]

    def __str__(self) -> str:
        return f"Application #{self.pk} for opportunity #{self.opportunity_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.resume_key:
            self.resume_key = secrets.token_urlsafe(32)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class SelectionQuestion(Audited):
    """A question asked of applicants so that a panel can be a fair mix (a selection feature),
    with the answers people can give."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="selection_questions"
    )
    feature = models.SlugField(
        "Short name", max_length=40, help_text="For example age_band, area or service_used."
    )
    question = models.CharField(max_length=200)
    values = models.JSONField(
        default=list, help_text="The answers people can choose, one per line."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "feature"], name="recruitment_one_question_per_feature"
            )
        ]

    def __str__(self) -> str:
        return self.question
