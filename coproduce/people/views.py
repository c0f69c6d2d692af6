from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coproduce.core.views_helpers import (
    paginate,
    require,
    run_service,
    scoped_or_404,
    staff_required,
)

from . import selectors, services
from .forms import (
    AddToListForm,
    CommunityForm,
    ConsentForm,
    InvolvementForm,
    PartnerForm,
    PartnerRoleForm,
    PeopleFilterForm,
    PersonForm,
    RegisterSettingsForm,
    SavedListForm,
)
from .models import (
    Community,
    ConsentPurpose,
    PartnerContact,
    PartnerOrganisation,
    Person,
    SavedList,
)


def _scoped(model: Any, request: HttpRequest, pk: int) -> Any:
    queryset = model.objects.all()
    if model is Person:
        queryset = queryset.filter(merged_into__isnull=True)
    return scoped_or_404(request, queryset, pk)


def _organisation(request: HttpRequest) -> Any:
    return request.organisation  # type: ignore[attr-defined]


@staff_required
def people_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "people.view_person", organisation)
    threshold = services.register_settings(organisation).fatigue_threshold
    filters = PeopleFilterForm(request.GET or None, organisation=organisation)
    criteria: dict[str, Any] = {}
    if filters.is_valid():
        criteria = {key: value for key, value in filters.cleaned_data.items() if value}
    people = selectors.search_people(organisation, fatigue_threshold=threshold, **criteria)
    context = {
        "filters": filters,
        "page": paginate(request, people),
        "threshold": threshold,
        "saved_lists": selectors.saved_lists_for(organisation),
        "can_change": request.user.has_perm("people.change_person", organisation),
        "query_string": request.GET.urlencode() if request.GET else "",
    }
    return render(request, "people/people_list.html", context)


@staff_required
def person_create(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "people.change_person", organisation)
    # In assisted mode (say, on the phone to a participant with no email) the new record is
    # theirs: it is linked to their account and the audit trail says who acted for whom.
    assisted = getattr(request, "assisted_participant", None)
    if assisted is not None and Person.objects.filter(user=assisted).exists():
        assisted = None
    initial = {"name": assisted.get_full_name()} if assisted else {}
    form = PersonForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        person = form.save(commit=False)
        person.organisation = organisation
        person.user = assisted
        saved = run_service(
            form,
            lambda: services.save_person(
                person, form.cleaned_data["needs"], form.cleaned_data["communities"]
            ),
        )
        if saved:
            messages.success(
                request,
                f"{saved.display_name} added. Now record what they have agreed to.",
            )
            return redirect("people:consent", pk=saved.pk)
    context = {"form": form, "person": None, "assisted": assisted}
    return render(request, "people/person_form.html", context)


@staff_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        person = selectors.person_detail(pk, request.user)
    except Person.DoesNotExist as missing:
        raise Http404 from missing
    require(request, "people.view_person", person)
    settings = services.register_settings(person.organisation)
    recent = services.recent_involvement_count(person)
    active = {c.purpose for c in person.consents.all() if c.withdrawn_at is None}
    context = {
        "person": person,
        "recent": recent,
        "threshold": settings.fatigue_threshold,
        "fatigued": recent >= settings.fatigue_threshold,
        "consent_rows": [
            (value, label, value in active) for value, label in ConsentPurpose.choices
        ],
        "can_change": request.user.has_perm("people.change_person", person),
        "can_consent": request.user.has_perm("people.manage_consent", person),
        "can_export": request.user.has_perm("dataprotection.export_person", person),
        "can_see_equality": request.user.has_perm("people.view_equality_answers", person),
        "can_change_equality": request.user.has_perm("people.change_equality_answers", person),
        "can_request_erasure": request.user.has_perm("dataprotection.request_erasure", person),
    }
    return render(request, "people/person_detail.html", context)


@staff_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _scoped(Person, request, pk)
    require(request, "people.change_person", person)
    form = PersonForm(request.POST or None, instance=person, organisation=person.organisation)
    if request.method == "POST" and form.is_valid():
        updated = form.save(commit=False)
        if run_service(
            form,
            lambda: services.save_person(
                updated, form.cleaned_data["needs"], form.cleaned_data["communities"]
            ),
        ):
            messages.success(request, "Details saved.")
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@staff_required
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    person = _scoped(Person, request, pk)
    require(request, "people.manage_consent", person)
    form = ConsentForm(request.POST or None, initial={"purpose": request.GET.get("purpose")})
    if request.method == "POST" and form.is_valid():
        services.give_consent(
            person, form.cleaned_data["purpose"], form.cleaned_data["method"], request.user
        )
        label = ConsentPurpose(form.cleaned_data["purpose"]).label.lower()
        messages.success(request, f"Recorded: {person.display_name} agreed to {label}.")
        return redirect("people:detail", pk=person.pk)
    return render(request, "people/consent_form.html", {"form": form, "person": person})


@staff_required
@require_POST
def consent_withdraw(request: HttpRequest, pk: int, purpose: str) -> HttpResponse:
    person = _scoped(Person, request, pk)
    require(request, "people.manage_consent", person)
    if purpose not in ConsentPurpose.values:
        raise Http404
    services.withdraw_consent(person, purpose, request.user)
    messages.success(
        request,
        f"Consent withdrawn: {ConsentPurpose(purpose).label.lower()}. This applies from now.",
    )
    return redirect("people:detail", pk=person.pk)


