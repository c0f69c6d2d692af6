"""Answering a survey: no account needed, one question per page, without JavaScript.

Start page -> each question on the respondent's path (routing followed) -> check your answers
-> sent. Every page after the start is reached through the response's private token
(`/s/r/<token>/...`), never its number; another token, or a made-up one, is "not found". Each
page's answer is saved when the person presses Continue (autosave); "Save and come back later"
emails the link or shows it to copy. Identified surveys are answered only through a personal
link made for the person. Easy read: `?easy_read=1` (or the link on each page) switches the
wording for the rest of the response.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from coproduce.core.views_helpers import run_service

from . import services
from .forms import AnswerForm, ResumeForm, answer_initial
from .models import QuestionKind, Response, Survey, SurveyStatus

REQUIRED = {
    QuestionKind.TEXT: "Enter your answer.",
    QuestionKind.LONG_TEXT: "Enter your answer.",
    QuestionKind.SINGLE_CHOICE: "Choose an answer.",
    QuestionKind.SCALE: "Choose an answer.",
    QuestionKind.MULTIPLE_CHOICE: "Choose at least one answer.",
    QuestionKind.RANKING: "Give each item a place, from 1 to the last.",
    QuestionKind.NUMBER: "Enter a number.",
    QuestionKind.DATE: "Enter a date.",
    QuestionKind.MATRIX: "Choose an answer for each row.",
    QuestionKind.FILE: "Choose a file to upload.",
}


def _survey(pk: int) -> Survey:
    """Drafts do not exist for the public."""
    queryset = Survey.objects.select_related("organisation").exclude(status=SurveyStatus.DRAFT)
    return get_object_or_404(queryset, pk=pk)  # type: ignore[no-any-return]


def _response(token: str) -> Response:
    queryset = Response.objects.select_related("survey__organisation", "person")
    return get_object_or_404(queryset, resume_token=token)  # type: ignore[no-any-return]


def _closed(request: HttpRequest, survey: Survey) -> HttpResponse:
    return render(request, "surveys/respond/closed.html", {"survey": survey})


def _easy_read(request: HttpRequest, response: Response) -> bool:
    """Choosing easy read (or standard) on any page sticks for the rest of the response."""
    wanted = request.GET.get("easy_read")
    if wanted in {"0", "1"} and response.survey.easy_read:
        chosen = wanted == "1"
        if chosen != response.easy_read:
            response.easy_read = chosen
            response.save(update_fields=["easy_read", "updated_at"])
    return response.easy_read and response.survey.easy_read


def start(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(pk)
    if not services.accepting_responses(survey):
        return _closed(request, survey)
    easy_read = survey.easy_read and request.GET.get("easy_read") == "1"
    if request.method == "POST" and survey.anonymous:
        response = services.start_response(survey, easy_read=request.POST.get("easy_read") == "1")
        return redirect("surveys:resume", token=response.resume_token)
    questions = services.questions_in_order(survey)
    context = {
        "survey": survey,
        "easy_read": easy_read,
        "introduction": (survey.easy_read_introduction or survey.introduction)
        if easy_read
        else survey.introduction,
        "question_count": len(questions),
        "minutes": max(2, len(questions) // 2),
    }
    return render(request, "surveys/respond/start.html", context)


def resume(request: HttpRequest, token: str) -> HttpResponse:
    """The private link: the first unanswered question on the path, or check your answers."""
    response = _response(token)
    if response.is_submitted:
        return redirect("surveys:sent", token=token)
    if not services.accepting_responses(response.survey):
        return _closed(request, response.survey)
    easy = "?easy_read=1" if request.GET.get("easy_read") == "1" else ""
    questions = services.questions_in_order(response.survey)
    answers = services.answers_by_question(response)
    for question in services.path_for(questions, answers):
        if question.pk not in answers:
            url = reverse("surveys:question", args=[token, question.pk])
            return redirect(url + easy)
    return redirect(reverse("surveys:check", args=[token]) + easy)


def question(request: HttpRequest, token: str, question_pk: int) -> HttpResponse:
    response = _response(token)
    if response.is_submitted:
        return redirect("surveys:sent", token=token)
    survey = response.survey
    if not services.accepting_responses(survey):
        return _closed(request, survey)
    questions = services.questions_in_order(survey)
    answers = services.answers_by_question(response)
    path = services.path_for(questions, answers)
    current = next((q for q in path if q.pk == question_pk), None)
    if current is None:
        raise Http404
    easy_read = _easy_read(request, response)
    returning = (request.POST if request.method == "POST" else request.GET).get("from") == "check"
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        question=current,
        easy_read=easy_read,
        initial=answer_initial(current, "answer", answers.get(current.pk)),
    )
    later = "save_later" in request.POST
    saved = None
    if request.method == "POST" and form.is_valid():
        try:
            value = form.value()
        except ValidationError as error:
            form.add_answer_error(error.messages)
        else:
            blank = value in (None, "", [], {})
            kept_file = current.kind == QuestionKind.FILE and current.pk in answers
            if current.required and blank and not later and not kept_file:
                form.add_answer_error(REQUIRED[QuestionKind(current.kind)])
            else:
                saved = run_service(
                    form, lambda: services.save_answer(response, current, value) or True
                )
        if saved:
            if later:
                return redirect("surveys:save", token=token)
            # The path may change with this answer (routing), so it is worked out again.
            answers = services.answers_by_question(response)
            path = services.path_for(questions, answers)
            position = [q.pk for q in path].index(current.pk)
            if returning or position + 1 >= len(path):
                return redirect("surveys:check", token=token)
            return redirect("surveys:question", token=token, question_pk=path[position + 1].pk)
    position = [q.pk for q in path].index(current.pk)
    back_url = (
        reverse("surveys:check", args=[token])
        if returning
        else reverse("surveys:question", args=[token, path[position - 1].pk])
        if position
        else reverse("surveys:start", args=[survey.pk])
    )
    existing = answers.get(current.pk)
    context = {
        "survey": survey,
        "response": response,
        "question": current,
        "form": form,
        "fields": list(form),
        "wording": current.wording(easy_read),
        "easy_read": easy_read,
        "returning": returning,
        "back_url": back_url,
        "number": position + 1,
        "file_name": existing.file_name if existing is not None else "",
        "multipart": current.kind == QuestionKind.FILE,
        "form_anchor": f"id_{next(iter(form.fields))}",
    }
    return render(request, "surveys/respond/question.html", context)


def check(request: HttpRequest, token: str) -> HttpResponse:
    response = _response(token)
    if response.is_submitted:
        return redirect("surveys:sent", token=token)
    survey = response.survey
    if not services.accepting_responses(survey):
        return _closed(request, survey)
    easy_read = _easy_read(request, response)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.submit(response)
        except ValidationError as error:
            errors = [str(message) for message in error.messages]
        else:
            return redirect("surveys:sent", token=token)
    questions = services.questions_in_order(survey)
    answers = services.answers_by_question(response)
    rows = [
        {
            "question": q,
            "wording": q.wording(easy_read),
            "answer": answers.get(q.pk),
            "change_url": reverse("surveys:question", args=[token, q.pk]) + "?from=check",
        }
        for q in services.path_for(questions, answers)
    ]
    context = {
        "survey": survey,
        "response": response,
        "rows": rows,
        "errors": errors,
        "easy_read": easy_read,
        "back_url": rows[-1]["change_url"] if rows else reverse("surveys:start", args=[survey.pk]),
    }
    return render(request, "surveys/respond/check.html", context)


def sent(request: HttpRequest, token: str) -> HttpResponse:
    response = _response(token)
    if not response.is_submitted:
        return redirect("surveys:resume", token=token)
    return render(request, "surveys/respond/sent.html", {"survey": response.survey})


def save(request: HttpRequest, token: str) -> HttpResponse:
    """Save and come back later: the link to copy, and an email with it if they want."""
    response = _response(token)
    if response.is_submitted:
        return redirect("surveys:sent", token=token)
    link = request.build_absolute_uri(reverse("surveys:resume", args=[token]))
    form = ResumeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        where = run_service(
            form,
            lambda: services.email_resume_link(response, link, form.cleaned_data["email"]),
        )
        if where:
            messages.success(request, f"We have sent the link to {where}.")
            return redirect("surveys:save", token=token)
    context: dict[str, Any] = {
        "survey": response.survey,
        "response": response,
        "link": link,
        "form": form,
        "known_person": response.person is not None,
    }
    return render(request, "surveys/respond/save.html", context)
