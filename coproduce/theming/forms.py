from collections.abc import Sequence
from typing import Any

from django import forms

from coproduce.surveys.models import Answer

from .discover import MAX_K, MIN_K
from .models import Theme


class ProposeForm(forms.Form):
    k = forms.IntegerField(
        label="How many themes",
        required=False,
        min_value=MIN_K,
        max_value=MAX_K,
        # GOV.UK asks for a text box with a numeric keypad, not type="number"
        widget=forms.TextInput,
        help_text=(
            f"Leave blank to let Coproduce choose, or enter a number from {MIN_K} to {MAX_K}. "
            "You can merge, split and add themes afterwards."
        ),
        error_messages={
            "invalid": f"Enter a whole number from {MIN_K} to {MAX_K}, or leave it blank.",
            "min_value": f"Enter a number from {MIN_K} to {MAX_K}, or leave it blank.",
            "max_value": f"Enter a number from {MIN_K} to {MAX_K}, or leave it blank.",
        },
    )


class ThemeForm(forms.ModelForm[Theme]):
    class Meta:
        model = Theme
        fields = ["label", "description"]
        help_texts = {
            "label": "A few words, like “Parking” or “Waiting for an appointment”.",
            "description": "Optional. What comments about this theme say, to help others tag "
            "them the same way.",
        }
        error_messages = {"label": {"required": "Enter a name for the theme."}}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class AnswerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.text)


class MergeForm(forms.Form):
    others = forms.ModelMultipleChoiceField(
        label="Themes to merge into this one",
        queryset=Theme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Their examples and words join this theme, and they are removed.",
        error_messages={"required": "Choose at least one other theme to merge into it."},
    )

    def __init__(self, *args: Any, theme: Theme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = self.fields["others"]
        assert isinstance(others, forms.ModelMultipleChoiceField)
        others.queryset = theme.theme_set.themes.exclude(pk=theme.pk).order_by("label", "pk")


class SplitForm(forms.Form):
    label = forms.CharField(
        label="Name of the new theme",
        max_length=120,
        error_messages={"required": "Enter a name for the new theme."},
    )
    description = forms.CharField(
        label="What the new theme covers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    answers = AnswerChoiceField(
        label="Comments that belong to the new theme",
        queryset=Answer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="They become examples of the new theme. The rest stay in this one.",
        error_messages={"required": "Choose at least one comment for the new theme."},
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        answers = self.fields["answers"]
        assert isinstance(answers, forms.ModelMultipleChoiceField)
        answers.queryset = candidates


class SearchForm(forms.Form):
    words = forms.CharField(
        label="Search the comments",
        required=False,
        max_length=200,
        help_text="Comments containing all these words.",
    )


# A search box is optional by nature: its label need not say so.
SearchForm.base_fields["words"].needed_later = True  # type: ignore[attr-defined]


class CommentsFilterForm(SearchForm):
    theme = forms.ModelChoiceField(
        label="Theme",
        required=False,
        queryset=Theme.objects.none(),
        empty_label="Any theme",
        error_messages={"invalid_choice": "Choose a theme from the list."},
    )

    def __init__(self, *args: Any, theme_set: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        theme = self.fields["theme"]
        assert isinstance(theme, forms.ModelChoiceField)
        theme.queryset = theme_set.themes.order_by("label", "pk")
        # A filter: blank means any theme, so its label need not say "optional".
        theme.needed_later = True  # type: ignore[attr-defined]


class CorrectionForm(forms.Form):
    """The officer's word on one comment. The themes are given, not read, so a page of these
    forms reads the question's themes once."""

    themes = forms.TypedMultipleChoiceField(
        label="Which themes is this comment about?",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every theme that fits, or none if no theme fits.",
        error_messages={"invalid_choice": "Choose themes from the list, then save again."},
    )

    def __init__(self, *args: Any, themes: Sequence[Theme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by_pk = {theme.pk: theme for theme in themes}
        field = self.fields["themes"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(theme.pk, theme.label) for theme in themes]

    def chosen(self) -> list[Theme]:
        return [self.by_pk[pk] for pk in self.cleaned_data["themes"]]
