"""Officers' pages for theming what people wrote in answer to an open question: find themes
in the background, curate them, tag examples, assign themes to every comment, check the least
certain, and read and download the results."""

import csv
import tempfile
from collections.abc import Iterator
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from coproduce.core.views_helpers import (
    paginate,
    require,
    run_service,
    scoped_or_404,
    staff_required,
)
from coproduce.surveys.models import Question

from . import selectors, services
from .forms import (
    CommentsFilterForm,
    CorrectionForm,
    MergeForm,
    ProposeForm,
    SearchForm,
    SplitForm,
    ThemeForm,
)
from .models import Theme, ThemeExample, ThemeSet

VIEW = "theming.view_themes"
CHANGE = "theming.change_themes"


def _question(request: HttpRequest, pk: int, permission: str) -> Question:
    queryset = Question.objects.select_related("survey__organisation")
    question = cast(Question, scoped_or_404(request, queryset, pk))
    require(request, permission, question)
    if not question.is_free_text:
        raise Http404
    return question


def _theme_set(request: HttpRequest, pk: int, permission: str) -> ThemeSet:
    """The question's themes; a question nobody has started theming has nothing to show."""
    question = _question(request, pk, permission)
    theme_set = selectors.theme_set_of(question)
    if theme_set is None:
        raise Http404
    theme_set.question = question
    return theme_set


def _theme(request: HttpRequest, pk: int, permission: str) -> Theme:
    queryset = Theme.objects.select_related("theme_set__question__survey__organisation")
    theme = cast(Theme, scoped_or_404(request, queryset, pk))
    require(request, permission, theme)
    return theme


def _posted(request: HttpRequest) -> Any:
    """What was sent, even if nothing was ticked (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def _answer(theme_set: ThemeSet, pk: str) -> Any:
    """One answer to the question (sent, with words), or 404."""
    if not pk.isdigit():
        raise Http404
    return get_object_or_404(services.answers_to_theme(theme_set), pk=int(pk))


def _back(request: HttpRequest, default: str) -> str:
    """Where a small action returns to: the page it was made from (search and page kept)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _context(theme_set: ThemeSet | None, question: Question, **extra: Any) -> dict[str, Any]:
    return {"theme_set": theme_set, "question": question, "survey": question.survey, **extra}


# The question's themes -------------------------------------------------------------------------


@staff_required
def question(request: HttpRequest, pk: int) -> HttpResponse:
    """Every step of theming the question, with its themes and where each step stands."""
    question = _question(request, pk, VIEW)
    theme_set = selectors.theme_set_of(question)
    context = _context(
        theme_set,
        question,
        answer_count=selectors.comment_count(question),
        may_change=request.user.has_perm(CHANGE, question),
    )
    if theme_set is not None:
        theme_set.question = question
        context["page"] = paginate(request, selectors.themes_with_counts(theme_set))
        context["example_count"] = ThemeExample.objects.filter(theme__theme_set=theme_set).count()
        context["queue_count"] = selectors.review_queue(theme_set).count()
    return render(request, "theming/question.html", context)


@staff_required
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk, CHANGE)
    theme_set = selectors.theme_set_of(question)
    form = ProposeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            theme_set = services.theme_set_for(question, request.user)
            job = run_service(
                form,
                lambda: services.start_proposing(
                    cast(ThemeSet, theme_set), request.user, form.cleaned_data["k"]
                ),
            )
        if job is not None:
            return redirect("theming:progress", pk=question.pk)
    kept = theme_set.themes.filter(examples__isnull=False).distinct().count() if theme_set else 0
    replaced = theme_set.themes.count() - kept if theme_set else 0
    context = _context(theme_set, question, form=form, kept=kept, replaced=replaced)
    context["answer_count"] = selectors.comment_count(question)
    return render(request, "theming/propose.html", context)


