from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import acting_as


class AuditActorMiddleware:
    """Every change made while handling a request is recorded against the signed-in user, and
    against the participant they are acting for in assisted mode."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        on_behalf_of = getattr(request, "assisted_participant", None)
        with acting_as(request.user, on_behalf_of):
            return self.get_response(request)
