"""Providers' pages under /review/provider/: the services they report on, each service's
indicators and figures, and their reports (write, send, change when returned).

A provider user sees only the services they are linked to: any other service or report is
"not found", as another bidder's bid is in procurement."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from coproduce.core.views_helpers import run_service

from . import selectors, services
from .forms import ReportForm, ReportStartForm
from .models import ProviderReport, Service
from .views import posted, signed_in_user


def _service(request: HttpRequest, pk: int) -> Service:
    service = get_object_or_404(Service.objects.select_related("project"), pk=pk)
    if not request.user.has_perm("review.act_for_service", service):
        raise Http404
    return service


def _report(request: HttpRequest, pk: int) -> ProviderReport:
    report = get_object_or_404(ProviderReport.objects.select_related("service__project"), pk=pk)
    if not request.user.has_perm("review.act_for_service", report):
        raise Http404
    return report


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(
        request,
        "review/provider/home.html",
        {"services": selectors.services_for_provider(signed_in_user(request))},
    )


def service(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    service = _service(request, pk)
    form = ReportStartForm(posted(request))
    if request.method == "POST" and form.is_valid():
        report = run_service(
            form,
            lambda: services.start_report(
                service,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
            ),
        )
        if report:
            return redirect("review:provider-report", pk=report.pk)
    indicators = service.indicators.select_related("outcome").prefetch_related("values")
    context = {
        "service": service,
        "figures": [selectors.figures_for(i, list(i.values.all())) for i in indicators],
        "characteristics": service.quality_characteristics.all(),
        "reports": service.reports.all(),
        "form": form,
        "chart_width": selectors.CHART_WIDTH,
        "chart_height": selectors.CHART_HEIGHT,
    }
    return render(request, "review/provider/service.html", context)


def report(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    report = _report(request, pk)
    indicators = list(report.service.indicators.all())
    initial: dict[str, object] = {"commentary": report.commentary}
    for figure in report.figures.all():
        initial[f"figure_{figure.indicator_id}"] = figure.value
        initial[f"note_{figure.indicator_id}"] = figure.note
    form = ReportForm(posted(request), indicators=indicators, initial=initial)
    if request.method == "POST" and report.editable and form.is_valid():
        saved = run_service(
            form,
            lambda: services.save_report(
                report, figures=form.figures(), commentary=form.cleaned_data["commentary"]
            ),
        )
        if saved and "send" in request.POST:
            sent = run_service(form, lambda: services.submit_report(saved, signed_in_user(request)))
            if sent:
                messages.success(request, "Report sent. An officer will review it.")
                return redirect("review:provider-service", pk=report.service_id)
        elif saved:
            messages.success(request, "Saved. You can come back and send it later.")
            return redirect("review:provider-report", pk=report.pk)
    context = {"report": report, "form": form, "rows": form.rows()}
    return render(request, "review/provider/report.html", context)
