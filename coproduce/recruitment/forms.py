from typing import Any, cast

from django import forms

from coproduce.people.forms import PeopleFilterForm
from coproduce.people.models import SavedList
from coproduce.projects.forms import DATE

from .models import KEY_MESSAGES, GlossaryTerm, Opportunity, RecruitmentSettings


class OpportunityForm(forms.ModelForm):
    class Meta:
        model = Opportunity
        fields = [
            "title",
            "places",
            "reserve_places",
            "purpose",
            "deciding",
            "cannot_change",
            "expected",
            "time_commitment",
            "dates_and_place",
            "starts_on",
            "access_support",
            "payment",
            "feedback",
            "contact",
            "if_unhappy",
            "eligibility",
            "sessions",
            "closes_on",
        ]
        widgets = {"closes_on": DATE, "starts_on": DATE}
        help_texts = {
            "purpose": "What the task is and why their help matters.",
            "deciding": "Taken from the project's scope of influence. Say who decides, and when.",
            "cannot_change": "Be honest about what is fixed, so nobody's time is wasted.",
            "expected": "The tasks, in plain words: read papers, come to meetings, score bids...",
            "time_commitment": "How often, how long, and over what period.",
            "access_support": "Interpreters, large print, transport, breaks, a carer's place...",
            "payment": "What we pay for people's time, and the expenses we cover.",
            "feedback": "How and when we will tell people what happened because of them.",
            "contact": "A named person, with phone and email.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Key messages may be left for later in a draft, but are not optional: publishing
        # needs them, so the label does not say "(optional)".
        for name, _ in KEY_MESSAGES:
            field = self.fields[name]
            field.needed_later = True  # type: ignore[attr-defined]
            note = "Needed before you can publish."
            field.help_text = f"{field.help_text} {note}" if field.help_text else note


class GlossaryTermForm(forms.ModelForm):
    class Meta:
        model = GlossaryTerm
        fields = ["term", "plain_alternative", "explanation"]


class RecruitmentSettingsForm(forms.ModelForm):
    class Meta:
        model = RecruitmentSettings
        fields = ["readability_target", "minimum_notice_days"]

    def clean_readability_target(self) -> int:
        value = cast(int, self.cleaned_data["readability_target"])
        if value > 100:
            raise forms.ValidationError("Enter a reading ease target from 0 to 100.")
        return value


class EasyReadForm(forms.Form):
    """The easy-read version as lines: one sentence per line, and optionally what picture goes
    with it after a vertical bar."""

    text = forms.CharField(
        label="Easy-read sentences",
        help_text=(
            "One short sentence per line. To say what picture goes beside a sentence, add a "
            "vertical bar and describe it, for example: We will pay you for your time. | Money"
        ),
        widget=forms.Textarea(attrs={"rows": 20}),
    )

    def rows(self) -> list[tuple[str, str]]:
        found = []
        for line in self.cleaned_data["text"].splitlines():
            sentence, _, picture = line.partition("|")
            if sentence.strip():
                found.append((sentence.strip(), picture.strip()))
        return found


class RecipientsForm(PeopleFilterForm):
    """Who to invite: a saved list, or the register's filters."""

    saved_list = forms.ModelChoiceField(
        label="Saved list", queryset=SavedList.objects.none(), required=False, empty_label="None"
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, organisation=organisation, **kwargs)
        saved = cast(forms.ModelChoiceField, self.fields["saved_list"])
        saved.queryset = SavedList.objects.filter(organisation=organisation).order_by("name")
        self.order_fields(["saved_list"])


class SendInvitationsForm(forms.Form):
    people = forms.TypedMultipleChoiceField(coerce=int, widget=forms.MultipleHiddenInput)
    confirm_fatigued = forms.TypedMultipleChoiceField(
        label="Invite anyway",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    short_notice_reason = forms.CharField(
        label="Why are you giving short notice?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        people: list[tuple[int, str]],
        fatigued: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["people"]).choices = people
        cast(forms.ChoiceField, self.fields["confirm_fatigued"]).choices = fatigued
