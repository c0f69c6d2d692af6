"""Staff pages: the survey builder, staff entry of paper, phone and event responses, results,
cross-tabulation, comments and exports."""

import csv
import tempfile
from collections.abc import Iterator
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from coproduce.core.views_helpers import (
    paginate,
    require,
    run_service,
    scoped_or_404,
    staff_required,
)
from coproduce.people.models import Person, SavedList

from . import selectors, services
from .forms import (
    CrosstabForm,
    EntryForm,
    FiltersForm,
    QuestionForm,
    RoutesForm,
    SectionForm,
    SurveyForm,
    TemplateForm,
)
from .models import (
    ROUTABLE_KINDS,
    Answer,
    Question,
    QuestionKind,
    Section,
    Survey,
    SurveyStatus,
)


def _organisation(request: HttpRequest) -> Any:
    return request.organisation  # type: ignore[attr-defined]


def _survey(request: HttpRequest, pk: int) -> Survey:
    queryset = Survey.objects.select_related("organisation", "project")
    return scoped_or_404(request, queryset, pk)  # type: ignore[no-any-return]


def _question(request: HttpRequest, pk: int) -> Question:
    queryset = Question.objects.select_related("survey__organisation", "section")
    return scoped_or_404(request, queryset, pk)  # type: ignore[no-any-return]


@staff_required
def survey_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "surveys.view_survey", organisation)
    status = request.GET.get("status", "")
    if status not in SurveyStatus.values:
        status = ""
    context = {
        "page": paginate(request, selectors.surveys_for(organisation, status)),
        "status": status,
        "filter_query": f"status={status}&" if status else "",
        "statuses": SurveyStatus.choices,
        "can_change": request.user.has_perm("surveys.change_survey", organisation),
    }
    return render(request, "surveys/list.html", context)


@staff_required
def survey_create(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "surveys.change_survey", organisation)
    survey = services.new_survey(organisation, created_by=request.user)
    form = SurveyForm(request.POST or None, instance=survey, organisation=organisation)
    template_form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and template_form.is_valid():
        key = template_form.cleaned_data["template"]
        if key:
            draft = form.save(commit=False)

            def from_template() -> Survey:
                made = services.create_from_template(
                    organisation,
                    key,
                    created_by=request.user,
                    project=draft.project,
                    title=draft.title,
                    anonymous=draft.anonymous,
                )
                made.closes_at = draft.closes_at
                return services.save_survey(made)

            saved = run_service(form, from_template)
        else:
            saved = run_service(form, lambda: services.save_survey(form.save(commit=False)))
        if saved:
            messages.success(request, "Survey saved as a draft.")
            return redirect("surveys:detail", pk=saved.pk)
    context = {"form": form, "template_form": template_form, "survey": None}
    return render(request, "surveys/survey_form.html", context)


@staff_required
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    require(request, "surveys.change_survey", survey)
    form = SurveyForm(request.POST or None, instance=survey, organisation=survey.organisation)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.save_survey(form.save(commit=False)))
        if saved:
            messages.success(request, "Changes saved.")
            return redirect("surveys:detail", pk=survey.pk)
    return render(request, "surveys/survey_form.html", {"form": form, "survey": survey})


@staff_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    require(request, "surveys.view_survey", survey)
    questions = services.questions_in_order(survey)
    sections = list(survey.sections.all())
    by_section: dict[int | None, list[Question]] = {}
    for question in questions:
        by_section.setdefault(question.section_id, []).append(question)
    groups = [(section, by_section.get(section.pk, [])) for section in sections]
    counts = selectors.response_counts(survey)
    locked = counts["all"] > 0
    context = {
        "survey": survey,
        "groups": groups,
        "unsectioned": by_section.get(None, []),
        "question_count": len(questions),
        "counts": counts,
        "locked": locked,
        "can_change": request.user.has_perm("surveys.change_survey", survey),
        "can_enter": request.user.has_perm("surveys.enter_response", survey),
        "can_see_responses": request.user.has_perm("surveys.view_responses", survey),
        "public_link": request.build_absolute_uri(reverse("surveys:start", args=[survey.pk])),
        "accepting": services.accepting_responses(survey),
        "routable": ROUTABLE_KINDS,
        "kinds": QuestionKind.choices,
    }
    return render(request, "surveys/detail.html", context)


@staff_required
@require_POST
def survey_open(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    require(request, "surveys.change_survey", survey)
    try:
        services.open_survey(survey)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "The survey is open for answers.")
    return redirect("surveys:detail", pk=survey.pk)


