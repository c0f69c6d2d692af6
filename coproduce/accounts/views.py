from base64 import b32encode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from coproduce.core.views_helpers import require, staff_required

from . import services
from .forms import AssistForm, CodeForm, SignInLinkForm, StaffSignInForm
from .middleware import ACTIVE_ORGANISATION
from .models import Role
from .roles import has_role, staff_organisation_ids

PENDING_USER = "pending_second_factor_user_id"
PENDING_NEXT = "pending_second_factor_next"


def _next_url(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def sign_in(request: HttpRequest) -> HttpResponse:
    """Staff sign in with a password, then a code if they have set up two-factor sign-in."""
    form = StaffSignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if any(devices_for_user(user, confirmed=True)):
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_NEXT] = _next_url(request, reverse("core:home"))
            return redirect("accounts:sign-in-code")
        auth_login(request, user)
        return redirect(_next_url(request, reverse("core:home")))
    return render(
        request, "accounts/sign_in.html", {"form": form, "next": request.GET.get("next", "")}
    )


def sign_in_code(request: HttpRequest) -> HttpResponse:
    user_id = request.session.get(PENDING_USER)
    user = get_user_model().objects.filter(pk=user_id or 0, is_active=True).first()
    if user is None:
        return redirect("accounts:sign-in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"].strip())
        if device is None:
            form.add_error(
                "code", "That code is not right or has expired. Enter the code shown now."
            )
        else:
            target = request.session.pop(PENDING_NEXT, reverse("core:home"))
            request.session.pop(PENDING_USER, None)
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            return redirect(target)
    return render(request, "accounts/sign_in_code.html", {"form": form})


def sign_in_link(request: HttpRequest) -> HttpResponse:
    """People taking part sign in with a link sent to their email: no password to remember."""
    form = SignInLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.send_sign_in_link(request, form.cleaned_data["email"])
        return render(request, "accounts/link_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "accounts/sign_in_link.html", {"form": form})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.session.get("assisted_session_id"):
        services.stop_assisting(request)
    auth_logout(request)
    messages.success(request, "You have signed out.")
    return redirect("core:home")


def my_involvement(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:sign-in-link')}")
    return render(request, "accounts/my_involvement.html")


@staff_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Administrators can add an authenticator app; from then on sign-in asks for its code."""
    user = request.user
    if not any(has_role(user, org, Role.ADMINISTRATOR) for org in staff_organisation_ids(user)):
        raise PermissionDenied
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = confirmed or TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None)
    if not confirmed and request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            device.confirmed = True
            device.save()
            messages.success(request, "Two-factor sign-in is on. You will need a code each time.")
            return redirect("accounts:two-factor")
        form.add_error("code", "That code is not right. Check the app's clock and try again.")
    context = {
        "form": form,
        "confirmed": confirmed,
        "secret": b32encode(device.bin_key).decode().rstrip("="),
        "config_url": device.config_url,
    }
    return render(request, "accounts/two_factor.html", context)


@staff_required
def assist(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    require(request, "accounts.act_for_participant", organisation)
    participants = services.participants_to_assist(organisation)
    form = AssistForm(request.POST or None, participants=participants)
    if request.method == "POST" and form.is_valid():
        participant = form.cleaned_data["participant"]
        services.start_assisting(request, participant)
        messages.success(request, f"You are now acting for {participant.display_name}.")
        return redirect("accounts:my-involvement")
    return render(request, "accounts/assist.html", {"form": form})


@require_POST
def assist_stop(request: HttpRequest) -> HttpResponse:
    services.stop_assisting(request)
    messages.success(request, "You are no longer acting for anyone.")
    return redirect("core:home")


@staff_required
@require_POST
def switch_organisation(request: HttpRequest) -> HttpResponse:
    try:
        chosen = int(request.POST.get("organisation", ""))
    except ValueError:
        chosen = 0
    if chosen not in staff_organisation_ids(request.user):
        raise PermissionDenied
    services.stop_assisting(request)
    request.session[ACTIVE_ORGANISATION] = chosen
    return redirect("projects:dashboard")
