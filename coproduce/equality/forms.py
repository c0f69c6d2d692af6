from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms

from .models import (
    CATEGORIES,
    PREFER_NOT_TO_SAY,
    PREFER_NOT_TO_SAY_LABEL,
    QUESTIONS,
    EqualityQuestion,
    EthnicGroup,
    EthnicGroupHeading,
    ethnic_group_heading,
)
from .selectors import DEFAULT_MARGIN
from .services import parse_share

CHOOSE_ONE = "Choose one of the answers listed."


def extra_field_name(question: EqualityQuestion) -> str:
    return f"extra_{question.pk}"


class EqualityAnswersForm(forms.Form):
    """Every question optional: nothing chosen means not answered."""

    def __init__(
        self, *args: Any, extra_questions: Iterable[EqualityQuestion] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            self.fields[question.field] = forms.ChoiceField(
                label=question.text,
                help_text=question.hint,
                choices=question.choices.choices,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": CHOOSE_ONE},
            )
        self.extra_questions = list(extra_questions)
        for extra in self.extra_questions:
            options = [*extra.options(), PREFER_NOT_TO_SAY_LABEL]
            self.fields[extra_field_name(extra)] = forms.ChoiceField(
                label=extra.label,
                help_text=extra.hint,
                choices=[(option, option) for option in options],
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": CHOOSE_ONE},
            )

    def answers(self) -> dict[str, str]:
        return {question.field: self.cleaned_data[question.field] for question in QUESTIONS}

    def extra_answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data[extra_field_name(q)] for q in self.extra_questions}

    def standard_fields(self) -> list[forms.BoundField]:
        return [self[question.field] for question in QUESTIONS if question.field != "ethnic_group"]

    def ethnic_group_options(self) -> dict[str, Any]:
        """The 19 ethnic groups under their 5 headings, then 'Prefer not to say', numbered as
        Django numbers radio buttons (so the error summary links to the first one)."""
        field = self["ethnic_group"]
        chosen = field.value() or ""
        options = [
            {
                "id": f"{field.auto_id}_{index}",
                "value": value,
                "label": label,
                "checked": value == chosen,
                "heading": ethnic_group_heading(value),
            }
            for index, (value, label) in enumerate(EthnicGroup.choices)
        ]
        return {
            "field": field,
            "headings": [
                (label, [o for o in options if o["heading"] == heading])
                for heading, label in EthnicGroupHeading.choices
            ],
            "prefer_not_to_say": next(o for o in options if o["value"] == PREFER_NOT_TO_SAY),
        }

    def extra_fields(self) -> list[forms.BoundField]:
        return [self[extra_field_name(question)] for question in self.extra_questions]


class EqualityQuestionForm(forms.ModelForm):
    class Meta:
        model = EqualityQuestion
        fields = ["label", "hint", "choices_text", "is_active"]
        widgets = {"choices_text": forms.Textarea}
        error_messages = {
            "label": {"required": "Enter the question."},
            "choices_text": {"required": "Enter the answers people can choose, one a line."},
        }


class TargetSharesForm(forms.Form):
    """One box per group of a category: a percentage, or empty for none."""

    def __init__(self, *args: Any, category: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category = CATEGORIES[category]
        for group, label in self.category.groups:
            self.fields[f"share_{group}"] = forms.CharField(
                label=label, required=False, max_length=20
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for group, label in self.category.groups:
            name = f"share_{group}"
            text = cleaned.get(name, "")
            if name in self.errors or not text:
                continue
            try:
                parse_share(text)
            except ValueError as wrong:
                self.add_error(name, f"{label}: {wrong}")
        return cleaned

    def shares(self) -> dict[str, Decimal | None]:
        return {
            group: parse_share(text) if (text := self.cleaned_data[f"share_{group}"]) else None
            for group, _label in self.category.groups
        }


class TargetImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        error_messages={
            "required": "Choose a CSV file to upload.",
            "empty": "The file is empty. Choose a CSV file with the target shares.",
        },
    )


class ComparisonForm(forms.Form):
    """How far below its target a group must be to be highlighted."""

    margin = forms.DecimalField(
        label="Highlight groups more than this many percentage points below their target",
        min_value=Decimal("0"),
        max_value=Decimal("50"),
        decimal_places=1,
        required=False,
        widget=forms.TextInput,  # GOV.UK: text with inputmode, not type=number
        error_messages={
            "invalid": "Enter the margin as a number of percentage points, like 5.",
            "min_value": "Enter a margin between 0 and 50 percentage points.",
            "max_value": "Enter a margin between 0 and 50 percentage points.",
            "max_decimal_places": "Enter the margin with no more than 1 decimal place.",
        },
    )

    def margin_or_default(self) -> Decimal:
        value = self.cleaned_data.get("margin")
        return DEFAULT_MARGIN if value is None else value
