from django.apps import apps
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coproduce.core.jobs import start_job
from coproduce.core.views_helpers import paginate, require, scoped_or_404, staff_required

from .models import Audited
from .selectors import history_for
from .tasks import verify_audit_chain


@staff_required
def history(request: HttpRequest, model_label: str, pk: str) -> HttpResponse:
    """The history of one record, for staff of its organisation."""
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError) as missing:
        raise Http404 from missing
    if not issubclass(model, Audited) or "organisation" not in {
        f.name for f in model._meta.get_fields()
    }:
        raise Http404
    record = scoped_or_404(request, model, pk)
    require(request, "audit.view_history", record)
    page = paginate(request, history_for(record))
    return render(request, "audit/history.html", {"record": record, "page": page})


@staff_required
def trail(request: HttpRequest) -> HttpResponse:
    require(request, "audit.verify_chain", request.organisation)  # type: ignore[attr-defined]
    return render(request, "audit/trail.html")


@staff_required
@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    require(request, "audit.verify_chain", organisation)
    job = start_job(organisation, request.user, "Check the audit trail", verify_audit_chain)
    messages.success(request, "The check has started. This page shows how far it has got.")
    return redirect("core:job", pk=job.pk)
