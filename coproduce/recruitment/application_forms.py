"""Forms for applications: one per question page of the public form (each gives the data
`application_services.save_answer` takes for its step), the equality monitoring offer, and the
staff forms: a change of status, a bulk move, and one page for an application taken by phone or
on paper.

Every form checks what a person can put right on the page; the services check the rules again.
"""

import re
from collections.abc import Iterable, Sequence
from typing import Any, cast

from django import forms
from django.http import QueryDict

from coproduce.equality.forms import EqualityAnswersForm
from coproduce.equality.models import PREFER_NOT_TO_SAY_LABEL, QUESTIONS
from coproduce.people.models import AccessNeed, Channel, Format, Person

from . import application_services as services
from .application_services import (
    ACCESS_NEEDS,
    AVAILABILITY,
    CONTACT,
    CONTACT_DETAILS,
    ELIGIBILITY,
    FORMAT,
    NAME,
    NO,
    WHY,
    YES,
    Step,
    answer_field,
)
from .models import Application, ApplicationSource, ApplicationStatus, Opportunity

# The value of the "none of these" option of a checkbox question.
NONE = "none-of-these"

CHANNEL_LABELS = {
    Channel.EMAIL: "Email",
    Channel.TEXT: "Text message",
    Channel.PHONE: "Phone call",
    Channel.POST: "Letter by post",
}
CHANNEL_CHOICES = [
    (channel.value, CHANNEL_LABELS[channel]) for channel in services.APPLICANT_CHANNELS
]
PHONE_RE = re.compile(r"^\+?[0-9 ()-]+$")
POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
YES_NO = [(YES, "Yes"), (NO, "No")]


def clean_phone(value: str) -> str:
    value = value.strip()
    if value and (not PHONE_RE.match(value) or len(re.sub(r"\D", "", value)) < 10):
        raise forms.ValidationError(
            "Enter a phone number, like 01632 960 001 or 07700 900 982.", code="invalid"
        )
    return value


def clean_postcode(value: str) -> str:
    value = " ".join(value.upper().split())
    if value and not POSTCODE_RE.match(value):
        raise forms.ValidationError("Enter a full UK postcode, like NR1 1AA.", code="invalid")
    return value


def _exclusive(data: list[str], none_error: str, field: str, form: forms.Form) -> list[str] | None:
    """ "None of these" cannot go with anything else; chosen alone it means an empty list."""
    if NONE in data and len(data) > 1:
        form.add_error(field, none_error)
        return None
    return [value for value in data if value != NONE]


class StepForm(forms.Form):
    """One question page. `heading` names the field whose label is the page's heading (for
    pages with one question); `exclusive` is the value shown after an "or" divider."""

    heading: str | None = None
    exclusive: str | None = None
    # Fields needed only after some answers: shown always (no JavaScript needed), checked on
    # the server, and not labelled "optional".
    conditional: frozenset[str] = frozenset()
    # The page's heading and introduction when it has several questions.
    title = ""
    intro = ""

    def step_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    def is_blank(self) -> bool:
        """Nothing typed or chosen: "save and come back later" then saves nothing."""
        return not any(
            value.strip() if isinstance(value, str) else value
            for name, values in cast(QueryDict, self.data).lists()
            if name in self.fields
            for value in values
        )


class NameForm(StepForm):
    heading = "name"
    name = forms.CharField(
        label="What is your full name?",
        max_length=200,
        error_messages={
            "required": "Enter your full name.",
            "max_length": "Your name must be 200 characters or fewer.",
        },
    )


class ContactForm(StepForm):
    heading = "preferred_channel"
    preferred_channel = forms.ChoiceField(
        label="How should we contact you?",
        help_text="We will use this to tell you about your application.",
        choices=CHANNEL_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how we should contact you."},
    )


