"""Write operations and rules for tenders, from set-up to moderation.

The order a tender goes through: set up (lots, criteria, questions, scale, price formula) →
open for bids (only when the weights total 100, every written question has a word limit and
every score has a descriptor) → bids close → the panel is briefed, lay evaluators choose their
questions, officers are assigned the rest, everyone declares conflicts → scoring (only when
every question lay evaluators may score has at least two of them) → moderation, question by
question.
"""

import datetime
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from coproduce.accounts.models import STAFF_ROLES, Role, User
from coproduce.accounts.roles import role_in
from coproduce.core import uploads
from coproduce.notifications.message import Message
from coproduce.notifications.services import send
from coproduce.people.models import ConsentPurpose, Person
from coproduce.projects.models import (
    CommissioningProject,
    EngagementMethod,
    StageKind,
    StageStatus,
)

from . import scoring
from .models import (
    Answer,
    Assignment,
    AssignmentSource,
    Bid,
    Bidder,
    BidderUser,
    BidDocument,
    BidStatus,
    Briefing,
    Clarification,
    ConflictDeclaration,
    ConflictOutcome,
    Criterion,
    DocumentKind,
    Evaluator,
    EvaluatorKind,
    Lot,
    Moderation,
    ModerationExplanation,
    Question,
    QuestionKind,
    Score,
    ScoreDescriptor,
    ScoreStatus,
    Tender,
    TenderStatus,
)

# A starting scale that commissioners edit: the usual 0 to 4 descriptors.
DEFAULT_DESCRIPTORS: dict[int, str] = {
    0: "No answer, or the answer does not address the question.",
    1: "Poor: the answer addresses the question only in part, with little evidence.",
    2: "Satisfactory: the answer meets the requirement, with some evidence.",
    3: "Good: the answer meets the requirement well, with clear evidence.",
    4: "Excellent: the answer meets the requirement in full, with strong evidence.",
}
FIFTH_DESCRIPTOR = "Outstanding: the answer goes beyond the requirement, with strong evidence."

DOCUMENT_KINDS = {
    ".pdf": uploads.PDF,
    ".docx": uploads.DOCX,
    ".odt": uploads.ODT,
    **uploads.PICTURES,
}
MAX_DOCUMENT_MEGABYTES = 10

_WORD = re.compile(r"\S+")


def count_words(text: str) -> int:
    """Words as a word processor counts them: runs of characters between spaces."""
    return len(_WORD.findall(text))


def _refuse(field_name: str | None, message: str) -> ValidationError:
    return ValidationError({field_name: message}) if field_name else ValidationError(message)


def _require_status(tender: Tender, *statuses: str, doing: str) -> None:
    if tender.status not in statuses:
        allowed = " or ".join(str(TenderStatus(s).label).lower() for s in statuses)
        raise ValidationError(
            f"You can only {doing} while the tender is {allowed}. "
            f"It is {tender.get_status_display().lower()}."
        )


# Set-up


@transaction.atomic
def create_tender(project: CommissioningProject, created_by: User, **fields: Any) -> Tender:
    """A new tender in a project's Do stage, with one lot and the starting 0 to 4 scale."""
    do_stage = project.stages.get(kind=StageKind.DO)
    if do_stage.status == StageStatus.COMPLETE:
        raise ValidationError(
            "The project's Do (co-commission) stage is complete, so it cannot have a new tender."
        )
    tender = Tender(organisation=project.organisation, project=project, created_by=created_by)
    for name, value in fields.items():
        setattr(tender, name, value)
    _check_panel_method(tender)
    tender.full_clean()
    tender.save()
    Lot.objects.create(
        organisation=tender.organisation, tender=tender, number=1, title="Whole contract"
    )
    for score, meaning in DEFAULT_DESCRIPTORS.items():
        ScoreDescriptor.objects.create(
            organisation=tender.organisation, tender=tender, score=score, meaning=meaning
        )
    return tender


def _check_panel_method(tender: Tender) -> None:
    method = tender.panel_method
    if method is not None and (
        method.plan.stage.project_id != tender.project_id or method.plan.stage.kind != StageKind.DO
    ):
        raise _refuse("panel_method", "Choose a method from this project's Do stage plan.")


def evaluation_panel_methods(project: CommissioningProject) -> QuerySet[EngagementMethod]:
    """The Do stage methods a tender's panel can belong to: its discussion sessions are
    their events."""
    return EngagementMethod.objects.filter(
        plan__stage__project=project, plan__stage__kind=StageKind.DO
    ).order_by("kind", "pk")


def _check_draft(tender: Tender, doing: str) -> None:
    _require_status(tender, TenderStatus.DRAFT, doing=doing)


