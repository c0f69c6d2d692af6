"""Writing surveys and answers. Every rule is checked here and raises ValidationError with the
field it is about.

Builder rules:
- a survey's questions can be added, changed, moved and removed only while it has no
  responses; after that only the wording (question, hint, easy-read wording) can change, so
  that earlier answers keep their meaning;
- a choice, scale or ranking question needs at least two options, a grid at least one row and
  two points; a number's smallest allowed value cannot be more than its largest;
- routing goes forward only: from a choice to a later question, a later section or the end;
- a survey can be opened only with at least one question and a closing date still to come.

Answers: each page a respondent sends saves its answer (autosave); `submit` is a state change
done once (a second submit finds the response sent and does nothing), so a double click, a
reload or a retry never makes a second response.
"""

import datetime
import secrets
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Prefetch
from django.utils import timezone

from coproduce.accounts.models import Organisation
from coproduce.core import uploads
from coproduce.notifications.message import Message
from coproduce.notifications.services import send
from coproduce.people.models import ConsentPurpose, Person
from coproduce.projects.models import CommissioningProject, EngagementMethod, Stage

from . import tallying
from .models import (
    OPTION_KINDS,
    ROUTABLE_KINDS,
    Answer,
    AnswerTally,
    Question,
    QuestionKind,
    Response,
    ResponseSource,
    ResponseStatus,
    Route,
    Section,
    Survey,
    SurveyStatus,
)
from .survey_templates import TEMPLATES

K = QuestionKind
# What may change in a question once people have answered.
WORDING_FIELDS = frozenset({"text", "hint", "easy_read_text"})
MAX_UPLOAD_MEGABYTES = 5
UPLOAD_KINDS = {".pdf": uploads.PDF, **uploads.PICTURES, ".docx": uploads.DOCX, ".txt": uploads.TXT}
MAX_TEXT = 5000


# Surveys ----------------------------------------------------------------------------------


def _check_links(survey: Survey) -> None:
    org = survey.organisation_id
    project, stage, method = survey.project, survey.stage, survey.method
    if project is not None and project.organisation_id != org:
        raise ValidationError({"project": "Choose one of your organisation's projects."})
    if stage is not None and stage.project_id != survey.project_id:
        raise ValidationError({"stage": "Choose a stage of the project."})
    if method is not None and method.plan.stage_id != survey.stage_id:
        raise ValidationError({"method": "Choose a method of the stage's engagement plan."})


@transaction.atomic
def save_survey(survey: Survey) -> Survey:
    if survey.method is not None and survey.stage is None:
        survey.stage = survey.method.plan.stage
    if survey.stage is not None and survey.project is None:
        survey.project = survey.stage.project
    _check_links(survey)
    if survey.pk and survey.responses.exists():
        before = Survey.objects.get(pk=survey.pk)
        if before.anonymous != survey.anonymous:
            raise ValidationError(
                {
                    "anonymous": "People have answered already: you cannot change whether it is "
                    "anonymous."
                }
            )
    if (
        survey.status == SurveyStatus.OPEN
        and survey.closes_at
        and survey.closes_at <= timezone.now()
    ):
        raise ValidationError({"closes_at": "The closing date must be in the future."})
    survey.save()
    if not survey.sections.exists():
        Section.objects.create(
            organisation_id=survey.organisation_id, survey=survey, title="Your answers", order=1
        )
    return survey


def new_survey(
    organisation: Organisation,
    *,
    created_by: Any = None,
    method: EngagementMethod | None = None,
    stage: Stage | None = None,
    project: CommissioningProject | None = None,
) -> Survey:
    """An unsaved survey for the form to fill in."""
    return Survey(
        organisation=organisation,
        created_by=created_by,
        method=method,
        stage=stage,
        project=project,
    )


