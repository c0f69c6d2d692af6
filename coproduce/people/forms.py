from typing import Any, cast

from django import forms

from coproduce.projects.models import CommissioningProject

from .models import (
    AccessNeed,
    Channel,
    Community,
    ConsentMethod,
    ConsentPurpose,
    Format,
    Involvement,
    PartnerOrganisation,
    Person,
    RegisterSettings,
    SavedList,
    TimeOfDay,
    Weekday,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonForm(forms.ModelForm):
    available_days = forms.MultipleChoiceField(
        label="Days they can usually take part",
        choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    available_times = forms.MultipleChoiceField(
        label="Times of day that suit them",
        choices=TimeOfDay.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    needs = forms.MultipleChoiceField(
        label="Access and support needs",
        choices=AccessNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Ask: what would help you take part fully? Select all that apply.",
    )
    communities = forms.ModelMultipleChoiceField(
        label="Communities they belong to",
        queryset=Community.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Places, identities, interests and purposes. A person can belong to several.",
    )

    class Meta:
        model = Person
        fields = [
            "name",
            "preferred_name",
            "preferred_channel",
            "email",
            "mobile",
            "landline",
            "address",
            "postcode",
            "via_name",
            "via_relationship",
            "via_contact",
            "preferred_format",
            "language",
            "available_days",
            "available_times",
            "voice",
            "represents",
            "mandate",
            "needs_notes",
        ]
        widgets = {
            "preferred_channel": forms.RadioSelect,
            "preferred_format": forms.RadioSelect,
            "voice": forms.RadioSelect,
            "address": forms.Textarea(attrs={"rows": 3}),
            "mobile": forms.TextInput(attrs={"type": "tel"}),
            "landline": forms.TextInput(attrs={"type": "tel"}),
        }
        help_texts = {
            "preferred_format": (
                "How they need information, in line with the Accessible Information Standard."
            ),
            "language": "Only if they need an interpreter.",
            "voice": (
                "Are they speaking for themselves, on behalf of a group, or sharing their "
                "expertise from lived experience?"
            ),
            "mandate": "For example, elected by the carers' forum to speak on its behalf.",
        }

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        if instance is not None and instance.pk:
            initial = kwargs.setdefault("initial", {})
            initial.setdefault("needs", [need.need for need in instance.needs.all()])
            initial.setdefault(
                "communities",
                [membership.community_id for membership in instance.memberships.all()],
            )
        super().__init__(*args, **kwargs)
        communities = cast(forms.ModelMultipleChoiceField, self.fields["communities"])
        communities.queryset = Community.objects.filter(organisation=organisation).order_by(
            "kind", "name"
        )
        self.fields["via_relationship"].required = False


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label="Name, email or postcode", required=False)
    community = forms.ModelChoiceField(
        label="Community", queryset=Community.objects.none(), required=False, empty_label="Any"
    )
    need = forms.ChoiceField(
        label="Access need", choices=[("", "Any"), *AccessNeed.choices], required=False
    )
    channel = forms.ChoiceField(
        label="Contact by", choices=[("", "Any"), *Channel.choices], required=False
    )
    format = forms.ChoiceField(
        label="Format", choices=[("", "Any"), *Format.choices], required=False
    )
    consent = forms.ChoiceField(
        label="Consent to contact",
        choices=[("", "Any"), ("given", "Given"), ("not_given", "Not given or withdrawn")],
        required=False,
    )
    fatigue = forms.ChoiceField(
        label="Asked recently",
        choices=[
            ("", "Any"),
            ("under", "Below the organisation's limit"),
            ("over", "At or over the limit (asked too often)"),
        ],
        required=False,
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        community = cast(forms.ModelChoiceField, self.fields["community"])
        community.queryset = Community.objects.filter(organisation=organisation).order_by("name")


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(
        label="What are they agreeing to?", choices=ConsentPurpose.choices, widget=forms.RadioSelect
    )
    method = forms.ChoiceField(
        label="How did they agree?", choices=ConsentMethod.choices, widget=forms.RadioSelect
    )


class InvolvementForm(forms.ModelForm):
    class Meta:
        model = Involvement
        fields = ["kind", "occurred_on", "description", "project"]
        widgets = {"kind": forms.RadioSelect, "occurred_on": DATE}
        labels = {"kind": "What did they do?", "occurred_on": "Date", "project": "Project"}

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project = cast(forms.ModelChoiceField, self.fields["project"])
        project.queryset = CommissioningProject.objects.filter(organisation=organisation)
        project.empty_label = "Not about one project"


class CommunityForm(forms.ModelForm):
    class Meta:
        model = Community
        fields = ["name", "kind", "place_type", "description"]
        widgets = {"kind": forms.RadioSelect, "description": forms.Textarea(attrs={"rows": 3})}
        labels = {"kind": "Type of community", "place_type": "If a place, what kind"}


class PartnerForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = PartnerOrganisation
        fields = [
            "name",
            "kind",
            "email",
            "phone",
            "website",
            "communities",
            "conflicts_of_interest",
            "notes",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "communities": forms.CheckboxSelectMultiple,
            "conflicts_of_interest": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"kind": "Type of organisation", "communities": "Communities they reach"}

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        communities = cast(forms.ModelMultipleChoiceField, self.fields["communities"])
        communities.queryset = Community.objects.filter(organisation=organisation).order_by("name")


class PartnerRoleForm(forms.Form):
    partner = forms.ModelChoiceField(
        label="Organisation",
        queryset=PartnerOrganisation.objects.none(),
        empty_label="Choose an organisation",
        error_messages={"required": "Choose the organisation they are a contact for."},
    )
    role = forms.CharField(
        label="Their role there", max_length=100, required=False, help_text="For example, chair."
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partner = cast(forms.ModelChoiceField, self.fields["partner"])
        partner.queryset = PartnerOrganisation.objects.filter(organisation=organisation)


class SavedListForm(forms.ModelForm):
    class Meta:
        model = SavedList
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"name": "List name"}
        help_texts = {"name": "For example, Carers' reference group."}


class AddToListForm(forms.Form):
    saved_list = forms.ModelChoiceField(
        label="Add the people you selected to",
        queryset=SavedList.objects.none(),
        empty_label="Choose a list",
        error_messages={"required": "Choose the list to add people to."},
    )
    people = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        error_messages={"required": "Select at least one person to add to the list."},
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        saved = cast(forms.ModelChoiceField, self.fields["saved_list"])
        saved.queryset = SavedList.objects.filter(organisation=organisation)
        people = cast(forms.ModelMultipleChoiceField, self.fields["people"])
        people.queryset = Person.objects.filter(organisation=organisation, merged_into__isnull=True)


class RegisterSettingsForm(forms.ModelForm):
    class Meta:
        model = RegisterSettings
        fields = ["fatigue_threshold", "suppression_threshold"]
        widgets = {
            "fatigue_threshold": forms.TextInput(attrs={"inputmode": "numeric"}),
            "suppression_threshold": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def clean_suppression_threshold(self) -> int:
        value = int(self.cleaned_data["suppression_threshold"])
        if value < 3:
            raise forms.ValidationError("Use 3 or more, so that small groups cannot be identified.")
        return value

    def clean_fatigue_threshold(self) -> int:
        value = int(self.cleaned_data["fatigue_threshold"])
        if value < 1:
            raise forms.ValidationError("Enter 1 or more.")
        return value