def save_tender(tender: Tender) -> Tender:
    """Saves the tender's own details. Weights, formula and scale are fixed once it opens."""
    if tender.pk:
        stored = Tender.objects.get(pk=tender.pk)
        fixed = ("quality_weight", "price_weight", "price_formula", "scale_max")
        if stored.status != TenderStatus.DRAFT and any(
            getattr(stored, name) != getattr(tender, name) for name in fixed
        ):
            raise ValidationError(
                "The weights, price formula and scale cannot change once the tender is open "
                "for bids: bidders were told them."
            )
    _check_panel_method(tender)
    tender.full_clean()
    with transaction.atomic():
        tender.save()
        if tender.scale_max == 5:
            ScoreDescriptor.objects.get_or_create(
                tender=tender,
                score=5,
                defaults={"organisation": tender.organisation, "meaning": FIFTH_DESCRIPTOR},
            )
        else:
            for extra in ScoreDescriptor.objects.filter(tender=tender, score__gt=tender.scale_max):
                extra.delete()
    return tender


@transaction.atomic
def save_descriptors(tender: Tender, meanings: Mapping[int, str]) -> None:
    """What each score means. Every score on the scale needs one."""
    _check_draft(tender, "change the scale")
    problems = scoring.scale_problems(dict(meanings))
    if not problems and max(meanings) != tender.scale_max:
        problems = [f"The scale goes up to {tender.scale_max}: describe each score 0 to it."]
    if problems:
        raise ValidationError(problems)
    for score, meaning in meanings.items():
        ScoreDescriptor.objects.update_or_create(
            tender=tender,
            score=score,
            defaults={"organisation": tender.organisation, "meaning": meaning.strip()},
        )


def save_lot(lot: Lot) -> Lot:
    _check_draft(lot.tender, "change the lots")
    lot.organisation = lot.tender.organisation
    if not lot.pk and not lot.number:
        lot.number = (lot.tender.lots.count() or 0) + 1
    lot.full_clean()
    lot.save()
    return lot


def save_criterion(criterion: Criterion) -> Criterion:
    _check_draft(criterion.tender, "change the criteria")
    criterion.organisation = criterion.tender.organisation
    criterion.full_clean()
    criterion.save()
    return criterion


def save_question(question: Question) -> Question:
    tender = question.tender
    _check_draft(tender, "change the questions")
    question.organisation = tender.organisation
    if question.criterion.tender_id != tender.pk:
        raise _refuse("criterion", "Choose one of this tender's criteria.")
    if question.lot is not None and question.lot.tender_id != tender.pk:
        raise _refuse("lot", "Choose one of this tender's lots.")
    if question.kind == QuestionKind.INTERVIEW and question.easy_read_required:
        raise _refuse(
            "easy_read_required", "Interviews have no written answer to ask for in easy read."
        )
    if not question.number:
        question.number = (tender.questions.count() or 0) + 1
    question.full_clean()
    question.save()
    return question


def setup_problems(tender: Tender) -> list[str]:
    """Everything that stops a tender opening for bids, in plain words."""
    criteria = list(tender.criteria.annotate(question_weight=Sum("questions__weight")))
    questions = list(tender.questions.all())
    descriptors = dict(tender.descriptors.values_list("score", "meaning"))
    problems: list[str] = []
    if not tender.lots.exists():
        problems.append("Add at least one lot.")
    if not criteria:
        problems.append("Add at least one quality criterion.")
    if not questions:
        problems.append("Add at least one question.")
    weights = scoring.weights_problem([c.weight for c in criteria], tender.price_weight)
    if weights:
        problems.append(weights)
    if tender.quality_weight + tender.price_weight != 100:
        problems.append(
            f"The quality weight ({tender.quality_weight:g}) and price weight "
            f"({tender.price_weight:g}) must add up to 100."
        )
    criteria_total = sum((c.weight for c in criteria), Decimal(0))
    if criteria and criteria_total != tender.quality_weight:
        problems.append(
            f"The criteria's weights add up to {criteria_total:g} but the quality weight is "
            f"{tender.quality_weight:g}. Make them the same."
        )
    for criterion in criteria:
        total = criterion.question_weight or Decimal(0)  # type: ignore[attr-defined]
        if total != criterion.weight:
            problems.append(
                f"The questions under “{criterion.name}” have weights adding up to {total:g}. "
                f"They must add up to the criterion's weight, {criterion.weight:g}."
            )
    for question in questions:
        if question.kind == QuestionKind.WRITTEN and not question.word_limit:
            problems.append(f"Give question {question.number} a word limit.")
    problems.extend(scoring.scale_problems(descriptors))
    if not scoring.scale_problems(descriptors) and max(descriptors) != tender.scale_max:
        problems.append(f"Describe every score from 0 to {tender.scale_max}.")
    return problems


def open_for_bids(tender: Tender, by: User) -> Tender:
    _check_draft(tender, "open the tender for bids")
    problems = setup_problems(tender)
    if problems:
        raise ValidationError(problems)
    tender.status = TenderStatus.OPEN
    tender.opened_at = timezone.now()
    tender.save()
    return tender