@transaction.atomic
def create_from_template(
    organisation: Organisation,
    template_key: str,
    *,
    created_by: Any = None,
    project: CommissioningProject | None = None,
    stage: Stage | None = None,
    method: EngagementMethod | None = None,
    title: str = "",
    anonymous: bool = True,
) -> Survey:
    """A draft survey with the template's sections and questions, ready to change."""
    template = TEMPLATES.get(template_key)
    if template is None:
        raise ValidationError({"template": "Choose a template from the list."})
    survey = Survey(
        organisation=organisation,
        project=project,
        stage=stage,
        method=method,
        title=title or template.title,
        introduction=template.introduction,
        easy_read_introduction=template.easy_read_introduction,
        anonymous=anonymous,
        easy_read=True,
        template_key=template.key,
        created_by=created_by,
    )
    _check_links(survey)
    survey.save()
    order = 0
    for section_order, (section_title, questions) in enumerate(template.sections, start=1):
        section = Section.objects.create(
            organisation=organisation, survey=survey, title=section_title, order=section_order
        )
        for q in questions:
            order += 1
            Question.objects.create(
                organisation=organisation,
                survey=survey,
                section=section,
                kind=q.kind,
                text=q.text,
                hint=q.hint,
                easy_read_text=q.easy_read,
                required=q.required,
                order=order,
                options=list(q.options),
                rows=list(q.rows),
            )
    return survey


