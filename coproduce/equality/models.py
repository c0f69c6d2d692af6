"""Equality monitoring answers (special category data, encrypted at rest) and each project's
target population profile for checking who is involved against who the service is for.

The standard questions follow the Government Statistical Service (GSS) harmonised standards
and the 2021 Census in England. Every question is optional and offers "Prefer not to say".
The answers are encrypted with django-fernet-encrypted-fields (key from SECRET_KEY and
SALT_KEY, see settings), and `audit_exclude` keeps their values out of the audit trail.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from encrypted_fields.fields import EncryptedCharField

from coproduce.accounts.models import Organisation
from coproduce.audit.models import Audited
from coproduce.people.models import Person

PREFER_NOT_TO_SAY = "prefer_not_to_say"
PREFER_NOT_TO_SAY_LABEL = "Prefer not to say"


class AgeBand(models.TextChoices):
    UNDER_16 = "under_16", "Under 16"
    AGE_16_17 = "16_17", "16 to 17"
    AGE_18_24 = "18_24", "18 to 24"
    AGE_25_34 = "25_34", "25 to 34"
    AGE_35_44 = "35_44", "35 to 44"
    AGE_45_54 = "45_54", "45 to 54"
    AGE_55_64 = "55_64", "55 to 64"
    AGE_65_74 = "65_74", "65 to 74"
    AGE_75_84 = "75_84", "75 to 84"
    AGE_85_PLUS = "85_plus", "85 or over"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


class GenderIdentity(models.TextChoices):
    SAME = "same", "Yes, the same"
    DIFFERENT = "different", "No, different"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


class SexualOrientation(models.TextChoices):
    STRAIGHT = "straight", "Straight or heterosexual"
    GAY_OR_LESBIAN = "gay_or_lesbian", "Gay or lesbian"
    BISEXUAL = "bisexual", "Bisexual"
    OTHER = "other", "Other sexual orientation"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


class EthnicGroupHeading(models.TextChoices):
    """The five high-level groups of the 2021 Census ethnic group question in England."""

    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    WHITE = "white", "White"
    OTHER = "other", "Other ethnic group"


class EthnicGroup(models.TextChoices):
    """The 19 categories for England; each value starts with its high-level group."""

    ASIAN_INDIAN = "asian_indian", "Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Pakistani"
    ASIAN_BANGLADESHI = "asian_bangladeshi", "Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Chinese"
    ASIAN_OTHER = "asian_other", "Any other Asian background"
    BLACK_CARIBBEAN = "black_caribbean", "Caribbean"
    BLACK_AFRICAN = "black_african", "African"
    BLACK_OTHER = "black_other", "Any other Black, Black British or Caribbean background"
    MIXED_WHITE_BLACK_CARIBBEAN = "mixed_white_black_caribbean", "White and Black Caribbean"
    MIXED_WHITE_BLACK_AFRICAN = "mixed_white_black_african", "White and Black African"
    MIXED_WHITE_ASIAN = "mixed_white_asian", "White and Asian"
    MIXED_OTHER = "mixed_other", "Any other Mixed or multiple ethnic background"
    WHITE_BRITISH = "white_british", "English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "white_irish", "Irish"
    WHITE_GYPSY_OR_IRISH_TRAVELLER = "white_gypsy_or_irish_traveller", "Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "Roma"
    WHITE_OTHER = "white_other", "Any other White background"
    OTHER_ARAB = "other_arab", "Arab"
    OTHER_ANY = "other_any", "Any other ethnic group"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


def ethnic_group_heading(value: str) -> str | None:
    """The high-level group of a detailed answer ("asian_indian" -> "asian")."""
    heading = value.split("_", 1)[0]
    return heading if heading in EthnicGroupHeading.values else None


class Religion(models.TextChoices):
    NONE = "none", "No religion"
    CHRISTIAN = "christian", "Christian (all denominations)"
    BUDDHIST = "buddhist", "Buddhist"
    HINDU = "hindu", "Hindu"
    JEWISH = "jewish", "Jewish"
    MUSLIM = "muslim", "Muslim"
    SIKH = "sikh", "Sikh"
    OTHER = "other", "Any other religion"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


class Disability(models.TextChoices):
    LIMITED_A_LOT = "limited_a_lot", "Yes, limited a lot"
    LIMITED_A_LITTLE = "limited_a_little", "Yes, limited a little"
    NO = "no", "No"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


class UnpaidCare(models.TextChoices):
    NO = "no", "No"
    UP_TO_9 = "up_to_9", "Yes, 9 hours a week or less"
    HOURS_10_19 = "10_19", "Yes, 10 to 19 hours a week"
    HOURS_20_34 = "20_34", "Yes, 20 to 34 hours a week"
    HOURS_35_49 = "35_49", "Yes, 35 to 49 hours a week"
    HOURS_50_PLUS = "50_plus", "Yes, 50 or more hours a week"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


@dataclass(frozen=True)
class Question:
    """One standard question: the answer field, its short name, the question and its hint."""

    field: str
    name: str
    text: str
    hint: str
    choices: type[models.TextChoices]


QUESTIONS: tuple[Question, ...] = (
    Question("age_band", "Age", "What is their age?", "", AgeBand),
    Question(
        "sex",
        "Sex",
        "What is their sex?",
        "A question about gender identity follows.",
        Sex,
    ),
    Question(
        "gender_identity",
        "Gender identity",
        "Is the gender they identify with the same as their sex registered at birth?",
        "",
        GenderIdentity,
    ),
    Question(
        "sexual_orientation",
        "Sexual orientation",
        "Which of the following best describes their sexual orientation?",
        "",
        SexualOrientation,
    ),
    Question(
        "ethnic_group",
        "Ethnic group",
        "What is their ethnic group?",
        "Choose the one option that best describes their ethnic group or background.",
        EthnicGroup,
    ),
    Question("religion", "Religion", "What is their religion?", "", Religion),
    Question(
        "disability",
        "Disability",
        "Are their day-to-day activities limited because of a health problem or disability "
        "which has lasted, or is expected to last, at least 12 months?",
        "Include problems related to old age. This follows the Equality Act 2010 definition of "
        "disability.",
        Disability,
    ),
    Question(
        "carer",
        "Unpaid care",
        "Do they look after, or give any help or support to, anyone because they have "
        "long-term physical or mental health conditions or illnesses, or problems related to "
        "old age?",
        "Do not count anything they do as part of their paid work.",
        UnpaidCare,
    ),
)
ANSWER_FIELDS: tuple[str, ...] = tuple(question.field for question in QUESTIONS)


def answer_field(name: str, choices: type[models.TextChoices]) -> EncryptedCharField:
    # Encrypted fields store "" as NULL, so a blank answer needs null=True as well.
    return EncryptedCharField(name, max_length=40, choices=choices.choices, blank=True, null=True)


class EqualityAnswers(Audited):
    """One person's answers to the standard questions. Kept only while they agree to equality
    monitoring: withdrawing that consent deletes this record (`forget_equality_answers`)."""

    # Special category data: the audit trail records that an answer changed, never its value.
    audit_exclude = frozenset(ANSWER_FIELDS)

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="equality_answers")
    age_band = answer_field("Age", AgeBand)
    sex = answer_field("Sex", Sex)
    gender_identity = answer_field("Gender identity", GenderIdentity)
    sexual_orientation = answer_field("Sexual orientation", SexualOrientation)
    ethnic_group = answer_field("Ethnic group", EthnicGroup)
    religion = answer_field("Religion", Religion)
    disability = answer_field("Disability", Disability)
    carer = answer_field("Unpaid care", UnpaidCare)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "equality monitoring answers"
        verbose_name_plural = "equality monitoring answers"

    def __str__(self) -> str:
        return self.audit_repr

    @property
    def audit_repr(self) -> str:
        return f"Equality answers for person #{self.person_id}"


class EqualityQuestion(Audited):
    """A question an organisation adds to its equality monitoring, such as whether someone has
    served in the armed forces or has been in care."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="equality_questions"
    )
    label = models.CharField("Question", max_length=200)
    hint = models.CharField("Hint", max_length=300, blank=True)
    choices_text = models.TextField(
        "Answers people can choose",
        help_text="One answer a line. 'Prefer not to say' is added to every question.",
    )
    is_active = models.BooleanField(
        "Ask this question",
        default=True,
        help_text="Untick to stop asking it. Answers already given are kept.",
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "label"], name="equality_question_unique_in_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.label

    def options(self) -> list[str]:
        """The answers offered, in order, without blanks, repeats or 'Prefer not to say'."""
        seen: dict[str, str] = {}
        for line in self.choices_text.splitlines():
            option = " ".join(line.split())
            if option and option.casefold() != PREFER_NOT_TO_SAY_LABEL.casefold():
                seen.setdefault(option.casefold(), option)
        return list(seen.values())