@transaction.atomic
def close_bids(tender: Tender) -> Tender:
    """Closes bids. Each submitted bid gets an (empty) answer to every interview question,
    so interviews and presentations are scored and moderated like written answers."""
    _require_status(tender, TenderStatus.OPEN, doing="close bids")
    tender.status = TenderStatus.EVALUATION
    tender.bids_closed_at = timezone.now()
    tender.save()
    interviews = list(tender.questions.filter(kind=QuestionKind.INTERVIEW))
    for bid in tender.bids.filter(status=BidStatus.SUBMITTED):
        for question in interviews:
            if question.applies_to(bid.lot_id):
                Answer.objects.get_or_create(
                    bid=bid, question=question, defaults={"organisation": tender.organisation}
                )
    return tender


def evaluation_process_steps(tender: Tender) -> list[tuple[str, str]]:
    """The steps of the evaluation in plain words, for the flow chart lay evaluators get."""
    scoring_dates = (
        f"Between {tender.scoring_starts_on:%-d %B} and {tender.scoring_ends_on:%-d %B %Y}."
        if tender.scoring_starts_on and tender.scoring_ends_on
        else "Over several days, at your own pace."
    )
    return [
        (
            "Briefing",
            "We explain the task, the scores and the timetable. You choose your questions.",
        ),
        (
            "Conflicts of interest",
            "For each organisation bidding, you tell us if you know it. Saying yes is fine.",
        ),
        ("Read and score", f"{scoring_dates} Score each answer from 0 to {tender.scale_max}."),
        ("Group discussion", "We talk through the scores together and agree one score."),
        ("Decision", "The council decides who gets the contract, using the agreed scores."),
        ("We tell you", "Who won, and how your scores counted."),
    ]


# Bidders and bids


@transaction.atomic
def add_bidder(tender: Tender, name: str, users: Iterable[User], contact_email: str = "") -> Bidder:
    """A bidding organisation and the provider users who act for it."""
    users = list(users)
    for user in users:
        if role_in(user, tender.organisation_id) != Role.PROVIDER:
            raise _refuse(
                "users",
                f"{user.display_name} is not set up as a provider user in "
                f"{tender.organisation}. Ask an administrator to add them with the provider role.",
            )
    bidder = Bidder(
        organisation=tender.organisation,
        tender=tender,
        name=name.strip(),
        contact_email=contact_email,
    )
    if Bidder.objects.filter(tender=tender, name__iexact=bidder.name).exists():
        raise _refuse("name", "A bidder with this name is already on the tender.")
    bidder.full_clean()
    bidder.save()
    for user in users:
        BidderUser.objects.create(organisation=tender.organisation, bidder=bidder, user=user)
    return bidder


def start_bid(bidder: Bidder, lot: Lot) -> Bid:
    """The bidder's bid for a lot, started the first time they open it."""
    tender = bidder.tender
    if lot.tender_id != tender.pk:
        raise ValidationError("That lot is not part of this tender.")
    existing = Bid.objects.filter(bidder=bidder, lot=lot).first()
    if existing:
        return existing
    _require_status(tender, TenderStatus.OPEN, doing="start a bid")
    return Bid.objects.create(
        organisation=tender.organisation, tender=tender, lot=lot, bidder=bidder
    )


def questions_for(bid: Bid) -> QuerySet[Question]:
    """The written questions a bid answers: those for its lot and those for every lot."""
    return bid.tender.questions.filter(
        Q(lot__isnull=True) | Q(lot=bid.lot), kind=QuestionKind.WRITTEN
    ).select_related("criterion")


def _check_bid_editable(bid: Bid) -> None:
    _require_status(bid.tender, TenderStatus.OPEN, doing="change a bid")
    if bid.status != BidStatus.DRAFT:
        raise ValidationError("This bid has been submitted and cannot be changed.")


def word_limit_message(question: Question, words: int) -> str | None:
    if question.word_limit and words > question.word_limit:
        return (
            f"Your answer to question {question.number} has {words} words. The limit is "
            f"{question.word_limit}. Shorten it by {words - question.word_limit} words."
        )
    return None


def save_answer(bid: Bid, question: Question, text: str, easy_read_text: str = "") -> Answer:
    _check_bid_editable(bid)
    if question.tender_id != bid.tender_id or not question.applies_to(bid.lot_id):
        raise ValidationError("That question is not part of this bid.")
    if question.kind != QuestionKind.WRITTEN:
        raise ValidationError("Interview questions are answered at the interview.")
    words = count_words(text)
    errors: dict[str, str] = {}
    too_long = word_limit_message(question, words)
    if too_long:
        errors["text"] = too_long
    easy_words = count_words(easy_read_text)
    if question.word_limit and easy_words > question.word_limit:
        errors["easy_read_text"] = (
            f"Your easy read answer to question {question.number} has {easy_words} words. "
            f"The limit is {question.word_limit}. Shorten it by "
            f"{easy_words - question.word_limit} words."
        )
    if errors:
        raise ValidationError(errors)
    answer, _ = Answer.objects.get_or_create(
        bid=bid, question=question, defaults={"organisation": bid.organisation}
    )
    answer.text = text.strip()
    answer.easy_read_text = easy_read_text.strip() if question.easy_read_required else ""
    answer.word_count = words
    answer.save()
    return answer