def accepting_responses(survey: Survey, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return survey.status == SurveyStatus.OPEN and (
        survey.closes_at is None or survey.closes_at > now
    )


def _lock(survey: Survey) -> None:
    """Locks the row and brings the caller's instance up to date with it."""
    Survey.objects.select_for_update().filter(pk=survey.pk).exists()
    survey.refresh_from_db()


@transaction.atomic
def open_survey(survey: Survey) -> Survey:
    _lock(survey)
    if not survey.questions.exists():
        raise ValidationError("Add at least one question before you open the survey.")
    if survey.closes_at and survey.closes_at <= timezone.now():
        raise ValidationError(
            {"closes_at": "The closing date has passed. Change it to a date in the future."}
        )
    survey.status = SurveyStatus.OPEN
    survey.opened_at = survey.opened_at or timezone.now()
    survey.save()
    return survey


@transaction.atomic
def close_survey(survey: Survey) -> Survey:
    _lock(survey)
    if survey.status != SurveyStatus.OPEN:
        raise ValidationError("Only an open survey can be closed.")
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = timezone.now()
    survey.save()
    return survey


# Sections and questions ------------------------------------------------------------------


def has_responses(survey: Survey) -> bool:
    return survey.responses.exists()


def _check_unlocked(survey: Survey) -> None:
    if has_responses(survey):
        raise ValidationError(
            "People have answered this survey already, so its questions cannot be added, "
            "moved or removed. You can still correct the wording."
        )


@transaction.atomic
def save_section(section: Section) -> Section:
    if section.survey.organisation_id != section.organisation_id:
        raise ValidationError("The section must belong to the survey's organisation.")
    if not section.pk:
        _check_unlocked(section.survey)
        last = section.survey.sections.aggregate(last=Max("order"))["last"] or 0
        section.order = last + 1
    section.save()
    return section


@transaction.atomic
def delete_section(section: Section) -> None:
    if section.questions.exists():
        raise ValidationError("Move or remove the section's questions first.")
    if section.survey.sections.count() == 1:
        raise ValidationError("A survey needs at least one section.")
    section.delete()


def _clean_lines(values: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        value = value.strip()
        if value and value not in seen:
            seen.append(value)
    return seen


def _check_question(question: Question) -> None:
    errors: dict[str, str] = {}
    question.options = _clean_lines(question.options or [])
    question.rows = _clean_lines(question.rows or [])
    if question.kind in OPTION_KINDS and len(question.options) < 2:
        errors["options"] = "Give at least 2 answers to choose from, one per line."
    if any(len(option) > 200 for option in question.options):
        errors["options"] = "Keep each answer to 200 characters or fewer."
    if question.kind == K.MATRIX and not question.rows:
        errors["rows"] = "Give at least 1 row, one per line."
    if question.kind not in OPTION_KINDS:
        question.options = []
    if question.kind != K.MATRIX:
        question.rows = []
    if question.kind == K.NUMBER:
        low, high = question.min_value, question.max_value
        if low is not None and high is not None and low > high:
            errors["max_value"] = (
                "The largest number must be the same as or more than the smallest."
            )
    else:
        question.min_value = question.max_value = None
    if question.section is not None and question.section.survey_id != question.survey_id:
        errors["section"] = "Choose a section of this survey."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_question(question: Question) -> Question:
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    question.organisation_id = survey.organisation_id
    _check_question(question)
    if question.pk:
        before = Question.objects.get(pk=question.pk)
        if has_responses(survey):
            changed = {
                name
                for name in (
                    "kind",
                    "section_id",
                    "required",
                    "options",
                    "rows",
                    "min_value",
                    "max_value",
                )
                if getattr(before, name) != getattr(question, name)
            }
            if changed:
                raise ValidationError(
                    "People have answered this survey already: you can only correct the "
                    "wording of its questions."
                )
        elif before.options != question.options or before.kind != question.kind:
            # Routes name options: those that no longer exist go.
            question.routes.exclude(option__in=question.options).delete()
            if question.kind not in ROUTABLE_KINDS:
                question.routes.all().delete()
    else:
        _check_unlocked(survey)
        if question.section_id is None:
            question.section = survey.sections.order_by("order", "pk").first()
        last = (
            question.section.questions.aggregate(last=Max("order"))["last"]
            if question.section
            else 0
        )
        question.order = (last or 0) + 1
    question.save()
    _drop_backward_routes(survey)
    return question


@transaction.atomic
def delete_question(question: Question) -> None:
    _check_unlocked(question.survey)
    question.delete()


def questions_in_order(survey: Survey) -> list[Question]:
    """Every question in the order respondents meet them: section by section."""
    routes = Prefetch("routes", queryset=Route.objects.select_related("to_question", "to_section"))
    questions = list(survey.questions.select_related("section").prefetch_related(routes))
    return sorted(
        questions,
        key=lambda q: (
            (q.section.order, q.section.pk) if q.section else (-1, 0),
            q.order,
            q.pk,
        ),
    )


@transaction.atomic
def move_question(question: Question, direction: str) -> None:
    """Swaps the question with its neighbour above or below, across sections if need be."""
    _check_unlocked(question.survey)
    ordered = questions_in_order(question.survey)
    position = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
    target = position - 1 if direction == "up" else position + 1
    if not 0 <= target < len(ordered):
        return
    if direction == "up":
        ordered[position - 1 : position + 1] = [ordered[position], ordered[position - 1]]
    else:
        ordered[position : position + 2] = [ordered[position + 1], ordered[position]]
    moved = ordered[target]
    neighbour = ordered[position]
    if moved.section_id != neighbour.section_id:
        # Crossing into the next section: the question joins it (at its start or end).
        moved.section_id = neighbour.section_id
    for order, q in enumerate(ordered, start=1):
        if q.order != order or q.pk == moved.pk:
            q.order = order
            q.save()
    _drop_backward_routes(question.survey)


def _drop_backward_routes(survey: Survey) -> None:
    """Routes must go forward: any a reorder turned backwards are removed."""
    ordered = questions_in_order(survey)
    position = {q.pk: i for i, q in enumerate(ordered)}
    first_of_section: dict[int, int] = {}
    for i, q in enumerate(ordered):
        if q.section_id is not None:
            first_of_section.setdefault(q.section_id, i)
    for q in ordered:
        for route in q.routes.all():
            target = _route_position(route, position, first_of_section)
            if target is not None and target <= position[q.pk]:
                route.delete()


def _route_position(
    route: Route, position: Mapping[int, int], first_of_section: Mapping[int, int]
) -> int | None:
    if route.to_question_id:
        return position.get(route.to_question_id)
    if route.to_section_id:
        return first_of_section.get(route.to_section_id, len(position))
    return None


END = "end"


@transaction.atomic
def save_routes(question: Question, targets: Mapping[str, str]) -> None:
    """`targets`: option -> "" (next question), "end", "question:<pk>" or "section:<pk>"."""
    if question.kind not in ROUTABLE_KINDS:
        raise ValidationError("Only a choose-one or scale question can send people elsewhere.")
    _check_unlocked(question.survey)
    ordered = questions_in_order(question.survey)
    position = {q.pk: i for i, q in enumerate(ordered)}
    first_of_section: dict[int, int] = {}
    for i, q in enumerate(ordered):
        if q.section_id is not None:
            first_of_section.setdefault(q.section_id, i)
    here = position[question.pk]
    errors: dict[str, str] = {}
    wanted: dict[str, Route] = {}
    for index, option in enumerate(question.options):
        target = targets.get(option, "")
        if not target:
            continue
        route = Route(organisation_id=question.organisation_id, question=question, option=option)
        kind, _, pk = target.partition(":")
        if kind == "question" and pk.isdigit() and int(pk) in position:
            route.to_question_id = int(pk)
        elif kind == "section" and pk.isdigit() and int(pk) in first_of_section:
            route.to_section_id = int(pk)
        elif target != END:
            errors[f"route_{index}"] = "Choose where to go from the list."
            continue
        goes_to = _route_position(route, position, first_of_section)
        if goes_to is not None and goes_to <= here:
            errors[f"route_{index}"] = (
                "Routing can only go forward: choose a later question or section, or the end."
            )
            continue
        wanted[option] = route
    if errors:
        raise ValidationError(errors)
    question.routes.all().delete()
    for route in wanted.values():
        route.save()


# Responding ----------------------------------------------------------------------------------


def path_for(questions: list[Question], answers: Mapping[int, Answer]) -> list[Question]:
    """The questions a respondent meets given their answers so far, following the routes:
    after a routed answer, skip to its target; otherwise go on to the next question."""
    position = {q.pk: i for i, q in enumerate(questions)}
    first_of_section: dict[int, int] = {}
    for i, q in enumerate(questions):
        if q.section_id is not None:
            first_of_section.setdefault(q.section_id, i)
    path: list[Question] = []
    i = 0
    while i < len(questions):
        question = questions[i]
        path.append(question)
        answer = answers.get(question.pk)
        route = None
        if answer is not None and answer.choice:
            route = next((r for r in question.routes.all() if r.option == answer.choice), None)
        if route is None:
            i += 1
            continue
        target = _route_position(route, position, first_of_section)
        i = len(questions) if target is None else max(target, i + 1)
    return path


def answers_by_question(response: Response) -> dict[int, Answer]:
    return {answer.question_id: answer for answer in response.answers.all()}


def area_of(postcode: str) -> str:
    """The postcode district: the outward code, the part before the space."""
    compact = postcode.strip().upper().replace(" ", "")
    if len(compact) < 5:
        return compact[:4] if compact else ""
    return compact[:-3]


@transaction.atomic
def start_response(
    survey: Survey,
    *,
    person: Person | None = None,
    source: str = ResponseSource.ONLINE,
    entered_by: Any = None,
    easy_read: bool = False,
) -> Response:
    if not accepting_responses(survey) and source == ResponseSource.ONLINE:
        raise ValidationError("This survey is not taking answers.")
    if person is not None:
        if survey.anonymous:
            raise ValidationError("Answers to an anonymous survey are not linked to anyone.")
        if person.organisation_id != survey.organisation_id:
            raise ValidationError({"person": "Choose someone from your organisation's register."})
        existing = Response.objects.filter(survey=survey, person=person).first()
        if existing is not None:
            return existing
    return Response.objects.create(
        organisation_id=survey.organisation_id,
        survey=survey,
        person=person,
        source=source,
        entered_by=entered_by,
        easy_read=easy_read,
        area=area_of(person.postcode) if person is not None else "",
    )


def personal_link_response(survey: Survey, person: Person) -> Response:
    """The response behind a person's personal link to an identified survey (made once)."""
    try:
        return start_response(survey, person=person)
    except IntegrityError:
        return Response.objects.get(survey=survey, person=person)


def _check_file(upload: UploadedFile) -> None:
    try:
        uploads.check_upload(upload, UPLOAD_KINDS, max_megabytes=MAX_UPLOAD_MEGABYTES)
    except ValidationError as error:
        raise ValidationError({"answer": error.messages}) from error


def check_value(question: Question, value: Any) -> None:
    """The rules every answer follows, however it was entered. `value` is already parsed by
    the form: str, list[str], Decimal, date, dict[str, str] or an uploaded file."""
    if value in (None, "", [], {}):
        return
    kind = question.kind
    if kind in (K.TEXT, K.LONG_TEXT):
        limit = 300 if kind == K.TEXT else MAX_TEXT
        if len(value) > limit:
            raise ValidationError({"answer": f"Keep your answer to {limit} characters or fewer."})
    elif kind in (K.SINGLE_CHOICE, K.SCALE):
        if value not in question.options:
            raise ValidationError({"answer": "Choose one of the answers listed."})
    elif kind == K.MULTIPLE_CHOICE:
        if any(item not in question.options for item in value):
            raise ValidationError({"answer": "Choose from the answers listed."})
    elif kind == K.RANKING:
        if sorted(value) != sorted(question.options):
            raise ValidationError(
                {"answer": "Give each item a different place, from 1 to the last."}
            )
    elif kind == K.NUMBER:
        if question.min_value is not None and value < question.min_value:
            raise ValidationError(
                {"answer": f"Enter a number of {question.min_value.normalize():f} or more."}
            )
        if question.max_value is not None and value > question.max_value:
            raise ValidationError(
                {"answer": f"Enter a number of {question.max_value.normalize():f} or less."}
            )
    elif kind == K.MATRIX:
        for row, point in value.items():
            if row not in question.rows or point not in question.options:
                raise ValidationError({"answer": "Choose one answer for each row."})
    elif kind == K.FILE:
        _check_file(value)


def _store(answer: Answer, question: Question, value: Any) -> None:
    kind = question.kind
    answer.text, answer.choice, answer.choices = "", "", []
    answer.number, answer.date, answer.matrix = None, None, {}
    if value in (None, "", [], {}):
        return
    if kind in (K.TEXT, K.LONG_TEXT):
        answer.text = value.strip()
    elif kind in (K.SINGLE_CHOICE, K.SCALE):
        answer.choice = value
    elif kind in (K.MULTIPLE_CHOICE, K.RANKING):
        answer.choices = (
            list(value) if kind == K.RANKING else [o for o in question.options if o in value]
        )
    elif kind == K.NUMBER:
        answer.number = Decimal(value)
    elif kind == K.DATE:
        answer.date = value
    elif kind == K.MATRIX:
        answer.matrix = {row: value[row] for row in question.rows if row in value}


@transaction.atomic
def save_answer(response: Response, question: Question, value: Any) -> Answer | None:
    """Saves (or clears) one answer to an unsent response: the autosave behind each page."""
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.is_submitted:
        raise ValidationError("These answers have been sent already.")
    if question.survey_id != response.survey_id:
        raise ValidationError("That question is not in this survey.")
    check_value(question, value)
    answer = Answer.objects.filter(response=response, question=question).first()
    if question.kind == K.FILE:
        if value in (None, ""):
            # No new file chosen: keep the one uploaded before, if any.
            return answer
        answer = answer or Answer(
            organisation_id=response.organisation_id, response=response, question=question
        )
        if answer.file:
            answer.file.delete(save=False)
        answer.file_name = (value.name or "upload")[-200:]
        answer.file.save(f"{secrets.token_hex(16)}", value, save=False)
        answer.save()
        return answer
    if value in (None, "", [], {}):
        if answer is not None:
            answer.delete()
        return None
    answer = answer or Answer(
        organisation_id=response.organisation_id, response=response, question=question
    )
    _store(answer, question, value)
    answer.save()
    return answer


def missing_answers(response: Response) -> list[Question]:
    """Required questions on the respondent's path not yet answered."""
    questions = questions_in_order(response.survey)
    answers = answers_by_question(response)
    return [
        q
        for q in path_for(questions, answers)
        if q.required and (q.pk not in answers or answers[q.pk].is_empty)
    ]


@transaction.atomic
def submit(response: Response, *, require_all: bool = True) -> Response:
    """Sends the response, once. Already sent: returns it unchanged. Answers to questions the
    routing skipped are removed, so results count only what people were asked."""
    response = (
        Response.objects.select_for_update(of=("self",))
        .select_related("survey", "person")
        .get(pk=response.pk)
    )
    if response.is_submitted:
        return response
    if response.source == ResponseSource.ONLINE and not accepting_responses(response.survey):
        raise ValidationError("This survey has closed, so it is not taking answers any more.")
    if require_all:
        missing = missing_answers(response)
        if missing:
            raise ValidationError(
                {"answers": [f"Answer the question: {question.text}" for question in missing]}
            )
    questions = questions_in_order(response.survey)
    on_path = {q.pk for q in path_for(questions, answers_by_question(response))}
    for answer in response.answers.exclude(question_id__in=on_path):
        if answer.file:
            answer.file.delete(save=False)
        answer.delete()
    if response.person is not None and not response.area:
        response.area = area_of(response.person.postcode)
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = timezone.now()
    response.save()
    tally_answers(response.survey_id, tallied(response, response.answers.all(), questions), 1)
    return response


# Results' running counts (ADR 10) ---------------------------------------------------------------

# (survey, question, source, day, measure, grid row, option)
TallyKey = tuple[int, int, str, datetime.date, str, str, str]
# (question, kind, source, day, choice, choices, matrix): one sent answer, as counted
Tallied = tuple[int, str, str, datetime.date, str, list[Any], dict[str, Any]]
TALLY_CHUNK = 2000


def tally_day(submitted_at: datetime.datetime) -> datetime.date:
    """The day a response counts under: its date where the service is (TIME_ZONE), the same
    day the results' date filters put it in."""
    return timezone.localdate(submitted_at, timezone.get_default_timezone())


def tallied(
    response: Response, answers: Iterable[Answer], questions: Iterable[Question]
) -> Iterator[Tallied]:
    kinds = {question.pk: question.kind for question in questions}
    assert response.submitted_at is not None
    day = tally_day(response.submitted_at)
    for answer in answers:
        yield (
            answer.question_id,
            kinds[answer.question_id],
            response.source,
            day,
            answer.choice,
            answer.choices,
            answer.matrix,
        )


def _tally_counts(survey_id: int, answers: Iterable[Tallied], sign: int) -> Counter[TallyKey]:
    counts: Counter[TallyKey] = Counter()
    for question_id, kind, source, day, choice, choices, matrix in answers:
        for measure, row, option, amount in tallying.contributions(kind, choice, choices, matrix):
            counts[(survey_id, question_id, source, day, measure, row, option)] += sign * amount
    return counts


def _lock_tallies(survey_id: int) -> None:
    """Changes to a survey's running counts wait for a rebuild of them, and the other way
    round (FOR NO KEY UPDATE on PostgreSQL, so new responses to the survey are not held up)."""
    Survey.objects.select_for_update(no_key=True).filter(pk=survey_id).exists()


def tally_answers(survey_id: int, answers: Iterable[Tallied], sign: int) -> None:
    """Adds (`sign` 1) or takes away (-1) sent answers in the survey's running counts. Call it
    in the transaction that sends, changes or removes them. One statement for all the rows:
    each is made if new, else added to (ON CONFLICT ... DO UPDATE, the same on SQLite and
    PostgreSQL). Rows go in a fixed order, so two responses sent at once lock shared rows in
    the same order and cannot deadlock."""
    counts = sorted((key, n) for key, n in _tally_counts(survey_id, answers, sign).items() if n)
    if not counts:
        return
    _lock_tallies(survey_id)
    quote = connection.ops.quote_name
    table = quote(AnswerTally._meta.db_table)
    columns = ["survey_id", "question_id", "source", "day", "measure", "grid_row", "option"]
    names = ", ".join(quote(column) for column in columns)
    count = quote("count")
    key = ", ".join(quote(column) for column in columns[1:])
    # Only quoted names from the model go into the statement; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({names}, {count}) VALUES ({', '.join(['%s'] * 8)}) "  # noqa: S608
        f"ON CONFLICT ({key}) DO UPDATE SET {count} = {table}.{count} + excluded.{count}"
    )
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                (survey, question, source, adapt(day), measure, row, option, n)
                for (survey, question, source, day, measure, row, option), n in counts
            ],
        )


