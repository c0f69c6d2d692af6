from django import forms

from .models import CallOutcome, DeliveryStatus, Route


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", choices=[("", "Any"), *DeliveryStatus.choices], required=False
    )
    route = forms.ChoiceField(
        label="Sent by", choices=[("", "Any"), *Route.choices], required=False
    )
    topic = forms.CharField(
        label="Topic",
        required=False,
        max_length=100,
        help_text="For example, invitation:opportunity:12",
    )


class LettersForm(forms.Form):
    """Which letters a pack or "mark as posted" covers: one topic (or all, when no topic is
    given), up to the newest delivery shown on the page."""

    topic = forms.CharField(required=False, max_length=100)
    all_topics = forms.BooleanField(required=False)
    upto = forms.IntegerField(min_value=1)

    def topic_or_all(self) -> str | None:
        return None if self.cleaned_data["all_topics"] else self.cleaned_data["topic"]


class ContactOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened?", choices=CallOutcome.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea,
        help_text="For example, what they said, or when to try again. Do not note health details.",
    )