def save_price(bid: Bid, price: Decimal) -> Bid:
    _check_bid_editable(bid)
    if price <= 0:
        raise _refuse("price", "Enter a price of more than £0.")
    bid.price = price
    bid.full_clean()
    bid.save()
    return bid


def add_document(
    bid: Bid,
    upload: UploadedFile,
    title: str,
    uploaded_by: User,
    kind: str = DocumentKind.SUPPORTING,
    question: Question | None = None,
) -> BidDocument:
    """A document with a bid: PDF, Word, OpenDocument text or a picture, up to 10 MB."""
    _check_bid_editable(bid)
    if question is not None and question.tender_id != bid.tender_id:
        raise _refuse("question", "Choose one of this tender's questions.")
    try:
        checked = uploads.check_upload(upload, DOCUMENT_KINDS, max_megabytes=MAX_DOCUMENT_MEGABYTES)
    except ValidationError as error:
        raise _refuse("file", error.messages[0]) from error
    suffix = Path(upload.name or "").suffix.lower()
    document = BidDocument(
        organisation=bid.organisation,
        bid=bid,
        question=question,
        kind=kind,
        title=title.strip() or upload.name or "Document",
        content_type=checked.content_type,
        size=upload.size or 0,
        uploaded_by=uploaded_by,
    )
    document.file.save(f"bid-{bid.pk}{suffix}", upload, save=False)
    document.save()
    return document


def bid_problems(bid: Bid) -> list[str]:
    """What must be done before a bid can be submitted."""
    answers = {a.question_id: a for a in bid.answers.all()}
    problems: list[str] = []
    for question in questions_for(bid):
        answer = answers.get(question.pk)
        if answer is None or not answer.text:
            problems.append(f"Answer question {question.number}.")
        elif question.easy_read_required:
            if not answer.easy_read_text:
                problems.append(f"Give an easy read answer to question {question.number}.")
            if not bid.documents.filter(question=question, kind=DocumentKind.FLOW_CHART).exists():
                problems.append(
                    f"Upload a flow chart of the service pathway for question {question.number}."
                )
    if bid.price is None:
        problems.append("Enter your price.")
    return problems


def submit_bid(bid: Bid, by: User) -> Bid:
    _check_bid_editable(bid)
    problems = bid_problems(bid)
    if problems:
        raise ValidationError(problems)
    bid.status = BidStatus.SUBMITTED
    bid.submitted_at = timezone.now()
    bid.submitted_by = by
    bid.save()
    return bid


# Clarifications


def ask_clarification(bidder: Bidder, question: str, asked_by: User) -> Clarification:
    _require_status(bidder.tender, TenderStatus.OPEN, doing="ask a question")
    if not question.strip():
        raise _refuse("question", "Enter your question.")
    return Clarification.objects.create(
        organisation=bidder.organisation,
        tender=bidder.tender,
        bidder=bidder,
        question=question.strip(),
        asked_by=asked_by,
    )


def answer_clarification(clarification: Clarification, answer: str, by: User) -> Clarification:
    """Answers and publishes to every bidder, without saying who asked."""
    if not answer.strip():
        raise _refuse("answer", "Enter the answer. Every bidder will see it.")
    clarification.answer = answer.strip()
    clarification.answered_by = by
    clarification.published_at = clarification.published_at or timezone.now()
    clarification.save()
    return clarification


# The panel


_KIND_LABEL = {
    EvaluatorKind.LAY: "Lay evaluator",
    EvaluatorKind.OFFICER: "Officer",
    EvaluatorKind.EASY_READ_PANEL: "Easy-read panel member",
}


def _next_code(tender: Tender, kind: str) -> str:
    label = _KIND_LABEL[EvaluatorKind(kind)]
    taken = set(tender.evaluators.filter(kind=kind).values_list("code", flat=True))
    number = 0
    while True:
        # A, B, ... Z, AA, AB: letters, so that codes never hint at a person.
        letters, n = "", number
        while True:
            letters = chr(ord("A") + n % 26) + letters
            n = n // 26 - 1
            if n < 0:
                break
        code = f"{label} {letters}"
        if code not in taken:
            return code
        number += 1