@transaction.atomic
def rebuild_tallies(survey: Survey) -> int:
    """Works the survey's running counts out again from its sent answers (after answers were
    loaded in bulk, or to check them). Returns how many count rows it made."""
    _lock_tallies(survey.pk)
    AnswerTally.objects.filter(survey=survey).delete()
    kinds = dict(Question.objects.filter(survey=survey).values_list("pk", "kind"))
    answers = (
        Answer.objects.filter(
            response__survey=survey,
            response__status=ResponseStatus.SUBMITTED,
            response__submitted_at__isnull=False,  # always set when sent
        )
        .values_list(
            "question_id",
            "response__source",
            "response__submitted_at",
            "choice",
            "choices",
            "matrix",
        )
        .order_by()
        .iterator(chunk_size=TALLY_CHUNK)
    )
    counts = _tally_counts(
        survey.pk,
        (
            (
                question,
                kinds[question],
                source,
                tally_day(cast(datetime.datetime, at)),
                choice,
                choices,
                matrix,
            )
            for question, source, at, choice, choices, matrix in answers
        ),
        1,
    )
    AnswerTally.objects.bulk_create(
        (
            AnswerTally(
                survey_id=survey.pk,
                question_id=question,
                source=source,
                day=day,
                measure=measure,
                grid_row=row,
                option=option,
                count=n,
            )
            for (_, question, source, day, measure, row, option), n in counts.items()
            if n
        ),
        batch_size=TALLY_CHUNK,
    )
    return sum(1 for n in counts.values() if n)


