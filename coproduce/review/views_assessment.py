"""The organisation's self-assessment of its co-production practice: rounds opened by those
who plan involvement, scored by staff and by participants (online, in assisted mode, or on
paper through a facilitator), and the results side by side, over time."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from coproduce.accounts.models import User
from coproduce.accounts.roles import roles_of
from coproduce.core.views_helpers import require, run_service, scoped_or_404, staff_required

from . import practice_questions, selectors, services
from .forms import ScoresForm, SelfAssessmentForm
from .models import AssessmentStatus, RespondentGroup, SelfAssessment
from .views import posted, signed_in_user


@staff_required
def assessments(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    require(request, "review.view_review", organisation)
    form = SelfAssessmentForm(posted(request))
    if request.method == "POST":
        require(request, "review.run_self_assessment", organisation)
        if form.is_valid():
            opened = run_service(
                form,
                lambda: services.open_self_assessment(
                    organisation, form.cleaned_data["title"], signed_in_user(request)
                ),
            )
            if opened:
                messages.success(
                    request,
                    "Round opened. Staff and participants can now score your practice.",
                )
                return redirect("review:self-assessment", pk=opened.pk)
    context = {
        "rounds": selectors.assessments_for(organisation),
        "history": selectors.history(organisation),
        "areas": practice_questions.AREAS,
        "form": form,
        "may_run": request.user.has_perm("review.run_self_assessment", organisation),
    }
    return render(request, "review/assessments.html", context)


@staff_required
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = cast(SelfAssessment, scoped_or_404(request, SelfAssessment, pk))
    require(request, "review.view_review", assessment)
    results = selectors.results(assessment)
    context = {
        "assessment": assessment,
        "results": results,
        "areas_chart": selectors.side_by_side(
            "areas", "average scores by area", "Area", results.areas
        ),
        "question_charts": [
            selectors.side_by_side(
                area.key,
                f"average scores for {area.title.lower()}",
                "Statement",
                results.questions[area.key],
            )
            for area in practice_questions.AREAS
        ],
        "is_open": assessment.status == AssessmentStatus.OPEN,
        "may_run": request.user.has_perm("review.run_self_assessment", assessment),
        "may_enter_paper": request.user.has_perm("review.enter_paper_scores", assessment),
    }
    return render(request, "review/assessment.html", context)


@staff_required
@require_POST
def assessment_close(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = cast(SelfAssessment, scoped_or_404(request, SelfAssessment, pk))
    require(request, "review.run_self_assessment", assessment)
    try:
        services.close_self_assessment(assessment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Round closed. Its results stay here to compare with the next.")
    return redirect("review:self-assessment", pk=assessment.pk)


def take_part(request: HttpRequest) -> HttpResponse:
    """Open rounds for anyone signed in who may score them (staff and participants)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisation_ids = list(roles_of(request.user))
    rounds = [
        a
        for a in selectors.open_assessments_for(request.user, organisation_ids)
        if request.user.has_perm("review.score_self_assessment", a)
    ]
    return render(request, "review/take_part.html", {"rounds": rounds})


def _scores_page(
    request: HttpRequest,
    assessment: SelfAssessment,
    *,
    on_paper: bool,
    respondent: Any = None,
) -> HttpResponse:
    easy_read = request.GET.get("format") == "easy-read"
    form = ScoresForm(posted(request), easy_read=easy_read)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.submit_scores(
                assessment,
                form.scores(),
                entered_by=signed_in_user(request),
                respondent=respondent,
                on_paper=on_paper,
                comment=form.cleaned_data["comment"],
            ),
        )
        if saved:
            if on_paper:
                messages.success(request, "Scores saved. You can enter the next person's.")
                return redirect("review:self-assessment-paper", pk=assessment.pk)
            return render(request, "review/scores_sent.html", {"assessment": assessment})
    group = RespondentGroup.PARTICIPANT
    if not on_paper:
        try:
            group = RespondentGroup(
                services.group_of(respondent or signed_in_user(request), assessment.organisation_id)
            )
        except ValidationError:
            group = RespondentGroup.PARTICIPANT
    context = {
        "assessment": assessment,
        "form": form,
        "areas": form.areas(),
        "scale": practice_questions.SCALE,
        "on_paper": on_paper,
        "group": group,
        "easy_read": easy_read,
        "respondent": respondent,
        "is_open": assessment.status == AssessmentStatus.OPEN,
    }
    return render(request, "review/scores.html", context)


def score(request: HttpRequest, pk: int) -> HttpResponse:
    """A member of staff's or a participant's own scores (in assisted mode, the participant's
    whom the facilitator is acting for)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    assessment = get_object_or_404(SelfAssessment, pk=pk)
    if assessment.organisation_id not in roles_of(request.user):
        raise Http404
    respondent = cast(User | None, getattr(request, "assisted_participant", None))
    require(request, "review.score_self_assessment", assessment)
    return _scores_page(request, assessment, on_paper=False, respondent=respondent)


@staff_required
def paper(request: HttpRequest, pk: int) -> HttpResponse:
    """A facilitator types in a participant's scores from paper (not linked to anyone)."""
    assessment = cast(SelfAssessment, scoped_or_404(request, SelfAssessment, pk))
    require(request, "review.enter_paper_scores", assessment)
    return _scores_page(request, assessment, on_paper=True)