@transaction.atomic
def add_evaluator(
    tender: Tender, kind: str, *, user: User | None = None, person: Person | None = None
) -> Evaluator:
    """Puts someone on the panel. Officers are staff; lay and easy-read panel members are
    people from the register (with a participant sign-in, or scoring on paper)."""
    _require_status(
        tender,
        TenderStatus.DRAFT,
        TenderStatus.OPEN,
        TenderStatus.EVALUATION,
        doing="add evaluators",
    )
    if kind == EvaluatorKind.OFFICER:
        if user is None or role_in(user, tender.organisation_id) not in STAFF_ROLES:
            raise _refuse("user", "Choose a member of staff to be an officer evaluator.")
        person = None
    else:
        if person is None:
            raise _refuse("person", "Choose the person from the register.")
        if person.organisation_id != tender.organisation_id:
            raise _refuse("person", "Choose someone from your organisation's register.")
        user = person.user
    if user is not None and tender.evaluators.filter(user=user).exists():
        raise _refuse(
            "user" if kind == EvaluatorKind.OFFICER else "person", "They are already on the panel."
        )
    if person is not None and tender.evaluators.filter(person=person).exists():
        raise _refuse("person", "They are already on the panel.")
    return Evaluator.objects.create(
        organisation=tender.organisation,
        tender=tender,
        kind=kind,
        user=user,
        person=person,
        code=_next_code(tender, kind),
    )


@transaction.atomic
def record_briefing(
    tender: Tender,
    *,
    held_on: datetime.date,
    led_by: User,
    attendees: Iterable[Evaluator],
    plain_guide_given: bool,
    flow_chart_given: bool,
    guide_link: str = "",
    notes: str = "",
) -> Briefing:
    attendees = list(attendees)
    if not attendees:
        raise _refuse("attendees", "Choose who came to the briefing.")
    if any(e.tender_id != tender.pk for e in attendees):
        raise _refuse("attendees", "Choose evaluators on this tender's panel.")
    briefing = Briefing(
        organisation=tender.organisation,
        tender=tender,
        held_on=held_on,
        led_by=led_by,
        plain_guide_given=plain_guide_given,
        flow_chart_given=flow_chart_given,
        guide_link=guide_link,
        notes=notes,
    )
    briefing.full_clean()
    briefing.save()
    for evaluator in attendees:
        evaluator.briefing = briefing
        evaluator.save()
    return briefing


def choosable_questions(evaluator: Evaluator) -> QuerySet[Question]:
    """Questions a lay evaluator may choose: open to lay evaluation; for the easy-read panel,
    those answered in easy read."""
    questions = evaluator.tender.questions.select_related("criterion", "lot")
    if evaluator.kind == EvaluatorKind.EASY_READ_PANEL:
        return questions.filter(easy_read_required=True)
    return questions.filter(lay_may_score=True)


@transaction.atomic
def choose_questions(evaluator: Evaluator, questions: Iterable[Question]) -> list[Assignment]:
    """A lay evaluator's own choice of which questions to score, made at or after the
    briefing. It replaces any earlier choice until scoring starts."""
    _require_status(
        evaluator.tender, TenderStatus.OPEN, TenderStatus.EVALUATION, doing="choose questions"
    )
    if evaluator.kind == EvaluatorKind.OFFICER:
        raise ValidationError("Officers are assigned their questions.")
    if evaluator.briefing_id is None:
        raise ValidationError("Questions are chosen at the briefing. Come to the briefing first.")
    chosen = {q.pk for q in questions}
    if not chosen:
        raise _refuse("questions", "Choose at least one question to score.")
    allowed = set(choosable_questions(evaluator).values_list("pk", flat=True))
    if not chosen <= allowed:
        raise _refuse("questions", "Choose only from the questions listed.")
    for assignment in evaluator.assignments.exclude(question_id__in=chosen):
        assignment.delete()
    have = set(evaluator.assignments.values_list("question_id", flat=True))
    return [
        Assignment.objects.create(
            organisation=evaluator.organisation,
            evaluator=evaluator,
            question_id=pk,
            source=AssignmentSource.CHOSEN,
        )
        for pk in sorted(chosen - have)
    ]


@transaction.atomic
def assign_officers(question: Question, officers: Iterable[Evaluator]) -> None:
    """The officers who score a question (replacing any earlier assignment of officers)."""
    tender = question.tender
    _require_status(
        tender,
        TenderStatus.DRAFT,
        TenderStatus.OPEN,
        TenderStatus.EVALUATION,
        doing="assign officers",
    )
    officers = list(officers)
    if any(o.tender_id != tender.pk or o.kind != EvaluatorKind.OFFICER for o in officers):
        raise _refuse("officers", "Choose officers on this tender's panel.")
    wanted = {o.pk for o in officers}
    for assignment in question.assignments.filter(evaluator__kind=EvaluatorKind.OFFICER).exclude(
        evaluator_id__in=wanted
    ):
        assignment.delete()
    have = set(question.assignments.values_list("evaluator_id", flat=True))
    for pk in sorted(wanted - have):
        Assignment.objects.create(
            organisation=tender.organisation,
            evaluator_id=pk,
            question=question,
            source=AssignmentSource.ASSIGNED,
        )


@dataclass
class Coverage:
    """Who scores one question."""

    question: Question
    lay: int
    officers: int
    easy_read_panel: int
    problems: list[str] = field(default_factory=list)


