import datetime
from decimal import Decimal
from typing import Any

from django import forms

from coproduce.accounts.models import STAFF_ROLES, Role, User
from coproduce.projects.models import Stage

from .models import (
    ApprovedProvider,
    EvidenceRating,
    GapReason,
    HeldAs,
    Involved,
    Outcome,
    OutcomeArea,
    OutcomeProgress,
    Picture,
    PlanAction,
    PlanKind,
    PlanPart,
    ProviderQuality,
    ProviderStatus,
    Relationship,
    ResponseKind,
    ResponseMethod,
    SupportGap,
    SupportType,
    TookPart,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "Enter a real date, like 30 4 2026.", "required": "Enter a date."}


def _date(label: str, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=DATE, error_messages=DATE_ERRORS, **kwargs
    )


def _money(label: str, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": "Enter an amount in pounds and pence, like 150 or 150.50.",
            "invalid": "Enter an amount in pounds and pence, like 150 or 150.50.",
            "min_value": "Enter an amount of more than £0.",
            "max_digits": "Enter an amount under £10,000,000,000.",
            "max_decimal_places": "Enter pounds and pence with no more than 2 numbers after "
            "the point.",
        },
        **kwargs,
    )


class FindPersonForm(forms.Form):
    q = forms.CharField(label="Name or postcode", max_length=100, required=False)


class StartPlanForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of plan",
        choices=PlanKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of plan."},
    )
    role_description = forms.CharField(
        label="Your role with the person",
        max_length=120,
        help_text="For example, key worker, social worker or SEND case officer.",
        error_messages={"required": "Say what your role with the person is."},
    )
    easy_read = forms.BooleanField(
        label="Show the plan to them in easy read first",
        required=False,
        help_text="Short sentences, one idea each, with a picture beside each one.",
    )


class ProfileForm(forms.Form):
    like_and_admire = forms.CharField(
        label="What people like and admire about me", widget=forms.Textarea, required=False
    )
    important_to = forms.CharField(
        label="What is important TO me",
        widget=forms.Textarea,
        required=False,
        help_text="What matters to them, in their own words. One thing a line.",
    )
    important_for = forms.CharField(
        label="What is important FOR me",
        widget=forms.Textarea,
        required=False,
        help_text="What keeps them healthy and safe, as they and others see it. One thing a "
        "line. Keep it apart from what is important to them.",
    )
    how_to_support = forms.CharField(
        label="How best to support me", widget=forms.Textarea, required=False
    )


class TakingPartForm(forms.Form):
    took_part = forms.MultipleChoiceField(
        label="How did the person take part in making this plan?",
        choices=TookPart.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose how the person took part."},
    )
    did_not_take_part_reason = forms.CharField(
        label="If they did not take part, why not?", widget=forms.Textarea, required=False
    )
    easy_read_note = forms.CharField(
        label="What helped with easy read",
        widget=forms.Textarea,
        required=False,
        help_text="For example, pictures they chose, or a friend who read it with them.",
    )


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["in_their_words", "area", "picture", "progress", "progress_note"]
        labels = {"progress_note": "What has happened (at review)"}
        widgets = {"in_their_words": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "in_their_words": {"required": "Write the outcome in the person's words."},
            "area": {"required": "Choose the kind of outcome."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "Choose a kind"), *OutcomeArea.choices]  # type: ignore[attr-defined]
        self.fields["picture"].choices = [("", "No picture"), *Picture.choices]  # type: ignore[attr-defined]
        self.fields["progress"].choices = OutcomeProgress.choices  # type: ignore[attr-defined]