@staff_required
def partner_role(request: HttpRequest, pk: int) -> HttpResponse:
    person = _scoped(Person, request, pk)
    require(request, "people.change_person", person)
    form = PartnerRoleForm(request.POST or None, organisation=person.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form, lambda: services.set_partner_role(person, data["partner"], data["role"])
        ):
            messages.success(request, f"{person.display_name} is a contact for {data['partner']}.")
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/partner_role_form.html", {"form": form, "person": person})


@staff_required
@require_POST
def partner_role_remove(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    person = _scoped(Person, request, pk)
    require(request, "people.change_person", person)
    contact = get_object_or_404(PartnerContact, pk=contact_pk, person=person)
    services.remove_partner_role(contact)
    messages.success(request, f"No longer a contact for {contact.partner}.")
    return redirect("people:detail", pk=person.pk)


@staff_required
def involvement_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = _scoped(Person, request, pk)
    require(request, "people.change_person", person)
    form = InvolvementForm(request.POST or None, organisation=person.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.record_involvement(
            person, data["kind"], data["occurred_on"], data["description"], data["project"]
        )
        messages.success(request, "Involvement recorded.")
        return redirect("people:detail", pk=person.pk)
    return render(request, "people/involvement_form.html", {"form": form, "person": person})


@staff_required
def community_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "people.view_person", organisation)
    context = {
        "page": paginate(request, selectors.communities_with_counts(organisation)),
        "can_change": request.user.has_perm("people.change_person", organisation),
    }
    return render(request, "people/community_list.html", context)


def _save_simple(
    request: HttpRequest,
    form: Any,
    template: str,
    context: dict[str, Any],
    success: str,
    back: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        instance = form.save(commit=False)
        instance.organisation = _organisation(request) if not instance.pk else instance.organisation
        if run_service(form, lambda: (instance.full_clean(), instance.save(), form.save_m2m())):
            messages.success(request, success)
            return redirect(back)
    return render(request, template, {"form": form, **context})


@staff_required
def community_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    community = _scoped(Community, request, pk) if pk else None
    require(request, "people.change_person", community or _organisation(request))
    form = CommunityForm(request.POST or None, instance=community)
    return _save_simple(
        request,
        form,
        "people/community_form.html",
        {"community": community},
        "Community saved.",
        "people:communities",
    )


@staff_required
def partner_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "people.view_person", organisation)
    context = {
        "page": paginate(request, selectors.partners_for(organisation)),
        "can_change": request.user.has_perm("people.change_person", organisation),
    }
    return render(request, "people/partner_list.html", context)


@staff_required
def partner_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    partner = _scoped(PartnerOrganisation, request, pk) if pk else None
    require(request, "people.change_person", partner or _organisation(request))
    organisation = partner.organisation if partner else _organisation(request)
    form = PartnerForm(request.POST or None, instance=partner, organisation=organisation)
    return _save_simple(
        request,
        form,
        "people/partner_form.html",
        {"partner": partner},
        "Organisation saved.",
        "people:partners",
    )


@staff_required
def saved_list_index(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "people.view_person", organisation)
    can_change = request.user.has_perm("people.change_person", organisation)
    form = SavedListForm(request.POST or None)
    if request.method == "POST":
        require(request, "people.change_person", organisation)
        if form.is_valid():
            saved = run_service(
                form,
                lambda: services.create_saved_list(
                    organisation, form.cleaned_data["name"], form.cleaned_data["description"]
                ),
            )
            if saved:
                messages.success(request, f"List '{saved.name}' created.")
                return redirect("people:saved-list", pk=saved.pk)
    context = {
        "page": paginate(request, selectors.saved_lists_for(organisation)),
        "form": form,
        "can_change": can_change,
    }
    return render(request, "people/saved_list_index.html", context)


@staff_required
def saved_list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _scoped(SavedList, request, pk)
    require(request, "people.view_person", saved)
    threshold = services.register_settings(saved.organisation).fatigue_threshold
    context = {
        "saved": saved,
        "page": paginate(request, selectors.list_members(saved)),
        "threshold": threshold,
        "can_change": request.user.has_perm("people.change_person", saved),
    }
    return render(request, "people/saved_list_detail.html", context)


@staff_required
@require_POST
def saved_list_add(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "people.change_person", organisation)
    form = AddToListForm(request.POST, organisation=organisation)
    if not form.is_valid():
        for error in form.errors.as_data().values():
            messages.error(request, " ".join(error[0].messages))
        back = request.POST.get("back", "")
        return redirect(reverse("people:list") + (f"?{back}" if back else ""))
    saved = form.cleaned_data["saved_list"]
    added = services.add_to_list(saved, form.cleaned_data["people"])
    messages.success(request, f"{added} added to '{saved.name}'.")
    return redirect("people:saved-list", pk=saved.pk)


@staff_required
@require_POST
def saved_list_remove(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    saved = _scoped(SavedList, request, pk)
    require(request, "people.change_person", saved)
    person = get_object_or_404(Person, pk=person_pk, organisation_id=saved.organisation_id)
    services.remove_from_list(saved, person)
    messages.success(request, f"{person.display_name} removed from the list.")
    return redirect("people:saved-list", pk=saved.pk)


@staff_required
def register_settings(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    require(request, "people.change_register_settings", organisation)
    settings = services.register_settings(organisation)
    form = RegisterSettingsForm(request.POST or None, instance=settings)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Register settings saved.")
        return redirect("people:list")
    return render(request, "people/register_settings.html", {"form": form})