def coverage(tender: Tender) -> list[Coverage]:
    """For each question, how many lay evaluators, officers and easy-read panel members score
    it, and what is missing."""
    questions = tender.questions.annotate(
        lay=Count("assignments", filter=Q(assignments__evaluator__kind=EvaluatorKind.LAY)),
        officers=Count("assignments", filter=Q(assignments__evaluator__kind=EvaluatorKind.OFFICER)),
        easy_read=Count(
            "assignments", filter=Q(assignments__evaluator__kind=EvaluatorKind.EASY_READ_PANEL)
        ),
    ).order_by("number")
    rows = []
    for question in questions:
        row = Coverage(question, question.lay, question.officers, question.easy_read)  # type: ignore[attr-defined]
        if question.lay_may_score and row.lay < 2:
            row.problems.append(
                f"Question {question.number} is open to lay evaluators and needs at least two "
                f"of them; {row.lay} chose it."
            )
        if row.lay + row.officers + row.easy_read_panel == 0:
            row.problems.append(f"Nobody scores question {question.number}. Assign an officer.")
        rows.append(row)
    return rows


# Conflicts of interest


def declare(
    evaluator: Evaluator, bidder: Bidder, *, has_conflict: bool, nature: str, by: User
) -> ConflictDeclaration:
    """An evaluator's declaration about one bidder. A declared conflict waits for an officer
    to assess it; a declaration cannot change once assessed."""
    if bidder.tender_id != evaluator.tender_id:
        raise ValidationError("That bidder is not on this tender.")
    if has_conflict and not nature.strip():
        raise _refuse("nature", f"Say what the conflict with {bidder.name} is.")
    declaration = ConflictDeclaration.objects.filter(evaluator=evaluator, bidder=bidder).first()
    if declaration and declaration.assessed_at:
        raise ValidationError(
            f"Your declaration about {bidder.name} has been assessed. Talk to the officer to "
            "change it."
        )
    declaration = declaration or ConflictDeclaration(
        organisation=evaluator.organisation, evaluator=evaluator, bidder=bidder
    )
    declaration.has_conflict = has_conflict
    declaration.nature = nature.strip() if has_conflict else ""
    declaration.outcome = ConflictOutcome.AWAITING if has_conflict else ""
    declaration.declared_by = by
    declaration.save()
    return declaration


def assess_conflict(
    declaration: ConflictDeclaration, *, outcome: str, mitigation: str, by: User
) -> ConflictDeclaration:
    """An officer's written assessment: excluded from the bidder, or managed with mitigation."""
    if not declaration.has_conflict:
        raise ValidationError("There is no conflict declared to assess.")
    if outcome not in (ConflictOutcome.EXCLUDED, ConflictOutcome.MANAGED):
        raise _refuse("outcome", "Choose whether they are excluded or the conflict is managed.")
    if not mitigation.strip():
        raise _refuse(
            "mitigation",
            "Write the assessment: why, and for a managed conflict how it is managed.",
        )
    if declaration.evaluator.user_id is not None and declaration.evaluator.user_id == by.pk:
        raise ValidationError("Someone else must assess your own conflict.")
    if (
        outcome == ConflictOutcome.EXCLUDED
        and declaration.evaluator.scores.filter(answer__bid__bidder=declaration.bidder).exists()
    ):
        raise ValidationError(
            "They have already scored this bidder. Ask the lead officer how to proceed."
        )
    declaration.outcome = outcome
    declaration.mitigation = mitigation.strip()
    declaration.assessed_by = by
    declaration.assessed_at = timezone.now()
    declaration.save()
    return declaration


def undeclared_bidders(evaluator: Evaluator) -> QuerySet[Bidder]:
    return evaluator.tender.bidders.exclude(declarations__evaluator=evaluator)


def excluded_bidder_ids(evaluator: Evaluator) -> set[int]:
    """Bidders the evaluator must not see: excluded, or a conflict not yet assessed."""
    return set(
        evaluator.declarations.filter(
            outcome__in=[ConflictOutcome.EXCLUDED, ConflictOutcome.AWAITING]
        ).values_list("bidder_id", flat=True)
    )


# Further conditions for reading bids, each given the evaluator: other apps add theirs (the
# participation app: the panel role's confidentiality agreement is agreed), so procurement
# depends on none of them.
BID_READING_CONDITIONS: list[Callable[[Evaluator], bool]] = []


def may_see_bids(evaluator: Evaluator) -> bool:
    """Only once scoring has started, they have declared about every bidder, and every other
    condition (BID_READING_CONDITIONS) holds."""
    return (
        evaluator.tender.status == TenderStatus.SCORING
        and not undeclared_bidders(evaluator).exists()
        and all(condition(evaluator) for condition in BID_READING_CONDITIONS)
    )


