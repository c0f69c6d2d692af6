"""Pages for person-centred plans, personal budgets, approved providers and the figures across
plans.

Plans are health and care records. A plan is found only among those the user may look up at
all (their organisations' if staff, their own, those of people they represent: anything else
is "not found"), then the rules decide (only the workers on the plan's team and the person
and their representatives; anyone else is "forbidden"). Every page that shows a plan or its
budget is recorded in the audit trail as a read.
"""

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coproduce.audit.services import record_view
from coproduce.core.documents import render_pdf
from coproduce.core.views_helpers import (
    paginate,
    require,
    run_service,
    scoped_or_404,
    staff_required,
)
from coproduce.people.models import Person
from coproduce.projects.models import Stage, StageKind

from . import easy_read, selectors, services
from .forms import (
    ActionForm,
    AttachForm,
    BudgetForm,
    EvidenceForm,
    FiguresForm,
    FinaliseForm,
    FindPersonForm,
    GapForm,
    InvolvedForm,
    ModerateForm,
    OutcomeForm,
    PaperResponseForm,
    PlannedSupportForm,
    ProfileForm,
    ProviderForm,
    QualityForm,
    RepresentativeForm,
    RespondForm,
    ReviewForm,
    SpendForm,
    SpendImportForm,
    StartPlanForm,
    TakingPartForm,
    WorkerForm,
)
from .models import (
    ApprovedProvider,
    Involved,
    Outcome,
    PersonalBudget,
    PersonCentredPlan,
    PlanAction,
    PlanEvidence,
    PlanVersion,
    PlanWorker,
    ProviderQuality,
    ProviderReview,
    QualityEvidence,
    ReviewStatus,
    SupportGap,
    SupportType,
)

PLAN_READ = "person-centred plan"
BUDGET_READ = "personal budget"


def _organisation(request: HttpRequest) -> Any:
    return request.organisation  # type: ignore[attr-defined]


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _ran(form: forms.BaseForm, service: Callable[[], object]) -> Any:
    """Runs a write service; its rule errors land on the form. Its result, or None."""
    return run_service(form, service)


def _form_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "individual/form.html", context)


def _plan(request: HttpRequest, pk: int, permission: str = "individual.view_plan") -> Any:
    plan = get_object_or_404(selectors.plans_in_reach(request.user), pk=pk)
    require(request, permission, plan)
    return plan


def _read(request: HttpRequest, pk: int) -> PersonCentredPlan:
    """A plan someone may read; the read is recorded."""
    plan = _plan(request, pk)
    record_view(plan, PLAN_READ)
    return plan


def _newest(plan: PersonCentredPlan) -> PlanVersion:
    version = selectors.version_detail(plan)
    if version is None:  # every plan is made with its first version
        raise Http404
    return version


def _plan_url(plan: PersonCentredPlan) -> str:
    return reverse("individual:plan", args=[plan.pk])


# Lists and starting a plan --------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """Plans the user works on, or that are theirs or of someone they represent."""
    organisation = _organisation(request)
    context = {
        "page": paginate(request, selectors.my_plans(request.user)),
        "today": datetime.date.today(),
        "may_start": organisation is not None
        and request.user.has_perm("individual.add_plan", organisation),
        "may_see_figures": organisation is not None
        and request.user.has_perm("individual.view_aggregates", organisation),
    }
    return render(request, "individual/plan_list.html", context)


@staff_required
def plan_find_person(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "individual.add_plan", organisation)
    form = FindPersonForm(request.GET or None)
    people: list[Person] = []
    if form.is_valid() and form.cleaned_data["q"].strip():
        wanted = form.cleaned_data["q"].strip()
        people = list(
            Person.objects.filter(
                Q(name__icontains=wanted) | Q(postcode__iexact=wanted),
                organisation=organisation,
                merged_into__isnull=True,
                pseudonymised_at__isnull=True,
            ).order_by("name", "pk")[:20]
        )
    return render(
        request,
        "individual/find_person.html",
        {"form": form, "people": people, "searched": form.is_bound},
    )