def email_resume_link(response: Response, link: str, email: str = "") -> str:
    """Sends the private link to carry on. For someone in the register it goes through the
    notifications service (their channel, format and consent); for an anonymous respondent to
    the address they type, which is not kept. Returns where it went."""
    survey = response.survey
    if response.is_submitted:
        raise ValidationError("These answers have been sent already.")
    closing = (
        f"\n\nThe survey closes on {timezone.localtime(survey.closes_at):%-d %B %Y at %-I:%M%p}."
        if survey.closes_at
        else ""
    )
    body = (
        f"You started answering {survey.title}. Your answers are saved.\n\n"
        "Use the link to carry on where you left off. Keep it private: anyone who has it can "
        f"see and change your answers.{closing}"
    )
    if response.person is not None:
        minute = timezone.now().strftime("%Y%m%d%H%M")
        send(
            response.person,
            Message(subject=f"Carry on with: {survey.title}", body=body, link=link),
            purpose=ConsentPurpose.CONTACT,
            # One email a minute at most: a double click does not send two.
            key=f"survey-resume-{response.pk}-{minute}",
            topic=survey.title,
        )
        return "your usual way of contact"
    address = email.strip()
    if not address:
        raise ValidationError({"email": "Enter your email address."})
    try:
        validate_email(address)
    except ValidationError as wrong:
        raise ValidationError(
            {"email": "Enter an email address in the right format, like name@example.com."}
        ) from wrong
    send_mail(
        subject=f"Carry on with: {survey.title}",
        message=f"{body}\n\n{link}\n\nIf you did not ask for this email, you can ignore it.\n",
        from_email=None,
        recipient_list=[address],
    )
    return address


