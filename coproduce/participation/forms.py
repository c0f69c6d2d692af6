import datetime
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from coproduce.accounts.models import STAFF_ROLES, User
from coproduce.people.models import ConsentMethod, PartnerOrganisation, Person
from coproduce.procurement.models import ConflictOutcome
from coproduce.projects.forms import DATE, MONEY, MONEY_ERRORS
from coproduce.projects.models import BudgetLine, CommissioningProject, Stage
from coproduce.recruitment.models import Opportunity
from coproduce.surveys.models import Survey

from .models import (
    AgreementKind,
    AgreementVersion,
    Briefing,
    BriefingMember,
    InterestDeclaration,
    MentorAssignment,
    PrizeDraw,
    Recognition,
    TimeCredit,
    TrainingOffer,
    TrainingStatus,
)

DATE_ERRORS = {"required": "Enter the date.", "invalid": "Enter a real date, like 27 3 2026."}
# Agreed through a facilitator: on paper, or out loud by phone or in person.
FACILITATED = [
    (value, label) for value, label in ConsentMethod.choices if value != ConsentMethod.ONLINE
]


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class LineChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        description = f" ({obj.description})" if obj.description else ""
        return (
            f"{obj.method.plan.stage.project.title}, {obj.method.get_kind_display()}: "
            f"{obj.get_category_display()}{description}"
        )


class StageChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.project.title}: {obj.name}"


def organisation_lines(organisation: Any) -> QuerySet[BudgetLine]:
    return (
        BudgetLine.objects.filter(organisation=organisation)
        .select_related("method__plan__stage__project")
        .order_by("method__plan__stage__project__title", "method__plan__stage__position", "pk")
    )


class BriefingForm(forms.ModelForm):
    class Meta:
        model = Briefing
        fields = ["background", "what_happens", "easy_read"]
        error_messages = {
            "background": {"required": "Enter the background: what the service is and why."},
            "what_happens": {"required": "Enter what will happen and when."},
        }


class MemberForm(forms.ModelForm):
    photo_upload = forms.ImageField(
        label="Photo",
        required=False,
        help_text="A JPEG or PNG picture, smaller than 5 MB.",
        error_messages={"invalid_image": "The photo must be a JPEG or PNG picture."},
    )

    class Meta:
        model = BriefingMember
        fields = ["name", "role", "about", "photo_description"]
        error_messages = {
            "name": {"required": "Enter their name."},
            "role": {"required": "Enter their role, for example “Chair of the panel”."},
        }


class AgreementVersionForm(forms.ModelForm):
    ROLE_FIELDS = ["asks", "offers", "respect", "disagreements", "decisions"]
    CONFIDENTIALITY_FIELDS = ["confidential", "if_broken"]

    class Meta:
        model = AgreementVersion
        fields = [
            "asks",
            "offers",
            "respect",
            "disagreements",
            "decisions",
            "confidential",
            "if_broken",
            "easy_read",
            "change_note",
        ]

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = self.ROLE_FIELDS if kind == AgreementKind.ROLE else self.CONFIDENTIALITY_FIELDS
        for name in list(self.fields):
            if name not in (*keep, "easy_read", "change_note"):
                del self.fields[name]


class RecordAgreementForm(forms.Form):
    person = PersonChoice(
        queryset=Person.objects.none(),
        label="Who agreed",
        error_messages={"required": "Choose who agreed."},
    )
    version = forms.ModelChoiceField(
        queryset=AgreementVersion.objects.none(),
        label="What they agreed",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the agreement they agreed."},
    )
    method = forms.ChoiceField(
        label="How they agreed",
        choices=FACILITATED,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they agreed."},
    )
    agreed_on = forms.DateField(label="Date agreed", widget=DATE, error_messages=DATE_ERRORS)

    def __init__(self, *args: Any, people: Any, versions: list[AgreementVersion], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["person"]).queryset = people
        version_field = cast(forms.ModelChoiceField, self.fields["version"])
        version_field.queryset = AgreementVersion.objects.filter(pk__in=[v.pk for v in versions])
        self.initial.setdefault("agreed_on", timezone.localdate())


class AgreeForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have read this and I agree",
        error_messages={"required": "Tick the box to say you agree, or contact us if not."},
    )


