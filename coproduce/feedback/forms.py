import datetime
from typing import Any

from django import forms

from coproduce.events.models import Event
from coproduce.projects.models import CommissioningProject, Stage

from .models import ContributionKind, Outcome
from .selectors import response_of

# Officers record these by hand; survey themes and review findings come from their own pages.
HAND_KINDS = [
    (value, label)
    for value, label in ContributionKind.choices
    if value not in {ContributionKind.SURVEY_THEME, ContributionKind.REVIEW_FINDING}
]


class StageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.coproduction_name.lower()})"


def _stages(project: CommissioningProject) -> Any:
    return Stage.objects.filter(project=project).order_by("position")


class ContributionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Where it came from",
        choices=HAND_KINDS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the contribution came from."},
    )
    stage = StageChoiceField(
        label="Stage",
        queryset=Stage.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the stage it was said in."},
    )
    event = forms.ModelChoiceField(
        label="Which event",
        queryset=Event.objects.none(),
        required=False,
        empty_label="Not from an event",
        help_text=(
            "For a point raised at an event. Everyone marked present will be told what happened."
        ),
    )
    summary = forms.CharField(
        label="What people said",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what people said."},
    )
    people_count = forms.IntegerField(
        label="How many people said this (optional)",
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
        error_messages={
            "invalid": "Enter a whole number, such as 12.",
            "min_value": "Enter 0 or more.",
        },
    )
    quote = forms.CharField(
        label="Their words, to quote (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=(
            "Only for someone who agreed to be quoted. Quotes appear on the public page, "
            "without names."
        ),
    )
    quote_consent = forms.BooleanField(label="They agreed to be quoted", required=False)

    def __init__(self, *args: Any, project: CommissioningProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = _stages(project)  # type: ignore[attr-defined]
        self.fields["event"].queryset = Event.objects.filter(project=project).order_by(  # type: ignore[attr-defined]
            "-starts_at"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ContributionKind.EVENT_POINT and not data.get("event"):
            self.add_error("event", "Choose the event where this was said.")
        return data


class ThemesForm(forms.Form):
    """Survey themes of the project to add as contributions."""

    themes = forms.MultipleChoiceField(
        label="Themes",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one theme."},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = choices  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    title = forms.CharField(
        label="What was decided, in a few words",
        max_length=200,
        error_messages={"required": "Enter what was decided, in a few words."},
    )
    summary = forms.CharField(
        label="What was decided, and why",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Write it for the people who took part: plain words, no jargon.",
        error_messages={"required": "Enter what was decided, and why."},
    )
    easy_read = forms.CharField(
        label="Easy read version (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Short sentences, one idea each, one to a line.",
    )
    decided_by = forms.CharField(
        label="Who decided",
        max_length=200,
        help_text="For example: Cabinet member for adult social care, or the project board.",
        error_messages={"required": "Enter who made the decision."},
    )
    decided_on = forms.DateField(
        label="Date of the decision",
        help_text="For example, 27 3 2026. Enter it as day, month and year: 27/03/2026.",
        input_formats=["%d/%m/%Y", "%d %m %Y", "%Y-%m-%d", "%d-%m-%Y"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "govuk-input--width-10"}),
        error_messages={
            "required": "Enter the date of the decision.",
            "invalid": "Enter the date as day, month and year, for example 27/03/2026.",
        },
    )
    stage = StageChoiceField(
        label="Stage (optional)", queryset=Stage.objects.none(), required=False
    )

    def __init__(self, *args: Any, project: CommissioningProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = _stages(project)  # type: ignore[attr-defined]
        # Shown as typed: the field template prints the value, so a date is given as text.
        decided_on = self.initial.get("decided_on")
        if isinstance(decided_on, datetime.date):
            self.initial["decided_on"] = decided_on.strftime("%d/%m/%Y")


class ResponsesForm(forms.Form):
    """One outcome and reason per contribution on the page; rows left blank are left alone."""

    def __init__(self, *args: Any, contributions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[tuple[Any, Any, Any]] = []
        for contribution in contributions:
            answered = response_of(contribution)
            outcome = forms.ChoiceField(
                label="What happened",
                choices=Outcome.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=answered.outcome if answered else None,
            )
            reason = forms.CharField(
                label="Why, in plain words",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=answered.reason if answered else "",
                help_text="Needed unless it was adopted as it was.",
            )
            self.fields[f"outcome_{contribution.pk}"] = outcome
            self.fields[f"reason_{contribution.pk}"] = reason
            self.rows.append(
                (
                    contribution,
                    self[f"outcome_{contribution.pk}"],
                    self[f"reason_{contribution.pk}"],
                )
            )

    def answers(self) -> list[tuple[Any, str, str]]:
        return [
            (
                contribution,
                self.cleaned_data[f"outcome_{contribution.pk}"],
                self.cleaned_data[f"reason_{contribution.pk}"],
            )
            for contribution, _o, _r in self.rows
            if self.cleaned_data.get(f"outcome_{contribution.pk}")
        ]


class PageForm(forms.Form):
    introduction = forms.CharField(
        label="Introduction",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Thank people, and say in a few lines what the project is and what changed.",
    )
    easy_read_introduction = forms.CharField(
        label="Easy read introduction",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Short sentences, one idea each, one to a line.",
    )
    publish = forms.BooleanField(label="Publish the page, so anyone can read it", required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label="Search decisions", required=False, max_length=200)