# Staff entry of paper, phone and event responses ----------------------------------------------


@transaction.atomic
def enter_response(
    survey: Survey,
    values: Mapping[int, Any],
    *,
    source: str,
    entered_by: Any,
    entry_key: str,
    person: Person | None = None,
    area: str = "",
) -> Response:
    """A whole response typed in by staff from paper, a phone call or an event. The entry key
    makes it once: sending the same form again returns the response made the first time."""
    if source == ResponseSource.ONLINE or source not in ResponseSource.values:
        raise ValidationError({"source": "Choose how the answers were given."})
    if survey.status == SurveyStatus.DRAFT:
        raise ValidationError("Open the survey before entering answers.")
    found = Response.objects.filter(entry_key=entry_key).first() if entry_key else None
    if found is not None:
        if found.survey_id != survey.pk:
            raise ValidationError("This form was for another survey. Start again.")
        return found
    if person is not None and Response.objects.filter(survey=survey, person=person).exists():
        raise ValidationError({"person": "This person has answered already."})
    questions = questions_in_order(survey)
    errors: dict[str, list[str]] = {}
    for question in questions:
        try:
            check_value(question, values.get(question.pk))
        except ValidationError as error:
            errors[f"q{question.pk}"] = error.message_dict["answer"]
    if errors:
        raise ValidationError(errors)
    response = start_response(survey, person=person, source=source, entered_by=entered_by)
    response.entry_key = entry_key or None
    if area:
        response.area = area_of(area)
    response.save()
    for question in questions:
        value = values.get(question.pk)
        if value not in (None, "", [], {}):
            save_answer(response, question, value)
    # Staff type what is on the paper: questions left blank there stay blank.
    return submit(response, require_all=False)