def scoring_problems(tender: Tender) -> list[str]:
    problems = [p for row in coverage(tender) for p in row.problems]
    bidders = tender.bidders.count()
    missing = (
        tender.evaluators.annotate(declared=Count("declarations"))
        .filter(declared__lt=bidders)
        .order_by("code")
    )
    problems += [f"{e.code} has not declared conflicts for every bidder." for e in missing]
    awaiting = ConflictDeclaration.objects.filter(
        evaluator__tender=tender, outcome=ConflictOutcome.AWAITING
    ).count()
    if awaiting:
        problems.append(f"{awaiting} declared conflicts are waiting to be assessed.")
    if not tender.bids.filter(status=BidStatus.SUBMITTED).exists():
        problems.append("No bids were submitted.")
    return problems


@transaction.atomic
def start_scoring(
    tender: Tender, by: User | None = None, link_for: Callable[[Evaluator], str] | None = None
) -> Tender:
    """Starts scoring and tells each lay evaluator (and easy-read panel member) they can
    begin, at their own pace, through the one notifications service."""
    _require_status(tender, TenderStatus.EVALUATION, doing="start scoring")
    problems = scoring_problems(tender)
    if problems:
        raise ValidationError(problems)
    tender.status = TenderStatus.SCORING
    tender.scoring_started_at = timezone.now()
    tender.save()
    for evaluator in tender.evaluators.exclude(kind=EvaluatorKind.OFFICER).select_related("person"):
        if evaluator.person is not None:
            send(
                evaluator.person,
                scoring_message(tender, link_for(evaluator) if link_for else ""),
                purpose=ConsentPurpose.CONTACT,
                key=f"procurement-scoring:{evaluator.pk}",
                topic=f"Scoring bids: {tender.title}",
                sent_by=by,
            )
    return tender


def scoring_message(tender: Tender, link: str) -> Message:
    until = f" You have until {tender.scoring_ends_on:%-d %B %Y}." if tender.scoring_ends_on else ""
    return Message(
        subject=f"You can start scoring the bids: {tender.title}",
        body=(
            "Thank you for being on the evaluation panel. The bids are ready for you to read "
            f"and score at your own pace.{until}\n\n"
            "Save as you go and come back any time. If you would like help, or to score on "
            "paper, contact the involvement team."
        ),
        easy_read=[
            "The bids are ready for you.",
            "Read them when it suits you.",
            "Give each answer a score and say why.",
            "Ask us if you want help.",
        ],
        link=link,
    )


# Scoring


def answers_to_score(evaluator: Evaluator) -> QuerySet[Answer]:
    """The answers an evaluator scores: submitted bids' answers to their questions, leaving
    out bidders they are excluded from (or whose conflict is not yet assessed)."""
    return (
        Answer.objects.filter(
            bid__tender_id=evaluator.tender_id,
            bid__status=BidStatus.SUBMITTED,
            question__assignments__evaluator=evaluator,
        )
        .exclude(bid__bidder_id__in=excluded_bidder_ids(evaluator))
        .select_related("question", "bid__lot")
        .order_by("question__number", "bid__lot__number", "bid_id")
    )


def save_score(
    evaluator: Evaluator,
    answer: Answer,
    *,
    score: int | None,
    justification: str,
    entered_by: User,
    submit: bool,
) -> Score:
    """Saves a draft score or submits it. Submitted scores are locked. A score entered by
    anyone but the evaluator is a paper score, recorded with who typed it."""
    tender = evaluator.tender
    _require_status(tender, TenderStatus.SCORING, doing="score")
    if not may_see_bids(evaluator):
        raise ValidationError(
            "Declare any conflicts of interest for every bidder, and agree the confidentiality "
            "agreement, first."
        )
    if not answers_to_score(evaluator).filter(pk=answer.pk).exists():
        raise ValidationError("You are not scoring this answer.")
    if Question.objects.filter(pk=answer.question_id, moderation_opened_at__isnull=False).exists():
        raise ValidationError("Moderation has started for this question, so scoring is closed.")
    existing = Score.objects.filter(evaluator=evaluator, answer=answer).first()
    if existing and existing.is_locked:
        raise ValidationError("This score was submitted and is locked. It cannot be changed.")
    errors: dict[str, str] = {}
    if score is not None and not 0 <= score <= tender.scale_max:
        errors["score"] = f"Choose a score from 0 to {tender.scale_max}."
    if submit and score is None:
        errors["score"] = "Choose a score."
    if submit and not justification.strip():
        errors["justification"] = "Write why you gave this score. It is needed at moderation."
    if errors:
        raise ValidationError(errors)
    record = existing or Score(
        organisation=evaluator.organisation, evaluator=evaluator, answer=answer
    )
    record.score = score
    record.justification = justification.strip()
    record.entered_by = entered_by
    record.on_paper = entered_by.pk != evaluator.user_id
    if submit:
        record.status = ScoreStatus.SUBMITTED
        record.submitted_at = timezone.now()
    record.save()
    return record


# Moderation


