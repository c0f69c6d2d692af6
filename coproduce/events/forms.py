import datetime
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone

from coproduce.accounts.models import STAFF_ROLES, User
from coproduce.projects.forms import DATE
from coproduce.projects.models import BudgetLine

from .models import (
    Attended,
    Event,
    EventSettings,
    Response,
    SupportArrangement,
    Venue,
)

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class EventForm(forms.ModelForm):
    """The date and two times, as people think of a meeting; the service gets datetimes."""

    date = forms.DateField(
        label="Date",
        widget=DATE,
        error_messages={
            "required": "Enter the date of the event.",
            "invalid": "Enter a real date.",
        },
    )
    start_time = forms.TimeField(
        label="Start time",
        widget=TIME,
        help_text="For example 10:30. Your organisation flags early starts and late finishes.",
        error_messages={"required": "Enter the start time.", "invalid": "Enter a time like 10:30."},
    )
    end_time = forms.TimeField(
        label="Finish time",
        widget=TIME,
        error_messages={
            "required": "Enter the finish time.",
            "invalid": "Enter a time like 15:00.",
        },
    )

    online_link = forms.URLField(
        label="Link to join online",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter the full link, starting https://"},
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "mode",
            "purpose",
            "venue",
            "online_link",
            "joining_instructions",
            "places",
        ]
        widgets = {"mode": forms.RadioSelect, "kind": forms.Select}
        labels = {"kind": "Kind of event"}
        error_messages = {
            "title": {"required": "Enter a title, for example “Bid evaluation day”."},
            "kind": {"required": "Choose the kind of event."},
            "mode": {"required": "Choose how people take part: in person, online or both."},
        }

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        venue = cast(forms.ModelChoiceField, self.fields["venue"])
        # Archived venues are hidden from new events, but an event keeps the one it has.
        venue.queryset = Venue.objects.filter(organisation=organisation).filter(
            Q(archived=False) | Q(pk=self.instance.venue_id)
        )
        venue.empty_label = "No venue (online, or not chosen yet)"
        if self.instance.starts_at:
            starts = timezone.localtime(self.instance.starts_at)
            self.initial.setdefault("date", starts.date())
            self.initial.setdefault("start_time", starts.time())
            self.initial.setdefault("end_time", timezone.localtime(self.instance.ends_at).time())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error("end_time", "The finish time must be after the start time.")
            zone = timezone.get_current_timezone()
            data["starts_at"] = datetime.datetime.combine(day, start, tzinfo=zone)
            data["ends_at"] = datetime.datetime.combine(day, end, tzinfo=zone)
        return data

    def save(self, commit: bool = True) -> Event:
        event = super().save(commit=False)
        event.starts_at = self.cleaned_data["starts_at"]
        event.ends_at = self.cleaned_data["ends_at"]
        return event


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is it cancelled?",
        help_text="Everyone who said they were coming will be told, with this reason.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the event is cancelled: people will be told."},
    )


class VenueForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = [
            "name",
            "address",
            "postcode",
            "step_free",
            "accessible_toilet",
            "hearing_loop",
            "parking",
            "blue_badge_bays",
            "quiet_room",
            "neutral_ground",
            "public_transport",
            "notes",
            "archived",
        ]
        labels = {"archived": "No longer used (hide it from new events)"}
        help_texts = {
            "public_transport": "Bus routes and stops, the nearest station, how far to walk.",
            "notes": "Anything else: lifts, doors, lighting, seating, where to find help.",
        }
        error_messages = {
            "name": {"required": "Enter the venue's name."},
            "address": {"required": "Enter the venue's address."},
        }


class EventSettingsForm(forms.ModelForm):
    class Meta:
        model = EventSettings
        fields = ["earliest_start", "latest_finish", "papers_days_before", "reminder_days_before"]
        widgets = {"earliest_start": TIME, "latest_finish": TIME}


class SendInvitationsForm(forms.Form):
    people = forms.TypedMultipleChoiceField(coerce=int, widget=forms.MultipleHiddenInput)
    confirm_fatigued = forms.TypedMultipleChoiceField(
        label="Invite anyway", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, *args: Any, people: list[tuple[int, str]], fatigued: list[tuple[int, str]], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["people"]).choices = people
        cast(forms.ChoiceField, self.fields["confirm_fatigued"]).choices = fatigued


