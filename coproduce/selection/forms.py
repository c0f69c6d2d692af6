from typing import Any

from django import forms

from coproduce.recruitment.models import SelectionQuestion

from .models import Algorithm


class QuestionForm(forms.ModelForm):
    values_text = forms.CharField(
        label="Answers people can choose",
        help_text="One per line. “Not known” is added for people who prefer not to say.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    class Meta:
        model = SelectionQuestion
        fields = ["question", "feature", "position"]
        labels = {"position": "Order on the form"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["values_text"] = "\n".join(self.instance.values)

    def values(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["values_text"].splitlines()]


class QuotasForm(forms.Form):
    """A fewest and a most for every answer to every selection question."""

    def __init__(
        self, *args: Any, table: list[tuple[SelectionQuestion, list[dict[str, Any]]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.table = table
        self.rows: list[tuple[SelectionQuestion, dict[str, Any], str, str]] = []
        for question, rows in table:
            for index, row in enumerate(rows):
                stem = f"q{question.pk}-{index}"
                label = f"{question.question}: {row['value']}"
                self.fields[f"{stem}-min"] = forms.IntegerField(
                    label=f"Fewest – {label}", min_value=0, max_value=999, initial=row["minimum"]
                )
                self.fields[f"{stem}-max"] = forms.IntegerField(
                    label=f"Most – {label}", min_value=0, max_value=999, initial=row["maximum"]
                )
                self.rows.append((question, row, f"{stem}-min", f"{stem}-max"))
        self.fields["one_per_household"] = forms.BooleanField(
            label="At most one person from each household", required=False
        )

    def quota_rows(self) -> list[tuple[SelectionQuestion, str, int, int]]:
        return [
            (question, row["value"], self.cleaned_data[low], self.cleaned_data[high])
            for question, row, low, high in self.rows
        ]

    def grouped(self) -> list[tuple[SelectionQuestion, list[tuple[dict[str, Any], Any, Any]]]]:
        """Bound fields by question, for the template's tables."""
        grouped: dict[int, list[tuple[dict[str, Any], Any, Any]]] = {}
        for question, row, low, high in self.rows:
            grouped.setdefault(question.pk, []).append((row, self[low], self[high]))
        return [(question, grouped.get(question.pk, [])) for question, _ in self.table]


class RunForm(forms.Form):
    algorithm = forms.ChoiceField(
        label="Selection method",
        choices=Algorithm.choices,
        initial=Algorithm.LEXIMIN,
        widget=forms.RadioSelect,
    )
    seed = forms.CharField(
        label="Seed for the draw (optional)",
        required=False,
        max_length=100,
        help_text=(
            "Choose it in public, for example numbers called out at a meeting, so anyone can "
            "repeat the draw. Leave it empty and one is chosen for you and recorded."
        ),
    )
    one_per_household = forms.BooleanField(
        label="At most one person from each household", required=False
    )


class ApplyRunForm(forms.Form):
    notify = forms.BooleanField(
        label="Tell each person the outcome, by their preferred way", required=False, initial=True
    )
