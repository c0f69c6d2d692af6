"""Pages for payments: people's own payment choice and claims (signed in, or with a
facilitator in assisted mode), facilitators claiming for someone, finance approving and paying,
budget against spending, the payment policy and the finance export."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coproduce.core.views_helpers import (
    paginate,
    require,
    run_service,
    scoped_or_404,
    staff_required,
)
from coproduce.people.models import Person
from coproduce.projects.models import CommissioningProject

from . import export, selectors, services
from .forms import (
    ActivityRateForm,
    CategoryForm,
    ChoiceForm,
    ClaimForm,
    ExpenseFormSet,
    ExportForm,
    PaidForm,
    PolicyForm,
    RejectForm,
)
from .models import Claim, ClaimStatus, ExpenseCategory, RateBasis, Receipt


def _organisation(request: HttpRequest) -> Any:
    return request.organisation  # type: ignore[attr-defined]


# People's own pages ---------------------------------------------------------------------


def _me(request: HttpRequest) -> tuple[Person | None, bool]:
    """The person whose payments these are: the signed-in participant, or the one a
    facilitator is acting for (assisted mode)."""
    assisted = getattr(request, "assisted_participant", None)
    user: Any = assisted or request.user
    person = (
        Person.objects.filter(
            user_id=user.pk, merged_into__isnull=True, pseudonymised_at__isnull=True
        )
        .select_related("organisation")
        .first()
    )
    return person, assisted is not None


def participant_page(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Signed in (by email link, or a facilitator acting for someone), with a register record."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(reverse("accounts:sign-in-link"))
        person, assisted = _me(request)
        if person is None:
            return render(request, "payments/no_record.html", status=403)
        return view(request, person, assisted, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@participant_page
def my_payments(request: HttpRequest, person: Person, assisted: bool) -> HttpResponse:
    context = {
        "person": person,
        "choice": services.choice_of(person),
        "claims": selectors.claims_of(person),
        "claimable": bool(services.claimable_attendances(person)),
        "assisted": assisted,
    }
    return render(request, "payments/my_payments.html", context)


@participant_page
def my_choice(request: HttpRequest, person: Person, assisted: bool) -> HttpResponse:
    return _choice(request, person, assisted, reverse("payments:mine"))


@participant_page
def my_claim_new(request: HttpRequest, person: Person, assisted: bool) -> HttpResponse:
    if services.choice_of(person) is None:
        messages.info(request, "Before your first claim, read this and tell us how to pay you.")
        return redirect("payments:my-choice")
    return _claim_form(
        request,
        person,
        on_behalf=assisted,
        done=lambda claim: reverse("payments:my-claim", args=[claim.pk]),
        back=reverse("payments:mine"),
    )


@participant_page
def my_claim(request: HttpRequest, person: Person, assisted: bool, pk: int) -> HttpResponse:
    claim = get_object_or_404(selectors.claim_detail(Claim.objects.filter(person=person)), pk=pk)
    context = {"claim": claim, "items": _items(claim), "mine": True}
    return render(request, "payments/my_claim.html", context)


@participant_page
def my_receipt(request: HttpRequest, person: Person, assisted: bool, pk: int) -> Any:
    receipt = get_object_or_404(Receipt, pk=pk, item__claim__person=person)
    return _file(receipt)


# Shared by people's own pages and facilitators' pages ------------------------------------


def _choice(request: HttpRequest, person: Person, with_help: bool, done: str) -> HttpResponse:
    policy = services.payment_policy(person.organisation)
    choice = services.choice_of(person)
    initial = (
        {"method": choice.method, "donate_to": choice.donate_to, "annual_cap": choice.annual_cap}
        if choice
        else {}
    )
    form = ChoiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.confirm_choice(
                person,
                method=data["method"],
                donate_to=data["donate_to"],
                annual_cap=data["annual_cap"],
                by=request.user,
                with_help=with_help,
            ),
        )
        if saved:
            messages.success(request, "Your choice is saved. You can change it at any time.")
            return redirect(done)
    context = {
        "form": form,
        "person": person,
        "information": services.benefits_information(policy),
        "with_help": with_help,
        "back": done,
    }
    return render(request, "payments/choice.html", context)


def _claim_form(
    request: HttpRequest,
    person: Person,
    *,
    on_behalf: bool,
    done: Callable[[Claim], str],
    back: str,
) -> HttpResponse:
    policy = services.payment_policy(person.organisation)
    categories = policy.expense_categories.filter(active=True)
    attendances = {a.pk: a for a in services.claimable_attendances(person)}
    options = [
        (pk, _attendance_label(person, attendance)) for pk, attendance in attendances.items()
    ]
    form = ClaimForm(request.POST or None, options=options)
    expenses = ExpenseFormSet(
        request.POST or None, request.FILES or None, categories=categories, prefix="expense"
    )
    if request.method == "POST" and form.is_valid() and expenses.is_valid():
        attendance = attendances[form.cleaned_data["attendance"]]
        claim = run_service(
            form,
            lambda: services.submit_claim(
                person, attendance, expenses.items(), by=request.user, on_behalf=on_behalf
            ),
        )
        if claim:
            messages.success(
                request,
                f"Claim {claim.reference} sent. We will tell you when it is approved and paid.",
            )
            return redirect(done(claim))
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "expenses": expenses,
        "person": person,
        "categories": categories,
        "on_behalf": on_behalf,
        "back": back,
        "receipt_again": request.method == "POST" and bool(request.FILES),
    }
    return render(request, "payments/claim_form.html", context, status=status)


def _attendance_label(person: Person, attendance: Any) -> str:
    event = attendance.event
    expected = services.expected_payment(person, attendance)
    when = timezone.localtime(event.starts_at)
    return (
        f"{event.title}, {when:%-d %B %Y}: {services.hours_at(attendance).normalize():f} hours, "
        f"£{expected.involvement:,.2f} for your time"
    )


def _items(claim: Claim) -> list[Any]:
    return list(claim.items.select_related("category", "receipt"))


def _file(receipt: Receipt) -> FileResponse:
    # Always a download, never shown in the page: the file came from outside.
    return FileResponse(
        receipt.file.open("rb"),
        as_attachment=True,
        filename=receipt.original_name,
        content_type=receipt.content_type,
    )


# Facilitators --------------------------------------------------------------------------


def _person(request: HttpRequest, pk: int) -> Person:
    person: Person = scoped_or_404(
        request, Person.objects.filter(merged_into__isnull=True, pseudonymised_at__isnull=True), pk
    )
    require(request, "payments.submit_claim_for", person)
    return person


@staff_required
def person_choice(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    done = reverse("payments:person-claim-new", args=[person.pk])
    return _choice(request, person, True, done)


@staff_required
def person_claim_new(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    if services.choice_of(person) is None:
        messages.info(
            request,
            f"Before {person.display_name}'s first claim, read them the information about "
            "benefits and tax and record how they want to be paid.",
        )
        return redirect("payments:person-choice", pk=person.pk)
    return _claim_form(
        request,
        person,
        on_behalf=True,
        done=lambda claim: reverse("payments:claim", args=[claim.pk]),
        back=reverse("people:detail", args=[person.pk]),
    )


# Finance --------------------------------------------------------------------------------


def _claim(request: HttpRequest, pk: int) -> Claim:
    claim: Claim = scoped_or_404(request, selectors.claim_detail(Claim.objects.all()), pk)
    return claim


@staff_required
def claim_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "payments.view_claim", organisation)
    status = request.GET.get("status", "")
    claims = selectors.claims_for(organisation, status=status)
    return _list(request, claims, status=status, overdue=False)


@staff_required
def overdue_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "payments.view_claim", organisation)
    policy = services.payment_policy(organisation)
    cutoff = selectors.overdue_cutoff(policy.paid_within_days)
    claims = selectors.claims_for(organisation, overdue_before=cutoff)
    return _list(request, claims, status="", overdue=True, days=policy.paid_within_days)


def _list(
    request: HttpRequest, claims: QuerySet[Claim], *, status: str, overdue: bool, days: int = 0
) -> HttpResponse:
    organisation = _organisation(request)
    context = {
        "page": paginate(request, claims),
        "status": status,
        "statuses": ClaimStatus.choices,
        "overdue": overdue,
        "days": days,
        "now": timezone.now(),
        "can_export": request.user.has_perm("payments.export", organisation),
        "query": f"status={status}&" if status else "",
    }
    return render(request, "payments/claim_list.html", context)


@staff_required
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    require(request, "payments.view_claim", claim)
    return _detail(request, claim)


def _detail(
    request: HttpRequest,
    claim: Claim,
    reject_form: RejectForm | None = None,
    paid_form: PaidForm | None = None,
    problem: str = "",
) -> HttpResponse:
    can_decide = request.user.has_perm("payments.approve_claim", claim)
    separation = ""
    if can_decide:
        try:
            services.check_separation(claim, request.user)
        except ValidationError as error:
            separation = " ".join(error.messages)
    context = {
        "claim": claim,
        "items": _items(claim),
        "choice": services.choice_of(claim.person),
        "can_decide": can_decide and not separation,
        "separation": separation,
        "reject_form": reject_form or RejectForm(),
        "paid_form": paid_form or PaidForm(initial={"paid_on": timezone.localdate()}),
        "problem": problem,
    }
    invalid = bool(
        problem or (reject_form and reject_form.errors) or (paid_form and paid_form.errors)
    )
    return render(request, "payments/claim_detail.html", context, status=400 if invalid else 200)


@staff_required
@require_POST
def claim_approve(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    require(request, "payments.approve_claim", claim)
    try:
        services.approve(claim, request.user)
    except ValidationError as error:
        return _detail(request, claim, problem=" ".join(error.messages))
    messages.success(request, f"Claim {claim.reference} approved. The person has been told.")
    return redirect("payments:claim", pk=claim.pk)


@staff_required
@require_POST
def claim_reject(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    require(request, "payments.approve_claim", claim)
    form = RejectForm(request.POST)
    if form.is_valid() and (
        run_service(form, lambda: services.reject(claim, request.user, form.cleaned_data["reason"]))
        is not None
    ):
        messages.success(
            request, f"Claim {claim.reference} not approved. The person has been told why."
        )
        return redirect("payments:claim", pk=claim.pk)
    return _detail(request, claim, reject_form=form)


@staff_required
@require_POST
def claim_paid(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    require(request, "payments.approve_claim", claim)
    form = PaidForm(request.POST)
    if form.is_valid() and (
        run_service(
            form,
            lambda: services.mark_paid(
                claim, request.user, form.cleaned_data["reference"], form.cleaned_data["paid_on"]
            ),
        )
        is not None
    ):
        messages.success(
            request, f"Claim {claim.reference} marked as paid. The person has been told."
        )
        return redirect("payments:claim", pk=claim.pk)
    return _detail(request, claim, paid_form=form)


@staff_required
def receipt(request: HttpRequest, pk: int) -> Any:
    found: Receipt = scoped_or_404(request, Receipt.objects.select_related("item__claim"), pk)
    require(request, "payments.view_claim", found.item.claim)
    return _file(found)


@staff_required
def budget(request: HttpRequest, pk: int) -> HttpResponse:
    project = scoped_or_404(request, CommissioningProject, pk)
    require(request, "payments.view_budget", project)
    context = {"project": project, "budget": selectors.budget_vs_actual(project)}
    return render(request, "payments/budget.html", context)


# The payment policy -----------------------------------------------------------------------


@staff_required
def policy(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "payments.view_policy", organisation)
    current = services.payment_policy(organisation)
    can_change = request.user.has_perm("payments.change_policy", organisation)
    rates = services.rates_for(current)
    initial = {"per_hour": rates.per_hour, "half_day": rates.half_day, "day": rates.day}
    form = PolicyForm(request.POST or None, instance=current, initial=initial)
    if request.method == "POST":
        require(request, "payments.change_policy", organisation)
        if form.is_valid() and (
            run_service(form, lambda: services.save_policy(form.save(commit=False), form.rates()))
            is not None
        ):
            messages.success(request, "Payment policy saved.")
            return redirect("payments:policy")
    context = {
        "form": form,
        "policy": current,
        "rates": rates,
        "activity_rates": current.rates.filter(basis=RateBasis.ACTIVITY),
        "categories": current.expense_categories.all(),
        "can_change": can_change,
    }
    return render(request, "payments/policy.html", context, status=400 if form.errors else 200)


@staff_required
def activity_rate(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "payments.change_policy", organisation)
    current = services.payment_policy(organisation)
    form = ActivityRateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form,
            lambda: services.save_activity_rate(current, data["event_kind"], data["amount"]),
        ):
            messages.success(request, "Activity rate saved.")
            return redirect("payments:policy")
    return render(request, "payments/activity_rate.html", {"form": form})


@staff_required
def category_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "payments.change_policy", organisation)
    current = services.payment_policy(organisation)
    if pk is None:
        category = ExpenseCategory(organisation=organisation, policy=current)
    else:
        category = scoped_or_404(request, ExpenseCategory, pk)
    form = CategoryForm(request.POST or None, instance=category)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, lambda: services.save_category(form.save(commit=False))) is not None
    ):
        messages.success(request, f"“{category.name}” saved.")
        return redirect("payments:policy")
    context = {"form": form, "category": category if pk else None}
    return render(request, "payments/category_form.html", context)


# The finance export ---------------------------------------------------------------------


@staff_required
def export_claims(request: HttpRequest) -> Any:
    organisation = _organisation(request)
    require(request, "payments.export", organisation)
    form = ExportForm(request.GET or None, initial={"status": "approved", "format": "csv"})
    if not request.GET or not form.is_valid():
        status = 400 if request.GET else 200
        return render(request, "payments/export.html", {"form": form}, status=status)
    data = form.cleaned_data
    claims = export.claims_in(organisation, data["status"], data["start"], data["end"])
    name = f"claims-{data['status']}-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}"
    if data["format"] == "xlsx":
        count = claims.count()
        if count > export.XLSX_MAX_ROWS:
            form.add_error(
                "format",
                f"This range has {count:,} claim{'' if count == 1 else 's'}: an Excel workbook "
                f"can hold {export.XLSX_MAX_ROWS:,} at most here. Choose CSV, or a shorter range.",
            )
            return render(request, "payments/export.html", {"form": form}, status=400)
        return FileResponse(
            export.xlsx_file(claims),
            as_attachment=True,
            filename=f"{name}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = StreamingHttpResponse(export.csv_lines(claims), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
