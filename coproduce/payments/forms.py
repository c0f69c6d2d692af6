import datetime
from decimal import Decimal
from typing import Any, cast

from django import forms

from coproduce.events.models import EventKind
from coproduce.projects.forms import DATE

from . import services
from .models import ClaimStatus, ExpenseCategory, PaymentMethod, PaymentPolicy


def _money(label: str, required: bool = False, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        error_messages={
            "invalid": "Enter an amount in pounds and pence, for example 12.50.",
            "min_value": "Enter an amount of 0 or more.",
            "max_decimal_places": "Enter pounds and pence, with no more than 2 decimal places.",
        },
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        **kwargs,
    )


class ChoiceForm(forms.Form):
    method = forms.ChoiceField(
        label="How do you want to be paid for your time?",
        choices=PaymentMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you want to be paid for your time."},
    )
    donate_to = forms.CharField(
        label="If you give it to a group or charity, which one?", max_length=200, required=False
    )
    annual_cap = _money(
        "Most to pay you for your time in a year (from 6 April)",
        help_text="Only if you need one, for example because of your benefits. Expenses do "
        "not count.",
    )
    confirmed = forms.BooleanField(
        label="I have read the information above, or had it read to me, and I understand it",
        error_messages={
            "required": "Confirm that you have read the information about benefits and tax."
        },
    )


class ExpenseForm(forms.Form):
    """One row of expenses. A row left empty is ignored."""

    category = forms.ModelChoiceField(
        label="Kind of expense",
        queryset=ExpenseCategory.objects.none(),
        required=False,
        empty_label="Choose a kind of expense",
    )
    description = forms.CharField(label="What it was for", max_length=200, required=False)
    amount = _money("Amount paid", help_text="Not needed for mileage.")
    miles = forms.DecimalField(
        label="Miles, there and back (mileage only)",
        required=False,
        max_digits=7,
        decimal_places=1,
        min_value=Decimal("0"),
        error_messages={"invalid": "Enter the miles as a number, for example 12.5."},
    )
    why_needed = forms.CharField(label="Why it was needed (taxis)", max_length=300, required=False)
    receipt = forms.FileField(label="Receipt (photo or PDF, up to 10 MB)", required=False)

    def __init__(self, *args: Any, categories: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(
            data.get(name) for name in ("category", "description", "amount", "miles", "receipt")
        )

    def clean_receipt(self) -> Any:
        receipt = self.cleaned_data.get("receipt")
        if receipt:
            services.check_receipt(receipt)
        return receipt

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors or self.is_blank():
            return data
        category = data.get("category")
        if category is None:
            self.add_error("category", "Choose the kind of expense.")
            return data
        if not (data.get("description") or "").strip():
            self.add_error("description", "Say what it was for, for example “bus fare”.")
        if category.rate_per_mile is not None:
            if not data.get("miles"):
                self.add_error("miles", "Enter the miles you drove, there and back.")
        elif not data.get("amount"):
            self.add_error("amount", "Enter the amount you paid, for example 4.50.")
        if category.reason_needed and not (data.get("why_needed") or "").strip():
            self.add_error("why_needed", f"Say why you needed a {category.name.lower()}.")
        return data

    def item(self) -> services.ItemInput:
        data = self.cleaned_data
        return services.ItemInput(
            category=data["category"],
            description=data["description"],
            amount=data.get("amount") or Decimal("0"),
            miles=data.get("miles"),
            why_needed=data.get("why_needed") or "",
            receipt=data.get("receipt"),
        )


class BaseExpenseFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, categories: Any = None, **kwargs: Any) -> None:
        self.categories = categories
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "categories": self.categories}

    def items(self) -> list[services.ItemInput]:
        return [form.item() for form in self.forms if not form.is_blank()]


ExpenseFormSet = cast(
    type[BaseExpenseFormSet],
    forms.formset_factory(
        ExpenseForm, formset=BaseExpenseFormSet, extra=3, max_num=10, absolute_max=10
    ),
)


class ClaimForm(forms.Form):
    attendance = forms.TypedChoiceField(
        label="Which event is this claim for?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the event you are claiming for.",
            "invalid_choice": "Choose one of the events listed: that one has a claim already.",
        },
    )

    def __init__(self, *args: Any, options: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendance"].choices = options  # type: ignore[attr-defined]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Why is the claim not approved?",
        help_text="The person is told this. Say what they can do, for example send a receipt.",
        widget=forms.Textarea,
        error_messages={"required": "Say why the claim is not approved: the person will be told."},
    )


class PaidForm(forms.Form):
    reference = forms.CharField(
        label="Payment reference",
        max_length=100,
        help_text="From the finance system, so the payment can be traced.",
        error_messages={"required": "Enter the payment reference from the finance system."},
    )
    paid_on = forms.DateField(
        label="Date paid",
        widget=DATE,
        error_messages={
            "required": "Enter the date it was paid.",
            "invalid": "Enter the date it was paid as a real date, for example 2026-11-30.",
        },
    )


class PolicyForm(forms.ModelForm):
    per_hour = _money("Rate per hour", help_text="Leave empty if you do not pay by the hour.")
    half_day = _money("Rate per half day")
    day = _money("Rate per day")

    class Meta:
        model = PaymentPolicy
        fields = ["paid_within_days", "half_day_from_hours", "day_from_hours", "advice"]

    def rates(self) -> dict[str, Decimal | None]:
        return {
            "hour": self.cleaned_data.get("per_hour"),
            "half_day": self.cleaned_data.get("half_day"),
            "day": self.cleaned_data.get("day"),
        }


class ActivityRateForm(forms.Form):
    event_kind = forms.ChoiceField(
        label="Kind of activity",
        choices=EventKind.choices,
        error_messages={"required": "Choose the kind of activity."},
    )
    amount = _money(
        "Amount for each time someone takes part",
        help_text="Leave empty to stop using a set rate for this kind of activity.",
    )


class CategoryForm(forms.ModelForm):
    class Meta:
        model = ExpenseCategory
        fields = [
            "kind",
            "name",
            "rule",
            "limit_per_claim",
            "rate_per_mile",
            "receipt_needed_above",
            "reason_needed",
            "active",
        ]


FORMATS = (("csv", "CSV (comma-separated values)"), ("xlsx", "Excel workbook (XLSX)"))
EXPORT_STATUSES = (
    (ClaimStatus.APPROVED.value, "Approved, waiting to be paid (by the day approved)"),
    (ClaimStatus.PAID.value, "Paid (by the day paid)"),
)


class ExportForm(forms.Form):
    start = forms.DateField(
        label="First day",
        widget=DATE,
        error_messages={
            "required": "Enter the first day of the export.",
            "invalid": "Enter the first day as a real date, for example 2026-04-06.",
        },
    )
    end = forms.DateField(
        label="Last day",
        widget=DATE,
        error_messages={
            "required": "Enter the last day of the export.",
            "invalid": "Enter the last day as a real date, for example 2027-04-05.",
        },
    )
    status = forms.ChoiceField(
        label="Which claims?", choices=EXPORT_STATUSES, widget=forms.RadioSelect
    )
    format = forms.ChoiceField(label="Format", choices=FORMATS, widget=forms.RadioSelect)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The last day must be the same as or after the first day.")
            elif end - start > datetime.timedelta(days=3 * 366):
                self.add_error(
                    "end", "Export at most three years at a time. Choose a later first day."
                )
        return data