@staff_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The latest background job for the question: finding or assigning themes."""
    theme_set = _theme_set(request, pk, VIEW)
    if theme_set.job is None:
        return redirect("theming:question", pk=pk)
    template = "theming/includes/progress.html" if request.htmx else "theming/progress.html"  # type: ignore[attr-defined]
    return render(request, template, _context(theme_set, theme_set.question, job=theme_set.job))


@require_POST
@staff_required
def classify(request: HttpRequest, pk: int) -> HttpResponse:
    theme_set = _theme_set(request, pk, CHANGE)
    try:
        services.start_classifying(theme_set, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_back(request, reverse("theming:question", args=[pk])))
    return redirect("theming:progress", pk=pk)


# Curating themes -----------------------------------------------------------------------------


@staff_required
def theme_create(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk, CHANGE)
    theme_set = selectors.theme_set_of(question)
    form = ThemeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            theme_set = services.theme_set_for(question, request.user)
            form.instance.theme_set = theme_set
            theme = run_service(form, lambda: services.save_theme(form.instance))
            if theme is None:
                transaction.set_rollback(True)
        if theme is not None:
            messages.success(request, f"Theme “{theme.label}” added. Now tag some examples.")
            return redirect("theming:examples", pk=theme.pk)
    return render(request, "theming/theme_form.html", _context(theme_set, question, form=form))


@staff_required
def theme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    theme = _theme(request, pk, VIEW)
    theme_set = theme.theme_set
    context = _context(
        theme_set,
        theme_set.question,
        theme=theme,
        quotes=list(theme.quotes.order_by("pk").only("pk", "text")),
        page=paginate(request, selectors.examples_of(theme)),
        may_change=request.user.has_perm(CHANGE, theme),
        given_count=theme.assignments.filter(given=True).count(),
    )
    return render(request, "theming/theme_detail.html", context)


@staff_required
def theme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    theme = _theme(request, pk, CHANGE)
    form = ThemeForm(_posted(request), instance=theme)
    saved = request.method == "POST" and form.is_valid()
    if saved and run_service(form, lambda: services.save_theme(form.instance)) is not None:
        messages.success(request, "Changes saved.")
        return redirect("theming:theme", pk=theme.pk)
    theme_set = theme.theme_set
    context = _context(theme_set, theme_set.question, form=form, theme=theme)
    return render(request, "theming/theme_form.html", context)


@staff_required
def theme_merge(request: HttpRequest, pk: int) -> HttpResponse:
    theme = _theme(request, pk, CHANGE)
    form = MergeForm(_posted(request), theme=theme)
    if request.method == "POST" and form.is_valid():
        others = list(form.cleaned_data["others"])
        if run_service(form, lambda: services.merge_themes(theme, others)) is not None:
            names = ", ".join(f"“{other.label}”" for other in others)
            messages.success(request, f"Merged {names} into “{theme.label}”.")
            return redirect("theming:theme", pk=theme.pk)
    theme_set = theme.theme_set
    context = _context(theme_set, theme_set.question, form=form, theme=theme)
    return render(request, "theming/theme_merge.html", context)


@staff_required
def theme_split(request: HttpRequest, pk: int) -> HttpResponse:
    theme = _theme(request, pk, CHANGE)
    candidates = selectors.split_candidates(theme)
    form = SplitForm(_posted(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new = run_service(
            form,
            lambda: services.split_theme(
                theme, data["label"], data["answers"], request.user, data["description"]
            ),
        )
        if new is not None:
            messages.success(request, f"Split “{new.label}” out of “{theme.label}”.")
            return redirect("theming:theme", pk=new.pk)
    theme_set = theme.theme_set
    context = _context(
        theme_set, theme_set.question, form=form, theme=theme, has_candidates=candidates.exists()
    )
    return render(request, "theming/theme_split.html", context)


@staff_required
def theme_delete(request: HttpRequest, pk: int) -> HttpResponse:
    theme = _theme(request, pk, CHANGE)
    theme_set = theme.theme_set
    if request.method == "POST":
        label = theme.label
        services.delete_theme(theme)
        messages.success(request, f"Theme “{label}” deleted.")
        return redirect("theming:question", pk=theme_set.question_id)
    context = _context(
        theme_set, theme_set.question, theme=theme, example_count=theme.examples.count()
    )
    return render(request, "theming/theme_delete.html", context)


# Tagging examples ----------------------------------------------------------------------------


@staff_required
def examples(request: HttpRequest, pk: int) -> HttpResponse:
    """Search the comments and tag those that are examples of the theme. Each tag is a small
    form of its own (it works without JavaScript); with HTMX only the comment's row changes."""
    theme = _theme(request, pk, VIEW)
    theme_set = theme.theme_set
    if request.method == "POST":
        require(request, CHANGE, theme)
        answer = _answer(theme_set, request.POST.get("answer", ""))
        tagging = request.POST.get("action") == "tag"
        if tagging:
            services.tag_example(theme, answer, request.user)
        else:
            services.untag_example(theme, answer)
        if request.htmx:  # type: ignore[attr-defined]
            answer.tagged = tagging  # type: ignore[attr-defined]
            back = _back(request, "").split("#")[0]
            context = {"theme": theme, "answer": answer, "next": back, "changed": True}
            return render(request, "theming/includes/example_row.html", context)
        return redirect(_back(request, reverse("theming:examples", args=[theme.pk])))
    form = SearchForm(request.GET or None)
    words = form.cleaned_data["words"] if form.is_valid() else ""
    context = _context(
        theme_set,
        theme_set.question,
        theme=theme,
        form=form,
        words=words,
        page=paginate(request, selectors.candidates_for_examples(theme, words)),
        example_count=theme.examples.count(),
        filter_query=_filter_query(request),
        next=request.get_full_path(),
        may_change=request.user.has_perm(CHANGE, theme),
    )
    return render(request, "theming/examples.html", context)


