from typing import Any

from django import forms

from coproduce.procurement.models import Bid, Evaluator, Lot
from coproduce.projects.forms import DATE

from .models import FeedbackSession
from .working_days import DEFAULT_STANDSTILL_DAYS


class BidChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.bidder.name} (lot {obj.lot.number})"


class AwardForm(forms.Form):
    lot = forms.ModelChoiceField(
        queryset=Lot.objects.none(),
        label="Lot",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the lot you are awarding."},
    )
    winning_bid = BidChoiceField(
        queryset=Bid.objects.none(),
        label="Winning bid",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the bid the contract is awarded to."},
    )
    reason_not_preferred = forms.CharField(
        label="Why the award is not to the bid ranked first (if it is not)",
        help_text="Needed when the award goes to a bid the panel's marks did not put first on "
        "its own. Lay evaluators are told this reason.",
        widget=forms.Textarea,
        required=False,
    )
    standstill_days = forms.IntegerField(
        label="Standstill period in working days",
        initial=DEFAULT_STANDSTILL_DAYS,
        min_value=1,
        max_value=60,
        help_text="At least 8 working days (Procurement Act 2023). Weekends and bank holidays "
        "in England and Wales are not counted.",
        error_messages={
            "required": "Enter the number of working days, for example 8.",
            "invalid": "Enter a whole number of working days, for example 8.",
            "min_value": "Enter 8 or more working days.",
            "max_value": "Enter 60 working days or fewer.",
        },
    )

    def __init__(self, *args: Any, lots: Any, bids: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = lots  # type: ignore[attr-defined]
        self.fields["winning_bid"].queryset = bids  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        lot, bid = cleaned.get("lot"), cleaned.get("winning_bid")
        if lot and bid and bid.lot_id != lot.pk:
            self.add_error("winning_bid", "Choose a bid for the lot you are awarding.")
        return cleaned


class SignOffForm(forms.Form):
    sign_off_note = forms.CharField(
        label="Decision note",
        help_text="For example where and when the decision was made.",
        widget=forms.Textarea,
        error_messages={"required": "Write a note of the decision."},
    )


class DatesForm(forms.Form):
    notice_date = forms.DateField(
        label="Contract award notice published on",
        widget=DATE,
        required=False,
        help_text="The standstill period begins on this day.",
        error_messages={"invalid": "Enter a real date."},
    )
    contract_entered_on = forms.DateField(
        label="Contract entered into on",
        widget=DATE,
        required=False,
        help_text="Only after the standstill period has ended.",
        error_messages={"invalid": "Enter a real date."},
    )


class FeedbackSessionForm(forms.ModelForm):
    class Meta:
        model = FeedbackSession
        fields = ["held_on", "summary"]
        widgets = {"held_on": DATE}
        error_messages = {
            "held_on": {
                "required": "Enter the date of the session.",
                "invalid": "Enter a real date.",
            }
        }


class EvaluatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} ({obj.name})"


class FeedbackCommentForm(forms.Form):
    comment = forms.CharField(
        label="What they said",
        widget=forms.Textarea,
        error_messages={"required": "Write what they said."},
    )
    evaluator = EvaluatorChoiceField(
        queryset=Evaluator.objects.none(),
        label="Who said it",
        required=False,
        empty_label="They chose to stay anonymous",
        help_text="Only if they are happy for it to be said who they are.",
    )

    def __init__(self, *args: Any, evaluators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = evaluators  # type: ignore[attr-defined]