class ResponseForm(forms.Form):
    response = forms.ChoiceField(
        choices=[(Response.CONFIRMED, "Coming"), (Response.DECLINED, "Not coming")],
        error_messages={"required": "Choose coming or not coming."},
    )


class SupportItemForm(forms.ModelForm):
    class Meta:
        model = SupportArrangement
        fields = ["owner", "status", "acknowledged_reason", "notes", "cost", "budget_line"]
        widgets = {"status": forms.RadioSelect, "cost": forms.TextInput}
        labels = {"cost": "Cost", "budget_line": "Budget line it is paid from"}
        help_texts = {
            "status": "Met means it is in place. Booked means it is arranged but not yet there.",
            "cost": "In pounds and pence, for example 120.00. Leave it empty if there is none.",
            "notes": "Details the team needs: who is booked, times, contact numbers.",
        }
        error_messages = {
            "cost": {
                "invalid": "Enter the cost in pounds and pence, for example 120.00.",
                "min_value": "The cost cannot be less than £0.",
            }
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        item = self.instance
        owner = cast(forms.ModelChoiceField, self.fields["owner"])
        owner.queryset = (
            User.objects.filter(
                memberships__organisation_id=item.organisation_id,
                memberships__role__in=STAFF_ROLES,
                is_active=True,
            )
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        owner.label_from_instance = lambda user: user.display_name  # type: ignore[method-assign,assignment]
        owner.empty_label = "Nobody yet"
        line = cast(forms.ModelChoiceField, self.fields["budget_line"])
        line.queryset = BudgetLine.objects.filter(method_id=item.event.method_id)
        line.empty_label = "None"
        line.label_from_instance = _budget_line_label  # type: ignore[method-assign,assignment]


def _budget_line_label(line: BudgetLine) -> str:
    what = (
        f"{line.get_category_display()} ({line.description})"
        if line.description
        else (line.get_category_display())
    )
    return f"{what}: £{line.amount:,.2f}"


class PaperForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example “Agenda” or “Bids to read”.",
        error_messages={"required": "Give the paper a title, for example “Agenda”."},
    )
    file = forms.FileField(
        label="Upload the paper",
        help_text="PDF, Word (DOCX), OpenDocument (ODT), RTF, PowerPoint, Excel or text, "
        "up to 20 MB.",
        error_messages={"required": "Choose the file to upload.", "empty": "The file is empty."},
    )


class FormatDoneForm(forms.Form):
    file = forms.FileField(
        label="Upload the version made (optional)",
        required=False,
        help_text="A document, audio (MP3, M4A), video (MP4) or braille (BRF) file, up to 20 MB. "
        "If it was sent another way, leave this empty.",
        error_messages={"empty": "The file is empty."},
    )


class RegisterForm(forms.Form):
    """One mark and optional hours for each person asked (not those who said no)."""

    def __init__(self, *args: Any, attendances: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = []
        for attendance in attendances:
            name = attendance.person.display_name
            mark = forms.ChoiceField(
                label=f"Did {name} come?",
                choices=Attended.choices,
                required=False,
                widget=forms.RadioSelect,
                initial=attendance.attended,
            )
            hours = forms.DecimalField(
                label=f"Hours {name} was there (optional)",
                help_text="Only if they came late or left early.",
                required=False,
                min_value=Decimal("0.25"),
                max_digits=5,
                decimal_places=2,
                initial=attendance.hours_attended,
                error_messages={
                    "invalid": "Enter the hours as a number, for example 2.5.",
                    "min_value": "Enter at least 0.25 hours.",
                },
            )
            self.fields[f"attended_{attendance.pk}"] = mark
            self.fields[f"hours_{attendance.pk}"] = hours
            self.rows.append(
                (attendance, self[f"attended_{attendance.pk}"], self[f"hours_{attendance.pk}"])
            )

    def marks(self) -> dict[int, tuple[str, Decimal | None]]:
        return {
            attendance.pk: (
                self.cleaned_data.get(f"attended_{attendance.pk}") or "",
                self.cleaned_data.get(f"hours_{attendance.pk}"),
            )
            for attendance, _, _ in self.rows
        }