class ActionForm(forms.ModelForm):
    class Meta:
        model = PlanAction
        fields = ["description", "outcome", "owner", "due_on", "done_on"]
        labels = {"outcome": "For which outcome", "done_on": "Done on"}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "due_on": DATE,
            "done_on": DATE,
        }
        error_messages = {
            "description": {"required": "Say what will happen."},
            "owner": {"required": "Say who will do it."},
            "due_on": DATE_ERRORS,
            "done_on": DATE_ERRORS,
        }

    def __init__(self, *args: Any, outcomes: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["outcome"]
        field.queryset = outcomes  # type: ignore[attr-defined]
        field.empty_label = "Not for one outcome"  # type: ignore[attr-defined]
        field.label_from_instance = lambda outcome: outcome.in_their_words[:80]  # type: ignore[attr-defined]


class InvolvedForm(forms.ModelForm):
    class Meta:
        model = Involved
        fields = ["name", "role"]
        help_texts = {"role": "For example, mum, teacher, advocate, best friend."}
        error_messages = {
            "name": {"required": "Enter their name."},
            "role": {"required": "Say who they are to the person."},
        }


class GapForm(forms.ModelForm):
    class Meta:
        model = SupportGap
        fields = ["support_type", "description", "reason"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "support_type": {"required": "Choose the kind of support."},
            "description": {"required": "Say what they want."},
            "reason": {"required": "Choose why it is not available."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["support_type"].choices = [("", "Choose a kind"), *SupportType.choices]  # type: ignore[attr-defined]
        self.fields["reason"].choices = [("", "Choose a reason"), *GapReason.choices]  # type: ignore[attr-defined]


class RespondForm(forms.Form):
    kind = forms.ChoiceField(
        label="What do you want to tell us?",
        choices=ResponseKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose if you agree, do not agree, or want to comment."},
    )
    part = forms.ChoiceField(
        label="Which part is it about?", choices=PlanPart.choices, initial=PlanPart.WHOLE
    )
    comment = forms.CharField(
        label="What you want to say",
        widget=forms.Textarea,
        required=False,
        help_text="If you do not agree, say what you want instead.",
    )


class PaperResponseForm(RespondForm):
    given_by_name = forms.CharField(
        label="Name of who answered",
        max_length=200,
        error_messages={"required": "Enter the name of who answered."},
    )
    given_as = forms.CharField(
        label="Who they are",
        max_length=60,
        initial="The person",
        help_text="The person, or for example their mum or advocate.",
        error_messages={"required": "Say who they are."},
    )
    method = forms.ChoiceField(
        label="How they answered",
        choices=[c for c in ResponseMethod.choices if c[0] != ResponseMethod.ONLINE],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they answered."},
    )
    received_on = _date("Date they answered")


class FinaliseForm(forms.Form):
    review_on = _date("Review the plan by", help_text="At least once a year.")
    reason = forms.CharField(
        label="If the person has not agreed, why is the plan being used anyway?",
        widget=forms.Textarea,
        required=False,
        help_text="Their answer stays on the plan, for everyone working with them to see.",
    )


class WorkerForm(forms.Form):
    user = forms.ModelChoiceField(
        label="Member of staff",
        queryset=User.objects.none(),
        empty_label="Choose someone",
        error_messages={"required": "Choose a member of staff."},
    )
    role_description = forms.CharField(
        label="Their role with the person",
        max_length=120,
        error_messages={"required": "Say what their role with the person is."},
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                memberships__organisation_id=organisation_id, memberships__role__in=STAFF_ROLES
            )
            .order_by("first_name", "last_name", "pk")
            .distinct()
        )


class RepresentativeForm(forms.Form):
    username = forms.CharField(
        label="Their username or email address",
        max_length=254,
        help_text="They must be signed up as a participant first.",
        error_messages={"required": "Enter their username or email address."},
    )
    relationship = forms.ChoiceField(
        label="Who they are to the person",
        choices=Relationship.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who they are to the person."},
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        self.organisation_id = organisation_id
        super().__init__(*args, **kwargs)

    def clean_username(self) -> User:
        wanted = self.cleaned_data["username"].strip()
        found = (
            User.objects.filter(
                memberships__organisation_id=self.organisation_id,
                memberships__role=Role.PARTICIPANT,
            )
            .filter(username__iexact=wanted)
            .first()
        ) or (
            User.objects.filter(
                memberships__organisation_id=self.organisation_id,
                memberships__role=Role.PARTICIPANT,
                email__iexact=wanted,
            ).first()
            if wanted
            else None
        )
        if found is None:
            raise forms.ValidationError(
                "Nobody signed up as a participant has that username or email address. Check "
                "it, or sign them up first."
            )
        return found


class BudgetForm(forms.Form):
    allocation = _money("Allocation for the year")
    held_as = forms.ChoiceField(
        label="How it is held",
        choices=HeldAs.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the budget is held."},
    )
    starts_on = _date("From")
    ends_on = _date("To")
    review_on = _date("Review the budget by")


class PlannedSupportForm(forms.Form):
    support_type = forms.ChoiceField(
        label="Kind of support",
        choices=[("", "Choose a kind"), *SupportType.choices],
        error_messages={"required": "Choose the kind of support."},
    )
    description = forms.CharField(
        label="What it is",
        max_length=200,
        error_messages={"required": "Say what the support is."},
    )
    provider = forms.ModelChoiceField(
        label="Approved provider",
        queryset=ApprovedProvider.objects.none(),
        required=False,
        empty_label="Not an approved provider (for example, a personal assistant)",
    )
    unit_cost = _money("Cost of each (session, hour or item)")
    units = forms.DecimalField(
        label="How many in the year",
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": "Enter how many, like 40.",
            "invalid": "Enter how many as a number, like 40 or 2.5.",
            "min_value": "Enter a number more than 0.",
        },
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = ApprovedProvider.objects.filter(  # type: ignore[attr-defined]
            organisation_id=organisation_id, status=ProviderStatus.APPROVED
        )


class SpendForm(forms.Form):
    spent_on = _date("Date")
    support_type = forms.ChoiceField(
        label="Kind of support",
        choices=[("", "Choose a kind"), *SupportType.choices],
        error_messages={"required": "Choose the kind of support."},
    )
    description = forms.CharField(
        label="What it was for",
        max_length=200,
        error_messages={"required": "Say what it was for."},
    )
    amount = _money("Amount")


class SpendImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: date, support type, description, amount. Every row is saved, or "
        "none if any row is wrong.",
        error_messages={"required": "Choose a CSV file.", "empty": "The file is empty."},
    )


class ProviderForm(forms.ModelForm):
    support_types = forms.MultipleChoiceField(
        label="Kinds of support they offer",
        choices=SupportType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the kinds of support they offer."},
    )

    class Meta:
        model = ApprovedProvider
        fields = [
            "name",
            "description",
            "support_types",
            "area",
            "contact",
            "status",
            "approved_on",
        ]
        widgets = {"approved_on": DATE, "description": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "name": {"required": "Enter the provider's name."},
            "description": {"required": "Say what they offer."},
            "area": {"required": "Say where they work."},
            "contact": {"required": "Say how to contact them."},
            "approved_on": DATE_ERRORS,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = ProviderStatus.choices  # type: ignore[attr-defined]
        self.fields["approved_on"].initial = datetime.date.today


class QualityForm(forms.ModelForm):
    class Meta:
        model = ProviderQuality
        fields = ["title", "explanation", "source"]
        widgets = {"explanation": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "title": {"required": "Write the quality, in the words people used."},
            "source": {"required": "Say who said it matters."},
        }


class EvidenceForm(forms.Form):
    quality = forms.ModelChoiceField(
        label="Quality",
        queryset=ProviderQuality.objects.none(),
        empty_label="Choose a quality",
        error_messages={"required": "Choose the quality."},
    )
    rating = forms.ChoiceField(
        label="How well they meet it",
        choices=EvidenceRating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how well they meet it."},
    )
    evidence = forms.CharField(
        label="The evidence",
        widget=forms.Textarea,
        help_text="What you saw, read or were told, and by whom (without naming people who "
        "use the service).",
        error_messages={"required": "Describe the evidence."},
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quality"].queryset = ProviderQuality.objects.filter(  # type: ignore[attr-defined]
            organisation_id=organisation_id
        )


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How good are they?",
        coerce=int,
        choices=[
            ("5", "5: very good"),
            ("4", "4: good"),
            ("3", "3: all right"),
            ("2", "2: not good"),
            ("1", "1: bad"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how good they are."},
    )
    text = forms.CharField(
        label="Tell us about them",
        widget=forms.Textarea,
        help_text="Your name is never shown with your review, to the provider or anyone else.",
        error_messages={"required": "Write what you want to say about them."},
    )


class OnBehalfReviewForm(ReviewForm):
    person_pk = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(
        label="Publish this review?",
        choices=[("publish", "Publish it"), ("reject", "Do not publish it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to publish it."},
    )
    reason = forms.CharField(
        label="Why not (if not published)",
        widget=forms.Textarea,
        required=False,
        help_text="For example, it names a member of staff, or it is about another provider.",
    )


class FiguresForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of plan", choices=[("", "All plans"), *PlanKind.choices], required=False
    )
    spend_from = _date("Spend from", required=False)
    spend_to = _date("Spend to", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("spend_from"), data.get("spend_to")
        if start and end and end < start:
            self.add_error("spend_to", "The end date must be on or after the start date.")
        return data


class AttachForm(forms.Form):
    stage = forms.ModelChoiceField(
        label="Commissioning project",
        queryset=Stage.objects.none(),
        empty_label="Choose a project",
        error_messages={"required": "Choose the project whose Analyse stage this is for."},
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Give the evidence a title."},
    )
    note = forms.CharField(
        label="Why it matters for this project", widget=forms.Textarea, required=False
    )

    def __init__(self, *args: Any, stages: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["stage"]
        field.queryset = stages  # type: ignore[attr-defined]
        field.label_from_instance = lambda stage: stage.project.title  # type: ignore[attr-defined]
