from django import forms

from coproduce.core.templatetags.govuk import govuk_field


class Choices(forms.Form):
    one = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    many = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple, required=False
    )


def test_multiple_choices_are_checkboxes_and_single_choices_radios():
    form = Choices(data={"one": "a", "many": ["a", "b"]})
    many = govuk_field(form["many"])
    assert 'type="checkbox"' in many and 'type="radio"' not in many
    assert many.count("checked") == 2
    one = govuk_field(form["one"])
    assert 'type="radio"' in one and 'type="checkbox"' not in one
