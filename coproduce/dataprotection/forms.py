from typing import Any

from django import forms

from .models import DEFAULT_MONTHS, MEASURED_FROM, WHAT_HAPPENS, HowReceived, RecordType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RetentionPeriodsForm(forms.Form):
    """One box per kind of record. The numbers are checked by the service, so that the same
    rules apply however they are set."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for record_type in RecordType:
            key = record_type.value
            self.fields[key] = forms.CharField(
                label=f"{record_type.label}: months to keep",
                help_text=(
                    f"Measured from {MEASURED_FROM[key]}. Suggested: {DEFAULT_MONTHS[key]} "
                    f"months. When it ends: {WHAT_HAPPENS[key]}"
                ),
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                error_messages={
                    "required": f"Enter how many months to keep {record_type.label.lower()}, "
                    f"like {DEFAULT_MONTHS[key]}."
                },
            )


class ErasureRequestForm(forms.Form):
    received_on = forms.DateField(
        label="Date the request was received",
        help_text="You usually have one calendar month from this date to respond.",
        widget=DATE,
        error_messages={
            "required": "Enter the date the request was received.",
            "invalid": "Enter a real date, for example 27 March 2026.",
        },
    )
    how_received = forms.ChoiceField(
        label="How the request came in",
        choices=HowReceived.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the request came in."},
    )
    reason = forms.CharField(
        label="What they said",
        help_text="People do not have to give a reason. Write down anything they asked for, "
        "for example to be erased from one list only.",
        widget=forms.Textarea,
        required=False,
    )


class ErasureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("approve", "Approve: their details will be erased"),
            ("refuse", "Refuse: their details are kept"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve or refuse the request."},
    )
    refusal_reason = forms.CharField(
        label="Why the request is refused",
        help_text="Only if you refuse. This is what the person will be told, for example that "
        "the law requires the records to be kept.",
        widget=forms.Textarea,
        required=False,
    )
