"""The people and communities register: who to involve, how to reach them, what they need to
take part, what they have agreed to, and how often they have been asked.

Words from the seeds: communities of place, identity, interest and purpose; people who speak for
themselves, as representatives of a group (with a mandate) or as consultants with lived
experience; user-led organisations; consultation fatigue.
"""

from django.conf import settings
from django.db import models

from coproduce.accounts.models import Organisation
from coproduce.audit.models import Audited

# Personal details are recorded in the audit trail as "changed", never with their values, so
# that pseudonymisation and erasure leave nothing identifying behind.
PERSONAL_FIELDS = frozenset(
    {
        "name",
        "preferred_name",
        "email",
        "mobile",
        "landline",
        "address",
        "postcode",
        "via_name",
        "via_contact",
        "needs_notes",
        "represents",
        "mandate",
        "language",
    }
)


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    TEXT = "text", "Text message"
    PHONE = "phone", "Phone call"
    POST = "post", "Post"
    VIA = "via", "Through someone else (carer, advocate or organisation)"


class Format(models.TextChoices):
    """How information must reach the person, in the spirit of the Accessible Information
    Standard."""

    STANDARD = "standard", "Standard print"
    LARGE_PRINT = "large_print", "Large print"
    EASY_READ = "easy_read", "Easy read"
    BSL_VIDEO = "bsl_video", "British Sign Language video"
    BRAILLE = "braille", "Braille"
    AUDIO = "audio", "Audio"
    INTERPRETER = "interpreter", "Another language, with an interpreter"


class ViaRelationship(models.TextChoices):
    CARER = "carer", "Carer"
    ADVOCATE = "advocate", "Advocate"
    ORGANISATION = "organisation", "Organisation"
    FAMILY = "family", "Family member"


class Voice(models.TextChoices):
    SELF = "self", "Speaks for themselves"
    REPRESENTATIVE = "representative", "Represents a group"
    CONSULTANT = "consultant", "Consultant with lived experience"


class Weekday(models.TextChoices):
    MON = "mon", "Monday"
    TUE = "tue", "Tuesday"
    WED = "wed", "Wednesday"
    THU = "thu", "Thursday"
    FRI = "fri", "Friday"
    SAT = "sat", "Saturday"
    SUN = "sun", "Sunday"


class TimeOfDay(models.TextChoices):
    MORNING = "morning", "Morning"
    AFTERNOON = "afternoon", "Afternoon"
    EVENING = "evening", "Evening"


class AccessNeed(models.TextChoices):
    STEP_FREE = "step_free", "Step-free access"
    HEARING_LOOP = "hearing_loop", "Hearing loop"
    BSL_INTERPRETER = "bsl_interpreter", "British Sign Language interpreter"
    LARGE_PRINT_PAPERS = "large_print_papers", "Large print papers"
    READING_STAND = "reading_stand", "Reading stand"
    QUIET_ROOM = "quiet_room", "Quiet room"
    CAFFEINE_FREE = "caffeine_free", "Caffeine-free drinks"
    DIETARY = "dietary", "Dietary needs"
    CARER_OR_PA = "carer_or_pa", "Carer or personal assistant attending"
    REPLACEMENT_CARE = "replacement_care", "Replacement care"
    TRANSPORT = "transport", "Transport"
    REGULAR_BREAKS = "regular_breaks", "Regular breaks"
    PAPERS_EARLY = "papers_early", "Papers sent early"


class Person(Audited):
    audit_exclude = PERSONAL_FIELDS

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    name = models.CharField("Full name", max_length=200)
    preferred_name = models.CharField("What they like to be called", max_length=100, blank=True)
    email = models.EmailField(blank=True)
    mobile = models.CharField("Mobile phone", max_length=30, blank=True)
    landline = models.CharField("Landline", max_length=30, blank=True)
    address = models.TextField("Postal address", blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    via_name = models.CharField("Contact through (name)", max_length=200, blank=True)
    via_relationship = models.CharField(
        "Who they are", max_length=20, choices=ViaRelationship.choices, blank=True
    )
    via_contact = models.CharField("How to reach them", max_length=200, blank=True)
    preferred_channel = models.CharField(
        "Best way to contact", max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    preferred_format = models.CharField(
        "Format for information", max_length=20, choices=Format.choices, default=Format.STANDARD
    )
    language = models.CharField("Language", max_length=60, blank=True)
    available_days = models.JSONField(default=list, blank=True)
    available_times = models.JSONField(default=list, blank=True)
    voice = models.CharField(
        "How they take part", max_length=20, choices=Voice.choices, default=Voice.SELF
    )
    represents = models.CharField("Group they represent", max_length=200, blank=True)
    mandate = models.TextField("Their mandate from the group", blank=True)
    needs_notes = models.TextField("Other access and support needs", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    pseudonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "people"
        indexes = [
            models.Index(fields=["organisation", "name"]),
            models.Index(fields=["organisation", "preferred_channel"]),
            models.Index(fields=["organisation", "preferred_format"]),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.name

    @property
    def audit_repr(self) -> str:
        return f"Person #{self.pk}"


class PersonNeed(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="needs")
    need = models.CharField(max_length=30, choices=AccessNeed.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "need"], name="one_need_each")]
        indexes = [models.Index(fields=["need", "person"])]

    def __str__(self) -> str:
        return self.get_need_display()

    @property
    def audit_repr(self) -> str:
        return f"{self.get_need_display()} for person #{self.person_id}"


class CommunityKind(models.TextChoices):
    PLACE = "place", "Place"
    IDENTITY = "identity", "Identity"
    INTEREST = "interest", "Interest or experience"
    PURPOSE = "purpose", "Purpose"


class PlaceType(models.TextChoices):
    WARD = "ward", "Ward"
    DISTRICT = "district", "District"
    POSTCODE_AREA = "postcode_area", "Postcode area"


class Community(Audited):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="communities"
    )
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=10, choices=CommunityKind.choices)
    place_type = models.CharField(max_length=20, choices=PlaceType.choices, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name_plural = "communities"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="community_name_unique_in_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CommunityMembership(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "community"], name="one_membership_each")
        ]
        indexes = [models.Index(fields=["community", "person"])]

    def __str__(self) -> str:
        return f"Person #{self.person_id} in {self.community_id}"


