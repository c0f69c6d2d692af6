from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .models import Job
from .views_helpers import require, scoped_or_404, staff_required


def home(request: HttpRequest) -> HttpResponse:
    if getattr(request, "is_staff_member", False):
        return redirect("projects:dashboard")
    if request.user.is_authenticated:
        return redirect("accounts:my-involvement")
    return render(request, "core/home.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "core/cookies.html")


@staff_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = scoped_or_404(request, Job, pk)
    require(request, "core.view_job", job)
    template = "core/includes/job_progress.html" if request.htmx else "core/job.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job})