@staff_required
@require_POST
def survey_close(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    require(request, "surveys.change_survey", survey)
    try:
        services.close_survey(survey)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "The survey is closed. No more answers can be given.")
    return redirect("surveys:detail", pk=survey.pk)


# Sections and questions ---------------------------------------------------------------------


@staff_required
def section_form(request: HttpRequest, pk: int, section_pk: int | None = None) -> HttpResponse:
    survey = _survey(request, pk)
    require(request, "surveys.change_survey", survey)
    section = (
        scoped_or_404(request, survey.sections.all(), section_pk)
        if section_pk
        else Section(survey=survey, organisation=survey.organisation)
    )
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.save_section(form.save(commit=False)))
        if saved:
            messages.success(request, "Section saved.")
            return redirect("surveys:detail", pk=survey.pk)
    return render(
        request, "surveys/section_form.html", {"form": form, "survey": survey, "section": section}
    )


@staff_required
def question_form(request: HttpRequest, pk: int, question_pk: int | None = None) -> HttpResponse:
    survey = _survey(request, pk)
    require(request, "surveys.change_survey", survey)
    if question_pk:
        question = scoped_or_404(request, survey.questions.select_related("section"), question_pk)
    else:
        question = Question(survey=survey, organisation=survey.organisation)
        kind = request.GET.get("kind", "")
        if kind in QuestionKind.values:
            question.kind = kind
        section = request.GET.get("section", "")
        if section.isdigit():
            question.section = survey.sections.filter(pk=section).first()
    locked = services.has_responses(survey)
    if locked and not question.pk:
        messages.error(
            request, "People have answered this survey already, so no questions can be added."
        )
        return redirect("surveys:detail", pk=survey.pk)
    form = QuestionForm(request.POST or None, instance=question, survey=survey, locked=locked)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.save_question(form.save(commit=False)))
        if saved:
            messages.success(request, "Question saved.")
            return redirect(reverse("surveys:detail", args=[survey.pk]) + f"#question-{saved.pk}")
    context = {"form": form, "survey": survey, "question": question, "locked": locked}
    return render(request, "surveys/question_form.html", context)


@staff_required
@require_POST
def question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    require(request, "surveys.change_survey", question.survey)
    try:
        services.delete_question(question)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Question removed.")
    return redirect("surveys:detail", pk=question.survey_id)


@staff_required
@require_POST
def question_move(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    require(request, "surveys.change_survey", question.survey)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    try:
        services.move_question(question, direction)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(reverse("surveys:detail", args=[question.survey_id]) + f"#question-{pk}")


@staff_required
def question_routes(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    require(request, "surveys.change_survey", question.survey)
    if question.kind not in ROUTABLE_KINDS:
        raise Http404
    form = RoutesForm(request.POST or None, question=question)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, lambda: services.save_routes(question, form.targets()) or True)
    ):
        messages.success(request, "Routing saved.")
        return redirect(
            reverse("surveys:detail", args=[question.survey_id]) + f"#question-{question.pk}"
        )
    return render(
        request,
        "surveys/routes_form.html",
        {"form": form, "question": question, "survey": question.survey},
    )


# Personal links ----------------------------------------------------------------------------


@staff_required
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Identified surveys: send each person on a saved list their own link."""
    survey = _survey(request, pk)
    require(request, "surveys.change_survey", survey)
    if survey.anonymous:
        raise Http404
    lists = SavedList.objects.filter(organisation=survey.organisation).order_by("name")
    error = ""
    if request.method == "POST":
        chosen = lists.filter(pk=request.POST.get("saved_list") or 0).first()
        if chosen is None:
            error = "Choose a saved list of people to invite."
        else:
            try:
                count = services.send_personal_links(
                    survey,
                    chosen.people.all(),
                    lambda response: request.build_absolute_uri(
                        reverse("surveys:resume", args=[response.resume_token])
                    ),
                    sent_by=request.user,
                )
            except ValidationError as problem:
                error = " ".join(problem.messages)
            else:
                messages.success(request, f"Invited {count} people. See Messages for each one.")
                return redirect("surveys:detail", pk=survey.pk)
    return render(
        request, "surveys/invite.html", {"survey": survey, "lists": lists, "error": error}
    )


# Staff entry ----------------------------------------------------------------------------------


@staff_required
def enter(request: HttpRequest, pk: int) -> HttpResponse:
    """A whole paper, phone or event response on one page. In assisted mode the response is
    the participant's own (identified surveys)."""
    survey = _survey(request, pk)
    require(request, "surveys.enter_response", survey)
    assisted = getattr(request, "assisted_participant", None)
    person = None
    if assisted is not None and not survey.anonymous:
        person = Person.objects.filter(user=assisted, organisation=survey.organisation).first()
    form = EntryForm(
        request.POST or None,
        request.FILES or None,
        survey=survey,
        initial={"entry_key": services.new_entry_key()},
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.enter_response(
                survey,
                form.values(),
                source=form.cleaned_data["source"],
                entered_by=request.user,
                entry_key=form.cleaned_data["entry_key"],
                person=person,
                area=form.cleaned_data["area"],
            ),
        )
        if saved:
            messages.success(request, f"Response {saved.pk} saved. You can enter the next one.")
            return redirect("surveys:enter", pk=survey.pk)
    context = {
        "survey": survey,
        "form": form,
        "groups": form.question_groups(),
        "person": person,
        "accepting": survey.status != SurveyStatus.DRAFT,
    }
    return render(request, "surveys/enter.html", context)