class PartnerKind(models.TextChoices):
    USER_LED = "user_led", "User-led organisation"
    VCSE = "vcse", "Voluntary or community group"
    CARERS_GROUP = "carers_group", "Carers' group"
    PROVIDER = "provider", "Service provider"
    OTHER = "other", "Other"


class PartnerOrganisation(Audited):
    """An organisation of the community: user-led, voluntary, a carers' group or a provider."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partners"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=PartnerKind.choices)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    website = models.URLField(blank=True)
    communities = models.ManyToManyField(Community, blank=True, related_name="partners")
    conflicts_of_interest = models.TextField(
        blank=True,
        help_text="For example, it may bid for a contract. Say how the risk is managed.",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnerContact(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="contacts"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="partner_roles")
    role = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "person"], name="one_contact_role_each")
        ]

    def __str__(self) -> str:
        return f"Person #{self.person_id} at {self.partner}"


class InvolvementKind(models.TextChoices):
    OPPORTUNITY = "opportunity", "Took up an opportunity"
    EVENT = "event", "Came to an event"
    PANEL = "panel", "Sat on a panel"
    SURVEY = "survey", "Answered a survey"
    REVIEW = "review", "Took part in a review"
    OTHER = "other", "Other"


class Involvement(Audited):
    """One time a person was involved. Later capabilities (opportunities, events, panels,
    payments) add these; consultation fatigue counts them."""

    # Descriptions can name the person; they are cleared on pseudonymisation, so never copied.
    audit_exclude = frozenset({"description"})

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="involvements")
    occurred_on = models.DateField()
    kind = models.CharField(max_length=20, choices=InvolvementKind.choices)
    description = models.CharField(max_length=200)
    project = models.ForeignKey(
        "projects.CommissioningProject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="involvements",
    )

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["person", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on:%d %b %Y}"


class ConsentPurpose(models.TextChoices):
    CONTACT = "contact", "Contact about opportunities to take part"
    KEEP_NEEDS = "keep_needs", "Keep their access and support needs"
    EQUALITY = "equality", "Equality monitoring"
    SHARE_CONTACT = "share_contact", "Share contact details with fellow panel members"
    QUOTES_PHOTOS = "quotes_photos", "Use their quotes or photos"


class ConsentMethod(models.TextChoices):
    ONLINE = "online", "Online, by the person"
    PAPER = "paper", "On a paper form"
    PHONE = "phone", "By phone, through a facilitator"
    IN_PERSON = "in_person", "In person, through a facilitator"


class Consent(Audited):
    """One agreement for one purpose. Withdrawal closes it at once; agreeing again adds a new
    one, so the history of agreeing and withdrawing is kept."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=20, choices=ConsentPurpose.choices)
    given_at = models.DateTimeField()
    method = models.CharField(max_length=10, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["purpose", "-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "purpose"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_active_consent_per_purpose",
            )
        ]
        indexes = [models.Index(fields=["purpose", "withdrawn_at", "person"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({'withdrawn' if self.withdrawn_at else 'given'})"


class SavedList(Audited):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="saved_lists"
    )
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    people = models.ManyToManyField(Person, through="SavedListMember", related_name="saved_lists")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="saved_list_name_unique_in_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SavedListMember(Audited):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    saved_list = models.ForeignKey(SavedList, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["saved_list", "person"], name="one_listing_each")
        ]

    def __str__(self) -> str:
        return f"Person #{self.person_id} on list {self.saved_list_id}"


class RegisterSettings(Audited):
    """Each organisation's own thresholds for its register."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="register_settings"
    )
    fatigue_threshold = models.PositiveSmallIntegerField(
        "Involvements in 12 months before someone is asked too often",
        default=6,
        help_text="Above this, people are held back from invitations unless you confirm.",
    )
    suppression_threshold = models.PositiveSmallIntegerField(
        "Smallest count shown in reports",
        default=5,
        help_text="Smaller counts are hidden so that nobody can be identified.",
    )

    def __str__(self) -> str:
        return f"Register settings for {self.organisation}"
