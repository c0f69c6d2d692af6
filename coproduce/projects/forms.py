from typing import Any, cast

from django import forms

from coproduce.accounts.models import STAFF_ROLES, Role, User

from .models import (
    CATEGORIES_NEEDING_REASON,
    LEVEL_HELP,
    RUNG_HELP,
    BudgetCategory,
    BudgetLine,
    CommissioningLevel,
    CommissioningProject,
    EngagementMethod,
    ParticipationRung,
    ReadinessStatus,
    Stage,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Money is typed as text (GOV.UK advice: number inputs mangle values and confuse people).
MONEY = forms.TextInput(attrs={"inputmode": "decimal"})
MONEY_ERRORS = {
    "invalid": "Enter an amount in pounds and pence, like 150 or 150.50.",
    "required": "Enter an amount in pounds and pence, like 150 or 150.50.",
    "min_value": "Enter an amount of £0 or more.",
    "max_digits": "Enter an amount under £10,000,000,000.",
    "max_decimal_places": "Enter pounds and pence with no more than 2 numbers after the point.",
}


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class ProjectForm(forms.ModelForm):
    class Meta:
        model = CommissioningProject
        fields = [
            "title",
            "service_area",
            "summary",
            "level",
            "lead_officer",
            "decision_maker",
            "decision_route",
            "budget_envelope",
            "involvement_budget",
            "starts_on",
            "ends_on",
            "scope_open",
            "scope_fixed",
            "how_to_get_involved",
            "is_public",
        ]
        widgets = {
            "level": forms.RadioSelect,
            "starts_on": DATE,
            "ends_on": DATE,
            "budget_envelope": MONEY,
            "involvement_budget": MONEY,
        }
        field_classes = {"lead_officer": PersonChoiceField, "decision_maker": PersonChoiceField}
        error_messages = {"budget_envelope": MONEY_ERRORS, "involvement_budget": MONEY_ERRORS}
        labels = {
            "title": "Project title",
            "service_area": "Service area",
            "summary": "Summary",
            "level": "Level of commissioning",
            "decision_route": "How the final decision is made",
            "budget_envelope": "Budget envelope for the service",
            "involvement_budget": "Budget for involving people",
            "starts_on": "Start date",
            "ends_on": "End date",
            "how_to_get_involved": "How people can get involved",
        }
        help_texts = {
            "summary": "In plain English: what the project is and who it is for.",
            "scope_open": "Be honest: what can people who take part actually influence?",
            "scope_fixed": (
                "For example, the total budget or a legal duty. Say why, so people know the "
                "limits before they give their time."
            ),
            "involvement_budget": (
                "Payments, expenses, venues, interpreters, alternative formats, replacement care."
            ),
            "is_public": "People can then find the project and see how to take part.",
        }

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(
            memberships__organisation=organisation, memberships__role__in=STAFF_ROLES
        ).order_by("first_name", "last_name")
        cast(PersonChoiceField, self.fields["lead_officer"]).queryset = staff
        cast(PersonChoiceField, self.fields["decision_maker"]).queryset = staff.filter(
            memberships__role__in=[Role.DECISION_MAKER, Role.ADMINISTRATOR, Role.COMMISSIONER]
        )
        cast(forms.ChoiceField, self.fields["level"]).choices = [
            (value, f"{label} — {LEVEL_HELP[CommissioningLevel(value)]}")
            for value, label in CommissioningLevel.choices
        ]


class StageDatesForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = ["planned_start", "planned_end"]
        widgets = {"planned_start": DATE, "planned_end": DATE}
        labels = {"planned_start": "Planned start", "planned_end": "Planned end"}


class ReadinessItemForm(forms.Form):
    status = forms.ChoiceField(
        label="Is this ready?",
        choices=ReadinessStatus.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="How it was done",
        required=False,
        widget=forms.Textarea,
        help_text="For example, where the decision route is written down.",
    )
    waiver_reason = forms.CharField(
        label="If waived, why",
        required=False,
        widget=forms.Textarea,
        help_text="Needed if you waive this item. It is kept on record.",
    )


class PlanForm(forms.Form):
    rung = forms.ChoiceField(
        label="Level of involvement (the ladder of participation)",
        choices=[
            (value, f"{label} — {RUNG_HELP[ParticipationRung(value)]}")
            for value, label in ParticipationRung.choices
        ],
        widget=forms.RadioSelect,
    )
    rung_reason = forms.CharField(
        label="If 'no involvement' or 'inform' only, why",
        required=False,
        widget=forms.Textarea,
        help_text="This reason is published, so write it for the public.",
    )
    objectives = forms.CharField(
        label="What the involvement is for",
        required=False,
        widget=forms.Textarea,
        help_text="What you want to learn or decide with people at this stage.",
    )


class MethodForm(forms.ModelForm):
    class Meta:
        model = EngagementMethod
        fields = ["kind", "purpose", "who_for", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}
        labels = {"starts_on": "Start date", "ends_on": "End date"}
        help_texts = {
            "who_for": "For example, carers of people with dementia; young people aged 14 to 25.",
        }


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["category", "description", "amount", "reason"]
        labels = {"category": "What the money is for", "amount": "Amount"}
        widgets = {"amount": MONEY, "reason": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"amount": MONEY_ERRORS}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        category = data.get("category")
        if category in CATEGORIES_NEEDING_REASON and not (data.get("reason") or "").strip():
            label = BudgetCategory(category).label.lower()
            self.add_error(
                "reason",
                f"Say why {label} is needed: anything beyond out-of-pocket expenses needs a "
                "reason on the engagement plan.",
            )
        return data