class TrainingOfferForm(forms.ModelForm):
    budget_line = LineChoice(
        queryset=BudgetLine.objects.none(),
        required=False,
        label="Budget line it is paid from",
        empty_label="Choose a budget line",
    )

    class Meta:
        model = TrainingOffer
        fields = [
            "project",
            "topic",
            "title",
            "description",
            "provider",
            "starts_on",
            "ends_on",
            "cost",
            "budget_line",
        ]
        widgets = {"starts_on": DATE, "ends_on": DATE, "cost": MONEY}
        error_messages = {
            "title": {"required": "Enter a title, for example “Chairing meetings”."},
            "topic": {"required": "Choose what the training is about."},
            "starts_on": DATE_ERRORS,
            "cost": MONEY_ERRORS,
        }

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lines = cast(forms.ModelChoiceField, self.fields["budget_line"])
        lines.queryset = organisation_lines(organisation)
        project = cast(forms.ModelChoiceField, self.fields["project"])
        project.queryset = CommissioningProject.objects.filter(organisation=organisation)
        project.error_messages["required"] = "Choose the project the training is for."


class OfferPlacesForm(forms.Form):
    people = PeopleChoice(
        queryset=Person.objects.none(),
        label="Who to offer a place to",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one person."},
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["people"]).queryset = people


class PlaceForm(forms.Form):
    status = forms.ChoiceField(
        choices=TrainingStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where they are with the training."},
    )
    completed_on = forms.DateField(
        label="Date completed",
        required=False,
        widget=DATE,
        help_text="If they completed it. Today if left empty.",
        error_messages=DATE_ERRORS,
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class MentorForm(forms.ModelForm):
    mentor_person = PersonChoice(
        queryset=Person.objects.none(),
        required=False,
        label="Someone from the register",
        empty_label="Nobody from the register",
    )
    mentor_user = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="A member of staff",
        empty_label="No member of staff",
    )

    class Meta:
        model = MentorAssignment
        fields = ["kind", "mentor_person", "mentor_user", "opportunity", "starts_on", "ends_on"]
        widgets = {"kind": forms.RadioSelect, "starts_on": DATE, "ends_on": DATE}
        labels = {"kind": "Mentor or buddy", "opportunity": "For the role"}
        error_messages = {"kind": {"required": "Choose mentor or buddy."}, "starts_on": DATE_ERRORS}

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation_id = person.organisation_id
        cast(forms.ModelChoiceField, self.fields["mentor_person"]).queryset = Person.objects.filter(
            organisation_id=organisation_id,
            merged_into__isnull=True,
            pseudonymised_at__isnull=True,
        ).exclude(pk=person.pk)
        cast(forms.ModelChoiceField, self.fields["mentor_user"]).queryset = User.objects.filter(
            memberships__organisation_id=organisation_id, memberships__role__in=STAFF_ROLES
        ).order_by("first_name", "last_name", "pk")
        opportunity = cast(forms.ModelChoiceField, self.fields["opportunity"])
        opportunity.queryset = Opportunity.objects.filter(organisation_id=organisation_id)
        opportunity.required = False
        opportunity.empty_label = "Not for one role"
        self.initial.setdefault("starts_on", timezone.localdate())


