import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from coproduce.projects.models import CommissioningProject

from .models import Question, QuestionKind, ResponseSource, Section, Survey
from .selectors import Filters
from .services import questions_in_order
from .survey_templates import TEMPLATES

K = QuestionKind


def _lines(value: list[str]) -> str:
    return "\n".join(value)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class SurveyForm(forms.ModelForm[Survey]):
    closes_on = forms.DateField(
        label="Closing date",
        required=False,
        widget=DateInput(),
        help_text="The survey closes at the end of this day. Leave blank to close it yourself.",
        error_messages={"invalid": "Enter the closing date as a real date, like 31 3 2027."},
    )

    class Meta:
        model = Survey
        fields = ["title", "project", "introduction", "easy_read_introduction", "anonymous"]
        fields += ["easy_read"]
        error_messages = {"title": {"required": "Enter a title for the survey."}}

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project = self.fields["project"]
        assert isinstance(project, forms.ModelChoiceField)
        project.queryset = CommissioningProject.objects.filter(organisation=organisation)
        project.required = False
        project.empty_label = "Not part of a project"
        if self.instance.closes_at:
            self.initial["closes_on"] = timezone.localtime(self.instance.closes_at).date()

    def clean_closes_on(self) -> datetime.date | None:
        value: datetime.date | None = self.cleaned_data.get("closes_on")
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError("The closing date must be today or in the future.")
        return value

    def save(self, commit: bool = True) -> Survey:
        survey = super().save(commit=False)
        closes_on = self.cleaned_data.get("closes_on")
        survey.closes_at = (
            datetime.datetime.combine(
                closes_on, datetime.time(23, 59, 59), timezone.get_current_timezone()
            )
            if closes_on
            else None
        )
        return survey


class TemplateForm(forms.Form):
    template = forms.ChoiceField(
        label="Start from",
        widget=forms.RadioSelect,
        choices=[("", "A blank survey")]
        + [(key, template.title) for key, template in TEMPLATES.items()],
        required=False,
    )


class SectionForm(forms.ModelForm[Section]):
    class Meta:
        model = Section
        fields = ["title", "easy_read_title"]
        error_messages = {"title": {"required": "Enter a title for the section."}}


