"""Equality monitoring pages (person by person, only with the equality-data permission; every
page showing someone's answers is recorded in the audit trail) and the representativeness
page (aggregates with small numbers hidden, for all staff of the organisation)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from coproduce.audit.services import record_view
from coproduce.core.views_helpers import require, run_service, scoped_or_404, staff_required
from coproduce.people.models import ConsentPurpose, Person
from coproduce.people.services import has_consent, register_settings
from coproduce.projects.models import CommissioningProject

from . import selectors, services
from .forms import (
    ComparisonForm,
    EqualityAnswersForm,
    EqualityQuestionForm,
    TargetImportForm,
    TargetSharesForm,
    extra_field_name,
)
from .models import CATEGORIES, QUESTIONS, EqualityAnswers, EqualityQuestion
from .people_sets import PeopleSet, sources

VIEWED = "equality answers"
MAX_LISTED_PROBLEMS = 100


def _scoped(model: Any, request: HttpRequest, pk: int) -> Any:
    return scoped_or_404(request, model, pk)


def _ran(form: forms.BaseForm, service: Callable[[], object]) -> bool:
    """Runs a write service whose result the view does not need; its rule errors land on the
    form (see `run_service`). True if it succeeded."""

    def call() -> bool:
        service()
        return True

    return bool(run_service(form, call))


def _posted(request: HttpRequest) -> Any:
    """The form data on POST (even if empty, so that a missing answer is reported), else None."""
    return request.POST if request.method == "POST" else None


def _person_url(person: Person) -> str:
    try:
        return reverse("people:detail", args=[person.pk])
    except NoReverseMatch:  # the register's pages are not installed
        return reverse("projects:dashboard")


def _answer_rows(answers: EqualityAnswers | None) -> list[tuple[str, str]]:
    """(question, answer in words) for every question; only called after `record_view`."""
    rows = []
    for question in QUESTIONS:
        value = getattr(answers, question.field, None) if answers else None
        label = dict(question.choices.choices).get(value or "", "")
        if question.field == "ethnic_group" and value and label:
            heading = CATEGORIES["ethnic_group"].group_of(value)
            headings = dict(CATEGORIES["ethnic_group"].groups)
            label = f"{headings[heading]}: {label}" if heading else label
        rows.append((question.name, label or "Not answered"))
    return rows


# Person-level answers


@staff_required
def answers(request: HttpRequest, pk: int) -> HttpResponse:
    person = _scoped(Person, request, pk)
    require(request, "people.view_equality_answers", person)
    record = selectors.answers_for(person)
    if record is not None:
        record_view(record, VIEWED)
    extra = {answer.question_id: answer.answer for answer in record.extra.all()} if record else {}
    questions = list(selectors.questions_for(person.organisation_id, active_only=False))
    context = {
        "person": person,
        "person_url": _person_url(person),
        "record": record,
        "rows": _answer_rows(record),
        "extra_rows": [
            (question.label, extra.get(question.pk, "Not answered"))
            for question in questions
            if question.is_active or question.pk in extra
        ],
        "consents": has_consent(person, ConsentPurpose.EQUALITY),
        "can_change": request.user.has_perm("people.change_equality_answers", person),
    }
    return render(request, "equality/answers.html", context)


@staff_required
def change(request: HttpRequest, pk: int) -> HttpResponse:
    person = _scoped(Person, request, pk)
    require(request, "people.change_equality_answers", person)
    questions = list(selectors.questions_for(person.organisation_id))
    consents = has_consent(person, ConsentPurpose.EQUALITY)
    form = EqualityAnswersForm(_posted(request), extra_questions=questions)
    if request.method == "POST":
        if form.is_valid() and _ran(
            form, lambda: services.save_answers(person, form.answers(), form.extra_answers())
        ):
            given = any(form.answers().values()) or any(form.extra_answers().values())
            messages.success(
                request,
                "Equality monitoring answers saved."
                if given
                else "Nothing was chosen, so no answers are kept.",
            )
            return redirect("equality:answers", pk=person.pk)
    elif consents:  # without consent the form is not shown, so the answers are not read
        record = selectors.answers_for(person)
        if record is not None:
            record_view(record, VIEWED)
            initial = {q.field: getattr(record, q.field) or "" for q in QUESTIONS}
            initial |= {extra_field_name(a.question): a.answer for a in record.extra.all()}
            form = EqualityAnswersForm(initial=initial, extra_questions=questions)
    context = {
        "person": person,
        "person_url": _person_url(person),
        "form": form,
        "consents": consents,
        "ethnic_group": form.ethnic_group_options(),
    }
    return render(request, "equality/answers_form.html", context)


@staff_required
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    person = _scoped(Person, request, pk)
    require(request, "people.change_equality_answers", person)
    if request.method == "POST":
        services.delete_answers(person)
        messages.success(request, "Their equality monitoring answers have been deleted.")
        return redirect("equality:answers", pk=person.pk)
    return render(
        request,
        "equality/answers_delete.html",
        {"person": person, "person_url": _person_url(person)},
    )


# The organisation's own questions


@staff_required
def question_list(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    require(request, "equality.change_equalityquestion", organisation)
    questions = selectors.questions_for(organisation.pk, active_only=False)
    return render(request, "equality/question_list.html", {"questions": questions})


def _question_form(request: HttpRequest, question: EqualityQuestion) -> HttpResponse:
    form = EqualityQuestionForm(_posted(request), instance=question)
    if (
        request.method == "POST"
        and form.is_valid()
        and _ran(form, lambda: services.save_question(form.instance))
    ):
        messages.success(request, f"Question saved: {question.label}")
        return redirect("equality:questions")
    return render(request, "equality/question_form.html", {"form": form, "question": question})


@staff_required
def question_create(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    require(request, "equality.change_equalityquestion", organisation)
    return _question_form(request, EqualityQuestion(organisation=organisation))


@staff_required
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = _scoped(EqualityQuestion, request, pk)
    require(request, "equality.change_equalityquestion", question)
    return _question_form(request, question)


# Representativeness


def _chosen_people_set(request: HttpRequest, project: CommissioningProject) -> PeopleSet | None:
    """The people set named in the query string (?list=<id>), or None if none is chosen. A
    value that is not one of the organisation's records is 'not found'."""
    for source in sources():
        key = request.GET.get(source.param, "").strip()
        if key:
            people_set = source.get(project.organisation, key)
            if people_set is None:
                raise Http404
            return people_set
    return None


