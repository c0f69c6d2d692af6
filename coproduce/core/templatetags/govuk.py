"""Renders Django form fields with GOV.UK Frontend markup, errors beside each field."""

from typing import Any

from django import forms, template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

register = template.Library()


def field_kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    # CheckboxSelectMultiple is a subclass of RadioSelect, so it must be asked about first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


@register.simple_tag
def govuk_field(field: forms.BoundField, **options: Any) -> SafeString:
    """`{% govuk_field form.title width="20" prefix="£" %}`"""
    widget = field.field.widget
    context = {
        "field": field,
        "kind": field_kind(field),
        "input_type": getattr(widget, "input_type", "text"),
        "width": options.get("width"),
        "prefix": options.get("prefix"),
        "label_class": options.get("label_class", "govuk-label--s"),
        "hint": options.get("hint", field.help_text),
        "rows": options.get("rows", 5),
        "inputmode": options.get("inputmode", ""),
        "autocomplete": options.get("autocomplete", ""),
    }
    return render_to_string("includes/field.html", context)


@register.filter
def first_input_id(field: forms.BoundField) -> str:
    """The id the error summary links to: the first option of a radio group."""
    if field_kind(field) in {"radios", "checkboxes"}:
        return f"{field.auto_id}_0"
    return field.auto_id