class EqualityExtraAnswer(Audited):
    """One person's answer to one of the organisation's own questions (encrypted)."""

    audit_exclude = frozenset({"answer"})

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    answers = models.ForeignKey(EqualityAnswers, on_delete=models.CASCADE, related_name="extra")
    question = models.ForeignKey(EqualityQuestion, on_delete=models.CASCADE, related_name="+")
    # The answer's wording, or "Prefer not to say". Never blank: no answer means no row.
    answer = EncryptedCharField(max_length=200)

    class Meta:
        ordering = ["question_id"]
        constraints = [
            models.UniqueConstraint(fields=["answers", "question"], name="one_extra_answer_each")
        ]

    def __str__(self) -> str:
        return f"Answer to question #{self.question_id} for answers #{self.answers_id}"


@dataclass(frozen=True)
class Category:
    """A characteristic a project can set a target for, and how answers fall into its groups."""

    code: str
    name: str
    field: str
    groups: tuple[tuple[str, str], ...]
    group_of: Callable[[str], str | None]


def _answer_groups(choices: type[models.TextChoices]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (value, str(label)) for value, label in choices.choices if value != PREFER_NOT_TO_SAY
    )


def _same_group(choices: type[models.TextChoices]) -> Callable[[str], str | None]:
    values = frozenset(value for value, _label in _answer_groups(choices))
    return lambda answer: answer if answer in values else None