def _filter_query(request: HttpRequest) -> str:
    """The page's filters, for its pagination links (the page number added after)."""
    query = request.GET.copy()
    query.pop("page", None)
    return f"{query.urlencode()}&" if query else ""


# Checking the least certain ------------------------------------------------------------------


@staff_required
def queue(request: HttpRequest, pk: int) -> HttpResponse:
    theme_set = _theme_set(request, pk, VIEW)
    page = paginate(request, selectors.review_queue(theme_set).select_related("response"))
    answers = selectors.with_themes_given(list(page.object_list), theme_set)
    themes = list(theme_set.themes.order_by("label", "pk"))
    forms = [
        (
            answer,
            CorrectionForm(
                prefix=f"answer-{answer.pk}",
                themes=themes,
                initial={"themes": [t.pk for t in answer.themes_given]},  # type: ignore[attr-defined]
            ),
        )
        for answer in answers
    ]
    context = _context(
        theme_set,
        theme_set.question,
        page=page,
        forms=forms,
        next=request.get_full_path(),
        may_change=request.user.has_perm(CHANGE, theme_set),
    )
    return render(request, "theming/queue.html", context)


@require_POST
@staff_required
def correct(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    theme_set = _theme_set(request, pk, CHANGE)
    answer = _answer(theme_set, str(answer_pk))
    themes = list(theme_set.themes.order_by("label", "pk"))
    form = CorrectionForm(request.POST, prefix=f"answer-{answer.pk}", themes=themes)
    if not form.is_valid():
        messages.error(request, "Choose themes from the list, then save again.")
    else:
        services.correct(theme_set, answer, form.chosen())
        messages.success(
            request,
            f"Saved your check of response {answer.response_id}. Assign themes again when you "
            "have checked some, so the classifier learns from them.",
        )
    return redirect(_back(request, reverse("theming:queue", args=[pk])))


# Results -------------------------------------------------------------------------------------


@staff_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    theme_set = _theme_set(request, pk, VIEW)
    total, themed, rows = selectors.figures(theme_set)
    context = _context(theme_set, theme_set.question, total=total, themed=themed, rows=rows)
    return render(request, "theming/results.html", context)


@staff_required
def comments(request: HttpRequest, pk: int) -> HttpResponse:
    """The comments, filtered by theme and words: who said what about a theme."""
    theme_set = _theme_set(request, pk, VIEW)
    form = CommentsFilterForm(request.GET or None, theme_set=theme_set)
    words, theme = "", None
    if form.is_valid():
        words, theme = form.cleaned_data["words"], form.cleaned_data["theme"]
    page = paginate(request, selectors.comments(theme_set, words, theme))
    context = _context(
        theme_set,
        theme_set.question,
        form=form,
        page=page,
        answers=selectors.with_themes_given(list(page.object_list), theme_set),
        chosen=theme,
        words=words,
        filter_query=_filter_query(request),
    )
    return render(request, "theming/comments.html", context)


class _Echo:
    """csv.writer writes into this and gets the line back, so rows can be streamed."""

    def write(self, value: str) -> str:
        return value


def _filename(theme_set: ThemeSet, extension: str) -> str:
    survey = slugify(theme_set.question.survey.title)[:50] or "survey"
    return f"{survey}-question-{theme_set.question_id}-themes.{extension}"


@staff_required
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    theme_set = _theme_set(request, pk, VIEW)
    themes = list(theme_set.themes.order_by("label", "pk"))
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # so that Excel reads the file as UTF-8
        yield writer.writerow(selectors.export_header(themes))
        for row in selectors.export_rows(theme_set, themes):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(theme_set, "csv")}"'
    return cast(HttpResponse, response)


@staff_required
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    theme_set = _theme_set(request, pk, VIEW)
    themes = list(theme_set.themes.order_by("label", "pk"))
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Themes")
    sheet.append(selectors.export_header(themes))
    for row in selectors.export_rows(theme_set, themes):
        sheet.append(row)
    # Written to a temporary file (write-only mode keeps memory flat), then streamed from disk.
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    workbook.save(spool)
    spool.seek(0)
    return cast(
        HttpResponse,
        FileResponse(
            spool,
            as_attachment=True,
            filename=_filename(theme_set, "xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    )
