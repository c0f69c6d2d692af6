from typing import Any

from django import forms
from django.utils import timezone

from coproduce.accounts.models import Role, User
from coproduce.core import uploads
from coproduce.people.models import Person
from coproduce.projects.forms import DATE

from .models import (
    ConflictOutcome,
    Criterion,
    DocumentKind,
    Evaluator,
    EvaluatorKind,
    Lot,
    Question,
    Tender,
)
from .services import MAX_DOCUMENT_MEGABYTES


def _choice_field(form: forms.BaseForm, name: str) -> Any:
    """A field whose queryset, choices or labels are set per form (typed loosely: Django's
    stubs type `fields` as plain `Field`)."""
    return form.fields[name]


# Typed as day/month/year and 24-hour time: one box that works the same in every browser.
DATETIME_FORMAT = "%d/%m/%Y %H:%M"


class TenderForm(forms.ModelForm):
    class Meta:
        model = Tender
        fields = [
            "title",
            "reference",
            "description",
            "panel_method",
            "quality_weight",
            "price_weight",
            "price_formula",
            "price_formula_notes",
            "scale_max",
            "spread_threshold",
            "bids_close_at",
            "scoring_starts_on",
            "scoring_ends_on",
            "lay_guide",
            "process_flow_chart",
        ]
        widgets = {
            "price_formula": forms.RadioSelect,
            "scoring_starts_on": DATE,
            "scoring_ends_on": DATE,
        }
        help_texts = {
            "quality_weight": "For example 70. Quality and price must add up to 100.",
            "price_weight": "For example 30.",
            "scoring_starts_on": "Lay evaluators score at their own pace between these dates.",
        }
        error_messages = {
            "title": {"required": "Enter the tender's title."},
            "reference": {"required": "Enter your procurement reference."},
            "quality_weight": {"required": "Enter the quality weight, for example 70."},
            "price_weight": {"required": "Enter the price weight, for example 30."},
        }

    def __init__(self, *args: Any, methods: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "panel_method").queryset = methods
        self.fields[
            "panel_method"
        ].help_text = "The Do stage method its group discussion sessions belong to."
        closes = _choice_field(self, "bids_close_at")
        closes.input_formats = [DATETIME_FORMAT, "%d/%m/%Y"]
        closes.help_text = "Day/month/year and time, for example 31/03/2026 12:00."
        closes.error_messages["invalid"] = "Enter the date and time like 31/03/2026 12:00."
        if self.instance.bids_close_at and not self.is_bound:
            self.initial["bids_close_at"] = timezone.localtime(
                self.instance.bids_close_at
            ).strftime(DATETIME_FORMAT)
        _choice_field(
            self, "process_flow_chart"
        ).help_text = "A PDF or picture, smaller than 10 MB."

    def clean_process_flow_chart(self) -> Any:
        upload = self.cleaned_data.get("process_flow_chart")
        if upload and hasattr(upload, "size"):
            uploads.check_upload(
                upload,
                {".pdf": uploads.PDF, **uploads.PICTURES},
                max_megabytes=MAX_DOCUMENT_MEGABYTES,
                what="flow chart",
            )
        return upload


class LotForm(forms.ModelForm):
    class Meta:
        model = Lot
        fields = ["title", "description", "estimated_value"]


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "weight", "position"]
        help_texts = {
            "weight": "Its share of the 100 marks. The criteria add up to the quality weight.",
            "position": "Its place in the list.",
        }
        error_messages = {
            "name": {"required": "Enter the criterion's name, for example Support for carers."},
            "weight": {"required": "Enter the criterion's weight, for example 40."},
        }


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = [
            "number",
            "criterion",
            "lot",
            "kind",
            "text",
            "guidance",
            "word_limit",
            "weight",
            "lay_may_score",
            "easy_read_required",
            "co_designed_from",
            "lay_panel_questions",
        ]
        widgets = {"kind": forms.RadioSelect}
        help_texts = {
            "weight": ("Its share of the 100 marks. A criterion's questions add up to its weight."),
            "word_limit": "Needed for written answers. Short limits help everyone.",
        }
        error_messages = {
            "criterion": {"required": "Choose the criterion the question belongs to."},
            "text": {"required": "Enter the question."},
            "weight": {"required": "Enter the question's weight, for example 10."},
        }

    def __init__(self, *args: Any, tender: Tender, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "criterion").queryset = tender.criteria.all()
        _choice_field(self, "lot").queryset = tender.lots.all()
        _choice_field(self, "lot").empty_label = "Every lot"
        self.fields["number"].required = False
        if not self.initial.get("criterion"):
            # A new question most often goes under the criterion added last.
            self.initial["criterion"] = tender.criteria.values_list("pk", flat=True).last()


