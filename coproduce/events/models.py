"""Meetings and events where people take part: venues with their accessibility, the events
themselves, who is coming and who came.

Words from the seeds: not starting too early; neutral ground (not the commissioner's or a
bidder's premises); papers sent early and in the format each person needs; breaks, carers and
replacement care; attendance that counts towards involvement and payment.
"""

from datetime import time
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import TextChoices

from coproduce.accounts.models import Organisation
from coproduce.audit.models import Audited
from coproduce.people.models import Format, Involvement, Person
from coproduce.projects.models import BudgetLine, CommissioningProject, EngagementMethod, Stage


class EventSettings(Audited):
    """Each organisation's own rules for when meetings happen and when papers go out."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="event_settings"
    )
    earliest_start = models.TimeField(
        "Earliest start time",
        default=time(10, 0),
        help_text="Events starting before this are flagged: many people cannot come early.",
    )
    latest_finish = models.TimeField(
        "Latest finish time",
        default=time(16, 0),
        help_text="Events finishing after this are flagged (school runs, care, dark evenings).",
    )
    papers_days_before = models.PositiveSmallIntegerField(
        "Papers go out this many days before an event",
        default=7,
        help_text="Papers and their other formats are due by then.",
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        "Reminders go out this many days before an event", default=2
    )

    def __str__(self) -> str:
        return f"Event settings for {self.organisation}"


class Venue(Audited):
    """A place to meet, with what it offers for access. Neutral ground is somewhere that is
    neither the commissioner's nor a bidder's premises."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="venues")
    name = models.CharField(max_length=200)
    address = models.TextField()
    postcode = models.CharField(max_length=10, blank=True)
    step_free = models.BooleanField("Step-free access", default=False)
    accessible_toilet = models.BooleanField("Accessible toilet", default=False)
    hearing_loop = models.BooleanField("Hearing loop", default=False)
    parking = models.BooleanField("Parking", default=False)
    blue_badge_bays = models.BooleanField("Blue badge parking bays", default=False)
    public_transport = models.TextField("Public transport nearby", blank=True)
    quiet_room = models.BooleanField("Quiet room", default=False)
    neutral_ground = models.BooleanField(
        "Neutral ground",
        default=False,
        help_text="Not the commissioner's offices and not a provider's or bidder's premises.",
    )
    notes = models.TextField("Other access information", blank=True)
    archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class EventKind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    WORKSHOP = "workshop", "Workshop"
    FOCUS_GROUP = "focus_group", "Focus group"
    REFERENCE_GROUP = "reference_group", "Reference group"
    PANEL_SESSION = "panel_session", "Panel session"
    EVALUATION_DAY = "evaluation_day", "Evaluation day"
    DROP_IN = "drop_in", "Drop-in"


class EventMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    HYBRID = "hybrid", "In person and online (hybrid)"


class EventStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    READY = "ready", "Ready"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Event(Audited):
    """One meeting, workshop, panel session or evaluation day, for one engagement-plan method.
    The project and stage are the method's, kept here so lists can filter on them."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="events")
    project = models.ForeignKey(
        CommissioningProject, on_delete=models.PROTECT, related_name="events"
    )
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="events")
    method = models.ForeignKey(EngagementMethod, on_delete=models.PROTECT, related_name="events")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    mode = models.CharField("How people take part", max_length=20, choices=EventMode.choices)
    purpose = models.TextField("What it is for", blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    joining_instructions = models.TextField(
        "Joining instructions",
        blank=True,
        help_text="How to get there or join online, who will meet them, what to bring.",
    )
    online_link = models.URLField("Link to join online", blank=True)
    places = models.PositiveSmallIntegerField("Places", null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=EventStatus.choices, default=EventStatus.PLANNED
    )
    cancelled_reason = models.TextField(blank=True)
    # The start time reminders were scheduled for: a reminder job finding a different start
    # time (the event moved) sends nothing, as the move scheduled its own.
    reminders_for = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["organisation", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class Response(models.TextChoices):
    INVITED = "invited", "Invited"
    CONFIRMED = "confirmed", "Coming"
    DECLINED = "declined", "Not coming"


class Attended(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Sent apologies"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"


class Attendance(Audited):
    """A person asked to an event: whether they are coming, and (from the register taken on
    the day) whether they came. Coming counts as involvement and can be paid."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendances")
    response = models.CharField(max_length=20, choices=Response.choices, default=Response.INVITED)
    attended = models.CharField(max_length=20, choices=Attended.choices, blank=True)
    # Hours actually there when someone left early or came late; otherwise the event's length.
    hours_attended = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    involvement = models.OneToOneField(
        Involvement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="events_one_attendance_each")
        ]
        indexes = [models.Index(fields=["person", "attended"])]

    def __str__(self) -> str:
        return f"Person #{self.person_id} at {self.event}"


