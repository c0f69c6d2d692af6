from decimal import Decimal
from typing import Any

from django import forms

from coproduce.accounts.models import Role, User
from coproduce.people.models import Person
from coproduce.projects.models import CommissioningProject, Stage

from . import practice_questions
from .models import (
    FindingKind,
    Indicator,
    Lesson,
    Outcome,
    QualityCharacteristic,
    Rating,
    Service,
    VisitFinding,
    VisitKind,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def date_field(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DateInput(),
        error_messages={
            "required": f"Enter the {label.lower()}.",
            "invalid": f"Enter the {label.lower()} as a real date, like 31 3 2026.",
        },
        **kwargs,
    )


def figure_field(label: str, required: bool = True, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        # A text box, as GOV.UK advises for numbers (type=number changes what people type).
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter the {label.lower()}.",
            "invalid": f"Enter the {label.lower()} as a number, like 75 or 12.5.",
            "max_decimal_places": "Use no more than 2 decimal places.",
        },
        **kwargs,
    )


class ServiceForm(forms.ModelForm[Service]):
    provider_users = forms.ModelMultipleChoiceField(
        label="Who reports for the provider",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Provider users of your organisation. They see only this service's indicators "
        "and reports.",
    )

    class Meta:
        model = Service
        fields = ["name", "provider_name", "description"]
        error_messages = {
            "name": {"required": "Enter the service's name."},
            "provider_name": {"required": "Enter who runs the service."},
        }

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = self.fields["provider_users"]
        assert isinstance(users, forms.ModelMultipleChoiceField)
        users.queryset = User.objects.filter(
            memberships__organisation_id=organisation_id, memberships__role=Role.PROVIDER
        ).order_by("first_name", "last_name", "pk")
        users.label_from_instance = lambda user: f"{user.display_name}"  # type: ignore[method-assign,assignment]
        if self.instance.pk:
            self.initial["provider_users"] = list(
                self.instance.provider_links.values_list("user_id", flat=True)
            )


class CharacteristicForm(forms.ModelForm[QualityCharacteristic]):
    class Meta:
        model = QualityCharacteristic
        fields = ["title", "description", "defined_by"]
        error_messages = {
            "title": {"required": "Enter what a good service does, in people's words."},
            "defined_by": {"required": "Enter who defined it, so their words are credited."},
        }


class OutcomeForm(forms.ModelForm[Outcome]):
    class Meta:
        model = Outcome
        fields = ["statement", "whose_words"]
        error_messages = {
            "statement": {"required": "Enter the outcome, in the words people used."},
            "whose_words": {"required": "Enter whose words these are."},
        }


class IndicatorForm(forms.ModelForm[Indicator]):
    baseline = figure_field("Baseline", required=False, help_text="Where things stand now.")
    target = figure_field("Target")

    class Meta:
        model = Indicator
        fields = [
            "name",
            "unit",
            "direction",
            "baseline",
            "target",
            "amber_percent",
            "frequency",
            "data_source",
            "service",
        ]
        widgets = {"direction": forms.RadioSelect, "frequency": forms.RadioSelect}
        error_messages = {
            "name": {"required": "Enter what the indicator measures."},
            "frequency": {"required": "Choose how often the figure is collected."},
            "data_source": {"required": "Enter where the figure comes from."},
            "amber_percent": {
                "required": "Enter the amber margin, from 0 to 100.",
                "invalid": "Enter the amber margin as a whole number from 0 to 100.",
                "max_value": "Enter an amber margin of 100 or less.",
            },
        }

    def __init__(self, *args: Any, project: CommissioningProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service = self.fields["service"]
        assert isinstance(service, forms.ModelChoiceField)
        service.queryset = Service.objects.filter(project=project)
        service.empty_label = "No service: the council collects it"
        self.fields["frequency"].choices = list(self.fields["frequency"].choices)[1:]  # type: ignore[attr-defined]


class ValueForm(forms.Form):
    period_start = date_field("Start of the period")
    period_end = date_field("End of the period")
    value = figure_field("Figure")
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea)


class ReportStartForm(forms.Form):
    period_start = date_field("Start of the period")
    period_end = date_field("End of the period")


