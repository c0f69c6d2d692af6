"""Small pieces every view uses: permission checks, pagination and service errors on forms."""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from coproduce.accounts.roles import staff_organisation_ids

T = TypeVar("T")


def require(request: HttpRequest, permission: str, obj: Any = None) -> None:
    """Anyone may see a record only if the permission rules say so (403 otherwise)."""
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in staff only: others are sent to sign in, or refused if signed in already."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not getattr(request, "is_staff_member", False):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def in_my_organisations(request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Only records of the organisations where the user is staff: for anyone else, another
    organisation's records do not exist (404, never 403, so their existence is not revealed)."""
    return queryset.filter(organisation_id__in=staff_organisation_ids(request.user))


def scoped_or_404(request: HttpRequest, queryset: Any, pk: Any) -> Any:
    """One record of the user's organisations, or 404. Takes a model or a queryset."""
    if not isinstance(queryset, QuerySet):
        queryset = queryset._default_manager.all()
    return get_object_or_404(in_my_organisations(request, queryset), pk=pk)


def paginate(request: HttpRequest, queryset: QuerySet[Any]) -> Page:
    paginator = Paginator(queryset, settings.COPRODUCE_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def run_service(form: forms.BaseForm, service: Callable[[], T]) -> T | None:
    """Runs a write service; its rule errors land on the form beside the right field."""
    try:
        return service()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None