def unsubmitted_for(question: Question) -> list[str]:
    """Evaluators who still have answers to this question to score (their codes)."""
    waiting = []
    for assignment in question.assignments.select_related("evaluator__tender"):
        evaluator = assignment.evaluator
        expected = answers_to_score(evaluator).filter(question=question).count()
        done = Score.objects.filter(
            evaluator=evaluator, answer__question=question, status=ScoreStatus.SUBMITTED
        ).count()
        if done < expected:
            waiting.append(evaluator.code)
    return waiting


def open_moderation(question: Question) -> Question:
    """Opens moderation for a question once every score for it is in: only then does anyone
    see the others' scores."""
    _require_status(question.tender, TenderStatus.SCORING, doing="open moderation")
    if question.moderation_opened_at:
        return question
    waiting = unsubmitted_for(question)
    if waiting:
        raise ValidationError(
            f"Waiting for scores from {', '.join(waiting)}. Moderation opens when every score "
            "is in."
        )
    question.moderation_opened_at = timezone.now()
    question.save()
    return question


def lay_evaluators_named(tender: Tender) -> Callable[[str], list[str]]:
    """A check that returns the codes of the tender's lay and easy-read panel evaluators whose
    full name (or preferred name with their surname) a text contains. Full names only: a first
    name alone is often an ordinary word ("Will", "Hope")."""
    names: list[tuple[re.Pattern[str], str]] = []
    panel = tender.evaluators.exclude(kind=EvaluatorKind.OFFICER).select_related("person", "user")
    for evaluator in panel:
        written: set[str] = set()
        if evaluator.person is not None:
            full = evaluator.person.name.split()
            written.add(" ".join(full))
            if evaluator.person.preferred_name and len(full) > 1:
                written.add(f"{evaluator.person.preferred_name} {full[-1]}")
        if evaluator.user is not None:
            written.add(evaluator.user.get_full_name())
        for name in written:
            if len(name.split()) > 1:
                words = r"\s+".join(re.escape(word) for word in name.split())
                names.append((re.compile(rf"\b{words}\b", re.IGNORECASE), evaluator.code))

    def named(text: str) -> list[str]:
        return sorted({code for pattern, code in names if pattern.search(text)})

    return named


@transaction.atomic
def moderate(
    answer: Answer,
    *,
    consensus_score: int | None,
    rationale: str,
    explanations: Mapping[int, str],
    by: User,
) -> Moderation:
    """Records the panel's agreed score for an answer. Every individual score that differs
    from it needs an explanation (keyed by the Score's id)."""
    # Read afresh: moderation may have opened since the answer was loaded.
    question = Question.objects.select_related("tender").get(pk=answer.question_id)
    tender = question.tender
    if question.moderation_opened_at is None:
        raise ValidationError("Moderation has not opened for this question yet.")
    scores = list(answer.scores.filter(status=ScoreStatus.SUBMITTED).select_related("evaluator"))
    errors: dict[str, str] = {}
    if consensus_score is None or not 0 <= consensus_score <= tender.scale_max:
        errors["consensus_score"] = f"Choose the agreed score, from 0 to {tender.scale_max}."
    if not rationale.strip():
        errors["rationale"] = "Write why the panel agreed this score."
    if consensus_score is not None:
        for score in scores:
            if score.score != consensus_score and not explanations.get(score.pk, "").strip():
                errors[f"explanation_{score.pk}"] = (
                    f"{score.evaluator.code} gave {score.score}. Explain why the agreed score "
                    "is different."
                )
    # Bidders read the rationale in their assessment summary, and the panel report carries the
    # explanations: a lay evaluator named there would no longer be anonymous.
    named = lay_evaluators_named(tender)
    written = {"rationale": rationale} | {f"explanation_{pk}": t for pk, t in explanations.items()}
    for field_name, text in written.items():
        codes = named(text)
        if codes and field_name not in errors:
            errors[field_name] = (
                f"This names {' and '.join(codes)}. Bidders read it, and lay evaluators stay "
                "anonymous: use their code instead of their name."
            )
    if errors:
        raise ValidationError(errors)
    assert consensus_score is not None
    found = scoring.spread(
        [s.score for s in scores if s.score is not None], tender.spread_threshold
    )
    moderation = Moderation.objects.filter(answer=answer).first() or Moderation(
        organisation=answer.organisation, answer=answer
    )
    moderation.consensus_score = consensus_score
    moderation.rationale = rationale.strip()
    moderation.spread = int(found.spread) if found else 0
    moderation.spread_flagged = found.flagged if found else False
    moderation.moderated_by = by
    moderation.moderated_at = timezone.now()
    moderation.save()
    for score in scores:
        text = explanations.get(score.pk, "").strip() if score.score != consensus_score else ""
        current = ModerationExplanation.objects.filter(score=score).first()
        if not text:
            if current:
                current.delete()
            continue
        current = current or ModerationExplanation(
            organisation=answer.organisation, moderation=moderation, score=score
        )
        current.explanation = text
        current.save()
    return moderation