def new_entry_key() -> str:
    return secrets.token_urlsafe(24)


def send_personal_links(
    survey: Survey, people: Iterable[Person], link_for: Any, *, sent_by: Any = None
) -> int:
    """Invites each person to an identified survey with their own private link (one response
    each, made once). Goes through the notifications service: consent, channel and format are
    theirs, and a repeat sends nothing twice. Returns how many were invited."""
    if survey.anonymous:
        raise ValidationError("An anonymous survey has one public link for everyone.")
    if not accepting_responses(survey):
        raise ValidationError("Open the survey before inviting people.")
    count = 0
    for person in people:
        if person.organisation_id != survey.organisation_id:
            continue
        response = personal_link_response(survey, person)
        if response.is_submitted:
            continue
        closing = (
            f" It closes on {timezone.localtime(survey.closes_at):%-d %B %Y}."
            if survey.closes_at
            else ""
        )
        send(
            person,
            Message(
                subject=f"Tell us what you think: {survey.title}",
                body=(
                    f"{survey.organisation.name} would like your views.\n\n"
                    f"{survey.introduction}\n\n"
                    f"Use your own link below to answer.{closing} Keep it private: anyone who "
                    "has it can see and change your answers."
                ).replace("\n\n\n\n", "\n\n"),
                link=link_for(response),
            ),
            purpose=ConsentPurpose.CONTACT,
            key=f"survey-invite-{survey.pk}-{person.pk}",
            topic=survey.title,
            sent_by=sent_by,
        )
        count += 1
    return count