@staff_required
def representativeness(request: HttpRequest, pk: int) -> HttpResponse:
    project = _scoped(CommissioningProject, request, pk)
    require(request, "people.view_equality_report", project)
    people_set = _chosen_people_set(request, project)
    form = ComparisonForm(request.GET if "margin" in request.GET else None)
    comparison = None
    too_many = False
    if people_set is not None and (not form.is_bound or form.is_valid()):
        threshold = register_settings(project.organisation).suppression_threshold
        margin = form.margin_or_default() if form.is_bound else selectors.DEFAULT_MARGIN
        try:
            comparison = selectors.compare(project, people_set, threshold=threshold, margin=margin)
        except selectors.TooManyPeople:
            too_many = True
    profile = selectors.target_profile(project)
    context = {
        "project": project,
        "form": form,
        "form_anchor": "id_margin",
        "sources": [
            {
                "param": source.param,
                "label": source.label,
                "choices": source.choices(project.organisation),
                "chosen": people_set.key
                if people_set and people_set.source == source.param
                else "",
            }
            for source in sources()
        ],
        "people_set": people_set,
        "comparison": comparison,
        "too_many": too_many,
        "limit": selectors.AGGREGATE_LIMIT,
        "targets": [
            {"code": code, "name": category.name, "groups": len(profile.get(code, {}))}
            for code, category in CATEGORIES.items()
        ],
        "can_change_targets": request.user.has_perm("equality.change_targetshare", project),
    }
    return render(request, "equality/representativeness.html", context)


@staff_required
def targets(request: HttpRequest, pk: int, category: str) -> HttpResponse:
    project = _scoped(CommissioningProject, request, pk)
    require(request, "equality.change_targetshare", project)
    if category not in CATEGORIES:
        raise Http404
    current = selectors.target_profile(project).get(category, {})
    initial = {f"share_{group}": f"{share.normalize():f}" for group, share in current.items()}
    form = TargetSharesForm(_posted(request), initial=initial, category=category)
    if (
        request.method == "POST"
        and form.is_valid()
        and _ran(form, lambda: services.set_target_shares(project, category, form.shares()))
    ):
        messages.success(request, f"Target population saved for {CATEGORIES[category].name}.")
        return redirect("equality:representativeness", pk=project.pk)
    first = f"id_share_{CATEGORIES[category].groups[0][0]}"
    return render(
        request,
        "equality/targets_form.html",
        {"project": project, "form": form, "category": CATEGORIES[category], "form_anchor": first},
    )


@staff_required
def targets_import(request: HttpRequest, pk: int) -> HttpResponse:
    project = _scoped(CommissioningProject, request, pk)
    require(request, "equality.change_targetshare", project)
    form = TargetImportForm(_posted(request), request.FILES)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.import_target_shares(project, upload.read())
        except ValidationError as problem:
            problems = problem.messages
            for message in problems[:MAX_LISTED_PROBLEMS]:
                form.add_error("file", message)
            if len(problems) > MAX_LISTED_PROBLEMS:
                form.add_error(
                    "file",
                    f"There are {len(problems)} problems in all: put these right, then upload "
                    "the file again to see the rest.",
                )
        else:
            names = ", ".join(CATEGORIES[code].name for code in result.categories)
            messages.success(request, f"Target population imported for {names}.")
            return redirect("equality:representativeness", pk=project.pk)
    return render(
        request,
        "equality/targets_import.html",
        {"project": project, "form": form, "categories": CATEGORIES.values()},
    )