class SupportKind(TextChoices):
    """What to arrange so that someone can take part. Most follow one access need; the
    labels say what has to be done."""

    STEP_FREE = "step_free", "Check step-free access"
    HEARING_LOOP = "hearing_loop", "Check the hearing loop works"
    BSL_INTERPRETER = "bsl_interpreter", "Book a British Sign Language interpreter"
    LARGE_PRINT_PAPERS = "large_print_papers", "Print papers in large print"
    READING_STAND = "reading_stand", "Provide a reading stand"
    QUIET_ROOM = "quiet_room", "Set aside a quiet room"
    CAFFEINE_FREE = "caffeine_free", "Order caffeine-free drinks"
    DIETARY = "dietary", "Arrange food for dietary needs"
    CARER_PLACE = "carer_place", "Keep a place for a carer or personal assistant"
    REPLACEMENT_CARE = "replacement_care", "Arrange replacement care"
    TRANSPORT = "transport", "Arrange transport"
    BREAKS = "breaks", "Plan regular breaks"
    PAPERS_EARLY = "papers_early", "Send papers early"


class SupportStatus(TextChoices):
    TO_DO = "to_do", "To do"
    BOOKED = "booked", "Booked"
    MET = "met", "Met"
    NOT_NEEDED = "not_needed", "Not needed"


class SupportArrangement(Audited):
    """One thing to arrange for an event, from what confirmed attendees need. Items for the
    room (hearing loop, breaks) are for the whole event; others are for one person. An item
    whose person stops coming is kept (with what it cost) but no longer `needed`."""

    # Notes and reasons can describe someone's health or care: recorded as changed, never
    # with their values.
    audit_exclude = frozenset({"notes", "acknowledged_reason"})

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="support_arrangements")
    kind = models.CharField(max_length=30, choices=SupportKind.choices)
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_arrangements",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Who is arranging it",
    )
    status = models.CharField(
        max_length=20, choices=SupportStatus.choices, default=SupportStatus.TO_DO
    )
    acknowledged_reason = models.TextField(
        "Why it cannot be met",
        blank=True,
        help_text="If this cannot be arranged, say why and what you have agreed with the person.",
    )
    notes = models.TextField(blank=True)
    cost = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    budget_line = models.ForeignKey(
        BudgetLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_arrangements",
    )
    needed = models.BooleanField(default=True)

    class Meta:
        ordering = ["event", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "kind", "person"],
                condition=models.Q(person__isnull=False),
                name="events_one_support_item_per_person",
            ),
            models.UniqueConstraint(
                fields=["event", "kind"],
                condition=models.Q(person__isnull=True),
                name="events_one_support_item_per_event",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def settled(self) -> bool:
        """Met, or not met with a reason given: either way the event can go ahead."""
        return self.status == SupportStatus.MET or bool(self.acknowledged_reason.strip())


def paper_path(paper: "EventPaper", filename: str) -> str:
    # Under MEDIA_ROOT/private, which is never served: only the permission-checked view reads it.
    return f"private/event-papers/{paper.event_id}/{uuid4().hex}{Path(filename).suffix.lower()}"


def paper_format_path(version: "PaperFormat", filename: str) -> str:
    return (
        f"private/event-papers/{version.paper.event_id}/formats/"
        f"{uuid4().hex}{Path(filename).suffix.lower()}"
    )


class EventPaper(Audited):
    """A paper for an event (agenda, bids to evaluate, notes), due out some days before."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=paper_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title


class PaperFormatStatus(TextChoices):
    TO_DO = "to_do", "To do"
    DONE = "done", "Done"


class PaperFormat(Audited):
    """A paper in the format one attendee needs (large print, easy read, audio...): a to-do
    until it is done."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    paper = models.ForeignKey(EventPaper, on_delete=models.CASCADE, related_name="formats")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    format = models.CharField(max_length=20, choices=Format.choices)
    status = models.CharField(
        max_length=10, choices=PaperFormatStatus.choices, default=PaperFormatStatus.TO_DO
    )
    file = models.FileField(upload_to=paper_format_path, max_length=255, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["paper", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "person"], name="events_one_format_each")
        ]

    def __str__(self) -> str:
        return f"{self.paper} in {self.get_format_display()}"