class ReportForm(forms.Form):
    """The provider's figure for each of the service's indicators, and their commentary."""

    commentary = forms.CharField(
        label="What the figures say",
        required=False,
        widget=forms.Textarea,
        help_text="What went well, what did not, and what you are doing about it.",
    )

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            unit = f" ({indicator.unit})" if indicator.unit else ""
            self.fields[f"figure_{indicator.pk}"] = figure_field(
                f"{indicator.name}{unit}",
                required=False,
                help_text=f"Target {indicator.target.normalize():f}{unit}. "
                f"Source: {indicator.data_source}",
            )
            self.fields[f"note_{indicator.pk}"] = forms.CharField(
                label=f"Note on {indicator.name}", required=False, widget=forms.Textarea
            )

    def figures(self) -> dict[int, tuple[Decimal | None, str]]:
        return {
            i.pk: (self.cleaned_data[f"figure_{i.pk}"], self.cleaned_data[f"note_{i.pk}"])
            for i in self.indicators
        }

    def rows(self) -> list[tuple[Indicator, forms.BoundField, forms.BoundField]]:
        return [(i, self[f"figure_{i.pk}"], self[f"note_{i.pk}"]) for i in self.indicators]


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="What do you want to do with this report?",
        choices=[
            ("accept", "Accept it: its figures become the indicators' figures"),
            ("return", "Return it to the provider to change"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose to accept the report or return it."},
    )
    comments = forms.CharField(
        label="Comments for the provider",
        required=False,
        widget=forms.Textarea,
        help_text="Needed when you return it: say what to change.",
    )


class VisitForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of review",
        choices=VisitKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose mystery shopping or a young inspectors' visit."},
    )
    visited_on = date_field("Date of the visit or call")
    reviewers = forms.CharField(
        label="Who carried it out",
        max_length=300,
        help_text="For example: two carers from the reference group. Names are not needed.",
        error_messages={"required": "Enter who carried out the review."},
    )
    people = forms.ModelMultipleChoiceField(
        label="People from the register who took part",
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They will be told what was decided about their findings.",
    )
    summary = forms.CharField(label="Summary", required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["people"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = people
        field.label_from_instance = lambda person: f"{person.display_name}"  # type: ignore[method-assign,assignment]


class RatingsForm(forms.Form):
    """The visit against each quality characteristic of the service."""

    def __init__(
        self, *args: Any, characteristics: list[QualityCharacteristic], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.characteristics = characteristics
        for characteristic in characteristics:
            self.fields[f"rating_{characteristic.pk}"] = forms.ChoiceField(
                label=f"Did the service do this: {characteristic.title}?",
                choices=Rating.choices,
                required=False,
                widget=forms.RadioSelect,
                help_text=characteristic.description,
            )
            self.fields[f"comment_{characteristic.pk}"] = forms.CharField(
                label=f"What they saw: {characteristic.title}",
                required=False,
                widget=forms.Textarea,
            )

    def ratings(self) -> dict[int, tuple[str, str]]:
        return {
            c.pk: (self.cleaned_data[f"rating_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"])
            for c in self.characteristics
        }

    def rows(self) -> list[tuple[QualityCharacteristic, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"rating_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.characteristics]


class FindingForm(forms.ModelForm[VisitFinding]):
    class Meta:
        model = VisitFinding
        fields = ["kind", "text", "characteristic"]
        widgets = {"kind": forms.RadioSelect}
        error_messages = {
            "kind": {"required": "Choose finding or recommendation."},
            "text": {"required": "Enter what they found or recommend, in their words."},
        }

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        kind.choices = FindingKind.choices  # type: ignore[attr-defined]
        characteristic = self.fields["characteristic"]
        assert isinstance(characteristic, forms.ModelChoiceField)
        characteristic.queryset = service.quality_characteristics.all()
        characteristic.empty_label = "None in particular"


class LessonForm(forms.ModelForm[Lesson]):
    class Meta:
        model = Lesson
        fields = ["stage", "title", "what_worked", "what_did_not", "what_to_change"]
        error_messages = {
            "stage": {"required": "Choose the stage the lesson is from."},
            "title": {"required": "Enter the lesson in a sentence."},
        }

    def __init__(self, *args: Any, project: CommissioningProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stage = self.fields["stage"]
        assert isinstance(stage, forms.ModelChoiceField)
        stage.queryset = Stage.objects.filter(project=project).order_by("position")
        stage.label_from_instance = lambda s: f"{s.get_kind_display()}"  # type: ignore[method-assign,assignment]
        stage.empty_label = None


class LessonSearchForm(forms.Form):
    q = forms.CharField(label="Search lessons", required=False, max_length=200)
    stage = forms.ChoiceField(label="Stage", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from coproduce.projects.models import StageKind

        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", "Any stage"), *StageKind.choices]  # type: ignore[attr-defined]


class SelfAssessmentForm(forms.Form):
    title = forms.CharField(
        label="Name of this round",
        max_length=150,
        help_text="For example: Spring 2026.",
        error_messages={"required": "Enter a name for this round, for example Spring 2026."},
    )


class ScoresForm(forms.Form):
    """A score from 1 to 5 for each statement of practice_questions."""

    comment = forms.CharField(
        label="Anything else you want to tell us", required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, easy_read: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(value), f"{value}: {label}") for value, label in practice_questions.SCALE]
        for question in practice_questions.QUESTIONS:
            self.fields[question.key] = forms.TypedChoiceField(
                label=question.easy_read if easy_read else question.text,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose a score for this statement."},
            )

    def areas(self) -> list[tuple[practice_questions.Area, list[forms.BoundField]]]:
        return [
            (area, [self[q.key] for q in practice_questions.questions_in(area.key)])
            for area in practice_questions.AREAS
        ]

    def scores(self) -> dict[str, int]:
        return {q.key: self.cleaned_data[q.key] for q in practice_questions.QUESTIONS}