class TargetCategory(models.TextChoices):
    AGE_BAND = "age_band", "Age"
    SEX = "sex", "Sex"
    GENDER_IDENTITY = "gender_identity", "Gender identity"
    SEXUAL_ORIENTATION = "sexual_orientation", "Sexual orientation"
    ETHNIC_GROUP = "ethnic_group", "Ethnic group"
    RELIGION = "religion", "Religion"
    DISABILITY = "disability", "Disability"
    CARER = "carer", "Unpaid care"


# Ethnic group is compared in its five high-level groups: census targets are usually given
# that way, and the 19 detailed groups would be hidden as small numbers in most lists.
CATEGORIES: dict[str, Category] = {
    question.field: Category(
        code=question.field,
        name=question.name,
        field=question.field,
        groups=_answer_groups(question.choices),
        group_of=_same_group(question.choices),
    )
    for question in QUESTIONS
}
CATEGORIES["ethnic_group"] = Category(
    code="ethnic_group",
    name="Ethnic group",
    field="ethnic_group",
    groups=tuple((value, str(label)) for value, label in EthnicGroupHeading.choices),
    group_of=ethnic_group_heading,
)
assert set(CATEGORIES) == set(TargetCategory.values)


class TargetShare(Audited):
    """The share of one group in the population a project is for (from the census, say)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        "projects.CommissioningProject", on_delete=models.CASCADE, related_name="target_shares"
    )
    category = models.CharField(max_length=30, choices=TargetCategory.choices)
    group = models.CharField(max_length=40)
    share = models.DecimalField(
        "Share (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        ordering = ["category", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "category", "group"], name="one_target_share_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.group_label} {self.share}%"

    @property
    def group_label(self) -> str:
        return dict(CATEGORIES[self.category].groups).get(self.group, self.group)