@staff_required
def plan_start(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = scoped_or_404(request, Person, person_pk)
    require(request, "individual.add_plan", person.organisation)
    form = StartPlanForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = _ran(
            form,
            lambda: services.start_plan(
                person, data["kind"], request.user, data["role_description"], data["easy_read"]
            ),
        )
        if plan is not None:
            messages.success(request, "The plan is started. Write it with the person.")
            return redirect("individual:plan", pk=plan.pk)
    return _form_page(
        request,
        {
            "title": f"Start a plan with {person.display_name}",
            "intro": "Write the plan with the person, and with the family, carers or friends "
            "they choose. Only the people working with them, and they and their "
            "representatives, will be able to read it.",
            "form": form,
            "back": reverse("individual:find-person"),
            "submit": "Start the plan",
        },
    )


# A plan ---------------------------------------------------------------------------------------


def _plan_context(request: HttpRequest, plan: PersonCentredPlan, version: PlanVersion) -> dict:
    user = request.user
    newest = plan.versions.order_by("-number").values_list("number", flat=True).first()
    is_newest = version.number == newest
    may_change = user.has_perm("individual.change_plan", plan)
    return {
        "plan": plan,
        "version": version,
        "is_newest": is_newest,
        "versions": plan.versions.order_by("-number").only(
            "number", "status", "finalised_at", "plan_id"
        ),
        "agreement": services.agreement(version),
        "responses": list(version.responses.all()),
        "may_change": may_change,
        "editable": may_change and is_newest and version.is_editable,
        "may_respond": user.has_perm("individual.respond_to_plan", plan) and is_newest,
        "may_manage_team": user.has_perm("individual.manage_team", plan),
        "workers": plan.workers.select_related("user"),
        "representatives": plan.representatives.select_related("user"),
        "budget": PersonalBudget.objects.filter(plan=plan).first(),
        "is_person": plan.person.user_id == user.pk,
    }


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _read(request, pk)
    version = _newest(plan)
    if (
        plan.easy_read
        and request.GET.get("standard") is None
        and not request.user.has_perm("individual.change_plan", plan)
    ):
        return redirect("individual:easy-read", pk=plan.pk)
    return render(request, "individual/plan_detail.html", _plan_context(request, plan, version))


@login_required
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    plan = _read(request, pk)
    version = selectors.version_detail(plan, number)
    if version is None:
        raise Http404
    return render(request, "individual/plan_detail.html", _plan_context(request, plan, version))


@login_required
def plan_easy_read(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _read(request, pk)
    version = _newest(plan)
    context = _plan_context(request, plan, version)
    context["sections"] = easy_read.sections(plan, version)
    context["long_sentences"] = easy_read.long_sentences(context["sections"])
    return render(request, "individual/plan_easy_read.html", context)


@login_required
def plan_print(request: HttpRequest, pk: int) -> HttpResponse:
    """A paper copy to read and sign: standard, or easy read with its pictures."""
    plan = _read(request, pk)
    version = _newest(plan)
    easy = request.GET.get("format") == "easy-read"
    context = {
        "plan": plan,
        "version": version,
        "organisation": plan.organisation,
        "title": "My plan" if easy else f"{plan.get_kind_display()}: {plan.person.display_name}",
        "sections": easy_read.sections(plan, version) if easy else None,
    }
    pdf = render_pdf(
        "individual/print_easy_read.html" if easy else "individual/print_plan.html",
        context,
        request=request,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = "plan-easy-read" if easy else "plan"
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{plan.pk}-v{version.number}.pdf"'
    )
    return response


def _editable_version(request: HttpRequest, pk: int) -> tuple[PersonCentredPlan, PlanVersion]:
    plan = _plan(request, pk, "individual.change_plan")
    version = _newest(plan)
    if not version.is_editable:
        messages.info(request, "This version is in use. Start a review to change the plan.")
        raise _Redirect(_plan_url(plan))
    return plan, version


class _Redirect(Exception):
    def __init__(self, url: str) -> None:
        self.url = url


def _catching_redirect(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _Redirect as moved:
            return redirect(moved.url)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return login_required(wrapped)


@_catching_redirect
def plan_profile(request: HttpRequest, pk: int) -> HttpResponse:
    plan, version = _editable_version(request, pk)
    initial = {
        name: getattr(version, name)
        for name in ("like_and_admire", "important_to", "important_for", "how_to_support")
    }
    form = ProfileForm(_posted(request), initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _ran(form, lambda: services.save_profile(version, **form.cleaned_data))
    ):
        messages.success(request, "The one-page profile is saved.")
        return redirect("individual:plan", pk=plan.pk)
    return _form_page(
        request,
        {
            "title": "One-page profile",
            "intro": "Write it with the person, in their words. Keep what is important TO them "
            "(what matters to them) apart from what is important FOR them (what keeps them "
            "healthy and safe).",
            "form": form,
            "back": _plan_url(plan),
            "submit": "Save the profile",
        },
    )


@_catching_redirect
def plan_taking_part(request: HttpRequest, pk: int) -> HttpResponse:
    plan, version = _editable_version(request, pk)
    initial = {
        "took_part": version.took_part,
        "did_not_take_part_reason": version.did_not_take_part_reason,
        "easy_read_note": version.easy_read_note,
    }
    form = TakingPartForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _ran(
            form,
            lambda: services.save_taking_part(
                version, data["took_part"], data["did_not_take_part_reason"], data["easy_read_note"]
            ),
        ):
            messages.success(request, "How the person took part is saved.")
            return redirect("individual:plan", pk=plan.pk)
    return _form_page(
        request,
        {
            "title": "How the person took part",
            "form": form,
            "back": _plan_url(plan),
            "submit": "Save",
        },
    )


ITEMS: dict[str, tuple[type, type, str]] = {
    "outcomes": (Outcome, OutcomeForm, "outcome"),
    "actions": (PlanAction, ActionForm, "action"),
    "involved": (Involved, InvolvedForm, "person involved"),
    "gaps": (SupportGap, GapForm, "support not available"),
}
ITEM_TITLES = {
    "outcomes": ("Add an outcome", "Change an outcome"),
    "actions": ("Add an action", "Change an action"),
    "involved": ("Add someone who helped make the plan", "Change who helped"),
    "gaps": ("Add support they want that is not available", "Change support not available"),
}
ITEM_INTROS = {
    "outcomes": "Write what the person wants to achieve, in their own words, as they said it.",
    "actions": "Say what will happen, who will do it and by when.",
    "involved": "The person chooses who helps make their plan.",
    "gaps": "Commissioners see these, counted across many plans with small numbers hidden, "
    "so they can arrange the support people want.",
}


@_catching_redirect
def plan_item(request: HttpRequest, pk: int, kind: str, item_pk: int | None = None) -> HttpResponse:
    if kind not in ITEMS:
        raise Http404
    plan, version = _editable_version(request, pk)
    model, form_class, _ = ITEMS[kind]
    item: Any = get_object_or_404(model, pk=item_pk, version=version) if item_pk else model()
    extra: dict[str, Any] = {"outcomes": version.outcomes.all()} if kind == "actions" else {}
    form = form_class(_posted(request), instance=item, **extra)
    if (
        request.method == "POST"
        and form.is_valid()
        and _ran(form, lambda: services.save_item(version, form.instance))
    ):
        messages.success(request, "Saved.")
        return redirect(f"{_plan_url(plan)}#{kind}")
    return _form_page(
        request,
        {
            "title": ITEM_TITLES[kind][1 if item_pk else 0],
            "intro": ITEM_INTROS[kind],
            "form": form,
            "back": _plan_url(plan),
            "submit": "Save",
            "remove": reverse("individual:item-remove", args=[plan.pk, kind, item_pk])
            if item_pk
            else "",
        },
    )


@require_POST
@_catching_redirect
def plan_item_remove(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    if kind not in ITEMS:
        raise Http404
    plan, version = _editable_version(request, pk)
    model, _, name = ITEMS[kind]
    item: Any = get_object_or_404(model, pk=item_pk, version=version)
    services.remove_item(version, item)
    messages.success(request, f"The {name} is removed.")
    return redirect(f"{_plan_url(plan)}#{kind}")


@require_POST
@_catching_redirect
def plan_share(request: HttpRequest, pk: int) -> HttpResponse:
    plan, version = _editable_version(request, pk)
    try:
        services.share(version, request.user, link=request.build_absolute_uri(_plan_url(plan)))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("individual:plan", pk=plan.pk)
    messages.success(
        request,
        "The plan is shared. The person and their representatives can read it, comment and "
        "agree it here, or on the paper copy.",
    )
    return redirect("individual:plan", pk=plan.pk)


@login_required
def plan_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """The person or their representative agrees, disagrees or comments, online."""
    plan = _plan(request, pk, "individual.respond_to_plan")
    version = _newest(plan)
    form = RespondForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = _ran(
            form,
            lambda: services.respond(
                version,
                kind=data["kind"],
                part=data["part"],
                comment=data["comment"],
                given_by_name=request.user.display_name,  # type: ignore[union-attr]
                given_as=services.given_as(plan, request.user),
                recorded_by=request.user,
            ),
        )
        if response is not None:
            messages.success(request, "Thank you. What you said is saved with your plan.")
            return redirect("individual:plan", pk=plan.pk)
    return _form_page(
        request,
        {
            "title": "Tell us what you think of your plan",
            "intro": "You can agree with your plan, say what you do not agree with, or leave a "
            "comment. What you say is kept with your plan. It is never changed or removed.",
            "form": form,
            "back": _plan_url(plan),
            "submit": "Send",
        },
    )


@login_required
def plan_record_response(request: HttpRequest, pk: int) -> HttpResponse:
    """A worker writes down an answer given on paper, in person or by phone."""
    plan = _plan(request, pk, "individual.change_plan")
    version = _newest(plan)
    form = PaperResponseForm(_posted(request), initial={"received_on": datetime.date.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = _ran(
            form,
            lambda: services.respond(
                version,
                kind=data["kind"],
                part=data["part"],
                comment=data["comment"],
                given_by_name=data["given_by_name"],
                given_as=data["given_as"],
                method=data["method"],
                received_on=data["received_on"],
                recorded_by=request.user,
            ),
        )
        if response is not None:
            messages.success(request, "Their answer is saved with the plan.")
            return redirect("individual:plan", pk=plan.pk)
    return _form_page(
        request,
        {
            "title": "Record an answer given on paper or in person",
            "form": form,
            "back": _plan_url(plan),
            "submit": "Save their answer",
        },
    )


@login_required
def plan_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, "individual.change_plan")
    version = _newest(plan)
    agreement = services.agreement(version)
    form = FinaliseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _ran(
            form,
            lambda: services.finalise(version, request.user, data["review_on"], data["reason"]),
        ):
            messages.success(
                request, "The plan is in use. Everyone will be reminded before the review."
            )
            return redirect("individual:plan", pk=plan.pk)
    intro = {
        "agreed": "The person has agreed this version.",
        "disagreed": "The person has said they do not agree with this version. If you use it "
        "anyway, say why: their answer stays on the plan.",
        "waiting": "The person has not said yet whether they agree. If you use it anyway, say why.",
    }[agreement.state]
    return _form_page(
        request,
        {
            "title": "Put this version of the plan in use",
            "intro": intro,
            "form": form,
            "back": _plan_url(plan),
            "submit": "Put the plan in use",
        },
    )


@require_POST
@login_required
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, "individual.change_plan")
    try:
        version = services.start_review(plan, request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("individual:plan", pk=plan.pk)
    messages.success(
        request,
        f"Version {version.number} is started from a copy. Version {version.number - 1} is kept "
        "as it was. Record how each outcome is going.",
    )
    return redirect("individual:plan", pk=plan.pk)


@login_required
def plan_team(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(selectors.plans_in_reach(request.user), pk=pk)
    require(request, "individual.manage_team", plan)
    worker_form = WorkerForm(
        request.POST if request.POST.get("add") == "worker" else None,
        organisation_id=plan.organisation_id,
    )
    representative_form = RepresentativeForm(
        request.POST if request.POST.get("add") == "representative" else None,
        organisation_id=plan.organisation_id,
    )
    if request.method == "POST":
        if request.POST.get("remove"):
            worker = get_object_or_404(PlanWorker, plan=plan, pk=request.POST["remove"])
            try:
                services.remove_worker(worker)
                messages.success(request, f"{worker.user} no longer works on this plan.")
            except ValidationError as error:
                messages.error(request, error.messages[0])
            return redirect("individual:team", pk=plan.pk)
        if worker_form.is_bound and worker_form.is_valid():
            data = worker_form.cleaned_data
            if _ran(
                worker_form,
                lambda: services.add_worker(
                    plan, data["user"], data["role_description"], request.user
                ),
            ):
                messages.success(request, f"{data['user']} can now read and write the plan.")
                return redirect("individual:team", pk=plan.pk)
        if representative_form.is_bound and representative_form.is_valid():
            data = representative_form.cleaned_data
            if _ran(
                representative_form,
                lambda: services.add_representative(plan, data["username"], data["relationship"]),
            ):
                messages.success(request, f"{data['username']} can now read and agree the plan.")
                return redirect("individual:team", pk=plan.pk)
    context = {
        "plan": plan,
        "workers": plan.workers.select_related("user"),
        "representatives": plan.representatives.select_related("user"),
        "worker_form": worker_form,
        "representative_form": representative_form,
    }
    return render(request, "individual/team.html", context)


# Personal budgets -----------------------------------------------------------------------------


@login_required
def budget_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    budget = PersonalBudget.objects.filter(plan=plan).first()
    if budget is not None:
        record_view(budget, BUDGET_READ)
    context = {
        "plan": plan,
        "budget": budget,
        "summary": services.summarise(budget) if budget else None,
        "planned": budget.planned.select_related("provider") if budget else [],
        "spend": paginate(request, budget.spend.all()) if budget else None,
        "may_change": request.user.has_perm("individual.change_plan", plan),
    }
    return render(request, "individual/budget.html", context)


def _warn(request: HttpRequest, summary: services.BudgetSummary) -> None:
    for warning in summary.warnings:
        messages.warning(request, warning)


@login_required
def budget_change(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, "individual.change_plan")
    budget = PersonalBudget.objects.filter(plan=plan).first()
    initial = (
        {
            "allocation": budget.allocation,
            "held_as": budget.held_as,
            "starts_on": budget.starts_on,
            "ends_on": budget.ends_on,
            "review_on": budget.review_on,
        }
        if budget
        else {}
    )
    form = BudgetForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _ran(form, lambda: services.set_budget(plan, **form.cleaned_data))
        if saved is not None:
            messages.success(request, "The personal budget is saved.")
            _warn(request, services.summarise(saved))
            return redirect("individual:budget", pk=plan.pk)
    return _form_page(
        request,
        {
            "title": "Personal budget",
            "intro": "The money the person has for their support, and how it is held. They "
            "choose how it is spent, with help if they want it.",
            "form": form,
            "back": reverse("individual:budget", args=[plan.pk]),
            "submit": "Save the budget",
            "money_fields": ["allocation"],
        },
    )


def _budget_or_redirect(request: HttpRequest, plan: PersonCentredPlan) -> PersonalBudget:
    budget = PersonalBudget.objects.filter(plan=plan).first()
    if budget is None:
        messages.info(request, "Set the personal budget first.")
        raise _Redirect(reverse("individual:budget-change", args=[plan.pk]))
    return budget


@_catching_redirect
def budget_planned(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, "individual.change_plan")
    budget = _budget_or_redirect(request, plan)
    form = PlannedSupportForm(_posted(request), organisation_id=plan.organisation_id)
    if request.method == "POST" and form.is_valid():
        result = _ran(form, lambda: services.add_planned_support(budget, **form.cleaned_data))
        if result is not None:
            messages.success(request, "The planned support is added.")
            _warn(request, result[1])
            return redirect("individual:budget", pk=plan.pk)
    return _form_page(
        request,
        {
            "title": "Add planned support",
            "intro": f"Costed against the allocation of {services.money(budget.allocation)}.",
            "form": form,
            "back": reverse("individual:budget", args=[plan.pk]),
            "submit": "Add the support",
            "money_fields": ["unit_cost"],
        },
    )


@_catching_redirect
def budget_spend(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, "individual.change_plan")
    budget = _budget_or_redirect(request, plan)
    form = SpendForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        result = _ran(
            form, lambda: services.add_spend(budget, by=request.user, **form.cleaned_data)
        )
        if result is not None:
            messages.success(request, "The spending is added.")
            _warn(request, result[1])
            return redirect("individual:budget", pk=plan.pk)
    return _form_page(
        request,
        {
            "title": "Add spending",
            "form": form,
            "back": reverse("individual:budget", args=[plan.pk]),
            "submit": "Add the spending",
            "money_fields": ["amount"],
        },
    )


@_catching_redirect
def budget_import(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, "individual.change_plan")
    budget = _budget_or_redirect(request, plan)
    form = SpendImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            form.add_error("file", "The file must be smaller than 2 MB.")
        else:
            try:
                count, summary = services.import_spend(budget, upload.read(), request.user)
            except services.ImportProblems as wrong:
                problems = wrong.messages
                form.add_error(
                    "file",
                    f"Nothing was saved: fix the {len(problems)} "
                    f"problem{'s' if len(problems) != 1 else ''} listed below and try again.",
                )
            else:
                messages.success(request, f"{count} rows of spending are added.")
                _warn(request, summary)
                return redirect("individual:budget", pk=plan.pk)
    context = {
        "plan": plan,
        "form": form,
        "problems": problems[:100],
        "more_problems": max(0, len(problems) - 100),
        "support_types": SupportType.choices,
    }
    return render(request, "individual/budget_import.html", context)


# Approved providers ---------------------------------------------------------------------------


def _providers_organisation(request: HttpRequest) -> Any:
    """The organisation whose directory this is: staff's active one, else the one where the
    user is a participant or provider."""
    organisation = _organisation(request)
    if organisation is not None:
        return organisation
    from coproduce.accounts.models import Membership, Role

    membership = (
        Membership.objects.filter(
            user_id=request.user.pk or 0, role__in=[Role.PARTICIPANT, Role.PROVIDER]
        )
        .select_related("organisation")
        .order_by("organisation__name")
        .first()
    )
    if membership is None:
        raise Http404
    return membership.organisation


def _provider(request: HttpRequest, pk: int) -> tuple[Any, ApprovedProvider]:
    organisation = _providers_organisation(request)
    require(request, "individual.view_providers", organisation)
    provider = get_object_or_404(ApprovedProvider, pk=pk, organisation=organisation)
    return organisation, provider


@login_required
def provider_list(request: HttpRequest) -> HttpResponse:
    organisation = _providers_organisation(request)
    require(request, "individual.view_providers", organisation)
    qualities = list(ProviderQuality.objects.filter(organisation=organisation))
    support_type = request.GET.get("support", "")
    support_type = support_type if support_type in SupportType.values else ""
    try:
        quality_id = int(request.GET.get("quality", "") or 0) or None
    except ValueError:
        quality_id = None
    providers = selectors.approved_providers(organisation.pk, support_type, quality_id)
    context = {
        "providers": providers,
        "qualities": qualities,
        "support_types": SupportType.choices,
        "support": support_type,
        "quality": quality_id,
        "may_change": request.user.has_perm("individual.change_providers", organisation),
        "may_moderate": request.user.has_perm("individual.moderate_reviews", organisation),
        "waiting": ProviderReview.objects.filter(
            organisation=organisation, status=ReviewStatus.WAITING
        ).count()
        if request.user.has_perm("individual.moderate_reviews", organisation)
        else 0,
    }
    return render(request, "individual/provider_list.html", context)


@login_required
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation, provider = _provider(request, pk)
    evidence = {
        item.quality_id: item
        for item in QualityEvidence.objects.filter(provider=provider).select_related("quality")
    }
    qualities = ProviderQuality.objects.filter(organisation=organisation)
    context = {
        "provider": provider,
        "rows": [(quality, evidence.get(quality.pk)) for quality in qualities],
        "reviews": selectors.published_reviews(provider)[:50],
        "may_change": request.user.has_perm("individual.change_providers", organisation),
        "may_review": request.user.has_perm("individual.review_provider", organisation),
    }
    return render(request, "individual/provider_detail.html", context)


@login_required
def provider_change(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    organisation = _providers_organisation(request)
    require(request, "individual.change_providers", organisation)
    provider = (
        get_object_or_404(ApprovedProvider, pk=pk, organisation=organisation)
        if pk
        else ApprovedProvider(organisation=organisation)
    )
    form = ProviderForm(_posted(request), instance=provider)
    if request.method == "POST" and form.is_valid():
        saved = _ran(form, lambda: services.save_provider(form.instance))
        if saved is not None:
            messages.success(request, f"{saved.name} is saved in the directory.")
            return redirect("individual:provider", pk=saved.pk)
    return _form_page(
        request,
        {
            "title": "Change an approved provider" if pk else "Add an approved provider",
            "form": form,
            "back": reverse("individual:providers"),
            "submit": "Save",
        },
    )


@login_required
def provider_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    organisation, provider = _provider(request, pk)
    require(request, "individual.change_providers", organisation)
    form = EvidenceForm(_posted(request), organisation_id=organisation.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _ran(
            form,
            lambda: services.save_evidence(
                provider, data["quality"], data["evidence"], data["rating"], request.user
            ),
        ):
            messages.success(request, "The evidence is saved.")
            return redirect("individual:provider", pk=provider.pk)
    return _form_page(
        request,
        {
            "title": f"Evidence for {provider.name}",
            "intro": "How the provider meets a quality that people who use services said "
            "matters. Saving evidence for a quality replaces what was there before.",
            "form": form,
            "back": reverse("individual:provider", args=[provider.pk]),
            "submit": "Save the evidence",
        },
    )


@login_required
def quality_list(request: HttpRequest) -> HttpResponse:
    organisation = _providers_organisation(request)
    require(request, "individual.view_providers", organisation)
    may_change = request.user.has_perm("individual.change_providers", organisation)
    form = QualityForm(_posted(request) if may_change else None)
    if request.method == "POST":
        require(request, "individual.change_providers", organisation)
        form.instance.organisation = organisation
        if form.is_valid() and _ran(form, lambda: services.save_quality(form.instance)):
            messages.success(request, "The quality is added.")
            return redirect("individual:qualities")
    context = {
        "qualities": ProviderQuality.objects.filter(organisation=organisation),
        "form": form,
        "may_change": may_change,
    }
    return render(request, "individual/quality_list.html", context)


def _reviewer(request: HttpRequest, organisation: Any) -> tuple[Person | None, bool]:
    """Whose review this is: the signed-in person, or, for a worker writing it down with them,
    someone whose plan they work on."""
    if request.user.has_perm("individual.add_plan", organisation):
        pk = request.POST.get("person") or request.GET.get("person")
        if pk and str(pk).isdigit():
            person = scoped_or_404(request, Person, int(pk))
            if not PlanWorker.objects.filter(
                plan__person=person, user_id=request.user.pk or 0
            ).exists():
                raise PermissionDenied
            return person, True
        return None, True
    person = Person.objects.filter(
        user=request.user,  # type: ignore[misc]
        organisation=organisation,
        merged_into__isnull=True,
    ).first()
    return person, False


@login_required
def provider_review(request: HttpRequest, pk: int) -> HttpResponse:
    organisation, provider = _provider(request, pk)
    require(request, "individual.review_provider", organisation)
    person, on_behalf = _reviewer(request, organisation)
    if person is None:
        if on_behalf:
            messages.info(
                request,
                "To write down someone's review, open their personal budget and follow the "
                "link beside the provider.",
            )
        else:
            messages.info(request, "We cannot find your record. Ask your worker to add you.")
        return redirect("individual:provider", pk=provider.pk)
    form = ReviewForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _ran(
            form,
            lambda: services.submit_review(
                provider, person, data["rating"], data["text"], request.user
            ),
        ):
            messages.success(
                request,
                "Thank you. We check every review before it is shown. Your name is never shown "
                "with it.",
            )
            return redirect("individual:provider", pk=provider.pk)
    return _form_page(
        request,
        {
            "title": f"Review {provider.name}",
            "intro": f"For {person.display_name}." if on_behalf else "",
            "form": form,
            "back": reverse("individual:provider", args=[provider.pk]),
            "submit": "Send the review",
            "hidden": {"person": person.pk} if on_behalf else {},
        },
    )


@staff_required
def review_queue(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "individual.moderate_reviews", organisation)
    reviews = ProviderReview.objects.filter(
        organisation=organisation, status=ReviewStatus.WAITING
    ).select_related("provider")
    return render(
        request,
        "individual/review_queue.html",
        {"page": paginate(request, reviews.order_by("created_at", "pk"))},
    )


@staff_required
def review_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    review = scoped_or_404(request, ProviderReview.objects.select_related("provider", "person"), pk)
    require(request, "individual.moderate_reviews", review)
    form = ModerateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _ran(
            form,
            lambda: services.moderate(
                review, data["decision"] == "publish", data["reason"], request.user
            ),
        ):
            messages.success(request, "The review is checked.")
            return redirect("individual:reviews")
    return render(request, "individual/review_moderate.html", {"review": review, "form": form})


# From individual to strategic -----------------------------------------------------------------


def _figures(request: HttpRequest) -> tuple[FiguresForm, selectors.Figures]:
    organisation = _organisation(request)
    form = FiguresForm(request.GET or None)
    today = datetime.date.today()
    data = form.cleaned_data if form.is_valid() else {}
    spend_to = data.get("spend_to") or today
    spend_from = data.get("spend_from") or spend_to - datetime.timedelta(days=365)
    if spend_from > spend_to:
        spend_from = spend_to - datetime.timedelta(days=365)
    figures = selectors.across_plans(
        organisation.pk, kind=data.get("kind", ""), spend_from=spend_from, spend_to=spend_to
    )
    return form, figures


def _analyse_stages(request: HttpRequest) -> Any:
    return (
        Stage.objects.filter(organisation=_organisation(request), kind=StageKind.ANALYSE)
        .select_related("project")
        .order_by("project__title", "pk")
    )


@staff_required
def across_plans(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "individual.view_aggregates", organisation)
    form, figures = _figures(request)
    may_attach = request.user.has_perm("individual.attach_evidence", organisation)
    attach_form = AttachForm(stages=_analyse_stages(request)) if may_attach else None
    context = {
        "form": form,
        "figures": figures,
        "attach_form": attach_form,
        "query": request.GET.urlencode(),
    }
    return render(request, "individual/across_plans.html", context)


@staff_required
@require_POST
def attach(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "individual.attach_evidence", organisation)
    attach_form = AttachForm(request.POST, stages=_analyse_stages(request))
    form, figures = _figures(request)
    if attach_form.is_valid():
        data = attach_form.cleaned_data
        require(request, "individual.attach_evidence", data["stage"])
        evidence = _ran(
            attach_form,
            lambda: services.attach_evidence(
                data["stage"],
                data["title"],
                data["note"],
                selectors.figures_as_json(figures),
                request.user,
            ),
        )
        if evidence is not None:
            messages.success(
                request,
                f"The figures are attached to the Analyse stage of {data['stage'].project.title}.",
            )
            return redirect("individual:stage-evidence", stage_pk=data["stage"].pk)
    context = {
        "form": form,
        "figures": figures,
        "attach_form": attach_form,
        "query": request.GET.urlencode(),
    }
    return render(request, "individual/across_plans.html", context)


@staff_required
def stage_evidence(request: HttpRequest, stage_pk: int) -> HttpResponse:
    stage = scoped_or_404(request, Stage.objects.select_related("project"), stage_pk)
    require(request, "individual.view_evidence", stage)
    evidence = PlanEvidence.objects.filter(stage=stage).select_related("attached_by")
    return render(request, "individual/stage_evidence.html", {"stage": stage, "evidence": evidence})