class ContactDetailsForm(StepForm):
    """Asks only for the detail the chosen way of contact needs (a page of its own, so that it
    works without JavaScript)."""

    def __init__(self, *args: Any, channel: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.channel = channel
        if channel == Channel.EMAIL:
            self.heading = "email"
            self.fields["email"] = forms.EmailField(
                label="What is your email address?",
                help_text="We will only use it to contact you about taking part.",
                max_length=254,
                error_messages={
                    "required": "Enter your email address.",
                    "invalid": "Enter an email address in the right format, like name@example.com.",
                },
            )
        elif channel in (Channel.TEXT, Channel.PHONE):
            self.heading = "phone"
            self.fields["phone"] = forms.CharField(
                label="What is your mobile phone number?"
                if channel == Channel.TEXT
                else "What is your phone number?",
                help_text="For example, 07700 900 982 or 01632 960 001.",
                max_length=30,
                error_messages={"required": "Enter your phone number."},
            )
        else:
            self.title = "What is your address?"
            self.fields["address"] = forms.CharField(
                label="Address",
                help_text="Your house number or name, street and town.",
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=500,
                error_messages={"required": "Enter your address."},
            )
            self.fields["postcode"] = forms.CharField(
                label="Postcode",
                max_length=10,
                error_messages={"required": "Enter your postcode."},
            )

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean_postcode(self) -> str:
        return clean_postcode(self.cleaned_data["postcode"])


class FormatForm(StepForm):
    heading = "preferred_format"
    preferred_format = forms.ChoiceField(
        label="What format do you need information in?",
        help_text="We will send you papers and messages in this format.",
        choices=Format.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the format you need."},
    )
    conditional = frozenset({"language"})
    language = forms.CharField(
        label="If you need an interpreter, which language?",
        help_text="Only if you chose “Another language, with an interpreter”.",
        max_length=60,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("preferred_format") == Format.INTERPRETER and not data.get("language"):
            self.add_error("language", "Enter the language you need an interpreter for.")
        return data


def requirement_field(line: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=line,
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": f"Answer yes or no for: {line}"},
    )


class EligibilityForm(StepForm):
    """Every requirement on one page: together they answer "can you take part?"."""

    title = "Can you take part?"
    intro = "Tell us whether each of these is true for you."

    def __init__(self, *args: Any, requirements: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requirements = list(requirements)
        for number, line in enumerate(self.requirements):
            self.fields[f"requirement_{number}"] = requirement_field(line)

    def step_data(self) -> dict[str, Any]:
        return {
            "eligibility_answers": {
                line: self.cleaned_data[f"requirement_{number}"]
                for number, line in enumerate(self.requirements)
            }
        }


def availability_field(sessions: Sequence[str], label: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        help_text="Select all that apply.",
        choices=[*((session, session) for session in sessions), (NONE, "None of these dates")],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the dates you can come to, or select “None of these dates”."
        },
    )


class AvailabilityForm(StepForm):
    heading = "availability"
    exclusive = NONE

    def __init__(self, *args: Any, sessions: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["availability"] = availability_field(sessions, "Which dates can you come to?")

    def clean_availability(self) -> list[str]:
        chosen = _exclusive(
            self.cleaned_data["availability"],
            "Select the dates you can come to, or “None of these dates”, not both.",
            "availability",
            self,
        )
        return chosen or []


def needs_field(label: str, hint: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        help_text=hint,
        choices=[*AccessNeed.choices, (NONE, "I do not need any of these")],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the support that would help, or “I do not need any of these”."
        },
    )


class AccessNeedsForm(StepForm):
    heading = "access_needs"
    exclusive = NONE
    access_needs = needs_field(
        "What would help you take part?",
        "We will arrange it for you, at no cost to you. Select all that apply.",
    )
    access_notes = forms.CharField(
        label="Is there anything else that would help you take part?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=services.MAX_NOTES,
        required=False,
    )
    keep_needs = forms.BooleanField(
        label="Keep a note of what I need for future opportunities, so I do not have to tell "
        "you again",
        help_text="Only the staff who arrange involvement can see it. You can ask us to delete "
        "it at any time. If you leave this unticked, we use it only for this opportunity.",
        required=False,
    )

    def clean_access_needs(self) -> list[str]:
        chosen = _exclusive(
            self.cleaned_data["access_needs"],
            "Select the support that would help, or “I do not need any of these”, not both.",
            "access_needs",
            self,
        )
        return chosen or []


def selection_field(question: Any, hint: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=question.question,
        help_text=hint,
        choices=[
            *((value, value) for value in question.values),
            (services.SELECTION_PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an answer, or “Prefer not to say”."},
    )


class SelectionAnswerForm(StepForm):
    exclusive = services.SELECTION_PREFER_NOT_TO_SAY

    def __init__(self, *args: Any, question: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.feature = question.feature
        self.answer_name = self.heading = answer_field(question.feature)
        self.fields[self.answer_name] = selection_field(
            question,
            "We ask so that the group is a fair mix of people. Only the staff choosing who "
            "takes part see your answer.",
        )

    def step_data(self) -> dict[str, Any]:
        return {"selection_answers": {self.feature: self.cleaned_data[self.answer_name]}}


class WhyForm(StepForm):
    heading = "why_interested"
    why_interested = forms.CharField(
        label="Why are you interested in taking part?",
        help_text="For example, your experience of the service, or what you would like to "
        "change. You do not have to answer.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=services.MAX_WHY,
        required=False,
    )


def step_form(step: Step, application: Application, data: Any = None) -> StepForm:
    """The form for one question page, showing the answer saved so far."""
    opportunity = application.opportunity
    answered = step.slug in application.answered_steps
    form: StepForm
    if step.slug == NAME:
        form = NameForm(data, initial={"name": application.name})
    elif step.slug == CONTACT:
        form = ContactForm(data, initial={"preferred_channel": application.preferred_channel})
    elif step.slug == CONTACT_DETAILS:
        initial = {field: getattr(application, field) for field in ("email", "phone", "address")}
        initial["postcode"] = application.postcode
        form = ContactDetailsForm(data, initial=initial, channel=application.preferred_channel)
    elif step.slug == FORMAT:
        initial = {"preferred_format": application.preferred_format if answered else ""}
        form = FormatForm(data, initial={**initial, "language": application.language})
    elif step.slug == ELIGIBILITY:
        lines = opportunity.eligibility_lines()
        answers = application.eligibility_answers
        form = EligibilityForm(
            data,
            requirements=lines,
            initial={f"requirement_{n}": answers.get(line) for n, line in enumerate(lines)},
        )
    elif step.slug == AVAILABILITY:
        chosen = application.availability or ([NONE] if answered else [])
        form = AvailabilityForm(
            data, sessions=opportunity.session_lines(), initial={"availability": chosen}
        )
    elif step.slug == ACCESS_NEEDS:
        needs = application.access_needs or ([NONE] if answered else [])
        form = AccessNeedsForm(
            data,
            initial={
                "access_needs": needs,
                "access_notes": application.access_notes,
                "keep_needs": application.keep_needs,
            },
        )
    elif step.question is not None:
        feature = step.question.feature
        form = SelectionAnswerForm(
            data,
            question=step.question,
            initial={answer_field(feature): application.selection_answers.get(feature)},
        )
    elif step.slug == WHY:
        form = WhyForm(data, initial={"why_interested": application.why_interested})
    else:
        raise ValueError(f"no form for {step.slug!r}")
    return form


class SaveForLaterForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="We will send you a link to carry on. We will not use this address for "
        "anything else.",
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address in the right format, like name@example.com.",
        },
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Tell us why (optional)",
        help_text="This helps us make taking part easier for others.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )


# The equality questions asked of the person themselves (the equality app words them for
# staff recording someone else's answers).
SELF_WORDING: dict[str, tuple[str, str]] = {
    "age_band": ("What is your age?", ""),
    "sex": ("What is your sex?", "A question about gender identity follows."),
    "gender_identity": (
        "Is the gender you identify with the same as your sex registered at birth?",
        "",
    ),
    "sexual_orientation": ("Which of the following best describes your sexual orientation?", ""),
    "ethnic_group": (
        "What is your ethnic group?",
        "Choose the one option that best describes your ethnic group or background.",
    ),
    "religion": ("What is your religion?", ""),
    "disability": (
        "Are your day-to-day activities limited because of a health problem or disability "
        "which has lasted, or is expected to last, at least 12 months?",
        "Include problems related to old age.",
    ),
    "carer": (
        "Do you look after, or give any help or support to, anyone because they have "
        "long-term physical or mental health conditions or illnesses, or problems related to "
        "old age?",
        "Do not count anything you do as part of your paid work.",
    ),
}


class ApplicantEqualityForm(EqualityAnswersForm):
    """The equality app's questions, worded for the person, with their agreement to keep the
    answers asked first."""

    def __init__(self, *args: Any, organisation_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agree"] = forms.BooleanField(
            label=f"I agree that {organisation_name} keeps my answers to these questions for "
            "equality monitoring",
            required=False,
        )
        for question in QUESTIONS:
            label, hint = SELF_WORDING[question.field]
            self.fields[question.field].label = label
            self.fields[question.field].help_text = hint


# Staff


MOVE_LABELS = {
    ApplicationStatus.SHORTLISTED: "Shortlisted",
    ApplicationStatus.SELECTED: "Selected: offer them a place",
    ApplicationStatus.RESERVE: "Reserve: ask them if a place comes free",
    ApplicationStatus.NOT_SELECTED: "Not selected",
    ApplicationStatus.CONFIRMED: "Confirmed: they have said they will take part",
    ApplicationStatus.WITHDRAWN: "Withdrawn",
}
REASON_HINT = (
    "Needed when they are not selected, withdrawn, or moved from a place to the reserve list. "
    "If you tell them about the change, this is sent to them: write it for them."
)


class MoveFields(forms.Form):
    """What every move asks besides where to: a reason, whether to tell the person, and
    whether to go beyond the number of places."""

    reason = forms.CharField(
        label="Reason",
        help_text=REASON_HINT,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )
    notify = forms.BooleanField(
        label="Tell them about this change",
        help_text="By their chosen way of contact, in their format.",
        required=False,
        initial=True,
    )
    beyond_places = forms.BooleanField(
        label="Offer or confirm more places than there are",
        help_text="Only if you have agreed this: reserves are there for drop-outs.",
        required=False,
    )


class StatusForm(MoveFields):
    field_order = ["status", "reason", "notify", "beyond_places"]

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"] = forms.ChoiceField(
            label="Move the application to",
            choices=[
                (s, MOVE_LABELS[ApplicationStatus(s)]) for s in services.allowed_moves(application)
            ],
            widget=forms.RadioSelect,
            error_messages={"required": "Choose where to move the application."},
        )
        self.order_fields(self.field_order)


class BulkMoveForm(MoveFields):
    field_order = ["applications", "status", "reason", "notify", "beyond_places"]

    def __init__(self, *args: Any, applications: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applications"] = forms.ModelMultipleChoiceField(
            label="Applications",
            queryset=applications,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": "Select at least one application to move."},
        )
        self.fields["status"] = forms.ChoiceField(
            label="Move the selected applications to",
            choices=[("", "Choose"), *((s.value, label) for s, label in MOVE_LABELS.items())],
            error_messages={"required": "Choose where to move the selected applications."},
        )
        self.order_fields(self.field_order)

    def chosen_ids(self) -> set[str]:
        return (
            {str(value) for value in cast(QueryDict, self.data).getlist("applications")}
            if self.is_bound
            else set()
        )


# What each way of contact needs, in the facilitator's words.
CONTACT_DETAIL_NEEDED: dict[str, tuple[tuple[str, str], ...]] = {
    Channel.EMAIL: (
        ("email", "Enter their email address, or choose another way to contact them."),
    ),
    Channel.TEXT: (("phone", "Enter a mobile number for text messages, or choose another way."),),
    Channel.PHONE: (("phone", "Enter their phone number, or choose another way to contact them."),),
    Channel.POST: (
        ("address", "Enter their postal address, or choose another way to contact them."),
        ("postcode", "Enter their postcode."),
    ),
}
STAFF_SOURCES = [
    (source.value, source.label)
    for source in ApplicationSource
    if source != ApplicationSource.ONLINE
]


class PersonSearchForm(forms.Form):
    q = forms.CharField(label="Name, email or postcode", max_length=100, required=False)


class StaffEntryForm(forms.Form):
    """Every question on one page, for a facilitator taking an application by phone, from a
    paper form or in person. Worded for the facilitator ("their")."""

    source = forms.ChoiceField(
        label="How did they apply?",
        choices=STAFF_SOURCES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they applied."},
    )
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, widget=forms.HiddenInput
    )
    name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter their full name."}
    )
    preferred_channel = forms.ChoiceField(
        label="How should we contact them?",
        choices=CHANNEL_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how we should contact them."},
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        required=False,
        error_messages={
            "invalid": "Enter an email address in the right format, like name@example.com."
        },
    )
    phone = forms.CharField(label="Phone number", max_length=30, required=False)
    address = forms.CharField(
        label="Address", widget=forms.Textarea(attrs={"rows": 3}), max_length=500, required=False
    )
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    preferred_format = forms.ChoiceField(
        label="Format they need information in",
        choices=Format.choices,
        widget=forms.RadioSelect,
        initial=Format.STANDARD,
        error_messages={"required": "Choose the format they need."},
    )
    language = forms.CharField(
        label="Language they need an interpreter for",
        help_text="Only if they need an interpreter.",
        max_length=60,
        required=False,
    )
    access_notes = forms.CharField(
        label="Anything else that would help them take part",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=services.MAX_NOTES,
        required=False,
    )
    keep_needs = forms.BooleanField(
        label="They agree that we keep a note of their needs for future opportunities",
        required=False,
    )
    why_interested = forms.CharField(
        label="Why they are interested",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=services.MAX_WHY,
        required=False,
    )
    agreed_contact = forms.BooleanField(
        label="They agree that we contact them about this application and other chances to "
        "take part",
        help_text="Read this out, or check they ticked it on the paper form. We cannot take "
        "the application without it.",
        error_messages={"required": "Check that they agree to be contacted, then tick the box."},
    )

    def __init__(
        self,
        *args: Any,
        opportunity: Opportunity,
        questions: Iterable[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        person_field = cast(forms.ModelChoiceField, self.fields["person"])
        person_field.queryset = Person.objects.filter(
            organisation_id=opportunity.organisation_id,
            merged_into__isnull=True,
            pseudonymised_at__isnull=True,
        )
        self.requirements = opportunity.eligibility_lines()
        for number, line in enumerate(self.requirements):
            self.fields[f"requirement_{number}"] = requirement_field(line)
        sessions = opportunity.session_lines()
        self.asks_availability = bool(sessions)
        if sessions:
            self.fields["availability"] = availability_field(sessions, "Dates they can come to")
        self.fields["access_needs"] = needs_field(
            "Support they need to take part", "Select all that apply."
        )
        self.questions = list(questions)
        for question in self.questions:
            self.fields[answer_field(question.feature)] = selection_field(
                question, "Only staff choosing who takes part see this."
            )
        self.order_fields(
            [
                "source",
                "person",
                "name",
                "preferred_channel",
                "email",
                "phone",
                "address",
                "postcode",
                "preferred_format",
                "language",
                *(f"requirement_{n}" for n in range(len(self.requirements))),
                "availability",
                "access_needs",
                "access_notes",
                "keep_needs",
                *(answer_field(q.feature) for q in self.questions),
                "why_interested",
                "agreed_contact",
            ]
        )

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean_postcode(self) -> str:
        return clean_postcode(self.cleaned_data["postcode"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field, message in CONTACT_DETAIL_NEEDED.get(data.get("preferred_channel", ""), ()):
            if field not in self.errors and not data.get(field):
                self.add_error(field, message)
        if data.get("preferred_format") == Format.INTERPRETER and not data.get("language"):
            self.add_error("language", "Enter the language they need an interpreter for.")
        return data

    def clean_availability(self) -> list[str]:
        chosen = _exclusive(
            self.cleaned_data["availability"],
            "Select the dates they can come to, or “None of these dates”, not both.",
            "availability",
            self,
        )
        return chosen or []

    def clean_access_needs(self) -> list[str]:
        chosen = _exclusive(
            self.cleaned_data["access_needs"],
            "Select the support they need, or “I do not need any of these”, not both.",
            "access_needs",
            self,
        )
        return chosen or []

    def requirement_fields(self) -> list[forms.BoundField]:
        return [self[f"requirement_{n}"] for n in range(len(self.requirements))]

    def question_fields(self) -> list[forms.BoundField]:
        return [self[answer_field(q.feature)] for q in self.questions]

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["eligibility_answers"] = {
            line: data.pop(f"requirement_{n}") for n, line in enumerate(self.requirements)
        }
        data["selection_answers"] = {
            q.feature: data.pop(answer_field(q.feature)) for q in self.questions
        }
        return data