class InterestForm(forms.ModelForm):
    person = PersonChoice(
        queryset=Person.objects.none(),
        required=False,
        label="Person",
        empty_label="No one person",
    )

    class Meta:
        model = InterestDeclaration
        fields = ["project", "stage", "person", "partner", "nature", "declared_on"]
        widgets = {"declared_on": DATE}
        labels = {"declared_on": "Date declared"}
        help_texts = {
            "nature": "For example: runs the current service and may bid for the new contract."
        }
        error_messages = {
            "nature": {"required": "Say what the interest is."},
            "declared_on": DATE_ERRORS,
        }

    stage = StageChoice(
        queryset=Stage.objects.none(),
        required=False,
        label="Stage it was declared at",
        empty_label="Not one stage",
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project = cast(forms.ModelChoiceField, self.fields["project"])
        project.queryset = CommissioningProject.objects.filter(organisation=organisation)
        project.error_messages["required"] = "Choose the project."
        cast(forms.ModelChoiceField, self.fields["person"]).queryset = Person.objects.filter(
            organisation=organisation, merged_into__isnull=True, pseudonymised_at__isnull=True
        )
        partner = cast(forms.ModelChoiceField, self.fields["partner"])
        partner.queryset = PartnerOrganisation.objects.filter(organisation=organisation)
        partner.empty_label = "No organisation"
        cast(forms.ModelChoiceField, self.fields["stage"]).queryset = Stage.objects.filter(
            organisation=organisation
        ).select_related("project")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        stage, project = data.get("stage"), data.get("project")
        if stage and project and stage.project_id != project.pk:
            self.add_error("stage", "Choose a stage of the project chosen above.")
        return data
        self.initial.setdefault("declared_on", timezone.localdate())


class AssessForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Your assessment",
        choices=[
            (ConflictOutcome.MANAGED, "Managed: they stay involved, with the mitigation below"),
            (ConflictOutcome.EXCLUDED, "Excluded: they take no part in this project's decisions"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose managed or excluded."},
    )
    mitigation = forms.CharField(
        label="Assessment and mitigation",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: everything learnt from them is shared with all bidders in the "
        "tender documents.",
        error_messages={"required": "Say how the risk is managed, or why they are excluded."},
    )


class RecognitionForm(forms.ModelForm):
    class Meta:
        model = Recognition
        fields = ["kind", "consent_method", "consent_given_on", "addressed_to", "personal_note"]
        widgets = {
            "kind": forms.RadioSelect,
            "consent_method": forms.RadioSelect,
            "consent_given_on": DATE,
            "addressed_to": forms.Textarea(attrs={"rows": 3}),
            "personal_note": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"kind": "What to make"}
        error_messages = {
            "kind": {"required": "Choose a certificate or a reference letter."},
            "consent_method": {"required": "Choose how they agreed."},
            "consent_given_on": DATE_ERRORS,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("consent_given_on", timezone.localdate())


class MyCertificateForm(forms.Form):
    consent = forms.BooleanField(
        label="Yes, make a certificate of my involvement from what is recorded about me",
        error_messages={"required": "Tick the box to say we may make your certificate."},
    )


class PrizeDrawForm(forms.ModelForm):
    entries_close_on = forms.DateField(
        label="Responses count if sent by the end of",
        widget=DATE,
        error_messages=DATE_ERRORS,
    )
    budget_line = LineChoice(
        queryset=BudgetLine.objects.none(),
        required=False,
        label="Budget line it is paid from",
        empty_label="Choose a budget line",
    )

    class Meta:
        model = PrizeDraw
        fields = ["survey", "prize", "winners_wanted", "prize_value", "budget_line"]
        widgets = {"prize_value": MONEY}
        error_messages = {
            "prize": {"required": "Say what the prize is, for example “A £25 shopping voucher”."},
            "prize_value": MONEY_ERRORS,
        }

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lines = cast(forms.ModelChoiceField, self.fields["budget_line"])
        lines.queryset = organisation_lines(organisation)
        survey = cast(forms.ModelChoiceField, self.fields["survey"])
        # Anonymous answers are linked to nobody: their winners could never be told.
        survey.queryset = Survey.objects.filter(organisation=organisation, anonymous=False)
        survey.error_messages["required"] = "Choose the survey."
        survey.help_text = "Only surveys that are not anonymous: winners must be told they won."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day = data.get("entries_close_on")
        if day:
            data["entries_close_at"] = datetime.datetime.combine(
                day, datetime.time(23, 59, 59), tzinfo=timezone.get_current_timezone()
            )
        return data

    def save(self, commit: bool = True) -> PrizeDraw:
        draw = super().save(commit=False)
        draw.entries_close_at = self.cleaned_data["entries_close_at"]
        return draw


class RunDrawForm(forms.Form):
    seed = forms.CharField(
        label="Seed (optional)",
        required=False,
        max_length=100,
        help_text="Leave empty for a random seed, or enter one announced before the draw (for "
        "example the winning numbers of a public lottery) so that anyone can check it.",
    )


class TimeCreditForm(forms.ModelForm):
    class Meta:
        model = TimeCredit
        fields = ["kind", "credits", "on", "reason", "project"]
        widgets = {"kind": forms.RadioSelect, "on": DATE}
        labels = {"kind": "Earned or spent", "credits": "Number of time credits"}
        error_messages = {
            "kind": {"required": "Choose earned or spent."},
            "credits": {
                "required": "Enter the number of time credits.",
                "invalid": "Enter a whole number, like 3.",
                "min_value": "Enter at least 1.",
            },
            "reason": {"required": "Say what they were for."},
            "on": DATE_ERRORS,
        }

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project = cast(forms.ModelChoiceField, self.fields["project"])
        project.queryset = CommissioningProject.objects.filter(
            organisation_id=person.organisation_id
        )
        project.required = False
        project.empty_label = "Not for one project"
        self.initial.setdefault("on", timezone.localdate())