class QuestionForm(forms.ModelForm[Question]):
    options_text = forms.CharField(
        label="Answers to choose from",
        required=False,
        widget=forms.Textarea,
        help_text="One per line. For a scale, its points in order, like Agree to Disagree.",
    )
    rows_text = forms.CharField(
        label="Rows of the grid",
        required=False,
        widget=forms.Textarea,
        help_text="One per line. Each row is answered on the scale above.",
    )

    class Meta:
        model = Question
        fields = ["kind", "section", "text", "hint", "easy_read_text", "required"]
        fields += ["min_value", "max_value"]
        widgets = {"kind": forms.RadioSelect}
        error_messages = {
            "text": {"required": "Enter the question."},
            "kind": {"required": "Choose the kind of question."},
        }

    def __init__(self, *args: Any, survey: Survey, locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        section = self.fields["section"]
        assert isinstance(section, forms.ModelChoiceField)
        section.queryset = survey.sections.all()
        section.required = False
        section.empty_label = None
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = K.choices  # no blank choice
        self.initial.setdefault("options_text", _lines(self.instance.options or []))
        self.initial.setdefault("rows_text", _lines(self.instance.rows or []))
        if locked:
            # Answers exist: only the wording can change (see services).
            for name in list(self.fields):
                if name not in {"text", "hint", "easy_read_text"}:
                    del self.fields[name]

    def save(self, commit: bool = True) -> Question:
        question = super().save(commit=False)
        if "options_text" in self.cleaned_data:
            question.options = self.cleaned_data["options_text"].splitlines()
            question.rows = self.cleaned_data["rows_text"].splitlines()
        return question


class RoutesForm(forms.Form):
    """For each option of a choose-one question: where to go next."""

    def __init__(self, *args: Any, question: Question, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        ordered = questions_in_order(question.survey)
        later = ordered[[q.pk for q in ordered].index(question.pk) + 1 :]
        sections: list[Section] = []
        for q in later:
            if (
                q.section is not None
                and q.section not in sections
                and q.section_id != question.section_id
            ):
                sections.append(q.section)
        choices = [("", "The next question")]
        choices += [(f"question:{q.pk}", f"Question: {q.text}") for q in later[1:]]
        choices += [(f"section:{s.pk}", f"Start of section: {s.title}") for s in sections]
        choices.append(("end", "The end of the survey"))
        current = {route.option: route for route in question.routes.all()}
        for index, option in enumerate(question.options):
            route = current.get(option)
            initial = ""
            if route is not None:
                if route.to_question_id:
                    initial = f"question:{route.to_question_id}"
                elif route.to_section_id:
                    initial = f"section:{route.to_section_id}"
                else:
                    initial = "end"
            self.fields[f"route_{index}"] = forms.ChoiceField(
                label=f"If they answer “{option}”, go to",
                choices=choices,
                required=False,
                initial=initial,
            )

    def targets(self) -> dict[str, str]:
        return {
            option: self.cleaned_data.get(f"route_{index}", "")
            for index, option in enumerate(self.question.options)
        }


# Answering ---------------------------------------------------------------------------------


def _choices(options: list[str]) -> list[tuple[str, str]]:
    return [(option, option) for option in options]


def answer_fields(question: Question, prefix: str, easy_read: bool = False) -> dict[str, Any]:
    """The form field(s) answering one question. Grids and rankings have one per row or item."""
    label = question.wording(easy_read)
    required = False  # required questions are checked at the end, so people can move on
    kind = question.kind
    if kind == K.TEXT:
        return {prefix: forms.CharField(label=label, required=required, max_length=300)}
    if kind == K.LONG_TEXT:
        return {prefix: forms.CharField(label=label, required=required, widget=forms.Textarea)}
    if kind in (K.SINGLE_CHOICE, K.SCALE):
        return {
            prefix: forms.ChoiceField(
                label=label,
                required=required,
                choices=_choices(question.options),
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Choose one of the answers listed."},
            )
        }
    if kind == K.MULTIPLE_CHOICE:
        return {
            prefix: forms.MultipleChoiceField(
                label=label,
                required=required,
                choices=_choices(question.options),
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": "Choose from the answers listed."},
            )
        }
    if kind == K.RANKING:
        places = [(str(n), str(n)) for n in range(1, len(question.options) + 1)]
        return {
            f"{prefix}_r{index}": forms.ChoiceField(
                label=item, required=False, choices=[("", "Choose a place"), *places]
            )
            for index, item in enumerate(question.options)
        }
    if kind == K.NUMBER:
        return {
            prefix: forms.DecimalField(
                label=label,
                required=required,
                max_digits=14,
                decimal_places=2,
                error_messages={
                    "invalid": "Enter a number, like 12.",
                    "max_decimal_places": "Enter a number with no more than 2 decimal places.",
                },
            )
        }
    if kind == K.DATE:
        return {
            prefix: forms.DateField(
                label=label,
                required=required,
                widget=DateInput(),
                error_messages={"invalid": "Enter a real date, like 27 3 2026."},
            )
        }
    if kind == K.MATRIX:
        return {
            f"{prefix}_r{index}": forms.ChoiceField(
                label=row,
                required=False,
                choices=_choices(question.options),
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Choose one of the answers listed."},
            )
            for index, row in enumerate(question.rows)
        }
    return {prefix: forms.FileField(label=label, required=False)}


def answer_value(question: Question, prefix: str, cleaned: dict[str, Any]) -> Any:
    """The parsed answer the service stores, from the form's cleaned data."""
    if question.kind == K.MATRIX:
        return {
            row: cleaned[f"{prefix}_r{index}"]
            for index, row in enumerate(question.rows)
            if cleaned.get(f"{prefix}_r{index}")
        }
    if question.kind == K.RANKING:
        places = {
            item: cleaned.get(f"{prefix}_r{index}", "")
            for index, item in enumerate(question.options)
        }
        if not any(places.values()):
            return []
        by_place = sorted(places.items(), key=lambda pair: int(pair[1] or 0))
        if len(set(places.values())) != len(places) or not all(places.values()):
            raise ValidationError({prefix: "Give each item a different place, from 1 to the last."})
        return [item for item, _ in by_place]
    return cleaned.get(prefix)


def answer_initial(question: Question, prefix: str, answer: Any) -> dict[str, Any]:
    if answer is None:
        return {}
    kind = question.kind
    if kind in (K.TEXT, K.LONG_TEXT):
        return {prefix: answer.text}
    if kind in (K.SINGLE_CHOICE, K.SCALE):
        return {prefix: answer.choice}
    if kind == K.MULTIPLE_CHOICE:
        return {prefix: answer.choices}
    if kind == K.RANKING:
        place = {item: str(n) for n, item in enumerate(answer.choices, start=1)}
        return {
            f"{prefix}_r{index}": place.get(item, "") for index, item in enumerate(question.options)
        }
    if kind == K.NUMBER:
        return {prefix: answer.number.normalize() if answer.number is not None else None}
    if kind == K.DATE:
        return {prefix: answer.date}
    if kind == K.MATRIX:
        return {
            f"{prefix}_r{index}": answer.matrix.get(row, "")
            for index, row in enumerate(question.rows)
        }
    return {}


class AnswerForm(forms.Form):
    """One question on its own page."""

    def __init__(
        self, *args: Any, question: Question, easy_read: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        self.fields.update(answer_fields(question, "answer", easy_read))

    def value(self) -> Any:
        return answer_value(self.question, "answer", self.cleaned_data)

    def add_answer_error(self, message: Any) -> None:
        # Grids and rankings have a field per row: their errors are about the whole question.
        self.add_error("answer" if "answer" in self.fields else None, message)


class EntryForm(forms.Form):
    """A whole response typed in by staff, from paper, a phone call or an event."""

    source = forms.ChoiceField(
        label="How were the answers given?",
        choices=[c for c in ResponseSource.choices if c[0] != ResponseSource.ONLINE],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the answers were given."},
    )
    area = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        help_text="If they gave it. Only the first half (the district) is kept.",
    )
    entry_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions_in_order(survey)
        self.question_fields: list[tuple[Question, list[str]]] = []
        for question in self.questions:
            fields = answer_fields(question, f"q{question.pk}")
            self.fields.update(fields)
            self.question_fields.append((question, list(fields)))

    def values(self) -> dict[int, Any]:
        return {q.pk: answer_value(q, f"q{q.pk}", self.cleaned_data) for q in self.questions}

    def question_groups(self) -> list[tuple[Question, list[forms.BoundField]]]:
        return [(q, [self[name] for name in names]) for q, names in self.question_fields]


class ResumeForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="We will send the link to this address. We do not keep it.",
        error_messages={
            "invalid": "Enter an email address in the right format, like name@example.com."
        },
    )


class FiltersForm(forms.Form):
    source = forms.ChoiceField(
        label="How the answers were given",
        required=False,
        choices=[("", "All"), *list(ResponseSource.choices)],
    )
    submitted_from = forms.DateField(
        label="Sent from",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Enter a real date, like 1 3 2026."},
    )
    submitted_to = forms.DateField(
        label="Sent up to",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Enter a real date, like 31 3 2026."},
    )
    answer = forms.ChoiceField(label="Who answered", required=False)

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by_pk = {
            q.pk: q
            for q in questions_in_order(survey)
            if q.kind in (K.SINGLE_CHOICE, K.SCALE, K.MULTIPLE_CHOICE)
        }
        choices = [("", "Anything")]
        for q in self.by_pk.values():
            choices += [(f"{q.pk}:{option}", f"{q.text}: {option}") for option in q.options]
        answer = self.fields["answer"]
        assert isinstance(answer, forms.ChoiceField)
        answer.choices = choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("submitted_from"), cleaned.get("submitted_to")
        if start and end and start > end:
            self.add_error(
                "submitted_to", "The end date must be the same as or after the start date."
            )
        return cleaned

    def filters(self) -> Filters:
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        question, answer = None, ""
        if data.get("answer"):
            pk, _, answer = data["answer"].partition(":")
            question = self.by_pk.get(int(pk))
        return Filters(
            source=data.get("source", ""),
            submitted_from=data.get("submitted_from"),
            submitted_to=data.get("submitted_to"),
            question=question,
            answer=answer,
        )


class CrosstabForm(forms.Form):
    question = forms.ChoiceField(label="Answers to")
    by = forms.ChoiceField(label="Broken down by")

    def __init__(
        self, *args: Any, survey: Survey, breakdowns: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = {
            str(q.pk): q for q in questions_in_order(survey) if q.kind in (K.SINGLE_CHOICE, K.SCALE)
        }
        question, by = self.fields["question"], self.fields["by"]
        assert isinstance(question, forms.ChoiceField) and isinstance(by, forms.ChoiceField)
        question.choices = [(pk, q.text) for pk, q in self.questions.items()]
        by.choices = breakdowns
        self.labels = dict(breakdowns)