@staff_required
def responses(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    require(request, "surveys.view_responses", survey)
    context = {"survey": survey, "page": paginate(request, selectors.responses_for(survey))}
    return render(request, "surveys/responses.html", context)


@staff_required
def answer_file(request: HttpRequest, pk: int) -> HttpResponse:
    answer = scoped_or_404(request, Answer.objects.select_related("response__survey"), pk)
    require(request, "surveys.view_responses", answer.response.survey)
    if not answer.file:
        raise Http404
    return _streamed(
        FileResponse(
            answer.file.open("rb"), as_attachment=True, filename=answer.file_name or "answer"
        )
    )


# Results ----------------------------------------------------------------------------------------


@staff_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    require(request, "surveys.view_results", survey)
    filters_form = FiltersForm(request.GET or None, survey=survey)
    filters = filters_form.filters()
    total, figures = selectors.results(survey, filters)
    context = {
        "survey": survey,
        "filters_form": filters_form,
        "form": filters_form,
        "filters": filters,
        "total": total,
        "figures": figures,
        "can_see_responses": request.user.has_perm("surveys.view_responses", survey),
        "query": request.GET.urlencode(),
    }
    return render(request, "surveys/results.html", context)


@staff_required
def crosstab(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    require(request, "surveys.view_results", survey)
    with_equality = request.user.has_perm("surveys.crosstab_equality", survey)
    options = selectors.breakdowns(survey, with_equality=with_equality)
    form = CrosstabForm(request.GET or None, survey=survey, breakdowns=options)
    table = None
    if form.is_bound and form.is_valid():
        question = form.questions[form.cleaned_data["question"]]
        by = form.cleaned_data["by"]
        table = selectors.crosstab(survey, question, by, form.labels[by])
    context = {"survey": survey, "form": form, "crosstab": table}
    return render(request, "surveys/crosstab.html", context)


@staff_required
def comments(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    require(request, "surveys.view_responses", question.survey)
    if not question.is_free_text:
        raise Http404
    context = {
        "survey": question.survey,
        "question": question,
        "page": paginate(request, selectors.comments(question)),
    }
    return render(request, "surveys/comments.html", context)


def _streamed(response: StreamingHttpResponse) -> HttpResponse:
    """`staff_required` is typed for HttpResponse; Django serves streaming responses from the
    same views just the same."""
    return cast(HttpResponse, response)


class _Echo:
    """csv.writer writes into this and gets the line back, so rows can be streamed."""

    def write(self, value: str) -> str:
        return value


def _filename(survey: Survey, extension: str) -> str:
    return f"{slugify(survey.title)[:60] or 'survey'}-answers.{extension}"


@staff_required
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    require(request, "surveys.view_responses", survey)
    writer = csv.writer(_Echo())
    questions = services.questions_in_order(survey)

    def lines() -> Iterator[str]:
        yield "\ufeff"  # so that Excel reads the file as UTF-8
        yield writer.writerow(selectors.export_header(questions))
        for row in selectors.export_rows(survey):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(survey, "csv")}"'
    return _streamed(response)


@staff_required
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    require(request, "surveys.view_responses", survey)
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Answers")
    questions = services.questions_in_order(survey)
    sheet.append(selectors.export_header(questions))
    for row in selectors.export_rows(survey):
        sheet.append(row)
    # Written to a temporary file (write-only mode keeps memory flat), then streamed from disk.
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    workbook.save(spool)
    spool.seek(0)
    return _streamed(
        FileResponse(
            spool,
            as_attachment=True,
            filename=_filename(survey, "xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    )