class DescriptorsForm(forms.Form):
    """One box per score on the tender's scale."""

    def __init__(self, *args: Any, tender: Tender, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meanings = dict(tender.descriptors.values_list("score", "meaning"))
        for score in tender.scale():
            self.fields[f"score_{score}"] = forms.CharField(
                label=f"What a score of {score} means",
                initial=meanings.get(score, ""),
                widget=forms.Textarea,
                error_messages={"required": f"Write what a score of {score} means."},
            )

    def meanings(self) -> dict[int, str]:
        return {int(name.split("_")[1]): value for name, value in self.cleaned_data.items()}


class BidderForm(forms.Form):
    name = forms.CharField(
        label="Organisation name",
        max_length=200,
        error_messages={"required": "Enter the bidding organisation's name."},
    )
    contact_email = forms.EmailField(label="Contact email", required=False)
    users = forms.ModelMultipleChoiceField(
        label="Who acts for it",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Provider users of your organisation. They see only this bidder's bids.",
        error_messages={"required": "Choose at least one person who acts for the bidder."},
    )

    def __init__(self, *args: Any, tender: Tender, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "users").queryset = User.objects.filter(
            memberships__organisation_id=tender.organisation_id,
            memberships__role=Role.PROVIDER,
        ).order_by("first_name", "last_name")


class EvaluatorForm(forms.Form):
    kind = forms.ChoiceField(
        label="Who they are",
        choices=EvaluatorKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether they are a lay evaluator or an officer."},
    )
    person = forms.ModelChoiceField(
        label="Person from the register (lay evaluators and the easy-read panel)",
        queryset=Person.objects.none(),
        required=False,
    )
    user = forms.ModelChoiceField(
        label="Member of staff (officers)", queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, tender: Tender, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "person").queryset = Person.objects.filter(
            organisation=tender.organisation, merged_into__isnull=True
        ).order_by("name")
        _choice_field(self, "user").queryset = User.objects.filter(
            memberships__organisation_id=tender.organisation_id,
            memberships__role__in=[Role.ADMINISTRATOR, Role.COMMISSIONER, Role.FACILITATOR],
        ).order_by("first_name", "last_name")


class BriefingForm(forms.Form):
    held_on = forms.DateField(
        label="Date held", widget=DATE, error_messages={"required": "Enter the date it was held."}
    )
    attendees = forms.ModelMultipleChoiceField(
        label="Who came",
        queryset=Evaluator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who came to the briefing."},
    )
    plain_guide_given = forms.BooleanField(label="The plain guide was given", required=False)
    flow_chart_given = forms.BooleanField(
        label="The flow chart of the evaluation process was given", required=False
    )
    guide_link = forms.URLField(
        label="Link to the guide and flow chart", required=False, assume_scheme="https"
    )
    notes = forms.CharField(
        label="What was covered",
        widget=forms.Textarea,
        required=False,
        help_text="For example the scoring method, confidentiality and the timetable.",
    )

    def __init__(self, *args: Any, tender: Tender, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        attendees = _choice_field(self, "attendees")
        attendees.queryset = tender.evaluators.select_related("person", "user")
        attendees.label_from_instance = lambda e: f"{e.name} ({e.code})"


class OfficersForm(forms.Form):
    officers = forms.ModelMultipleChoiceField(
        label="Officers who score it",
        queryset=Evaluator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, tender: Tender, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = _choice_field(self, "officers")
        field.queryset = tender.evaluators.filter(kind=EvaluatorKind.OFFICER).select_related("user")
        field.label_from_instance = lambda e: f"{e.name} ({e.code})"


class ChooseQuestionsForm(forms.Form):
    questions = forms.ModelMultipleChoiceField(
        label="The questions you will score",
        queryset=Question.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose as many or as few as you like. You can change this until scoring starts.",
        error_messages={"required": "Choose at least one question to score."},
    )

    def __init__(self, *args: Any, questions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = _choice_field(self, "questions")
        field.queryset = questions
        field.label_from_instance = lambda q: f"Question {q.number}: {q.text}"


class DeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label="Do you have a conflict of interest with this organisation?",
        choices=[("no", "No"), ("yes", "Yes")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=(
            "For example you use its service, work for it, or are related to or close to "
            "someone who works there."
        ),
        error_messages={"required": "Choose yes or no."},
    )
    nature = forms.CharField(
        label="If yes, what is the conflict?", widget=forms.Textarea, required=False
    )


class AssessmentForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Assessment",
        choices=[
            (ConflictOutcome.EXCLUDED, "Exclude them from this bidder's answers"),
            (ConflictOutcome.MANAGED, "They may score it: the conflict is managed"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether they are excluded or the conflict is managed."},
    )
    mitigation = forms.CharField(
        label="Written assessment",
        widget=forms.Textarea,
        help_text="Why, and for a managed conflict how it is managed.",
        error_messages={"required": "Write the assessment."},
    )


class ScoreForm(forms.Form):
    score = forms.TypedChoiceField(
        label="Your score",
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
    )
    justification = forms.CharField(
        label="Why you gave this score",
        widget=forms.Textarea,
        required=False,
        help_text="Say what in the answer made you choose it. You need this to submit.",
    )

    def __init__(self, *args: Any, descriptors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "score").choices = [
            (d.score, f"{d.score}: {d.meaning}") for d in descriptors
        ]


class ModerationForm(forms.Form):
    consensus_score = forms.TypedChoiceField(
        label="Agreed score", coerce=int, empty_value=None, widget=forms.RadioSelect, required=False
    )
    rationale = forms.CharField(
        label="Why the panel agreed this score", widget=forms.Textarea, required=False
    )

    def __init__(self, *args: Any, descriptors: Any, scores: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "consensus_score").choices = [
            (d.score, f"{d.score}: {d.meaning}") for d in descriptors
        ]
        for score in scores:
            self.fields[f"explanation_{score.pk}"] = forms.CharField(
                label=f"If the agreed score is not {score.score}: why it differs from "
                f"{score.evaluator.code}'s score",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )

    def explanations(self) -> dict[int, str]:
        return {
            int(name.split("_")[1]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("explanation_")
        }


class AnswerForm(forms.Form):
    text = forms.CharField(label="Your answer", widget=forms.Textarea, required=False)
    easy_read_text = forms.CharField(
        label="Your easy read answer",
        widget=forms.Textarea,
        required=False,
        help_text="Short sentences in plain words, for a panel of people who use the service.",
    )


class PriceForm(forms.Form):
    price = forms.DecimalField(
        label="Your price for the contract (£)",
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": "Enter your price.",
            "invalid": "Enter your price as a number, like 95000 or 95000.50.",
        },
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label="What the document is", max_length=200, required=False)
    kind = forms.ChoiceField(
        label="Kind of document", choices=DocumentKind.choices, widget=forms.RadioSelect
    )
    question = forms.ModelChoiceField(
        label="Question it goes with", queryset=Question.objects.none(), required=False
    )
    file = forms.FileField(
        label="Choose a file",
        help_text="PDF, Word (.docx), OpenDocument (.odt), PNG or JPG, smaller than 10 MB.",
        error_messages={"required": "Choose a file to upload."},
    )

    def __init__(self, *args: Any, questions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "question").queryset = questions
        _choice_field(self, "question").empty_label = "Not for one question"
        _choice_field(self, "question").label_from_instance = lambda q: f"Question {q.number}"


class ClarificationForm(forms.Form):
    question = forms.CharField(
        label="Your question",
        widget=forms.Textarea,
        help_text="The question and answer are shared with every bidder. Your name is not.",
        error_messages={"required": "Enter your question."},
    )


class ClarificationAnswerForm(forms.Form):
    answer = forms.CharField(
        label="Answer",
        widget=forms.Textarea,
        help_text="Published to every bidder, without saying who asked.",
        error_messages={"required": "Enter the answer."},
    )
